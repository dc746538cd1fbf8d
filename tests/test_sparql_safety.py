"""The query checks that run before evaluation (tokens only: limits, SERVICE, LOAD, dataset clauses),
and the protocol-dataset rewrite."""

import pytest
from rdflib import URIRef

import clusterkg.kg.sparql_safety as safety
from clusterkg.kg.config import Settings
from clusterkg.kg.sparql_safety import CheckedQuery, QueryTooLarge, RefusedQuery
from clusterkg.kg.store.base import QuerySyntaxError
from clusterkg.web.sparql.dataset import with_dataset

LOCAL = "https://w3id.org/clusterkg/graph/"
A, B = LOCAL + "a", LOCAL + "b"
LIMITS = Settings()


def check_query(text, is_local_graph, limits=LIMITS):
    return safety.check_query(text, is_local_graph, limits)


def check_update(text, is_local_graph, limits=LIMITS):
    return safety.check_update(text, is_local_graph, limits)


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
            "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x:name { ?s ?p ?o } }",
            "SERVICE x:name refused: federated queries are switched off here",
        ),
        (  # the engines expand codepoint escapes before parsing (SPARQL 1.1 section 19.2)
            "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE <http://127.0.0.1:9/> refused: federated queries are switched off here",
        ),
        (  # a comment ends at a carriage return too
            "SELECT * WHERE { # a comment\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE <http://127.0.0.1:9/> refused: federated queries are switched off here",
        ),
        (
            "SELECT * FROM <relative> WHERE { ?s ?p ?o }",
            (
                "FROM <relative> refused: only the named graphs of this dataset can be "
                "used (this service never fetches files or remote data)"
            ),
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


def test_relative_from_is_resolved_against_base():
    checked = check_query(f"BASE <{LOCAL}> SELECT * FROM <a> {{ }}", is_local)
    assert checked.default_graphs == (URIRef(A),)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM undeclared:g { }",
        "SELECT * FROM ?g { }",
        "SELECT * FROM",
    ],
)
def test_from_without_a_graph_iri_is_a_syntax_error(query):
    with pytest.raises(QuerySyntaxError, match="FROM needs a graph IRI"):
        check_query(query, is_local)


def path(steps: int) -> str:
    return "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * steps) + " ?o }"


def nested_groups(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def nested_parentheses(depth: int) -> str:
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "1" + ")" * depth + ") }"


def unions(branches: int) -> str:
    return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * branches) + " }"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            path(20_000),
            (
                f"query refused: {len(path(20_000)):,} bytes, over the limit of 131,072 "
                "(CLUSTERKG_QUERY_MAX_BYTES)"
            ),
        ),
        (
            path(2_000),
            (
                "query refused: 2,000 steps in one property path, over the limit of 64 "
                "(CLUSTERKG_QUERY_MAX_PATH_STEPS)"
            ),
        ),
        (
            "SELECT * WHERE { ?s <urn:p>|(<urn:q>/^<urn:r>)|"
            + "|".join(["<urn:p>"] * 62)
            + " ?o }",
            (
                "query refused: 65 steps in one property path, over the limit of 64 "
                "(CLUSTERKG_QUERY_MAX_PATH_STEPS)"
            ),
        ),
        (
            nested_groups(5_000),
            (
                "query refused: more than 10,000 tokens, over the limit of 10,000 "
                "(CLUSTERKG_QUERY_MAX_TOKENS)"
            ),
        ),
        (
            nested_groups(1_000),
            (
                "query refused: 1,000 levels of nested brackets, over the limit of 64 "
                "(CLUSTERKG_QUERY_MAX_DEPTH)"
            ),
        ),
        (
            nested_parentheses(20_000),
            (
                "query refused: more than 10,000 tokens, over the limit of 10,000 "
                "(CLUSTERKG_QUERY_MAX_TOKENS)"
            ),
        ),
        (
            nested_parentheses(65),
            (
                "query refused: 67 levels of nested brackets, over the limit of 64 "
                "(CLUSTERKG_QUERY_MAX_DEPTH)"
            ),
        ),
        (
            "SELECT * WHERE { ?s ?p " + "[ <urn:q> " * 65 + "<urn:o>" + " ]" * 65 + " }",
            (
                "query refused: 66 levels of nested brackets, over the limit of 64 "
                "(CLUSTERKG_QUERY_MAX_DEPTH)"
            ),
        ),
        (
            unions(50_000),
            (
                f"query refused: {len(unions(50_000)):,} bytes, over the limit of 131,072 "
                "(CLUSTERKG_QUERY_MAX_BYTES)"
            ),
        ),
        (
            unions(5_000),
            (
                "query refused: more than 10,000 tokens, over the limit of 10,000 "
                "(CLUSTERKG_QUERY_MAX_TOKENS)"
            ),
        ),
    ],
)
def test_queries_over_a_limit_are_refused(query, message):
    with pytest.raises(QueryTooLarge) as info:
        check_query(query, is_local)
    assert str(info.value) == message


def test_limits_are_settings_and_a_query_at_the_limit_passes():
    limits = Settings(query_max_path_steps=3, query_max_depth=3, query_max_tokens=20)
    check_query("SELECT * { { ?s <urn:p>/<urn:p>/<urn:p> ?o FILTER(1) } }", is_local, limits)
    with pytest.raises(QueryTooLarge, match="4 steps in one property path"):
        check_query("SELECT * { ?s <urn:p>/<urn:p>/<urn:p>/<urn:p> ?o }", is_local, limits)
    with pytest.raises(QueryTooLarge, match="4 levels of nested brackets"):
        check_query("SELECT * { { ?s ?p ?o FILTER((1)) } }", is_local, limits)
    with pytest.raises(QueryTooLarge, match="more than 20 tokens"):
        check_update("INSERT DATA { " + "<urn:a> <urn:b> <urn:c> . " * 5 + "}", is_local, limits)


def test_divisions_and_or_are_no_property_path():
    query = "SELECT * { ?s ?p ?o FILTER(" + " || ".join(["?o / 2 / 3 > 1"] * 100) + ") }"
    assert check_query(query, is_local).form == "SELECT"


def test_service_inside_a_string_is_only_a_string():
    checked = check_query('SELECT * { ?s ?p "SERVICE <http://x/> { }" }', is_local)
    assert checked.form == "SELECT"


def test_syntax_is_left_to_the_engine():
    assert check_query("SELECT * WHERE { ?s ?p }", is_local).form == "SELECT"


def test_an_update_sent_as_a_query_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match=r"this is a SPARQL Update \(INSERT\)"):
        check_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }", is_local)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ("LOAD <http://example.org/x.ttl>", "LOAD <http://example.org/x.ttl> refused"),
        ("PREFIX x: <http://x/> LOAD SILENT x:data", "LOAD x:data refused"),
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
