"""Check every Web Annotation text-quote selector against its source text: present, and unique in context.

Source texts are plain text, PDF or HTML (`kg.texts`, cached under the data directory). Text and quotes
are compared as `kg.texts.match` reads them: whitespace-normalised, and tolerant of what extraction does
(ligatures, quotation marks and dashes, soft hyphens, non-breaking spaces, words hyphenated at a line
end, running headers and page numbers cut out); each check names the normalisations its quote needed.
A quote passes when its `oa:exact` occurs in the body text and `prefix + exact + suffix` occurs exactly
once. A quote not found fails, and its check names the nearest passage, never accepted.
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

from clusterkg.kg.errors import display_path
from clusterkg.kg.namespaces import CKG, OA
from clusterkg.kg.texts.load import load_text
from clusterkg.kg.texts.match import Matcher

Status = Literal["ok", "mismatch", "ambiguous", "missing-text", "unregistered"]
QUOTE_SHOWN = 100  # characters of a quote shown in a message
PASSAGE_SHOWN = 160  # characters of the nearest passage shown for a quote not found
# no source text to look the quote up in: the document has no ckg:textFile, or the file is missing
UNCHECKED: frozenset[Status] = frozenset({"missing-text", "unregistered"})


def normalise(text: str) -> str:
    """NFC, every run of whitespace collapsed to one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


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
    normalisations: tuple[str, ...] = ()  # what a passing quote needed beyond whitespace

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

    @property
    def normalised(self) -> list[QuoteCheck]:
        """Passing quotes that needed more than whitespace normalisation."""
        return [c for c in self.passed if c.normalisations]

    def summary(self) -> str:
        normalised = f" ({len(self.normalised)} normalised)" if self.normalised else ""
        return (
            f"quotes: {len(self.checks)} selectors, {len(self.passed)} ok{normalised}, "
            f"{len(self.failures)} failed, {len(self.skipped)} not checked"
        )


def check_quotes(
    graph: Graph,
    text_files: Mapping[URIRef, Path],
    strict: bool = False,
    files: Mapping[Path, Graph] | None = None,
    cache_dir: Path | None = None,
) -> QuoteReport:
    """Check every text-quote selector in `graph` over the documents that have a text file.

    `files` (data file -> its triples) lets each failure name the file that holds the selector;
    extracted texts are cached in `cache_dir` when given. Raises UserError for a text that cannot be
    read (an encrypted, scanned or truncated PDF, text that is not UTF-8).
    """
    texts: dict[URIRef, Matcher | None] = {}
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
                    report.checks.append(_checked(unchecked, text_files, texts, cache_dir))
    return report


def _checked(
    check: QuoteCheck,
    text_files: Mapping[URIRef, Path],
    texts: dict[URIRef, Matcher | None],
    cache_dir: Path | None,
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
        texts[document] = Matcher(load_text(path, cache_dir)) if path.is_file() else None
    matcher = texts[document]
    shown = display_path(path)
    if matcher is None:
        return replace(
            check, status="missing-text", detail=f"not checked: source text {shown} not found"
        )
    if not normalise(check.exact):
        return replace(check, status="mismatch", detail="has an empty oa:exact")
    if not matcher.find(check.exact):
        return replace(check, status="mismatch", detail=not_found(matcher, check.exact))
    found = matcher.find(check.exact, check.prefix, check.suffix)
    if not found:
        detail = f"found, but not with its prefix/suffix in {shown}"
        return replace(check, status="mismatch", detail=detail)
    if len(found) > 1:
        hint = (
            "make prefix/suffix longer"
            if check.prefix or check.suffix
            else "add a prefix or suffix"
        )
        detail = f"is ambiguous: occurs {len(found)} times in {shown}; {hint}"
        return replace(check, status="ambiguous", detail=detail)
    needed = found[0].normalisations
    detail = f"ok after normalising: {', '.join(needed)}" if needed else "ok"
    return replace(check, status="ok", detail=detail, normalisations=needed)


def not_found(matcher: Matcher, exact: str) -> str:
    """Why a quote is not in the body text, and the nearest passage (shown, never accepted)."""
    source = matcher.source
    shown = display_path(source.path)
    where = (
        f"occurs only in a running header or page number of {shown}, not in its body text"
        if matcher.in_running_text_only(exact)
        else f"not found in {shown}"
    )
    nearest = matcher.nearest(exact)
    if nearest is None:
        return where
    passage = nearest.passage
    if len(passage) > PASSAGE_SHOWN:
        passage = passage[: PASSAGE_SHOWN - 1] + "…"
    return (
        f"{where}; nearest passage ({nearest.similarity:.1f}% similar, "
        f'{source.position(nearest.start)}, character {nearest.start}): "{passage}"'
    )
