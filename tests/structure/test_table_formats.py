"""Tables of another format: a local table under the national caption, and the row-match threshold."""

from pathlib import Path

from auditor.readers import read_path
from auditor.rulebook import Rulebook
from auditor.structure import Report, analyse
from auditor.structure.tables import other_format_tables, tables_of

RULES = Path(__file__).parent.parent / "fixtures" / "rules"
TABLES = Path(__file__).parent.parent / "fixtures" / "tables"


def _report(rulebook: Rulebook, path: Path) -> Report:
    report = analyse(read_path(str(path)), rulebook.detection)
    report.cache["rulebook"] = rulebook
    return report


def test_local_table_under_the_national_caption_is_read_as_local(rulebook: Rulebook) -> None:
    report = _report(rulebook, RULES / "GK711" / "silent-local-table-under-national-caption.txt")
    tables = tables_of(report)
    assert set(tables) == {"old_local"} and not other_format_tables(report)
    local = tables["old_local"]
    assert local.cell("received", "value").value == 26  # type: ignore[union-attr]
    assert local.cell("received", "cumulative").value == 118  # type: ignore[union-attr]
    assert local.cell("via_gazette", "value").value == 21  # type: ignore[union-attr]


def test_unknown_rows_under_the_national_caption_are_another_format(rulebook: Rulebook) -> None:
    report = _report(rulebook, RULES / "GK711" / "fires-unknown-rows.txt")
    assert tables_of(report) == {}
    assert [table.id for table in other_format_tables(report)] == ["old_appendix"]


def test_an_excerpt_of_the_national_table_stays_national(rulebook: Rulebook) -> None:
    # few of the national rows, but every row of the excerpt is one of them
    report = _report(rulebook, TABLES / "appendix-inline.txt")
    assert "old_appendix" in tables_of(report) and not other_format_tables(report)
