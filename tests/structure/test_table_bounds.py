"""Where a table starts and ends, honest failure on cells run together, and ``gk-audit tables``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main
from auditor.diagnostics import Diagnostic
from auditor.document import Document
from auditor.engine import check_document
from auditor.rulebook import Rulebook
from auditor.structure import analyse
from auditor.structure.run_together import one_split, run_together
from auditor.structure.tables import Table, ValueClass, tables_of

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples"
T3_HEADER = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
             "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n")
TITLE = "某市某局2023年政府信息公开工作年度报告\n"


def _tables(rulebook: Rulebook, text: str) -> dict[str, Table]:
    report = analyse(Document(path="r.txt", text=text), rulebook.detection)
    report.cache["rulebook"] = rulebook
    return tables_of(report)


def _check(rulebook: Rulebook, text: str) -> list[Diagnostic]:
    return check_document(Document(path="r.txt", text=text), rulebook).diagnostics


# ---------------------------------------------------------------------------- anchors and ends
def test_a_sentence_that_mentions_a_table_does_not_open_it(rulebook: Rulebook) -> None:
    text = (TITLE + "一、总体情况\n如表三所示，本年新收政府信息公开申请数量12件，全部按时答复，"
            "答复率达到百分之百，群众满意度较上年有所提高。\n二、主动公开政府信息情况\n主动公开信息150条。\n")
    assert "t3" not in _tables(rulebook, text)


def test_a_one_value_per_line_table_ends_at_page_furniture(rulebook: Rulebook) -> None:
    values = "\n".join(["1", "0", "0", "0", "1", "0", "0", "0", "0", "0"])
    text = (TITLE + "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n"
            "尚未审结\n总计\n未经复议直接起诉\n复议后起诉\n" + values + "\n附件下载\n")
    t4 = _tables(rulebook, text)["t4"]
    assert all("附件" not in cell.raw for cell in t4.cells.values())
    assert not [cell for cell in t4.cells.values() if cell.value_class is ValueClass.TEXT]


def test_a_row_stream_ends_at_a_heading_shaped_line(rulebook: Rulebook) -> None:
    rows = "\n".join(["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "156",
                      "五、存在的主要问提及改进情况", "一是解读形式单一"])
    t2_5 = _tables(rulebook, TITLE + "二、主动公开政府信息情况\n" + rows + "\n")["t2_5"]
    assert [cell.raw for cell in t2_5.cells.values()] == ["156"]


def test_a_paragraph_is_not_a_cell(rulebook: Rulebook) -> None:
    rows = "\n".join(["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可",
                      "我局全年共办理行政许可事项一百五十六件且全部在法定期限内办结"])
    t2_5 = _tables(rulebook, TITLE + "二、主动公开政府信息情况\n" + rows + "\n")["t2_5"]
    assert not [cell for cell in t2_5.cells.values() if cell.value_class is ValueClass.TEXT]


# ---------------------------------------------------------------------------- run together
def test_run_together_signature() -> None:
    assert run_together(["7000007", "", "", "", "", "", ""]) == 0
    assert run_together(["12", "", "", "0", "1", "0", "13"]) is None  # a short row, not a run
    assert run_together(["12", "2", "0", "0", "0", "1", "15"]) is None


def test_only_one_split_by_the_rows_own_total() -> None:
    assert one_split("7000007", 7, 6) == (1, 1, 1, 1, 1, 1, 1)
    assert one_split("122000115", 7, 6) == (2, 1, 1, 1, 1, 1, 2)
    assert one_split("12000012", 7, 6) is None  # no cut adds up
    assert one_split("1111113", 4, 3) is None  # 1+1+11=13? no; 1+11+1=13? no; several or none: never guessed


def test_run_together_row_is_split_once_and_said(rulebook: Rulebook) -> None:
    text = (TITLE + "三、收到和处理政府信息公开申请情况\n" + T3_HEADER
            + "| 一、本年新收政府信息公开申请数量 | 7000007 |\n")
    table = _tables(rulebook, text)["t3"]
    assert [table.cells[("new", key)].value for key in ("natural", "other", "total")] == [7, 0, 7]
    first = table.cells[("new", "natural")]
    assert text[first.start:first.end] == "7" and text[first.end:first.end + 6] == "000007"
    found = _check(rulebook, text)
    assert [d.rule for d in found if d.rule == "GK710"] == ["GK710"]
    assert not [d for d in found if d.rule in ("GK706", "GK707", "GK709")]


def test_unreadable_table_is_one_finding_and_not_checkable(rulebook: Rulebook) -> None:
    text = (TITLE + "三、收到和处理政府信息公开申请情况\n" + T3_HEADER
            + "| 一、本年新收政府信息公开申请数量 | 12000012 |\n| 二、上年结转政府信息公开申请数量 | 1000001 |\n"
            + "| （七）总计 | 9 | 1 | 0 | 0 | 0 | 0 | 10 |\n")
    found = _check(rulebook, text)
    unreadable = [d for d in found if d.rule == "GK709"]
    assert len(unreadable) == 1 and "12000012" in unreadable[0].message
    assert not [d for d in found if d.rule in ("GK706", "GK707", "GK708", "GK710")]
    assert all(d.severity.label == "info" for d in found if d.category == "arithmetic")


def test_text_cells_are_one_finding_per_table(rulebook: Rulebook) -> None:
    text = (TITLE + "三、收到和处理政府信息公开申请情况\n" + T3_HEADER
            + "| 一、本年新收政府信息公开申请数量 | 若干 | 0 | 0 | 0 | 0 | 0 | 见附件 |\n"
            + "| 二、上年结转政府信息公开申请数量 | 待统计 | 0 | 0 | 0 | 0 | 0 | 0 |\n")
    found = [d for d in _check(rulebook, text) if d.rule == "GK707"]
    assert len(found) == 1 and "3 个" in found[0].message and len(found[0].labels) == 2


# ---------------------------------------------------------------------------- gk-audit tables
def test_tables_command_text_shows_cells_and_places() -> None:
    result = CliRunner().invoke(main, ["tables", str(EXAMPLES / "report-2021-faulty.txt")])
    assert result.exit_code == 0, result.output
    assert "收到和处理政府信息公开申请情况表" in result.output
    assert "总计·自然人 = 11 [number]" in result.output
    assert "69:11" in result.output  # line:column of that cell in the file


def test_tables_command_json_for_a_word_file() -> None:
    result = CliRunner().invoke(main, ["tables", "--format", "json", str(EXAMPLES / "report-2021-faulty.docx")])
    assert result.exit_code == 0, result.output
    tables = {table["id"]: table for table in json.loads(result.output)["files"][0]["tables"]}
    assert tables["t3"]["source"] == "grid"
    cell = next(cell for cell in tables["t3"]["cells"] if cell["row"] == "new" and cell["column"] == "total")
    assert cell["raw"] == "13" and cell["value_class"] == "number"
    assert {"table", "row", "column"} <= set(cell["location"]["place"])


def test_tables_command_unreadable_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["tables", str(empty)])
    assert result.exit_code == 2 and "empty.txt" in result.output
