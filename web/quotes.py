"""Finds a verbatim quote in its source text (plain, PDF or HTML) and cuts out the passage with the text
around it, with the page it stands on in a PDF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from clusterkg.kg.texts.registry import TextFiles

CONTEXT_CHARS = 360


@dataclass(frozen=True)
class QuoteView:
    """A quote for a page: the passage in its context when the source text is at hand, else the quote alone."""

    exact: str
    before: str = ""
    passage: str = ""
    after: str = ""
    caption: str = ""
    page: int | None = None  # the page of a PDF the passage starts on


def quote_view(
    exact: str,
    prefix: str,
    suffix: str,
    document: URIRef | None,
    texts: TextFiles,
    source_label: str,
) -> QuoteView:
    """The quote located in the document's text as the quote checker reads it (kg.texts.match)."""
    matcher = texts.matcher(document) if document is not None else None
    if matcher is None:
        return QuoteView(
            exact, caption=f"Quote from {source_label} (source text not available here)"
        )
    found = matcher.find(exact, prefix, suffix) or matcher.find(exact)
    if not found:
        return QuoteView(exact, caption=f"Quote from {source_label} (not found in its source text)")
    start, end = found[0].start, found[0].end
    source = matcher.source
    page = source.page_of(start) if source.kind == "pdf" else None
    where = f", page {page}" if page is not None else ""
    text = source.text
    gap_before = " " if start > 0 and text[start - 1].isspace() else ""
    gap_after = " " if end < len(text) and text[end].isspace() else ""
    before = matcher.clean(max(0, start - CONTEXT_CHARS), start)
    after = matcher.clean(end, end + CONTEXT_CHARS)
    return QuoteView(
        exact,
        before=_tail(before, start > CONTEXT_CHARS) + gap_before,
        passage=matcher.clean(start, end),
        after=gap_after + _head(after, end + CONTEXT_CHARS < len(text)),
        caption=f"The passage highlighted in the text of {source_label}{where}",
        page=page,
    )


def _tail(text: str, cut: bool) -> str:
    """The end of `text`, starting at a word boundary when it was cut from a longer text."""
    return text[text.find(" ") + 1 :] if cut and " " in text else text


def _head(text: str, cut: bool) -> str:
    return text[: text.rfind(" ")] if cut and " " in text else text


def quote_from_row(row: Mapping[str, object], texts: TextFiles) -> QuoteView | None:
    """The quote of a query row with ?exact, ?prefix, ?suffix, ?quoteDocument, ?quoteDocumentLabel."""
    if row.get("exact") is None:
        return None
    document = row.get("quoteDocument")
    label = row.get("quoteDocumentLabel") or document or "its source"
    return quote_view(
        str(row["exact"]),
        str(row.get("prefix") or ""),
        str(row.get("suffix") or ""),
        document if isinstance(document, URIRef) else None,
        texts,
        str(label),
    )
