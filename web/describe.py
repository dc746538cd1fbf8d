"""Builds the view of one resource from the store: label, types, definition, links both ways, provenance, quote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from clusterkg.web.quotes import QuoteView, quote_from_row
from clusterkg.web.services import Services
from clusterkg.web.terms import TermView, compact, term_view

LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
DEFINITIONS = (SKOS.definition, RDFS.comment, DCTERMS.description)


@dataclass(frozen=True)
class Link:
    """One statement seen from the resource: the other end, and the named graphs it is stated in."""

    other: TermView
    graphs: tuple[TermView, ...]
    nested: tuple[tuple[TermView, TermView], ...] = ()  # what a blank node says, one level deep


@dataclass(frozen=True)
class LinkGroup:
    predicate: TermView
    links: tuple[Link, ...]
    total: int = 0  # how many there are in all, when `links` shows only some (incoming links)


@dataclass
class ResourceView:
    iri: str
    label: str
    types: list[TermView] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    outgoing: list[LinkGroup] = field(default_factory=list)
    incoming: list[LinkGroup] = field(default_factory=list)
    graphs: list[TermView] = field(default_factory=list)
    quotes: list[QuoteView] = field(default_factory=list)
    sparql: str = ""


def resource_dataset(
    svc: Services, iri: URIRef, incoming: dict[Node, int] | None = None
) -> Dataset:
    """Every statement with `iri` as subject or object, plus what its blank nodes say (two levels deep);
    given `incoming` (incoming_totals, for an HTML page), of the incoming statements only the first of
    each of those properties (web/resource-incoming.rq): a class may have tens of thousands.

    Empty when the store does not know `iri`. The blank-node statements come from one query, so each
    blank node keeps one identity (store.describe and a second query may label them differently).
    """
    data = Dataset(default_union=True)
    if incoming is not None:
        for row in svc.run("web/resource-outgoing", resource=iri).rows:
            data.graph(row["graph"]).add((iri, row["predicate"], row["object"]))
        for predicate in incoming:
            for row in svc.run("web/resource-incoming", resource=iri, predicate=predicate).rows:
                data.graph(row["graph"]).add((row["subject"], predicate, iri))
    else:
        described = svc.store.describe(iri)
        for s, p, o, g in described.quads((None, None, None, None)):
            if not (s == iri and isinstance(o, BNode)):
                data.graph(_name(g)).add((s, p, o))
    if is_empty(data):
        return data
    for row in svc.run("web/resource-blank-nodes", resource=iri).rows:
        data.graph(row["graph"]).add((row["subject"], row["predicate"], row["object"]))
    return data


def is_empty(data: Dataset) -> bool:
    return next(iter(data.quads((None, None, None, None))), None) is None


def resource_view(
    svc: Services, iri: URIRef, data: Dataset, incoming: dict[Node, int] | None = None
) -> ResourceView:
    """The view of `iri` from its statements (`data`, from resource_dataset with the same `incoming`
    totals) and a few page queries."""
    quads = [(s, p, o, _name(g)) for s, p, o, g in data.quads((None, None, None, None))]
    labels = _labels(svc, {iri} | {n for quad in quads for n in quad if isinstance(n, URIRef)})
    out_by_pred: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    in_by_pred: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    blank: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o, g in quads:
        if s == iri:
            out_by_pred[p][o].add(g)
        elif o == iri and not isinstance(s, BNode):  # blank subjects: inner structure of OWL axioms
            in_by_pred[p][s].add(g)
        if isinstance(s, BNode):
            blank[s].append((p, o))
    view = ResourceView(
        iri=str(iri), label=labels.get(iri) or _literal_label(quads, iri) or compact(str(iri))
    )
    view.types = [term_view(t, labels) for t in sorted(out_by_pred.pop(RDF.type, {}))]
    view.definitions = [str(o) for p in DEFINITIONS for o in sorted(out_by_pred.get(p, {}))]
    view.outgoing = sorted(
        _groups(out_by_pred, labels, blank), key=lambda group: group.predicate.text.lower()
    )
    view.incoming = sorted(
        _groups(in_by_pred, labels, {}, incoming),
        key=lambda group: group.predicate.text.lower(),
    )
    view.graphs = [term_view(g, labels) for g in sorted({q[3] for q in quads if q[3] is not None})]
    view.quotes = resource_quotes(svc, iri)
    view.sparql = svc.queries["web/resource-statements"].bind({"resource": iri})
    return view


def incoming_totals(svc: Services, iri: URIRef) -> dict[Node, int]:
    """Property -> how many resources (not blank nodes) point to `iri` by it."""
    rows = svc.run("web/resource-incoming-counts", resource=iri).rows
    return {row["predicate"]: int(row["subjects"]) for row in rows}


def _name(graph: object) -> Node:
    """A quad's graph name (rdflib yields Graph objects or identifiers depending on the call)."""
    return graph.identifier if hasattr(graph, "identifier") else graph  # type: ignore[return-value]


def _labels(svc: Services, nodes: set[URIRef]) -> dict[Node, str]:
    rows = svc.run("web/labels", values={"resource": sorted(nodes)}).rows
    return {row["resource"]: str(row["label"]) for row in rows if "label" in row}


def _literal_label(quads: list[tuple], iri: URIRef) -> str | None:
    for p in LABELS:
        for s, pred, o, _ in quads:
            if s == iri and pred == p and isinstance(o, Literal):
                return str(o)
    return None


def _groups(
    by_pred: dict[Node, dict[Node, set[Node]]],
    labels: dict[Node, str],
    blank: dict[Node, list[tuple[Node, Node]]],
    totals: dict[Node, int] | None = None,
) -> list[LinkGroup]:
    """One group per predicate; a blank-node value carries what it says, one level deep; `totals`: how
    many values each predicate has in all (default: those in `by_pred`)."""
    return [
        LinkGroup(
            term_view(p, labels),
            tuple(
                Link(
                    TermView("bnode", "[ ]") if isinstance(o, BNode) else term_view(o, labels),
                    tuple(term_view(g, labels) for g in sorted(graphs)),
                    tuple(
                        (term_view(bp, labels), term_view(bo, labels))
                        for bp, bo in sorted(blank.get(o, []))
                    ),
                )
                for o, graphs in sorted(objects.items())
            ),
            (totals or {}).get(p, len(objects)),
        )
        for p, objects in {**{key: {} for key in totals or {}}, **by_pred}.items()
    ]


def resource_quotes(svc: Services, iri: URIRef) -> list[QuoteView]:
    """The passages `iri` comes from (its ckg:hasQuote), each in its source text."""
    rows = svc.run("web/resource-quote", resource=iri).rows
    return [q for q in (quote_from_row(row, svc.text_files) for row in rows) if q is not None]
