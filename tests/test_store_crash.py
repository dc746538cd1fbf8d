"""Writes of several graphs are one transaction, and `kill -9` leaves nothing behind: not half a write,
not a worker holding the store's lock, not a socket directory, not a half-created store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.namespaces import CKGRAPH
from clusterkg.kg.store.base import Store, StoreError
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.oxworker import PUBLISHED

G1, G2 = CKGRAPH["test/one"], CKGRAPH["test/two"]
STATE = URIRef("https://w3id.org/clusterkg/resource/test/state")


def _graph(name: URIRef, state: str, filler: int = 0, bad: bool = False) -> Graph:
    graph = Graph(identifier=name)
    graph.add((URIRef(f"{name}/s"), STATE, Literal(state)))
    for i in range(filler):
        graph.add((URIRef(f"{name}/s{i}"), STATE, Literal(f"{state} {i}")))
    if bad:
        graph.add((URIRef(f"{name}/s"), STATE, URIRef("http://example.org/%zz")))
    return graph


def _states(store: Store) -> list[str]:
    rows = store.query(
        f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?s <{STATE}> ?o }} "
        f"FILTER(?g IN (<{G1}>, <{G2}>) && ?o IN ('old', 'new')) }} ORDER BY ?g"
    ).rows
    return [str(row["o"]) for row in rows]


def test_replace_graphs_is_all_or_nothing(empty_store: Store) -> None:
    """An invalid IRI in the second graph: the first is not replaced either."""
    empty_store.replace_graphs([(G1, _graph(G1, "old")), (G2, _graph(G2, "old"))])
    with pytest.raises(StoreError) as refused:
        empty_store.replace_graphs([(G1, _graph(G1, "new")), (G2, _graph(G2, "new", bad=True))])
    assert str(refused.value).startswith("invalid RDF term <http://example.org/%zz>: ")
    assert _states(empty_store) == ["old", "old"]
    empty_store.replace_graphs([(G1, _graph(G1, "new")), (G2, _graph(G2, "new"))])
    assert _states(empty_store) == ["new", "new"]
    assert empty_store.count() == 2


def _trig(path: Path, state: str, bad: bool = False, filler: int = 0) -> Path:
    dataset = Dataset()
    for name in (G1, G2):
        graph = dataset.graph(name)
        for triple in _graph(name, state, filler if name == G2 else 0, bad=bad and name == G2):
            graph.add(triple)
    text = "".join(
        f"<{name}> {{\n"
        + "".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in dataset.graph(name)))
        + "}\n"
        for name in (G1, G2)
    )
    path.write_text(text, encoding="utf-8")
    return path


def _clusterkg(data_dir: Path, *args: str, **popen: object) -> subprocess.Popen:
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(data_dir), **popen.pop("env", {}))
    return subprocess.Popen(
        [sys.executable, "-m", "clusterkg.kg", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_load_replace_with_a_bad_second_graph_changes_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old = _clusterkg(data_dir, "load", str(_trig(tmp_path / "old.trig", "old")), "--replace")
    assert old.wait() == 0, old.stderr.read() if old.stderr else ""
    bad = _clusterkg(
        data_dir, "load", str(_trig(tmp_path / "bad.trig", "new", bad=True)), "--replace"
    )
    out, err = bad.communicate()
    assert bad.returncode == 2
    assert out == ""
    # the file is read whole before anything is written: the bad IRI is named at its line
    bad_line = next(
        number
        for number, line in enumerate((tmp_path / "bad.trig").read_text().splitlines(), start=1)
        if "%zz" in line
    )
    assert err == (
        f"{tmp_path / 'bad.trig'}:{bad_line}: bad trig syntax: Invalid IRI percent encoding '%zz'\n"
    )
    store = EmbeddedStore(data_dir / "store")
    try:
        assert _states(store) == ["old", "old"]
    finally:
        store.close()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def _running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (a dead process its new parent has not reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] not in "ZX"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.timeout(600)
def test_kill_9_in_the_middle_of_a_two_graph_replace(tmp_path: Path) -> None:
    """`load --replace` of two graphs (G1 small, G2 large) is killed while the store's worker is busy
    writing: afterwards both graphs are old, or both new."""
    data_dir = tmp_path / "data"
    old = _clusterkg(data_dir, "load", str(_trig(tmp_path / "old.trig", "old")), "--replace")
    assert old.wait() == 0
    new = _trig(tmp_path / "new.trig", "new", filler=150_000)
    load = _clusterkg(data_dir, "load", str(new), "--replace", start_new_session=True)
    worker = None
    while worker is None and load.poll() is None:  # the worker is started before the file is read
        worker = next(iter(_children(load.pid)), None)
        time.sleep(0.05)
    assert worker is not None
    # rdflib reads the file in the load process while the worker, ready (it has published its
    # address), waits; the worker then writes: kill both once it has been busy writing for 0.3 s
    published = data_dir / "store" / PUBLISHED
    while load.poll() is None and not (
        published.exists() and json.loads(published.read_text())["pid"] == worker
    ):
        time.sleep(0.05)
    idle = _cpu_ticks(worker)
    while load.poll() is None and _cpu_ticks(worker) < idle + 30:
        time.sleep(0.02)
    os.killpg(load.pid, signal.SIGKILL)
    load.communicate()
    store = _reopen(data_dir / "store")
    try:
        assert _states(store) in (["old", "old"], ["new", "new"])
    finally:
        store.close()


def _reopen(path: Path, within: float = 60.0) -> EmbeddedStore:
    """Open the store once the killed process's worker has let go of it (never, if it lingers)."""
    give_up = time.monotonic() + within
    while True:
        try:
            return EmbeddedStore(path)
        except StoreError:
            if time.monotonic() > give_up:
                raise
            time.sleep(0.1)


HOLDER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    from clusterkg.kg.store.embedded import EmbeddedStore
    store = EmbeddedStore(sys.argv[1])
    # a process that keeps the worker's stdin open: the worker cannot learn from it that we died
    stdin = store._holder[0].process.stdin.fileno()
    sleeper = subprocess.Popen(["sleep", "600"], pass_fds=(stdin,), start_new_session=True)
    print(store.worker_pid, sleeper.pid, flush=True)
    time.sleep(600)
    """
)


@pytest.mark.timeout(300)
def test_kill_9_takes_the_worker_with_it_and_leaves_no_files(tmp_path: Path) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "store")],
        cwd=PROJECT_ROOT,
        env=dict(os.environ, TMPDIR=str(private_tmp)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    worker, sleeper = (int(pid) for pid in holder.stdout.readline().split())
    try:
        holder.kill()
        holder.wait()
        store = _reopen(tmp_path / "store", within=30)  # the worker died with its parent
        store.close()
        assert not _running(worker)
        assert list(private_tmp.iterdir()) == []  # no socket directory left behind
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
        os.kill(sleeper, signal.SIGKILL)


def _stop_at_first_lock(data_dir: Path, process: subprocess.Popen) -> None:
    """Freeze `process`'s group (it leads a session) as soon as a RocksDB LOCK file appears in a
    directory of `data_dir`, then kill it."""
    try:
        while process.poll() is None:
            if any(data_dir.glob("*/LOCK")):
                os.killpg(process.pid, signal.SIGSTOP)
                break
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had ended
    process.communicate()


@pytest.mark.timeout(600)
def test_a_store_killed_while_being_created_opens_again(tmp_path: Path) -> None:
    """The store's process group is frozen the moment RocksDB's first file appears (before its CURRENT
    file, if we are quick enough), then killed: the store opens all the same, and a new one is made."""
    tiny = tmp_path / "tiny.ttl"
    tiny.write_text(f'<{G1}/s> <{STATE}> "new" .\n', encoding="utf-8")
    for attempt in range(5):
        data_dir = tmp_path / f"data{attempt}"
        data_dir.mkdir()
        process = _clusterkg(data_dir, "load", str(tiny), start_new_session=True)
        _stop_at_first_lock(data_dir, process)
        store = _reopen(data_dir / "store")
        try:
            assert store.count() >= 0
        finally:
            store.close()
        assert [p.name for p in data_dir.iterdir()] == ["store"]  # no half-made copy left


def test_an_incomplete_store_names_the_command_that_fixes_it(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{G1}/s> <{STATE}> "old" }} }}')
    store.close()
    (path / "CURRENT").unlink()  # as a creation killed before RocksDB wrote it leaves the directory
    with pytest.raises(StoreError) as refused:
        EmbeddedStore(path)
    assert str(refused.value) == (
        f"cannot open the store at {path}: the store at {path} is incomplete (RocksDB's CURRENT "
        f"file is missing, as when its creation was stopped): move it away with "
        f"`mv {path} {path}.broken` and run `clusterkg build` again"
    )
    assert not (path / "CURRENT").exists()  # RocksDB was not let loose on it


@pytest.mark.timeout(600)
def test_kill_9_in_the_middle_of_a_bulk_load_into_a_store_with_data(tmp_path: Path) -> None:
    """`load` into a store that holds data bulk-loads from a checkpoint: killed once the load is under
    way (its restore marker is there), the store opens as it was, and the checkpoint is gone; loaded
    to the end, the store has the old and the new data. Reads during the load see the old state."""
    data_dir = tmp_path / "data"
    old = _clusterkg(data_dir, "load", str(_trig(tmp_path / "old.trig", "old")))
    assert old.wait() == 0
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for i in range(400_000):
            out.write(f'<{G2}/n{i}> <{STATE}> "filler {i}" .\n')
    load = _clusterkg(data_dir, "load", str(big), "--graph", str(G2), start_new_session=True)
    marker = data_dir / ".store.restore"
    while load.poll() is None and not marker.exists():
        time.sleep(0.01)
    assert load.poll() is None, "the load ended before its marker was seen"
    reader = EmbeddedStore(data_dir / "store", attach=True)  # through the loading process's worker
    try:
        during = reader.count(G2)
        still_loading = marker.exists()
    finally:
        reader.close()
    if still_loading:
        assert during == 1  # the checkpoint answers, not the half-loaded store
    os.killpg(load.pid, signal.SIGKILL)
    load.communicate()
    store = _reopen(data_dir / "store")
    try:
        assert _states(store) == ["old", "old"]
        assert store.count(G2) == 1  # none of the 400,000 new quads
    finally:
        store.close()
    _no_load_leftovers(data_dir)
    done = _clusterkg(data_dir, "load", str(big), "--graph", str(G2))
    out, err = done.communicate()
    assert done.returncode == 0, err
    assert out == f"loaded 400000 new quads from {big}; store: 400002 quads\n"
    store = _reopen(data_dir / "store")
    try:
        assert _states(store) == ["old", "old"] and store.count(G2) == 400_001
    finally:
        store.close()
    _no_load_leftovers(data_dir)


def _no_load_leftovers(data_dir: Path) -> None:
    """The store is there, and no checkpoint, restore marker or discarded copy beside it."""
    names = {p.name for p in data_dir.iterdir()}
    assert "store" in names
    assert names & {".store.checkpoint", ".store.restore", ".store.discarded"} == set()
