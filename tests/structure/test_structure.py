from pathlib import Path

from auditor.document import Document
from auditor.readers import read_path
from auditor.structure import analyse

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"


def _report(rulebook, text: str, **overrides):  # type: ignore[no-untyped-def]
    return analyse(Document(path="r.txt", text=text), rulebook.detection, **overrides)


def test_year_and_era_from_title(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = _report(rulebook, "某局2021年政府信息公开工作年度报告\n一、总体情况\n")
    assert (report.report_year, report.era) == (2021, "2021")
    assert report.year_source.startswith("标题")


def test_year_from_statistical_period_then_first_part(rulebook) -> None:  # type: ignore[no-untyped-def]
    period = _report(rulebook, "一、概述\n本报告统计期限为2017年1月1日至12月31日。\n二、主动公开\n")
    assert (period.report_year, period.era) == (2017, "old")
    assert period.year_source.startswith("统计期限")
    mentioned = _report(rulebook, "一、总体情况\n2019年，我局……2019年……2018年……\n二、主动公开政府信息情况\n")
    assert (mentioned.report_year, mentioned.era) == (2019, "2019")


def test_era_from_format_signature_and_overrides(rulebook) -> None:  # type: ignore[no-untyped-def]
    signature = _report(rulebook, "一、总体情况\n信息内容 本年制发件数 本年废止件数 现行有效件数\n")
    assert signature.era == "2021" and signature.report_year is None
    assert _report(rulebook, "无年度的报告\n", era_override="2019").era == "2019"
    assert _report(rulebook, "某局2021年政府信息公开工作年度报告\n", year_override=2018).era == "old"


def test_seed_000_traditional_title_is_found(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = analyse(read_path(str(SEEDS / "000_adf33c648b16a73d.txt")), rulebook.detection)
    assert report.title is not None and report.title.line_index == 0
    assert (report.report_year, report.era) == (2014, "old")


def test_seed_001_table_rows_are_not_headings(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = analyse(read_path(str(SEEDS / "001_6d9098e69707ff9c.txt")), rulebook.detection)
    top = [(heading.ordinal, heading.line_index + 1) for heading in report.outline if heading.level == 1]
    assert top == [(1, 1), (2, 12), (3, 83), (4, 307), (5, 345), (6, 351)]
    assert report.line_in_table(96) and report.line_in_table(343)
    assert not report.line_in_table(82)


def test_seed_003_appendix_is_a_table_region(rulebook) -> None:  # type: ignore[no-untyped-def]
    report = analyse(read_path(str(SEEDS / "003_0924ce67d92c8f40.txt")), rulebook.detection)
    assert [heading.ordinal for heading in report.outline if heading.level == 1] == list(range(1, 10))
    assert report.line_in_table(94) and report.line_in_table(363)


def test_outline_tree_and_series(rulebook) -> None:  # type: ignore[no-untyped-def]
    text = "一、总体情况\n（一）组织\n1.制度\n2.培训\n（二）平台\n一是加强领导；二是完善制度。\n二、主动公开\n"
    report = _report(rulebook, text)
    levels = [(heading.level, heading.ordinal, heading.parent) for heading in report.outline]
    assert levels == [(1, 1, None), (2, 1, 0), (3, 1, 1), (3, 2, 1), (2, 2, 0), (1, 2, None)]
    assert [(marker.ordinal, marker.parent) for marker in report.series] == [(1, 4), (2, 4)]
    assert report.outline[0].title == "总体情况"
