"""Bibliographic records shared by the BibTeX and RIS ingesters, and their triples (FaBiO/BIBO/DCTerms).

Only what a record states becomes a triple; a missing title, author list or year is marked with
`ckg:notStated` instead of being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, XSD

from kg.errors import UserError
from kg.namespaces import BIBO, CKG, FABIO
from kg.sources.base import new_graph, resource_iri, slugify

YEAR = re.compile(r"\d{4}")
TITLE_WORDS_IN_SLUG = 3  # an authorless study is named by the first words of its title


@dataclass(frozen=True)
class Author:
    """One author as the record prints the name: family name (with any 'von' part), given names, suffix."""

    family: str
    given: str = ""
    suffix: str = ""

    @property
    def as_printed(self) -> str:
        return ", ".join(p for p in (self.family, self.suffix, self.given) if p)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given, self.family) if p) + (
            f", {self.suffix}" if self.suffix else ""
        )

    @property
    def slug(self) -> str:
        initials = "-".join(word[0] for word in slugify(self.given).split("-") if word)
        return "-".join(p for p in (slugify(self.family), initials) if p)


@dataclass(frozen=True)
class StudyRecord:
    """One bibliographic entry; `line` is the 1-based line where it starts in its file."""

    key: str
    line: int
    authors: tuple[Author, ...] = ()
    author_list_complete: bool = True
    title: str | None = None
    year: str | None = None
    journal: str | None = None
    issn: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    publisher: str | None = None

    @property
    def base_slug(self) -> str:
        """<firstauthor-family>-<year>; without authors the first title words stand in; 'nd' for no year."""
        if self.authors:
            who = slugify(self.authors[0].family)
        else:
            who = "-".join(slugify(self.title or "").split("-")[:TITLE_WORDS_IN_SLUG]) or slugify(
                self.key
            )
        return f"{who}-{self.year or 'nd'}"

    @property
    def label(self) -> str:
        """A short display label in author-year style, e.g. 'Smith and Jones 2020'."""
        names = [a.family for a in self.authors]
        if not names:
            who = self.title or self.key
        elif len(names) > 2 or not self.author_list_complete:
            who = f"{names[0]} et al."
        else:
            who = " and ".join(names)
        return f"{who} {self.year or 'n.d.'}"


def check_year(value: str, path: Path, line: int) -> str:
    """The four-digit year at the start of `value` (a year or an ISO date), or a UserError."""
    year = value.strip()
    if not YEAR.fullmatch(year[:4]) or (len(year) > 4 and year[4] != "-"):
        raise UserError(f"bad year {value!r}: expected four digits, e.g. 1990", path, line)
    return year[:4]


def normalise_doi(value: str) -> str:
    """A DOI without resolver prefix: 'https://doi.org/10.1/x' -> '10.1/x'."""
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip(), flags=re.IGNORECASE)


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


def studies_graph(records: list[StudyRecord], taken: Collection[URIRef] = ()) -> Graph:
    """The triples of `records`: each a ckg:Study with ordered authorships, venue and identifiers.

    Study IRIs are study/<first-author>-<year>; persons are person/<family>[-<initials>]-<year>, one per
    name and year within the batch (a name alone does not identify a person across sources). Both avoid
    `taken` IRIs; a journal or publisher in `taken` is described elsewhere and only linked to.
    """
    graph = new_graph()
    minter = IriMinter(taken)
    persons: dict[str, URIRef] = {}
    add = graph.add
    for record in records:
        study = minter.fresh("study", record.base_slug)
        add((study, RDF.type, CKG.Study))
        add((study, RDFS.label, Literal(record.label, lang="en")))
        for prop, value in ((DCTERMS.title, record.title), (FABIO.hasPublicationYear, record.year)):
            if not value:
                add((study, CKG.notStated, prop))
        if record.title:
            add((study, DCTERMS.title, Literal(record.title)))
        if record.year:
            add((study, FABIO.hasPublicationYear, Literal(record.year, datatype=XSD.gYear)))
        if record.authors:
            add((study, CKG.authorListComplete, Literal(record.author_list_complete)))
        else:
            add((study, CKG.notStated, DCTERMS.creator))
        for position, author in enumerate(record.authors, start=1):
            slug = f"{author.slug}-{record.year or 'nd'}"
            person = persons.get(slug)
            if person is None:  # first printing of this name in this year: describe the person once
                person = persons[slug] = minter.fresh("person", slug)
                add((person, RDF.type, FOAF.Person))
                add((person, RDFS.label, Literal(author.full_name, lang="en")))
                add((person, FOAF.familyName, Literal(author.family)))
            add((person, CKG.nameAsPrinted, Literal(author.as_printed)))
            authorship = resource_iri("authorship", f"{study.rsplit('/', 1)[1]}-{position}")
            add((study, CKG.hasAuthorship, authorship))
            add((authorship, RDF.type, CKG.Authorship))
            add(
                (authorship, RDFS.label, Literal(f"author {position} of {record.label}", lang="en"))
            )
            add((authorship, CKG.authorPosition, Literal(position, datatype=XSD.integer)))
            add((authorship, CKG.author, person))
        if record.journal:
            journal = resource_iri("journal", slugify(record.journal))
            add((study, DCTERMS.isPartOf, journal))
            if journal not in taken:
                add((journal, RDF.type, FABIO.Journal))
                add((journal, RDFS.label, Literal(record.journal, lang="en")))
                add((journal, DCTERMS.title, Literal(record.journal)))
                if record.issn:
                    add((journal, BIBO.issn, Literal(record.issn)))
        if record.publisher:
            publisher = resource_iri("publisher", slugify(record.publisher))
            add((study, DCTERMS.publisher, publisher))
            if publisher not in taken:
                add((publisher, RDF.type, ORG.Organization))
                add((publisher, RDFS.label, Literal(record.publisher, lang="en")))
        for prop, value in (
            (BIBO.volume, record.volume),
            (BIBO.issue, record.issue),
            (BIBO.pages, record.pages),
            (BIBO.doi, record.doi),
        ):
            if value:
                add((study, prop, Literal(value)))
    return graph
