"""kind: copied_text — narrative paragraphs copied from last year's report.

Runs in the series pass (``auditor/series.py``) on each report and its predecessor. The paragraphs
of the narrative parts named by ``sections`` (level-one headings whose title matches) are compared
after folding (full-width → half-width, traditional → simplified), deleting what ``ignore`` matches
(digits and years: a paragraph with only its numbers changed is still a copy) and blanks. Two
paragraphs are "the same" when the Jaccard similarity of their character ``shingle``-grams reaches
``threshold`` (1.0: identical). Paragraphs shorter than ``min_length`` characters are not compared.

* each copied paragraph of this year's report: one diagnostic, primary span the paragraph, and
  last year's paragraph as a label in the other file (with its path);
* when the copied paragraphs make up at least ``summary_share`` of the narrative text, ONE
  summary diagnostic with the share instead (``summary_message``), pointing at the first copied
  paragraph, with last year's as a label.

Parameters:
    sections:        regexes matched against level-one heading titles (required).
    min_length:      shortest paragraph compared, in characters after deletion (default 30).
    threshold:       similarity from which a paragraph counts as copied, 0–1 (default 0.9).
    shingle:         length of the character n-grams compared (default 3).
    ignore:          regexes deleted before comparing (digits, years).
    skip:            regexes of paragraphs not compared: formulas every report repeats by design
                     (the statistical period, where the report is published).
    summary_share:   share of the narrative text above which one summary finding is given (default 0.6).
    summary_message: template of the summary ({share} {count} {total} {previous_year} {previous_path}).
    label:           label of last year's paragraph ({previous_year} {similarity}).
    max_reported:    copied paragraphs reported one by one (default 8); the rest in ``more_note`` ({count}).

Message fields: {similarity} (percent) {section} {previous_year} {previous_path}.

Example (GK955 copied-from-previous)::

    - id: GK955
      kind: copied_text
      sections: ['总体情况', '存在的主要问题']
      threshold: 0.9

fires on a 2022 paragraph “2022年，本局共主动公开信息120条……” when 2021's reads “2021年，本局共主动公开信息98条……”
and the rest is the same; silent when the paragraph was rewritten.
"""

from __future__ import annotations

import array
import bisect
import codecs
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from auditor.checks import compile_patterns, emit, render_template
from auditor.diagnostics import Diagnostic
from auditor.records import field, record, replace
from auditor.rulebook import Rule
from auditor.textfold import fold

KIND = "copied_text"
SCOPE = "series"  # runs on pairs of reports after the batch, not on one report
PARAMS_SCHEMA: dict[str, Any] = {
    "required": ["sections"],
    "properties": {
        "sections": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "min_length": {"type": "integer", "minimum": 1},
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "shingle": {"type": "integer", "minimum": 1, "maximum": 8},
        "ignore": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "skip": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "summary_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "summary_message": {"type": "string"},
        "label": {"type": "string"},
        "max_reported": {"type": "integer", "minimum": 1},
        "more_note": {"type": "string"},
    },
}
_utf16, _utf32 = codecs.utf_16_le_encode, codecs.utf_32_le_encode
Shingles = frozenset[int | bytes]  # a paragraph's n-grams, each as one value (``Compiled.shingles``)
_NONE: Shingles = frozenset()  # the shingles of a paragraph too short to compare
_PREPARED_KEPT = 8  # reports whose prepared paragraphs are kept (a pair's two, and a few more)


@record(frozen=True)
class Prepared:
    """A paragraph as compared: whether it is, its normalised text, its shingles (when long enough)."""

    compared: bool
    text: str
    shingles: Shingles


class PreparedParagraphs(NamedTuple):
    """The compared paragraphs of one report and their preparations, in the same order."""

    paragraphs: tuple[Any, ...]
    prepared: tuple[Prepared, ...]


@record(frozen=True)
class Compiled:
    sections: tuple[re.Pattern[str], ...]
    min_length: int
    threshold: float
    shingle: int
    ignore: tuple[re.Pattern[str], ...]
    skip: tuple[re.Pattern[str], ...]
    summary_share: float
    summary_message: str
    label: str
    max_reported: int
    more_note: str
    # a report is this year's in one pair and last year's in the next (the series pass hands the same
    # unpacked summary to both): its paragraphs are prepared once, kept by the identity of the
    # summary's paragraph tuple for the last few reports
    prepared: dict[int, tuple[Any, PreparedParagraphs]] = field(default_factory=dict, compare=False, hash=False,
                                                                 repr=False)

    def normalise(self, text: str) -> str:
        return self._normalise_folded(fold(text))

    def _normalise_folded(self, text: str) -> str:
        for pattern in self.ignore:
            text = pattern.sub("", text)
        # blanks deleted: str.split() splits at exactly the characters \s matches (str.isspace), in C
        return "".join(text.split())

    def compared_paragraphs(self, paragraphs: Sequence[Any], reuse: Sequence[Prepared] = ()) -> PreparedParagraphs:
        """The paragraphs of a summary that are compared (in a narrative part, not a set formula),
        each with its preparation, in order. A paragraph whose normalised text is one of ``reuse``'s
        (last year's, most often: the copies this rule is about) takes its shingles from there."""
        known = self.prepared.get(id(paragraphs))
        if known is not None and known[0] is paragraphs:
            return known[1]
        if len(self.prepared) >= _PREPARED_KEPT:
            self.prepared.pop(next(iter(self.prepared)))
        kept: list[Any] = []
        prepared: list[Prepared] = []
        in_sections: dict[str, bool] = {}  # a report has a few sections and many paragraphs in each
        known_shingles = {item.text: item.shingles for item in reuse}
        for paragraph, folded in zip(paragraphs, _fold_each([paragraph.text for paragraph in paragraphs]), strict=True):
            section = paragraph.section
            compared = in_sections.get(section)
            if compared is None:
                compared = in_sections[section] = any(pattern.search(section) for pattern in self.sections)
            if not compared or self._skipped(folded):
                continue
            text = self._normalise_folded(folded)
            shingles = known_shingles.get(text)
            if shingles is None:
                shingles = self.shingles(text) if len(text) >= self.min_length else _NONE
            kept.append(paragraph)
            prepared.append(Prepared(True, text, shingles))
        result = PreparedParagraphs(tuple(kept), tuple(prepared))
        self.prepared[id(paragraphs)] = (paragraphs, result)
        return result

    def _skipped(self, folded: str) -> bool:
        """Whether a paragraph (its folded text) is a formula that is not compared (``skip``)."""
        return any(pattern.search(folded) for pattern in self.skip)

    def shingles(self, text: str) -> Shingles:
        """The distinct ``shingle``-character n-grams of ``text`` (the text itself when shorter), each
        as one value that stands for that n-gram alone, so that set sizes and intersections are those
        of the n-grams as strings: packed into an integer when it fits (``_packed``: most n-grams,
        laid out in C and hashed at once), else as its UTF-32 bytes (slicing bytes costs less than
        slicing a CJK string, which scans every slice for its widest character)."""
        size = self.shingle
        if size <= _LANES and len(text) >= size:
            packed = _packed(text, size)
            if packed is not None:
                return frozenset(packed)
            # a character outside the BMP (rare): each n-gram on its own, packed where it can be
            grams = (text[index:index + size] for index in range(len(text) - size + 1))
            return frozenset(map(_shingle_of, grams))
        count = max(len(text) - size + 1, 1)
        encoded = _utf32(text, "surrogatepass")[0]
        return frozenset(map(encoded.__getitem__, itertools.islice(_slices(size, count), count)))


_LANES = 4  # UTF-16 code units in a 64-bit word


def _shingle_of(gram: str) -> int | bytes:
    """The value ``Compiled.shingles`` gives one n-gram: packed when all its characters are in the
    BMP (as ``_packed`` packs it), else its UTF-32 bytes."""
    packed = _packed(gram, len(gram))
    return packed[0] if packed is not None else _utf32(gram, "surrogatepass")[0]


def _packed(text: str, size: int) -> list[int] | None:
    """Each ``size``-character n-gram of ``text`` (``size`` at most _LANES and the text's length) as
    one integer: its characters' code units in the first ``size`` 16-bit lanes of a 64-bit word, the
    others zero (one n-gram, one integer), laid out by array slicing in C. None when a character of
    ``text`` is outside the Basic Multilingual Plane (it takes two code units: lanes would no longer
    be characters)."""
    units = array.array("H", _utf16(text, "surrogatepass")[0])
    if len(units) != len(text):
        return None
    count = len(units) - size + 1
    words = array.array("H", bytes(2 * _LANES * count))
    for lane in range(size):
        words[lane::_LANES] = units[lane:lane + count]
    return memoryview(words).cast("B").cast("Q").tolist()


def _fold_each(texts: list[str]) -> list[str]:
    """``[fold(text) for text in texts]``, folding them joined, once: ``fold`` is character by
    character (the result has the text's length), and folds a long text several times faster per
    character than many short ones."""
    folded = fold("\n".join(texts))
    found = []
    start = 0
    for text in texts:
        found.append(folded[start:start + len(text)])
        start += len(text) + 1
    return found


_SLICES: dict[int, list[slice]] = {}


def _slices(size: int, count: int) -> list[slice]:
    """The slices of the first ``count`` ``size``-character n-grams of UTF-32 bytes (4 bytes a
    character; made once per size, grown as needed): a paragraph's shingles are then taken by
    ``map`` in C, not one generator step each."""
    known = _SLICES.setdefault(size, [])
    if len(known) < count:
        known += [slice(4 * index, 4 * (index + size)) for index in range(len(known), max(count, 2 * len(known)))]
    return known


def prepare(params: dict[str, Any]) -> Compiled:
    return Compiled(
        sections=tuple(compile_patterns(params["sections"], ("sections",))),
        min_length=int(params.get("min_length", 30)), threshold=float(params.get("threshold", 0.9)),
        shingle=int(params.get("shingle", 3)), ignore=tuple(compile_patterns(params.get("ignore", []), ("ignore",))),
        skip=tuple(compile_patterns(params.get("skip", []), ("skip",))),
        summary_share=float(params.get("summary_share", 0.6)),
        summary_message=params.get("summary_message", "{share}% ({count}/{total})"),
        label=params.get("label", "{previous_year}: {similarity}%"),
        max_reported=int(params.get("max_reported", 8)), more_note=params.get("more_note", "+{count}"),
    )


@record(frozen=True)
class Match:
    index: int  # this year's paragraph
    previous: int  # last year's paragraph
    similarity: float
    length: int


def _matches(compiled: Compiled, this: Sequence[Prepared], previous: Sequence[Prepared]) -> list[Match]:
    """For each of this year's paragraphs, last year's sharing the most shingles with it; a match
    when their similarity (Jaccard) reaches the threshold. Sets intersected in C, no index built."""
    exact = {item.text: index for index, item in enumerate(previous) if len(item.text) >= compiled.min_length}
    candidates = [(index, item.shingles) for index, item in enumerate(previous)
                  if len(item.text) >= compiled.min_length]
    by_size = _BySize.of(candidates)
    found: list[Match] = []
    for number, item in enumerate(this):
        if len(item.text) < compiled.min_length:
            continue
        if item.text in exact:
            found.append(Match(number, exact[item.text], 1.0, len(item.text)))
            continue
        if not _may_match(item.shingles, by_size, compiled.threshold):
            continue
        best = _most_shared(item.shingles, candidates)
        if best is None:
            continue
        other, shared = best
        similarity = shared / (len(item.shingles) + len(previous[other].shingles) - shared)
        if similarity >= compiled.threshold:
            found.append(Match(number, other, similarity, len(item.text)))
    return found


class _BySize(NamedTuple):
    """Last year's shingle sets ordered by size, and their sizes (for ``_may_match``)."""

    sizes: list[int]
    sets: list[Shingles]

    @classmethod
    def of(cls, candidates: Sequence[tuple[int, Shingles]]) -> _BySize:
        sets = sorted((theirs for _, theirs in candidates), key=len)
        return cls([len(theirs) for theirs in sets], sets)


def _may_match(mine: Shingles, by_size: _BySize, threshold: float) -> bool:
    """Whether some candidate is similar enough to ``mine`` to be a match: the paragraph sharing the
    most shingles is one only if its similarity reaches the threshold, so when no candidate does
    (most paragraphs), the search for it is skipped. Similarity is at most the ratio of the two
    sizes: only candidates of about our size are intersected (found by bisection, with a margin of
    one either side; the ratio itself is then tested as before)."""
    size = len(mine)
    low = bisect.bisect_left(by_size.sizes, int(size * threshold) - 1)
    high = bisect.bisect_right(by_size.sizes, int(size / threshold) + 1)
    for theirs in by_size.sets[low:high]:
        if min(size, len(theirs)) / max(size, len(theirs)) < threshold:  # divisions as the similarity's
            continue
        if _too_many_missing(mine, theirs, threshold):
            continue
        shared = len(mine & theirs)
        if shared and shared / (size + len(theirs) - shared) >= threshold:
            return True
    return False


def _too_many_missing(mine: Shingles, theirs: Shingles, threshold: float) -> bool:
    """Whether so many of our shingles are missing from ``theirs`` that the similarity cannot reach
    the threshold: with ``m`` missing, similarity <= (|mine| - m) / (|theirs| + m), below the
    threshold once m > (|mine| - threshold |theirs|) / (1 + threshold) (one more allowed, for
    rounding). The missing ones are counted in C and the count stops there: most pairs of
    paragraphs differ within a few dozen shingles, and the full intersection is then not made."""
    allowed = int((len(mine) - threshold * len(theirs)) / (1 + threshold)) + 1
    if allowed < 0:
        return True
    missing = len(list(itertools.islice(itertools.filterfalse(theirs.__contains__, mine), allowed + 1)))
    return missing > allowed


def _most_shared(mine: Shingles, candidates: Sequence[tuple[int, Shingles]]) -> tuple[int, int] | None:
    """(index, shared shingles) of the candidate sharing the most with ``mine``, the first of equals;
    None when none shares any. A candidate whose size (or ours) is below the best count so far
    cannot beat it and is not intersected.

    Ties used to go to the paragraph an inverted shingle index met first walking a set of strings,
    an order that changed with PYTHONHASHSEED (a copied paragraph was reported in some runs and not
    in others); the first paragraph is what that order gave almost always."""
    best: tuple[int, int] | None = None
    for index, theirs in candidates:
        if best is not None and min(len(mine), len(theirs)) <= best[1]:
            continue
        shared = len(mine & theirs)
        if shared and (best is None or shared > best[1]):
            best = (index, shared)
    return best


def _percent(value: float) -> int:
    return int(value * 100 + 0.5) if value < 1 else 100


def check_pair(rule: Rule, pair: Any) -> Iterator[Diagnostic]:
    """Copied paragraphs of ``pair.this`` (an ``auditor.series.Pair``), with last year's as labels."""
    from auditor.series import other_file_label

    compiled: Compiled = rule.compiled
    if not pair.comparable:
        return
    previous_paragraphs, previous_prepared = compiled.compared_paragraphs(pair.previous.paragraphs)
    this_paragraphs, this_prepared = compiled.compared_paragraphs(pair.this.paragraphs, previous_prepared)
    matches = _matches(compiled, this_prepared, previous_prepared)
    if not matches:
        return
    total = sum(len(item.text) for item in this_prepared)
    copied = sum(match.length for match in matches)
    base = {"previous_year": pair.previous.year, "previous_path": pair.previous.path}

    def diagnostic(match: Match, values: dict[str, Any]) -> Diagnostic:
        paragraph, source = this_paragraphs[match.index], previous_paragraphs[match.previous]
        values = {**base, "similarity": _percent(match.similarity), "section": paragraph.section, **values}
        label = other_file_label(source.span, render_template(compiled.label, values), pair.previous.path,
                                 source.text)
        return emit(rule, pair.this.era, paragraph.span, values, labels=[label])

    if total and copied / total >= compiled.summary_share and len(matches) > 1:
        values = {"share": _percent(copied / total), "count": len(matches), "total": len(this_prepared)}
        found = diagnostic(matches[0], values)
        yield replace(found, message=render_template(compiled.summary_message, {**base, **values}))
        return
    reported = [diagnostic(match, {}) for match in matches[: compiled.max_reported]]
    if len(matches) > compiled.max_reported:
        more = render_template(compiled.more_note, {"count": len(matches) - compiled.max_reported})
        reported[-1] = replace(reported[-1], notes=(*reported[-1].notes, more))
    yield from reported
