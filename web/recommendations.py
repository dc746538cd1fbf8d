"""Recommendation pages: the list, and per recommendation its whole evidence chain with quotes in context."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, url_for
from rdflib import URIRef

from clusterkg.kg.namespaces import CKG
from clusterkg.web.describe import resource_quotes
from clusterkg.web.evidence import EvidenceItem, evidence_chain
from clusterkg.web.marks import SynthesisMark, synthesis_marks
from clusterkg.web.paging import (
    Paging,
    list_page,
    run_paged,
)
from clusterkg.web.quotes import QuoteView
from clusterkg.web.responses import error_response
from clusterkg.web.services import Services, services
from clusterkg.web.terms import NOT_AN_IRI, TermView, iri_for_path, link, text, unique
from clusterkg.web.urls import rec_href

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


@dataclass
class RecommendationSummary:
    rec: TermView
    order: str
    addressees: list[TermView] = field(default_factory=list)
    question: TermView | None = None
    items: int = 0
    links: int = 0
    cited_support: int = 0
    own_analysis: bool = False
    mark: SynthesisMark = field(default_factory=SynthesisMark)


@dataclass
class Item:
    label: str
    text: TermView
    children: list[Item] = field(default_factory=list)


@dataclass
class RecommendationPage:
    iri: URIRef
    label: str
    section: str = ""
    answer_basis: str = ""
    own_analysis: bool = False
    document: TermView | None = None
    question: TermView | None = None
    addressees: list[TermView] = field(default_factory=list)
    addressee_not_stated: bool = False
    funding: list[TermView] = field(default_factory=list)
    subjects: list[TermView] = field(default_factory=list)
    quotes: list[QuoteView] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)
    mark: SynthesisMark = field(default_factory=SynthesisMark)

    @property
    def cited_support(self) -> list[EvidenceItem]:
        """Evidence links that support the recommendation with a claim from a cited study."""
        return [e for e in self.evidence if e.kind_key == "supports" and e.from_cited_study]


@bp.route("/")
def index() -> Response:
    svc = services()
    return list_page(
        svc,
        "recommendations/index.html",
        "web/recommendations-count",
        "web/recommendations",
        lambda p: recommendation_summaries(svc, p),
    )


def recommendation_summaries(svc: Services, paging: Paging) -> list[RecommendationSummary]:
    """One page of recommendations in their stated order, each with its addressees, question and evidence."""
    summaries: dict[str, RecommendationSummary] = {}
    for row in run_paged(svc, "web/recommendations", paging, {}).rows:
        key = str(row["rec"])
        rec = link(row["rec"], row["label"])
        summaries[key] = RecommendationSummary(
            rec=TermView("iri", rec.text, rec_href(key), iri=key), order=text(row.get("order"))
        )
    if not summaries:
        return []
    found = svc.run("web/recommendation-summaries", values={"rec": map(URIRef, summaries)})
    for row in found.rows:
        summary = summaries[str(row["rec"])]
        own = row.get("ownAnalysis")
        summary.question = link(row.get("question"), row.get("questionLabel"))
        summary.items = int(row.get("items") or 0)
        summary.links = int(row.get("links") or 0)
        summary.cited_support = int(row.get("citedSupport") or 0)
        summary.own_analysis = bool(own and own.toPython())
        summary.addressees = unique(
            [*summary.addressees, link(row.get("addressee"), row.get("addresseeLabel"))]
        )
    for key, mark in synthesis_marks(svc, map(URIRef, summaries)).items():
        summaries[key].mark = mark
    return list(summaries.values())


@bp.route("/<path:slug>")
def show(slug: str) -> Response | str:
    svc = services()
    iri = iri_for_path("resource", f"recommendation/{slug}")
    if iri is None:
        return error_response(404, NOT_AN_IRI)
    page = recommendation_page(svc, iri)
    if page is None:
        return error_response(404, f"no recommendation <{iri}> in this dataset")
    return render_template(
        "recommendations/show.html",
        page=page,
        sparql=svc.queries["web/evidence-chain"].bind({"target": iri}),
        resource_href=url_for("resources.resource", path=f"recommendation/{slug}"),
    )


def recommendation_page(svc: Services, iri: URIRef) -> RecommendationPage | None:
    rows = svc.run("web/recommendation", rec=iri).rows
    if not rows:
        return None
    first = rows[0]
    own = first.get("ownAnalysis")
    page = RecommendationPage(
        iri=iri,
        label=str(first["label"]),
        section=text(first.get("section")),
        answer_basis=text(first.get("answerBasis")),
        own_analysis=bool(own and own.toPython()),
        document=link(first.get("document"), first.get("documentLabel")),
        question=link(first.get("question"), first.get("questionLabel")),
    )
    page.addressees = unique(link(r.get("addressee"), r.get("addresseeLabel")) for r in rows)
    page.funding = unique(link(r.get("funding"), r.get("fundingLabel")) for r in rows)
    page.subjects = unique(link(r.get("subject"), r.get("subjectLabel")) for r in rows)
    page.addressee_not_stated = any(r.get("notStated") == CKG.addressedTo for r in rows)
    page.quotes = resource_quotes(svc, iri)
    page.items = _items(svc, iri)
    page.evidence = evidence_chain(svc, iri)
    page.mark = synthesis_marks(svc, [iri])[str(iri)]
    return page


def _items(svc: Services, iri: URIRef) -> list[Item]:
    """The item tree under `iri`, each level in its stated order."""
    children: dict[str, list[Item]] = {}
    for row in svc.run("web/recommendation-items", rec=iri).rows:
        item = Item(text(row.get("itemLabel")), link(row["item"], row.get("text")))
        children.setdefault(str(row["parent"]), []).append(item)
    for items in children.values():
        for item in items:
            item.children = children.get(item.text.iri, [])
    return children.get(str(iri), [])
