"""Check kinds: one module per kind, registered here by name.

Each kind module has a docstring that documents its YAML parameters (shown by ``gk-audit explain``),
and defines::

    KIND = "pattern"                      # the name rules use in ``kind:``
    PARAMS_SCHEMA = {...}                 # JSON Schema (properties/required) of the kind's parameters
    def prepare(params) -> Any            # optional: compile regexes once; raise ParamError(path, why)
    def check(rule, report) -> Iterator[Diagnostic]

A check never prints and never opens files: it reads the Report and yields Diagnostics, built
with ``emit`` so that message templates, severity by era, help and basis come from the rulebook.

Series kinds (``SCOPE = "series"``: series_link, cross_report, copied_text, region_sum) compare
reports across years: instead of ``check`` they define ``check_pair(rule, pair)`` (or
``check_region(rule, case)``) over the per-report summaries of ``auditor/series.py``, which runs them
after a batch; the engine skips them on single reports.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType

from auditor.diagnostics import Diagnostic, Label, Severity
from auditor.document import Span
from auditor.rulebook import ParamError, Rule, spec_is_bounded

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any

KINDS: dict[str, str] = {
    "pattern": "auditor.checks.pattern",
    "sequence": "auditor.checks.sequence",
    "date": "auditor.checks.date",
    "truncation": "auditor.checks.truncation",
    "script": "auditor.checks.script",
    "required_section": "auditor.checks.required_section",
    "title": "auditor.checks.title",
    "read_error": "auditor.checks.read_error",
    "table_structure": "auditor.checks.table_structure",
    "cell_values": "auditor.checks.cell_values",
    "superseded_labels": "auditor.checks.superseded_labels",
    "no_text_layer": "auditor.checks.no_text_layer",
    "mojibake": "auditor.checks.mojibake",
    "unused_suppression": "auditor.checks.unused_suppression",
    "identity": "auditor.checks.identity",
    "narrative": "auditor.checks.narrative",
    "breakdown": "auditor.checks.breakdown",
    "percentage": "auditor.checks.percentage",
    "table_parts": "auditor.checks.table_parts",
    "rate_claim": "auditor.checks.rate_claim",
    "section_body": "auditor.checks.section_body",
    "internal_error": "auditor.checks.internal_error",
    "too_slow": "auditor.checks.too_slow",
    # series kinds (SCOPE = "series"): run by auditor/series.py on pairs of reports, after the batch
    "series_link": "auditor.checks.series_link",
    "cross_report": "auditor.checks.cross_report",
    "copied_text": "auditor.checks.copied_text",
    "region_sum": "auditor.checks.region_sum",
}


# the series kinds above (their modules say SCOPE = "series"; tests/test_cold_start.py checks the two
# agree): the engine skips them on single reports without importing their modules
SERIES_KINDS = frozenset({"series_link", "cross_report", "copied_text", "region_sum"})
# the kinds whose modules say SCOPE = "engine": their findings come from the engine or the batch (a
# file that cannot be read, fails, runs out of time, or an unused suppression), never from a
# Report's check, so the engine does not import their modules to ask
ENGINE_KINDS = frozenset({"internal_error", "no_text_layer", "too_slow", "unused_suppression"})


def kind_module(kind: str) -> ModuleType:
    # called for every rule on every report: an imported module comes straight from sys.modules
    name = KINDS[kind]
    module = sys.modules.get(name)
    return module if module is not None else importlib.import_module(name)


class _Template(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@functools.cache
def _named_fields_only() -> Any:
    """The formatter for templates with more than plain fields (rare): ``string`` is imported only
    then, its import compiling ``string.Template``'s pattern (some 2 M instructions of a start)."""
    import string

    class NamedFieldsOnly(string.Formatter):
        """Plain named fields only: ``{a.b}``, ``{a[0]}`` and ``{0}`` stay as written (no attribute
        walking from a template), and an unbounded width or precision is ignored."""

        def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
            if not field_name.isidentifier():
                return "{" + field_name + "}", field_name
            return kwargs[field_name], field_name

        def format_field(self, value: Any, format_spec: str) -> str:
            return super().format_field(value, format_spec if spec_is_bounded(format_spec) else "")

    return NamedFieldsOnly()


# a template's pieces as ``string.Formatter().parse`` reads them: doubled braces, a plain ``{name}``
# (group 1; an empty format spec after it is no spec), or anything else with a brace (a conversion, a
# format spec, a lone brace)
_TEMPLATE_PIECE = r"\{\{|\}\}|\{([^{}!:]*):?\}|[{}]"


@functools.lru_cache(maxsize=4096)
def _plain_fields(template: str) -> tuple[tuple[str, str | None], ...] | None:
    """The template as (literal text, field name or None) pairs when every field is a plain
    ``{name}`` (no conversion, no format spec, ``{{`` and ``}}`` for literal braces); None when it
    needs the full formatter."""
    from auditor import regexcache

    parts: list[tuple[str, str | None]] = []
    literal: list[str] = []
    position = 0
    for piece in regexcache.compile(_TEMPLATE_PIECE).finditer(template):
        literal.append(template[position:piece.start()])
        position = piece.end()
        text, name = piece.group(), piece.group(1)
        if text in ("{{", "}}"):
            literal.append(text[0])
        elif name is not None and name.isidentifier():
            parts.append(("".join(literal), name))
            literal = []
        else:
            return None
    literal.append(template[position:])
    parts.append(("".join(literal), None))
    return tuple(parts)


def render_template(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` fields; unknown fields stay as written (a rulebook typo stays visible)."""
    parts = _plain_fields(template)
    if parts is not None:  # the usual case, without string.Formatter's machinery per call (same text)
        # a loop rather than a generator of concatenations, and a str value as it is (what
        # format(value, "") gives for one): a diagnostic renders two or three templates
        pieces: list[str] = []
        for literal, name in parts:
            pieces.append(literal)
            if name is None:
                continue
            if name in values:
                value = values[name]
                pieces.append(value if type(value) is str else format(value, ""))
            else:
                pieces.append("{" + name + "}")
        return "".join(pieces)
    try:
        return _named_fields_only().vformat(template, (), _Template(values))
    except (ValueError, IndexError, TypeError):
        return template


def emit(rule: Rule, era: str | None, span: Span | None, values: Mapping[str, Any] | None = None, *,
         labels: Iterable[Label] = (), notes: Iterable[str] = (), severity: Severity | None = None,
         location: dict[str, Any] | None = None) -> Diagnostic:
    """A Diagnostic for ``rule`` with its message and help filled from ``values``."""
    values = values or {}
    return Diagnostic(
        rule=rule.id, name=rule.name, category=rule.category,
        severity=severity if severity is not None else rule.severity_for(era),
        message=render_template(rule.message, values), span=span, title=rule.title,
        labels=tuple(labels), help=render_template(rule.help, values), basis=rule.basis,
        notes=tuple(notes), location=location,
    )


class LazyPattern:
    """A regex of a rule, compiled with ``re.MULTILINE`` on its first use.

    It stands for the ``re.Pattern``: the first attribute asked for (``search``, ``finditer``,
    ``groupindex`` ...) compiles the source and copies the pattern's methods and attributes onto
    the instance, so later calls cost what calls on the compiled pattern cost. A report uses only
    the rules of its era, and many patterns (exceptions, skips) only once something matched, so a
    single-report run compiles a fraction of the rulebook.
    """

    _COPIED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
               "groupindex", "groups", "flags")

    def __init__(self, source: str) -> None:
        self.pattern = source

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in self._COPIED:
            raise AttributeError(name)
        from auditor import regexcache

        compiled = regexcache.compile(self.pattern, re.MULTILINE)
        for attribute in self._COPIED:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[Any, ...]:
        return LazyPattern, (self.pattern,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


_DEFERRED = [False]


@contextlib.contextmanager
def deferred_compiling(defer: bool = True) -> Iterator[None]:
    """Within this block ``compile_patterns`` returns LazyPatterns (for rulebook files that passed
    validation before, whose regexes are known to compile); outside it compiles at once, so a bad
    regex in a new rulebook is reported at load time with its place."""
    before, _DEFERRED[0] = _DEFERRED[0], defer
    try:
        yield
    finally:
        _DEFERRED[0] = before


def compiling_deferred() -> bool:
    """Whether patterns are being compiled for a rulebook file that passed validation before (so
    they are known to compile and to be safe from catastrophic backtracking)."""
    return _DEFERRED[0]


def compile_patterns(sources: Any, path: tuple[str | int, ...]) -> list[Any]:
    """Compile a list of regexes (matched against folded text), naming the bad one on error."""
    from auditor.structure.detection import compile_regex

    items = [(sources, path)] if isinstance(sources, str) else [(source, (*path, index))
                                                                 for index, source in enumerate(sources)]
    if _DEFERRED[0] and all(isinstance(source, str) for source, _ in items):
        return [LazyPattern(source) for source, _ in items]
    return [compile_regex(source, where) for source, where in items]


# what keeps regexes from being joined by ``|``: a back-reference, a named group (two may share a
# name), an inline flag (it would apply to the whole alternation)
_UNJOINABLE = r"\\[1-9]|\(\?P[<=]|\(\?[aiLmsux-]"


def compile_any(sources: list[str], path: tuple[str | int, ...]) -> list[Any]:
    """``compile_patterns(sources, path)``, or a list of one pattern, their alternation, when the
    regexes can be joined: "does one of them match here" is then one search, not one per regex.
    Each regex is compiled on its own first (outside ``deferred_compiling``), so that a bad one is
    reported at its place."""
    from auditor import regexcache

    patterns = compile_patterns(sources, path)
    unjoinable = regexcache.compile(_UNJOINABLE)
    if len(sources) < 2 or any(unjoinable.search(source) for source in sources):
        return patterns
    return compile_patterns("|".join(f"(?:{source})" for source in sources), path)


__all__ = ["KINDS", "SERIES_KINDS", "LazyPattern", "ParamError", "compile_any", "compile_patterns",
           "compiling_deferred", "deferred_compiling", "emit", "kind_module", "render_template"]
