import json
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
CLEAN = Path(__file__).parent.parent / "examples" / "report-2021-clean.txt"
FAULTY = Path(__file__).parent / "fixtures" / "cli" / "faulty-2021.txt"  # the clean example plus one XX年


def _run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def test_exit_codes_follow_fail_on() -> None:
    assert _run("check", str(CLEAN)).exit_code == 0
    assert _run("check", str(FAULTY)).exit_code == 1
    assert _run("check", "--fail-on", "never", str(FAULTY)).exit_code == 0
    assert _run("check", "--ignore", "GK201", str(FAULTY)).exit_code == 0
    assert _run("check", "--ignore", "placeholder", str(FAULTY)).exit_code == 0


def test_json_contract() -> None:
    result = _run("check", "--format", "json", str(SEEDS / "004_ff39032f2697628d.txt"))
    payload = json.loads(result.output)
    file = payload["files"][0]
    assert (file["era"], file["year"]) == ("old", 2016)
    assert file["detected"]["year_source"].startswith("标题")
    diagnostic = file["diagnostics"][0]
    for key in ("rule", "name", "category", "severity", "message", "span", "labels", "help", "basis", "title"):
        assert key in diagnostic
    assert set(diagnostic["span"]) == {"start", "end"} and set(diagnostic["span"]["start"]) == {"line", "column"}
    assert payload["summary"]["files"] == 1


def test_select_by_category_and_prefix() -> None:
    result = _run("check", "--format", "json", "--select", "date", str(SEEDS / "004_ff39032f2697628d.txt"))
    categories = {d["category"] for d in json.loads(result.output)["files"][0]["diagnostics"]}
    assert categories == {"date"}
    result = _run("check", "--format", "json", "--select", "GK3", str(SEEDS / "004_ff39032f2697628d.txt"))
    assert {d["rule"][:3] for d in json.loads(result.output)["files"][0]["diagnostics"]} == {"GK3"}


def test_unreadable_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _run("check", "--format", "json", str(empty), str(CLEAN))
    payload = json.loads(result.output)
    assert [f["readable"] for f in payload["files"]] == [False, True]
    assert payload["files"][0]["diagnostics"][0]["rule"] == "GK001"
    assert result.exit_code == 1
    only_bad = _run("check", str(empty))
    assert only_bad.exit_code == 2 and "empty.txt" in only_bad.output and "文件为空" in only_bad.output


def test_directories_are_recursed_and_stdin_is_read(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\x00")
    payload = json.loads(_run("check", "--format", "json", str(tmp_path)).output)
    assert [Path(f["path"]).name for f in payload["files"]] == ["a.txt"]
    piped = _run("check", "--format", "json", "-", input=FAULTY.read_bytes())
    assert "GK201" in [d["rule"] for d in json.loads(piped.output)["files"][0]["diagnostics"]]


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    result = _run("check", "--format", "json", "-o", str(target), str(FAULTY))
    assert result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["errors"] >= 1
    assert not [path for path in target.parent.iterdir() if path.name.startswith(".")]


def test_broken_rulebook_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules:\n  - id: GK999\n    name: x\n    kind: [\n", encoding="utf-8")
    result = _run("check", "--rulebook", str(broken), str(CLEAN))
    assert result.exit_code == 2
    assert f"{broken}:" in result.output and "YAML" in result.output


def test_text_output_has_frame_summary_and_no_colour_when_piped() -> None:
    result = _run("check", str(FAULTY))
    assert "错误[GK201]" in result.output and "\033[" not in result.output
    assert " | " in result.output and "^^" in result.output
    assert "= 建议:" in result.output and "= 依据:" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("1 个文件")


def test_rules_and_explain() -> None:
    listing = _run("rules")
    assert listing.exit_code == 0 and "GK201" in listing.output and "placeholder-left" in listing.output
    explained = _run("explain", "GK102")
    assert explained.exit_code == 0
    for expected in ("第三十二条", "会报告的写法", "不会报告的写法", "kind: required_section"):
        assert expected in explained.output
    assert _run("explain", "placeholder-left").exit_code == 0
    assert _run("explain", "GK000").exit_code == 2


def test_version() -> None:
    assert _run("--version").output.startswith("gk-audit")


def test_json_output_validates_against_the_published_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parent.parent / "schemas" / "output.schema.json").read_text(encoding="utf-8"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _run("check", "--format", "json", str(empty), *map(str, sorted(SEEDS.glob("*.txt"))))
    jsonschema.validate(json.loads(result.output), schema)


def test_explain_works_for_every_rule(rulebook) -> None:  # type: ignore[no-untyped-def]
    for rule in rulebook.rules:
        result = _run("explain", rule.id)
        assert result.exit_code == 0, rule.id
        assert rule.title in result.output and f"kind: {rule.kind}" in result.output, rule.id
        assert rule.basis and rule.basis in result.output, f"{rule.id} has no legal basis"
        if rule.implied:
            assert "由格式的含义推出" in result.output, rule.id


def test_legacy_word_files_in_a_folder_get_advice(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    payload = json.loads(_run("check", "--format", "json", str(tmp_path)).output)
    legacy = next(f for f in payload["files"] if f["path"].endswith("old.doc"))
    assert legacy["diagnostics"][0]["rule"] == "GK001" and ".docx" in legacy["diagnostics"][0]["message"]
