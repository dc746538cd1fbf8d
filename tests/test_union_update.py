"""The update rewrite that lets an update's WHERE see the union of the named graphs (embedded store)."""

from __future__ import annotations

import pytest

from clusterkg.kg.store.union_update import with_union_where

GRAPHS = ["urn:g:1", "urn:g:2"]
USING = "USING <urn:g:1>\nUSING <urn:g:2>\nUSING NAMED <urn:g:1>\nUSING NAMED <urn:g:2>\n"


def test_each_operation_with_a_where_of_its_own_gets_the_union() -> None:
    update = (
        "PREFIX ex: <http://x/>\n"
        "INSERT { GRAPH ex:g { ?a a ?t } } WHERE { ?a a ?t { SELECT ?t WHERE { ?t a ?c } } } ;\n"
        "INSERT DATA { <urn:a> <urn:b> 'WHERE' } ;\n"
        "DELETE { ?a ?p ?o } INSERT { ?a ?p 1 } WHERE { ?a ?p ?o }"
    )
    assert with_union_where(update, GRAPHS) == (
        "PREFIX ex: <http://x/>\n"
        f"INSERT {{ GRAPH ex:g {{ ?a a ?t }} }} {USING}WHERE {{ ?a a ?t {{ SELECT ?t WHERE "
        "{ ?t a ?c } } } ;\n"
        "INSERT DATA { <urn:a> <urn:b> 'WHERE' } ;\n"
        f"DELETE {{ ?a ?p ?o }} INSERT {{ ?a ?p 1 }} {USING}WHERE {{ ?a ?p ?o }}"
    )


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?a ?b ?c }",
        "WITH <urn:g:1> DELETE { ?a ?b ?c } WHERE { ?a ?b ?c }",
        "DELETE { ?a ?b ?c } USING <urn:g:1> WHERE { ?a ?b ?c }",
        "INSERT { ?a ?b ?c } USING NAMED <urn:g:1> WHERE { GRAPH ?g { ?a ?b ?c } }",
        "CLEAR GRAPH <urn:g:1> ; DROP SILENT GRAPH <urn:g:2>",
    ],
)
def test_operations_with_a_dataset_or_without_a_where_are_kept(update: str) -> None:
    assert with_union_where(update, GRAPHS) == update


def test_no_graphs_no_change() -> None:
    update = "INSERT { ?a ?b ?c } WHERE { ?a ?b ?c }"
    assert with_union_where(update, []) == update
