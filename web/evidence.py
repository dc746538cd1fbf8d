"""The evidence behind a recommendation or finding, grouped per evidence link, with quotes in their context."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from clusterkg.kg.namespaces import CKG
from clusterkg.web.quotes import QuoteView, quote_from_row
from clusterkg.web.services import Services
from clusterkg.web.terms import TermView, link, text


@dataclass
class StudyRef:
    study: TermView
    year: str
    venue: str
    cited: bool  # a cited study, not the document that reports the recommendation


@dataclass
class EvidenceItem:
    """One evidence link: its kind and rationale, the claim, the studies behind it, and the quote."""

    link: TermView
    kind: str
    kind_key: str
    rationale: str
    claim: TermView
    section: str
    studies: list[StudyRef] = field(default_factory=list)
    quote: QuoteView | None = None

    @property
    def from_cited_study(self) -> bool:
        return any(s.cited for s in self.studies)


def evidence_chain(svc: Services, target: URIRef) -> list[EvidenceItem]:
    """Every evidence link for `target`, in the order of queries/web/evidence-chain.rq."""
    items: dict[str, EvidenceItem] = {}
    for row in svc.run("web/evidence-chain", target=target).rows:
        key = str(row["link"])
        if key not in items:
            kind = row.get("kind")
            items[key] = EvidenceItem(
                link=link(row["link"]),
                kind=text(row.get("kindLabel"), "evidence"),
                kind_key=str(kind).removeprefix(str(CKG)).lower() if kind else "",
                rationale=text(row.get("rationale")),
                claim=link(row["claim"], row.get("claimLabel")),
                section=text(row.get("section")),
                quote=quote_from_row(row, svc.text_files),
            )
        cited = row.get("cited")
        cited = bool(cited and cited.toPython())
        study = link(row.get("study"), row.get("studyLabel"))
        if study is not None and all(s.study.iri != study.iri for s in items[key].studies):
            items[key].studies.append(
                StudyRef(study, text(row.get("year")), text(row.get("venue")), cited)
            )
    return list(items.values())
