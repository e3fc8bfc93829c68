"""The regex cache and the lazily compiled rule patterns behave exactly as ``re.compile``."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from auditor import records, regexcache
from auditor.checks import LazyPattern, compile_patterns, deferred_compiling
from auditor.rulebook import ParamError

SOURCES = [r"(?<![\d第])(?P<year>(?:19|20)\d{2})年(?P<month>1[0-2]|0?[1-9])月", r"[\u3400-\u9fff]{2,}",
           r"^\s*(?P<ordinal>[一二三四五六七八九十]+)、", r"(?P<word>[\u4e00-\u9fff]{2})(?P=word)"]
TEXT = "2023年12月31日，一、总体情况\n二、信息信息公开 第2023年1月"


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regexcache, "_PATTERNS", {})
    monkeypatch.setattr(regexcache, "_STATE", {"entries": None, "dirty": False})
    return tmp_path


def _same(pattern: re.Pattern[str], source: str, flags: int) -> None:
    expected = re.compile(source, flags)
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == \
        (expected.pattern, expected.flags, expected.groups, expected.groupindex)
    assert [match.span() for match in pattern.finditer(TEXT)] == [match.span() for match in expected.finditer(TEXT)]
    assert [match.groupdict() for match in pattern.finditer(TEXT)] == \
        [match.groupdict() for match in expected.finditer(TEXT)]


def test_patterns_rebuilt_from_the_cache_file_equal_fresh_ones(fresh_cache: Path) -> None:
    for source in SOURCES:
        _same(regexcache.compile(source, re.MULTILINE), source, re.MULTILINE)
    regexcache.save()
    assert Path(regexcache.cache_file()).is_file()
    regexcache._PATTERNS.clear()
    regexcache._STATE.update(entries=None, dirty=False)
    for source in SOURCES:
        _same(regexcache.compile(source, re.MULTILINE), source, re.MULTILINE)
    assert not regexcache._STATE["dirty"]  # every pattern came from the file


def test_a_damaged_cache_file_only_costs_time(fresh_cache: Path) -> None:
    target = Path(regexcache.cache_file())
    target.parent.mkdir(parents=True)
    target.write_text('{"8:[a-z]+": [8, [1, 2, 3], 0, {}, []], "8:x": "nonsense"', encoding="utf-8")
    _same(regexcache.compile("[a-z]+", re.MULTILINE), "[a-z]+", re.MULTILINE)
    target.write_text('{"8:[a-z]+": [8, [99999, 2, 3], 0, {}, []]}', encoding="utf-8")
    regexcache._STATE["entries"] = None
    regexcache._PATTERNS.clear()
    _same(regexcache.compile("[a-z]+", re.MULTILINE), "[a-z]+", re.MULTILINE)


def test_a_bad_pattern_raises_re_error(fresh_cache: Path) -> None:
    with pytest.raises(re.error):
        regexcache.compile("(?P<year>[0-9]", 0)


def test_lazy_patterns_compile_on_first_use_and_match_like_re() -> None:
    lazy = LazyPattern(SOURCES[0])
    assert "search" not in vars(lazy)
    _same(lazy, SOURCES[0], re.MULTILINE)  # type: ignore[arg-type]
    assert "search" in vars(lazy)
    assert pickle.loads(pickle.dumps(lazy)) == lazy


def test_compile_patterns_defers_only_inside_the_block_and_still_rejects_bad_regexes_outside() -> None:
    with deferred_compiling():
        assert all(isinstance(pattern, LazyPattern) for pattern in compile_patterns(SOURCES, ("patterns",)))
    assert not any(isinstance(pattern, LazyPattern) for pattern in compile_patterns(SOURCES, ("patterns",)))
    with pytest.raises(ParamError):
        compile_patterns(["(unclosed"], ("patterns",))


TRICKY = [r"(?<![\d.])(?P<year>(?:19|20)\d{2})年", r"(?:下一步|今后)?[,]?\s*(?:我|本)?(?:做好|加强)", r"\b\w+",
          r"(?=[一二])(?<!第)[一二三]是", r"^\s*(?:第)?[一二三]+、", r"(?:a|)b", r"(?:x{0})y", r"(?:(?:a)?)+b",
          r"(?<=年)\d+|\s*月", r"[^\s]{2}", r"(?i:a)b", r"(a)?(?(1)b|c)", r"(?:[^。]|x)y", r"\s*$", r"(?:甲)*乙?"]


def _rule_sources() -> set[tuple[str, int]]:
    from auditor.rulebook import load_rulebook

    seen: set[int] = set()
    found: set[tuple[str, int]] = set()

    def walk(value: object) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, LazyPattern | re.Pattern):
            found.add((value.pattern, re.MULTILINE))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif records.is_record(value):
            for item in records.fields(value):
                walk(getattr(value, item.name))

    for rule in load_rulebook().rules:
        walk(rule.compiled)
    return found


def test_the_first_character_set_keeps_every_match_of_every_rule_pattern() -> None:
    from auditor.textfold import fold

    root = Path(__file__).resolve().parent
    texts = [fold(path.read_text(encoding="utf-8", errors="replace"))
             for path in sorted((root / "fixtures" / "rules").glob("*/*.txt"))[::4]]
    texts += ["一是二是 第一是 2023年1月 x1y (a)b 年12 月", ""]
    sources = _rule_sources() | {(source, flags) for source in TRICKY for flags in (0, re.MULTILINE)}
    assert len(sources) > 100
    for source, flags in sorted(sources):
        fresh = re.compile(source, flags)
        rebuilt, _ = regexcache._generated(source, flags)
        for text in texts:
            assert [match.span() for match in rebuilt.finditer(text)] == \
                [match.span() for match in fresh.finditer(text)], source
            assert [match.span() for match in rebuilt.finditer(text, 3, max(3, len(text) - 2))] == \
                [match.span() for match in fresh.finditer(text, 3, max(3, len(text) - 2))], source


def test_an_entry_is_used_only_for_its_own_source_and_flags(fresh_cache: Path) -> None:
    regexcache.compile("[a-z]+", re.MULTILINE)
    regexcache.save()
    data = Path(regexcache.cache_file()).read_bytes()
    # the stored entry of "[a-z]+" filed under the key of "[0-9]+": a foreign or damaged file
    key_letters, key_digits = regexcache._key("[a-z]+", re.MULTILINE), regexcache._key("[0-9]+", re.MULTILINE)
    Path(regexcache.cache_file()).write_bytes(data.replace(key_letters, key_digits))
    regexcache._PATTERNS.clear()
    regexcache._STATE.update(entries=None, dirty=False)
    _same(regexcache.compile("[0-9]+", re.MULTILINE), "[0-9]+", re.MULTILINE)
    assert regexcache._STATE["dirty"]  # compiled afresh, not rebuilt from the other pattern's code


@pytest.mark.parametrize(("source", "flags"), [("(?P<a>x)(?P<bb>y)|z", re.MULTILINE), ("[\u4e00-\u9fff]{2,}", 0),
                                               ("a\x00b", 0), ("x\ud800?", 0), ("(?P<名>年)", 0)])
def test_a_stored_entry_reads_back_as_written(source: str, flags: int) -> None:
    _, entry = regexcache._generated(source, flags)
    assert regexcache._entry_from_bytes(regexcache._entry_bytes([source, flags, *entry])) == [source, flags, *entry]


def _next_process() -> None:
    regexcache._PATTERNS.clear()
    regexcache._USED.clear()
    regexcache._STATE.update(entries=None, dirty=False)


def test_a_file_of_too_many_entries_keeps_those_in_use_and_the_newest(fresh_cache: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regexcache, "KEPT_ENTRIES", 8)
    monkeypatch.setattr(regexcache, "_USED", set())
    sources = [f"[a-z]{{{count}}}" for count in range(1, 13)]
    for source in sources:
        regexcache.compile(source)
    regexcache.save()
    assert len(regexcache._read_entries(Path(regexcache.cache_file()).read_bytes())) == 12  # all in use
    _next_process()
    for source in (sources[0], sources[-1]):
        _same(regexcache.compile(source, 0), source, 0)
    assert regexcache._STATE["dirty"]  # too many entries: written again, without the stale ones
    regexcache.save()
    kept = regexcache._read_entries(Path(regexcache.cache_file()).read_bytes())
    assert set(kept) == {regexcache._key(source, 0) for source in [sources[0], *sources[-5:]]}  # 3/4 of 8
    _next_process()
    _same(regexcache.compile(sources[-1], 0), sources[-1], 0)
    assert not regexcache._STATE["dirty"]  # within the bound and nothing new: not written


@pytest.mark.parametrize("source", [r"^\s*(?:万元|元|件)\s*$", r"\A\s*\|{2,}", r"^(?:[-+−]|减少|增加)$"])
def test_a_pattern_anchored_at_the_start_keeps_the_code_re_generates(source: str) -> None:
    from re import _compiler, _parser

    parsed = _parser.parse(source, 0)
    rebuilt, _ = regexcache._generated(source, 0)
    assert regexcache._first_character_set(parsed, 0, _compiler._code(parsed, 0)) == _compiler._code(parsed, 0)
    _same(rebuilt, source, 0)
    multiline, _ = regexcache._generated(source, re.MULTILINE)  # ^ at every line start: the set helps there
    _same(multiline, source, re.MULTILINE)


@pytest.mark.parametrize("cut", [len(regexcache.MAGIC) + 2, len(regexcache.MAGIC) + 30, -7])
def test_a_truncated_file_costs_only_time(fresh_cache: Path, cut: int) -> None:
    regexcache.compile("[a-z]+", re.MULTILINE)
    regexcache.remembered("truncation-test", lambda: {"kept": [1, 2]})
    regexcache.save()
    data = Path(regexcache.cache_file()).read_bytes()
    Path(regexcache.cache_file()).write_bytes(data[:cut])
    regexcache._PATTERNS.clear()
    regexcache._STATE.update(entries=None, dirty=False)
    _same(regexcache.compile("[a-z]+", re.MULTILINE), "[a-z]+", re.MULTILINE)
    assert regexcache.remembered("truncation-test", lambda: {"kept": [1, 2]}) == {"kept": [1, 2]}


CHECK_COUNTING_BUILDS = """
import sys
from auditor import regexcache
real = regexcache.remembered
built = []
def counting(name, build):
    return real(name, lambda: built.append(name) or build())
regexcache.remembered = counting
from auditor.engine import check_path
from auditor.rulebook import load_rulebook
rulebook = load_rulebook()
for path in sys.argv[1:]:
    check_path(path, rulebook)
regexcache.save()
print(len(built))
"""


def test_every_value_a_real_check_remembers_is_kept(tmp_path: Path) -> None:
    """The values worked out from the rulebook's patterns (textscan's prefilters, with re's named
    opcodes in them; detection's anchors; mojibake's table) come back from the file: a value marshal
    could not take would be worked out again by every run, silently. (In a child process: this one's
    caches already hold them.)"""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    reports = [str(root / "examples" / name) for name in ("report-2021-faulty.txt", "report-2021-faulty.md")]
    env = {**os.environ, "GK_AUDIT_CACHE_DIR": str(tmp_path)}

    def builds() -> int:
        run = subprocess.run([sys.executable, "-c", CHECK_COUNTING_BUILDS, *reports], env=env, capture_output=True,
                             text=True, check=True)
        return int(run.stdout.strip().splitlines()[-1])

    assert builds() > 20  # a fresh cache: every value worked out once
    assert builds() == 0  # then read back, every one


def test_a_read_only_process_writes_nothing(fresh_cache: Path) -> None:
    """A server's worker (auditor/serve_pool.py) compiles in memory only."""
    regexcache.read_only()
    _same(regexcache.compile("[a-z]+x", re.MULTILINE), "[a-z]+x", re.MULTILINE)
    regexcache.remembered("read-only-test", lambda: [1])
    regexcache.save()
    assert not Path(regexcache.cache_file()).exists() and not any(fresh_cache.rglob("*"))


def test_a_kept_value_of_another_shape_is_replaced(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefilter kept by another version of textscan under the same name (its shape changed, its
    name did not) is derived afresh once and replaced, not derived again by every later run."""
    from auditor import textscan

    source = "(?<![0-9])第[一二三]条"
    name = f"textscan{textscan._VERSION}:{re.MULTILINE}:{source}"
    regexcache.remember(name, {"gate": 5})  # what no version of this code reads
    derived: list[str] = []
    real = textscan._derived
    monkeypatch.setattr(textscan, "_derived", lambda *args: derived.append(args[0]) or real(*args))
    textscan.prefilter.cache_clear()
    textscan.prefilter(source, re.MULTILINE)
    textscan.prefilter.cache_clear()
    textscan.prefilter(source, re.MULTILINE)
    assert derived == [source]  # once, then read back
