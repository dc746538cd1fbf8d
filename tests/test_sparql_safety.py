"""The query checks that run before evaluation, and the protocol-dataset rewrite."""

import pytest
from rdflib import URIRef

from kg.sparql_safety import CheckedQuery, RefusedQuery, check_query, check_update
from kg.store.base import QuerySyntaxError
from web.sparql.dataset import with_dataset

LOCAL = "https://w3id.org/clusterkg/graph/"
A, B = LOCAL + "a", LOCAL + "b"


def is_local(iri: str) -> bool:
    return iri in (A, B)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "SERVICE <http://127.0.0.1:9/sparql> refused: federated queries are switched off here",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT ?endpoint { ?s ?p ?o } } }",
            "SERVICE ?endpoint refused: federated queries are switched off here",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            (
                "FROM <file:///etc/passwd> refused: only the named graphs of this dataset can be "
                "used (this service never fetches files or remote data)"
            ),
        ),
        (
            f"PREFIX g: <{LOCAL}> SELECT * FROM g:a FROM NAMED <http://example.org/data.ttl> {{ }}",
            (
                "FROM <http://example.org/data.ttl> refused: only the named graphs of this dataset "
                "can be used (this service never fetches files or remote data)"
            ),
        ),
    ],
)
def test_refused_queries(query, message):
    with pytest.raises(RefusedQuery) as info:
        check_query(query, is_local)
    assert str(info.value) == message


def test_local_dataset_clauses_pass_with_prefixes_resolved():
    checked = check_query(f"PREFIX g: <{LOCAL}> ASK FROM g:a FROM NAMED g:b {{ }}", is_local)
    assert checked == CheckedQuery("ASK", (URIRef(A),), (URIRef(B),))


def test_service_inside_a_string_is_only_a_string():
    checked = check_query('SELECT * { ?s ?p "SERVICE <http://x/> { }" }', is_local)
    assert checked.form == "SELECT"


def test_syntax_error_carries_the_parser_position():
    with pytest.raises(QuerySyntaxError) as info:
        check_query("SELECT * WHERE { ?s ?p }", is_local)
    assert str(info.value) == (
        "SPARQL syntax error: Expected SelectQuery, found '?'  (at char 17), (line:1, col:18)"
    )


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ("LOAD <http://example.org/x.ttl>", "LOAD <http://example.org/x.ttl> refused"),
        ("LOAD <file:///etc/passwd> INTO GRAPH <urn:g>", "LOAD <file:///etc/passwd> refused"),
        (
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE <http://127.0.0.1:9/> refused",
        ),
        (
            "DELETE { ?s ?p ?o } USING <http://example.org/g> WHERE { ?s ?p ?o }",
            "USING <http://example.org/g> refused",
        ),
    ],
)
def test_refused_updates(update, message):
    with pytest.raises(RefusedQuery) as info:
        check_update(update, is_local)
    assert str(info.value).startswith(message)


def test_local_update_passes():
    check_update(f"DELETE {{ ?s ?p ?o }} USING NAMED <{A}> WHERE {{ ?s ?p ?o }}", is_local)
    check_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }", is_local)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        (
            "PREFIX x: <http://x/> # { WHERE\nSELECT (EXISTS { ?s ?p ?o } AS ?e) FROM x:y "
            "FROM NAMED <http://z> { ?s ?p '{' }"
        ),
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "DESCRIBE <http://x>",
        "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 3",
        "ASK { ?s ?p ?o }",
        "SELECT ?where { ?where ?p ?o } LIMIT 1",
        "PREFIX order: <http://x/> DESCRIBE order:limit LIMIT 2",
        "SELECT * { ?s ?p ?o FILTER(?o < 3) }",
        'SELECT * { ?s ?p """FROM <http://x/> { """ }',
    ],
)
def test_protocol_dataset_replaces_the_query_dataset(query):
    rewritten = with_dataset(query, [A], [B])
    checked = check_query(rewritten, lambda iri: True)
    assert checked.default_graphs == (URIRef(A),)
    assert checked.named_graphs == (URIRef(B),)


def test_no_protocol_dataset_leaves_the_query_alone():
    assert with_dataset("ASK FROM <urn:x> { }", [], []) == "ASK FROM <urn:x> { }"
