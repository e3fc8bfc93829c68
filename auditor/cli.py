"""The ``gk-audit`` command line: commands only; the work is done in the engine and renderers.

``check`` runs auditor/checkrun.py; the console script's quick front end (auditor/entry.py) runs
common ``check`` command lines itself without importing click, and this module for everything else."""

from __future__ import annotations

import sys

import click

from auditor import __version__
from auditor.checkrun import (  # the exit codes are also read from here by tests and callers
    EXIT_FINDINGS,  # noqa: F401
    EXIT_INTERNAL,  # noqa: F401
    EXIT_USAGE,
    FAIL_ON,
    PROFILES,
    fail,
    run_check,
)
from auditor.render import RENDERERS

FORMATS = tuple(RENDERERS)


def _load_rulebook(extra: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from auditor.rulebook import RulebookError, load_rulebook

    try:
        return load_rulebook(extra)
    except RulebookError as error:
        click.echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)


class _Main(click.Group):
    """The command group; an unexpected exception is an internal error with its own exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # SystemExit and KeyboardInterrupt are not Exceptions: they pass
            fail(error, click.echo)
            raise  # not reached: fail exits


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="退出码: 0 没有达到 --fail-on 的问题; 1 发现问题; 2 用法、配置、规则库、输入或输出错误; 3 内部错误")
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
@click.option("--profile", type=click.Choice(PROFILES), help="the format era, overriding detection")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False),
              help="extra YAML rulebook (adds rules, or overrides built-in ones by id)")
@click.option("--quiet", "-q", is_flag=True, help="one line per finding, no code frames")
@click.option("--no-color", is_flag=True, help="no colours (also when NO_COLOR is set or output is piped)")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="use this config file for every input instead of the nearest one")
@click.option("--exclude", multiple=True, help="glob of files not to check when walking folders (repeatable)")
@click.option("--jobs", "-j", type=click.IntRange(1, 512), help="parallel worker processes [default: free cores]")
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
@click.option("--docs-url", envvar="GK_AUDIT_DOCS_URL",
              help="where the rule reference of `gk-audit docs` is published (SARIF helpUri) [env: GK_AUDIT_DOCS_URL]")
@click.option("--max-file-size", type=click.FloatRange(0), metavar="MB",
              help="refuse files larger than this many MB (0: no limit) [default: 100]")
@click.option("--time-budget", type=click.FloatRange(0), metavar="SECONDS",
              help="stop checking a file after this many seconds (0: no limit) [default: 180]")
@click.option("--stdin-filename", help="the file name standard input (-) stands for: shown in findings, and its "
                                       "extension and folder choose the reader and the config")
@click.option("--previous", "previous", multiple=True, type=click.Path(dir_okay=False),
              help="last year's report: compare the draft(s) with it (carry-over, stock, copied text)")
def check(paths: tuple[str, ...], output_format: str, output_path: str | None, fail_on: str | None,
          select: tuple[str, ...], ignore: tuple[str, ...], year: int | None, profile: str | None,
          rulebooks: tuple[str, ...], quiet: bool, no_color: bool, config_path: str | None,
          exclude: tuple[str, ...], jobs: int | None, statistics: bool, baseline_path: str | None,
          write_baseline: str | None, baseline_prune: bool, suppressions_path: str | None,
          cache_dir: str | None, no_cache: bool, docs_url: str | None, max_file_size: float | None,
          time_budget: float | None, stdin_filename: str | None, previous: tuple[str, ...]) -> None:
    """Check reports (files, directories, or - for standard input)."""
    run_check(click.echo, paths, output_format, output_path, fail_on, select, ignore, year, profile, rulebooks, quiet,
              no_color, config_path, exclude, jobs, statistics, baseline_path, write_baseline, baseline_prune,
              suppressions_path, cache_dir, no_cache, docs_url, max_file_size, time_budget, stdin_filename, previous)


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
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules(rulebooks: tuple[str, ...], output_format: str) -> None:
    """List every rule: id, name, category, severity, eras, title."""
    from auditor.rules_listing import rules_json, rules_table

    rulebook = _load_rulebook(rulebooks)
    click.echo(rules_json(rulebook) if output_format == "json" else rules_table(rulebook), nl=False)


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


@main.command("tables")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--year", type=int, help="report year (default: read from the report)")
@click.option("--profile", type=click.Choice(["old", "2019", "2021"]), help="format era (default: from the year)")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
def tables_command(paths: tuple[str, ...], output_format: str, year: int | None, profile: str | None,
                   rulebooks: tuple[str, ...]) -> None:
    """Print every table as read: labels, each cell's value, class and where it is in the file."""
    from auditor.engine import Options
    from auditor.render.tables import TABLE_RENDERERS
    from auditor.tables_view import read_tables_of

    rulebook = _load_rulebook(rulebooks)
    views = [read_tables_of(path, rulebook, Options(year=year, profile=profile)) for path in paths]
    click.echo(TABLE_RENDERERS[output_format](views), nl=False)
    if all(view.error for view in views):
        sys.exit(EXIT_USAGE)


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
def docs(outdir: str, rulebooks: tuple[str, ...]) -> None:
    """Write the rule reference (one HTML page per rule and an index) into OUTDIR."""
    from pathlib import Path

    from auditor.docs import write_docs

    try:
        written = write_docs(_load_rulebook(rulebooks), Path(outdir))
    except OSError as error:
        click.echo(f"gk-audit: 无法写入 {outdir}（{error.strerror or error}）", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"gk-audit: 已写入 {len(written)} 个页面：{Path(outdir) / 'index.html'}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (loopback by default: nothing is reachable from other machines)")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="do not open the page in the web browser")
@click.option("--rulebook", "rulebooks", multiple=True, type=click.Path(dir_okay=False))
@click.option("--watch", "watch_path", type=click.Path(exists=True, dir_okay=False),
              help="check FILE whenever it is saved; the open page shows each new result by itself")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="checks run at the same time, each in its own worker process")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=120, show_default=True,
              help="seconds a check may take before it is stopped")
@click.option("--memory", "memory_mb", type=click.IntRange(128, 65536), default=2048, show_default=True,
              help="MB of memory a check may use before it is stopped (not enforced on Windows)")
def serve(host: str, port: int, no_browser: bool, rulebooks: tuple[str, ...], watch_path: str | None,
          jobs: int, timeout: float, memory_mb: int) -> None:
    """Open a local web page to check a draft report by drag and drop (nothing leaves this machine)."""
    try:
        from auditor import server
        from auditor.serve_pool import Limits
    except ImportError as error:
        click.echo(f"gk-audit: serve 需要额外的依赖（{error.name}）：pip install 'gk-audit[serve]'", err=True)
        sys.exit(EXIT_USAGE)
    from pathlib import Path

    rulebook = _load_rulebook(rulebooks)
    settings = server.ServeSettings(host, port, Limits(jobs, timeout, memory_mb),
                                    Path(watch_path).resolve() if watch_path else None)

    def announce(url: str) -> None:
        watching = f"，正在监视 {watch_path}" if watch_path else ""
        click.echo(f"gk-audit: 检查页面已启动：{url}{watching}（按 Ctrl+C 停止）", err=True)

    try:
        server.serve(rulebook, settings, open_browser=not no_browser, announce=announce)
    except server.ServeError as error:
        click.echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":
    main()
