"""The SPARQL 1.1 Protocol endpoint over the seed graph, through Flask's test client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, DCAT, SD, VOID, sparql_prologue
from tests.fixtures.stores import free_port

PORTER = CKR["study/porter-1990"]
CITED_AS = f"SELECT ?citedAs WHERE {{ <{PORTER}> <{CKG.citedAs}> ?citedAs }}"
FORM = "application/x-www-form-urlencoded"
# counted, not listed: an engine may stop a listing at the row limit, but must evaluate a count whole
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def get(client, query: str, accept: str = "application/sparql-results+json", **params):
    return client.get(
        "/sparql", query_string={"query": query, **params}, headers={"Accept": accept}
    )


def test_get_select_as_json(client):
    response = get(client, CITED_AS)
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json; charset=utf-8"
    assert response.json == {
        "head": {"vars": ["citedAs"]},
        "results": {"bindings": [{"citedAs": {"type": "literal", "value": "Porter, 1990"}}]},
    }


def test_post_form_and_post_direct_give_the_same_answer(client):
    form = client.post("/sparql", data={"query": CITED_AS}, headers={"Accept": "application/json"})
    direct = client.post(
        "/sparql",
        data=CITED_AS.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert form.status_code == direct.status_code == 200
    assert form.json == direct.json == get(client, CITED_AS).json


def test_select_as_xml(client):
    response = get(client, CITED_AS, "application/sparql-results+xml")
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+xml; charset=utf-8"
    assert '<variable name="citedAs"' in response.text
    assert '<binding name="citedAs"><literal>Porter, 1990</literal></binding>' in response.text


def test_select_as_csv_and_tsv(client):
    query = (
        f"SELECT ?citedAs ?year WHERE {{ <{PORTER}> <{CKG.citedAs}> ?citedAs ; "
        "<http://purl.org/spar/fabio/hasPublicationYear> ?year }"
    )
    csv = get(client, query, "text/csv")
    assert csv.status_code == 200
    assert csv.content_type == "text/csv; charset=utf-8"
    assert csv.text.splitlines() == ["citedAs,year", '"Porter, 1990",1990']
    tsv = get(client, query, "text/tab-separated-values")
    assert tsv.content_type == "text/tab-separated-values; charset=utf-8"
    assert tsv.text == (
        '?citedAs\t?year\n"Porter, 1990"\t"1990"^^<http://www.w3.org/2001/XMLSchema#gYear>\n'
    )


def test_format_parameter_overrides_accept(client):
    response = get(client, CITED_AS, "application/sparql-results+xml", _format="csv")
    assert response.content_type == "text/csv; charset=utf-8"


def test_ask(client):
    response = get(client, f"ASK {{ <{PORTER}> a <{CKG.Study}> }}")
    assert response.json == {"head": {}, "boolean": True}
    refused = get(client, f"ASK {{ <{PORTER}> a <{CKG.Study}> }}", "text/csv")
    assert refused.status_code == 406
    assert refused.text == (
        "a ASK answer is available as: application/sparql-results+json, application/json, "
        "application/sparql-results+xml, application/xml, text/xml, text/html, application/xhtml+xml\n"
    )


CONSTRUCT = f"CONSTRUCT {{ <{PORTER}> ?p ?o }} WHERE {{ <{PORTER}> ?p ?o FILTER(isLiteral(?o)) }}"


@pytest.mark.parametrize(
    ("accept", "content_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
        ("application/ld+json", "application/ld+json; charset=utf-8", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml; charset=utf-8", "xml"),
    ],
)
def test_construct_in_every_rdf_format(client, accept, content_type, rdf_format):
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.content_type == content_type
    graph = Graph().parse(data=response.data, format=rdf_format)
    expected = Graph().parse(
        format="turtle",
        data=f"""
        @prefix ckg: <{CKG}> .
        <{PORTER}> <http://www.w3.org/2000/01/rdf-schema#label> "Porter, 1990"@en ;
            ckg:citedAs "Porter, 1990" ;
            ckg:authorListComplete true ;
            <http://purl.org/spar/fabio/hasPublicationYear>
                "1990"^^<http://www.w3.org/2001/XMLSchema#gYear> .
        """,
    )
    assert isomorphic(graph, expected)


def test_describe_as_turtle(client):
    response = get(client, f"DESCRIBE <{PORTER}>", "text/turtle")
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    assert (PORTER, CKG.citedAs, Literal("Porter, 1990")) in graph


def test_malformed_query_is_400_with_the_parser_message(client):
    response = get(client, "SELECT * WHERE { ?s ?p }", "*/*")
    assert response.status_code == 400
    assert response.content_type == "text/plain; charset=utf-8"
    assert (
        response.text == "SPARQL syntax error: line 1, column 18: Expected SelectQuery, found '?'\n"
    )


def test_wrong_method_is_405(client):
    response = client.put("/sparql", data=CITED_AS)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_update_by_get_is_405(client):
    response = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.text == "SPARQL Update must be sent with POST\n"


def test_wrong_media_type_is_415(client):
    response = client.post("/sparql", data=CITED_AS, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.text.startswith("unsupported media type 'text/plain'")


def test_unacceptable_format_is_406(client):
    response = get(client, CITED_AS, "image/png")
    assert response.status_code == 406


def test_form_without_query_or_update_is_400(client):
    response = client.post("/sparql", data={"nothing": "here"})
    assert response.status_code == 400
    assert response.text == "the form carries neither a 'query' nor an 'update' parameter\n"


def test_two_queries_are_400(client):
    response = client.get(f"/sparql?query={quote(CITED_AS)}&query={quote(CITED_AS)}")
    assert response.status_code == 400
    assert response.text == "exactly one 'query' parameter is allowed, got 2\n"


def test_request_size_limit(client):
    response = client.post(
        "/sparql",
        data=b"#" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


STUDIES = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{CKG.Study}> }}"
SOURCE = CKGRAPH["source/hanoi-industrial-clusters-2021"]


def count(response) -> int:
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union(client):
    assert count(get(client, STUDIES)) == 14


def test_default_graph_uri_selects_graphs(client):
    assert count(get(client, STUDIES, **{"default-graph-uri": str(SOURCE)})) == 14
    assert count(get(client, STUDIES, **{"default-graph-uri": str(CKGRAPH["ontology"])})) == 0


def test_named_graph_uri(client):
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{CKG.Study}> }} }}"
    response = get(client, query, **{"named-graph-uri": str(CKGRAPH["ontology"])})
    assert count(response) == 0
    response = get(client, query, **{"named-graph-uri": str(SOURCE)})
    assert count(response) == 14


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local socket that would see any connection the endpoint made (it must see none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def assert_no_connection(sock: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        sock.accept()


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"


def test_service_is_refused_without_any_connection(client, listener):
    query = f"SELECT * WHERE {{ SERVICE <{url_of(listener)}> {{ ?s ?p ?o }} }}"
    response = get(client, query, "*/*")
    assert response.status_code == 403
    assert response.text == (
        f"SERVICE <{url_of(listener)}> refused: federated queries are switched off here\n"
    )
    assert_no_connection(listener)


def test_from_remote_and_file_are_refused_without_any_connection(client, listener):
    remote = get(client, f"SELECT * FROM <{url_of(listener)}> WHERE {{ ?s ?p ?o }}", "*/*")
    assert remote.status_code == 403
    assert remote.text.startswith(f"FROM <{url_of(listener)}> refused")
    local_file = get(client, "SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", "*/*")
    assert local_file.status_code == 403
    assert local_file.text.startswith("FROM <file:///etc/passwd> refused")
    assert_no_connection(listener)


def test_default_graph_uri_remote_is_refused_without_any_connection(client, listener):
    response = get(client, STUDIES, "*/*", **{"default-graph-uri": url_of(listener)})
    assert response.status_code == 403
    assert response.text.startswith(
        f"default-graph-uri/named-graph-uri <{url_of(listener)}> refused"
    )
    assert_no_connection(listener)


def test_update_is_refused_on_a_read_only_endpoint(client):
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    assert response.text == (
        "this endpoint is read-only: SPARQL Update is switched off "
        "(start the server with an update token to allow it)\n"
    )
    assert count(get(client, STUDIES)) == 14


TOKEN = "a-long-enough-s3cret"
INSERT = f"INSERT DATA {{ GRAPH <{SOURCE}> {{ <urn:x:study> a <{CKG.Study}> }} }}"


def test_update_needs_the_bearer_token(make_app, listener):
    client = make_app(fresh_store=True, update_token=TOKEN).test_client()
    missing = client.post("/sparql", data={"update": INSERT})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="ClusterKG SPARQL Update"'
    wrong = client.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    assert count(get(client, STUDIES)) == 14
    description = Graph().parse(
        data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    assert (
        URIRef("http://localhost/sparql"),
        SD.supportedLanguage,
        SD.SPARQL11Update,
    ) in description
    right = client.post(
        "/sparql",
        data=INSERT.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert right.status_code == 204
    assert count(get(client, STUDIES)) == 15
    load = client.post(
        "/sparql",
        data={"update": f"LOAD <{url_of(listener)}> INTO GRAPH <{SOURCE}>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert load.status_code == 403
    assert load.text == f"LOAD <{url_of(listener)}> refused: this service never fetches data\n"
    assert_no_connection(listener)


def test_row_limit_cuts_and_says_so(make_app):
    client = make_app(row_limit=3).test_client()
    response = get(client, f"SELECT ?s WHERE {{ ?s a <{CKG.Study}> }} ORDER BY ?s")
    assert len(response.json["results"]["bindings"]) == 3
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    assert response.headers["Warning"] == (
        '199 clusterkg "result cut to the first 3 rows (the row limit); '
        'use LIMIT and OFFSET to page through it"'
    )


@pytest.mark.parametrize(
    "accept", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"]
)
def test_a_select_answer_is_written_and_cut_by_the_store(make_app, web_store, accept):
    client = make_app(row_limit=3).test_client()
    query = f"SELECT ?s WHERE {{ ?s a <{CKG.Study}> }} ORDER BY ?s"
    response = get(client, query, accept)
    assert response.data == web_store.query_serialized(query, accept, max_rows=3)
    assert response.headers["X-SPARQL-MaxRows"] == "3"
    exactly = get(client, query + " LIMIT 3", accept)
    assert exactly.data == response.data and "X-SPARQL-MaxRows" not in exactly.headers


def test_runaway_query_hits_the_time_limit(make_app):
    client = make_app(query_timeout=1.0).test_client()
    response = get(client, RUNAWAY, "*/*")
    assert response.status_code == 503
    assert response.text == (
        "query stopped: it ran longer than the time limit of 1 s (simplify it, or add LIMIT)\n"
    )
    assert get(client, CITED_AS).status_code == 200


def test_service_description(client, web_store):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    assert set(graph.objects(None, SD.name)) == set(web_store.graphs())
    assert {CKGRAPH["ontology"], SOURCE} <= set(web_store.graphs())


def test_void_description_counts_the_graphs(client, web_store):
    for url in ("/.well-known/void", "/void"):
        response = client.get(url, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        graph = Graph().parse(data=response.data, format="turtle")
        dataset = URIRef("http://localhost/.well-known/void#dataset")
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        assert (dataset, VOID.sparqlEndpoint, URIRef("http://localhost/sparql")) in graph
        assert graph.value(dataset, VOID.triples).toPython() == web_store.count()
        assert graph.value(SOURCE, VOID.triples).toPython() == web_store.count(SOURCE)


def test_query_page_lists_named_queries_as_examples(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert '<textarea id="query" name="query"' in response.text
    assert "Example queries" in response.text


def test_query_page_shows_results_as_a_table(client):
    response = get(client, CITED_AS, "text/html")
    assert response.status_code == 200
    assert '<th scope="col">citedAs</th>' in response.text
    assert '<span class="literal">Porter, 1990</span>' in response.text


def test_query_page_shows_errors_next_to_the_query(client):
    response = get(client, "SELECT * WHERE { ?s ?p }", "text/html")
    assert response.status_code == 400
    assert (
        '<p class="error-box" id="query-error">SPARQL syntax error: line 1, column 18: '
        "Expected SelectQuery" in response.text
    )
    assert "SELECT * WHERE { ?s ?p }</textarea>" in response.text


def test_named_query_page(client):
    response = client.get(
        "/queries/web/resource-quote",
        query_string={"resource": str(CKR["rq/hanoi-2021-q1"]), "run": "1"},
    )
    assert response.status_code == 200
    assert (
        "Question 1: What are recommendations for industrial clusters (IC) to grow in future?"
        in response.text
    )
    assert client.get("/queries/no-such-query").status_code == 404


def test_named_query_page_takes_its_parameters(client):
    page = client.get("/queries/cq03-hub-firm-evidence")
    assert page.status_code == 200
    assert 'name="subject" value="https://w3id.org/clusterkg/ontology#HubFirm"' in page.text
    ran = client.get(
        "/queries/cq03-hub-firm-evidence",
        query_string={"subject": str(CKG.ClusterCoordinator), "run": "1"},
    )
    assert "Bembenek &amp; Kowalska 2016" in ran.text
    assert f"&lt;{CKG.ClusterCoordinator}&gt;" in ran.text  # the bound query is shown
    bad = client.get(
        "/queries/cq03-hub-firm-evidence", query_string={"subject": "not an iri", "run": "1"}
    )
    assert "parameter subject: &#39;not an iri&#39; is not an IRI" in bad.text


def test_prologue_of_project_prefixes_is_not_needed_for_full_iris(client):
    response = get(client, sparql_prologue() + CITED_AS)
    assert response.json["results"]["bindings"] == [
        {"citedAs": {"type": "literal", "value": "Porter, 1990"}}
    ]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_update_token_scheme_name_is_case_insensitive(make_app, scheme):
    client = make_app(fresh_store=True, update_token=TOKEN).test_client()
    response = client.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": f"{scheme} {TOKEN}"}
    )
    assert response.status_code == 204
    assert count(get(client, STUDIES)) == 15
    other = client.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": f"Basic {TOKEN}"}
    )
    assert other.status_code == 401


@pytest.mark.parametrize("token", ["", "fifteen-chars15"])
def test_empty_or_short_update_token_refuses_to_start(tmp_path, token):
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(tmp_path), CLUSTERKG_UPDATE_TOKEN=token)
    result = subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", "serve", "--port", str(free_port())],
        check=False,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "setting update_token (CLUSTERKG_UPDATE_TOKEN): an update token must have at least 16 "
        f"characters, this one has {len(token)}; leave it unset to keep the SPARQL endpoint "
        "read-only\n"
    )
    assert not (tmp_path / "store").exists()  # refused before anything was opened


def test_a_query_over_a_limit_is_400_before_the_engine(client):
    steps = "/".join([f"<{CKG.citedAs}>"] * 65)
    response = get(client, f"SELECT * WHERE {{ ?s {steps} ?o }}", "*/*")
    assert response.status_code == 400
    assert response.text == (
        "query refused: 65 steps in one property path, over the limit of 64 "
        "(CLUSTERKG_QUERY_MAX_PATH_STEPS)\n"
    )


def test_nesting_too_deep_for_rdflib_is_400_not_500(client):
    """The memory store's engine (rdflib) recurses more than Oxigraph: under the limit, still a 400."""
    response = get(client, "ASK { FILTER(" + "(" * 40 + "true" + ")" * 40 + ") }", "*/*")
    assert response.status_code == 400
    assert response.text == (
        "SPARQL syntax error: the query is nested too deeply for rdflib, the memory store's engine\n"
    )


def test_parsing_counts_against_the_time_limit(make_app):
    """rdflib takes seconds to parse this (within the size limits): the time limit stops it all the same."""
    client = make_app(query_timeout=1.0).test_client()
    response = get(client, "ASK { FILTER(" + " + ".join(["1"] * 2_000) + " > 0) }", "*/*")
    assert response.status_code == 503
    assert response.text.startswith("query stopped: it ran longer than the time limit of 1 s")
