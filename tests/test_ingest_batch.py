"""Batch validation helpers: blank nodes named by the way they are reached, so they can be focus nodes."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.sources.batch_validation import name_blank_nodes

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
