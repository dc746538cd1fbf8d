"""Answers kept until the next write (kg.store.answers), on a real embedded store behind the app: a page
read twice is answered from the cache, and every kind of write shows on the next request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal

from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, RDF, RDFS
from clusterkg.kg.search.indexed import IndexedStore, indexed
from clusterkg.kg.store import open_store
from clusterkg.kg.store.answers import AnswerCache, volatile, weight
from clusterkg.kg.store.base import QueryResult, QuerySyntaxError
from clusterkg.web import create_app

NEW_STUDY = CKR["study/cache-probe-2031"]
GRAPH = CKGRAPH["source/cache-probe"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/clusterkg/ontology#Study> }"


@pytest.fixture
def store(web_dataset: Dataset, tmp_path: Path) -> Iterator[IndexedStore]:
    with closing(open_store(Settings(data_dir=tmp_path))) as opened:
        assert isinstance(opened, IndexedStore)
        opened.load(web_dataset)
        yield opened


@pytest.fixture
def client(store: IndexedStore, tmp_path: Path) -> FlaskClient:
    settings = Settings(data_dir=tmp_path)
    return create_app({"SETTINGS": settings, "TESTING": True}, store=store).test_client()


def _study(label: str) -> Graph:
    graph = Graph()
    graph.add((NEW_STUDY, RDF.type, CKG.Study))
    graph.add((NEW_STUDY, RDFS.label, Literal(label)))
    return graph


def _studies(client: FlaskClient) -> str:
    response = client.get("/studies/?size=200")
    assert response.status_code == 200
    return response.text


def _sparql_count(client: FlaskClient) -> int:
    response = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    return int(response.text.split()[1])


# -- through the app ---------------------------------------------------------------------------------------
def test_a_page_read_twice_is_answered_from_the_cache(client, store):
    assert store.answers is not None
    first = _studies(client)
    misses, hits = store.answers.misses, store.answers.hits
    assert _studies(client) == first
    assert store.answers.misses == misses  # no query went to the store
    assert store.answers.hits > hits


def test_every_write_shows_on_the_next_request(client, store):
    before = _sparql_count(client)
    assert "Cache probe" not in _studies(client)
    store.replace_graphs([(GRAPH, _study("Cache probe one"))])  # ingest, reconcile
    assert "Cache probe one" in _studies(client)
    assert _sparql_count(client) == before + 1
    store.update(f"DELETE WHERE {{ GRAPH <{GRAPH}> {{ <{NEW_STUDY}> <{RDFS.label}> ?l }} }}")
    store.update(
        f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{NEW_STUDY}> <{RDFS.label}> "Cache probe two" }} }}'
    )  # /sparql
    assert "Cache probe one" not in _studies(client) and "Cache probe two" in _studies(client)
    dataset = Dataset()
    dataset.graph(CKGRAPH["source/cache-probe-load"]).add(
        (CKR["study/cache-probe-load"], RDF.type, CKG.Study)
    )
    store.load(dataset)  # load
    assert _sparql_count(client) == before + 2
    store.replace_graph(GRAPH, Graph())  # build, reason
    assert "Cache probe" not in _studies(client)
    assert _sparql_count(client) == before + 1


def test_search_results_are_kept_until_a_write(client, store):
    def titles() -> str:
        return client.get("/search/", query_string={"q": "cache probe"}).text

    assert "Cache probe search" not in titles()
    hits = store.answers.hits
    titles()
    assert store.answers.hits > hits  # the index was not asked again
    store.replace_graphs([(GRAPH, _study("Cache probe search"))])
    assert "Cache probe search" in titles()


def test_pages_are_kept_whole_but_not_errors_downloads_or_other_formats(client, store):
    concept = "/resource/concept/porter/factor-conditions"
    html = client.get(concept)
    size = store.answers._size
    assert client.get(concept).get_data() == html.get_data()
    assert store.answers._size == size  # sent as kept
    turtle = client.get(concept, headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle") and b"<html" not in turtle.get_data()
    assert client.get("/studies/?page=999").status_code == 404
    assert client.get("/export/dataset.nq").status_code == 200
    entries = set(store.answers._entries)
    pages = {k[3] for k in entries if k[0] == "page"}
    assert concept in pages and not pages & {"/studies/", "/export/dataset.nq"}


def test_a_failed_write_keeps_the_answers_and_a_write_under_way_keeps_none(client, store):
    _studies(client)
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA { not SPARQL }")
    misses = store.answers.misses
    _studies(client)
    assert store.answers.misses == misses  # nothing was written: the answers still hold
    (store.dir / "writes").write_text("7 dirty")  # a write under way (or cut short)
    hits = store.answers.hits
    _studies(client)
    _studies(client)
    assert store.answers.hits == hits  # each read went to the store


def test_home_page_counts_follow_a_write(client, store):
    def triples() -> int:
        page = client.get("/").text
        return int(page.split('<div class="stat">')[-1].split("</div>", 1)[0])

    before = triples()
    assert triples() == before  # the count (a scan of every quad) comes from the cache
    store.replace_graphs([(GRAPH, _study("Cache probe count"))])
    assert triples() == before + 2


def test_the_cache_can_be_turned_off(client, store, tmp_path):
    _studies(client)
    assert store.answers is not None
    settings = Settings(data_dir=tmp_path, answer_cache_mb=0)
    create_app({"SETTINGS": settings, "TESTING": True}, store=store)
    assert store.answers is None


def test_a_volatile_query_is_never_kept(client):
    query = "SELECT (NOW() AS ?t) WHERE {}"
    answers = {
        client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}).text
        for _ in range(3)
    }
    assert len(answers) == 3
    assert volatile(query) and volatile("SELECT * { BIND(\\u004eOW() AS ?t) }")
    assert not volatile('SELECT ?s { ?s ?p "NOW() RAND()" } # UUID()')


def test_each_request_draws_new_random_values(client):
    """Each query with a time limit runs in a child forked from the same worker thread: every child
    inheriting one random state gave the same RAND(), UUID(), STRUUID() and BNODE() at each request."""
    query = "SELECT (RAND() AS ?r) (UUID() AS ?u) (STRUUID() AS ?s) (BNODE() AS ?b) {}"
    rows = [
        client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"}).text
        for _ in range(3)
    ]
    cells = [row.splitlines()[1].split(",") for row in rows]
    for column in range(4):
        assert len({cell[column] for cell in cells}) == 3, rows


@pytest.mark.server
def test_a_remote_store_keeps_no_answers(oxigraph_server, tmp_path):
    """Others may write to a SPARQL server: each read goes to it."""
    remote = indexed(oxigraph_server.remote_store(timeout=30.0, retries=2))
    remote.keep_answers(2**20)
    assert remote.answers is None
    remote.clear()
    remote.store.update(
        f"INSERT DATA {{ <{NEW_STUDY}> a <{CKG.Study}> }}"
    )  # another client's write
    assert remote.query(COUNT).rows[0]["n"].toPython() == 1
    remote.clear()
    assert remote.query(COUNT).rows[0]["n"].toPython() == 0


# -- the cache itself --------------------------------------------------------------------------------------
def test_a_new_state_drops_the_old_answers_and_the_budget_holds():
    cache = AnswerCache(budget=1000)
    calls: list[str] = []

    def compute(value: str):
        return lambda: calls.append(value) or value

    assert cache.get("s1", "a", compute("A"), len) == "A"
    assert cache.get("s1", "a", compute("other"), len) == "A"
    assert cache.get("s2", "a", compute("B"), len) == "B"  # the store was written
    assert calls == ["A", "B"]
    big = "x" * 126  # over 1/8 of the budget: not kept
    cache.get("s2", "big", compute(big), len)
    cache.get("s2", "big", compute(big), len)
    assert calls[-2:] == [big, big]
    for i in range(20):  # 20 x 100 bytes through a 1000-byte budget: the oldest go
        cache.get("s2", i, compute("y" * 100), len)
    assert cache._size <= 1000
    calls.clear()
    cache.get("s2", 19, compute("z"), len)
    cache.get("s2", 0, compute("z"), len)
    assert calls == ["z"]  # 19 kept, 0 dropped


def test_concurrent_misses_compute_once_and_errors_are_not_kept():
    cache = AnswerCache(budget=10**6)
    started = threading.Event()
    release = threading.Event()
    calls = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(30)
        return "answer"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("s", "k", slow, len)))
        for _ in range(4)
    ]
    threads[0].start()
    started.wait(30)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.2)  # let the others reach the pending answer (not a timed assertion)
    release.set()
    for thread in threads:
        thread.join(30)
    assert results == ["answer"] * 4 and calls == [1]

    def failing() -> str:
        calls.append(2)
        raise ValueError("stopped")

    for _ in range(2):
        with pytest.raises(ValueError, match="stopped"):
            cache.get("s", "bad", failing, len)
    assert calls.count(2) == 2


def test_weights_grow_with_the_answer():
    small = QueryResult("SELECT", ["s"], [{"s": Literal("a")}])
    large = QueryResult("SELECT", ["s"], [{"s": Literal("a" * 1000)}] * 10)
    assert 0 < weight(small) < weight(large)
    assert weight(b"x" * 5000) == 5000
