"""The server's limits on the store: a query past its memory limit is stopped (503 over HTTP) while other
queries are answered, the row cap stops the engine, an update past its time or memory limit is stopped
and changes nothing, and reads are answered (or stopped) on time while a long write runs."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from clusterkg.kg.namespaces import sparql_prologue
from clusterkg.kg.store.base import Limits, MemoryLimit, QueryTimeout, Store
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.forked import run_forked
from clusterkg.kg.store.memory import MemoryStore
from tests.fixtures.web import LiveServer, start_server, stop_server

MIB = 2**20
# Sorting a cross product of the seed graph (3,500 triples: 12 million rows) needs gigabytes.
SORTED_CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d"
BIG_LIMIT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 3000000"
STUDIES = sparql_prologue() + "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ckg:Study }"
SCRATCH = URIRef("https://w3id.org/clusterkg/graph/scratch")
# Every pair of triples becomes a new triple with a new literal: 12 million inserts, gigabytes, long
# after any limit here.
CROSS_INSERT = (
    f"INSERT {{ GRAPH <{SCRATCH}> {{ ?a ?b ?x }} }} "
    "WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } BIND(CONCAT(STR(?c), STR(?f)) AS ?x) }"
)


def _studies(dataset: Dataset) -> Literal:
    return next(iter(dataset.query(STUDIES)))[0]


def _limited(backend: str, path: Path, limits: Limits) -> Store:
    if backend == "memory":
        return MemoryStore(limits)
    return EmbeddedStore(path / "store", limits=limits)


def _alongside(run, other) -> tuple[object, object, bool]:
    """Start `run()` in a thread, wait a little, call `other()`: (run's outcome, other's answer, whether
    `run` was still going when `other` answered)."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(run())
        except BaseException as error:  # noqa: BLE001 - inspected by the test
            outcome.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    time.sleep(0.5)
    answer = other()
    running = thread.is_alive()
    thread.join()
    return outcome[0], answer, running


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", ["memory", "embedded"])
def test_a_query_past_its_memory_limit_is_stopped_while_others_are_answered(
    backend: str, tmp_path: Path, seed_dataset: Dataset
) -> None:
    # Oxigraph fills 64 MiB in a blink; 512 MiB leaves time to ask the other query meanwhile
    limit = 64 if backend == "memory" else 512
    store = _limited(backend, tmp_path, Limits(query_memory=limit * MIB))
    try:
        store.load(seed_dataset)
        expected = [{"n": _studies(seed_dataset)}]
        error, answer, running = _alongside(
            lambda: store.query(SORTED_CROSS, timeout=240),
            lambda: store.query(STUDIES, timeout=240).rows,
        )
        assert isinstance(error, MemoryLimit)
        assert str(error) == f"the query was stopped at its memory limit of {limit} MiB"
        assert answer == expected
        assert running
        assert store.query(STUDIES, timeout=60).rows == expected  # the store works on
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["memory", "embedded"])
def test_the_row_cap_stops_the_engine(backend: str, tmp_path: Path, seed_dataset: Dataset) -> None:
    """3 million rows would need far more than 64 MiB: the engine is stopped after 11."""
    store = _limited(backend, tmp_path, Limits(query_memory=64 * MIB))
    try:
        store.load(seed_dataset)
        answer = store.query(BIG_LIMIT, timeout=120, max_rows=11)
        assert sorted(answer.variables) == ["a", "b", "c", "d", "e", "f"]
        assert len(answer.rows) == 11
        assert all(len(row) == 6 for row in answer.rows)
    finally:
        store.close()


@pytest.fixture
def embedded(tmp_path: Path, seed_dataset: Dataset) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store", limits=Limits(update_memory=64 * MIB))
    store.load(seed_dataset)
    yield store
    store.close()


@pytest.mark.timeout(300)
def test_an_update_past_its_time_limit_is_stopped_and_changes_nothing(
    embedded: EmbeddedStore, seed_dataset: Dataset
) -> None:
    embedded.limits = Limits()  # no memory limit: the time limit stops it
    before = embedded.count()
    worker = embedded.worker_pid
    with pytest.raises(QueryTimeout) as stopped:
        embedded.update(CROSS_INSERT, timeout=2)
    assert str(stopped.value) == (
        "the update was stopped at its time limit of 2 s; nothing was changed"
    )
    assert embedded.worker_pid != worker  # the worker that ran it was replaced
    assert embedded.count() == before
    assert SCRATCH not in embedded.graphs()
    assert embedded.query(STUDIES).rows == [{"n": _studies(seed_dataset)}]


@pytest.mark.timeout(300)
def test_an_update_past_its_memory_limit_is_stopped_and_changes_nothing(
    embedded: EmbeddedStore,
) -> None:
    before = embedded.count()
    with pytest.raises(MemoryLimit) as stopped:
        embedded.update(CROSS_INSERT, timeout=240)
    assert str(stopped.value) == (
        "the update was stopped at its memory limit of 64 MiB; nothing was changed"
    )
    assert embedded.count() == before
    assert SCRATCH not in embedded.graphs()


@pytest.mark.timeout(300)
def test_reads_are_answered_and_stopped_on_time_during_a_long_write(
    embedded: EmbeddedStore, seed_dataset: Dataset
) -> None:
    """While an update runs (stopped at 60 s), a small read is answered and a runaway read is stopped at
    its own limit of 2 s: neither waits for the write."""
    embedded.limits = Limits()
    expected = [{"n": _studies(seed_dataset)}]

    def reads() -> tuple[list, BaseException | None]:
        answer = embedded.query(STUDIES, timeout=30).rows
        try:
            embedded.query(SORTED_CROSS, timeout=2)
        except QueryTimeout as error:
            return answer, error
        return answer, None

    error, (answer, stopped), running = _alongside(
        lambda: embedded.update(CROSS_INSERT, timeout=60), reads
    )
    assert answer == expected
    assert isinstance(stopped, QueryTimeout)
    assert running  # both reads came back while the write was still going
    assert isinstance(error, QueryTimeout)  # the write itself met its own limit
    assert SCRATCH not in embedded.graphs()


# -- over HTTP, with a real `clusterkg serve` ----------------------------------------------------------------


@pytest.fixture
def limited_server(tmp_path: Path, seed_dataset: Dataset) -> Iterator[LiveServer]:
    """`clusterkg serve` on an embedded store holding the seed, with a 512 MiB query memory limit."""
    store = EmbeddedStore(tmp_path / "data" / "store")
    store.load(seed_dataset)
    store.close()
    env = dict(
        os.environ,
        CLUSTERKG_DATA_DIR=str(tmp_path / "data"),
        CLUSTERKG_QUERY_TIMEOUT="240",
        CLUSTERKG_QUERY_MEMORY_LIMIT="512",
        CLUSTERKG_UPDATE_TOKEN="a-long-enough-update-token-for-tests",
        CLUSTERKG_UPDATE_TIMEOUT="2",
    )
    server = start_server([], env, tmp_path / "server.log")
    yield server
    stop_server(server)


def _get(server: LiveServer, query: str) -> tuple[int, dict[str, str], bytes]:
    url = f"{server.url}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.server
@pytest.mark.timeout(600)
def test_http_memory_limit_gives_503_and_the_row_cap_holds(
    limited_server: LiveServer, seed_dataset: Dataset
) -> None:
    expected = str(_studies(seed_dataset))
    (status, _, body), (small_status, _, small), running = _alongside(
        lambda: _get(limited_server, SORTED_CROSS), lambda: _get(limited_server, STUDIES)
    )
    assert status == 503
    assert body.decode() == "the query was stopped at its memory limit of 512 MiB\n"
    assert small_status == 200
    assert json.loads(small)["results"]["bindings"][0]["n"]["value"] == expected
    assert running
    # 3 million rows of 6 terms would pass 512 MiB: the engine stopped after 10,001
    status, headers, body = _get(limited_server, BIG_LIMIT)
    assert status == 200
    assert headers["X-SPARQL-MaxRows"] == "10000"
    assert len(json.loads(body)["results"]["bindings"]) == 10000


@pytest.mark.server
@pytest.mark.timeout(300)
def test_http_update_past_its_time_limit_gives_503(limited_server: LiveServer) -> None:
    request = urllib.request.Request(
        f"{limited_server.url}/sparql",
        data=CROSS_INSERT.encode(),
        method="POST",
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": "Bearer a-long-enough-update-token-for-tests",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=120)
    assert refused.value.code == 503
    assert refused.value.read().decode() == (
        "the update was stopped at its time limit of 2 s; nothing was changed\n"
    )
    status, _, body = _get(limited_server, f"ASK {{ GRAPH <{SCRATCH}> {{ ?s ?p ?o }} }}")
    assert (status, json.loads(body)["boolean"]) == (200, False)


def test_a_child_forked_while_a_lock_was_held_is_forked_again() -> None:
    """A child forked while another thread held a lock it needs sleeps forever (as one forked in the middle
    of a RocksDB block-cache lookup does): it is killed and forked again, and the answer comes."""
    held = threading.Lock()
    held.acquire()
    releaser = threading.Timer(1.5, held.release)  # the children forked before this stay stuck
    releaser.start()

    def needs_the_lock() -> int:
        with held:
            return 42

    try:
        assert run_forked(needs_the_lock, 60, threading.Lock()) == 42
    finally:
        releaser.join()
