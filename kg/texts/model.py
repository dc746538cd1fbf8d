"""An extracted full text: its characters, where each page starts, and which lines are running headers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

Span = tuple[int, int]  # [start, end) character offsets into SourceText.text


@dataclass(frozen=True)
class SourceText:
    """The text of one file as extracted (NFC). `pages` holds each page's start offset (one page for plain
    text and HTML); `running` the spans of running headers, footers and page numbers, which are not body
    text: a quote must not be found only there, and a sentence they cut is read across them."""

    path: Path
    kind: str  # text | pdf | html
    sha256: str
    text: str
    pages: tuple[int, ...] = (0,)
    running: tuple[Span, ...] = ()

    def page_of(self, offset: int) -> int:
        """The 1-based page number of a character offset."""
        return bisect.bisect_right(self.pages, offset)

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a character offset."""
        return self.text.count("\n", 0, offset) + 1

    def position(self, offset: int) -> str:
        """Where an offset lies, as a reader looks for it: the page of a PDF, else the line."""
        if self.kind == "pdf":
            return f"page {self.page_of(offset)}"
        return f"line {self.line_of(offset)}"
