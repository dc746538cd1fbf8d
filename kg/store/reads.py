"""Reads that every backend answers with the same query file (`kg/sparql/`): whether the store holds a
triple, and how many triples one named graph holds."""

from __future__ import annotations

from rdflib import URIRef

from clusterkg.kg.queries import own_query
from clusterkg.kg.store.base import Store


def is_empty(store: Store) -> bool:
    """Whether `store` holds no triple: one ASK, where `count()` scans every quad (Oxigraph's len)."""
    return not store.query(own_query("store-holds-data").bind()).boolean


def graph_size(store: Store, graph: URIRef) -> int:
    """The number of triples in the named graph `graph` (a COUNT in the engine, not a scan in Python)."""
    return int(store.query(own_query("graph-size").bind({"graph": graph})).rows[0]["n"])
