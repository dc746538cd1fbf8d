"""The embedded store on disk: it persists, survives a crash of its process, refuses a second writer,
loads files all or nothing, and restarts its worker when it dies."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKGRAPH, CKR
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import StoreError
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.oxworker import MEMORY_COPY_READY, _streamed_copy

TITLE = "<http://purl.org/dc/terms/title>"
GOOD_NQUADS = "".join(
    f'<{CKR}study/s{i}> {TITLE} "Study {i}" <{CKGRAPH}source/file> .\n' for i in range(3)
)
FILE = CKGRAPH["file/test"]  # where a file's default-graph triples go
BROKEN_NQUADS = (
    f'<{CKR}study/t1> {TITLE} "fine" <{CKGRAPH}source/broken> .\n'
    f'<{CKR}study/t2> {TITLE} "fine too" <{CKGRAPH}source/broken> .\n'
    f'<{CKR}study/t3> {TITLE} "no end <{CKGRAPH}source/broken> .\n'
)


def _crash(store: EmbeddedStore) -> None:
    """Kill the process that owns the store's files, as a crash would (no flush, no close), and wait
    until all its threads are gone, so that its lock on the files is released."""
    pid = store.worker_pid
    os.kill(pid, signal.SIGKILL)
    for _ in range(600):
        tasks = Path(f"/proc/{pid}/task")
        if not tasks.exists() or [t.name for t in tasks.iterdir()] == [str(pid)]:
            return
        time.sleep(0.05)


def test_data_survives_close_and_reopen(tmp_path: Path, sample_dataset: Dataset) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.load(sample_dataset)
    store.close()
    reopened = EmbeddedStore(tmp_path / "store")
    try:
        assert reopened.count() == 41
        assert reopened.graphs() == [CKGRAPH["ontology"], CKGRAPH["source/test-source"]]
    finally:
        reopened.close()


def test_committed_writes_survive_a_crash(tmp_path: Path, sample_dataset: Dataset) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.load(sample_dataset)
    store.update(
        f'INSERT DATA {{ GRAPH <{CKGRAPH}source/late> {{ <{CKR}a> <{CKR}b> "committed" }} }}'
    )
    _crash(store)
    reopened = EmbeddedStore(tmp_path / "store")
    try:
        assert reopened.count() == 42
        answer = reopened.query(f"SELECT ?o WHERE {{ <{CKR}a> <{CKR}b> ?o }}")
        assert answer.rows == [{"o": Literal("committed")}]
    finally:
        reopened.close()
        store.close()


def test_a_dead_worker_is_replaced_for_the_next_query(
    tmp_path: Path, sample_dataset: Dataset
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.load(sample_dataset)
        _crash(store)
        assert store.count() == 41
    finally:
        store.close()


def test_a_second_store_on_the_same_files_is_refused(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        with pytest.raises(
            StoreError, match=r"cannot open the store at .*: it is in use by another process"
        ):
            EmbeddedStore(tmp_path / "store")
    finally:
        store.close()


@pytest.mark.parametrize("first", ["empty", "loaded"])
def test_load_file_is_all_or_nothing(tmp_path: Path, sample_dataset: Dataset, first: str) -> None:
    """A broken file changes nothing, whether it is bulk-loaded into an empty store or added in a transaction."""
    good, broken = tmp_path / "good.nq", tmp_path / "broken.nq"
    good.write_text(GOOD_NQUADS)
    broken.write_text(BROKEN_NQUADS)
    store = EmbeddedStore(tmp_path / "store")
    try:
        if first == "loaded":
            store.load(sample_dataset)
        before = store.count()
        with pytest.raises(UserError) as caught:
            store.load_file(broken, FILE)
        assert (caught.value.path, caught.value.line) == (broken, 3)
        assert caught.value.cause.startswith("bad nquads syntax: ")
        assert caught.value.cause.endswith("; nothing was loaded")
        assert store.count() == before
        assert CKGRAPH["source/broken"] not in store.graphs()
        store.load_file(good, FILE)
        assert store.count(CKGRAPH["source/file"]) == 3
        assert FILE not in store.graphs()
        turtle = tmp_path / "one.ttl"
        turtle.write_text(f'<{CKR}study/x> {TITLE} "From Turtle" .\n')
        store.load_file(turtle, CKGRAPH["source/turtle"])
        assert store.count(CKGRAPH["source/turtle"]) == 1
    finally:
        store.close()


def test_open_store_picks_the_backend(tmp_path: Path) -> None:
    embedded = open_store(Settings(data_dir=tmp_path))
    try:
        assert embedded.name == "embedded"
        assert (tmp_path / "store").is_dir()
        assert embedded.memory_copy is False
    finally:
        embedded.close()
    copied = open_store(Settings(data_dir=tmp_path), memory_copy=True)
    try:
        assert copied.memory_copy is True
    finally:
        copied.close()
    assert open_store(Settings(store="memory")).name == "memory"
    with pytest.raises(StoreError, match="the remote store needs a query endpoint"):
        open_store(Settings(store="remote"))
    with pytest.raises(
        ValueError, match="unknown store 'oracle': choose embedded, memory or remote"
    ):
        Settings(store="oracle")  # the one registry of backends checks the setting itself


def _until_from_memory(store: EmbeddedStore) -> bool:
    for _ in range(600):  # the copy is made in the background: wait for it (up to a minute)
        if store.answers_from_memory():
            return True
        time.sleep(0.1)
    return False


def test_the_streamed_copy_holds_every_quad(tmp_path: Path, sample_dataset: Dataset) -> None:
    """The in-memory copy is the on-disk store's dump streamed through a pipe into a bulk load: the same
    quads, blank nodes, literals and graphs, none lost at the pipe's buffer boundaries."""
    disk = ox.Store(str(tmp_path / "disk"))
    disk.load(sample_dataset.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS)
    filler = ox.NamedNode(f"{CKGRAPH}filler")
    disk.extend(  # more than a pipe holds (64 KiB): the dump must wait for the load
        ox.Quad(
            ox.NamedNode(f"{CKR}s{i}"), ox.NamedNode(f"{CKR}p"), ox.Literal(f"Hà Nội {i}"), filler
        )
        for i in range(5000)
    )
    copy = _streamed_copy(disk)
    assert len(copy) == len(disk) == 41 + 5000
    copied, held = (_graphs(store.dump(format=ox.RdfFormat.N_QUADS)) for store in (copy, disk))
    assert copied.keys() == held.keys()
    assert all(isomorphic(copied[name], held[name]) for name in held)


def _graphs(nquads: bytes) -> dict[str, Graph]:
    dataset = Dataset()
    dataset.parse(data=nquads.decode(), format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def test_the_worker_logs_when_reads_come_from_the_copy(
    tmp_path: Path, sample_dataset: Dataset, capfd: pytest.CaptureFixture[str]
) -> None:
    """The server's log says when the in-memory copy answers (after a start, after each write): what an
    operator, and bench/serve_memory.py, wait for."""
    store = EmbeddedStore(tmp_path / "store", memory_copy=True)
    try:
        store.load(sample_dataset)
        assert _until_from_memory(store)
    finally:
        store.close()  # the worker has written its line to the stderr it shares with us
    assert re.search(rf"{MEMORY_COPY_READY} in \d+\.\d s", capfd.readouterr().err)


def test_memory_copy_answers_reads_and_never_lags_a_write(
    tmp_path: Path, sample_dataset: Dataset
) -> None:
    store = EmbeddedStore(tmp_path / "store", memory_copy=True)
    try:
        store.load(sample_dataset)
        assert _until_from_memory(store)
        assert store.count() == 41
        store.update(
            f'INSERT DATA {{ GRAPH <{CKGRAPH}source/late> {{ <{CKR}a> <{CKR}b> "new" }} }}'
        )
        answer = f"SELECT ?o WHERE {{ <{CKR}a> <{CKR}b> ?o }}"
        assert store.query(answer).rows == [{"o": Literal("new")}]  # from disk or a fresh copy
        assert _until_from_memory(store)
        assert store.query(answer).rows == [{"o": Literal("new")}]
        assert store.count() == 42
    finally:
        store.close()
    plain = EmbeddedStore(tmp_path / "store")
    try:
        assert plain.answers_from_memory() is False
        assert plain.count() == 42  # the copy was only ever a copy: the files hold every write
    finally:
        plain.close()
