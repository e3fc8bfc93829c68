"""compile_any: regexes joined into one alternation when that keeps every answer."""

from __future__ import annotations

import pytest

from auditor.checks import LazyPattern, compile_any, deferred_compiling
from auditor.rulebook import ParamError

LINES = ["特此报告", "  打印本页  ", "第3页", "其他事项", "无", "a1a", "", "abcabc"]


@pytest.mark.parametrize("defer", [False, True])
def test_joined_when_it_answers_alike(defer: bool) -> None:
    sources = ["特此报告\\s*$", "^\\s*打印本页\\s*$", "^其他(?:事项|需要?报告)", "\\d+页"]
    with deferred_compiling(defer):
        joined = compile_any(sources, ("ignore",))
        separate = [compile_any([source], ("ignore",))[0] for source in sources]
    assert len(joined) == 1 and isinstance(joined[0], LazyPattern) == defer
    for line in LINES:
        assert (joined[0].search(line) is not None) == any(pattern.search(line) for pattern in separate), line


@pytest.mark.parametrize("sources", [["(a)\\1", "b"], ["(?P<x>a)", "(?P<x>b)"], ["(?i)A", "b"], ["a"], []])
def test_kept_apart_when_joining_could_change_them(sources: list[str]) -> None:
    assert len(compile_any(sources, ("ignore",))) == len(sources)


def test_a_bad_regex_is_reported_at_its_place() -> None:
    with pytest.raises(ParamError) as raised:
        compile_any(["ok", "(unclosed"], ("sections", 2, "headings"))
    assert raised.value.path == ("sections", 2, "headings", 1)
