"""Recommendation pages: the list, and per recommendation its whole evidence chain with quotes in context."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, url_for
from rdflib import URIRef

from kg.namespaces import CKG, CKR
from web.describe import resource_quotes
from web.evidence import EvidenceItem, evidence_chain
from web.quotes import QuoteView
from web.responses import error_response
from web.services import Services, services
from web.terms import TermView, link, text, unique

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

    @property
    def cited_support(self) -> list[EvidenceItem]:
        """Evidence links that support the recommendation with a claim from a cited study."""
        return [e for e in self.evidence if e.kind_key == "supports" and e.from_cited_study]


def rec_href(iri: str) -> str:
    return url_for("recommendations.show", slug=iri.removeprefix(str(CKR["recommendation/"])))


@bp.route("/")
def index() -> str:
    svc = services()
    summaries: dict[str, RecommendationSummary] = {}
    for row in svc.run("web/recommendations").rows:
        key = str(row["rec"])
        if key not in summaries:
            rec = link(row["rec"], row["label"])
            rec = TermView("iri", rec.text, rec_href(key), iri=key)
            own = row.get("ownAnalysis")
            summaries[key] = RecommendationSummary(
                rec=rec,
                order=text(row.get("order")),
                question=link(row.get("question"), row.get("questionLabel")),
                items=int(row["items"]),
                links=int(row["links"]),
                cited_support=int(row["citedSupport"]),
                own_analysis=bool(own and own.toPython()),
            )
        summaries[key].addressees = unique(
            [*summaries[key].addressees, link(row.get("addressee"), row.get("addresseeLabel"))]
        )
    return render_template(
        "recommendations/index.html",
        recommendations=list(summaries.values()),
        sparql=svc.queries["web/recommendations"].bind(),
    )


@bp.route("/<path:slug>")
def show(slug: str) -> Response | str:
    svc = services()
    iri = CKR[f"recommendation/{slug}"]
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
