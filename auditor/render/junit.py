"""The JUnit XML renderer: a ``<testsuite>`` per file, a ``<testcase>`` per rule that ran on it.

A rule with findings is a failed test case whose ``<failure>`` lists them (``line:column message``);
an unreadable file is an ``<error>``. CI systems that read JUnit (GitLab, Jenkins, Azure) then show
which requirements each report meets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from xml.etree import ElementTree

from auditor.diagnostics import Diagnostic
from auditor.engine import FileResult
from auditor.render import RenderContext, each_file
from auditor.render.machine import relative_path, rules_run
from auditor.render.place import file_position


def _suite(result: FileResult, context: RenderContext) -> ElementTree.Element:
    path = relative_path(result.path, context.root)
    found: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        found.setdefault(diagnostic.rule, []).append(diagnostic)
    cases = [(rule.id, rule.name) for rule in rules_run(result, context)]
    cases += [(rule_id, items[0].name) for rule_id, items in found.items() if rule_id not in dict(cases)]
    suite = ElementTree.Element("testsuite", name=path, tests=str(len(cases)), errors="0",
                                failures=str(sum(1 for rule_id, _ in cases if rule_id in found)), skipped="0")
    for rule_id, name in cases:
        case = ElementTree.SubElement(suite, "testcase", name=f"{rule_id} {name}", classname=path, file=path)
        items = found.get(rule_id)
        if not items:
            continue
        tag = "error" if result.read_error is not None else "failure"
        outcome = ElementTree.SubElement(case, tag, type=items[0].severity.label,
                                         message=f"{len(items)} 处：{items[0].message}")
        outcome.text = "\n".join(f"{file_position(path, item)}: {item.severity.label}[{item.rule}] {item.message}"
                                 for item in items)
        if tag == "error":
            suite.set("errors", str(int(suite.get("errors", "0")) + 1))
            suite.set("failures", str(int(suite.get("failures", "0")) - 1))
    return suite


_TOTALS = ("tests", "failures", "errors")


def _suite_text(result: FileResult, context: RenderContext) -> tuple[str, tuple[int, ...]]:
    """One file's ``testsuite`` element as it is written inside the indented document, and its counts."""
    suite = _suite(result, context)
    ElementTree.indent(suite, level=1)
    return ElementTree.tostring(suite, encoding="unicode"), tuple(int(suite.get(name, "0")) for name in _TOTALS)


def stream_junit(results: Iterable[FileResult], context: RenderContext = RenderContext()) -> Iterator[str]:
    """The JUnit XML as ``render_junit`` wrote it whole: the suites go to a spooled temporary file
    as the files go by, then the document is written with the totals its root element carries."""
    import tempfile

    totals = [0, 0, 0]
    with tempfile.SpooledTemporaryFile(max_size=1 << 22, mode="w+", encoding="utf-8",
                                       errors="surrogatepass") as spool:
        for _, (text, counts) in each_file(results, context, _suite_text):
            spool.write("\n  " + text)
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
        root = ElementTree.Element("testsuites", name="gk-audit")
        for name, total in zip(_TOTALS, totals, strict=True):
            root.set(name, str(total))
        if not spool.tell():
            yield '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
            return
        root.text = _MARK
        head, _, tail = ElementTree.tostring(root, encoding="unicode").partition(_MARK)
        yield '<?xml version="1.0" encoding="UTF-8"?>\n' + head
        spool.seek(0)
        while chunk := spool.read(1 << 16):
            yield chunk
        yield "\n" + tail + "\n"


_MARK = "@@suites@@"


def render_junit(results: Sequence[FileResult], context: RenderContext = RenderContext()) -> str:
    return "".join(stream_junit(results, context))
