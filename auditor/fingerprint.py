"""Stable fingerprints of findings: they survive lines being inserted or removed above them.

A fingerprint hashes the rule id, the normalised text of the primary span and the normalised text
of the source line(s) holding it (its neighbourhood); never a line number. Identical findings in one
file get an occurrence index (``…:0``, ``…:1``) so each stays distinct. SARIF
``partialFingerprints``, GitLab ``fingerprint`` and baseline entries all use these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from auditor import regexcache
from auditor.diagnostics import Diagnostic
from auditor.machinecache import sha256  # hashlib's SHA-256 without importing OpenSSL

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from auditor.engine import FileResult

_BLANKS = regexcache.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return _BLANKS.sub(" ", text).strip()


def span_texts(source_lines: Sequence[str], diagnostic: Diagnostic,
               neighbourhoods: dict[tuple[int, int], str] | None = None) -> tuple[str, str]:
    """(text of the primary span, text of the lines holding it), both normalised. ``neighbourhoods``
    keeps each line range's normalised text, so many findings on one long line normalise it once."""
    span = diagnostic.span
    if span is None or not 1 <= span.start.line <= len(source_lines):
        return "", normalise(diagnostic.message)
    last_line = min(max(span.end.line, span.start.line), len(source_lines))
    lines = list(source_lines[span.start.line - 1 : last_line])
    cache = neighbourhoods if neighbourhoods is not None else {}
    key = (span.start.line, last_line)
    if key not in cache:
        cache[key] = normalise("\n".join(lines))
    neighbourhood = cache[key]
    if len(lines) == 1:
        text = lines[0][span.start.column - 1 : max(span.end.column - 1, span.start.column - 1)]
    else:
        lines[-1] = lines[-1][: span.end.column - 1]
        lines[0] = lines[0][span.start.column - 1 :]
        text = "\n".join(lines)
    return normalise(text), neighbourhood


def fingerprint_of(rule: str, text: str, neighbourhood: str) -> str:
    digest = sha256(f"{rule}\x00{text}\x00{neighbourhood}".encode()).hexdigest()
    return digest[:20]


def fingerprints(source_lines: Sequence[str], diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One fingerprint per diagnostic, in order, with an occurrence index for duplicates."""
    return with_occurrences(base_fingerprints(source_lines, diagnostics))


def base_fingerprints(source_lines: Sequence[str], diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The fingerprints of ``diagnostics`` without their occurrence index (each on its own)."""
    neighbourhoods: dict[tuple[int, int], str] = {}
    return [fingerprint_of(diagnostic.rule, *span_texts(source_lines, diagnostic, neighbourhoods))
            for diagnostic in diagnostics]


def with_occurrences(bases: Sequence[str]) -> list[str]:
    """``base:N``: the Nth (from 0) of the identical findings in a file's list, in order."""
    seen: Counter[str] = Counter()
    found: list[str] = []
    for base in bases:
        found.append(f"{base}:{seen[base]}")
        seen[base] += 1
    return found


def result_fingerprints(result: FileResult) -> list[str]:
    """The fingerprints of a result's diagnostics (precomputed by batch workers when present)."""
    precomputed: list[str] | None = getattr(result, "fingerprints", None)
    if precomputed is not None and len(precomputed) == len(result.diagnostics):
        return precomputed
    source_lines = result.report.document.source_lines() if result.report is not None else []
    return fingerprints(source_lines, result.diagnostics)
