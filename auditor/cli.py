"""The ``gk-audit`` command line: commands only; the work is done in the engine and renderers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.render import RENDERERS

FORMATS = tuple(RENDERERS)
FAIL_ON = ("error", "warning", "info", "never")
EXIT_FINDINGS, EXIT_USAGE = 1, 2


def _split(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(item.strip() for value in values for item in value.split(",") if item.strip())


def _load_rulebook(extra: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from auditor.rulebook import RulebookError, load_rulebook

    try:
        return load_rulebook(extra)
    except RulebookError as error:
        click.echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)


def _use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gk-audit")
def main() -> None:
    """gk-audit: 政府信息公开工作年度报告合规检查。"""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", "output_path", type=click.Path(dir_okay=False), help="write the report to FILE")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="lowest severity that makes the exit code 1")
@click.option("--select", multiple=True, help="rule ids, id prefixes, names or categories to run (comma-separated)")
@click.option("--ignore", multiple=True, help="rule ids, id prefixes, names or categories to skip")
@click.option("--year", type=click.IntRange(1990, 2100), help="the report year, overriding detection")
@click.option("--profile", type=click.Choice(("old", "2019", "2021")), help="the format era, overriding detection")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False),
              help="extra YAML rulebook (adds rules, or overrides built-in ones by id)")
@click.option("--quiet", "-q", is_flag=True, help="one line per finding, no code frames")
@click.option("--no-color", is_flag=True, help="no colours (also when NO_COLOR is set or output is piped)")
def check(paths: tuple[str, ...], output_format: str, output_path: str | None, fail_on: str,
          select: tuple[str, ...], ignore: tuple[str, ...], year: int | None, profile: str | None,
          rulebooks: tuple[str, ...], quiet: bool, no_color: bool) -> None:
    """Check reports (files, directories, or - for standard input)."""
    from auditor.diagnostics import Severity
    from auditor.engine import Options, Selection, check_path, worst
    from auditor.paths import STDIN, expand_inputs, write_atomic

    rulebook = _load_rulebook(rulebooks)
    options = Options(Selection(_split(select), _split(ignore)), year, profile)
    inputs = list(expand_inputs(paths))
    if not inputs:
        click.echo("gk-audit: 没有找到可检查的文件（支持 .txt、.md 等）", err=True)
        sys.exit(EXIT_USAGE)
    results = []
    for path in inputs:
        if path == STDIN:
            results.append(check_path("<stdin>.txt", rulebook, options, data=sys.stdin.buffer.read()))
        else:
            results.append(check_path(path, rulebook, options))
    from auditor.render import RenderContext, render

    context = RenderContext(color=output_path is None and _use_color(no_color), quiet=quiet,
                            root=Path.cwd(), rulebook=rulebook)
    rendered = render(output_format, results, context)
    if output_path:
        write_atomic(output_path, rendered)
    else:
        sys.stdout.write(rendered)
    if all(result.read_error is not None for result in results):
        sys.exit(EXIT_USAGE)
    worst_found = worst(results)
    if fail_on != "never" and worst_found is not None and worst_found >= Severity.parse(fail_on):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
def rules(rulebooks: tuple[str, ...]) -> None:
    """List every rule: id, name, category, severity, eras, title."""
    from rich.console import Console
    from rich.table import Table

    from auditor.explain import rules_rows

    table = Table("id", "name", "category", "severity", "eras", "title", box=None, header_style="bold")
    for row in rules_rows(_load_rulebook(rulebooks)):
        table.add_row(*row)
    Console(no_color="NO_COLOR" in os.environ, width=200 if not sys.stdout.isatty() else None).print(table)


@main.command()
@click.argument("rule_key")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
def explain(rule_key: str, rulebooks: tuple[str, ...]) -> None:
    """Explain a rule (by id or name): what it checks, why, its basis and examples."""
    from auditor.explain import explain_rule

    rule = _load_rulebook(rulebooks).rule(rule_key)
    if rule is None:
        click.echo(f"gk-audit: 没有编号或名称为 {rule_key} 的规则（用 gk-audit rules 查看全部）", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(explain_rule(rule), nl=False)


if __name__ == "__main__":
    main()
