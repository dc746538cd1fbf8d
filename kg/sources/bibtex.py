"""BibTeX ingester (bibtexparser 2): each entry becomes a ckg:Study with its ordered authors and venue.

Fields read (case-insensitive): author (with 'and others' meaning an incomplete list), title, year or date,
journal or journaltitle, issn, volume, number or issue, pages, doi, publisher. Other fields are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import Entry, ParsingFailedBlock
from rdflib import Graph, URIRef

from kg.errors import UserError
from kg.rdfio import read_text
from kg.sources.studies import Author, StudyRecord, check_year, normalise_doi, studies_graph

OTHERS = "others"


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log output for the duration; its failures are reported as UserError instead."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _failure_cause(block: ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    return f"bad BibTeX entry: {' '.join(reason.split())}"


class BibTeXSource:
    """A .bib file; its records are StudyRecords in file order."""

    kind: ClassVar[str] = "bibtex"

    def __init__(self, path: Path, taken: Collection[URIRef] = ()) -> None:
        self.path = path
        self.taken = taken  # IRIs other graphs already use; new studies and persons avoid them

    def iter_records(self) -> Iterator[StudyRecord]:
        text = read_text(self.path, "BibTeX file")
        with _quiet("bibtexparser"):
            library = bibtexparser.parse_string(
                text,
                append_middleware=[
                    middlewares.NormalizeFieldKeys(),
                    middlewares.LatexDecodingMiddleware(),
                    middlewares.SeparateCoAuthors(),
                    middlewares.SplitNameParts(),
                ],
            )
        if library.failed_blocks:
            first = min(library.failed_blocks, key=lambda b: b.start_line or 0)
            raise UserError(_failure_cause(first), self.path, (first.start_line or 0) + 1)
        for entry in library.entries:
            yield self._record(entry)

    def to_graph(self) -> Graph:
        return studies_graph(list(self.iter_records()), self.taken)

    def _record(self, entry: Entry) -> StudyRecord:
        fields = {f.key: f for f in entry.fields}
        line = entry.start_line + 1

        def text(*keys: str) -> str | None:
            for key in keys:
                if key in fields and str(fields[key].value).strip():
                    return " ".join(str(fields[key].value).split())
            return None

        names = fields["author"].value if "author" in fields else []
        authors = tuple(
            Author(family=" ".join(n.von + n.last), given=" ".join(n.first), suffix=" ".join(n.jr))
            for n in names
            if " ".join(n.last).lower() != OTHERS
        )
        year_key = "year" if text("year") else "date"
        year = text(year_key)
        return StudyRecord(
            key=entry.key,
            line=line,
            authors=authors,
            author_list_complete=len(authors) == len(names),
            title=text("title"),
            year=check_year(year, self.path, fields[year_key].start_line + 1) if year else None,
            journal=text("journal", "journaltitle"),
            issn=text("issn"),
            volume=text("volume"),
            issue=text("number", "issue"),
            pages=text("pages"),
            doi=normalise_doi(doi) if (doi := text("doi")) else None,
            publisher=text("publisher"),
        )
