"""An rdflib graph copied into an in-memory pyoxigraph store, so that SPARQL over it runs in Oxigraph: an
ingest batch's neighbourhood lookups and the violation queries answer in milliseconds, not rdflib's seconds."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from clusterkg.kg.store.base import QueryResult
from clusterkg.kg.store.results import query_form, result_from_ox, to_ox


class OxGraph:
    """The triples of `graph` (an rdflib Graph, or a Dataset's union) in Oxigraph's default graph; blank
    nodes keep their labels, so answers name the same nodes as the graph. Only `add_constructed` (the
    rule reasoner's fixpoint) adds to it."""

    def __init__(self, graph: Graph) -> None:
        self._store = ox.Store()
        default = ox.DefaultGraph()
        self._store.bulk_extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), default)  # type: ignore[arg-type]
            for s, p, o in graph.triples((None, None, None))
        )

    def __len__(self) -> int:
        return len(self._store)

    def add_constructed(self, sparql: str) -> int:
        """Add what the CONSTRUCT `sparql` builds from the graph to the graph; how many triples were new."""
        before = len(self._store)
        default = ox.DefaultGraph()
        self._store.extend(
            [ox.Quad(t.subject, t.predicate, t.object, default) for t in self._store.query(sparql)]
        )
        return len(self._store) - before

    def query(self, sparql: str) -> QueryResult:
        return result_from_ox(self._store.query(sparql), query_form(sparql))
