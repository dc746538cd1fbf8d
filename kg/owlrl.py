"""OWL 2 RL rules (`kg/sparql/owl-rl/*.rq`) run to a fixpoint on Oxigraph in memory: the types HermiT
infers for individuals, and its contradictions, for ontologies and data the rules cover; None otherwise."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from clusterkg.kg import resources
from clusterkg.kg.queries import NamedQuery, load_queries
from clusterkg.kg.reason import TRIVIAL_OBJECTS, ReasonerReport, supported
from clusterkg.kg.store.oxgraph import OxGraph

REASONER = "OWL 2 RL rules"
_BUILT_IN = (
    str(OWL),
    str(RDFS),
    str(RDF),
)  # their terms are vocabulary, not classes of individuals


@cache
def _rules(kind: str = "") -> list[NamedQuery]:
    """The files of `kg/sparql/owl-rl/KIND` ("": the rules; "contradictions", "guards", "read")."""
    return load_queries(resources.own_queries_dir() / "owl-rl" / kind)


def _query(kind: str, name: str) -> NamedQuery:
    return next(q for q in _rules(kind) if q.name == name)


def uncovered(ontology: Graph, data: Graph) -> list[str]:
    """Why the rules cannot stand in for HermiT on `ontology` plus `data`, one line each (none: they can):
    an axiom outside the rules, ontology axioms in the data, a possible equality, a literal whose value
    decides whether it fits its range."""
    return _uncovered(_input(ontology, data))


def rl_reason(ontology: Graph, data: Graph) -> ReasonerReport | None:
    """What `kg.reason.reason` reports for `ontology` plus `data` (consistency; inferred rdf:type triples
    of the individuals, each to its most specific named classes not already stated), from the rules; None
    when `uncovered` finds something they do not decide (then ask HermiT)."""
    closure = _input(ontology, data)
    if _uncovered(closure):
        return None
    asserted = _types(closure)
    rules = _rules()
    while sum(closure.add_constructed(rule.text) for rule in rules):
        pass
    cause = _contradiction(closure)
    if cause is not None:
        alone = _input(ontology, Graph())
        while sum(alone.add_constructed(rule.text) for rule in rules):
            pass
        at_fault = _contradiction(alone) is None
        return ReasonerReport(
            False, data_at_fault=at_fault, reasoner=REASONER, cause=cause if at_fault else ""
        )
    return ReasonerReport(
        True, inferred=_direct_types(closure, asserted, ontology), reasoner=REASONER
    )


def _contradiction(closure: OxGraph) -> str | None:
    """The first contradiction the rules find, in one line (the rule, then what contradicts)."""
    for query in _rules("contradictions"):
        for row in closure.query(query.text).rows:
            return f"{query.name}, " + " ".join(row[k].n3() for k in query.returns)
    return None


def _input(ontology: Graph, data: Graph) -> OxGraph:
    """The data in Oxigraph's default graph, the ontology beside it, as the reasoners see them."""
    return OxGraph((t for t in data if supported(t)), beside=(t for t in ontology if supported(t)))


def _uncovered(graph: OxGraph) -> list[str]:
    found = []
    for query in _rules("guards"):
        for row in graph.query(query.text, only_graph=query.name == "schema-in-data").rows:
            found.append(f"{query.name}: " + " ".join(row[k].n3() for k in query.returns))
    return found


def _types(graph: OxGraph) -> set[tuple[URIRef, URIRef]]:
    """Every (resource, named class) the graph types it with."""
    return {(r["x"], r["class"]) for r in graph.query(_query("read", "types").text).rows}  # type: ignore[misc]


def _direct_types(closure: OxGraph, asserted: set[tuple[URIRef, URIRef]], ontology: Graph) -> Graph:
    """The new rdf:type triples of the individuals to their most specific named classes (HermiT's
    realisation as owlready2 reports it)."""
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for x, c in _types(closure):
        if x in classes or c in TRIVIAL_OBJECTS or str(c).startswith(_BUILT_IN):
            continue
        types[x].add(c)
    above = _superclasses(closure)
    inferred = Graph()
    for x, named in types.items():
        if (x, OWL.Class) in asserted or (x, RDFS.Class) in asserted:
            continue
        for c in named:
            strictly_below = any(c in above[d] and d not in above[c] for d in named if d != c)
            if not strictly_below and (x, c) not in asserted:
                inferred.add((x, RDF.type, c))
    return inferred


def _superclasses(closure: OxGraph) -> dict[URIRef, set[URIRef]]:
    """Each named class's named superclasses (itself included), told or entailed by the rules' TBox file."""
    query = _query("read", "superclasses")
    above: dict[URIRef, set[URIRef]] = defaultdict(set)
    for row in closure.query(query.text).rows:
        above[row["sub"]].add(row["super"])  # type: ignore[index,arg-type]
    return above
