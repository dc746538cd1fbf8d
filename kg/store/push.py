"""`clusterkg push`: load a built dataset into a SPARQL 1.1 server, each named graph replacing its namesake."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, URIRef

from clusterkg.kg.store.remote import RemoteStore
from clusterkg.kg.store.results import graphs_of


@dataclass(frozen=True)
class PushedGraph:
    """One graph of a push: its name (None: the default graph), triples sent, and triples the server holds
    in it afterwards (None for the default graph, which a union-default-graph server cannot count apart)."""

    name: URIRef | None
    sent: int
    stored: int | None


def push(
    dataset: Dataset,
    query_endpoint: str,
    update_endpoint: str,
    store_endpoint: str | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    user: str | None = None,
    password: str | None = None,
) -> list[PushedGraph]:
    """Replace, all at once, the server's copy of every graph of `dataset`; other graphs stay as they are.

    Small datasets go in one SPARQL Update request; large ones are staged graph by graph (Graph Store
    Protocol PUT when `store_endpoint` is given, else INSERT DATA) and moved into place by one request.
    `user` and `password` answer the write endpoints' auth challenge. Raises StoreError (nothing changed)
    when the server cannot be reached or refuses the data.
    """
    store = RemoteStore(
        query_endpoint,
        update_endpoint,
        store_endpoint,
        timeout,
        retries,
        user=user,
        password=password,
    )
    graphs = graphs_of(dataset)
    store.replace_graphs(graphs)
    return [
        PushedGraph(name, len(data), store.count(name) if name is not None else None)
        for name, data in graphs
    ]
