"""The matching rules, strongest evidence first: rules 1-3 merge automatically, rule 4 and a similar title
only propose a candidate, with the fields that matched and the score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rdflib import URIRef

from clusterkg.kg.namespaces import CKG
from clusterkg.kg.reconcile.keys import StudyKeys

AUTOMATIC = (CKG.SameDOI, CKG.SameISBN, CKG.SameTitleYearFirstAuthor)
SIMILAR_TITLE = 90.0  # rapidfuzz token-sort ratio (0-100) from which a same-year title is proposed


@dataclass(frozen=True)
class Match:
    """The evidence that an incoming record and a study in the store may be the same study."""

    incoming: URIRef
    canonical: URIRef
    rule: URIRef
    fields: tuple[str, ...]
    similarity: float | None = None

    @property
    def automatic(self) -> bool:
        return self.rule in AUTOMATIC


class StudyIndex:
    """Studies indexed by each rule's key: those already in the store, or a batch's records seen so far."""

    def __init__(self, studies: Iterable[StudyKeys]) -> None:
        self.by_doi: dict[str, list[URIRef]] = defaultdict(list)
        self.by_isbn: dict[str, list[URIRef]] = defaultdict(list)
        self.by_title: dict[tuple[str, str, str], list[URIRef]] = defaultdict(list)
        self.by_author_year: dict[tuple[str, str], list[StudyKeys]] = defaultdict(list)
        self.titles_by_year: dict[str, dict[URIRef, str]] = defaultdict(dict)
        for keys in sorted(studies, key=lambda k: str(k.study)):
            self.add(keys)

    def add(self, keys: StudyKeys) -> None:
        """Index one more study under each rule's key."""
        for doi in keys.dois:
            self.by_doi[doi].append(keys.study)
        for isbn in keys.isbns:
            self.by_isbn[isbn].append(keys.study)
        if keys.norm_title and keys.year and keys.first_author:
            self.by_title[(keys.norm_title, keys.year, keys.first_author)].append(keys.study)
        if keys.first_author and keys.year:
            self.by_author_year[(keys.first_author, keys.year)].append(keys)
        if keys.norm_title and keys.year:
            self.titles_by_year[keys.year][keys.study] = keys.norm_title

    def match(self, incoming: StudyKeys) -> list[Match]:
        """One automatic match (rules 1-3, the strongest that holds), else the candidates (rule 4 and
        similar titles), best first; never the incoming record itself."""
        found = self._automatic(incoming)
        if found is not None:
            return [found]
        candidates = {m.canonical: m for m in self._similar_titles(incoming)}
        for m in self._same_authors_year(incoming):
            candidates[m.canonical] = m  # rule 4 is the stronger evidence of the two
        return sorted(
            candidates.values(), key=lambda m: (m.rule != CKG.SameAuthorsYear, str(m.canonical))
        )

    def _automatic(self, incoming: StudyKeys) -> Match | None:
        me = incoming.study
        for doi in sorted(incoming.dois):
            for study in self.by_doi.get(doi, []):
                if study != me:
                    return Match(me, study, CKG.SameDOI, ("doi",))
        for isbn in sorted(incoming.isbns):
            for study in self.by_isbn.get(isbn, []):
                if study != me:
                    return Match(me, study, CKG.SameISBN, ("isbn",))
        key = (incoming.norm_title, incoming.year, incoming.first_author)
        if all(key):
            for study in self.by_title.get(key, []):
                if study != me:
                    return Match(
                        me, study, CKG.SameTitleYearFirstAuthor, ("title", "year", "first author")
                    )
        return None

    def _same_authors_year(self, incoming: StudyKeys) -> list[Match]:
        """Rule 4: one of the two has no title (a citation such as "Porter, 1990"); first author and year
        agree, and so does every other author position both name."""
        if not (incoming.first_author and incoming.year):
            return []
        matches = []
        for other in self.by_author_year.get((incoming.first_author, incoming.year), []):
            if other.study == incoming.study or (other.norm_title and incoming.norm_title):
                continue
            shared = sorted(set(other.families) & set(incoming.families) - {1})
            if any(other.families[p] != incoming.families[p] for p in shared):
                continue
            fields = ("first author", "year") + tuple(f"author {p}" for p in shared)
            matches.append(Match(incoming.study, other.study, CKG.SameAuthorsYear, fields))
        return matches

    def _similar_titles(self, incoming: StudyKeys) -> list[Match]:
        """Same year, titles alike (rapidfuzz token-sort ratio >= SIMILAR_TITLE) but not rule 3, and the
        same numbers in both: 'Annual report 2019' and 'Annual report 2020', or volumes 1 and 2, are two
        works however alike their words."""
        titles = self.titles_by_year.get(incoming.year, {})
        if not incoming.norm_title or not titles:
            return []
        found = process.extract(
            incoming.norm_title,
            titles,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=SIMILAR_TITLE,
            limit=5,
        )
        numbers = _numbers(incoming.norm_title)
        return [
            Match(incoming.study, study, CKG.SimilarTitle, ("title", "year"), round(score, 1))
            for title, score, study in found
            if study != incoming.study and _numbers(title) == numbers
        ]


def _numbers(title: str) -> list[str]:
    """The numbers of a normalised title, in order."""
    return [word for word in title.split() if word.isdigit()]
