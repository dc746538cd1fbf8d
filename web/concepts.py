"""Concepts: Porter's diamond drawn as a diamond, the cluster types of the ontology, and the kinds of actor."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import URIRef

from clusterkg.kg.namespaces import CKR
from clusterkg.web.marks import contested_marks
from clusterkg.web.paging import (
    PageError,
    Paging,
    count,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import TermView, compact, link, text, unique
from clusterkg.web.urls import study_href

bp = Blueprint("concepts", __name__, url_prefix="/concepts")

PORTER_SCHEME = CKR["scheme/porter-diamond"]
THEMES_SHOWN = 50  # themes listed on /concepts/; the synthesis matrix pages through them all


@dataclass(frozen=True)
class StudyCoverage:
    study: TermView
    year: str
    claims: int


@dataclass(frozen=True)
class Coverage:
    """How many studies speak to a concept, and where they are listed."""

    studies: int
    href: str


@dataclass
class Factor:
    factor: TermView
    elements: list[TermView] = field(default_factory=list)
    studies: Coverage | None = None


@dataclass
class ClusterType:
    type: TermView
    alt_labels: list[str] = field(default_factory=list)
    definition: str = ""
    sources: list[TermView] = field(default_factory=list)
    organised_around: list[str] = field(default_factory=list)
    held_together_by: list[str] = field(default_factory=list)
    studies: Coverage | None = None


@dataclass
class ActorKind:
    kind: TermView
    parent: TermView | None
    definition: str
    recommendations: int
    actors: list[TermView] = field(default_factory=list)
    studies: Coverage | None = None


@bp.route("/")
def index() -> str:
    svc = services()
    scheme = svc.run("web/scheme", scheme=PORTER_SCHEME).rows
    themes = [
        link(r["theme"], r.get("label"))
        for r in run_paged(svc, "web/synthesis-themes", Paging(1, THEMES_SHOWN), {}).rows
    ]
    more_themes = count(svc, "web/synthesis-themes-count", {}) - len(themes)
    return render_template(
        "concepts/index.html",
        scheme=scheme[0] if scheme else {},
        scheme_sources=unique(link(r.get("source"), r.get("sourceLabel")) for r in scheme),
        factors=_factors(svc),
        cluster_types=_cluster_types(svc),
        actor_kinds=_actor_kinds(svc),
        themes=themes,
        more_themes=more_themes,
        marks=contested_marks(svc, (URIRef(t.iri) for t in themes)),
        queries={
            "diamond": svc.queries["web/porter-diamond"].bind(),
            "types": svc.queries["web/cluster-types"].bind(),
            "actors": svc.queries["web/actor-kinds"].bind(),
            "studies": svc.queries["web/concept-studies"].bind(),
        },
    )


@bp.route("/studies")
def studies() -> Response:
    """The studies with claims about one concept, class or kind of actor (or something narrower), paged."""
    svc = services()
    concept = request.args.get("concept", "")
    if not concept:
        raise PageError(400, "which concept? give ?concept=<IRI>")
    params = {"concept": concept}
    found = svc.run("web/concept-studies-count", **params).rows
    total = int(found[0]["total"]) if found else 0
    if total == 0 and not (found and found[0].get("label")):
        raise PageError(404, f"no concept <{concept}> in this dataset")
    page = page_of(
        requested_paging(),
        total,
        lambda p: [
            _coverage_row(r)
            for r in run_paged(svc, "web/concept-studies", p, params).rows
            if "claims" in r  # rdflib answers an aggregate over nothing with one empty row
        ],
    )
    label = text(found[0].get("label"), compact(concept))
    body = render_template(
        "concepts/studies.html",
        concept=link(URIRef(concept), label),
        mark=contested_marks(svc, [URIRef(concept)]).get(concept),
        page=page,
        sparql=paged_sparql(svc, "web/concept-studies", page.paging, params),
    )
    return paged_response(body, page)


def coverage(svc: Services, concept: URIRef) -> Coverage:
    """The number of studies about `concept` (or something narrower) and the link to their list."""
    return Coverage(
        count(svc, "web/concept-studies-count", {"concept": concept}),
        url_for("concepts.studies", concept=str(concept)),
    )


def _coverage_row(row) -> StudyCoverage:
    study = link(row["study"], row.get("studyLabel"))
    return StudyCoverage(
        TermView("iri", study.text, study_href(str(row["study"])), iri=study.iri),
        text(row.get("year")),
        int(row["claims"]),
    )


def _factors(svc: Services) -> list[Factor]:
    factors: dict[URIRef, Factor] = {}
    for row in svc.run("web/porter-diamond", scheme=PORTER_SCHEME).rows:
        factor = factors.setdefault(
            row["factor"],
            Factor(link(row["factor"], row["factorLabel"])),
        )
        element = link(row.get("element"), row.get("elementLabel"))
        if element is not None:
            factor.elements.append(element)
    for iri, factor in factors.items():
        factor.studies = coverage(svc, iri)
    return sorted(factors.values(), key=lambda f: f.factor.text)


def _cluster_types(svc: Services) -> list[ClusterType]:
    types: dict[URIRef, ClusterType] = {}
    for row in svc.run("web/cluster-types").rows:
        item = types.setdefault(
            row["type"],
            ClusterType(
                link(row["type"], row["label"]),
                definition=text(row.get("definition")),
            ),
        )
        for values, key in (
            (item.alt_labels, "altLabel"),
            (item.organised_around, "principleLabel"),
            (item.held_together_by, "forceLabel"),
        ):
            if row.get(key) is not None and str(row[key]) not in values:
                values.append(str(row[key]))
        source = link(row.get("source"), row.get("sourceLabel"))
        if source is not None and source not in item.sources:
            item.sources.append(source)
    for iri, item in types.items():
        item.studies = coverage(svc, iri)
    return list(types.values())


def _actor_kinds(svc: Services) -> list[ActorKind]:
    kinds: dict[URIRef, ActorKind] = {}
    for row in svc.run("web/actor-kinds").rows:
        kind = kinds.setdefault(
            row["kind"],
            ActorKind(
                link(row["kind"], row["label"]),
                link(row.get("parent"), row.get("parentLabel")),
                text(row.get("definition")),
                int(row.get("recommendations") or 0),
            ),
        )
        actor = link(row.get("actor"), row.get("actorLabel"))
        if actor is not None and actor not in kind.actors:
            kind.actors.append(actor)
    for iri, kind in kinds.items():
        kind.studies = coverage(svc, iri)
    return sorted(kinds.values(), key=lambda k: k.kind.text.lower())
