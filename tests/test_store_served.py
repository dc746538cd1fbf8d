"""Writes into a served store: a real `clusterkg load` or `clusterkg ingest` process hands its write to the
worker of a real `clusterkg serve` process (local, authenticated), and the server shows all of it at once."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.namespaces import CKGRAPH
from clusterkg.kg.store.base import StoreError
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.oxworker import PUBLISHED
from tests.fixtures.web import LiveServer, start_server, stop_server

INGEST = PROJECT_ROOT / "tests" / "data" / "ingest"
G1, G2 = CKGRAPH["test/one"], CKGRAPH["test/two"]
STATE = URIRef("https://w3id.org/clusterkg/resource/test/state")
STATES = (
    "SELECT (SUM(IF(?o = 'new', 1, 0)) AS ?new) (SUM(IF(?o = 'old', 1, 0)) AS ?old) "
    f"WHERE {{ GRAPH ?g {{ ?s <{STATE}> ?o }} FILTER(?g IN (<{G1}>, <{G2}>)) }}"
)


def _two_graphs(state: str, filler: int) -> str:
    """TriG: graphs G1 and G2, each with one STATE triple and `filler` more triples."""
    blocks = []
    for graph in (G1, G2):
        rows = "".join(
            f'  <{graph}/s{i}> <{STATE}/filler> "{state} {i}" .\n' for i in range(filler)
        )
        blocks.append(f'<{graph}> {{\n  <{graph}/s> <{STATE}> "{state}" .\n{rows}}}\n')
    return "".join(blocks)


@dataclass(frozen=True)
class Served:
    server: LiveServer
    env: dict[str, str]
    store_path: Path


@pytest.fixture
def served(tmp_path: Path, seed_dataset: Dataset) -> Iterator[Served]:
    """`clusterkg serve` over an embedded store holding the seed and graphs G1, G2 in state 'old'."""
    data_dir = tmp_path / "data"
    old = Dataset()
    old.parse(data=_two_graphs("old", 0), format="trig")
    store = EmbeddedStore(data_dir / "store")
    store.load(seed_dataset)
    store.load(old)
    store.close()
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(data_dir))
    server = start_server([], env, tmp_path / "server.log")
    yield Served(server, env, data_dir / "store")
    stop_server(server)


def _clusterkg(served: Served, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", *args],
        cwd=PROJECT_ROOT,
        env=served.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _select(served: Served, query: str) -> list[dict[str, str]]:
    url = f"{served.server.url}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        bindings = json.loads(response.read())["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def _search(served: Served, q: str) -> list[str]:
    """The hit titles of the server's search page, which must come from its search index."""
    url = f"{served.server.url}/search/?{urllib.parse.urlencode({'q': q})}"
    with urllib.request.urlopen(url, timeout=120) as response:
        html = response.read().decode()
    assert 'id="index-rebuilding"' not in html, "the page should read a fresh search index"
    return re.findall(r'class="hit-title"[^>]*>([^<]*)<', html)


def _states(served: Served) -> tuple[int, int]:
    (row,) = _select(served, STATES)
    return int(row["new"]), int(row["old"])


@pytest.mark.timeout(600)
def test_load_and_ingest_reach_a_served_store(served: Served, tmp_path: Path) -> None:
    assert _states(served) == (0, 2)
    new = tmp_path / "new.trig"
    new.write_text(_two_graphs("new", 3), encoding="utf-8")
    loaded = _clusterkg(served, "load", str(new), "--replace")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("loaded 6 new quads from ")
    assert _states(served) == (2, 0)  # shown at once, no restart
    ingested = _clusterkg(served, "ingest", str(INGEST / "studies.bib"))
    assert ingested.returncode == 0, ingested.stderr
    assert " written to <https://w3id.org/clusterkg/graph/source/studies-bib> " in ingested.stdout
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CKGRAPH['source/studies-bib']}> {{ ?s ?p ?o }} }}"
    assert int(_select(served, count)[0]["n"]) > 0
    published = served.store_path / PUBLISHED
    assert stat.S_IMODE(published.stat().st_mode) == 0o600


@pytest.mark.timeout(600)
def test_the_server_never_shows_half_a_write(served: Served, tmp_path: Path) -> None:
    """While `load --replace` swaps both graphs (20,000 triples each), every answer the server gives
    shows both old or both new."""
    new = tmp_path / "new.trig"
    new.write_text(_two_graphs("new", 20_000), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(_states(served))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        loaded = _clusterkg(served, "load", str(new), "--replace")
    finally:
        done.set()
        watcher.join()
    assert loaded.returncode == 0, loaded.stderr
    assert set(seen) <= {(0, 2), (2, 0)}
    assert seen[0] == (0, 2)
    assert _states(served) == (2, 0)


@pytest.mark.timeout(600)
def test_writes_into_a_served_store_keep_its_search_index_in_step(served: Served) -> None:
    """`search-index`, `ingest` and `sources remove`, each a process handed to the server's worker, keep
    the index the server reads in step: the next search shows the write, from the index."""
    built = _clusterkg(served, "search-index")
    assert built.returncode == 0, built.stderr
    assert _search(served, "anna muller") == []
    ingested = _clusterkg(served, "ingest", str(INGEST / "studies.bib"))
    assert ingested.returncode == 0, ingested.stderr
    assert _search(served, "anna muller") == ["Anna Müller"]  # an author of studies.bib
    removed = _clusterkg(served, "sources", "remove", "source/studies-bib")
    assert removed.returncode == 0, removed.stderr
    assert _search(served, "anna muller") == []


def test_the_worker_admits_only_its_key_and_only_a_private_file(
    served: Served, tmp_path: Path
) -> None:
    published = served.store_path / PUBLISHED
    entry = json.loads(published.read_text())
    with pytest.raises(AuthenticationError):
        Client("\0" + entry["address"], family="AF_UNIX", authkey=b"not the key")
    published.chmod(0o644)  # readable by others: not trusted
    try:
        with pytest.raises(StoreError, match="it is in use by another process"):
            EmbeddedStore(served.store_path, attach=True)
    finally:
        published.chmod(0o600)
    attached = EmbeddedStore(served.store_path, attach=True)
    try:
        assert attached.attached
        assert attached.count(G1) == 1
    finally:
        attached.close()
    assert _states(served) == (0, 2)  # closing an attached store leaves the server's worker running


def test_a_store_in_use_is_refused_without_attach(served: Served) -> None:
    with pytest.raises(
        StoreError, match="cannot open the store at .*: it is in use by another process"
    ):
        EmbeddedStore(served.store_path)
    assert _states(served) == (0, 2)
