"""Check every Web Annotation text-quote selector against its source text: present, and unique in context.

Text and quotes are compared whitespace-normalised (NFC, every run of whitespace read as one space).
A quote passes when its `oa:exact` occurs in the text and `prefix + exact + suffix` occurs exactly once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import display_path
from kg.namespaces import CKG, OA
from kg.rdfio import read_text

Status = Literal["ok", "mismatch", "ambiguous", "missing-text", "unregistered"]
QUOTE_SHOWN = 100  # characters of a quote shown in a message
# no source text to look the quote up in: the document has no ckg:textFile, or the file is missing
UNCHECKED: frozenset[Status] = frozenset({"missing-text", "unregistered"})


def normalise(text: str) -> str:
    """NFC, every run of whitespace collapsed to one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def count_occurrences(needle: str, haystack: str) -> int:
    """How often `needle` occurs in `haystack`, overlapping occurrences included."""
    count, start = 0, haystack.find(needle)
    while start != -1:
        count += 1
        start = haystack.find(needle, start + 1)
    return count


@dataclass(frozen=True)
class QuoteCheck:
    """The outcome for one selector: which resource carries it, over which document, and what was found."""

    resource: Node  # the node that has the quote (a claim, statistic, ...) or the oa:SpecificResource itself
    selector: Node
    document: URIRef | None
    exact: str
    prefix: str
    suffix: str
    status: Status
    detail: str
    text_file: Path | None = None  # the source text the quote was looked up in
    origin: Path | None = None  # the data file that holds the selector, when known

    def line(self) -> str:
        """One line for the user: where, which resource, which quote, what is wrong."""
        shown = (
            self.exact if len(self.exact) <= QUOTE_SHOWN else self.exact[: QUOTE_SHOWN - 1] + "…"
        )
        where = f"{display_path(self.origin)}: " if self.origin else ""
        return f'{where}<{self.resource}>: quote "{shown}" {self.detail}'


@dataclass
class QuoteReport:
    """All quote checks of a build; `strict` turns a quote without source text (its document has no
    ckg:textFile, or the file is missing) from one not checked into a failure."""

    checks: list[QuoteCheck] = field(default_factory=list)
    strict: bool = False

    @property
    def failures(self) -> list[QuoteCheck]:
        failing = {"mismatch", "ambiguous"} | (UNCHECKED if self.strict else set())
        return [c for c in self.checks if c.status in failing]

    @property
    def skipped(self) -> list[QuoteCheck]:
        return [] if self.strict else [c for c in self.checks if c.status in UNCHECKED]

    @property
    def passed(self) -> list[QuoteCheck]:
        return [c for c in self.checks if c.status == "ok"]

    @property
    def ok(self) -> bool:
        return not self.failures

    def missing_texts(self) -> list[Path]:
        """Source text files that were looked for and not found."""
        return sorted(
            {c.text_file for c in self.checks if c.status == "missing-text" and c.text_file}
        )

    def summary(self) -> str:
        return (
            f"quotes: {len(self.checks)} selectors, {len(self.passed)} ok, "
            f"{len(self.failures)} failed, {len(self.skipped)} not checked"
        )


def check_quotes(
    graph: Graph,
    text_files: Mapping[URIRef, Path],
    strict: bool = False,
    files: Mapping[Path, Graph] | None = None,
) -> QuoteReport:
    """Check every text-quote selector in `graph` over the documents that have a text file.

    `files` (data file -> its triples) lets each failure name the file that holds the selector.
    """
    texts: dict[URIRef, str | None] = {}
    report = QuoteReport(strict=strict)
    selectors = set(graph.subjects(RDF.type, OA.TextQuoteSelector)) | set(
        graph.subjects(OA.exact, None)
    )
    for selector in sorted(selectors):
        origin = next((p for p, g in (files or {}).items() if (selector, None, None) in g), None)
        exact, prefix, suffix = (
            str(graph.value(selector, p) or "") for p in (OA.exact, OA.prefix, OA.suffix)
        )
        for target in sorted(graph.subjects(OA.hasSelector, selector)):
            holders = sorted(graph.subjects(CKG.hasQuote, target)) or sorted(
                graph.subjects(None, target)
            )
            for resource in holders or [target]:
                for document in sorted(graph.objects(target, OA.hasSource)) or [None]:
                    unchecked = QuoteCheck(
                        resource, selector, document, exact, prefix, suffix, "ok", "", origin=origin
                    )
                    report.checks.append(_checked(unchecked, text_files, texts))
    return report


def _checked(
    check: QuoteCheck, text_files: Mapping[URIRef, Path], texts: dict[URIRef, str | None]
) -> QuoteCheck:
    """`check` with its status and detail: the quote looked up in its document's text (read once)."""
    document = check.document
    if document is None:
        return replace(check, status="mismatch", detail="has no oa:hasSource document")
    if document not in text_files:
        detail = f"not checked: no source text for <{document}> (no ckg:textFile in the manifest)"
        return replace(check, status="unregistered", detail=detail)
    path = text_files[document]
    check = replace(check, text_file=path)
    if document not in texts:
        texts[document] = normalise(read_text(path, "source text")) if path.is_file() else None
    text = texts[document]
    shown = display_path(path)
    if text is None:
        return replace(
            check, status="missing-text", detail=f"not checked: source text {shown} not found"
        )
    exact = normalise(check.exact)
    if not exact:
        return replace(check, status="mismatch", detail="has an empty oa:exact")
    if exact not in text:
        return replace(check, status="mismatch", detail=f"not found in {shown}")
    found = count_occurrences(normalise(f"{check.prefix}{check.exact}{check.suffix}"), text)
    if found == 0:
        detail = f"found, but not with its prefix/suffix in {shown}"
        return replace(check, status="mismatch", detail=detail)
    if found > 1:
        hint = (
            "make prefix/suffix longer"
            if check.prefix or check.suffix
            else "add a prefix or suffix"
        )
        detail = f"is ambiguous: occurs {found} times in {shown}; {hint}"
        return replace(check, status="ambiguous", detail=detail)
    return replace(check, status="ok", detail="ok")
