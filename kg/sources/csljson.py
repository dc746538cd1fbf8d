"""CSL-JSON ingester: each item of a CSL-JSON file (Zotero's and Better BibTeX's "CSL JSON" export,
Mendeley's, Pandoc's, Manubot's) becomes a ckg:Study, as from BibTeX.

The file is a JSON list of items, or an object whose "items" is that list (the Zotero web API and
citeproc-js write that). Read: id (required, unique), type (a CSL type: work-types.csv maps it to
FaBiO/BIBO), author and editor (family, given, literal, non-dropping-particle, dropping-particle, suffix),
issued (date-parts, raw, literal, season), title, container-title, volume, issue, page, DOI, ISBN, ISSN,
URL, publisher, publisher-place. Other keys are ignored. Every bad item is reported at once, one line
each, with the line of the item or of the bad field.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rdflib import Graph, URIRef

from clusterkg.kg.errors import UserError, UserErrors
from clusterkg.kg.sources.base import read_input
from clusterkg.kg.sources.studies import (
    DEFAULT_VENUE_CLASS,
    Author,
    FieldError,
    StudyRecord,
    check_length,
    check_month_day,
    check_names,
    join_particle,
    normalise_pages,
    parse_date,
    parse_doi,
    parse_isbns,
    parse_issns,
    parse_urls,
    studies_graph,
    work_classes,
)

OTHERS = "others"
YEAR_IN_TEXT = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")
ISO_DATE = re.compile(r"\d{4}(-\d{1,2}(-\d{1,2})?)?(/.*)?")
SEASONS = range(13, 17)  # citeproc-js writes a season as month 13-16
_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
T = TypeVar("T")


class CSLJSONSource:
    """A CSL-JSON file; its records are StudyRecords in file order."""

    kind: ClassVar[str] = "csljson"
    suffixes: ClassVar[tuple[str, ...]] = (".json",)

    def __init__(self, path: Path, taken: Collection[URIRef] = ()) -> None:
        self.path = path
        self.taken = taken  # IRIs other graphs already use; new studies and persons avoid them

    def iter_records(self) -> Iterator[StudyRecord]:
        text = read_input(self.path, "CSL-JSON file")
        document = _Document(text, self.path)
        records, errors, seen = [], [], {}
        for number, (start, item) in enumerate(document.items(), start=1):
            try:
                records.append(self._record(document, number, start, item, seen))
            except UserError as exc:
                errors.append(exc)
        if errors:
            raise UserErrors(errors)
        yield from records

    def to_graph(self) -> Graph:
        return studies_graph(list(self.iter_records()), self.taken)

    def _record(
        self, document: _Document, number: int, start: int, item: Any, seen: dict[str, int]
    ) -> StudyRecord:
        line = document.line(start)
        if not isinstance(item, dict):
            raise UserError(f"item {number} is {_kind(item)}, not an object", self.path, line)
        fields = document.members(start)
        key = item.get("id")
        if isinstance(key, bool) or not isinstance(key, str | int) or not str(key).strip():
            raise UserError(f"item {number} has no id (each item needs one)", self.path, line)
        key = str(key).strip()
        if key in seen:
            raise UserError(
                f"duplicate id {key!r}: the same id as the item on line {seen[key]}",
                self.path,
                line,
            )
        seen[key] = line

        def read(name: str, parse: Callable[[Any], T]) -> T | None:
            value = item.get(name)
            if value is None or (isinstance(value, str | list) and not value):
                return None
            try:
                return parse(value)
            except FieldError as exc:
                where = document.line(fields[name])
                raise UserError(f"item {key!r}, field {name}: {exc}", self.path, where) from None

        record_type = read("type", _string)
        classes = work_classes("csl", record_type) if record_type else (None, DEFAULT_VENUE_CLASS)
        if classes is None:
            raise UserError(
                f"item {key!r}, field type: {record_type!r} is not a CSL type",
                self.path,
                document.line(fields["type"]),
            )
        names = read("author", _names) or []
        authors = tuple(n for n in names if OTHERS not in (n.family.lower(), n.literal.lower()))
        year, month, day = read("issued", _issued) or (None, None, None)
        return StudyRecord(
            key=key,
            line=line,
            authors=authors,
            author_list_complete=len(authors) == len(names),
            editors=tuple(read("editor", _names) or ()),
            title=read("title", _text),
            year=year,
            month=month,
            day=day,
            work_class=classes[0],
            venue=read("container-title", _text),
            venue_class=classes[1],
            issns=read("ISSN", lambda v: parse_issns(_joined(v))) or (),
            isbns=read("ISBN", lambda v: parse_isbns(_joined(v))) or (),
            volume=read("volume", _text),
            issue=read("issue", _text),
            pages=read("page", lambda v: normalise_pages(_text(v) or "")) or None,
            doi=read("DOI", lambda v: parse_doi(_string(v))),
            urls=read("URL", lambda v: parse_urls(_string(v))) or (),
            publisher=read("publisher", _text),
            publisher_place=read("publisher-place", _text),
        )


class _Document:
    """A parsed JSON text that can say on which line each item, and each key of an item, starts."""

    def __init__(self, text: str, path: Path) -> None:
        self.text, self.path = text, path
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        if not text.strip():
            raise UserError("CSL-JSON file is empty", path)
        try:
            self.value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"bad JSON: {exc.msg}", path, exc.lineno) from None
        except RecursionError:
            raise UserError("bad JSON: nested too deeply", path) from None

    def line(self, position: int) -> int:
        return bisect.bisect_left(self._newlines, position) + 1

    def items(self) -> list[tuple[int, Any]]:
        """(position, item) of each item; UserError for a file that holds no list of items."""
        value, start = self.value, _skip(self.text, 0)
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            if any(isinstance(i, dict) and "itemType" in i for i in value["items"]):
                raise UserError(
                    "this is Zotero or Better BibTeX JSON (Zotero items), not CSL-JSON: "
                    "export as 'CSL JSON' or 'Better CSL JSON'",
                    self.path,
                )
            value, start = value["items"], self.members(start)["items"]
        if not isinstance(value, list):
            raise UserError(
                f'a CSL-JSON file holds a list of items, or an object with an "items" list; '
                f"this one holds {_kind(value)}",
                self.path,
                1,
            )
        return list(zip(self._elements(start), value, strict=True))

    def members(self, start: int) -> dict[str, int]:
        """Where the value of each key of the object at `start` begins (the first, for a repeated key)."""
        text, out = self.text, {}
        position = _skip(text, start + 1)
        while text[position] != "}":
            key, end = _DECODER.raw_decode(text, position)
            position = _skip(text, _skip(text, end) + 1)  # past the colon
            out.setdefault(key, position)
            _, end = _DECODER.raw_decode(text, position)
            position = _skip(text, end)
            position = _skip(text, position + 1) if text[position] == "," else position
        return out

    def _elements(self, start: int) -> list[int]:
        text, out = self.text, []
        position = _skip(text, start + 1)
        while text[position] != "]":
            out.append(position)
            _, end = _DECODER.raw_decode(text, position)
            position = _skip(text, end)
            position = _skip(text, position + 1) if text[position] == "," else position
        return out


def _skip(text: str, position: int) -> int:
    return _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _string(value: Any) -> str:
    """A string field (a number is taken as its digits: CSL allows `"volume": 12`)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(f"expected a string, got {_kind(value)}")
    return " ".join(str(value).split())


def _text(value: Any) -> str | None:
    return check_length(_string(value), "the value") or None


def _joined(value: Any) -> str:
    """ISSN and ISBN: one string, or a list of strings (some exporters write a list)."""
    if isinstance(value, list):
        return ", ".join(_string(v) for v in value)
    return _string(value)


def _names(value: Any) -> list[Author]:
    if not isinstance(value, list):
        raise FieldError(f"expected a list of names, got {_kind(value)}")
    authors = [_name(name, position) for position, name in enumerate(value, start=1)]
    check_names(authors, "name")
    return authors


def _name(name: Any, position: int) -> Author:
    if not isinstance(name, dict):
        raise FieldError(f"name {position} is {_kind(name)}, not an object")
    parts = {}
    for part in (
        "family",
        "given",
        "literal",
        "non-dropping-particle",
        "dropping-particle",
        "suffix",
    ):
        if name.get(part) is not None:
            if not isinstance(name[part], str):
                raise FieldError(f"name {position}: {part} is {_kind(name[part])}, not a string")
            parts[part] = " ".join(name[part].split())
    family = join_particle(
        *(parts.get(p) for p in ("dropping-particle", "non-dropping-particle", "family"))
    )
    if parts.get("literal") or not family:  # a name without a family name is printed as one unit
        return Author(literal=parts.get("literal") or parts.get("given", ""))
    return Author(family=family, given=parts.get("given", ""), suffix=parts.get("suffix", ""))


def _issued(value: Any) -> tuple[str | None, int | None, int | None]:
    """(year, month, day) of a CSL date: date-parts (numbers or numeric strings; the first date of a
    range), else raw (ISO 8601, or any text holding one year), else literal (the same); a season is kept
    only as its year. A date with no year ('n.d.', 'forthcoming') gives (None, None, None)."""
    if isinstance(value, str):  # some exporters write the date as a plain string
        value = {"raw": value}
    if not isinstance(value, dict):
        raise FieldError(f"expected a date object, got {_kind(value)}")
    if value.get("date-parts"):
        return _date_parts(value["date-parts"])
    for key in ("raw", "literal"):
        if value.get(key):
            text = _string(value[key])
            if ISO_DATE.fullmatch(text):
                return parse_date(text)
            years = YEAR_IN_TEXT.findall(text)
            return (years[0], None, None) if years else (None, None, None)
    return None, None, None


def _date_parts(parts: Any) -> tuple[str | None, int | None, int | None]:
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        raise FieldError("date-parts must be a list of dates, each a list [year, month, day]")
    if not parts[0] or parts[0][0] in (None, ""):  # [[]], [[""]]: no date given
        return None, None, None
    numbers = []
    for part in parts[0][:3]:
        text = _string(part)
        if not text.lstrip("-").isdigit():
            raise FieldError(f"date-parts holds {text[:40]!r}, not a number")
        numbers.append(int(text))
    year, month, day = (numbers + [None, None])[:3]
    if not 1000 <= year <= 2999:
        raise FieldError(f"bad year {year} in date-parts: expected four digits")
    if month in SEASONS:
        return str(year), None, None
    check_month_day(month, day, parts[0])
    return str(year), month, day
