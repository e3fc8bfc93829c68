"""The ``gk-audit`` command line: commands only; the work is done in the engine and renderers."""

from __future__ import annotations

import itertools
import os
import sys

import click

from auditor import __version__
from auditor.render import FULL_REPORT_FORMATS, RENDERERS

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
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="lowest severity that makes the exit code 1 [default: the config's fail-on, else error]")
@click.option("--select", multiple=True, help="rule ids, id prefixes, names or categories to run (comma-separated)")
@click.option("--ignore", multiple=True, help="rule ids, id prefixes, names or categories to skip")
@click.option("--year", type=click.IntRange(1990, 2100), help="the report year, overriding detection")
@click.option("--profile", type=click.Choice(("old", "2019", "2021")), help="the format era, overriding detection")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False),
              help="extra YAML rulebook (adds rules, or overrides built-in ones by id)")
@click.option("--quiet", "-q", is_flag=True, help="one line per finding, no code frames")
@click.option("--no-color", is_flag=True, help="no colours (also when NO_COLOR is set or output is piped)")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="use this config file for every input instead of the nearest one")
@click.option("--exclude", multiple=True, help="glob of files not to check when walking folders (repeatable)")
@click.option("--jobs", "-j", type=click.IntRange(1, 512), help="parallel worker processes [default: CPU count]")
@click.option("--statistics", is_flag=True, help="also print counts of findings by rule and by category")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="report only findings not recorded in this baseline file")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="record the current findings in FILE (later runs use it with --baseline)")
@click.option("--baseline-prune", is_flag=True, help="rewrite the --baseline file without its stale entries")
@click.option("--suppressions", "suppressions_path", type=click.Path(dir_okay=False, exists=True),
              help="suppressions file [default: gk-audit-suppressions.yaml next to the config]")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="where extracted PDF/Word/HTML text is cached [default: $GK_AUDIT_CACHE_DIR or "
                   "~/.cache/gk-audit/documents]")
@click.option("--no-cache", is_flag=True, help="extract every file afresh; read and write no cache")
@click.option("--previous", "previous", multiple=True, type=click.Path(dir_okay=False),
              help="last year's report: compare the draft(s) with it (carry-over, stock, copied text)")
def check(paths: tuple[str, ...], output_format: str, output_path: str | None, fail_on: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], year: int | None, profile: str | None,
          rulebooks: tuple[str, ...], quiet: bool, no_color: bool, config_path: str | None,
          exclude: tuple[str, ...], jobs: int | None, statistics: bool, baseline_path: str | None,
          write_baseline: str | None, baseline_prune: bool, suppressions_path: str | None,
          cache_dir: str | None, no_cache: bool, previous: tuple[str, ...]) -> None:
    """Check reports (files, directories, or - for standard input)."""
    _configure_cache(cache_dir, no_cache)
    from auditor.batch import FORMATS_WITHOUT_SOURCE, BatchRequest, repository_root, run_batch
    from auditor.config import CliOverrides, ConfigError
    from auditor.rulebook import RulebookError

    cli = CliOverrides(select=tuple(sorted(_split(select))), ignore=tuple(sorted(_split(ignore))), fail_on=fail_on,
                       profile=profile, year=year, rulebooks=rulebooks, exclude=exclude, config=config_path,
                       suppressions=suppressions_path)
    request = BatchRequest(paths, cli, jobs, keep_source=output_format not in FORMATS_WITHOUT_SOURCE,
                           keep_report=output_format in FULL_REPORT_FORMATS,
                           baseline=baseline_path, write_baseline=write_baseline, prune_baseline=baseline_prune,
                           progress=True, root=repository_root(), previous=previous)
    try:
        outcome = run_batch(request, stdin=sys.stdin.buffer.read)
    except (ConfigError, RulebookError) as error:
        click.echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if not outcome.results:
        click.echo("gk-audit: 没有找到可检查的文件（支持 .txt、.md 等）", err=True)
        sys.exit(EXIT_USAGE)
    _emit_outcome(outcome, request, output_format, output_path, quiet, no_color, statistics)


def _configure_cache(cache_dir: str | None, no_cache: bool) -> None:
    """The document cache is configured through the environment, so worker processes inherit it."""
    from auditor.readers.cache import ENVIRONMENT_VARIABLE, default_directory

    if no_cache:
        os.environ[ENVIRONMENT_VARIABLE] = ""
    elif cache_dir:
        os.environ[ENVIRONMENT_VARIABLE] = cache_dir
    elif ENVIRONMENT_VARIABLE not in os.environ:
        os.environ[ENVIRONMENT_VARIABLE] = str(default_directory())


def _emit_outcome(outcome, request, output_format: str, output_path: str | None,  # type: ignore[no-untyped-def]
                  quiet: bool, no_color: bool, statistics: bool) -> None:
    from auditor.batch import finish_texts
    from auditor.diagnostics import Severity
    from auditor.engine import worst
    from auditor.paths import write_atomic
    from auditor.render import RenderContext, render_chunks

    context = RenderContext(color=output_path is None and _use_color(no_color), quiet=quiet,
                            root=request.root, rulebook=outcome.rulebook, extra=outcome.render_extra())
    texts = finish_texts(outcome, output_format, context, statistics, request.baseline)
    chunks = render_chunks(output_format, outcome.results, context)
    if output_format == "text":
        chunks = itertools.chain(chunks, [texts.to_output])
    if output_path:
        write_atomic(output_path, chunks)
    else:
        sys.stdout.writelines(chunks)
    if texts.to_stderr:
        click.echo(texts.to_stderr, err=True, nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if texts.step_summary and summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(texts.step_summary)
    if outcome.all_unreadable:
        sys.exit(EXIT_USAGE)
    worst_found = worst(outcome.results)
    if outcome.fail_on != "never" and worst_found is not None and worst_found >= Severity.parse(outcome.fail_on):
        sys.exit(EXIT_FINDINGS)


@main.command("config")
@click.argument("path", default=".")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="show this config file's settings instead of the nearest one")
def config_command(path: str, config_path: str | None) -> None:
    """Show the effective configuration for PATH and where each value came from."""
    from auditor.config import CliOverrides, ConfigError, describe

    try:
        click.echo(describe(path, CliOverrides(config=config_path)), nl=False)
    except ConfigError as error:
        click.echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)


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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (loopback by default: nothing is reachable from other machines)")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="do not open the page in the web browser")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
def serve(host: str, port: int, no_browser: bool, rulebooks: tuple[str, ...]) -> None:
    """Open a local web page to check a draft report by drag and drop (nothing leaves this machine)."""
    try:
        from auditor.server import serve as run_server
    except ImportError as error:
        click.echo(f"gk-audit: serve 需要额外的依赖（{error.name}）：pip install 'gk-audit[serve]'", err=True)
        sys.exit(EXIT_USAGE)
    rulebook = _load_rulebook(rulebooks)
    click.echo(f"gk-audit: 检查页面已启动：http://{host}:{port}/（按 Ctrl+C 停止）", err=True)
    run_server(rulebook, host, port, open_browser=not no_browser)


if __name__ == "__main__":
    main()
