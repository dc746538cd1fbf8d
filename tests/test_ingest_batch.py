"""Batch validation helpers: blank nodes named by the way they are reached, so they can be focus nodes;
the store as it will be after the write."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from clusterkg.kg.namespaces import INFERRED_GRAPH
from clusterkg.kg.sources.batch_validation import StoreWithBatch, name_blank_nodes
from clusterkg.kg.store.base import Store

DATA = """
@prefix ex: <http://example.org/> .
ex:claim ex:hasQuote [ ex:hasSelector [ ex:exact "a" ] ], [ ex:hasSelector [ ex:exact "b" ] ] .
[ ex:note "unreached" ] .
"""


def test_blank_nodes_are_named_by_their_path_and_kept_apart() -> None:
    named = name_blank_nodes(Graph().parse(data=DATA, format="turtle"))
    subjects = {str(s) for s in named.subjects()}
    base = "urn:x-blank:http://example.org/claim#"
    assert {s for s in subjects if s.startswith(base)} == {
        f"{base}hasQuote",
        f"{base}hasQuote-2",
        f"{base}hasQuote/hasSelector",
        f"{base}hasQuote-2/hasSelector",
    }
    exacts = {str(o) for o in named.objects(None, URIRef("http://example.org/exact"))}
    assert exacts == {"a", "b"}
    assert len(named) == 7
    assert all(isinstance(n, URIRef) for triple in named for n in triple[:2])
    assert sum(1 for s in subjects if s.startswith("urn:x-blank:") and "#" not in s) == 1


def test_store_with_batch_leaves_out_the_replaced_graph_but_not_what_others_state(
    empty_store: Store,
) -> None:
    """The view of the store after a write: the replaced graph's old triples are gone, unless another
    graph states them too; the inferred graph is left out; the batch is in."""
    ex = "http://example.org/"
    replaced, other = URIRef(f"{ex}graph/replaced"), URIRef(f"{ex}graph/other")
    p = URIRef(f"{ex}p")
    x, y, z, w = (URIRef(f"{ex}{n}") for n in "xyzw")
    old, kept, inferred = Graph(), Graph(), Graph()
    old.add((x, p, Literal("stated twice")))
    old.add((y, p, Literal("only in the old version")))
    old.add((y, p, BNode("b1")))
    kept.add((x, p, Literal("stated twice")))
    inferred.add((w, p, Literal("derived")))
    empty_store.replace_graphs([(replaced, old), (other, kept), (INFERRED_GRAPH, inferred)])
    batch = Graph()
    batch.add((z, p, Literal("new")))
    view = StoreWithBatch(empty_store, replaced, batch, skip=(INFERRED_GRAPH,))
    seen = view.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
    assert seen is not None
    assert set(seen) == {(x, p, Literal("stated twice")), (z, p, Literal("new"))}
