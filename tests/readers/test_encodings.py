"""Legacy encodings read right; text decoded with the wrong one is reported (GK002), not silent."""

from __future__ import annotations

import pytest

from auditor.readers import read_bytes
from auditor.rulebook import Rulebook

REPORT = ("某县2021年政府信息公开工作年度报告\n一、总体情况\n2021年，本县认真贯彻落实《条例》，"
          "全年主动公开政府信息1200条。㐀䶵（扩展A区字符只在GB18030中）\n")


def test_gb18030_text_file_is_read() -> None:
    document = read_bytes("r.txt", REPORT.encode("gb18030"))
    assert document.text == REPORT
    assert document.encoding == "gb18030"


def test_big5_html_is_read_by_its_declaration() -> None:
    page = ('<html><head><meta charset="big5"></head><body><div id="zoom">'
            "<p>政府資訊公開工作年度報告，本縣認真貫徹落實條例。</p></div></body></html>")
    document = read_bytes("r.html", page.encode("big5"))
    assert "政府資訊公開工作年度報告" in document.text


MOJIBAKE = {
    "gbk-as-latin1": "一、总体情况\n" + "政府信息公开工作年度报告，全年主动公开".encode("gbk").decode("latin-1") + "\n",
    "utf8-as-gbk": "一、总体情况\n" + "政府信息公开工作年度报告".encode().decode("gbk", errors="replace") + "\n",
    "replacement": "一、总体情况\n2021年，本县认真贯彻落实\ufffd\ufffd条例》。\n",
    "kun-jin-kao": "一、总体情况\n2021年，锟斤拷锟斤拷落实《条例》。\n",
}


@pytest.mark.parametrize("name", sorted(MOJIBAKE))
def test_mojibake_is_reported(name: str, check_text) -> None:  # type: ignore[no-untyped-def]
    result = check_text("某县2021年政府信息公开工作年度报告\n" + MOJIBAKE[name])
    found = [diagnostic for diagnostic in result.diagnostics if diagnostic.rule == "GK002"]
    assert len(found) == 1
    assert found[0].span is not None and found[0].span.start.line == 3


def test_html_with_a_wrong_declared_charset_reports_mojibake(rulebook: Rulebook, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from auditor.engine import check_path

    page = ('<html><head><meta charset="utf-8"></head><body><div id="zoom"><p>某县2021年政府信息公开工作年度报告</p>'
            "<p>一、总体情况</p><p>2021年，本县认真贯彻落实条例，全年主动公开政府信息。</p></div></body></html>")
    path = tmp_path / "r.html"
    path.write_bytes(page.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("gbk"))
    assert "GK002" in [diagnostic.rule for diagnostic in check_path(str(path), rulebook).diagnostics]


@pytest.mark.parametrize("text", [
    "政府信息公开工作年度报告，全年主动公开政府信息1200条，依申请公开办结率100%。",
    "政府資訊公開工作年度報告，我縣認真貫徹落實《條例》，全年主動公開政府資訊。",
    "属于国家祕密、涉及商业祕密、方便羣众咨询、培训考覈制度、政府门戶网站。",
    "Zürich café résumé naïve façade — 欧洲来访考察团参观政务服务中心。",
    "联系电话：××××××××，温度：±5°，地址：××市××区。",
])
def test_real_text_is_not_mojibake(text: str, check_text) -> None:  # type: ignore[no-untyped-def]
    result = check_text("某县2021年政府信息公开工作年度报告\n一、总体情况\n" + text + "\n")
    assert "GK002" not in [diagnostic.rule for diagnostic in result.diagnostics]


def test_seed_reports_are_not_mojibake(rulebook: Rulebook) -> None:
    from pathlib import Path

    from auditor.engine import check_path

    seeds = sorted((Path(__file__).parents[2].parent / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared/seeds not beside the repository")
    for seed in seeds:
        assert "GK002" not in [d.rule for d in check_path(str(seed), rulebook).diagnostics], seed.name
