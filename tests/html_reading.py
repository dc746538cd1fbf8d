"""Reading pages in tests with the standard library's HTML parser: the links and ids of a page, a table's cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

LINK_ATTRIBUTES = {"href", "src", "xlink:href"}


@dataclass
class PageParts:
    """Every link target (href, src, xlink:href) and every element id of a page, and each table's rows."""

    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    tables: dict[str, list[list[str]]] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts = PageParts()
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value is not None:
                self.parts.links.append(value)
            if name == "id" and value:
                self.parts.ids.add(value)
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.parts.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self.parts.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.parts.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_page(html: str) -> PageParts:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.parts
