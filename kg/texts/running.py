"""Recognise running headers, footers and page numbers in the pages of an extracted text.

A line is running text when it is among the first or last `EDGE_LINES` non-blank lines of its page and
either (a) the same line, digits ignored, stands at the edge of at least two pages and has at least
`MIN_REPEATED` other characters (a running header or footer, e.g. the journal's name with the page
number; a short word that happens to end two pages is not one), or (b) it is a bare page number ("7",
"Page 7", "7 of 12", "- 7 -").
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from clusterkg.kg.texts.model import Span

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running text
# characters (digits and spaces aside) a repeated edge line needs to be running text
MIN_REPEATED = 10
PAGE_NUMBER = re.compile(r"(?i)^[\s\-–—]*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?[\s\-–—]*$")


def running_spans(text: str, pages: tuple[int, ...]) -> tuple[Span, ...]:
    """The spans of `text` (pages starting at `pages`) that are running headers, footers or page numbers."""
    bounds = [*pages, len(text)]
    edges = [_edge_lines(text, start, end) for start, end in pairwise(bounds)]
    seen = Counter(key for page in edges for key in {_key(text, span) for span in page})
    spans = [
        span
        for page in edges
        for span in page
        if PAGE_NUMBER.match(text[span[0] : span[1]])
        or (
            seen[key := _key(text, span)] >= 2
            and len(key.replace("#", "").replace(" ", "")) >= MIN_REPEATED
        )
    ]
    return tuple(sorted(set(spans)))


def _edge_lines(text: str, start: int, end: int) -> list[Span]:
    """The first and last EDGE_LINES non-blank lines of the page text[start:end]."""
    lines = []
    offset = start
    for line in text[start:end].split("\n"):
        if line.strip():
            lines.append((offset, offset + len(line)))
        offset += len(line) + 1
    return lines[:EDGE_LINES] + lines[max(EDGE_LINES, len(lines) - EDGE_LINES) :]


def _key(text: str, span: Span) -> str:
    """A line as compared across pages: digits and whitespace runs ignored."""
    return " ".join(re.sub(r"\d+", "#", text[span[0] : span[1]].replace("\f", "")).split())
