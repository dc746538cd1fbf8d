"""The embedded store's worker process: owns the on-disk Oxigraph store and answers requests on a Unix socket.

Started by `kg.store.embedded` as `python -m clusterkg.kg.store.oxworker STORE_PATH`, its settings (socket address,
authentication key, limits) as one JSON line on stdin. Each connection is served by its own thread
(pyoxigraph releases the GIL while it evaluates), so a slow query does not hold up the others. A limited
query is evaluated in a forked child that is killed at its time limit and capped in memory. Writes go one
at a time; each is a pyoxigraph transaction, or a bulk load from a checkpoint (`kg.store.checkpointed`), so
nothing committed is lost and nothing half-written remains. The worker dies
with the thread that started it (even after `kill -9`); it publishes its address and key in a file only
its user can read (`PUBLISHED` in the store's directory), so that another process of that user can hand
it requests while this one holds the store's lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Connection, Listener, answer_challenge, deliver_challenge
from pathlib import Path

import pyoxigraph as ox

from clusterkg.kg.queries import own_query
from clusterkg.kg.sparql_tokens import dataset_of
from clusterkg.kg.store.answers import volatile
from clusterkg.kg.store.base import LimitExceeded, MemoryLimit, QuerySyntaxError, QueryTimeout
from clusterkg.kg.store.checkpointed import checkpointed_load, restore_interrupted_load
from clusterkg.kg.store.forked import die_with_parent, run_forked
from clusterkg.kg.store.oxformats import (
    GRAPH_FORMATS,
    PREFIX_MAP,
    MediaTypeError,
    dump_format,
    first_solutions,
    serialize,
    syntax_message,
)
from clusterkg.kg.store.union_update import with_union_where

# {"pid", "address", "authkey"}, mode 0600, in the store directory
PUBLISHED = "clusterkg-worker.json"
STALE_CREATION = 60.0  # seconds after which an unlocked, half-made new store directory is removed
MEMORY_COPY_READY = "clusterkg: reads come from the in-memory copy of the store, made"  # a log line

ERROR_KINDS: dict[type, str] = {
    QuerySyntaxError: "syntax",
    MediaTypeError: "media",
    QueryTimeout: "timeout",
    MemoryLimit: "memory",
}
WIRE_FORMATS = {
    "solutions": "application/sparql-results+json",
    "boolean": "application/sparql-results+json",
    "triples": "application/n-triples",
}


def _is_empty(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, None)), None) is None


def _query(
    store: ox.Store, sparql: str, media_type: str | None, max_rows: int | None
) -> tuple[str, bytes, bool]:
    """Evaluate; answer (kind, body, cut) with kind `boolean`, `solutions` or `triples`, the body
    written in `media_type`, or in SPARQL JSON / N-Triples when it is None. The default graph is the
    union of all graphs, unless the query's FROM / FROM NAMED give its dataset (Oxigraph's union option
    would override them). Solutions stop after `max_rows`; `cut` says whether any was left."""
    text = sparql.lower()
    union = ("from" not in text and "\\u" not in text) or not any(dataset_of(sparql))
    result = store.query(sparql, use_default_graph_as_union=union)
    kind = {ox.QueryBoolean: "boolean", ox.QuerySolutions: "solutions"}.get(type(result), "triples")
    cut = False
    if max_rows is not None and kind == "solutions":
        result, cut = first_solutions(result, max_rows)
    return kind, serialize(result, media_type or WIRE_FORMATS[kind]), cut


def _update(store: ox.Store, sparql: str) -> None:
    """Apply an update whose WHERE sees the union of the named graphs, as a query does."""
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    store.update(with_union_where(sparql, graphs))


def _in_child(
    evaluate: Callable[[], tuple[str, bytes, bool]],
) -> Callable[[], tuple[str, bytes, bool]]:
    """`evaluate` with a syntax error raised as QuerySyntaxError (run_forked passes StoreErrors on)."""

    def run() -> tuple[str, bytes, bool]:
        try:
            return evaluate()
        except SyntaxError as error:
            raise QuerySyntaxError(syntax_message(error)) from None

    return run


def _load(
    stores: Stores, data: bytes | None, path: str | None, media_type: str, graph: str | None
) -> None:
    """Load a whole serialisation all or nothing with Oxigraph's bulk loader: into an empty store, cleared
    again if it fails; into one that holds data, once the whole input has parsed, from a checkpoint
    (`kg.store.checkpointed`). A transaction took 3-4 times as long and as much memory as the data."""
    store, fmt = stores.disk, GRAPH_FORMATS[media_type]
    to_graph = ox.NamedNode(graph) if graph else None

    def bulk_load() -> None:
        store.bulk_load(data, fmt, path=path, to_graph=to_graph)

    if _is_empty(store):
        try:
            bulk_load()
        except BaseException:
            store.clear()
            raise
    else:
        for _ in ox.parse(data, fmt, path=path):
            pass  # a syntax error is raised here, before anything is written
        checkpointed_load(store, stores.path, bulk_load, stores.serve_reads_from)
    store.flush()


def _replace_graphs(store: ox.Store, graphs: list[tuple[str, bytes]]) -> None:
    """One SPARQL update (one transaction): drop each graph and insert its new triples (N-Triples)."""
    names = [ox.NamedNode(graph) for graph, _ in graphs]
    drops = "".join(f"DROP SILENT GRAPH {name} ;\n" for name in names)
    blocks = "".join(
        f"GRAPH {name} {{\n{ntriples.decode()}\n}}\n" for name, (_, ntriples) in zip(names, graphs)
    )
    store.update(f"{drops}INSERT DATA {{\n{blocks}}}")


def _describe(store: ox.Store, iri: str) -> bytes:
    node = ox.NamedNode(iri)
    quads = {
        *store.quads_for_pattern(node, None, None, None),
        *store.quads_for_pattern(None, None, node, None),
    }
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _dump(store: ox.Store, path: str, fmt: str) -> None:
    tmp = Path(path + ".part")
    store.dump(str(tmp), dump_format(fmt), prefixes=PREFIX_MAP)
    tmp.replace(path)


def _graphs(store: ox.Store) -> list[str]:
    return sorted(
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode)
        and next(iter(store.quads_for_pattern(None, None, None, g)), None)
    )


class Stores:
    """The on-disk store and, if asked for, an in-memory copy of it that answers the reads.

    The copy is made in the background (reads go to disk meanwhile), dropped when a write begins and
    made again when it ends, so a read never sees an answer older than the last write. Limited queries
    are evaluated `parallel_queries` at a time, each in a forked child capped at `query_memory` bytes."""

    def __init__(
        self,
        disk: ox.Store,
        path: Path,
        memory_copy: bool,
        query_memory: int | None,
        parallel_queries: int,
    ) -> None:
        self.disk, self.path = disk, path
        self.snapshot: ox.Store | None = None  # the store as it was, during a checkpointed load
        self.writing = threading.Lock()  # one write at a time, whichever connection sends it
        self.memory_copy = memory_copy
        self.memory: ox.Store | None = None
        self.query_memory = query_memory
        self._slots = threading.BoundedSemaphore(parallel_queries)
        self._fork_lock = threading.Lock()
        self._lock = threading.Lock()
        self._version = 0
        self.refresh()

    def query(
        self, sparql: str, media_type: str | None, timeout: float | None, max_rows: int | None
    ) -> tuple[str, bytes, bool]:
        """Evaluate a query: here when `timeout` is None, else in a capped child killed at `timeout`."""
        store = self.reader()
        if timeout is None:
            return _query(store, sparql, media_type, max_rows)
        deadline = time.monotonic() + timeout
        stopped = QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s")
        if not self._slots.acquire(timeout=timeout):
            raise stopped
        if volatile(sparql):  # a child draws from the random state of the thread that forks it
            list(store.query(own_query("draw-randomness").text))
        try:
            return run_forked(
                _in_child(lambda: _query(store, sparql, media_type, max_rows)),
                max(0.0, deadline - time.monotonic()),
                self._fork_lock,
                self.query_memory,
            )
        except QueryTimeout:
            raise stopped from None
        finally:
            self._slots.release()

    def reader(self) -> ox.Store:
        return self.memory or self.snapshot or self.disk

    def serve_reads_from(self, snapshot: ox.Store | None) -> None:
        """Answer reads from `snapshot` (a read-only view of the store as it was) until called with None."""
        self.snapshot = snapshot

    def begin_write(self) -> None:
        with self._lock:
            self.memory = None
            self._version += 1

    def refresh(self) -> None:
        if not self.memory_copy:
            return
        with self._lock:
            version = self._version

        def copy() -> None:
            # dump and bulk_load run in Rust without the GIL: the worker keeps answering meanwhile
            # (bulk_extend over quads_for_pattern would hold the GIL for the whole copy)
            start = time.monotonic()
            memory = _streamed_copy(self.disk)
            with self._lock:
                if version == self._version:  # no write began meanwhile
                    self.memory = memory
                    print(  # to the server's log: from now on reads come from memory
                        f"{MEMORY_COPY_READY} in {time.monotonic() - start:.1f} s",
                        file=sys.stderr,
                        flush=True,
                    )

        threading.Thread(target=copy, daemon=True, name="memory-copy").start()


def _streamed_copy(disk: ox.Store) -> ox.Store:
    """An in-memory store holding what `disk` holds: its dump streamed through a pipe into the copy's bulk
    load (dump and load run in Rust without the GIL), so the dump is never whole in memory (1.9 GB of
    N-Quads at 10M triples). A dump that fails fails the copy, never leaves it part-made."""
    memory = ox.Store()
    read, write = os.pipe()
    dumped: list[bool] = []
    with open(read, "rb") as source, open(write, "wb") as sink:

        def dump() -> None:
            try:
                disk.dump(sink, format=ox.RdfFormat.N_QUADS)
                dumped.append(True)
            finally:
                sink.close()  # the end of the input for bulk_load

        dumping = threading.Thread(target=dump, daemon=True, name="memory-copy-dump")
        dumping.start()
        try:
            memory.bulk_load(source, ox.RdfFormat.N_QUADS)
        finally:
            source.close()  # a load that failed stops the dump (a broken pipe)
            dumping.join()
    if not dumped:
        raise RuntimeError("the store's dump broke off: no in-memory copy, reads stay on disk")
    return memory


def _write(stores: Stores, op: str, args: tuple) -> None:
    store = stores.disk
    with stores.writing:
        stores.begin_write()
        try:
            match op:
                case "update":
                    _update(store, *args)
                case "load":
                    _load(stores, *args)
                case "replace_graphs":
                    _replace_graphs(store, *args)
                case "clear":
                    store.clear()
        finally:
            stores.refresh()


def _handle(stores: Stores, op: str, args: tuple):
    store = stores.reader()
    match op:
        case "query":
            return stores.query(*args)
        case "update" | "load" | "replace_graphs" | "clear":
            return _write(stores, op, args)
        case "describe":
            return _describe(store, *args)
        case "dump":
            return _dump(stores.snapshot or stores.disk, *args)
        case "graphs":
            return _graphs(store)
        case "count":
            return len(store)
        case "from_memory":
            return stores.memory is not None
    raise ValueError(f"unknown worker operation {op!r}")


def _serve(stores: Stores, conn: Connection, authkey: bytes) -> None:
    """Authenticate the other end (both ways: each proves it holds the key), then answer its requests:
    ("ok", value) or (error kind, one-line message). Done here, not in the accepting thread, so that a
    client that never answers holds up only its own connection."""
    with conn:
        try:
            deliver_challenge(conn, authkey)
            answer_challenge(conn, authkey)
        except (AuthenticationError, EOFError, OSError):
            return
        while True:
            try:
                op, args = conn.recv()
            except (EOFError, OSError):
                return
            if op == "shutdown":
                _shutdown(stores.disk)
            try:
                reply = ("ok", _handle(stores, op, args))
            except SyntaxError as error:
                reply = ("syntax", syntax_message(error))
            except (QuerySyntaxError, MediaTypeError, LimitExceeded) as error:
                reply = (ERROR_KINDS[type(error)], str(error))
            except Exception as error:  # noqa: BLE001 - pyoxigraph's OSError, ValueError...: sent as text
                reply = ("error", f"{type(error).__name__}: {' '.join(str(error).split())}")
            try:
                conn.send(reply)
            except OSError:
                return


def _shutdown(store: ox.Store, published: Path | None = None) -> None:
    store.flush()
    if published is not None:
        published.unlink(missing_ok=True)
    os._exit(0)


def _watch_parent(store: ox.Store, published: Path) -> None:
    sys.stdin.buffer.read()  # returns at EOF: the parent asks us to flush and go, or has gone
    _shutdown(store, published)


def open_disk_store(path: Path) -> ox.Store:
    """The Oxigraph store at `path`. A new one is made in a sibling directory and renamed into place, so
    that a store killed while it is being created never exists half-made; such leftovers are removed.
    A directory without RocksDB's CURRENT file is not opened (RocksDB would start a new, empty store over
    its files): the message names the command that fixes it."""
    restore_interrupted_load(path)
    if (path / "CURRENT").exists():
        return ox.Store(str(path))
    if path.is_dir() and any(path.iterdir()):
        raise OSError(
            f"the store at {path} is incomplete (RocksDB's CURRENT file is missing, as when its "
            f"creation was stopped): move it away with `mv {path} {path}.broken` and run "
            "`clusterkg build` again"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_creations(path)
    new = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
    ox.Store(str(new)).flush()  # made and closed: its files are complete
    try:
        new.rename(path)  # replaces an empty directory; fails if another process made it first
    except OSError:
        shutil.rmtree(new, ignore_errors=True)
    return ox.Store(str(path))


def _remove_stale_creations(path: Path) -> None:
    """Remove the new-store directories of creations that were killed: their RocksDB lock is free."""
    for leftover in path.parent.glob(f".{path.name}.new-*"):
        lock = leftover / "LOCK"
        if not lock.exists():
            if time.time() - leftover.stat().st_mtime > STALE_CREATION:
                shutil.rmtree(leftover, ignore_errors=True)
            continue
        with open(lock, "rb+") as fh:
            try:
                fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live creation holds it
        shutil.rmtree(leftover, ignore_errors=True)


def _publish(store_path: Path, address: str, authkey: str) -> Path:
    """Write our address and key to PUBLISHED (mode 0600, replaced atomically)."""
    target = store_path / PUBLISHED
    fd, tmp = tempfile.mkstemp(dir=store_path, prefix=f".{PUBLISHED}.")  # mkstemp makes it 0600
    with os.fdopen(fd, "w") as out:
        json.dump({"pid": os.getpid(), "address": address, "authkey": authkey}, out)
    os.replace(tmp, target)
    return target


def main(argv: list[str]) -> int:
    store_path = Path(argv[1])
    config = json.loads(sys.stdin.buffer.readline())
    die_with_parent()
    if os.getppid() != config["parent"]:
        return 1  # the parent died before we could ask to die with it
    try:
        store = open_disk_store(store_path)
    except (OSError, RuntimeError) as error:  # RocksDB's corruption errors are RuntimeErrors
        kind = "locked" if "While lock file" in str(error) else "error"  # RocksDB's words
        print(f"{kind} {' '.join(str(error).split())}", flush=True)
        return 1
    stores = Stores(
        store, store_path, config["memory_copy"], config["query_memory"], config["parallel_queries"]
    )
    authkey = bytes.fromhex(config["authkey"])
    listener = Listener("\0" + config["address"], family="AF_UNIX")  # abstract: no file to leave
    published = _publish(store_path, config["address"], config["authkey"])
    threading.Thread(target=_watch_parent, args=(store, published), daemon=True).start()
    print("ready", flush=True)
    while True:
        try:
            conn = listener.accept()
        except OSError:
            continue
        threading.Thread(target=_serve, args=(stores, conn, authkey), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
