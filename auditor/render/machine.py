"""Helpers shared by the machine-readable renderers (SARIF, GitHub, GitLab, JUnit, JSON Lines)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePath

from auditor.diagnostics import Diagnostic

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from auditor.engine import FileResult
    from auditor.render import RenderContext
    from auditor.rulebook import Rule


def relative_path(path: str, root: Path | None) -> str:
    """``path`` as a POSIX path relative to ``root`` when it lies inside it, else as given; a byte
    of a file name that is not UTF-8 is written ``\\xff`` (output is UTF-8 and cannot hold it)."""
    return _encodable(_relative(path, root))


def _relative(path: str, root: Path | None) -> str:
    if path.startswith("<") or root is None:
        return PurePath(path).as_posix()
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


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
