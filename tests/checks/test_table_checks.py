"""The table kinds on the built-in rulebook: spans at the cells, one diagnostic per table."""

from pathlib import Path

from auditor.engine import FileResult, Options, Selection, check_path
from auditor.rulebook import Rulebook

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _run(rulebook: Rulebook, path: Path, rule_id: str) -> FileResult:
    return check_path(str(path), rulebook, Options(Selection(frozenset({rule_id}))))


def test_blank_cells_one_diagnostic_per_table_with_labels(rulebook: Rulebook) -> None:
    found = _run(rulebook, FIXTURES / "seeds" / "001_6d9098e69707ff9c.txt", "GK706").diagnostics
    t3 = [d for d in found if "收到和处理" in d.message]
    assert len(t3) == 1
    assert t3[0].span is not None and t3[0].span.start.line == 99  # first blank: 商业企业 of row 一
    assert len(t3[0].labels) == 20 and t3[0].notes and "148" in t3[0].message


def test_text_cell_is_an_error_at_the_cell(rulebook: Rulebook) -> None:
    found = _run(rulebook, FIXTURES / "rules" / "GK707" / "fires-text-cell.md", "GK707").diagnostics
    assert len(found) == 1 and found[0].severity.label == "error"
    assert found[0].span is not None and (found[0].span.start.line, found[0].span.start.column) == (23, 10)
    assert "若干" in found[0].message


def test_missing_table_points_at_its_part(rulebook: Rulebook) -> None:
    found = _run(rulebook, FIXTURES / "rules" / "GK701" / "fires-no-application-table.md", "GK701").diagnostics
    assert len(found) == 1 and found[0].span is not None and found[0].span.start.line == 31
    assert "收到和处理" in found[0].message


def test_missing_table_is_a_warning_in_2019_and_silent_for_old(rulebook: Rulebook, tmp_path: Path) -> None:
    text = "某局2019年政府信息公开工作年度报告\n一、总体情况\n三、收到和处理政府信息公开申请情况\n共收到申请3件。\n"
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    found = _run(rulebook, path, "GK701").diagnostics
    assert found and {d.severity.label for d in found} == {"warning"}
    path.write_text(text.replace("2019", "2016"), encoding="utf-8")
    assert not _run(rulebook, path, "GK701").diagnostics


def test_incomplete_names_the_missing_columns(rulebook: Rulebook) -> None:
    found = _run(rulebook, FIXTURES / "seeds" / "001_6d9098e69707ff9c.txt", "GK703").diagnostics
    assert len(found) == 1 and "本年新制作数量" in found[0].message and "本年新公开数量" in found[0].message
    assert found[0].severity.label == "warning"


def test_superseded_labels_one_diagnostic_with_labels(rulebook: Rulebook) -> None:
    found = _run(rulebook, FIXTURES / "rules" / "GK704" / "fires-2019-labels.md", "GK704").diagnostics
    assert len(found) == 1 and len(found[0].labels) == 2 and "本年新制作数量" in found[0].message
