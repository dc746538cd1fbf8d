"""The SPARQL endpoint and pages over real HTTP, against a real `clusterkg serve` process."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, RDFXML, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from clusterkg.kg.namespaces import CKG, CKR

pytestmark = pytest.mark.server

PORTER = CKR["study/porter-1990"]
CITED_AS = f"SELECT ?citedAs WHERE {{ <{PORTER}> <{CKG.citedAs}> ?citedAs }}"
# counted, not listed: the engine stops a listing at the row limit, but must evaluate a count whole
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def wrapper(live_server, query: str, fmt: str = JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{live_server.url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_sparqlwrapper_select_json_by_get_and_post(live_server):
    expected = [{"citedAs": {"type": "literal", "value": "Porter, 1990"}}]
    sparql = wrapper(live_server, CITED_AS)
    assert sparql.query().convert()["results"]["bindings"] == expected
    sparql.setMethod(POST)
    assert sparql.query().convert()["results"]["bindings"] == expected
    sparql.setRequestMethod(POSTDIRECTLY)
    assert sparql.query().convert()["results"]["bindings"] == expected


def test_sparqlwrapper_select_xml(live_server):
    document = wrapper(live_server, CITED_AS, XML).query().convert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == ["Porter, 1990"]


def test_sparqlwrapper_construct_as_turtle_and_rdfxml(live_server):
    query = (
        f"CONSTRUCT {{ <{PORTER}> <{CKG.citedAs}> ?c }} WHERE {{ <{PORTER}> <{CKG.citedAs}> ?c }}"
    )
    turtle = wrapper(live_server, query, TURTLE).query().convert()
    assert set(Graph().parse(data=turtle, format="turtle")) == {
        (PORTER, CKG.citedAs, Literal("Porter, 1990"))
    }
    graph = wrapper(live_server, query, RDFXML).query().convert()
    assert set(graph) == {(PORTER, CKG.citedAs, Literal("Porter, 1990"))}


def test_sparqlwrapper_reports_a_malformed_query(live_server):
    with pytest.raises(QueryBadFormed) as info:
        wrapper(live_server, "SELECT * WHERE { ?s ?p }").query()
    assert "SPARQL syntax error: line 1, column 25: expected one of" in str(info.value)


def test_rdflib_sparqlstore(live_server):
    graph = Graph(store=SPARQLStore(f"{live_server.url}/sparql", returnFormat="xml"))
    rows = list(graph.query(CITED_AS))
    assert [str(row[0]) for row in rows] == ["Porter, 1990"]
    assert list(graph.objects(PORTER, CKG.citedAs)) == [Literal("Porter, 1990")]
    json_graph = Graph(
        store=SPARQLStore(f"{live_server.url}/sparql", returnFormat="json", method="POST")
    )
    assert bool(json_graph.query(f"ASK {{ <{PORTER}> a <{CKG.Study}> }}").askAnswer) is True


def curl(*args: str) -> tuple[str, str]:
    """Run curl; return (body, 'status content-type')."""
    out = subprocess.run(
        ["curl", "-s", "-w", "\n%{http_code} %{content_type}", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    body, _, status = out.rpartition("\n")
    return body, status


def test_curl_get_and_post(live_server):
    url = f"{live_server.url}/sparql"
    body, status = curl(
        "-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={CITED_AS}", url
    )
    assert status == "200 text/csv; charset=utf-8"
    assert body.splitlines() == ["citedAs", '"Porter, 1990"']
    body, status = curl(
        "-H", "Accept: text/tab-separated-values", "--data-urlencode", f"query={CITED_AS}", url
    )
    assert status == "200 text/tab-separated-values; charset=utf-8"
    assert body.splitlines() == ["?citedAs", '"Porter, 1990"']
    body, status = curl(
        "-H", "Content-Type: application/sparql-query", "--data-binary", CITED_AS, url
    )
    assert status == "200 application/sparql-results+json; charset=utf-8"
    assert json.loads(body)["results"]["bindings"] == [
        {"citedAs": {"type": "literal", "value": "Porter, 1990"}}
    ]


def test_curl_protocol_errors(live_server):
    url = f"{live_server.url}/sparql"
    body, status = curl("-G", "--data-urlencode", "query=SELECT * WHERE { ?s ?p }", url)
    assert status == "400 text/plain; charset=utf-8"
    assert body == "SPARQL syntax error: line 1, column 25: expected one of LATERAL, SERVICE, [_]\n"
    assert curl("-X", "PUT", url)[1].startswith("405 ")
    assert curl("-H", "Content-Type: text/plain", "--data-binary", CITED_AS, url)[1].startswith(
        "415 "
    )
    body, status = curl("--data-urlencode", "update=CLEAR ALL", url)
    assert status.startswith("403 ")
    assert body.startswith("this endpoint is read-only")


def test_curl_resource_conneg(live_server):
    body, status = curl(
        "-H", "Accept: text/turtle", f"{live_server.url}/resource/study/porter-1990"
    )
    assert status == "200 text/turtle; charset=utf-8"
    assert (PORTER, CKG.citedAs, Literal("Porter, 1990")) in Graph().parse(
        data=body, format="turtle"
    )
    assert curl("-H", "Accept: text/turtle", f"{live_server.url}/resource/study/nope")[
        1
    ].startswith("404 ")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_runaway_query_is_stopped_while_other_requests_are_answered(live_server):
    outcome: dict[str, tuple[int, str]] = {}
    runaway_url = f"{live_server.url}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    runaway = threading.Thread(target=lambda: outcome.setdefault("runaway", get(runaway_url)))
    runaway.start()
    time.sleep(0.5)  # let the runaway query reach the store first (not a timing assertion)
    answered_meanwhile = []
    page_url = f"{live_server.url}/sparql?" + urllib.parse.urlencode({"query": CITED_AS})
    while runaway.is_alive():
        status, body = get(page_url)
        answered_meanwhile.append(status == 200 and "Porter, 1990" in body and runaway.is_alive())
    runaway.join()
    assert outcome["runaway"] == (
        503,
        "query stopped: it ran longer than the time limit of 3 s (simplify it, or add LIMIT)\n",
    )
    assert any(answered_meanwhile)
    assert get(page_url)[0] == 200


def test_pages_over_http(live_server):
    for path, expected in [
        ("/", "ClusterKG: the evidence on industrial clusters"),
        ("/recommendations/state-budget-infrastructure-investment", '<mark class="quote-hit">'),
        ("/studies/", "Batterink et al., 2014"),
        ("/concepts/", '<div class="diamond" id="diamond">'),
        ("/gaps/", '<table class="gapmap" id="gap-porter">'),
        ("/search/?q=hub+firm", "<mark>hub firm</mark>"),
        ("/.well-known/void", "void:sparqlEndpoint"),
    ]:
        status, body = get(live_server.url + path)
        assert status == 200, path
        assert expected in body, path
