"""RIS ingester (rispy reads the tags): each reference becomes a ckg:Study, as from BibTeX.

rispy is lenient (it drops a reference without `ER  -` and takes any line as a continuation), so the
file's structure is checked first, line by line: every reference runs from `TY  -` to `ER  -`, and no
text stands outside a reference. Tags read: AU/A1 (authors, 'Family, Given[, Suffix]'), TI/T1 (title),
PY/Y1/DA (year), JF/JO/T2 (journal, T2 only for journal articles), SN (ISSN or ISBN), VL, IS, SP/EP,
DO, PB, CY, ID; TY maps to a FaBiO/BIBO class (work-types.csv).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import ClassVar

import rispy
from rdflib import Graph, URIRef

from clusterkg.kg.errors import UserError, UserErrors
from clusterkg.kg.sources.base import read_input
from clusterkg.kg.sources.studies import (
    DEFAULT_VENUE_CLASS,
    ISSN,
    Author,
    FieldError,
    StudyRecord,
    check_length,
    check_names,
    check_year,
    normalise_doi,
    parse_isbns,
    parse_issns,
    studies_graph,
    work_classes,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -( |$)")
YEAR_TAGS = ("PY", "Y1", "DA")


class RISSource:
    """A .ris file; its records are StudyRecords in file order."""

    kind: ClassVar[str] = "ris"
    suffixes: ClassVar[tuple[str, ...]] = (".ris",)

    def __init__(self, path: Path, taken: Collection[URIRef] = ()) -> None:
        self.path = path
        self.taken = taken  # IRIs other graphs already use; new studies and persons avoid them

    def iter_records(self) -> Iterator[StudyRecord]:
        records, errors = [], []
        for start, lines in self._references(read_input(self.path, "RIS file").splitlines()):
            (reference,) = rispy.loads("\n".join(lines))
            try:
                records.append(self._record(reference, start, lines))
            except UserError as exc:
                errors.append(exc)
        if errors:
            raise UserErrors(errors)
        yield from records

    def to_graph(self) -> Graph:
        return studies_graph(list(self.iter_records()), self.taken)

    def _references(self, lines: list[str]) -> Iterator[tuple[int, list[str]]]:
        """(line of `TY  -`, the reference's lines) for each reference; UserError on broken structure."""
        start: int | None = None
        for number, line in enumerate(lines, start=1):
            tag = TAG_LINE.match(line)
            if start is None:
                if tag and tag.group(1) == "TY":
                    start, current = number, [line]
                elif line.strip():
                    raise UserError(
                        f"expected a reference starting with 'TY  -', got {line.strip()[:40]!r}",
                        self.path,
                        number,
                    )
                continue
            current.append(line)
            if tag and tag.group(1) == "TY":
                raise UserError(
                    f"reference starting on line {start} has no 'ER  -' before the next 'TY  -'",
                    self.path,
                    number,
                )
            if tag and tag.group(1) == "ER":
                yield start, current
                start = None
        if start is not None:
            raise UserError("reference has no 'ER  -' before the end of the file", self.path, start)

    def _record(self, ref: dict, start: int, lines: list[str]) -> StudyRecord:
        def first(*names: str) -> str | None:
            for name in names:
                value = ref.get(name)
                if isinstance(value, list):
                    value = value[0] if value else None
                if value and str(value).strip():
                    return " ".join(str(value).split())
            return None

        names = ref.get("authors") or ref.get("first_authors") or []
        journal_names = ("alternate_title3", "journal_name") + (
            ("secondary_title",) if ref.get("type_of_reference") == "JOUR" else ()
        )
        pages = "–".join(p for p in (first("start_page"), first("end_page")) if p) or None
        key = first("id") or f"line-{start}"
        try:
            authors = tuple(_author(name) for name in names if name.strip())
            check_names(authors, "author")
            title = check_length(first("title", "primary_title"), "the title")
            venue = check_length(first(*journal_names), "the journal")
            serial = first("issn") or ""  # SN: an ISSN for a periodical, an ISBN for a book
            issns = parse_issns(serial) if ISSN.search(serial) else ()
            isbns = () if issns else parse_isbns(serial)
        except FieldError as exc:
            raise UserError(f"reference {key!r}: {exc}", self.path, start) from None
        classes = work_classes("ris", str(ref.get("type_of_reference", "")).lower()) or (
            None,
            DEFAULT_VENUE_CLASS,
        )
        return StudyRecord(
            key=key,
            line=start,
            authors=authors,
            title=title,
            year=self._year(lines, start),
            work_class=classes[0],
            venue=venue,
            venue_class=classes[1],
            issns=issns,
            isbns=isbns,
            volume=first("volume"),
            issue=first("number"),
            pages=pages,
            doi=normalise_doi(doi) if (doi := first("doi")) else None,
            publisher=first("publisher"),
            publisher_place=first("place_published"),
        )

    def _year(self, lines: list[str], start: int) -> str | None:
        """The year of the first PY, Y1 or DA line ('1990', '1990/05/01/'), checked; None if absent."""
        for tag in YEAR_TAGS:
            for offset, line in enumerate(lines):
                if line.startswith(f"{tag}  -") and line[6:].strip():
                    return check_year(line[6:].strip().split("/")[0], self.path, start + offset)
        return None


def _author(name: str) -> Author:
    """'Family, Given[, Suffix]' as RIS prints it; a name without a comma is all family name."""
    family, _, rest = (part.strip() for part in name.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    return Author(family=family, given=given, suffix=suffix)
