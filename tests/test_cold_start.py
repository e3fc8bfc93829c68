"""Cold start without timing: what a one-file check imports, and the built-rulebook cache (see
auditor/rulebook.py)."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import rulebook
from auditor.checks import ENGINE_KINDS, KINDS, SERIES_KINDS
from auditor.rulebook import RulebookError, builtin_rule_files, load_rulebook

REPORT = Path(__file__).parent.parent / "examples"
PROBE = """
import sys
started = set(sys.modules)  # what the interpreter's start (site, .pth files) imported is not ours
import contextlib, io, json
from auditor.entry import main  # the console script
sys.argv = ["gk-audit", "check", "--format", "json", "--fail-on", "never", sys.argv[1]]
output = io.StringIO()
with contextlib.redirect_stdout(output):
    try:
        main()
    except SystemExit:
        pass
print(json.dumps({"modules": sorted(set(sys.modules) - started), "output": output.getvalue()}))
"""
# what a .txt check must not import: click (the front end reads the command line), other formats'
# readers, validation, pools, the series pass, what only a large run (pickle, tempfile: results
# spilled to disk) or another command needs, calendar (and datetime, locale), the GB 2312 codec,
# hashlib (it loads OpenSSL: auditor/machinecache.py has the digests a text check needs)
NOT_IMPORTED = ("click", "pickle", "tempfile", "calendar", "datetime", "uuid", "platform", "encodings.gb2312",
                "dataclasses", "inspect", "threading", "weakref", "typing",
                "pathlib", "urllib.parse", "ipaddress", "fnmatch",  # paths are os.path strings on this path
                "signal",  # the time budget uses _signal
                "hashlib", "_hashlib",
                "yaml", "jsonschema", "multiprocessing", "concurrent.futures", "markdown_it", "lxml",
                "pdfplumber", "docx", "zipfile", "importlib.resources", "tomllib", "rich", "auditor.series",
                "auditor.readers.markdown", "auditor.readers.html", "auditor.readers.pdf", "auditor.readers.docx",
                *(f"auditor.checks.{kind}" for kind in sorted(SERIES_KINDS | ENGINE_KINDS)),
                "auditor.readers.cache", "auditor.baseline", "auditor.safe_yaml", "string")


def _probe(cache: Path, cwd: Path) -> dict[str, object]:
    """Check a copy of an example (outside the repository: its pyproject.toml is a config to read)."""
    report = cwd / "report.txt"
    shutil.copy(REPORT / "report-2021-faulty.txt", report)
    env = {**os.environ, "GK_AUDIT_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(report)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_text_check_imports_only_what_it_needs(tmp_path: Path) -> None:
    first = _probe(tmp_path / "cache", tmp_path)  # builds the caches
    second = _probe(tmp_path / "cache", tmp_path)
    assert second["output"] == first["output"] and '"diagnostics"' in str(first["output"])
    loaded = set(second["modules"])  # type: ignore[arg-type]
    assert not [name for name in NOT_IMPORTED if name in loaded]
    assert (tmp_path / "cache" / "rulebook").is_dir()


def test_a_second_run_finds_every_pattern_in_the_caches_it_wrote(tmp_path: Path) -> None:
    """The console script's quick path, without GK_AUDIT_CACHE_DIR (the script sets it to the
    document cache's folder only after the imports compiled their patterns) and with another string
    hashing in each run (sets of labels iterate in another order): the second run compiles nothing
    afresh, so it writes no cache file and imports no tempfile (``-X importtime`` lists the imports
    of a run whose standard streams are real files, as the quick path needs them)."""
    env = {name: value for name, value in os.environ.items() if name != "GK_AUDIT_CACHE_DIR"}
    report = tmp_path / "report.txt"
    shutil.copy(REPORT / "report-2021-faulty.txt", report)
    command = [sys.executable, "-X", "importtime", "-c", "from auditor.entry import main; main()",
               "check", "--format", "json", str(report)]
    runs = [subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False,
                           env={**env, "HOME": str(tmp_path), "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    assert runs[1].stdout == runs[0].stdout and '"diagnostics"' in runs[0].stdout
    imported = [re.findall(r"\| +([\w.]+)$", run.stderr, re.MULTILINE) for run in runs]
    bare = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], capture_output=True, text=True,
                          check=False, env={**env, "HOME": str(tmp_path)})
    if "tempfile" in re.findall(r"\| +([\w.]+)$", bare.stderr, re.MULTILINE):
        pytest.skip("this interpreter imports tempfile at its own start (a .pth file): the probe cannot tell")
    assert "tempfile" in imported[0] and "tempfile" not in imported[1]


def test_series_kinds_are_the_kinds_whose_modules_say_scope_series() -> None:
    scoped = {kind for kind, module in KINDS.items()
              if getattr(importlib.import_module(module), "SCOPE", "file") == "series"}
    assert scoped == SERIES_KINDS


def test_engine_kinds_are_the_kinds_whose_modules_say_scope_engine_and_never_fire_on_a_report() -> None:
    from auditor.engine import check_document
    from auditor.readers import read_bytes

    scoped = {kind for kind, module in KINDS.items()
              if getattr(importlib.import_module(module), "SCOPE", "file") == "engine"}
    assert scoped == ENGINE_KINDS
    rulebook = load_rulebook()
    report = check_document(read_bytes("report.txt", (REPORT / "report-2021-faulty.txt").read_bytes()), rulebook).report
    for rule in rulebook.rules:
        if rule.kind in ENGINE_KINDS:
            assert list(importlib.import_module(KINDS[rule.kind]).check(rule, report)) == []


# ---------------------------------------------------------------------------- built-rulebook cache
@pytest.fixture
def rule_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built-in rulebook files copied to a folder the test may edit; caches in tmp_path."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for file in builtin_rule_files():
        shutil.copy(str(file), folder / Path(str(file)).name)
    monkeypatch.setenv("GK_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rulebook, "builtin_rule_files",
                        lambda: sorted(folder.glob("*.yaml"), key=lambda file: (file.name != "common.yaml", file.name)))
    return folder


def _cache_files(rule_copies: Path) -> list[Path]:
    return sorted((rule_copies.parent / "cache" / "rulebook").glob("*.marshal"))


def _no_yaml(*_: object) -> None:
    raise AssertionError("a cached built-in rulebook must not be parsed")


def test_the_second_load_comes_from_the_cache_and_equals_the_first(rule_copies: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_rulebook()
    assert len(_cache_files(rule_copies)) == 1
    monkeypatch.setattr(rulebook, "_parse_raw", _no_yaml)
    second = load_rulebook()
    assert second.rules == first.rules and second.tables == first.tables and second.files == first.files
    assert second.detection.raw == first.detection.raw
    rule = second.rule("GK201")
    assert rule is not None and type(rule.prepared) is rulebook.DeferredPrepare  # prepared on first use
    assert rule.compiled is not None and type(rule.prepared) is not rulebook.DeferredPrepare


def test_an_edited_rulebook_file_is_parsed_and_checked_again(rule_copies: Path) -> None:
    load_rulebook()
    common = rule_copies / "common.yaml"
    text = common.read_text(encoding="utf-8")
    title = load_rulebook().rule("GK201").title  # type: ignore[union-attr]
    common.write_text(text.replace(f"title: {title}", "title: 改过的标题", 1), encoding="utf-8")
    assert load_rulebook().rule("GK201").title == "改过的标题"  # type: ignore[union-attr]
    assert len(_cache_files(rule_copies)) == 2
    common.write_text(text.replace("kind: pattern", "kind: nonsense", 1), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:  # a broken built-in file is reported, never cached
        load_rulebook()
    assert caught.value.path.endswith("common.yaml") and caught.value.line is not None
    assert len(_cache_files(rule_copies)) == 2


def test_a_damaged_cache_file_is_ignored_and_rebuilt(rule_copies: Path) -> None:
    expected = load_rulebook()
    (cache,) = _cache_files(rule_copies)
    for damage in (b"", b"\x00garbage", cache.read_bytes()[:-50]):
        cache.write_bytes(damage)
        assert load_rulebook().rules == expected.rules
    assert cache.read_bytes() != damage  # written again


def test_user_rulebooks_are_still_checked_with_their_place_when_the_cache_is_warm(rule_copies: Path,
                                                                                  tmp_path: Path) -> None:
    load_rulebook()
    extra = tmp_path / "extra.yaml"
    extra.write_text("rules:\n  - id: GK201\n    severity: sometimes\n", encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook([str(extra)])
    assert (caught.value.path, caught.value.line) == (str(extra), 3)
    extra.write_text("rules:\n  - id: GK201\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook([str(extra)])
    assert caught.value.line == 3 and "正则" in caught.value.problem
