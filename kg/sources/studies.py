"""Bibliographic records shared by the BibTeX, CSL-JSON and RIS ingesters, their field checks, and their
triples (FaBiO/BIBO/DCTerms): studies with ordered authors, and one node per venue and per publisher.

Only what a record states becomes a triple; a missing title, author list or year is marked with
`ckg:notStated` instead of being guessed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import BIBO, CKG, FABIO, PREFIXES
from clusterkg.kg.sources.base import new_graph, resource_iri, slugify

WORK_TYPES = Path(__file__).with_name("work-types.csv")
DEFAULT_VENUE_CLASS = BIBO.Collection
YEAR = re.compile(r"\d{4}")
# '1989 [1987]': a reprint's year, the original's in brackets; 'Autumn 2001': a season's year
BRACKETED_ORIGINAL = re.compile(r"(\d{4})\s*\[\d{4}\]")
SEASON_YEAR = re.compile(r"(?:spring|summer|autumn|fall|winter)\s+(\d{4}(?:[-/–]\d{2,4})?)", re.IGNORECASE)
UNSPECIFIED_YEAR = re.compile(r"\d{0,3}[XxUu]+")  # EDTF: '199u', '19XX'
UNSPECIFIED = re.compile(r"[XxUu]{1,2}")
EDTF_QUALIFIERS = "?~%"
# what reference managers write where a work has no date: the year is then not stated, never guessed
NO_YEAR = {
    "n.d.",
    "nd",
    "n. d.",
    "no date",
    "nodate",
    "undated",
    "s.d.",
    "s. d.",
    "in press",
    "forthcoming",
}
TITLE_WORDS_IN_SLUG = 3  # an authorless study is named by the first words of its title
MAX_FIELD_CHARS = (
    2_000  # a title, venue, publisher or name longer than this is refused (see README)
)
ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
ISBN = re.compile(r"(?<![\dXx-])(?:97[89][-\s]?)?(?:\d[-\s]?){9}[\dXx](?![\dXx])")
DOI = re.compile(r"10\.\d{4,9}/\S+|10/[a-z0-9]+", re.IGNORECASE)  # a DOI, or a shortDOI
URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.IGNORECASE)
URL_UNSAFE = re.compile(r"[<>\"{}|\\^`]")
PAGE_DASH = re.compile(r"(?<=\w)\s*(?:--|-|—|–)\s*(?=\w)")


@dataclass(frozen=True)
class Author:
    """One author or editor as the record prints the name: family name (with any particle such as 'van
    der'), given names, suffix; or one `literal` name that is never split (a corporate author such as
    'World Bank', written `{{World Bank}}` in BibTeX or `{"literal": ...}` in CSL-JSON)."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def as_printed(self) -> str:
        return self.literal or ", ".join(p for p in (self.family, self.suffix, self.given) if p)

    @property
    def full_name(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.family) if p) + (
            f", {self.suffix}" if self.suffix else ""
        )

    @property
    def short(self) -> str:
        """The name in an author-year label: the family name, or the literal name."""
        return self.literal or self.family

    @property
    def slug(self) -> str:
        if self.literal:
            return name_slug(self.literal)
        initials = "-".join(word[0] for word in slugify(self.given).split("-") if word)
        return "-".join(p for p in (name_slug(self.family), initials) if p)


@dataclass(frozen=True)
class StudyRecord:
    """One bibliographic entry; `line` is the 1-based line where it starts in its file.

    `work_class` is its FaBiO/BIBO class (None: only ckg:Study); `venue` the title of the journal, book or
    proceedings it is part of, a node of class `venue_class`; `month` and `day` refine `year`.
    """

    key: str
    line: int
    authors: tuple[Author, ...] = ()
    author_list_complete: bool = True
    editors: tuple[Author, ...] = ()
    title: str | None = None
    year: str | None = None
    month: int | None = None
    day: int | None = None
    work_class: URIRef | None = None
    venue: str | None = None
    venue_class: URIRef = DEFAULT_VENUE_CLASS
    issns: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    urls: tuple[str, ...] = ()
    publisher: str | None = None
    publisher_place: str | None = None

    @property
    def base_slug(self) -> str:
        """<firstauthor-family>-<year>; without authors the first title words stand in; 'nd' for no year."""
        if self.authors:
            who = name_slug(self.authors[0].short)
        else:
            who = "-".join(slugify(self.title or "").split("-")[:TITLE_WORDS_IN_SLUG]) or slugify(
                self.key
            )
        return f"{who or 'anonymous'}-{self.year or 'nd'}"

    @property
    def label(self) -> str:
        """A short display label in author-year style, e.g. 'Smith and Jones 2020'."""
        names = [a.short for a in self.authors]
        if not names:
            who = self.title or self.key
        elif len(names) > 2 or not self.author_list_complete:
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names)
        return f"{who} {self.year or 'n.d.'}"

    @property
    def issued(self) -> Literal | None:
        """The publication date when the record gives more than the year (xsd:gYearMonth or xsd:date)."""
        if not self.year or not self.month:
            return None
        if self.day:
            return Literal(f"{self.year}-{self.month:02d}-{self.day:02d}", datatype=XSD.date)
        return Literal(f"{self.year}-{self.month:02d}", datatype=XSD.gYearMonth)


class FieldError(ValueError):
    """A field value a record cannot be built from; the ingester adds file, line and record key."""


def check_year(value: str, path: Path, line: int) -> str:
    """The four-digit year at the start of `value` (a year or an ISO date), or a UserError."""
    try:
        year = parse_year(value)
    except FieldError:
        year = None
    if year is None:
        raise UserError(f"bad year {value[:80]!r}: expected four digits, e.g. 1990", path, line)
    return year


def parse_year(value: str) -> str | None:
    """The year of `value` ('1990', '1990-05-01', '1990/1991', '1973–1974', EDTF '1723?' or '1985~', a
    reprint's '1989 [1987]' (the original's year in brackets is not read), a season's 'Autumn 2001');
    None for 'n.d.' and the like, and for a year with unspecified digits (EDTF '199u', '19XX')."""
    text = " ".join(value.split()).rstrip(EDTF_QUALIFIERS)
    if dated := BRACKETED_ORIGINAL.fullmatch(text) or SEASON_YEAR.fullmatch(text):
        text = dated.group(1)
    if text.lower() in NO_YEAR or UNSPECIFIED_YEAR.fullmatch(text[:4]):
        return None
    if not YEAR.fullmatch(text[:4]) or (len(text) > 4 and text[4] not in "-/–—"):
        raise FieldError(f"bad year {value[:80]!r}: expected four digits, e.g. 1990, or n.d.")
    return text[:4]


def parse_date(value: str) -> tuple[str | None, int | None, int | None]:
    """(year, month, day) of an ISO 8601 / EDTF date as BibLaTeX and Better BibTeX write it ('2020-06-24',
    '2020-06', '2020', '2020-06/2020-07', '2021-04-08T00:39:34Z', '1999-uu', '2001-21' for spring);
    (None, None, None) for 'n.d.'. Unspecified parts and seasons are left out, never guessed."""
    start = re.split(r"[/T]", value.strip())[0].strip().rstrip(EDTF_QUALIFIERS)
    year = parse_year(start) if start else None
    if year is None:
        return None, None, None
    numbers: list[int] = []
    for part in start[5:].split("-") if len(start) > 5 else []:
        if UNSPECIFIED.fullmatch(part):
            break
        if not part.isdigit():
            raise FieldError(f"bad date {value[:80]!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        numbers.append(int(part))
    month, day = (numbers + [None, None])[:2]
    if month is not None and month > 12:  # an EDTF season (21-24, ...): only the year is kept
        return year, None, None
    check_month_day(month, day, value)
    return year, month, day


def join_particle(*parts: str | None) -> str:
    """A family name with its particles: ('van der', 'Berg') -> 'van der Berg'; a particle ending in an
    apostrophe or hyphen is joined: ('d’', 'Amato') -> 'd’Amato'."""
    out = ""
    for part in (p for p in parts if p):
        out += ("" if not out or out[-1] in "’'-" else " ") + part
    return out


def check_month_day(month: int | None, day: int | None, value: object) -> None:
    if month is not None and not 1 <= month <= 12:
        raise FieldError(f"bad month in {value!r}: expected 1 to 12")
    if day is not None and (month is None or not 1 <= day <= 31):
        raise FieldError(f"bad day in {value!r}: expected 1 to 31 after a month")


def normalise_doi(value: str) -> str:
    """A DOI without resolver prefix: 'https://doi.org/10.1/x' -> '10.1/x'."""
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip(), flags=re.IGNORECASE)


def parse_doi(value: str) -> str:
    doi = normalise_doi(value)
    if not DOI.fullmatch(doi):
        raise FieldError(f"bad DOI {value[:80]!r}: expected 10.<registrant>/<suffix>")
    return doi


def parse_issns(value: str) -> tuple[str, ...]:
    """Every ISSN in `value` ('0022-3808, 1537-534X'), written NNNN-NNNC."""
    found = tuple(dict.fromkeys(f"{a}-{b.upper()}" for a, b in ISSN.findall(value)))
    if value.strip() and not found:
        raise FieldError(f"bad ISSN {value[:80]!r}: expected NNNN-NNNC, e.g. 1735-188X")
    return found


def parse_isbns(value: str) -> tuple[str, ...]:
    """Every ISBN-10 or ISBN-13 in `value`, without hyphens or spaces; ISBN-10s glued together with
    nothing between them ('87-16-11206-787-16-11419-1', as some exports write a set's volumes) are read
    when every ten digits carry their check digit."""
    found = tuple(dict.fromkeys(re.sub(r"[-\s]", "", m).upper() for m in ISBN.findall(value)))
    if not found:
        found = _glued_isbn10s(re.sub(r"[-\s]", "", value).upper())
    if value.strip() and not found:
        raise FieldError(f"bad ISBN {value[:80]!r}: expected 10 or 13 digits")
    return found


def _glued_isbn10s(digits: str) -> tuple[str, ...]:
    chunks = [digits[i : i + 10] for i in range(0, len(digits), 10)]
    if len(chunks) < 2 or not all(re.fullmatch(r"\d{9}[\dX]", c) and _isbn10_checks(c) for c in chunks):
        return ()
    return tuple(dict.fromkeys(chunks))


def _isbn10_checks(isbn: str) -> bool:
    digits = [10 if c == "X" else int(c) for c in isbn]
    return sum((10 - i) * d for i, d in enumerate(digits)) % 11 == 0


def parse_urls(value: str) -> tuple[str, ...]:
    """The http(s) addresses of a URL field: one, or several separated by spaces (as Mendeley writes a
    record's links); a word that starts no address is part of the one before it (a space, %20). The
    characters an address may not hold as they are (`|`, `{`, ...) are percent-encoded."""
    urls: list[str] = []
    for word in URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value).split():
        if URL.match(word) or not urls:
            urls.append(word)
        else:
            urls[-1] += "%20" + word
    bad = next((url for url in urls if not URL.fullmatch(url)), None)
    if bad is not None or not urls:
        raise FieldError(f"bad URL {value[:80]!r}: expected http:// or https:// addresses")
    return tuple(dict.fromkeys(urls))


def normalise_pages(value: str) -> str:
    """A page range with an en dash, as printed: '483--499' and '483-499' -> '483–499'."""
    return PAGE_DASH.sub("–", value)


def check_length(value: str | None, name: str) -> str | None:
    """`value`, or a FieldError if it is longer than MAX_FIELD_CHARS."""
    if value is not None and len(value) > MAX_FIELD_CHARS:
        raise FieldError(
            f"{name} is {len(value):,} characters long; the limit is {MAX_FIELD_CHARS:,}"
        )
    return value


def check_names(names: Iterable[Author], role: str) -> None:
    for position, author in enumerate(names, start=1):
        if not (author.family or author.literal):
            raise FieldError(f"{role} {position} has no family name ({author.as_printed!r})")
        check_length(author.as_printed, f"{role} {position}")


@cache
def work_types() -> dict[tuple[str, str], tuple[URIRef | None, URIRef]]:
    lines = [
        line for line in WORK_TYPES.read_text("utf-8").splitlines() if not line.startswith("#")
    ]
    table = {}
    for row in csv.DictReader(lines):
        table[row["format"], row["type"]] = (
            _curie(row["class"]) if row["class"] else None,
            _curie(row["venue_class"]),
        )
    return table


def _curie(text: str) -> URIRef:
    prefix, _, local = text.partition(":")
    return URIRef(f"{PREFIXES[prefix]}{local}")


def work_classes(fmt: str, record_type: str) -> tuple[URIRef | None, URIRef] | None:
    """(class of the work, class of its container) for a record type of format `fmt` (the table in
    work-types.csv); None when the table does not list the type."""
    return work_types().get((fmt, record_type))


def venue_key(name: str) -> str:
    """The name a venue or publisher is known by, whatever its spelling: letter case, accents,
    punctuation, a leading 'The' and '&' for 'and' do not count. 'The Journal of X & Y' -> 'journal-of-x-and-y'."""
    text = unicodedata.normalize("NFKC", name).replace("&", " and ")
    return re.sub(r"^the-", "", slugify(text)) or name_slug(name)


def name_slug(text: str) -> str:
    """`slugify(text)`, or for a name with no Latin letters or digits ('山田') a short hash of it, so that
    two such names never share an IRI."""
    if slug := slugify(text):
        return slug
    digest = hashlib.sha1(unicodedata.normalize("NFKC", text).casefold().encode()).hexdigest()
    return f"u{digest[:10]}" if text.strip() else ""


@dataclass(eq=False)
class _Node:
    iri: URIRef
    label: str
    spellings: dict[str, None] = field(default_factory=dict)
    issns: dict[str, None] = field(default_factory=dict)
    parent: _Node | None = None

    def root(self) -> _Node:
        return self if self.parent is None else self.parent.root()


class NamedNodes:
    """One node per venue (or publisher) of a batch: records that share an ISSN, or whose names are the
    same after `venue_key`, get the same node, also through a chain (A and B share a name, B and C an
    ISSN). The first spelling seen is its label; other spellings become skos:altLabel."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._by_key: dict[str, _Node] = {}
        self._order: list[_Node] = []

    def node(self, name: str, issns: tuple[str, ...] = ()) -> _Node:
        """The node for a venue named `name` with `issns` (resolve its IRI with `.root().iri` once the
        whole batch is seen: a later record may join two nodes)."""
        keys = [f"issn:{i}" for i in issns] + [f"name:{venue_key(name)}"]
        roots = list(dict.fromkeys(self._by_key[k].root() for k in keys if k in self._by_key))
        if not roots:
            roots = [_Node(resource_iri(self.kind, venue_key(name)), name)]
            self._order.append(roots[0])
        roots.sort(key=self._order.index)
        first = roots[0]
        for other in roots[1:]:  # this record joins nodes seen apart: the first seen stays
            other.parent = first
            first.spellings.update(other.spellings)
            first.issns.update(other.issns)
        for key in keys:
            self._by_key.setdefault(key, first)
        first.spellings[name] = None
        first.issns.update(dict.fromkeys(issns))
        return first

    @property
    def nodes(self) -> list[_Node]:
        return [n for n in self._order if n.parent is None]


class IriMinter:
    """Hands out resource IRIs that are new: not in `taken` (IRIs other graphs already use) and not handed
    out before; a clash gets the next free suffix -2, -3, ... so IRIs stay readable and stable."""

    def __init__(self, taken: Collection[URIRef] = ()) -> None:
        self._taken = set(taken)

    def fresh(self, kind: str, slug: str) -> URIRef:
        n = 1
        while (iri := resource_iri(kind, slug if n == 1 else f"{slug}-{n}")) in self._taken:
            n += 1
        self._taken.add(iri)
        return iri


class _Agents:
    """Persons (and literal-name agents) of a batch: one per printed name and year, with fresh IRIs."""

    def __init__(self, graph: Graph, minter: IriMinter) -> None:
        self.graph, self.minter = graph, minter
        self.by_slug: dict[str, URIRef] = {}

    def node(self, author: Author, year: str | None) -> URIRef:
        slug = f"{author.slug or 'anonymous'}-{year or 'nd'}"
        agent = self.by_slug.get(slug)
        add = self.graph.add
        if agent is None:  # first printing of this name in this year: describe the agent once
            agent = self.by_slug[slug] = self.minter.fresh("person", slug)
            add((agent, RDFS.label, Literal(author.full_name, lang="en")))
            if author.literal:  # a person or an organisation: the record does not say which
                add((agent, RDF.type, FOAF.Agent))
                add((agent, FOAF.name, Literal(author.literal)))
            else:
                add((agent, RDF.type, FOAF.Person))
                add((agent, FOAF.familyName, Literal(author.family)))
        add((agent, CKG.nameAsPrinted, Literal(author.as_printed)))
        return agent


def studies_graph(records: list[StudyRecord], taken: Collection[URIRef] = ()) -> Graph:
    """The triples of `records`: each a ckg:Study with ordered authorships, editors, venue, publisher
    and identifiers.

    Study IRIs are study/<first-author>-<year>; persons are person/<family>[-<initials>]-<year>, one per
    name and year within the batch (a name alone does not identify a person across sources). Both avoid
    `taken` IRIs. Venues and publishers are one node each per ISSN or normalised name (`NamedNodes`); one
    in `taken` is described elsewhere and only linked to.
    """
    graph = new_graph()
    minter = IriMinter(taken)
    agents = _Agents(graph, minter)
    venues, publishers = NamedNodes("journal"), NamedNodes("publisher")
    venue_classes: dict[int, URIRef] = {}  # the class of the first record's container, per node
    links: list[tuple[URIRef, URIRef, _Node]] = []  # made last: a later record may join two nodes
    add = graph.add
    for record in records:
        study = minter.fresh("study", record.base_slug)
        add((study, RDF.type, CKG.Study))
        if record.work_class:
            add((study, RDF.type, record.work_class))
        add((study, RDFS.label, Literal(record.label, lang="en")))
        for prop, value in ((DCTERMS.title, record.title), (FABIO.hasPublicationYear, record.year)):
            if not value:
                add((study, CKG.notStated, prop))
        if record.title:
            add((study, DCTERMS.title, Literal(record.title)))
        if record.year:
            add((study, FABIO.hasPublicationYear, Literal(record.year, datatype=XSD.gYear)))
        if record.issued is not None:
            add((study, DCTERMS.issued, record.issued))
        if record.authors:
            add((study, CKG.authorListComplete, Literal(record.author_list_complete)))
        else:
            add((study, CKG.notStated, DCTERMS.creator))
        for position, author in enumerate(record.authors, start=1):
            authorship = resource_iri("authorship", f"{study.rsplit('/', 1)[1]}-{position}")
            add((study, CKG.hasAuthorship, authorship))
            add((authorship, RDF.type, CKG.Authorship))
            add(
                (authorship, RDFS.label, Literal(f"author {position} of {record.label}", lang="en"))
            )
            add((authorship, CKG.authorPosition, Literal(position, datatype=XSD.integer)))
            add((authorship, CKG.author, agents.node(author, record.year)))
        for editor in record.editors:
            add((study, BIBO.editor, agents.node(editor, record.year)))
        if record.venue:
            venue = venues.node(record.venue, record.issns)
            venue_classes.setdefault(id(venue), record.venue_class)
            links.append((study, DCTERMS.isPartOf, venue))
        if record.publisher:
            links.append((study, DCTERMS.publisher, publishers.node(record.publisher)))
        for prop, value in (
            (BIBO.volume, record.volume),
            (BIBO.issue, record.issue),
            (BIBO.pages, record.pages),
            (BIBO.doi, record.doi),
            (FABIO.hasPlaceOfPublication, record.publisher_place),
        ):
            if value:
                add((study, prop, Literal(value)))
        for isbn in record.isbns:
            add((study, BIBO.isbn, Literal(isbn)))
        for url in record.urls:
            add((study, FABIO.hasURL, Literal(url, datatype=XSD.anyURI)))
    for study, prop, node in links:
        add((study, prop, node.root().iri))
    for node in venues.nodes:
        if node.iri not in taken:
            _describe(graph, node, venue_classes[id(node)])
            add((node.iri, DCTERMS.title, Literal(node.label)))
            for issn in node.issns:
                add((node.iri, BIBO.issn, Literal(issn)))
    for node in publishers.nodes:
        if node.iri not in taken:
            _describe(graph, node, ORG.Organization)
    return graph


def _describe(graph: Graph, node: _Node, cls: URIRef) -> None:
    graph.add((node.iri, RDF.type, cls))
    graph.add((node.iri, RDFS.label, Literal(node.label, lang="en")))
    for spelling in node.spellings:
        if spelling != node.label:
            graph.add((node.iri, SKOS.altLabel, Literal(spelling, lang="en")))
