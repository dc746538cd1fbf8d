"""Evidence-table ingester: a CSV file with one claim per row, each with its verbatim quote.

The file is UTF-8 CSV (a byte-order mark, as Excel writes it, is allowed; comma-separated, RFC 4180 quoting). Lines starting with `#` before the header row
are comments. The header names the columns; order is free, unknown column names are an error.

  column           required  meaning
  claim_id         yes       slug [a-z0-9-] naming the claim: resource/claim/<claim_id>; unique in the file
  claim_type       no        claim (default) | finding | limitation | method
  claim_label      yes       the claim in one English sentence (rdfs:label @en)
  study            yes       the study the claim is attributed to (ckg:attributedTo); several studies cited
                             together for one claim ('Giuliani & Bell, 2005; Li et al., 2013') separated by ';'
  source_document  yes       the document the quote is taken from (ckg:reportedIn, oa:hasSource)
  quote_exact      yes       the verbatim passage (oa:exact)
  quote_prefix     no        text right before the passage, to make it unique (oa:prefix)
  quote_suffix     no        text right after the passage (oa:suffix)
  subjects         no        what the claim is about: concepts, classes, actors; separated by ';' (dcterms:subject)
  section          no        heading of the section the passage stands in, as printed (ckg:section)
  study_cited_as   no        how the source document cites the study, e.g. 'Porter, 1990' (ckg:citedAs)
  study_year       no        the study's year as the source document gives it: four digits (fabio:hasPublicationYear)

With several studies in `study`, `study_cited_as` and `study_year` are empty or give one value per study, in
the same order, separated by ';'.

`study`, `source_document` and `subjects` take a full IRI, `<IRI>`, or a CURIE with one of the project's
prefixes (ckr:study/porter-1990); `study` and `source_document` also take a bare slug, read as
resource/study/<slug> and resource/document/<slug>.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, FABIO, OA
from clusterkg.kg.sources.base import expand_term, new_graph, read_input, resource_iri
from clusterkg.kg.sources.studies import check_year

REQUIRED = ("claim_id", "claim_label", "study", "source_document", "quote_exact")
OPTIONAL = (
    "claim_type",
    "quote_prefix",
    "quote_suffix",
    "subjects",
    "section",
    "study_cited_as",
    "study_year",
)
CLAIM_TYPES = {
    "claim": CKG.Claim,
    "finding": CKG.Finding,
    "limitation": CKG.Limitation,
    "method": CKG.MethodStatement,
}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LIST_SEPARATOR = ";"  # between subjects, and between the studies of one claim


@dataclass(frozen=True)
class ClaimRecord:
    """One row of the evidence table, checked and with its terms expanded; `line` is where the row starts."""

    line: int
    claim: URIRef
    claim_type: URIRef
    label: str
    studies: tuple[URIRef, ...]
    document: URIRef
    exact: str
    prefix: str = ""
    suffix: str = ""
    subjects: tuple[URIRef, ...] = ()
    section: str = ""
    study_cited_as: tuple[str, ...] = ()  # empty, or one per study
    study_year: tuple[str, ...] = ()  # empty, or one per study


class EvidenceCSVSource:
    """An evidence table; its records are ClaimRecords in row order."""

    kind: ClassVar[str] = "csv"
    suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    def __init__(self, path: Path, taken: Collection[URIRef] = ()) -> None:
        self.path = path
        self.taken = taken  # claim IRIs other graphs already use: a row naming one is refused

    def iter_records(self) -> Iterator[ClaimRecord]:
        lines = read_input(self.path, "CSV file").splitlines(keepends=True)
        skipped = 0  # comment and blank lines before the header
        while skipped < len(lines) and (
            lines[skipped].startswith("#") or not lines[skipped].strip()
        ):
            skipped += 1
        reader = csv.reader(io.StringIO("".join(lines[skipped:]), newline=""), strict=True)
        row_start = 1  # line of the row being read, counted from the header
        try:
            columns = self._check_header(next(reader, None), skipped + 1)
            seen: dict[str, int] = {}
            row_start = reader.line_num + 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield self._record(columns, cells, skipped + row_start, seen)
                row_start = reader.line_num + 1
        except csv.Error as exc:
            raise UserError(f"bad CSV: {exc}", self.path, skipped + row_start) from None

    def to_graph(self) -> Graph:
        graph = new_graph()
        for record in self.iter_records():
            add_claim(graph, record)
        return graph

    def _check_header(self, header: list[str] | None, line: int) -> list[str]:
        if not header:
            raise UserError("no header row", self.path, line)
        columns = [n.strip() for n in header]
        missing = [c for c in REQUIRED if c not in columns]
        unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
        duplicate = sorted({c for c in columns if columns.count(c) > 1})
        if missing:
            raise UserError(f"missing required column(s): {', '.join(missing)}", self.path, line)
        if unknown:
            raise UserError(f"unknown column(s): {', '.join(unknown)}", self.path, line)
        if duplicate:
            raise UserError(f"duplicate column(s): {', '.join(duplicate)}", self.path, line)
        return columns

    def _record(
        self, columns: list[str], cells: list[str], line: int, seen: dict[str, int]
    ) -> ClaimRecord:
        if len(cells) != len(columns):
            raise UserError(f"{len(cells)} cells but {len(columns)} columns", self.path, line)
        raw = dict(zip(columns, cells, strict=True))
        cell = {k: v.strip() for k, v in raw.items()}
        for column in REQUIRED:
            if not cell[column]:
                raise UserError(f"empty required cell {column!r}", self.path, line)
        claim_id = cell["claim_id"]
        if not SLUG.fullmatch(claim_id):
            raise UserError(
                f"bad claim_id {claim_id!r}: use lower-case letters, digits and '-'",
                self.path,
                line,
            )
        if claim_id in seen:
            raise UserError(
                f"claim_id {claim_id!r} already used on line {seen[claim_id]}", self.path, line
            )
        seen[claim_id] = line
        claim = resource_iri("claim", claim_id)
        if claim in self.taken:
            raise UserError(
                f"claim_id {claim_id!r} is already used by another graph", self.path, line
            )
        claim_type = cell.get("claim_type") or "claim"
        if claim_type not in CLAIM_TYPES:
            raise UserError(
                f"bad claim_type {claim_type!r}: expected one of {', '.join(CLAIM_TYPES)}",
                self.path,
                line,
            )
        studies = tuple(
            self._term(s.strip(), "study", "study", line)
            for s in cell["study"].split(LIST_SEPARATOR)
            if s.strip()
        )
        return ClaimRecord(
            line=line,
            claim=claim,
            claim_type=CLAIM_TYPES[claim_type],
            label=cell["claim_label"],
            studies=studies,
            document=self._term(cell["source_document"], "source_document", "document", line),
            exact=cell["quote_exact"],
            prefix=raw.get("quote_prefix", ""),
            suffix=raw.get("quote_suffix", ""),
            subjects=tuple(
                self._term(s, "subjects", None, line)
                for s in cell.get("subjects", "").split(LIST_SEPARATOR)
                if s.strip()
            ),
            section=cell.get("section", ""),
            study_cited_as=self._per_study(cell, "study_cited_as", len(studies), line),
            study_year=tuple(
                check_year(y, self.path, line)
                for y in self._per_study(cell, "study_year", len(studies), line)
            ),
        )

    def _per_study(
        self, cell: dict[str, str], column: str, studies: int, line: int
    ) -> tuple[str, ...]:
        """The ';'-separated values of `column`: none, or one per study of the row."""
        if not cell.get(column):
            return ()
        values = tuple(v.strip() for v in cell[column].split(LIST_SEPARATOR))
        if len(values) != studies or not all(values):
            raise UserError(
                f"{column} gives {len(values)} value(s) for {studies} stud{'y' if studies == 1 else 'ies'}",
                self.path,
                line,
            )
        return values

    def _term(self, text: str, column: str, slug_kind: str | None, line: int) -> URIRef:
        if slug_kind and SLUG.fullmatch(text):
            return resource_iri(slug_kind, text)
        try:
            return expand_term(text)
        except ValueError as exc:
            raise UserError(f"bad {column}: {exc}", self.path, line) from None


def add_claim(graph: Graph, record: ClaimRecord) -> None:
    """Add one claim with its attribution, provenance and Web Annotation quote, as the seed graph records them."""
    claim = record.claim
    graph.add((claim, RDF.type, record.claim_type))
    graph.add((claim, RDFS.label, Literal(record.label, lang="en")))
    for study in record.studies:
        graph.add((claim, CKG.attributedTo, study))
    graph.add((claim, CKG.reportedIn, record.document))
    graph.add((claim, PROV.wasDerivedFrom, record.document))
    if record.section:
        graph.add((claim, CKG.section, Literal(record.section)))
    for subject in record.subjects:
        graph.add((claim, DCTERMS.subject, subject))
    target, selector = BNode(), BNode()
    graph.add((claim, CKG.hasQuote, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, record.document))
    graph.add((target, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.TextQuoteSelector))
    graph.add((selector, OA.exact, Literal(record.exact)))
    if record.prefix:
        graph.add((selector, OA.prefix, Literal(record.prefix)))
    if record.suffix:
        graph.add((selector, OA.suffix, Literal(record.suffix)))
    for study, cited_as in zip(record.studies, record.study_cited_as, strict=False):
        graph.add((study, CKG.citedAs, Literal(cited_as)))
    for study, year in zip(record.studies, record.study_year, strict=False):
        graph.add((study, FABIO.hasPublicationYear, Literal(year, datatype=XSD.gYear)))
