"""The table model and the label-driven reader, on every text form and on the seeds."""

from decimal import Decimal
from pathlib import Path

import pytest

from auditor.readers import read_path
from auditor.rulebook import Rulebook
from auditor.structure import Report, analyse
from auditor.structure.tables import Table, ValueClass, parse_value, tables_of

FIXTURES = Path(__file__).parent.parent / "fixtures"
TABLES = FIXTURES / "tables"
SEEDS = FIXTURES / "seeds"


def _report(rulebook: Rulebook, path: Path) -> Report:
    report = analyse(read_path(str(path)), rulebook.detection)
    report.cache["rulebook"] = rulebook
    return report


def _tables(rulebook: Rulebook, path: Path) -> dict[str, Table]:
    return tables_of(_report(rulebook, path))


def _values(table: Table, row: str) -> list[object]:
    return [cell.value for (row_key, _), cell in table.cells.items() if row_key == row]


@pytest.mark.parametrize(("raw", "money", "expected"), [
    ("12", False, (ValueClass.NUMBER, 12)),
    ("１２", False, (ValueClass.NUMBER, 12)),
    ("3,746", False, (ValueClass.NUMBER, 3746)),
    ("3，746", False, (ValueClass.NUMBER, 3746)),
    ("12件", False, (ValueClass.NUMBER, 12)),
    ("680 人次", False, (ValueClass.NUMBER, 680)),
    ("-8", False, (ValueClass.NUMBER, -8)),
    ("减少45", False, (ValueClass.NUMBER, -45)),
    ("增加3", False, (ValueClass.NUMBER, 3)),
    ("68949.08元", True, (ValueClass.NUMBER, Decimal("68949.08"))),
    ("5万元", True, (ValueClass.NUMBER, Decimal("5"))),
    ("12.5", False, (ValueClass.NUMBER, Decimal("12.5"))),
    ("0", False, (ValueClass.ZERO, 0)),
    ("０", False, (ValueClass.ZERO, 0)),
    ("0.00", True, (ValueClass.ZERO, Decimal("0.00"))),
    ("", False, (ValueClass.BLANK, None)),
    ("   ", False, (ValueClass.BLANK, None)),
    ("无", False, (ValueClass.NA, None)),
    ("—", False, (ValueClass.NA, None)),
    ("——", False, (ValueClass.NA, None)),
    ("-", False, (ValueClass.NA, None)),
    ("/", False, (ValueClass.NA, None)),
    ("&nbsp;", False, (ValueClass.NA, None)),
    ("若干", False, (ValueClass.TEXT, None)),
    ("见附件", False, (ValueClass.TEXT, None)),
    ("约12", False, (ValueClass.TEXT, None)),
    ("1 2", False, (ValueClass.TEXT, None)),
])
def test_parse_value(raw: str, money: bool, expected: tuple[ValueClass, object]) -> None:
    assert parse_value(raw, money) == expected


def test_money_value_is_decimal_and_count_is_int() -> None:
    assert isinstance(parse_value("5", money=True)[1], Decimal)
    assert isinstance(parse_value("5")[1], int)


def test_seed_001_application_table_read_fully(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, SEEDS / "001_6d9098e69707ff9c.txt")
    t3 = tables["t3"]
    assert not t3.missing_rows and not t3.missing_columns
    assert t3.cell("new", "natural").value == 12  # type: ignore[union-attr]
    assert t3.cell("new", "total").value == 12  # type: ignore[union-attr]
    assert t3.cell("carried", "total").value == 11  # type: ignore[union-attr]
    assert t3.cell("carried", "other").value == 1  # type: ignore[union-attr]
    assert t3.cell("c7", "total").value == 23  # type: ignore[union-attr]
    assert t3.cell("forward", "total").value == 0  # type: ignore[union-attr]
    assert t3.cell("c2", "natural").value_class is ValueClass.BLANK  # type: ignore[union-attr]
    assert len(t3.cells) == 23 * 7
    document = read_path(str(SEEDS / "001_6d9098e69707ff9c.txt"))
    assert document.position(t3.cell("c7", "total").start).line == 297  # type: ignore[union-attr]


def test_seed_001_review_litigation_row(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, SEEDS / "001_6d9098e69707ff9c.txt")
    t4 = tables["t4"]
    values = [_values(t4, row) for row in ("review", "suit_direct", "suit_after_review")]
    assert values == [[0, 0, 11, 0, 11], [1, 0, 0, 0, 0], [1, 0, 1, 0, 3]]
    document = read_path(str(SEEDS / "001_6d9098e69707ff9c.txt"))
    lines = [document.position(cell.start).line for cell in t4.cells.values()]
    assert lines == list(range(330, 345))


def test_seed_001_active_disclosure_blocks(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, SEEDS / "001_6d9098e69707ff9c.txt")
    assert tables["t2_1"].missing_columns == ("made", "published")  # header truncated to 本年新
    assert tables["t2_1"].cell("rules", "made").value_class is ValueClass.NA  # type: ignore[union-attr]
    assert tables["t2_1"].cell("normative", "published").value == 29  # type: ignore[union-attr]
    assert tables["t2_5"].cell("licensing", "change").value == -45  # type: ignore[union-attr]
    assert tables["t2_9"].cell("procurement", "amount").value == Decimal("68949.08")  # type: ignore[union-attr]
    assert tables["t2_8"].cell("fees", "change").value_class is ValueClass.BLANK  # type: ignore[union-attr]


def test_seed_003_appendix(rulebook: Rulebook) -> None:
    appendix = _tables(rulebook, SEEDS / "003_0924ce67d92c8f40.txt")["old_appendix"]
    value = {row: cell.value for (row, _), cell in appendix.cells.items()}
    assert (value["received"], value["received_in_person"], value["received_fax"]) == (13, 0, 0)
    assert (value["received_online"], value["received_letter"]) == (10, 3)
    assert (value["staff"], value["staff_full_time"], value["staff_part_time"]) == (73, 2, 71)
    assert value["budget"] == Decimal(5) and appendix.cell("budget", "value").unit == "万元"  # type: ignore[union-attr]
    assert value["published"] == 11347 and value["trainees"] == 680
    assert (value["reviews"], value["reviews_corrected"], value["suits_corrected"]) == (2, 2, 0)
    assert not appendix.missing_rows


def test_seeds_without_tables_have_none(rulebook: Rulebook) -> None:
    for name in ("000_adf33c648b16a73d.txt", "002_45953e13bfad8100.txt", "004_ff39032f2697628d.txt"):
        assert _tables(rulebook, SEEDS / name) == {}


def test_markdown_tables_with_merged_cells(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, TABLES / "report-2021.md")
    assert set(tables) == {"t2_1", "t2_5", "t2_6", "t2_8", "t3", "t4"}
    assert all(not table.missing_rows and not table.missing_columns for table in tables.values())
    t3 = tables["t3"]
    assert _values(t3, "c4_1") == [2, 1, 0, 0, 0, 0, 3]
    assert _values(t3, "c6_1") == [1, 0, 0, 0, 0, 0, 1]
    assert t3.cell("c6", "total") is None  # label-only in 2021
    assert tables["t2_5"].cell("licensing", "decisions").value == 1024  # type: ignore[union-attr]
    assert tables["t2_8"].cell("fees", "amount").value == Decimal("12.50")  # type: ignore[union-attr]
    assert _values(tables["t4"], "review") == [1, 0, 0, 0, 1]


def test_tab_separated_rows(rulebook: Rulebook) -> None:
    t3 = _tables(rulebook, TABLES / "t3-tabs.txt")["t3"]
    assert _values(t3, "new") == [12, 0, 0, 0, 0, 0, 12]
    assert _values(t3, "carried")[0] == 3746 and t3.cell("carried", "commercial").value_class is ValueClass.BLANK  # type: ignore[union-attr]
    assert _values(t3, "c1") == [5, 0, 0, 0, 0, 0, 5]
    assert t3.cell("forward", "natural").value_class is ValueClass.NA  # type: ignore[union-attr]


def test_space_aligned_rows_and_labels_with_spaces(rulebook: Rulebook) -> None:
    report = _report(rulebook, TABLES / "t3-spaces.txt")
    t3 = tables_of(report)["t3"]
    assert not t3.missing_columns  # 商业 企业 is 商业企业
    assert _values(t3, "new") == [12, 2, 0, 0, 0, 1, 15]
    assert _values(t3, "c7") == [10, 1, 0, 0, 0, 1, 12]
    assert _values(t3, "forward") == [3, 1, 0, 0, 0, 0, 4]
    assert [heading.marker for heading in report.outline] == ["三、", "四、"]  # row labels are no headings


def test_label_then_values_on_one_line(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, TABLES / "t2-inline.txt")
    assert _values(tables["t2_5"], "licensing") == [128, -8, 83]
    other = tables["t2_5"].cell("other_services", "decisions")
    assert other is not None and other.value_class is ValueClass.TEXT and other.raw == "若干"
    assert _values(tables["t2_5"], "other_services")[:2] == [0, 3]
    amount = tables["t2_9"].cell("procurement", "amount")
    assert amount is not None and amount.value == Decimal(251000) and amount.unit == "元"


def test_one_value_per_line_vector(rulebook: Rulebook) -> None:
    t4 = _tables(rulebook, TABLES / "t4-lines.txt")["t4"]
    assert _values(t4, "review") == [1, 0, 0, 0, 1]
    assert _values(t4, "suit_after_review") == [2, None, 0, 0, 2]
    assert t4.cell("suit_after_review", "corrected").value_class is ValueClass.NA  # type: ignore[union-attr]


def test_appendix_inline_units_and_blank(rulebook: Rulebook) -> None:
    appendix = _tables(rulebook, TABLES / "appendix-inline.txt")["old_appendix"]
    value = {row: cell for (row, _), cell in appendix.cells.items()}
    assert value["received"].value == 13 and value["received_online"].value == 10
    assert value["received_fax"].value_class is ValueClass.BLANK
    assert value["received_letter"].value == 3
    assert value["fees"].value == Decimal("0.5") and value["fees"].unit == "万元"
    assert value["budget"].value == Decimal(5)


def test_tables_are_cached_and_era_filtered(rulebook: Rulebook) -> None:
    report = _report(rulebook, TABLES / "report-2021.md")
    assert tables_of(report) is tables_of(report)
    assert "t2_9" not in tables_of(report) and "old_appendix" not in tables_of(report)


def test_cell_spans_point_at_the_original_text(rulebook: Rulebook) -> None:
    report = _report(rulebook, TABLES / "t3-tabs.txt")
    cell = tables_of(report)["t3"].cell("new", "natural")
    assert cell is not None and report.document.text[cell.start:cell.end] == "１２" == cell.raw
