"""What the pages show beside a recommendation or theme: its certainty with reasons and overrides, and
whether it is contested, read from three queries bound to the items a page shows (contested.rq alone where a
page lists items without their ratings)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from clusterkg.kg.namespaces import CKG
from clusterkg.web.services import Services
from clusterkg.web.terms import TermView, link, text


@dataclass
class Override:
    level: str
    justification: str
    reviewer: TermView | None
    time: str
    graph: str


@dataclass
class SynthesisMark:
    """What the pages show beside a recommendation or theme: its certainty, why, overrides, and whether contested."""

    rating: str = ""
    reasons: str = ""
    concerns: list[tuple[str, str]] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    contested: bool = False
    supporting_studies: int = 0
    disputing_studies: int = 0

    @property
    def css(self) -> str:
        return "certainty-" + self.rating.replace(" ", "-")


ITEM_KINDS = {CKG.Recommendation: "recommendation", CKG.Theme: "theme"}
CONCERNS = (
    ("adequacy", "Adequacy"),
    ("coherence", "Coherence"),
    ("relevance", "Relevance"),
    ("context", "Context"),
)


def synthesis_marks(svc: Services, items: Iterable[URIRef]) -> dict[str, SynthesisMark]:
    """Certainty (with reasons and overrides) and contested status of `items`, from three bound queries."""
    terms = list(dict.fromkeys(items))
    marks = {str(i): SynthesisMark() for i in terms}
    if not terms:
        return marks
    for row in svc.run("certainty", values={"item": terms}).rows:
        mark = marks[str(row["item"])]
        mark.rating = text(row.get("ratingLabel"))
        mark.reasons = text(row.get("reasons"))
        mark.concerns = [(label, text(row.get(column))) for column, label in CONCERNS]
    for iri, found in contested_marks(svc, terms).items():
        marks[iri].contested = True
        marks[iri].supporting_studies = found.supporting_studies
        marks[iri].disputing_studies = found.disputing_studies
    for row in svc.run("certainty-overrides", values={"item": terms}).rows:
        marks[str(row["item"])].overrides.append(
            Override(
                level=text(row.get("levelLabel")),
                justification=text(row.get("justification")),
                reviewer=link(row.get("reviewer"), row.get("reviewerLabel")),
                time=text(row.get("time")),
                graph=text(row.get("graph")),
            )
        )
    return marks


def contested_marks(svc: Services, items: Iterable[URIRef]) -> dict[str, SynthesisMark]:
    """IRI -> mark of those `items` that are contested (queries/contested.rq bound to them): what every page
    that lists themes or recommendations draws beside each (`contested_mark` in synthesis/marks.html).
    Items that are neither themes nor recommendations are never contested, so a page may pass all it shows."""
    terms = [t for t in dict.fromkeys(items) if isinstance(t, URIRef)]
    if not terms:
        return {}
    return {
        str(row["item"]): SynthesisMark(
            contested=True,
            supporting_studies=int(row["supportingStudies"]),
            disputing_studies=int(row["disputingStudies"]),
        )
        for row in svc.run("contested", values={"item": terms}).rows
    }


def rated_item_mark(svc: Services, iri: URIRef, types: set[str | None]) -> SynthesisMark | None:
    """The mark of `iri` when its types make it a recommendation or theme (a resource page shows it), else None."""
    if not types & {str(t) for t in ITEM_KINDS}:
        return None
    return synthesis_marks(svc, [iri])[str(iri)]
