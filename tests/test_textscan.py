"""auditor.textscan: what a match of a regex must contain and where it can start never changes
what a search finds.

For every regex of the built-in rulebook (rule parameters and detection), on the rule fixtures
(texts that fire), on their lines, on the examples and on random texts over the characters the
patterns look for: ``found_in`` equals ``pattern.search(text) is not None``, ``ruled_out`` says
True only when the search finds nothing, ``finditer`` and ``match_spans`` give ``pattern.finditer``'s
very matches, ``candidate_lines`` holds every line a line-by-line search matches on, and every
match holds a string of each clause and starts with one of the start words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor import records, textscan
from auditor.document import line_starts_of
from auditor.rulebook import load_rulebook
from auditor.textfold import fold
from auditor.textscan import (
    TextIndex,
    candidate_lines,
    could_match,
    finditer,
    finditer_ending_in,
    found_in,
    match_spans,
    may_match,
    of_pattern,
    prefilter,
    required_literals,
    ruled_out,
    start_windows,
)

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


def test_a_gate_anchored_at_a_branch_is_split_by_first_character() -> None:
    source = r"(?:共|计)[^\d\s]{0,8}?(?:_+|\s{2,})(?:件|条|万元|万人)(?![例款])"
    known = prefilter(source)
    assert isinstance(known.gate, textscan.GateSet) and len(known.gate.parts) == 3  # 件 条 万
    pattern = re.compile(source, re.MULTILINE)
    for text in ("共  件", "共计__万人", "计 条例 共 万元", "共计  条例", "合计  万", "共__万元 计  条"):
        index = TextIndex(text)
        assert found_in(index, pattern) == (pattern.search(text) is not None), text
        assert [match.span() for match in finditer(index, pattern)] == [match.span() for match in
                                                                         pattern.finditer(text)], text
    assert known.gate.search("甲  万元 乙__条") is not None and known.gate.search("甲  万元").start() == 3
    assert known.gate.search("甲 条例 万") is None


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


@pytest.mark.parametrize(("source", "clauses"), [
    ("申请人", [{"申请人"}]),
    ("申请人?", [{"申请"}]),
    (r"本年增\s*/\s*减", [{"/"}, {"减"}, {"本年增"}]),
    (r"(?:收到|新收)[^。]{0,16}?申请\d+件", [{"件"}, {"收到", "新收"}, {"申请"}]),
    (r"(?:下一步|今后)?工作", [{"工作"}]),
    (r"(?:我|本)+局", [{"我", "本"}, {"局"}]),
    (r"(?=申请)公开", [{"申请"}, {"公开"}]),
    (r"(?:其中(?:包括)?|包括)", [{"其中", "包括"}]),
    (r"^\s*\|?\s*信息内容\s*\|?\s*$", [{"信息内容"}]),
    (r"x(?i:abc)y", [{"x"}, {"y"}]),
    (r"[一二三]\s*[、.]", [{"一", "二", "三"}, {"、", "."}]),
    (r"\ufffd(?:[^\n]{0,3}\ufffd)*", [{"\ufffd"}]),
    ("", []),
])
def test_required_literals(source: str, clauses: list[set[str]]) -> None:
    assert sorted(map(sorted, required_literals(source))) == sorted(map(sorted, clauses))


def test_a_pattern_opening_with_a_small_class_is_searched_in_parts() -> None:
    source = r"[,;、:。][,;、:。](?<!。:)"
    known = prefilter(source)
    assert known.first_parts is not None and len(known.first_parts.parts) == 5
    assert prefilter(r"[\d,][,;]").first_parts is None and prefilter(r"(?<!x)[,;]").first_parts is None
    pattern = re.compile(source, re.MULTILINE)
    for text in ("甲,乙;丙、丁:戊。己", "甲,;乙", "甲。:乙", "甲。:,乙", "。。", ""):
        assert found_in(TextIndex(text), pattern) == (pattern.search(text) is not None), text


def test_flags_are_read() -> None:
    assert required_literals("申请", re.IGNORECASE) == ()
    assert required_literals("申 请", re.VERBOSE) == (frozenset({"申请"}),)
    assert of_pattern(re.compile("申 请", re.VERBOSE)).clauses == (frozenset({"申请"}),)
    assert of_pattern(re.compile("^a", re.MULTILINE)).line_anchored
    assert not of_pattern(re.compile("^a")).line_anchored
    assert could_match(re.compile("申请"), "依申请公开") and not could_match(re.compile("申请"), "公开")


@pytest.mark.parametrize(("source", "starts"), [
    ("申请人", ()),  # re scans for an opening literal itself
    ("(?P<w>申请人?)件", ()),
    ("申?件", ()),
    (r"(?<![和及])(?:收到|新收)[^。]{0,6}?申请", ("收到", "新收")),
    (r"(?:(?:收到|新收))申请", ("收到", "新收")),
    (r"(?<!未)收(?:到|悉)", ("收到", "收悉")),
    (r"^(?<=\n)申请人?件", ("申请",)),
    (r"(?<=a)ab(?:c|d)", ("abc", "abd")),
    (r"(?<!\d)[一二]、", ()),  # single characters: re skips to a match's possible first characters
    (r"(?:收到|新收)?申请", ()),
    (r"(?:收到|\w)申请", ()),
    (r"\s*申请", ()),
    (r"(?P<n>\d+)件", ()),
    ("申请|公开", ("申请", "公开")),
    ("(?i)申请", ()),
])
def test_start_words(source: str, starts: tuple[str, ...]) -> None:
    assert prefilter(source).starts == starts


def _patterns(value: object, seen: set[int]) -> Iterator[re.Pattern[str]]:
    """Every compiled pattern reachable from a rule's prepared parameters or the detection settings."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(getattr(value, "pattern", None), str) and hasattr(value, "finditer"):
        yield value  # type: ignore[misc]
    elif records.is_record(value) and not isinstance(value, type):
        for item in records.fields(value):
            yield from _patterns(getattr(value, item.name), seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item, seen)


def _all_rulebook_patterns() -> dict[tuple[str, int], re.Pattern[str]]:
    rulebook = load_rulebook()
    seen: set[int] = set()
    found = [pattern for rule in rulebook.rules for pattern in _patterns(rule.compiled, seen)]
    found += _patterns(rulebook.detection, seen)
    return {(pattern.pattern, pattern.flags): pattern for pattern in found}


def _example_texts() -> list[str]:
    files = [*sorted((ROOT.parent / "examples").glob("*.txt")), *sorted((ROOT.parent / "examples").glob("*.md")),
             *sorted((ROOT / "fixtures" / "rules").glob("*/*.txt"))]
    return [fold(path.read_text(encoding="utf-8")) for path in files]


def _scrambled(pattern_source: str, rng: random.Random) -> str:
    """A text made of pieces of the pattern's own characters, digits, punctuation and line breaks."""
    alphabet = [char for char in pattern_source if not char.isascii()] + list("0123456789,.;:()/| \n")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))


@pytest.mark.parametrize("spacing", [0, textscan.CANDIDATE_SPACING])
def test_every_rulebook_pattern_finds_what_finditer_finds(spacing: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", spacing)
    patterns = _all_rulebook_patterns()
    assert len(patterns) > 150
    texts = _example_texts()
    rng = random.Random(12)
    with_starts = with_clauses = 0
    for (source, _flags), pattern in patterns.items():
        known = of_pattern(pattern)
        with_starts += bool(known.starts)
        with_clauses += bool(known.clauses)
        for text in [*texts, *(_scrambled(source, rng) for _ in range(20))]:
            index = TextIndex(text)
            matches = list(pattern.finditer(text))
            if matches:
                assert may_match(index, pattern), source
            assert [(match.span(), match.groups()) for match in finditer(index, pattern)] == \
                [(match.span(), match.groups()) for match in matches], source
            for match in matches:
                assert all(any(string in text for string in clause) for clause in known.clauses), source
                assert not known.starts or match.group().startswith(known.starts), source
    assert with_clauses > len(patterns) // 2 and with_starts >= 20


def test_finditer_from_the_start_words_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overlapping and adjacent candidates, lookbehinds before the words, lazy and greedy tails."""
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)  # always try from the words, however many
    rng = random.Random(5)
    words = ["ab", "ba", "aba", "bb", "abb"]
    tails = ["", "a?b", "[ab]{0,3}?a", "(?<=a)b", "b*", "(?:ab)+", "(?!a)"]
    leads = ["(?<!c)", "(?<!b)", "(?<=a)", "(?=ab)"]
    for _ in range(400):
        chosen = rng.sample(words, rng.randint(1, 3))
        group = chosen[0] if len(chosen) == 1 else "(?:" + "|".join(chosen) + ")"
        source = rng.choice(leads) + group + rng.choice(tails)
        pattern = re.compile(source)
        assert of_pattern(pattern).starts, source
        text = "".join(rng.choice("abc") for _ in range(rng.randint(0, 60)))
        expected = [(match.span(), match.group()) for match in pattern.finditer(text)]
        assert [(match.span(), match.group()) for match in finditer(TextIndex(text), pattern)] == expected, source


@pytest.mark.parametrize(("source", "flags", "words"), [
    (r"(?:^|\|)\s*行政复议\s*(?:\||$)", re.MULTILINE, ("|",)),
    (r"(?:^|ab|c)x", re.MULTILINE, ("ab", "c")),
    (r"(?:ab|c)x", re.MULTILINE, None),  # no ^: the start words alone (prefilter.starts)
    (r"(?:^|(?<=a))x", re.MULTILINE, None),  # a lookbehind: no word a match starts with
    (r"(?:^|a?)x", re.MULTILINE, None),
    (r"(?:^|\|)x", 0, None),
    (r"x(?:^|a)", re.MULTILINE, None),
])
def test_line_or_start_words(source: str, flags: int, words: tuple[str, ...] | None) -> None:
    assert prefilter(source, flags).line_or_starts == words


def test_finditer_from_line_starts_and_words_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern opening with ``(?:^|word)``: tried at the line starts and the words, matches exactly finditer's."""
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)
    rng = random.Random(7)
    heads = ["(?:^|a)", "(?:^|ab|b)", "(?:a|^)", "(?:^\\s*|a)", "(?:^|\\n)"]
    tails = ["\\s*b", "b+", "[ab]{0,3}?b", "(?<=a)b", "\\s*b\\s*(?:a|$)", "(?:ab)+"]
    for _ in range(400):
        pattern = re.compile(rng.choice(heads) + rng.choice(tails), re.MULTILINE)
        assert of_pattern(pattern).line_or_starts is not None, pattern.pattern
        text = "".join(rng.choice(["a", "b", "c", " ", "\n"]) for _ in range(rng.randint(0, 60)))
        index = TextIndex(text, line_starts_of(text))
        expected = [(match.span(), match.group()) for match in pattern.finditer(text)]
        assert [(match.span(), match.group()) for match in finditer(index, pattern)] == expected, pattern.pattern
        assert found_in(index, pattern) == bool(expected), pattern.pattern


@pytest.mark.parametrize(("source", "classes"), [
    (r"(?<![\u00a1-\u00ff])[\u00a1-\u00ff]{6,}", ("".join(map(chr, range(0xA1, 0x100))),)),
    (r"[a-z]+\d", ("abcdefghijklmnopqrstuvwxyz",)),
    (r"[a-c]x", ()),  # a small class is a clause of single characters
    (r"[a-z]?x", ()),  # not needed by every match
    (r"[^a-z]x", ()),
    (r"[a-z\u4e00]x", ()),  # a character beyond Latin-1
    (r"(?P<mark>一是\s*[A-Za-z])", ("".join(sorted("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")),)),
    (r"(?:\d[a-z]){2}", ("abcdefghijklmnopqrstuvwxyz",)),
    (r"(?:[a-z]|xy)z", ()),  # one alternative of a branch
])
def test_latin1_classes(source: str, classes: tuple[str, ...]) -> None:
    assert prefilter(source).latin1 == classes


def test_a_text_without_the_latin1_class_rules_the_pattern_out() -> None:
    pattern = re.compile(r"(?<![\u00a1-\u00ff])[\u00a1-\u00ff]{6,}")
    # (text, the pattern finds something, ruled out)
    cases = (("政府信息公开abc", False, True), ("政府ÕþÐÅÏ¢ab", True, False), ("Õþ政府ÐÅÏ¢", False, False),
             ("", False, True))
    for text, found, excluded in cases:
        index = TextIndex(text)
        assert ruled_out(index, pattern) == excluded, text
        assert may_match(index, pattern) == (not excluded), text
        assert [match.span() for match in finditer(index, pattern)] == [m.span() for m in pattern.finditer(text)]
        assert found_in(index, pattern) == found, text


def test_finditer_from_the_anchor_gate_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern whose anchor follows fixed-width forms only is tried where its gate matches, less
    each form's width: the matches are exactly finditer's."""
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)
    rng = random.Random(11)
    leads = ["(?<!c)[ab]", "[ab]{1,2}", "a?b", "(?:ab|b)", "(?<=a)b?", "[ab](?<!aa)"]
    anchors = ["x", "xy", "(?:x|yx)"]
    tails = ["", "a{0,3}", "(?=b)", "[ab]{0,2}?", "(?!a)", "b{1,4}", " *b"]
    tried = 0
    for _ in range(400):
        pattern = re.compile(rng.choice(leads) + rng.choice(anchors) + rng.choice(tails))
        known = of_pattern(pattern)
        tried += known.gate_widths is not None
        text = "".join(rng.choice("abxyc") for _ in range(rng.randint(0, 60)))
        index = TextIndex(text)
        expected = [(match.span(), match.group()) for match in pattern.finditer(text)]
        assert [(match.span(), match.group()) for match in finditer(index, pattern)] == expected, pattern.pattern
        assert found_in(index, pattern) == bool(expected), pattern.pattern
    assert tried > 300


def test_finditer_from_the_runs_before_the_gate_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern whose anchor follows items of any width made of a known set of characters is tried
    from the start of the run of those characters that ends where its gate matches: the matches,
    in the whole text or in a range of it, are exactly finditer's."""
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)
    rng = random.Random(13)
    leads = ["[ab]*", "(?<!c)a\\s*b*", "(?:ab)+", "\\s*[ab]{1,3}\\s*", "(?:^|(?<=c))\\s*a*", "(?<![a\\d])\\d+ *"]
    anchors = ["x", "xy", "(?:x|yx)"]
    tails = ["", "a{0,3}", "(?=b)", "[ab]{0,2}?", "(?!a)", "b{1,4}", " *b", "[^x]*"]
    windowed = 0
    for _ in range(600):
        pattern = re.compile(rng.choice(leads) + rng.choice(anchors) + rng.choice(tails), re.MULTILINE)
        known = of_pattern(pattern)
        text = "".join(rng.choice(["a", "b", "x", "y", "c", " ", "\n", "1", "2"]) for _ in range(rng.randint(0, 60)))
        index = TextIndex(text)
        windowed += known.prefix is not None and known.gate is not None and known.gate_widths is None
        expected = [(match.span(), match.group()) for match in pattern.finditer(text)]
        assert [(match.span(), match.group()) for match in finditer(index, pattern)] == expected, pattern.pattern
        assert found_in(index, pattern) == bool(expected), pattern.pattern
        start, end = sorted(rng.randint(0, len(text)) for _ in range(2))
        expected = [(match.span(), match.group()) for match in pattern.finditer(text, start, end)]
        assert [(match.span(), match.group()) for match in finditer(index, pattern, start, end)] == expected, \
            (pattern.pattern, start, end)
    assert windowed > 200


def test_start_windows_hold_every_match_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every place where the pattern matches (``match`` there) lies in one of its start windows."""
    monkeypatch.setattr(textscan, "CANDIDATE_SPACING", 0)
    rng = random.Random(14)
    leads = ["[ab]*", "\\s*[,;]?\\s*\\(?\\s*", "(?<!c)a\\s*b*", "(?:^|(?<=c))\\s*a*"]
    anchors = ["x", "xy", "(?:x|yx)"]
    tails = ["", "a{0,3}", "(?=b)", "\\s*[,:]?"]
    known = 0
    for _ in range(500):
        pattern = re.compile(rng.choice(leads) + rng.choice(anchors) + rng.choice(tails), re.MULTILINE)
        pieces = ["a", "b", "x", "y", "c", " ", "\n", ",", "(", "1"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        windows = start_windows(TextIndex(text), pattern)
        if windows is None:
            continue
        known += 1
        for place in range(len(text) + 1):
            if pattern.match(text, place):
                assert any(first <= place <= last for first, last in windows), (pattern.pattern, text, place)
    assert known > 400


def test_finditer_ending_in_windows_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """finditer's matches that end in the given windows, found from the runs of the pattern's characters."""
    rng = random.Random(15)
    sources = ["\\d+\\s*(?:件|条)", "(?P<n>(?<![\\d.,])\\d+(?:\\.\\d+)?(?!\\d)|[一二十]+)\\s*(?P<u>人次|人|件)",
               "[ab]+c?", "(?<!a)b+a", "\\d{1,3}(?:,\\d{3})+|\\d+"]
    for _ in range(600):
        pattern = re.compile(rng.choice(sources))
        pieces = ["1", "2", ".", ",", " ", "件", "条", "人", "次", "一", "十", "a", "b", "c", "中", "\n"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        # in order of their first place; they may overlap, as two anchors' windows do
        windows = sorted((first, first + rng.randint(0, 12)) for first in
                         (rng.randint(0, len(text)) for _ in range(rng.randint(0, 4))))
        expected = [match.span() for match in pattern.finditer(text)
                    if any(first <= match.end() <= last for first, last in windows)]
        found = [match.span() for match in finditer_ending_in(TextIndex(text), pattern, windows)]
        assert found == expected, (pattern.pattern, text, windows)


@pytest.mark.parametrize(("source", "prefix"), [
    (r"(?<!\d)(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日", r"[1920\d\s年]"),
    (r"(?:^|(?<=[。!?\n]))\s*[a-c]+x", r"[\sa-c]"),
    (r"[^。]{0,40}统计表", None),  # any character but one may come before the anchor
    (r"(?i:a)+x", None),  # flags inside a group
    (r"[ab]+[xy]", None),  # no anchor: no literal after the first item
])
def test_prefix_class(source: str, prefix: str | None) -> None:
    assert prefilter(source).prefix == prefix


@pytest.mark.parametrize(("source", "widths"), [
    (r"(?<![\u3400-\u9fff])(?:信\s*息\s*内\s*容)", (0,)),  # blanks may run on: they hold no anchor
    (r"[ab]{1,2}x", (1, 2)),
    (r"(?<!c)[ab]x[^y]*", None),  # an unbounded tail could read the text again from every anchor
    (r"(?<!c)[ab]x(?=.*z)", None),
    (r"[ab]+x", None),  # no fixed-width forms before the anchor
])
def test_gate_widths(source: str, widths: tuple[int, ...] | None) -> None:
    assert prefilter(source).gate_widths == widths


SMALL_PATTERNS = [re.compile(source, flags) for source in (
    r"^\s*\|?\s*统\s*计\s*指\s*标\s*(?:\||\t|\s{2}|$)", r"^a+", r"^\s*a", r"^(?:a|b\n)+", r"^$", r"^a|b", r"a\s*b",
    r"^\s*", r"(?:^|\|)\s*a", r"^(?=a)a", r"^.{0,3}a$", r"ab|统计", r"(?i)ab", r"x(?:ab)+", r"(?<!a)b", r"\Aab",
) for flags in (re.MULTILINE, 0)]
DETECTION = load_rulebook().detection
STRUCTURE_PATTERNS = [*DETECTION.region_anchors, *DETECTION.region_stops,
                      *(DETECTION.run_in.signals if DETECTION.run_in else ()),
                      *(heading.pattern for heading in DETECTION.headings),
                      *(series.pattern for series in DETECTION.inline_series)]
STRUCTURE_ALPHABET = ["a", "b", "x", "\n", " ", "  ", "|", "\t", "统", "计", "指", "标", "一", "是", "、", "总体情况",
                      "。"]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.lists(st.sampled_from(STRUCTURE_ALPHABET), max_size=40).map("".join))
def test_match_spans_and_candidate_lines_on_structure_patterns(text: str) -> None:
    index = TextIndex(text, line_starts_of(text))
    for pattern in [*SMALL_PATTERNS, *STRUCTURE_PATTERNS]:
        assert match_spans(index, pattern) == [match.span() for match in pattern.finditer(text)], pattern
        lines = {number for number, line in enumerate(text.split("\n")) if pattern.search(line)}
        for counted in (True, False):
            candidates = candidate_lines(index, pattern, counted)
            assert candidates is None or lines <= candidates, pattern
