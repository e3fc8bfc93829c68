"""auditor/literals.py: the words every match of a regex contains, used to skip hopeless searches."""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import literals
from auditor.literals import WordIndex, pattern_words, required_prefix, required_words
from auditor.rulebook import load_rulebook
from auditor.textfold import fold

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("source", "factors"), [
    ("申请人", (("申请人",),)),
    ("申请人?", (("申请",),)),
    (r"本年增\s*/\s*减", (("本年增",), ("/",), ("减",))),
    (r"(?:收到|新收)[^。]{0,16}?申请\d+件", (("收到", "新收"), ("申请",), ("件",))),
    (r"\s*\(?\s*(?:其中|包括|分别为)\s*[,:]?", (("其中", "包括", "分别为"),)),
    (r"(?:下一步|今后)?工作", (("工作",),)),
    (r"(?:我|本)+局", (("局",),)),
    (r"(?P<mark>六\s*其他处理)", (("其他处理",), ("六",))),
    (r"(?<!申请)公开", (("公开",),)),
    (r"(?=申请)公开", (("公开",),)),
    (r"(?:其中(?:包括)?|包括)", ()),
    (r"a[]b]c", (("a",), ("c",))),
    (r"x{abc}y", (("abc",), ("x",), ("y",))),
    ("申请|公开", ()),
    ("(?i)申请", ()),
    ("(?#note)申请", ()),
    (r"\ufffd(?:[^\n]{0,3}\ufffd)*", ()),
    (r"\d{2}年\N{IDEOGRAPHIC FULL STOP}", (("年",),)),
    (r"(a)\1b", (("a",), ("b",))),
    ("", ()),
])
def test_required_words(source: str, factors: tuple[tuple[str, ...], ...]) -> None:
    assert required_words(source) == factors


@pytest.mark.parametrize(("source", "prefix"), [
    ("申请人", ("申请人",)),
    ("申请人?件", ("申请",)),
    ("申?件", ()),
    (r"(?<![和及])(?:收到|新收)[^。]{0,6}?申请", ("收到", "新收")),
    (r"(?:(?:收到|新收))申请", ("收到", "新收")),
    (r"(?:收到|新收)?申请", ()),
    (r"(?:收到|\w)申请", ()),
    (r"\s*申请", ()),
    (r"(?P<n>\d+)件", ()),
    ("申请|公开", ()),
])
def test_required_prefix(source: str, prefix: tuple[str, ...]) -> None:
    assert required_prefix(source) == prefix


def test_flags_that_change_matching_give_no_words() -> None:
    assert required_words("申请", re.IGNORECASE) == ()
    assert required_words("申 请", re.VERBOSE) == ()
    assert required_words("申请", re.MULTILINE) == (("申请",),)


def _patterns(value: object, seen: set[int]) -> Iterator[object]:
    """Every compiled pattern reachable from a rule's prepared parameters."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(getattr(value, "pattern", None), str) and hasattr(value, "finditer"):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _patterns(getattr(value, item.name), seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item, seen)


def _texts() -> list[str]:
    files = [*sorted((ROOT / "examples").glob("*.txt")), *sorted((ROOT / "examples").glob("*.md")),
             *sorted((ROOT / "tests" / "fixtures" / "rules").glob("*/*.txt"))]
    return [fold(path.read_text(encoding="utf-8")) for path in files]


def _scrambled(pattern_source: str, rng: random.Random) -> str:
    """A text made of pieces of the pattern's own characters, digits and punctuation."""
    alphabet = [char for char in pattern_source if not char.isascii()] + list("0123456789,.;:()/ \n")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))


@pytest.mark.parametrize("spacing", [0, literals.CANDIDATE_SPACING])
def test_every_match_of_every_rule_pattern_contains_its_words(spacing: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(literals, "CANDIDATE_SPACING", spacing)
    rulebook = load_rulebook()
    patterns = {pattern.pattern: pattern for rule in rulebook.rules
                for pattern in _patterns(rule.compiled, set())}
    assert len(patterns) > 100
    texts = _texts()
    rng = random.Random(12)
    with_words = 0
    for source, pattern in patterns.items():
        factors = pattern_words(pattern)
        with_words += bool(factors)
        for text in [*texts, *(_scrambled(source, rng) for _ in range(20))]:
            index = WordIndex(text)
            matches = list(pattern.finditer(text))
            if matches:
                assert index.may_match(pattern), source
            assert [(match.span(), match.groups()) for match in index.finditer(pattern)] == \
                [(match.span(), match.groups()) for match in matches], source
            for match in matches:
                for factor in factors:
                    assert any(word in match.group(0) for word in factor), (source, factor, match.group(0))
    assert with_words > len(patterns) // 2


def test_finditer_from_the_prefix_words_is_finditer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overlapping and adjacent candidates, lookbehinds before the words, lazy and greedy tails."""
    monkeypatch.setattr(literals, "CANDIDATE_SPACING", 0)  # always try from the words, however many
    rng = random.Random(5)
    words = ["a", "ab", "ba", "aba", "b"]
    tails = ["", "a?b", "[ab]{0,3}?a", "(?<=a)b", "b*", "(?:ab)+", "(?!a)"]
    leads = ["", "(?<!b)", "(?<=a)", "(?=ab)"]
    for _ in range(400):
        chosen = rng.sample(words, rng.randint(1, 3))
        group = chosen[0] if len(chosen) == 1 else "(?:" + "|".join(chosen) + ")"
        source = rng.choice(leads) + group + rng.choice(tails)
        pattern = re.compile(source)
        assert required_prefix(source) == tuple(chosen), source
        text = "".join(rng.choice("abc") for _ in range(rng.randint(0, 60)))
        expected = [(match.span(), match.group()) for match in pattern.finditer(text)]
        assert [(match.span(), match.group()) for match in WordIndex(text).finditer(pattern)] == expected, source
