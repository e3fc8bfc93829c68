"""auditor.textscan: the prefilter never changes what a search finds.

``found_in`` must equal ``pattern.search(text) is not None`` and ``ruled_out`` may only say True
when the search finds nothing, for every regex of the built-in rulebook, on the rule fixtures
(texts that fire), on their lines and on random texts over the characters the patterns look for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.rulebook import load_rulebook
from auditor.textscan import TextIndex, found_in, prefilter, required_literals, ruled_out

ROOT = Path(__file__).resolve().parent


def _rule_patterns() -> list[re.Pattern[str]]:
    patterns = []
    for rule in load_rulebook().rules:
        for attribute in ("patterns", "exceptions", "ignore"):
            for pattern in getattr(rule.compiled, attribute, ()) or ():
                if isinstance(getattr(pattern, "pattern", None), str):
                    patterns.append(pattern)
    return patterns


PATTERNS = _rule_patterns()
# the characters the rule patterns look for, with Han text, digits, blanks and line breaks
ALPHABET = sorted({char for pattern in PATTERNS for clause in required_literals(pattern.pattern)
                   for string in clause for char in string}
                  | set("0123456789 \n\t_年月日XxX×【】<>-:.,。、是第统计件条共一二三") | set("政府信息公开工作报告"))


def _assert_agrees(text: str) -> None:
    index = TextIndex(text)
    for pattern in PATTERNS:
        found = pattern.search(text) is not None
        assert found_in(index, pattern) == found, (pattern.pattern, text)
        if found:
            assert not ruled_out(index, pattern), (pattern.pattern, text)
        middle = len(text) // 2
        if ruled_out(index, pattern, 0, middle):
            assert pattern.search(text, 0, middle) is None, (pattern.pattern, text)


def _fixture_texts() -> list[str]:
    from auditor.document import Document

    texts = []
    for path in sorted((ROOT / "fixtures" / "rules").glob("*/*")):
        if path.suffix in (".txt", ".md"):
            folded = Document(str(path), path.read_text(encoding="utf-8")).folded
            texts.append(folded)
            texts += folded.split("\n")[:40]
    return texts


def test_rule_fixtures_find_the_same() -> None:
    texts = _fixture_texts()
    assert len(texts) > 50
    for text in texts:
        _assert_agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_texts_find_the_same(text: str) -> None:
    _assert_agrees(text)


@pytest.mark.parametrize(("source", "present", "absent"), [
    (r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?P<month>0[1-9]|1[0-2])(?P<day>[0-3]\d)日",
     "截至20231231日", "2023年12月31日"),
    (r"^\s*(?P<mark>\d{1,3}、)", "正文\n 12、下一页", "第12、13项"),
    (r"【\s*(?:打印|关闭)\s*】", "【 打印 】", "打印本页"),
    (r"(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])", "XX年", "xyz"),
])
def test_examples(source: str, present: str, absent: str) -> None:
    pattern = re.compile(source, re.MULTILINE)
    assert found_in(TextIndex(present), pattern)
    assert not found_in(TextIndex(absent), pattern)


def test_gate_opens_with_the_literal() -> None:
    known = prefilter(r"(?<![\d.])(?:19|20)\d{2}(?:0[1-9]|1[0-2])[0-3]\d日")
    assert known.gate is not None
    assert known.gate.search("截至20231231日") is not None
    assert known.gate.search("截至2023年12月31日") is None
    assert prefilter(r"^\s*\d{1,3}、").line_anchored


def test_back_references_get_no_gate_and_case_folding_no_literals() -> None:
    assert prefilter(r"(?P<word>[\u4e00-\u9fff]{2,4})x(?P=word)").gate is None
    assert required_literals("(?i)abc") == ()
    assert required_literals("ab|c") == (frozenset({"ab", "c"}),)


@pytest.mark.parametrize(("text", "doubled"), [
    ("我们认真认真学习", True), ("我们认真学习", False), ("研究研究", True), ("0 0 0 0 0 0", False),
    ("一二三一二三四", True), ("一二三四一二三四", True), ("一二三四五一二三四五", False), ("政府\ud800政府", True),
    ("。。。。", True), ("", False),
])
def test_doubled_somewhere(text: str, doubled: bool) -> None:
    assert TextIndex(text).doubled_somewhere(2, 4) == doubled


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="政府信息公开0 \n。", max_size=40))
def test_doubled_somewhere_never_misses(text: str) -> None:
    pattern = re.compile(r"(?P<word>[\u4e00-\u9fff]{2,4})(?P=word)")
    if pattern.search(text):
        assert TextIndex(text).doubled_somewhere(2, 4)
    assert prefilter(pattern.pattern).doubled == (2, 4)


def test_a_damaged_remembered_prefilter_is_derived_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import regexcache

    source = r"(?<![\d.])(?:19|20)\d{2}(?:0[1-9]|1[0-2])[0-3]\d日"
    fresh = prefilter.__wrapped__(source)
    monkeypatch.setattr(regexcache, "remembered", lambda name, build: {"clauses": [[""]], "gate": [1, 2]})
    again = prefilter.__wrapped__(source)
    assert again.clauses == fresh.clauses and again.gate is not None
    assert again.gate.search("截至20231231日") is not None
