"""The speed-ups of reading and structure give exactly what the plain computation gives (issue 12):
line_search (structure.detection), fold (textfold), squeezed label text (table_spec) and the Markdown
reader's plain-text shortcut. (Literal prefilters and line-start matching: tests/test_textscan.py.)"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from auditor.readers.markdown import _parser
from auditor.rulebook import load_rulebook
from auditor.structure.detection import line_search
from auditor.structure.table_spec import Squeezed, has_label
from auditor.textfold import fold, fold_table

DETECTION = load_rulebook().detection
RULEBOOK_PATTERNS = [*DETECTION.region_anchors, *DETECTION.region_stops,
                     *(DETECTION.run_in.signals if DETECTION.run_in else ()),
                     *(heading.pattern for heading in DETECTION.headings),
                     *(series.pattern for series in DETECTION.inline_series)]
SMALL_PATTERNS = [re.compile(source, flags) for source in (
    r"^\s*\|?\s*统\s*计\s*指\s*标\s*(?:\||\t|\s{2}|$)", r"^a+", r"^\s*a", r"^(?:a|b\n)+", r"^$", r"^a|b", r"a\s*b",
    r"^\s*", r"(?:^|\|)\s*a", r"^(?=a)a", r"^.{0,3}a$", r"ab|统计", r"(?i)ab", r"x(?:ab)+", r"(?<!a)b", r"\Aab",
) for flags in (re.MULTILINE, 0)]
ALPHABET = ["a", "b", "x", "\n", " ", "  ", "|", "\t", "统", "计", "指", "标", "一", "是", "、", "总体情况", "。"]
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(texts)
def test_line_search_finds_what_search_finds(text: str) -> None:
    for pattern in SMALL_PATTERNS + RULEBOOK_PATTERNS:
        for line in text.split("\n"):
            found, expected = line_search(pattern)(line), pattern.search(line)
            assert (found and found.span()) == (expected and expected.span()), pattern


def test_line_search_matches_only_where_a_search_would() -> None:
    assert line_search(re.compile(r"^a", re.M)).__name__ == "match"
    assert line_search(re.compile(r"^a|b", re.M)).__name__ == "search"
    assert line_search(re.compile(r"(^a)", re.M)).__name__ == "search"


@pytest.mark.parametrize("seed", range(3))
def test_fold_is_translate(seed: int) -> None:
    table = fold_table()
    rnd = random.Random(seed)
    chars = [chr(code) for code in table] + list("abc，：（）；\n你好　𠀀𠀁\u00a0")
    for _ in range(200):
        text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 1500)))
        assert fold(text) == text.translate(table)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.lists(st.sampled_from(["a", "中", " ", "\n", "\t", "\r", "bb", "规章", "\x0b", "\u3000", "\x0c"]),
                max_size=30).map("".join))
def test_squeezed_offsets_are_those_of_the_kept_runs(text: str) -> None:
    runs = [match.span() for match in re.finditer(r"[^ \t\n\r]+", text)]
    squeezed = Squeezed.of(text)
    assert squeezed.text == "".join(text[start:end] for start, end in runs)
    assert squeezed.offsets.run_starts == tuple(start for start, _ in runs)
    assert squeezed.offsets.run_ends == tuple(end for _, end in runs)
    assert [squeezed.offsets[index] for index in range(len(squeezed.text))] == \
        [offset for start, end in runs for offset in range(start, end)]
    label = re.compile("(?P<label>规章)")
    assert has_label(label, text) == (squeezed.search(label, 0, len(text)) is not None)
    # a search of the whole text takes these without looking them up
    assert squeezed.offsets.index_at(0) == squeezed.offsets.index_at(-1) == 0
    assert squeezed.offsets.index_at(len(text)) == squeezed.offsets.index_at(len(text) + 3) == len(squeezed.text)


def _tokens(tokens: list) -> list:  # type: ignore[type-arg]
    return [(token.type, token.tag, token.nesting, token.level, token.content, token.markup, token.map,
             _tokens(token.children) if token.children else token.children) for token in tokens]


@settings(max_examples=400, derandomize=True, deadline=None, database=None)
@given(st.lists(st.sampled_from(["a", "中", " ", "  ", "\t", "\n", "，", "1", ".", "%", ":", "\\", "*", "&",
                                 "\u3000", "\u00a0", "- ", "#", "中  \n中", "中 \n 中", "中\n\t中",
                                 # block openers (the reader's guards call markdown-it's rules only at them)
                                 "> ", "|", "\n|-|\n", "```", "~~~", "<div>", "[a]: b", "1. ", "2) ", "+ ",
                                 "***", "___", "===", "---"]),
                max_size=16).map("".join))
@example("第一行  \n第二行 \n\t第三行")
def test_plain_text_shortcut_gives_markdown_its_own_tokens(text: str) -> None:
    from markdown_it import MarkdownIt

    plain = MarkdownIt("commonmark", {"html": True}).enable("table")
    quick = _parser()
    assert _tokens(quick.parse(text)) == _tokens(plain.parse(text))
