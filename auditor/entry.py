"""The ``gk-audit`` console script: a quick front end for common ``check`` command lines.

Importing click and building the command group (auditor/cli.py) costs a sizeable share of a
one-report check's start. ``main`` reads a ``check`` command line itself when it is made only of
the options below, each written out in full (``--format json``, ``--format=json``, ``-q``, ``-j 2``)
with a value the click command would accept as it is, and runs the check (auditor/checkrun.py)
without importing click. Anything else — another command, ``--help``, ``--version``, an option
not listed, a short option cluster (``-qj2``), ``--``, a value click would have to convert or
refuse, a missing argument, a stream with a misconfigured encoding, shell completion — goes to
the click command line unchanged, so help, error messages and every other command are click's.

For the command lines it reads, the front end does what the click command does: the same options
with the same defaults (the last of a repeated single-value option wins, repeatable options
collect), ``--docs-url`` from ``GK_AUDIT_DOCS_URL``, the same run (``run_check``), messages
printed as ``click.echo`` prints them, the same handling of an internal error, a closed pipe and
Ctrl+C, and the same exit codes. tests/test_entry.py compares the two over a table of command lines.
"""

from __future__ import annotations

import os
import sys

# option -> (parameter of run_check, what its value must be); a value is read only when it is one
# the click option accepts unchanged (a choice as written, a plain decimal number in range)
_VALUED = {
    "--format": ("output_format", "format"),
    "--fail-on": ("fail_on", "fail_on"),
    "--select": ("select", "text"),
    "--ignore": ("ignore", "text"),
    "--year": ("year", (1990, 2100)),
    "--profile": ("profile", "profile"),
    "--jobs": ("jobs", (1, 512)),
    "-j": ("jobs", (1, 512)),
}
_REPEATABLE = frozenset({"select", "ignore"})
_FLAGS = {"--quiet": "quiet", "-q": "quiet", "--no-color": "no_color", "--statistics": "statistics",
          "--no-cache": "no_cache"}


# Garbage collections of the youngest generation every GC_THRESHOLD new container objects instead
# of Python's 700: a start creates some 25,000 (modules, classes, the rulebook) that live to the end,
# and collected them some 40 times over, ~6 ms of a one-report check. Cyclic garbage is still
# collected, after at most this many objects (a few MB), so memory stays flat over a long batch.
GC_THRESHOLD = 50_000


def main(argv: list[str] | None = None) -> None:
    """Run ``gk-audit`` with ``argv`` (default: the process's arguments); ends with ``sys.exit``."""
    import gc

    default_thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *default_thresholds[1:])
    arguments = sys.argv[1:] if argv is None else list(argv)
    options = _quick_check_options(arguments) if _streams_are_plain() else None
    if options is None:
        gc.set_threshold(*default_thresholds)  # other commands (serve runs for hours) as they always ran
        from auditor.cli import main as click_main

        click_main(argv)  # None: click reads the process's arguments itself, as the click command always did
        return
    try:
        code = _run(options)
    finally:
        gc.set_threshold(*default_thresholds)  # for a caller in the same process (tests)
    sys.exit(code)


def _streams_are_plain() -> bool:
    """Whether click.echo would write to stdout and stderr as they are: it rewraps a stream whose
    encoding is ASCII or missing (misconfigured, in click's words) when it has a binary buffer
    under it; and no shell completion is asked for (``_GK_AUDIT_COMPLETE``, handled by click)."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            return False
        try:
            ascii_only = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii"
        except LookupError:
            ascii_only = False
        if ascii_only and getattr(stream, "buffer", None) is not None:
            return False
    return not any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _quick_check_options(arguments: list[str]) -> dict[str, object] | None:
    """The keyword arguments of ``run_check`` for a ``check`` command line the front end reads
    whole, or None (click's command line then reads it)."""
    if not arguments or arguments[0] != "check":
        return None
    options: dict[str, object] = {"select": [], "ignore": []}
    paths: list[str] = []
    rest = arguments[1:]
    index = 0
    while index < len(rest):
        argument = rest[index]
        index += 1
        if argument == "-" or not argument.startswith("-"):
            paths.append(argument)
            continue
        name, equals, value = argument.partition("=") if argument.startswith("--") else (argument, "", "")
        if name in _FLAGS and not equals:
            options[_FLAGS[name]] = True
            continue
        if name not in _VALUED:
            return None
        if not equals:
            if index >= len(rest):
                return None
            value = rest[index]
            index += 1
        parameter, accepted = _VALUED[name]
        read = _value(value, accepted)
        if read is None:
            return None
        if parameter in _REPEATABLE:
            options[parameter].append(read)  # type: ignore[attr-defined]
        else:
            options[parameter] = read
    if not paths:
        return None
    return _with_defaults(options, paths)


def _value(value: str, accepted: object) -> object | None:
    """``value`` as the click option would pass it on, or None when click has to judge it (an
    unknown choice, a number written otherwise than in plain ASCII digits, a value like an option)."""
    if value.startswith("-") or not value:
        return None
    if isinstance(accepted, tuple):
        low, high = accepted
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            return None
        return int(value)
    if accepted == "text":
        return value
    from auditor.checkrun import FAIL_ON, PROFILES

    if accepted == "format":
        from auditor.render import RENDERERS

        choices: tuple[str, ...] = tuple(RENDERERS)
    else:
        choices = FAIL_ON if accepted == "fail_on" else PROFILES
    return value if value in choices else None


def _with_defaults(options: dict[str, object], paths: list[str]) -> dict[str, object]:
    """Every parameter of ``run_check``, as the click command passes it when the option is absent."""
    return {
        "paths": tuple(paths), "output_format": options.get("output_format", "text"), "output_path": None,
        "fail_on": options.get("fail_on"), "select": tuple(options["select"]),  # type: ignore[call-overload]
        "ignore": tuple(options["ignore"]),  # type: ignore[call-overload]
        "year": options.get("year"), "profile": options.get("profile"), "rulebooks": (),
        "quiet": options.get("quiet", False), "no_color": options.get("no_color", False), "config_path": None,
        "exclude": (), "jobs": options.get("jobs"), "statistics": options.get("statistics", False),
        "baseline_path": None, "write_baseline": None, "baseline_prune": False, "suppressions_path": None,
        "cache_dir": None, "no_cache": options.get("no_cache", False),
        "docs_url": os.environ.get("GK_AUDIT_DOCS_URL") or None, "max_file_size": None, "time_budget": None,
        "stdin_filename": None, "previous": (),
    }


def _run(options: dict[str, object]) -> int:
    """The check, ended as click's command line ends it: 0 when it returns; SystemExit passes;
    Ctrl+C prints a blank line and "Aborted!" and gives 1; any other exception is ``fail``'s."""
    from auditor.checkrun import fail, run_check

    try:
        run_check(plain_echo, **options)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        plain_echo("", err=True)
        plain_echo("Aborted!", err=True)
        return 1
    except Exception as error:
        fail(error, plain_echo)
    return 0


def plain_echo(message: str = "", err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for text on a plain stream: the message and a newline, ANSI styles removed
    when the stream is not a terminal, then a flush."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    text = message + "\n" if nl else message
    if not text:
        stream.flush()
        return
    if "\033" in text and not _is_terminal(stream):
        import re

        text = re.sub(r"\033\[[0-?]*[ -/]*[@-~]", "", text)  # click's own pattern of a style code
    stream.write(text)
    stream.flush()


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except Exception:
        return False
