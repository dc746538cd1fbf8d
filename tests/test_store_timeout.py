"""Query time limits that hold when the engine does not cooperate: a five-way cross product on every backend
is stopped with QueryTimeout while the same store keeps answering other queries."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Literal

from clusterkg.kg.namespaces import sparql_prologue
from clusterkg.kg.store.base import QueryTimeout, Store
from tests.fixtures.stores import running_oxigraph

# COUNT must see every solution before it answers: no engine streams it, none checks a deadline.
CROSS_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
# SELECT * streams: an HTTP server keeps sending rows for as long as the client reads them.
CROSS_STREAM = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
STUDIES = sparql_prologue() + "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ckg:Study }"
LIMIT = 4.0


def _studies(dataset: Dataset) -> Literal:
    count = dataset.query(STUDIES)
    return next(iter(count))[0]


def runaway_alongside(store: Store, runaway: str) -> tuple[BaseException | None, list, bool]:
    """Start `runaway` with a time limit in a thread; meanwhile ask STUDIES. Returns the runaway's error,
    the other answer, and whether the runaway was still running when that answer came."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            store.query(runaway, timeout=LIMIT)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - inspected by the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)  # let the runaway get going before the other query is asked
    answer = store.query(STUDIES, timeout=60).rows
    running = thread.is_alive()
    thread.join()
    return outcome[0], answer, running


@pytest.mark.timeout(120)
def test_cross_product_is_stopped_while_other_queries_are_answered(
    store: Store, seed_dataset: Dataset
) -> None:
    expected = [{"n": _studies(seed_dataset)}]
    # The shared Oxigraph server would compute a COUNT forever after we hang up, so it gets the streamed
    # form, which it stops when we go; the COUNT on a server has its own test with a private server.
    error, answer, running = runaway_alongside(
        store, CROSS_STREAM if store.name == "remote" else CROSS_COUNT
    )
    assert isinstance(error, QueryTimeout)
    assert str(error) == f"the query was stopped at its time limit of {LIMIT:g} s"
    assert answer == expected
    assert running  # the other query was answered while the runaway was still being evaluated
    assert store.query(STUDIES, timeout=60).rows == expected  # and the store works on afterwards
    assert store.count() == sum(len(g) for g in seed_dataset.graphs())


@pytest.mark.server
@pytest.mark.timeout(120)
def test_timed_out_count_on_a_private_server(tmp_path: Path, seed_dataset: Dataset) -> None:
    """The server keeps computing a COUNT whose client went away (its --timeout-s does not stop it either),
    so this test runs its own server and kills it afterwards."""
    with running_oxigraph(tmp_path / "oxigraph") as server:
        store = server.remote_store()
        store.load(seed_dataset)
        error, answer, running = runaway_alongside(store, CROSS_COUNT)
        assert isinstance(error, QueryTimeout)
        assert answer == [{"n": _studies(seed_dataset)}]
        assert running
