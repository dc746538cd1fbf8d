"""Finds a verbatim quote in its source text and cuts out the passage with the text around it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.quotes import normalise

CONTEXT_CHARS = 360


@dataclass(frozen=True)
class QuoteView:
    """A quote for a page: the passage in its context when the source text is at hand, else the quote alone."""

    exact: str
    before: str = ""
    passage: str = ""
    after: str = ""
    caption: str = ""


def quote_view(
    exact: str,
    prefix: str,
    suffix: str,
    document: URIRef | None,
    text_files: Mapping[URIRef, Path],
    source_label: str,
) -> QuoteView:
    """The quote located in the document's text (whitespace-normalised as the quote checker reads it)."""
    path = text_files.get(document) if document is not None else None
    if path is None or not path.is_file():
        return QuoteView(
            exact, caption=f"Quote from {source_label} (source text not available here)"
        )
    text = normalise(path.read_text(encoding="utf-8"))
    span = locate(text, exact, prefix, suffix)
    if span is None:
        return QuoteView(exact, caption=f"Quote from {source_label} (not found in its source text)")
    start, end = span
    return QuoteView(
        exact,
        before=_tail(text[max(0, start - CONTEXT_CHARS) : start], start > CONTEXT_CHARS),
        passage=text[start:end],
        after=_head(text[end : end + CONTEXT_CHARS], end + CONTEXT_CHARS < len(text)),
        caption=f"The passage highlighted in the text of {source_label}",
    )


def locate(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """Start and end of `exact` in normalised `text`, disambiguated by prefix and suffix."""
    wanted = normalise(exact)
    if not wanted:
        return None
    anchor = text.find(normalise(f"{prefix}{exact}{suffix}")) if prefix or suffix else -1
    start = text.find(wanted, anchor + len(normalise(prefix)) if anchor >= 0 else 0)
    return (start, start + len(wanted)) if start >= 0 else None


def _tail(text: str, cut: bool) -> str:
    """The end of `text`, starting at a word boundary when it was cut from a longer text."""
    return text[text.find(" ") + 1 :] if cut and " " in text else text


def _head(text: str, cut: bool) -> str:
    return text[: text.rfind(" ")] if cut and " " in text else text


def quote_from_row(
    row: Mapping[str, object], text_files: Mapping[URIRef, Path]
) -> QuoteView | None:
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
        text_files,
        str(label),
    )
