"""`push`: the built dataset into a real Oxigraph server, named graphs kept, replacing what was there."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from clusterkg.kg.namespaces import CKGRAPH, CKR
from clusterkg.kg.store.base import StoreError
from clusterkg.kg.store.push import PushedGraph, push
from tests.fixtures.stores import free_port

pytestmark = pytest.mark.server
OTHER = CKGRAPH["source/already-there"]


@pytest.mark.parametrize("with_store_endpoint", [False, True])
def test_push_replaces_the_datasets_graphs_only(
    oxigraph_server, seed_dataset: Dataset, with_store_endpoint: bool
) -> None:
    server = oxigraph_server.remote_store()
    server.clear()
    try:
        other = Graph()
        other.add((CKR["study/x"], URIRef("http://purl.org/dc/terms/title"), Literal("kept")))
        server.replace_graph(OTHER, other)
        first = next(g.identifier for g in seed_dataset.graphs() if len(g))
        stale = Graph()
        stale.add(
            (CKR["study/stale"], URIRef("http://purl.org/dc/terms/title"), Literal("replaced"))
        )
        server.replace_graph(first, stale)
        store_endpoint = oxigraph_server.store_endpoint if with_store_endpoint else None
        for _ in range(2):  # pushing twice changes nothing: graphs are replaced, not added to
            pushed = push(
                seed_dataset,
                oxigraph_server.query_endpoint,
                oxigraph_server.update_endpoint,
                store_endpoint,
            )
        expected = sorted(
            (PushedGraph(g.identifier, len(g), len(g)) for g in seed_dataset.graphs() if len(g)),
            key=lambda p: str(p.name),
        )
        assert sorted(pushed, key=lambda p: str(p.name)) == expected
        assert server.count(OTHER) == 1
        assert server.query(f"ASK {{ {CKR['study/stale'].n3()} ?p ?o }}").boolean is False
        assert sorted(server.graphs()) == sorted([OTHER, *(p.name for p in expected)])
    finally:
        server.clear()


def test_push_to_a_server_that_is_not_there(seed_dataset: Dataset) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=f"cannot reach {url}/update: .*Connection refused"):
        push(seed_dataset, f"{url}/query", f"{url}/update", retries=0)
