"""Builds the view of one resource from the store: label, types, definition, links both ways, provenance, quote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from web.quotes import QuoteView, quote_from_row
from web.services import Services
from web.terms import TermView, compact, term_view

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


def is_empty(data: Dataset) -> bool:
    return next(iter(data.quads((None, None, None, None))), None) is None


def resource_view(svc: Services, iri: URIRef, data: Dataset) -> ResourceView:
    """The view of `iri` from its quads (`data`, from store.describe) and a few page queries."""
    labels = _labels(svc, iri)
    quads = [
        (s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in data.quads()
    ]
    out_by_pred: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    in_by_pred: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o, g in quads:
        if s == iri and not isinstance(o, BNode):
            out_by_pred[p][o].add(g)
        if (
            o == iri and s != iri and not isinstance(s, BNode)
        ):  # blank nodes: OWL axioms' inner structure
            in_by_pred[p][s].add(g)
    nested = _blank_nodes(svc, iri, labels)
    view = ResourceView(
        iri=str(iri), label=labels.get(iri) or _literal_label(quads, iri) or compact(str(iri))
    )
    view.types = [term_view(t, labels) for t in sorted(out_by_pred.pop(RDF.type, {}))]
    view.definitions = [str(o) for p in DEFINITIONS for o in sorted(out_by_pred.get(p, {}))]
    view.outgoing = _groups(out_by_pred, labels) + _nested_groups(nested, labels)
    view.outgoing.sort(key=lambda group: group.predicate.text.lower())
    view.incoming = _groups(in_by_pred, labels)
    view.graphs = [term_view(g, labels) for g in sorted({q[3] for q in quads if q[3] is not None})]
    view.quotes = resource_quotes(svc, iri)
    view.sparql = svc.queries["web/resource-statements"].bind({"resource": iri})
    return view


def _labels(svc: Services, iri: URIRef) -> dict[Node, str]:
    rows = svc.run("web/resource-labels", resource=iri).rows
    return {row["node"]: str(row["label"]) for row in rows if "label" in row}


def _literal_label(quads: list[tuple], iri: URIRef) -> str | None:
    for p in LABELS:
        for s, pred, o, _ in quads:
            if s == iri and pred == p and isinstance(o, Literal):
                return str(o)
    return None


def _groups(by_pred: dict[Node, dict[Node, set[Node]]], labels: dict[Node, str]) -> list[LinkGroup]:
    return [
        LinkGroup(
            term_view(p, labels),
            tuple(
                Link(term_view(o, labels), tuple(term_view(g, labels) for g in sorted(graphs)))
                for o, graphs in sorted(objects.items())
            ),
        )
        for p, objects in by_pred.items()
    ]


def _blank_nodes(
    svc: Services, iri: URIRef, labels: dict[Node, str]
) -> dict[Node, dict[Node, list]]:
    """link predicate -> blank node -> [(predicate, object)]."""
    grouped: dict[Node, dict[Node, list]] = defaultdict(lambda: defaultdict(list))
    for row in svc.run("web/resource-blank-nodes", resource=iri).rows:
        grouped[row["link"]][row["node"]].append((row["predicate"], row["object"]))
    return grouped


def _nested_groups(
    nested: dict[Node, dict[Node, list]], labels: dict[Node, str]
) -> list[LinkGroup]:
    return [
        LinkGroup(
            term_view(link, labels),
            tuple(
                Link(
                    TermView("bnode", "[ ]"),
                    (),
                    tuple((term_view(p, labels), term_view(o, labels)) for p, o in pairs),
                )
                for pairs in nodes.values()
            ),
        )
        for link, nodes in nested.items()
    ]


def resource_quotes(svc: Services, iri: URIRef) -> list[QuoteView]:
    """The passages `iri` comes from (its ckg:hasQuote), each in its source text."""
    rows = svc.run("web/resource-quote", resource=iri).rows
    return [q for q in (quote_from_row(row, svc.text_files) for row in rows) if q is not None]
