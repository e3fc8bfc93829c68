"""What ``gk-audit check`` does once its options are read, and how a failed command ends.

Shared by the click command line (auditor/cli.py) and the quick front end of the console script
(auditor/entry.py), which runs common ``check`` command lines without importing click: neither
module imports click, and every message goes through the ``echo`` the caller passes (``click.echo``
from the click command, ``auditor.entry.plain_echo`` from the front end), so the two print the same.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

FAIL_ON = ("error", "warning", "info", "never")
PROFILES = ("old", "2019", "2021")
# 0: no finding at or above --fail-on; 1: findings; 2: usage, config, rulebook, input or output error;
# 3: an internal error of gk-audit (a bug: please report it)
EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3

Echo = Callable[..., None]  # click.echo's signature: echo(message, err=False, nl=True)


def fail(error: BaseException, echo: Echo) -> None:
    """End a command that raised ``error`` (not SystemExit or KeyboardInterrupt): a closed output
    pipe (``| head``) ends it quietly with EXIT_USAGE; anything else is an internal error (EXIT_INTERNAL)."""
    if isinstance(error, BrokenPipeError):  # the reader of our output went away: nothing more to say
        sys.stderr.close()
        sys.exit(EXIT_USAGE)
    import traceback

    traceback.print_exception(error, file=sys.stderr)
    echo(f"gk-audit: 内部错误（{type(error).__name__}: {error}）。这是 gk-audit 的缺陷，"
         "请把上面的信息和出错的文件一起报告给维护者。", err=True)
    sys.exit(EXIT_INTERNAL)


def split_keys(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(item.strip() for value in values for item in value.split(",") if item.strip())


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def run_check(echo: Echo, paths: tuple[str, ...], output_format: str, output_path: str | None, fail_on: str | None,
              select: tuple[str, ...], ignore: tuple[str, ...], year: int | None, profile: str | None,
              rulebooks: tuple[str, ...], quiet: bool, no_color: bool, config_path: str | None,
              exclude: tuple[str, ...], jobs: int | None, statistics: bool, baseline_path: str | None,
              write_baseline: str | None, baseline_prune: bool, suppressions_path: str | None,
              cache_dir: str | None, no_cache: bool, docs_url: str | None, max_file_size: float | None,
              time_budget: float | None, stdin_filename: str | None, previous: tuple[str, ...]) -> None:
    """Check reports (files, directories, or - for standard input); ends with ``sys.exit`` unless
    the exit code is 0. The parameters are the options of ``gk-audit check`` (auditor/cli.py)."""
    _configure_cache(cache_dir, no_cache)
    _configure_limits(max_file_size, time_budget)
    _refuse_inputs_as_outputs(echo, paths, output_path, write_baseline)
    from auditor.batch import (
        FORMATS_WITH_FINGERPRINTS,
        FORMATS_WITHOUT_SOURCE,
        BatchRequest,
        repository_root,
        run_batch,
    )
    from auditor.config import CliOverrides, ConfigError
    from auditor.render import FULL_REPORT_FORMATS
    from auditor.rulebook import RulebookError

    cli = CliOverrides(select=tuple(sorted(split_keys(select))), ignore=tuple(sorted(split_keys(ignore))),
                       fail_on=fail_on, profile=profile, year=year, rulebooks=rulebooks, exclude=exclude,
                       config=config_path, suppressions=suppressions_path)
    request = BatchRequest(paths, cli, jobs, keep_source=output_format not in FORMATS_WITHOUT_SOURCE,
                           keep_report=output_format in FULL_REPORT_FORMATS,
                           baseline=baseline_path, write_baseline=write_baseline, prune_baseline=baseline_prune,
                           progress=True, root=repository_root(), stdin_name=stdin_filename,
                           previous=previous, fingerprints=output_format in FORMATS_WITH_FINGERPRINTS)
    from auditor.paths import OutputError

    try:
        outcome = run_batch(request, stdin=_read_stdin)
    except (ConfigError, RulebookError, OutputError) as error:
        echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if not outcome.results:
        echo("gk-audit: 没有找到可检查的文件（支持 .txt、.md 等）", err=True)
        sys.exit(EXIT_USAGE)
    _emit_outcome(echo, outcome, request, output_format, output_path, quiet, no_color, statistics, docs_url)


def _refuse_inputs_as_outputs(echo: Echo, paths: tuple[str, ...], output_path: str | None,
                              write_baseline: str | None) -> None:
    if output_path is None and write_baseline is None:
        return
    from auditor.paths import OutputError, expand_inputs, refuse_input_as_output

    inputs = list(expand_inputs(paths))
    try:
        refuse_input_as_output("-o/--output", output_path, inputs)
        refuse_input_as_output("--write-baseline", write_baseline, inputs)
    except OutputError as error:
        echo(f"gk-audit: {error}", err=True)
        sys.exit(EXIT_USAGE)


def _configure_cache(cache_dir: str | None, no_cache: bool) -> None:
    """The document cache is configured through the environment, so worker processes inherit it."""
    from auditor.machinecache import DOCUMENTS_DIRECTORY, ENVIRONMENT_VARIABLE  # not readers.cache: only
    # a PDF, Word or HTML file needs that module

    if no_cache:
        os.environ[ENVIRONMENT_VARIABLE] = ""
    elif cache_dir:
        os.environ[ENVIRONMENT_VARIABLE] = cache_dir
    elif ENVIRONMENT_VARIABLE not in os.environ:
        os.environ[ENVIRONMENT_VARIABLE] = os.path.expanduser(DOCUMENTS_DIRECTORY)


def _read_stdin() -> bytes:
    """Standard input, at most one byte past the size limit (the check then reports it too large)."""
    from auditor.readers.limits import max_file_size

    limit = max_file_size()
    return sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()


def _configure_limits(max_file_size: float | None, time_budget: float | None) -> None:
    """Limits, like the cache, go through the environment so that worker processes inherit them."""
    if max_file_size is None and time_budget is None:
        return
    from auditor.readers.limits import MB, SIZE_VARIABLE, TIME_VARIABLE

    if max_file_size is not None:
        os.environ[SIZE_VARIABLE] = str(int(max_file_size * MB))
    if time_budget is not None:
        os.environ[TIME_VARIABLE] = str(time_budget)


def _emit_outcome(echo: Echo, outcome: Any, request: Any, output_format: str, output_path: str | None,
                  quiet: bool, no_color: bool, statistics: bool, docs_url: str | None = None) -> None:
    from auditor.batch import finish_texts
    from auditor.diagnostics import Severity
    from auditor.paths import OutputError, write_atomic
    from auditor.render import RenderContext, render_chunks

    context = RenderContext(color=output_path is None and use_color(no_color), quiet=quiet,
                            root=request.root, rulebook=outcome.rulebook, extra=outcome.render_extra(),
                            docs_url=docs_url)
    texts = finish_texts(outcome, output_format, context, statistics, request.baseline)
    chunks = render_chunks(output_format, outcome.results, context)
    if output_format == "text":
        chunks = itertools.chain(chunks, [texts.to_output])
    if output_path:
        try:
            write_atomic(output_path, chunks)
        except OutputError as error:
            echo(f"gk-audit: {error}", err=True)
            sys.exit(EXIT_USAGE)
    else:
        sys.stdout.writelines(chunks)
    if texts.to_stderr:
        echo(texts.to_stderr, err=True, nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if texts.step_summary and summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(texts.step_summary)
    if outcome.internal_error:
        sys.exit(EXIT_INTERNAL)
    if outcome.all_unreadable:
        sys.exit(EXIT_USAGE)
    worst_found = outcome.worst
    if outcome.fail_on != "never" and worst_found is not None and worst_found >= Severity.parse(outcome.fail_on):
        sys.exit(EXIT_FINDINGS)
