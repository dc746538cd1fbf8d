"""An rdflib graph copied into an in-memory pyoxigraph store, so that SPARQL over it runs in Oxigraph: an
ingest batch's neighbourhood lookups, the violation queries and the OWL 2 RL rules answer in milliseconds,
not rdflib's seconds."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from clusterkg.kg.store.base import QueryResult
from clusterkg.kg.store.results import query_form, result_from_ox, to_ox

Triples = Iterable[tuple[Node, Node, Node]]
_BESIDE = ox.NamedNode("urn:x-clusterkg:oxgraph:beside")


class OxGraph:
    """The triples of `graph` (an rdflib Graph, a Dataset's union, or any triples) in Oxigraph's default
    graph; blank nodes keep their labels, so answers name the same nodes as the graph. `beside` (an
    ontology) is seen with them by every query but those asked `only_graph`. Only `add_constructed`
    (the rule reasoner's fixpoint) adds to it."""

    def __init__(self, graph: Graph | Triples, beside: Triples = ()) -> None:
        self._store = ox.Store()
        triples = graph.triples((None, None, None)) if isinstance(graph, Graph) else graph
        self._store.bulk_extend(_quads(triples, ox.DefaultGraph()))
        self._store.bulk_extend(_quads(beside, _BESIDE))
        self._beside = any(True for _ in self._store.quads_for_pattern(None, None, None, _BESIDE))

    def __len__(self) -> int:
        return len(self._store)

    def add_constructed(self, sparql: str) -> int:
        """Add what the CONSTRUCT `sparql` builds from the graph to the graph; how many triples were new."""
        before = len(self._store)
        default = ox.DefaultGraph()
        self._store.extend(
            [ox.Quad(t.subject, t.predicate, t.object, default) for t in self._ask(sparql, False)]
        )
        return len(self._store) - before

    def query(self, sparql: str, only_graph: bool = False) -> QueryResult:
        return result_from_ox(self._ask(sparql, only_graph), query_form(sparql))

    def _ask(self, sparql: str, only_graph: bool):  # type: ignore[no-untyped-def]
        if only_graph or not self._beside:
            return self._store.query(sparql)
        return self._store.query(sparql, default_graph=[ox.DefaultGraph(), _BESIDE])


def _quads(triples: Triples, graph: ox.DefaultGraph | ox.NamedNode) -> Iterable[ox.Quad]:
    return (ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in triples)  # type: ignore[arg-type]
