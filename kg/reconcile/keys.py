"""What reconciliation compares of a study record, normalised: DOI, ISBN, title, year, authors' family names."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Identifier

from clusterkg.kg.queries import load_query
from clusterkg.kg.sources.studies import normalise_doi
from clusterkg.kg.store.base import Store

_NON_WORD = re.compile(r"[\W_]+")
_ISBN_CHARS = re.compile(r"[^0-9X]")


@dataclass
class StudyKeys:
    """One study's record as reconciliation sees it; the `norm_*` values are the compared forms."""

    study: URIRef
    dois: set[str] = field(default_factory=set)
    isbns: set[str] = field(default_factory=set)
    title: str = ""
    title_not_stated: bool = False
    is_part: bool = False  # printed in a larger work, whose ISBN it carries
    year: str = ""
    families: dict[int, str] = field(default_factory=dict)  # position -> normalised family name

    @property
    def first_author(self) -> str:
        return self.families.get(1, "")

    @property
    def norm_title(self) -> str:
        return normalise_text(self.title)


def normalise_text(text: str) -> str:
    """Letter case, accents, punctuation and spacing ignored: 'The Competitive-Advantage' -> 'the competitive advantage'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_text.casefold()).strip()


def normalise_isbn(text: str) -> str:
    """An ISBN as 13 digits (an ISBN-10 converted), or '' when it is not a well-formed ISBN."""
    digits = _ISBN_CHARS.sub("", text.upper())
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits if len(digits) == 13 and digits.isdigit() else ""


def keys_from_rows(rows: Iterable[dict[str, Identifier | str]]) -> dict[URIRef, StudyKeys]:
    """Study keys from the rows of `queries/reconcile/study-keys.rq`: rdflib terms (a batch) or the plain
    values of its CSV answer (the store)."""
    keys: dict[URIRef, StudyKeys] = {}
    for row in rows:
        study = URIRef(row["study"])
        entry = keys.setdefault(study, StudyKeys(study))
        if row.get("doi") is not None:
            entry.dois.add(normalise_doi(str(row["doi"])).casefold())
        if row.get("isbn") is not None and (isbn := normalise_isbn(str(row["isbn"]))):
            entry.isbns.add(isbn)
        if row.get("title") is not None:
            entry.title = str(row["title"])
        if row.get("year") is not None:
            entry.year = str(row["year"])[:4]
        # xsd:boolean cells, as Literals (a batch) or as CSV's "true" (the store)
        entry.title_not_stated = entry.title_not_stated or str(row.get("titleNotStated")) == "true"
        entry.is_part = entry.is_part or str(row.get("isPart")) == "true"
        if row.get("position") is not None and row.get("family") is not None:
            entry.families[int(row["position"])] = normalise_text(str(row["family"]))
    return keys


def study_keys_query(queries_dir: Path) -> str:
    """The text of the study-keys query, with its defaults bound."""
    return load_query(queries_dir / "reconcile" / "study-keys.rq").bind()


def store_keys(store: Store, queries_dir: Path) -> dict[URIRef, StudyKeys]:
    """The keys of every study in `store`, read from the query's CSV answer (plain values: at 1M triples,
    turning its 200,000 values into rdflib terms took 26 s)."""
    answer = store.query_serialized(study_keys_query(queries_dir), "text/csv")
    rows = csv.DictReader(io.StringIO(answer.decode("utf-8"), newline=""))
    return keys_from_rows({k: v for k, v in row.items() if v} for row in rows)
