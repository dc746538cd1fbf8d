"""BibTeX/BibLaTeX ingester (bibtexparser 2, pylatexenc): each entry becomes a ckg:Study, as Zotero, Better
BibTeX, JabRef and Google Scholar write them.

Fields read (case-insensitive): author and editor ('and others' means an incomplete list; a name in
double braces, `{{World Bank}}`, is one literal name, never split), title, year and month (`jun`,
`{jun 24}`) or BibLaTeX date, journal / journaltitle (or booktitle, or a non-URL howpublished), issn, isbn,
volume, number / issue, pages, doi, url (or a URL in howpublished), publisher (or institution, school,
organization), address / location. TeX accents and brace-protected words are decoded to Unicode text.
Every other field (abstract, urldate, file, keywords, ...) is ignored. Every bad entry of the file is
reported at once, one line each.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, TypeVar

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode, LatexWalker
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_walker_context
from pylatexenc.macrospec import MacroSpec
from rdflib import Graph, URIRef

from clusterkg.kg.errors import UserError, UserErrors
from clusterkg.kg.sources.base import read_input
from clusterkg.kg.sources.studies import (
    DEFAULT_VENUE_CLASS,
    URL,
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
    parse_year,
    studies_graph,
    work_classes,
)

OTHERS = "others"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH = re.compile(r"([a-z]{3})[a-z]*\.?|(\d{1,2})", re.IGNORECASE)
# text after an entry that looks like more of its fields: a brace closed the entry early
STRAY_FIELDS = re.compile(r"^\s*,?\s*[A-Za-z][\w-]*\s*=|^[\s}]+$")
ENTRY_KEY = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,")
# BibLaTeX's extended name format, as Better BibLaTeX writes names with particles:
# `family=Oord, given=Aaron, prefix=van den, useprefix=true`
EXTENDED_NAME = re.compile(r"^\s*(family|given|prefix|suffix)(-i)?\s*=", re.IGNORECASE)
VERBATIM = ("url", "doi")  # not TeX: only the escapes \_ \% \& \# \$ \~ are undone
TEX_SYNTAX = re.compile(r"[\\{}$~%&#^_]|--|``|''")  # anything pylatexenc would change
TEX_ESCAPE = re.compile(r"\\([_%&#$~])")
T = TypeVar("T")


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log output for the duration; its failures are reported as UserError instead."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


class BibTeXSource:
    """A .bib file; its records are StudyRecords in file order."""

    kind: ClassVar[str] = "bibtex"
    suffixes: ClassVar[tuple[str, ...]] = (".bib", ".bibtex")

    def __init__(self, path: Path, taken: Collection[URIRef] = ()) -> None:
        self.path = path
        self.taken = taken  # IRIs other graphs already use; new studies and persons avoid them
        context = get_default_latex_context_db()
        context.add_context_category(  # \url{x} is x, not <x>; \href{x}{text} is x
            "clusterkg",
            prepend=True,
            macros=[
                MacroTextSpec("url", simplify_repl="%s"),
                MacroTextSpec("href", simplify_repl=_href_target),
            ],
        )
        self._latex = LatexNodes2Text(latex_context=context, math_mode="verbatim")
        self._walker_context = get_default_walker_context()  # built once, not per value
        self._walker_context.add_context_category(  # `\href {x} {text}`: two arguments, spaces or not
            "clusterkg", prepend=True, macros=[MacroSpec("href", "{{")]
        )

    def iter_records(self) -> Iterator[StudyRecord]:
        text = read_input(self.path, "BibTeX file")
        with _quiet("bibtexparser"):
            library = bibtexparser.parse_string(
                text,
                append_middleware=[
                    middlewares.NormalizeFieldKeys(),
                    middlewares.SeparateCoAuthors(),
                ],
            )
        records, errors = [], []
        for entry in library.entries:
            try:
                records.append(self._record(entry))
            except UserError as exc:
                errors.append(exc)
        errors += [self._failure(block) for block in library.failed_blocks]
        errors += [
            UserError(
                f"text after the end of an entry looks like more of its fields "
                f"({' '.join(block.comment.split())[:40]!r}): a closing brace ends the entry too early",
                self.path,
                block.start_line + 1,
            )
            for block in library.blocks
            if isinstance(block, ImplicitComment) and STRAY_FIELDS.search(block.comment)
        ]
        if errors:
            raise UserErrors(errors)
        yield from records

    def to_graph(self) -> Graph:
        return studies_graph(list(self.iter_records()), self.taken)

    def _failure(self, block: ParsingFailedBlock) -> UserError:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = block.previous_block.start_line + 1
            return UserError(
                f"duplicate key {block.key!r}: the same key as the entry on line {first}",
                self.path,
                line,
            )
        error = block.error
        reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
        key = ENTRY_KEY.match(block.raw or "")
        which = f"entry {key.group(1)!r}: " if key else ""
        return UserError(f"bad BibTeX entry: {which}{' '.join(reason.split())}", self.path, line)

    def _record(self, entry: Entry) -> StudyRecord:
        fields = {f.key: f for f in entry.fields}
        key, line = entry.key, entry.start_line + 1

        def read(name: str, parse: Callable[[str], T]) -> T | None:
            """The parsed value of field `name`, None if absent or empty; a bad value is a UserError."""
            f = fields.get(name)
            if f is None or (isinstance(f.value, str) and not f.value.strip()):
                return None
            try:
                if not isinstance(f.value, str):
                    return parse(f.value)
                if name in VERBATIM:
                    return parse(TEX_ESCAPE.sub(r"\1", " ".join(f.value.split())))
                return parse(self._text(f.value))
            except FieldError as exc:
                where = f.start_line + 1
                raise UserError(f"entry {key!r}, field {name}: {exc}", self.path, where) from None

        def first(*names: str, parse: Callable[[str], T] = check_text) -> T | None:
            return next((v for n in names if (v := read(n, parse)) is not None), None)

        for f in fields.values():  # a bare word in a field nobody reads is still a broken entry
            _check_bare_in(f, key, self.path)
        names = read("author", self._names) or []
        authors = tuple(n for n in names if n.family.lower() != OTHERS)
        year, month, day = read("date", parse_date) or (read("year", parse_year), None, None)
        if month is None and year and (parsed := read("month", _month)):
            month, day = parsed
        classes = work_classes("bibtex", entry.entry_type.lower()) or (None, DEFAULT_VENUE_CLASS)
        howpublished = read("howpublished", check_text)
        urls = first("url", parse=parse_urls) or (
            parse_urls(howpublished) if howpublished and URL.fullmatch(howpublished) else ()
        )
        venue = first("journal", "journaltitle", "booktitle") or (
            howpublished if howpublished and not URL.fullmatch(howpublished) else None
        )
        return StudyRecord(
            key=key,
            line=line,
            authors=authors,
            author_list_complete=len(authors) == len(names),
            editors=tuple(n for n in read("editor", self._names) or [] if n.family != OTHERS),
            title=read("title", check_text),
            year=year,
            month=month,
            day=day,
            work_class=classes[0],
            venue=venue,
            venue_class=classes[1],
            issns=read("issn", parse_issns) or (),
            isbns=read("isbn", parse_isbns) or (),
            volume=read("volume", check_text),
            issue=first("number", "issue"),
            pages=read("pages", lambda v: normalise_pages(check_text(v))),
            doi=read("doi", parse_doi),
            urls=urls,
            publisher=first("publisher", "institution", "school", "organization"),
            publisher_place=first("address", "location"),
        )

    def _names(self, names: object) -> list[Author]:
        """The names of an author or editor field (a list of strings, one per name), TeX decoded."""
        authors = [self._author(str(name)) for name in names]  # type: ignore[attr-defined]
        words = [w.lower() for a in authors for w in (a.family, a.literal, *a.given.split()[-1:])]
        if "and" in words:  # 'Doe, J. and' or 'A and and B': a name is missing
            raise FieldError("an empty name next to 'and'")
        check_names(authors, "name")
        return authors

    def _author(self, name: str) -> Author:
        if EXTENDED_NAME.match(name):
            parts = _extended_name(name)
            family = join_particle(
                self._text(parts.get("prefix", "")), self._text(parts.get("family", ""))
            )
            given, suffix = self._text(parts.get("given", "")), self._text(parts.get("suffix", ""))
        else:
            try:  # 'Weilbach,' (a family name and a comma) is the family name alone
                split = parse_single_name_into_parts(name.rstrip().removesuffix(","))
            except InvalidNameError as exc:
                raise FieldError(f"cannot read the name {name[:60]!r}: {exc}") from None
            bare = not (split.first or split.von or split.jr) and len(split.last) == 1
            if bare and split.last[0].startswith("{"):  # `{World Bank}`: one name, never split
                return Author(literal=self._text(split.last[0]))
            family = self._text(" ".join(split.von + split.last))
            given, suffix = self._text(" ".join(split.first)), self._text(" ".join(split.jr))
        if not family:  # a name printed without a family name is one unit: 'David'
            return Author(literal=given)
        return Author(family=family, given=given, suffix=suffix)

    def _text(self, latex: str) -> str:
        """Plain Unicode text of a TeX value; a value with no TeX in it is taken as it is (fast)."""
        if not TEX_SYNTAX.search(latex):
            return " ".join(latex.split())
        walker = LatexWalker(latex, latex_context=self._walker_context, tolerant_parsing=True)
        try:
            text = self._latex.nodelist_to_text(walker.get_latex_nodes()[0])
        except Exception as exc:  # noqa: BLE001 - pylatexenc fails in many ways on TeX it cannot read
            raise FieldError(f"cannot read the TeX of {latex[:60]!r} ({type(exc).__name__})") from None
        return " ".join(text.split())


def _href_target(node: LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """The address of `\\href{address}{text}`, as written (a `~` in it is a tilde, not a space)."""
    args = node.nodeargd.argnlist if node.nodeargd else []
    target = args[0] if args else None
    if isinstance(target, LatexGroupNode):
        return "".join(n.latex_verbatim() for n in target.nodelist).strip()
    return target.latex_verbatim().strip() if target is not None else ""


def _extended_name(name: str) -> dict[str, str]:
    """The `key=value` parts of a name in BibLaTeX's extended format (commas inside braces kept)."""
    parts, depth, current = [], 0, ""
    for char in name:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    out = {}
    for part in parts:
        key, _, value = part.partition("=")
        value = value.strip()
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        out[key.strip().lower()] = value
    return out


def _check_bare_in(f: Field, key: str, path: Path) -> None:
    try:
        _check_bare(f)
    except FieldError as exc:
        raise UserError(f"entry {key!r}, field {f.key}: {exc}", path, f.start_line + 1) from None


def check_text(value: str) -> str:
    """A text field's value, checked against the length limit."""
    return check_length(value, "the value") or value


def _check_bare(f: Field) -> None:
    """A value written without braces or quotes must be a number, or a month abbreviation in `month`;
    anything else is an undefined @string macro or a broken entry (`title = Unclosed}, ...`)."""
    if getattr(f, "enclosing", None) != "no-enclosing" or not isinstance(f.value, str):
        return
    value = f.value.strip()
    if value.isdigit() or (f.key == "month" and value.lower()[:3] in MONTHS):
        return
    raise FieldError(
        f"{value[:40]!r} is not in braces or quotes, and is neither a number nor a defined @string"
    )


def _month(value: str) -> tuple[int, int | None] | None:
    """(month, day) of `jun`, `June`, `6`, `jun 24`, `Sept.`; None for what is no month (`Spring`)."""
    words = value.replace(",", " ").split()
    match = MONTH.fullmatch(words[0]) if words else None
    if not match:
        return None
    month = int(match.group(2)) if match.group(2) else _month_number(match.group(1))
    if month is None:
        return None
    day = int(words[1]) if len(words) == 2 and words[1].isdigit() else None
    check_month_day(month, day, value)
    return month, day


def _month_number(name: str) -> int | None:
    name = name.lower()
    return MONTHS.index(name) + 1 if name in MONTHS else None
