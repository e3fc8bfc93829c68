"""Structure found in a Document: title, year and era, table regions, outline, inline series.

``analyse(document, detection)`` returns a Report, the one object every check reads. A document
whose line breaks were lost is first cut into lines (structure.segments): ``Report.document`` is then
that cut document, whose spans still point into the file the user opened.
"""

from __future__ import annotations

from functools import cached_property

from auditor.document import Document
from auditor.records import field, record
from auditor.structure.detection import Detection
from auditor.structure.outline import Heading, SeriesMarker, find_outline, find_series, table_line_set
from auditor.structure.preamble import Preamble, find_preamble
from auditor.structure.profile import TitleLine, detect_profile
from auditor.structure.regions import Region, find_regions
from auditor.structure.segments import segment_run_in

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time (DEVELOPERS.md)
if TYPE_CHECKING:
    from typing import Any


@record(eq=False, repr=False)
class Report:
    """A document with its structure. ``cache`` lets checks share work (e.g. parsed tables)."""

    document: Document
    detection: Detection
    title: TitleLine | None
    report_year: int | None
    year_source: str
    era: str
    era_source: str
    regions: tuple[Region, ...]
    outline: tuple[Heading, ...]
    series: tuple[SeriesMarker, ...]
    tables: Any = None
    year_basis: str = ""  # cli, title, period, mentions or "" (see structure.profile)
    preamble: Preamble | None = None  # a crawler's key–value block at the top (see structure.preamble)
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def table_lines(self) -> frozenset[int]:
        """0-based indexes of the lines inside table regions."""
        return table_line_set(self.regions)

    def line_in_table(self, line_index: int) -> bool:
        return line_index in self.table_lines

    def in_table(self, offset: int) -> bool:
        return self.line_in_table(self.document.line_index_of(offset))

    def section_range(self, heading: Heading) -> tuple[int, int]:
        """Offsets from the heading to the next heading of the same or a higher level."""
        for later in self.outline[heading.index + 1 :]:
            if later.level <= heading.level:
                return heading.start, self.document.line_starts[later.line_index]
        return heading.start, len(self.document.text)


def analyse(document: Document, detection: Detection, year_override: int | None = None,
            era_override: str | None = None) -> Report:
    document = segment_run_in(document, detection)
    preamble = find_preamble(document, detection)
    regions = find_regions(document, detection)
    outline = find_outline(document, detection, regions)
    profile = detect_profile(document, detection, regions, outline, year_override, era_override, preamble)
    series = find_series(document, detection, regions, outline)
    # every field in order (tables, year_basis, preamble, cache): a record's quick __init__ path
    return Report(document, detection, profile.title, profile.report_year, profile.year_source, profile.era,
                  profile.era_source, regions, outline, series, None, profile.year_basis, preamble, {})
