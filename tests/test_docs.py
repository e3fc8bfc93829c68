"""The rule reference (``gk-audit docs``), SARIF's helpUri into it, and the clerks' guide."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main
from auditor.docs import index_page, rule_page, write_docs
from auditor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
FAULTY = ROOT / "examples" / "report-2021-faulty.txt"


def test_one_page_per_rule_and_an_index_linking_them(tmp_path: Path, rulebook: Rulebook) -> None:
    written = write_docs(rulebook, tmp_path / "site")
    assert len(written) == len(rulebook.rules) + 1
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(GK\d+)\.html"', index))
    assert links == {rule.id for rule in rulebook.rules}
    assert all((tmp_path / "site" / f"{rule_id}.html").is_file() for rule_id in links)


def test_a_rule_page_says_what_why_basis_examples_and_parameters(rulebook: Rulebook) -> None:
    rule = rulebook.rule("GK801")
    assert rule is not None
    page = rule_page(rule, rulebook)
    for heading in ("检查什么", "为什么", "会报告的写法", "不会报告的写法", "参数", "检查类型"):
        assert f"<h2>{heading}" in page, heading
    assert escape(rule.basis) in page
    assert escape(rule.examples["fail"].strip()) in page and escape(rule.examples["pass"].strip()) in page
    assert "t3.new[c] + t3.carried[c]" in page  # the identity, from the rule's params
    assert "<script" not in page


def test_fixtures_and_what_gk_audit_prints_on_them(rulebook: Rulebook) -> None:
    rule = rulebook.rule("GK201")
    assert rule is not None
    page = rule_page(rule, rulebook, ROOT / "tests" / "fixtures" / "rules")
    assert "fires-xx-year.txt" in page and "silent.txt" in page
    assert "错误[GK201]" in page  # the finding on a firing fixture (or on the failing example)
    assert "测试样例" not in rule_page(rule, rulebook, None)


def test_report_markup_in_examples_is_escaped(rulebook: Rulebook) -> None:
    page = index_page(rulebook.rules)
    assert page.count("<table>") == 1 and "GK801" in page


def test_cli_docs_and_sarif_help_uri(tmp_path: Path) -> None:
    runner = CliRunner()
    site = tmp_path / "rules-site"
    result = runner.invoke(main, ["docs", str(site)])
    assert result.exit_code == 0, result.output
    sarif = runner.invoke(main, ["check", "--format", "sarif", "--docs-url", site.as_uri() + "/", str(FAULTY)])
    rules = json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["helpUri"] == f"{site.as_uri()}/{rule['id']}.html"
        assert (site / f"{rule['id']}.html").is_file()
    default = runner.invoke(main, ["check", "--format", "sarif", str(FAULTY)], env={"GK_AUDIT_DOCS_URL": ""})
    assert all("helpUri" not in rule for rule in json.loads(default.stdout)["runs"][0]["tool"]["driver"]["rules"])
    from_env = runner.invoke(main, ["check", "--format", "sarif", str(FAULTY)],
                             env={"GK_AUDIT_DOCS_URL": "https://example.org/gk-audit/rules"})
    first = json.loads(from_env.stdout)["runs"][0]["tool"]["driver"]["rules"][0]
    assert first["helpUri"] == f"https://example.org/gk-audit/rules/{first['id']}.html"


def test_cli_docs_into_an_unwritable_place_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["docs", str(blocker / "site")])
    assert result.exit_code == 2 and "无法写入" in result.output


def test_clerks_guide_and_readme_limitations() -> None:
    guide = (ROOT / "docs" / "使用指南.md").read_text(encoding="utf-8")
    for topic in ("安装", "Windows", "检查", "gk-audit serve", "重新检查", "表"):
        assert topic in guide, topic
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Limitations" in readme
