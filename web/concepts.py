"""Concepts: Porter's diamond drawn as a diamond, the three cluster types, and the kinds of actor."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, render_template
from rdflib import URIRef

from kg.namespaces import CKR
from web.services import Services, services
from web.studies import study_href
from web.terms import TermView, link, text, unique

bp = Blueprint("concepts", __name__, url_prefix="/concepts")

PORTER_SCHEME = CKR["scheme/porter-diamond"]


@dataclass(frozen=True)
class StudyCoverage:
    study: TermView
    year: str
    claims: int


@dataclass
class Factor:
    factor: TermView
    elements: list[TermView] = field(default_factory=list)
    studies: list[StudyCoverage] = field(default_factory=list)


@dataclass
class ClusterType:
    type: TermView
    alt_labels: list[str] = field(default_factory=list)
    definition: str = ""
    sources: list[TermView] = field(default_factory=list)
    organised_around: list[str] = field(default_factory=list)
    held_together_by: list[str] = field(default_factory=list)
    studies: list[StudyCoverage] = field(default_factory=list)


@dataclass
class ActorKind:
    kind: TermView
    parent: TermView | None
    definition: str
    actors: list[TermView] = field(default_factory=list)
    recommendations: list[TermView] = field(default_factory=list)
    studies: list[StudyCoverage] = field(default_factory=list)


@bp.route("/")
def index() -> str:
    svc = services()
    coverage = concept_coverage(svc)
    scheme = svc.run("web/scheme", scheme=PORTER_SCHEME).rows
    return render_template(
        "concepts/index.html",
        scheme=scheme[0] if scheme else {},
        scheme_sources=unique(link(r.get("source"), r.get("sourceLabel")) for r in scheme),
        factors=_factors(svc, coverage),
        cluster_types=_cluster_types(svc, coverage),
        actor_kinds=_actor_kinds(svc, coverage),
        queries={
            "diamond": svc.queries["web/porter-diamond"].bind(),
            "types": svc.queries["web/cluster-types"].bind(),
            "actors": svc.queries["web/actor-kinds"].bind(),
            "studies": svc.queries["web/concept-studies"].bind(),
        },
    )


def concept_coverage(svc: Services) -> dict[URIRef, list[StudyCoverage]]:
    """Concept (or class) -> the studies with claims about it or something narrower."""
    coverage: dict[URIRef, list[StudyCoverage]] = defaultdict(list)
    for row in svc.run("web/concept-studies").rows:
        study = link(row["study"], row.get("studyLabel"))
        study = TermView("iri", study.text, study_href(str(row["study"])), iri=study.iri)
        coverage[row["concept"]].append(
            StudyCoverage(study, text(row.get("year")), int(row["claims"]))
        )
    return coverage


def _factors(svc: Services, coverage: dict[URIRef, list[StudyCoverage]]) -> list[Factor]:
    factors: dict[URIRef, Factor] = {}
    for row in svc.run("web/porter-diamond", scheme=PORTER_SCHEME).rows:
        factor = factors.setdefault(
            row["factor"],
            Factor(
                link(row["factor"], row["factorLabel"]), studies=coverage.get(row["factor"], [])
            ),
        )
        element = link(row.get("element"), row.get("elementLabel"))
        if element is not None:
            factor.elements.append(element)
    return sorted(factors.values(), key=lambda f: f.factor.text)


def _cluster_types(svc: Services, coverage: dict[URIRef, list[StudyCoverage]]) -> list[ClusterType]:
    types: dict[URIRef, ClusterType] = {}
    for row in svc.run("web/cluster-types").rows:
        item = types.setdefault(
            row["type"],
            ClusterType(
                link(row["type"], row["label"]),
                definition=text(row.get("definition")),
                studies=coverage.get(row["type"], []),
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
    return list(types.values())


def _actor_kinds(svc: Services, coverage: dict[URIRef, list[StudyCoverage]]) -> list[ActorKind]:
    kinds: dict[URIRef, ActorKind] = {}
    for row in svc.run("web/actor-kinds").rows:
        kind = kinds.setdefault(
            row["kind"],
            ActorKind(
                link(row["kind"], row["label"]),
                link(row.get("parent"), row.get("parentLabel")),
                text(row.get("definition")),
                studies=coverage.get(row["kind"], []),
            ),
        )
        for values, value in (
            (kind.actors, link(row.get("actor"), row.get("actorLabel"))),
            (kind.recommendations, link(row.get("rec"), row.get("recLabel"))),
        ):
            if value is not None and value not in values:
                values.append(value)
    return sorted(kinds.values(), key=lambda k: k.kind.text.lower())
