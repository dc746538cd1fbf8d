"""One page of the bibliography (filtered, sorted, with authors in order): the studies list and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from clusterkg.web.paging import ANY, Paging, run_paged
from clusterkg.web.services import Services
from clusterkg.web.terms import TermView, link, text
from clusterkg.web.urls import study_href


@dataclass
class StudyRow:
    study: TermView
    cited_as: str
    year: str
    title: str
    venue: str
    source_document: bool
    complete_authors: bool | None
    claims: int
    evidence_links: int
    authors: list[str] = field(default_factory=list)

    @property
    def et_al(self) -> bool:
        return self.complete_authors is False


def bibliography(
    svc: Services,
    paging: Paging,
    sort: str = "year",
    year: str = "",
    concept: object = ANY,
) -> list[StudyRow]:
    """One page of studies (filtered and sorted) with their authors in order."""
    params = {"year": year, "concept": concept, "sort": sort}
    rows: dict[str, StudyRow] = {}
    for row in run_paged(svc, "web/studies", paging, params).rows:
        key = str(row["study"])
        complete = row.get("completeAuthors")
        study = link(row["study"], row.get("label") or row.get("citedAs"))
        rows[key] = StudyRow(
            study=TermView("iri", study.text, study_href(key), iri=key),
            cited_as=text(row.get("citedAs"), text(row.get("label"))),
            year=text(row.get("year")),
            title=text(row.get("title")),
            venue=text(row.get("venue")),
            source_document="sourceDocument" in row,
            complete_authors=None if complete is None else bool(complete.toPython()),
            claims=int(row["claims"]),
            evidence_links=int(row["evidenceLinks"]),
        )
    if rows:
        authors = svc.run("web/studies-authors", values={"study": map(URIRef, rows)})
        for row in authors.rows:
            rows[str(row["study"])].authors.append(text(row.get("name")))
    return list(rows.values())
