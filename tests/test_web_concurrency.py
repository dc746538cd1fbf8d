"""A fresh `clusterkg serve` (embedded store) under parallel requests, and the query limits against its worker.

rdflib's SPARQL parser broke for good when two requests first parsed at once (issue 8, item 1): 16 requests
(competency questions at the endpoint, pages that run queries) are sent at the same moment to a server that
has answered nothing yet, then 16 one after the other, then 16 at once again. Endpoint answers are compared
with the memory store's (another engine), pages with the same page fetched alone.
"""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.store.base import Store
from clusterkg.kg.store.results import from_ox
from tests.fixtures.stores import meaning
from tests.fixtures.web import LiveServer, start_server, stop_server

COMPETENCY_QUESTIONS = sorted((PROJECT_ROOT / "queries").glob("cq*.rq"))
PAGES = [
    "/",
    "/recommendations/",
    "/studies/?sort=cited",
    "/concepts/",
    "/gaps/",
    "/queries/cq02-porter-diamond?run=1",
]
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def cold_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`clusterkg serve` on a fresh data directory, up but not yet asked anything over HTTP."""
    data_dir = tmp_path_factory.mktemp("cold-server")
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(data_dir), CLUSTERKG_QUERY_TIMEOUT="20")
    server = start_server([], env, data_dir / "server.log", cold=True)
    try:
        yield server
    finally:
        stop_server(server)


def fetch(server: LiveServer, path: str, accept: str = "text/html") -> tuple[int, bytes]:
    request = urllib.request.Request(server.url + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def endpoint_path(query: Path) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query.read_text(encoding="utf-8")})


def solutions(body: bytes) -> Counter:
    """An answer as a multiset of rows, each term by what it means (engines may write literals apart)."""
    answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in answer.variables]
    return Counter(
        frozenset((n, meaning(from_ox(row[n]))) for n in names if row[n] is not None)
        for row in answer
    )


def expected(store: Store, query: Path) -> Counter:
    result = store.query(query.read_text(encoding="utf-8"))
    return Counter(
        frozenset((name, meaning(term)) for name, term in row.items()) for row in result.rows
    )


def send_all(server: LiveServer, requests: list[tuple[str, str]], parallel: bool) -> list:
    """Send every request, all at the same moment (a barrier) or one after the other."""
    if not parallel:
        return [fetch(server, path, accept) for path, accept in requests]
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, str]) -> tuple[int, bytes]:
        barrier.wait()
        return fetch(server, *request)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def test_sixteen_parallel_requests_from_cold_then_sequential_then_warm(
    cold_server: LiveServer, web_store: Store
) -> None:
    requests = [(endpoint_path(q), JSON) for q in COMPETENCY_QUESTIONS] + [
        (page, "text/html") for page in PAGES
    ]
    assert len(requests) == 16
    cold = send_all(cold_server, requests, parallel=True)
    sequential = send_all(cold_server, requests, parallel=False)
    warm = send_all(cold_server, requests, parallel=True)
    for round_ in (cold, sequential, warm):
        assert [status for status, _ in round_] == [200] * 16, [b[:300] for _, b in round_]
        for query, (_, body) in zip(COMPETENCY_QUESTIONS, round_, strict=False):
            assert solutions(body) == expected(web_store, query), query.name
        pages = round_[len(COMPETENCY_QUESTIONS) :]
        assert pages == sequential[len(COMPETENCY_QUESTIONS) :]


def path(steps: int) -> str:
    return "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * steps) + " ?o }"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (path(20_000), 400, "bytes, over the limit of 131,072"),
        (path(1_000), 400, "1,000 steps in one property path, over the limit of 64"),
        ("SELECT * WHERE " + "{" * 5_000 + "}" * 5_000, 400, "tokens, over the limit of 10,000"),
        ("SELECT * WHERE " + "{" * 2_000 + "}" * 2_000, 400, "2,000 levels of nested brackets"),
        ("ASK { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }", 400, "tokens, over"),
        (
            "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 50_000) + " }",
            400,
            "bytes, over the limit of 131,072",
        ),
        (
            "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x:name { ?s ?p ?o } }",
            403,
            "SERVICE x:name refused",
        ),
    ],
)
def test_query_limits_hold_before_the_engine(
    cold_server: LiveServer, query: str, status: int, message: str
) -> None:
    request = urllib.request.Request(
        cold_server.url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "*/*"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=120)
    assert info.value.code == status
    text = info.value.read().decode()
    assert message in text and text.count("\n") == 1
    # the store's worker is alive and answers at once
    ok, body = fetch(cold_server, endpoint_path(COMPETENCY_QUESTIONS[0]), JSON)
    assert ok == 200 and solutions(body)


def test_default_graph_uri_and_from_count_one_graph_on_the_served_store(
    cold_server: LiveServer, web_store: Store
) -> None:
    """The embedded worker's union default graph no longer overrides the dataset a request names."""
    ontology = "https://w3id.org/clusterkg/graph/ontology"
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    n = Counter({frozenset({("n", meaning(Literal(web_store.count(URIRef(ontology)))))}): 1})
    everything = Counter({frozenset({("n", meaning(Literal(web_store.count())))}): 1})
    query = "/sparql?" + urllib.parse.urlencode({"query": count.format("")})
    assert solutions(fetch(cold_server, query, JSON)[1]) == everything
    protocol = query + "&" + urllib.parse.urlencode({"default-graph-uri": ontology})
    assert solutions(fetch(cold_server, protocol, JSON)[1]) == n
    in_text = "/sparql?" + urllib.parse.urlencode({"query": count.format(f"FROM <{ontology}>")})
    assert solutions(fetch(cold_server, in_text, JSON)[1]) == n
