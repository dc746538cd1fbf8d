"""OWL class expressions and class axioms of an rdflib graph written in Manchester syntax (OWL 2 Manchester
Syntax, W3C Note), names as compact IRIs without their prefix where it is ours (`ckg:`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from clusterkg.kg.namespaces import CKG, prefixed

Namer = Callable[[URIRef], str]

_RESTRICTIONS = (  # property restriction -> keyword, and whether its filler is a cardinality
    (OWL.someValuesFrom, "some"),
    (OWL.allValuesFrom, "only"),
    (OWL.hasValue, "value"),
)
_CARDINALITIES = (
    (OWL.minCardinality, OWL.minQualifiedCardinality, "min"),
    (OWL.maxCardinality, OWL.maxQualifiedCardinality, "max"),
    (OWL.cardinality, OWL.qualifiedCardinality, "exactly"),
)


@dataclass(frozen=True)
class Axiom:
    """One class axiom: its Manchester frame keyword (SubClassOf, EquivalentTo, DisjointWith) and text."""

    keyword: str
    text: str
    anonymous: bool = False  # about a class expression, not only named classes


def name(iri: URIRef) -> str:
    """How an IRI is written: our own terms by their local name, others as `prefix:local` or `<iri>`."""
    if str(iri).startswith(str(CKG)):
        return str(iri)[len(str(CKG)) :]
    return prefixed(str(iri)) or f"<{iri}>"


def expression(graph: Graph, node: Node, namer: Namer = name, nested: bool = False) -> str:
    """`node` (a named class or an anonymous class expression) in Manchester syntax; a nested compound
    expression is parenthesised."""
    if isinstance(node, URIRef):
        return namer(node)
    if isinstance(node, Literal):
        return node.n3()
    text = _compound(graph, node, namer)
    simple = text.startswith("{") or " " not in text
    return text if simple or not nested else f"({text})"


def _compound(graph: Graph, node: Node, namer: Namer) -> str:
    for predicate, joiner in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        members = graph.value(node, predicate)
        if members is not None:
            return joiner.join(
                expression(graph, m, namer, True) for m in Collection(graph, members)
            )
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return f"not {expression(graph, complement, namer, True)}"
    one_of = graph.value(node, OWL.oneOf)
    if one_of is not None:
        return "{" + ", ".join(expression(graph, m, namer) for m in Collection(graph, one_of)) + "}"
    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        return _restriction(graph, node, _property(graph, prop, namer), namer)
    return "owl:Thing" if graph.value(node, RDF.type) is None else "(an unreadable expression)"


def _property(graph: Graph, prop: Node, namer: Namer) -> str:
    inverse = graph.value(prop, OWL.inverseOf) if isinstance(prop, BNode) else None
    if inverse is not None:
        return f"inverse {expression(graph, inverse, namer)}"
    return expression(graph, prop, namer)


def _restriction(graph: Graph, node: Node, prop: str, namer: Namer) -> str:
    for predicate, keyword in _RESTRICTIONS:
        filler = graph.value(node, predicate)
        if filler is not None:
            return f"{prop} {keyword} {expression(graph, filler, namer, True)}"
    if graph.value(node, OWL.hasSelf) is not None:
        return f"{prop} Self"
    for plain, qualified, keyword in _CARDINALITIES:
        number = graph.value(node, plain) or graph.value(node, qualified)
        if number is not None:
            filler = graph.value(node, OWL.onClass) or graph.value(node, OWL.onDataRange)
            tail = f" {expression(graph, filler, namer, True)}" if filler is not None else ""
            return f"{prop} {keyword} {number}{tail}"
    return f"{prop} (an unreadable restriction)"


def class_axioms(graph: Graph, cls: URIRef, namer: Namer = name) -> list[Axiom]:
    """The axioms about `cls`: SubClassOf (named and anonymous superclasses), EquivalentTo, DisjointWith
    (pairwise and from owl:AllDisjointClasses), each in Manchester syntax, named classes first."""
    equivalent = {
        *graph.objects(cls, OWL.equivalentClass),
        *graph.subjects(OWL.equivalentClass, cls),
    }
    disjoint = {*graph.objects(cls, OWL.disjointWith), *graph.subjects(OWL.disjointWith, cls)}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(group, OWL.members)))
        if cls in members:
            disjoint.update(members)
    axioms = []
    for keyword, nodes in (
        ("SubClassOf", set(graph.objects(cls, RDFS.subClassOf))),
        ("EquivalentTo", equivalent - {cls}),
        ("DisjointWith", disjoint - {cls}),
    ):
        written = sorted((isinstance(n, BNode), expression(graph, n, namer)) for n in nodes)
        axioms += [Axiom(keyword, text, anonymous) for anonymous, text in written]
    return axioms
