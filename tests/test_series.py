"""Cross-report checks over series of reports (issue 13): .txt and .docx series, planted breaks found
with a span in each report, "not checkable" instead of silence, --previous, the series outputs."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from seriesgen import APPLICANTS, report_text, series_values, write_docx

from auditor.batch import BatchRequest, run_batch
from auditor.config import CliOverrides
from auditor.diagnostics import Diagnostic
from auditor.engine import FileResult
from auditor.render import RenderContext, render
from auditor.rulebook import load_rulebook
from auditor.series import ReportSummary, pair_series

YEARS = [2021, 2022, 2023]
CROSS = ("GK950", "GK951", "GK952", "GK953", "GK954", "GK955", "GK956")


def _write(folder: Path, texts: dict[int, str], form: str) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for year, text in texts.items():
        target = folder / f"report-{year}.{form}"
        if form == "docx":
            write_docx(text, target)
        else:
            target.write_text(text, encoding="utf-8")
        paths[year] = target
    return paths


def _texts(values: list, form: str, copied: dict[int, int] | None = None) -> dict[int, str]:
    layout = "markdown" if form == "docx" else "tabs"
    return {year: report_text(value, year, layout, copied_from=(copied or {}).get(year))
            for year, value in zip(YEARS, values, strict=True)}


def _run(*paths: Path, previous: tuple[str, ...] = (), cli: CliOverrides | None = None) -> list[FileResult]:
    request = BatchRequest(tuple(str(path) for path in paths), cli or CliOverrides(), jobs=1, previous=previous)
    return run_batch(request).results


def _cross(results: list[FileResult]) -> list[tuple[str, Diagnostic]]:
    return [(result.path, diagnostic) for result in results for diagnostic in result.diagnostics
            if diagnostic.rule in CROSS]


def _source_at(path: str | Path, diagnostic_span: object, form: str) -> str:
    line = diagnostic_span.start.line  # type: ignore[attr-defined]
    if form == "docx":
        from auditor.readers import read_path

        return read_path(str(path)).source_lines()[line - 1]
    return Path(path).read_text(encoding="utf-8").split("\n")[line - 1]


def _break_carry_over(values: list) -> None:
    table = values[1].t3
    for row in ("carried", "c1", "c7"):
        table[row]["natural"] += 2
        table[row]["total"] = sum(table[row][column] for column in APPLICANTS)


@pytest.mark.parametrize("form", ["txt", "docx"])
def test_consistent_series_is_silent(tmp_path: Path, form: str) -> None:
    paths = _write(tmp_path, _texts(series_values(YEARS), form), form)
    assert _cross(_run(tmp_path)) == []
    assert len(paths) == 3


@pytest.mark.parametrize("form", ["txt", "docx"])
def test_carry_over_break_has_a_span_in_each_report(tmp_path: Path, form: str) -> None:
    values = series_values(YEARS)
    _break_carry_over(values)
    paths = _write(tmp_path, _texts(values, form), form)
    found = [(path, diagnostic) for path, diagnostic in _cross(_run(tmp_path)) if diagnostic.rule == "GK951"]
    assert found and all(path == str(paths[2022]) for path, _ in found)
    path, diagnostic = found[0]
    assert "上年结转" in _source_at(path, diagnostic.span, form)
    label = diagnostic.labels[0]
    assert label.path == str(paths[2021])
    assert "结转下年度" in _source_at(label.path, label.span, form)
    assert "结转下年度" in label.source_line


@pytest.mark.parametrize("form", ["txt", "docx"])
def test_stock_flow_break(tmp_path: Path, form: str) -> None:
    values = series_values(YEARS)
    values[2].t2[2] += 5  # 规章 现行有效 of 2023
    paths = _write(tmp_path, _texts(values, form), form)
    found = [(path, diagnostic) for path, diagnostic in _cross(_run(tmp_path))]
    assert [diagnostic.rule for _, diagnostic in found] == ["GK952"]
    path, diagnostic = found[0]
    assert path == str(paths[2023]) and "规章" in _source_at(path, diagnostic.span, form)
    previous = [label for label in diagnostic.labels if label.path is not None]
    assert [label.path for label in previous] == [str(paths[2022])]
    assert "规章" in _source_at(previous[0].path, previous[0].span, form)  # type: ignore[arg-type]


@pytest.mark.parametrize("form", ["txt", "docx"])
def test_copied_narrative(tmp_path: Path, form: str) -> None:
    paths = _write(tmp_path, _texts(series_values(YEARS), form, copied={2023: 2022}), form)
    found = _cross(_run(tmp_path))
    assert [(path, diagnostic.rule) for path, diagnostic in found] == [(str(paths[2023]), "GK955")]
    diagnostic = found[0][1]
    assert "2023年，本局围绕" in _source_at(paths[2023], diagnostic.span, form)
    assert "100%" in diagnostic.message  # both narrative paragraphs: one summary finding with the share
    assert diagnostic.labels[0].path == str(paths[2022])
    assert "2022年，本局围绕" in _source_at(paths[2022], diagnostic.labels[0].span, form)


def test_one_copied_paragraph_among_others(tmp_path: Path) -> None:
    texts = _texts(series_values(YEARS), "txt")
    overview_2022 = texts[2022].split("\n")[3]
    texts[2023] = texts[2023].replace(texts[2023].split("\n")[3], overview_2022.replace("2022", "2023"))
    paths = _write(tmp_path, texts, "txt")
    found = _cross(_run(tmp_path))
    assert [diagnostic.rule for _, diagnostic in found] == ["GK955"]
    assert "相似度 100%" in found[0][1].message
    assert found[0][1].span.start.line == 4 and found[0][1].labels[0].path == str(paths[2022])


def test_cumulative_column_of_the_old_format(tmp_path: Path) -> None:
    from seriesgen import old_report_text, old_series

    series = old_series([2016, 2017])
    series[1][1]["received"] += 5
    for year, (values, cumulative) in zip([2016, 2017], series, strict=True):
        (tmp_path / f"{year}.txt").write_text(old_report_text(values, cumulative, year), encoding="utf-8")
    found = _cross(_run(tmp_path))
    assert [diagnostic.rule for _, diagnostic in found] == ["GK953"]
    diagnostic = found[0][1]
    assert "收到申请数" in diagnostic.message and diagnostic.labels[0].path == str(tmp_path / "2016.txt")


def test_cumulative_column_checked_where_given(tmp_path: Path) -> None:
    from reportgen import render_old
    from seriesgen import old_report_text, old_series

    (values_2016, _), (values_2017, cumulative_2017) = old_series([2016, 2017])
    (tmp_path / "2016.txt").write_text(render_old(values_2016, 2016).text, encoding="utf-8")  # no 历年累计
    (tmp_path / "2017.txt").write_text(old_report_text(values_2017, cumulative_2017, 2017), encoding="utf-8")
    found = _cross(_run(tmp_path))
    assert [(diagnostic.rule, diagnostic.severity.label) for _, diagnostic in found] == [("GK953", "info")]
    assert "没有“历年累计”一列" in found[0][1].message
    (tmp_path / "2017.txt").write_text(render_old(values_2017, 2017).text, encoding="utf-8")
    assert _cross(_run(tmp_path)) == []  # neither gives the column: nothing to check


def test_missing_previous_table_is_not_checkable(tmp_path: Path) -> None:
    texts = _texts(series_values(YEARS), "txt")
    head, _, rest = texts[2021].partition("三、收到和处理政府信息公开申请情况\n")
    texts[2021] = head + "三、收到和处理政府信息公开申请情况\n本年未收到申请。\n" + rest[rest.index("\n四、"):]
    del texts[2023]
    _write(tmp_path, texts, "txt")
    found = _cross(_run(tmp_path))
    assert [(diagnostic.rule, diagnostic.severity.label) for _, diagnostic in found] == [("GK951", "info")]
    assert "没有读到表 t3" in found[0][1].message


def test_series_gap_is_said_once(tmp_path: Path) -> None:
    values = series_values([2019, 2020, 2021, 2022, 2023])
    for year, value in zip([2019, 2020, 2021, 2022, 2023], values, strict=True):
        if year not in (2020, 2021):
            (tmp_path / f"{year}.txt").write_text(report_text(value, year), encoding="utf-8")
    found = _cross(_run(tmp_path))
    assert [(Path(path).name, diagnostic.rule) for path, diagnostic in found] == [("2022.txt", "GK950")]
    assert "2020、2021" in found[0][1].message


def test_previous_option_on_one_draft(tmp_path: Path) -> None:
    values = series_values(YEARS)
    _break_carry_over(values)
    paths = _write(tmp_path, _texts(values, "txt"), "txt")
    results = _run(paths[2022], previous=(str(paths[2021]),))
    assert len(results) == 1  # last year's report is compared with, not reported on
    assert {diagnostic.rule for _, diagnostic in _cross(results)} == {"GK951"}
    missing = _cross(_run(paths[2022], previous=(str(tmp_path / "nowhere.txt"),)))
    assert [(diagnostic.rule, diagnostic.severity.label) for _, diagnostic in missing] == [("GK950", "info")]
    other_year = _cross(_run(paths[2022], previous=(str(paths[2023]),)))
    assert [diagnostic.rule for _, diagnostic in other_year] == ["GK950"]
    assert "2023 年" in other_year[0][1].message


def test_series_layout_names_agencies_by_folder(tmp_path: Path) -> None:
    values = series_values(YEARS[:2])
    for agency, title in (("甲局", "赣州市甲局"), ("乙局", "赣州市乙局")):
        _write(tmp_path / "reports" / agency, {year: report_text(value, year, agency=title)
                                                 for year, value in zip(YEARS[:2], values, strict=True)}, "txt")
    # the titles differ from year to year, the folders do not
    first = tmp_path / "reports" / "乙局" / "report-2022.txt"
    first.write_text(first.read_text(encoding="utf-8").replace("赣州市乙局", "赣州市乙局（改名）", 1), encoding="utf-8")
    (tmp_path / "gk-audit.yaml").write_text('series-layout: "reports/{agency}/**"\n', encoding="utf-8")
    outcome = run_batch(BatchRequest((str(tmp_path / "reports"),), jobs=1))
    assert [entry["agency"] for entry in outcome.render_extra()["series"]] == ["乙局", "甲局"]


def test_agency_normalisation() -> None:
    link = load_rulebook().rule("GK950")
    assert link is not None
    agency_of = link.compiled.agency_of
    names = {agency_of(title) for title in (
        "某县人民政府办公室2021年政府信息公开工作年度报告", "某县政府２０２２年度政府信息公开工作年度报告",
        "关于某县人民政府2023年政府信息公开工作年度报告", "《某县人民政府办公厅2020年政府信息公开工作年度报告》")}
    assert names == {"某县人民政府"}
    assert agency_of("某县自然资源局2022年政府信息公开工作年度报告") == "某县自然资源局"


def test_pairing_sorts_groups_and_keeps_duplicate_years() -> None:
    summaries = [ReportSummary(f"{agency}-{year}-{copy}", agency, year, "2021")
                 for agency in ("乙", "甲") for year in (2023, 2021, 2022) for copy in ("a", "b")[: 1 + (year == 2022)]]
    pairs, infos = pair_series(summaries)
    assert [info.agency for info in infos] == ["乙", "甲"]
    assert [(pair.this.path, pair.previous.path) for pair in pairs if pair.this.agency == "甲"] == [
        ("甲-2022-a", "甲-2021-a"), ("甲-2022-b", "甲-2021-a"), ("甲-2023-a", "甲-2022-b")]


def test_outputs_name_the_other_file(tmp_path: Path) -> None:
    values = series_values(YEARS)
    _break_carry_over(values)
    paths = _write(tmp_path, _texts(values, "txt"), "txt")
    outcome = run_batch(BatchRequest((str(tmp_path),), jobs=1))
    context = RenderContext(rulebook=outcome.rulebook, extra=outcome.render_extra())
    data = json.loads(render("json", outcome.results, context))
    assert data["series"][0]["years"] == YEARS and data["series"][0]["gaps"] == []
    labels = [label for file in data["files"] for diagnostic in file["diagnostics"] if diagnostic["rule"] == "GK951"
              for label in diagnostic["labels"]]
    assert labels and all(label["path"] == str(paths[2021]) for label in labels)
    sarif = json.loads(render("sarif", outcome.results, context))
    related = [location["physicalLocation"]["artifactLocation"]["uri"]
               for result in sarif["runs"][0]["results"] if result["ruleId"] == "GK951"
               for location in result["relatedLocations"]]
    assert related and all(uri.endswith("report-2021.txt") for uri in related)
    text = render("text", outcome.results, context)
    assert f"::: {paths[2021]}:" in text and "四、结转下年度继续办理" in text
    assert "系列 赣州市示范局：3 份报告（2021、2022、2023）" in text
    full = run_batch(BatchRequest((str(tmp_path),), jobs=1, keep_report=True))
    page = render("html", full.results, RenderContext(extra=full.render_extra()))
    assert 'class="other-report"' in page and "<svg" in page and "报告系列（1 个机关）" in page


def test_scoped_tables_are_required_in_cross_rules(tmp_path: Path) -> None:
    from auditor.rulebook import RulebookError

    extra = tmp_path / "local.yaml"
    extra.write_text(
        "rules:\n  - id: GK990\n    name: local-cross\n    title: t\n    category: consistency\n"
        "    severity: warning\n    message: m\n    kind: cross_report\n"
        "    expression: 'this.t3.new[total] == t3.new[total]'\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=re.escape("this. 或 previous.")):
        load_rulebook([str(extra)])


def test_region_with_a_missing_member_is_not_checkable(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "rules" / "GK956" / "fires-sum"
    for name in ("gk-audit.yaml", "county-2022.txt", "member1-2022.txt"):
        (tmp_path / name).write_bytes((fixture / name).read_bytes())
    found = _cross(_run(tmp_path))
    assert [(diagnostic.rule, diagnostic.severity.label) for _, diagnostic in found] == [("GK956", "info")]
    assert "缺少 赣州市示范县卫生健康委员会 的 2022 年报告" in found[0][1].message


def test_json_with_series_validates_against_the_schema(tmp_path: Path) -> None:
    import jsonschema

    values = series_values(YEARS)
    _break_carry_over(values)
    _write(tmp_path, _texts(values, "txt"), "txt")
    outcome = run_batch(BatchRequest((str(tmp_path),), jobs=1))
    data = json.loads(render("json", outcome.results, RenderContext(extra=outcome.render_extra())))
    schema = json.loads((Path(__file__).parent.parent / "schemas" / "output.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["series"][0]["reports"][1]["figures"]["上年结转"] == values[1].t3["carried"]["total"]


def test_cli_previous_option(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from auditor.cli import main

    values = series_values(YEARS)
    _break_carry_over(values)
    paths = _write(tmp_path, _texts(values, "txt"), "txt")
    result = CliRunner().invoke(main, ["check", "-q", str(paths[2022]), "--previous", str(paths[2021])])
    assert result.exit_code == 0, result.output  # warnings only
    assert "GK951" in result.output and "1 个文件" in result.output


def test_two_line_title_names_the_agency_above(tmp_path: Path) -> None:
    values = series_values(YEARS[:2])
    for year, value in zip(YEARS[:2], values, strict=True):
        text = report_text(value, year).replace("赣州市示范局", "赣州市示范局\n", 1)
        (tmp_path / f"{year}.txt").write_text(text, encoding="utf-8")
    outcome = run_batch(BatchRequest((str(tmp_path),), jobs=1))
    assert [entry["agency"] for entry in outcome.render_extra()["series"]] == ["赣州市示范局"]


def test_copied_text_size_window_answers_as_every_candidate_would() -> None:
    """``_may_match`` intersects only candidates of about the paragraph's size (bisection on sorted
    sizes) and stops counting missing shingles once too many are: the same answer as testing every
    candidate in full, at several thresholds and sizes."""
    import random

    from auditor.checks.copied_text import _BySize, _may_match

    def every(mine: frozenset[str], candidates: list[frozenset[str]], threshold: float) -> bool:
        for theirs in candidates:
            if min(len(mine), len(theirs)) / max(len(mine), len(theirs)) < threshold:
                continue
            shared = len(mine & theirs)
            if shared and shared / (len(mine) + len(theirs) - shared) >= threshold:
                return True
        return False

    rng = random.Random(5)
    words = [f"w{number}" for number in range(300)]
    for _ in range(1500):
        threshold = rng.choice([0.5, 0.8, 0.9, 0.95, 1.0])
        base = set(rng.sample(words, rng.randint(1, 250)))
        candidates = [frozenset(set(rng.sample(sorted(base), max(1, len(base) - rng.randint(0, 4))))
                                | set(rng.sample(words, rng.randint(0, 3)))) for _ in range(rng.randint(0, 8))]
        by_size = _BySize.of(list(enumerate(candidates)))
        assert _may_match(frozenset(base), by_size, threshold) == every(frozenset(base), candidates, threshold)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_copied_text_shingles_count_and_share_as_the_character_ngrams_do(size: int) -> None:
    """``Compiled.shingles`` stands each n-gram for one value (an integer packed from its code units,
    else its UTF-32 bytes): sets of the same sizes, sharing as many members, as the n-grams as
    strings, with characters outside the BMP, lone surrogates, NUL and texts shorter than an n-gram."""
    import random

    from auditor.checks.copied_text import prepare
    from auditor.records import replace

    compiled = replace(prepare({"sections": ["总体情况"]}), shingle=size)

    def as_strings(text: str) -> frozenset[str]:
        return frozenset(text[index:index + size] for index in range(max(len(text) - size + 1, 1)))

    rng = random.Random(size)
    alphabet = "政府信息公开ab\x00\ud800\udc00\U00020000\U0001f600"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(400)]
    texts += ["本局共主动公开政府信息条，其中规范性文件件。" * 3, "本局共主动公开政府信息条，其中规范性文件件。"]
    ours = [compiled.shingles(text) for text in texts]
    theirs = [as_strings(text) for text in texts]
    assert [len(found) for found in ours] == [len(found) for found in theirs]
    for _ in range(4000):
        first, second = rng.randrange(len(texts)), rng.randrange(len(texts))
        assert len(ours[first] & ours[second]) == len(theirs[first] & theirs[second]), (texts[first], texts[second])


def test_a_summary_store_dropped_in_another_thread_is_closed_there(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store backs the results a batch returns and is closed by its finalizer when they are
    dropped; the garbage collector may run that in any thread (a pool's management thread)."""
    import threading

    from auditor.series import SummaryStore

    raised: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: raised.append(unraisable.exc_value))
    holder = [SummaryStore(on_disk=True)]
    finalizer = holder[0]._finalizer
    dropping = threading.Thread(target=holder.clear)
    dropping.start()
    dropping.join()
    assert not finalizer.alive and raised == []


@pytest.mark.parametrize("name", ["report-2021-faulty.txt", "report-2021-faulty.md", "report-2021.html",
                                  "report-2021-faulty.docx"])
def test_summary_span_numbers_are_the_documents_spans(name: str) -> None:
    """``_span_numbers`` works out a txt or md span's numbers itself, without making the Span: the
    same numbers as ``Document.span`` for any offsets, out of range and reversed ones included."""
    import random

    from auditor.readers import read_path
    from auditor.series import _span_numbers

    document = read_path(str(Path(__file__).resolve().parent.parent / "examples" / name))
    rng = random.Random(7)
    size = len(document.text)
    offsets = [(start, start + rng.randint(-3, 40)) for start in (rng.randint(-5, size + 5) for _ in range(3000))]
    offsets += [(0, 0), (0, size), (size, size), (size - 1, size), (size, size + 3)]
    for start, end in offsets:
        span = document.span(start, end)
        assert _span_numbers(document, start, end) == (span.start.line, span.start.column, span.end.line,
                                                       span.end.column), (start, end)


def test_copied_text_deletes_the_blanks_a_regex_would() -> None:
    """copied_text deletes blanks with ``"".join(text.split())``: the same characters as ``\\s``."""
    from auditor.checks.copied_text import prepare

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    compiled = prepare({"sections": ["总体情况"]})
    assert compiled._normalise_folded(every) == re.sub(r"\s+", "", every)


@pytest.mark.parametrize("name", ["report-2021-faulty.txt", "report-2021-faulty.md", "report-2021.html"])
def test_packed_summary_unpacks_to_the_same_summary(name: str, tmp_path: Path) -> None:
    """A summary is pickled as plain values (``series._plain``) and made again on unpacking: the same
    summary, its cells, paragraphs and anchor of the same types and values, compressed or not."""
    from auditor.engine import check_path
    from auditor.series import Paragraph, SummaryCell, pack, summarise

    rulebook = load_rulebook()
    result = check_path(str(Path(__file__).resolve().parent.parent / "examples" / name), rulebook)
    assert result.report is not None
    summary = summarise(result.report, rulebook, result.path, "某局")
    assert summary.paragraphs
    for compress in (False, True):
        unpacked = pack(summary, compress).unpack()
        assert unpacked == summary
        assert all(type(paragraph) is Paragraph for paragraph in unpacked.paragraphs)
        assert all(type(cell) is SummaryCell for table in unpacked.tables.values() for cell in table.cells.values())
        assert [list(table.cells) for table in unpacked.tables.values()] == \
            [list(table.cells) for table in summary.tables.values()]
