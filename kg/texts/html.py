"""Extract the readable text of an HTML page: block elements become line breaks, scripts and styles go."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"}
    | {"ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)
ASCII_SPACES = re.compile(r"[ \t\r\f\v]+")  # non-breaking spaces stay: quotes are checked for them
HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def extract_html(markup: str) -> str:
    """The text of an HTML document, one block per line."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (ASCII_SPACES.sub(" ", line).strip(" ") for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
