"""The table model and the label-driven reader, on every text form and on the seeds."""

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.readers import read_path
from auditor.rulebook import Rulebook, RulebookError, load_rulebook
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
    value = {row: cell.value for (row, column), cell in appendix.cells.items() if column == "value"}
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


# ---------------------------------------------------------------------------- real-world layouts
def test_columns_by_header_position_with_extra_and_reordered_columns(rulebook: Rulebook) -> None:
    t3 = _tables(rulebook, TABLES / "t3-extra-columns.md")["t3"]
    assert not t3.missing_columns
    expected = {"natural": 12, "commercial": 2, "research": 0, "social": 0, "legal": 0, "other": 1, "total": 15}
    assert {column: t3.cell("new", column).value for column in expected} == expected  # type: ignore[union-attr]
    assert t3.cell("forward", "natural").value == 0 and t3.cell("forward", "total").value == 1  # type: ignore[union-attr]
    # the 小计 and 备注 columns are ignored, not misread as a statutory column
    assert {cell.raw for cell in t3.row_cells("new")} == {"12", "2", "0", "1", "15"}


def test_columns_by_header_position_tabs_reordered_and_dropped(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, TABLES / "t2-reordered.txt")
    t2_1 = tables["t2_1"]
    assert t2_1.missing_columns == ("repealed",)  # GK703 names the dropped column
    assert t2_1.cell("normative", "issued").value == 3 and t2_1.cell("normative", "in_force").value == 12  # type: ignore[union-attr]
    assert t2_1.cell("rules", "repealed") is None  # not guessed from another column
    assert tables["t2_8"].cell("fees", "amount").value == Decimal("12.50")  # type: ignore[union-attr]
    assert not tables["t2_8"].missing_columns


def test_a_column_label_at_two_places_is_not_guessed(rulebook: Rulebook) -> None:
    t2_1 = _tables(rulebook, TABLES / "t2-ambiguous-columns.md")["t2_1"]
    assert t2_1.missing_columns == ("issued",)
    assert t2_1.cell("rules", "issued") is None
    assert t2_1.cell("rules", "in_force").value == 5  # type: ignore[union-attr]


def test_header_without_positions_falls_back_to_statutory_order(rulebook: Rulebook) -> None:
    # header rows that dropped their empty cells (自然人 over 商业企业): positions mean nothing
    t3 = _tables(rulebook, TABLES / "t3-compact-header.txt")["t3"]
    assert not t3.missing_columns
    assert _values(t3, "new") == [12, 2, 0, 0, 0, 1, 15]
    # one label per line (no grid at all): the statutory order, as before
    assert _values(_tables(rulebook, TABLES / "t3-wrapped.txt")["t3"], "carried") == [1, 0, 0, 0, 0, 0, 1]


def test_merged_column_copies_must_agree(rulebook: Rulebook) -> None:
    # 现行有效件数 spans two grid columns (a merged cell repeated by the linearisation)
    t2_1 = _tables(rulebook, TABLES / "t2-merged-column.md")["t2_1"]
    # copies 12 and 10 disagree in one row: the column is not guessed, and reported as missing
    assert t2_1.cell("normative", "in_force") is None and t2_1.cell("rules", "in_force") is None
    assert t2_1.missing_columns == ("in_force",)
    assert t2_1.cell("normative", "repealed").value == 1  # type: ignore[union-attr]


def test_merged_column_with_agreeing_copies_is_one_column(rulebook: Rulebook) -> None:
    t2_8 = _tables(rulebook, TABLES / "t2-merged-agree.md")["t2_8"]  # 本年增/减 over two grid columns
    assert not t2_8.missing_columns
    assert _values(t2_8, "fees") == [4, -1]


def test_label_broken_across_lines(rulebook: Rulebook) -> None:
    t3 = _tables(rulebook, TABLES / "t3-wrapped.txt")["t3"]
    assert "new" in t3.row_labels and "carried" in t3.row_labels
    # the row ran short: it ends at the next label although that label is wrapped over two lines
    assert _values(t3, "new") == [12, 2, 0, 0, 0, 1, None]
    assert t3.cell("new", "total").value_class is ValueClass.BLANK  # type: ignore[union-attr]
    assert _values(t3, "carried") == [1, 0, 0, 0, 0, 0, 1]
    assert _values(t3, "forward") == [3, 1, 0, 0, 0, 0, 4]


def test_sign_apart_from_its_number_is_one_value(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, TABLES / "t2-signs.txt")
    assert _values(tables["t2_5"], "licensing") == [128, -8, 83]
    assert _values(tables["t2_5"], "other_services") == [20, -45, 6]
    assert _values(tables["t2_6"], "penalty") == [30, 3, 25]
    assert _values(tables["t2_6"], "enforcement") == [2, 0, 1]
    assert parse_value("减少 45") == (ValueClass.NUMBER, -45) and parse_value("- 8") == (ValueClass.NUMBER, -8)


def test_lone_cell_equal_to_a_later_row_label_does_not_end_the_row(rulebook: Rulebook) -> None:
    t3 = _tables(rulebook, TABLES / "t3-lone-text-cell.txt")["t3"]
    assert not t3.missing_rows
    text = t3.cell("c3_1", "commercial")
    assert text is not None and text.value_class is ValueClass.TEXT and text.raw == "其他"
    assert _values(t3, "c3_1") == [1, None, 0, 0, 0, 0, 1]
    assert _values(t3, "c6_2") == [1, 0, 0, 0, 0, 0, 1]
    assert _values(t3, "c6_3") == [2, 0, 0, 0, 0, 0, 2]  # the row 3.其他 itself, the next in order
    assert _values(t3, "c7") == [1, 0, 0, 0, 0, 0, 1]


def test_block_without_its_caption_is_found_by_header_and_rows(rulebook: Rulebook) -> None:
    tables = _tables(rulebook, TABLES / "t2-no-caption.md")
    assert {"t2_1", "t2_5", "t2_6", "t2_8"} <= set(tables)
    assert tables["t2_5"].cell("licensing", "decisions").value == 1024  # type: ignore[union-attr]
    assert _values(tables["t2_6"], "penalty") == [56] and _values(tables["t2_6"], "enforcement") == [7]
    assert tables["t2_8"].cell("fees", "amount").value == Decimal("12.50")  # type: ignore[union-attr]
    assert all(not table.missing_rows and not table.missing_columns for table in tables.values())


# ---------------------------------------------------------------------------- table definitions
TABLE_ENTRY = """tables:
  t_demo:
    title: 演示表
    anchors: ['演示表']
    columns:
      - {key: value, label: 数量}
    rows:
      - {key: first, label: 第一行}
"""


def _table_error(tmp_path: Path, text: str) -> RulebookError:
    path = tmp_path / "tables.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook([str(path)])
    return caught.value


def test_a_good_table_entry_loads(tmp_path: Path) -> None:
    path = tmp_path / "tables.yaml"
    path.write_text(TABLE_ENTRY, encoding="utf-8")
    assert "t_demo" in load_rulebook([str(path)]).tables


@pytest.mark.parametrize(("change", "line", "words"), [
    (("{key: value, label: 数量}", "{key: value, label: 数量, mony: true}"), 6, "mony"),
    (("{key: first, label: 第一行}", "{key: first}"), 8, "label"),
    (("    title: 演示表\n", "    title: 演示表\n    layout: grid\n"), 4, "grid"),
    (("    rows:", "    rowz:"), 3, "rowz"),
])
def test_mistyped_table_entry_is_located(tmp_path: Path, change: tuple[str, str], line: int, words: str) -> None:
    error = _table_error(tmp_path, TABLE_ENTRY.replace(*change))
    assert error.path.endswith("tables.yaml") and error.line == line and words in error.problem


def test_bad_anchor_regex_is_located_at_load(tmp_path: Path) -> None:
    error = _table_error(tmp_path, TABLE_ENTRY.replace("['演示表']", "['演示表', '演示(表']"))
    assert (error.line, error.column) == (4, 22) and "正则" in error.problem


def test_bad_section_regex_is_located_at_load(tmp_path: Path) -> None:
    text = TABLE_ENTRY.replace("    title: 演示表\n", "    title: 演示表\n    section: '[主动'\n")
    error = _table_error(tmp_path, text)
    assert error.line == 4 and "正则" in error.problem


def test_key_repeated_within_an_era_is_located(tmp_path: Path) -> None:
    first = "      - {key: first, label: 第一行}\n"
    text = TABLE_ENTRY.replace(first, first + "      - {key: first, label: 第二行, eras: ['2021']}\n")
    error = _table_error(tmp_path, text)
    assert (error.line, error.column) == (9, 15) and "first" in error.problem


def test_cli_exits_2_on_a_bad_table_definition(tmp_path: Path) -> None:
    path = tmp_path / "tables.yaml"
    path.write_text(TABLE_ENTRY.replace("['演示表']", "['演示(表']"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--rulebook", str(path), str(TABLES / "t2-inline.txt")])
    assert result.exit_code == 2 and "tables.yaml:4:" in result.output
