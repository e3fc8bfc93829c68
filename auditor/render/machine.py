"""Helpers shared by the machine-readable renderers (SARIF, GitHub, GitLab, JUnit, JSON Lines)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from auditor.diagnostics import Diagnostic

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from auditor.engine import FileResult
    from auditor.render import RenderContext
    from auditor.rulebook import Rule


def relative_path(path: str, root: str | os.PathLike[str] | None) -> str:
    """``path`` as a POSIX path relative to ``root`` when it lies inside it, else as given; a byte
    of a file name that is not UTF-8 is written ``\\xff`` (output is UTF-8 and cannot hold it)."""
    return _encodable(_relative(path, root))


def _relative(path: str, root: str | os.PathLike[str] | None) -> str:
    """What ``Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()`` gives
    (``PurePath(path).as_posix()`` without a root), with os.path: importing pathlib (with the
    urllib.parse and ipaddress it pulls in) is some 6% of a cold one-report check (issue 12)."""
    if path.startswith("<") or root is None:
        return _as_posix(path)
    absolute = os.path.abspath(path)
    base = os.path.realpath(root)
    if absolute == base:
        return "."
    inside = base if base.endswith(os.sep) else base + os.sep
    return _as_posix(absolute[len(inside):] if absolute.startswith(inside) else absolute)


def _as_posix(path: str) -> str:
    """``PurePath(path).as_posix()``: a path already in its normal form (no empty or ``.`` parts, the
    usual case) as it is, any other through pathlib."""
    if os.sep == "/" and path:
        parts = path.split("/")
        if all(part not in ("", ".") for part in (parts[1:] if path.startswith("/") else parts)):
            return path
    from pathlib import PurePath

    return PurePath(path).as_posix()


def _encodable(path: str) -> str:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace") if _fs_round_trips(path) else \
            path.encode("utf-8", "backslashreplace").decode("utf-8")
    return path


def _fs_round_trips(path: str) -> bool:
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        return False
    return True


def by_severity(results: Sequence[FileResult]) -> list[tuple[FileResult, Diagnostic]]:
    """Every (result, diagnostic) pair, most severe first, input order otherwise (a stable sort)."""
    pairs = [(result, diagnostic) for result in results for diagnostic in result.diagnostics]
    return sorted(pairs, key=lambda pair: -pair[1].severity)


def rules_run(result: FileResult, context: RenderContext) -> list[Rule]:
    """The rules that ran on a file: recorded by the batch runner, else those that apply to it."""
    if context.rulebook is None:
        return []
    recorded: Sequence[str] | None = getattr(result, "rules_run", None)
    if recorded is not None:
        wanted = set(recorded)
        return [rule for rule in context.rulebook.rules if rule.id in wanted]
    if result.read_error is not None:
        return [rule for rule in context.rulebook.rules if rule.kind == "read_error"]
    return [rule for rule in context.rulebook.rules
            if rule.kind != "read_error" and rule.applies(result.era, result.year)]
