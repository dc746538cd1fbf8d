"""The embedded store's worker process: owns the on-disk Oxigraph store and answers requests on a Unix socket.

Started by `kg.store.embedded` as `python -m kg.store.oxworker STORE_PATH SOCKET_PATH [--memory-copy]`
with the socket's authentication key on stdin. Each connection is served by its own thread (pyoxigraph releases the GIL while
it evaluates), so a slow query does not hold up the others. The parent kills this process to stop a runaway
query and starts a new one; every write is a pyoxigraph transaction, so nothing committed is lost and nothing
half-written remains. The worker exits when its parent goes away (stdin closes).
"""

from __future__ import annotations

import os
import sys
import threading
from multiprocessing.connection import Connection, Listener
from pathlib import Path

import pyoxigraph as ox

from kg.store.oxformats import (
    GRAPH_FORMATS,
    PREFIX_MAP,
    MediaTypeError,
    dump_format,
    serialize,
    syntax_message,
)

WIRE_FORMATS = {
    "solutions": "application/sparql-results+json",
    "boolean": "application/sparql-results+json",
    "triples": "application/n-triples",
}


def _is_empty(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, None)), None) is None


def _query(store: ox.Store, sparql: str, media_type: str | None) -> tuple[str, bytes]:
    """Evaluate; answer (kind, body) with kind `boolean`, `solutions` or `triples`, the body written in
    `media_type`, or in SPARQL JSON / N-Triples when it is None."""
    result = store.query(sparql, use_default_graph_as_union=True)
    kind = {ox.QueryBoolean: "boolean", ox.QuerySolutions: "solutions"}.get(type(result), "triples")
    return kind, serialize(result, media_type or WIRE_FORMATS[kind])


def _load(
    store: ox.Store, data: bytes | None, path: str | None, media_type: str, graph: str | None
) -> None:
    """Load a whole serialisation all or nothing: one transaction, or a bulk load into an empty store
    that is cleared again if it fails."""
    fmt = GRAPH_FORMATS[media_type]
    to_graph = ox.NamedNode(graph) if graph else None
    if _is_empty(store):
        try:
            store.bulk_load(data, fmt, path=path, to_graph=to_graph)
        except BaseException:
            store.clear()
            raise
    else:
        store.load(data, fmt, path=path, to_graph=to_graph)
    store.flush()


def _replace_graph(store: ox.Store, graph: str, ntriples: bytes) -> None:
    """One SPARQL update (one transaction): drop the graph and insert its new triples."""
    name = ox.NamedNode(graph)
    store.update(
        f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{ntriples.decode()}\n}} }}"
    )


def _replace_graphs(store: ox.Store, graphs: list[tuple[str, bytes]]) -> None:
    """One SPARQL update (one transaction) for all of them: each graph dropped, its new triples inserted."""
    parts = []
    for graph, ntriples in graphs:
        name = ox.NamedNode(graph)
        parts.append(
            f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{ntriples.decode()}\n}} }}"
        )
    if parts:
        store.update(" ;\n".join(parts))


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


def _count(store: ox.Store, graph: str | None) -> int:
    if graph is None:
        return len(store)
    (solution,) = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    )
    return int(solution["n"].value)


class Stores:
    """The on-disk store and, if asked for, an in-memory copy of it that answers the reads.

    The copy is made in the background (reads go to disk meanwhile), dropped when a write begins and
    made again when it ends, so a read never sees an answer older than the last write."""

    def __init__(self, disk: ox.Store, memory_copy: bool) -> None:
        self.disk = disk
        self.memory_copy = memory_copy
        self.memory: ox.Store | None = None
        self._lock = threading.Lock()
        self._version = 0
        self.refresh()

    def reader(self) -> ox.Store:
        return self.memory or self.disk

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
            memory = ox.Store()
            memory.bulk_load(self.disk.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
            with self._lock:
                if version == self._version:  # no write began meanwhile
                    self.memory = memory

        threading.Thread(target=copy, daemon=True, name="memory-copy").start()


def _write(stores: Stores, op: str, args: tuple) -> None:
    store = stores.disk
    stores.begin_write()
    try:
        match op:
            case "update":
                store.update(*args)
            case "load":
                _load(store, *args)
            case "replace_graph":
                _replace_graph(store, *args)
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
            return _query(store, *args)
        case "update" | "load" | "replace_graph" | "replace_graphs" | "clear":
            return _write(stores, op, args)
        case "describe":
            return _describe(store, *args)
        case "dump":
            return _dump(stores.disk, *args)
        case "graphs":
            return _graphs(store)
        case "count":
            return _count(store, *args)
        case "from_memory":
            return stores.memory is not None
    raise ValueError(f"unknown worker operation {op!r}")


def _serve(stores: Stores, conn: Connection) -> None:
    """Answer the requests of one connection: ("ok", value) or (error kind, one-line message)."""
    with conn:
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
            except MediaTypeError as error:
                reply = ("media", str(error))
            except Exception as error:  # noqa: BLE001 - pyoxigraph's OSError, ValueError...: sent as text
                reply = ("error", f"{type(error).__name__}: {' '.join(str(error).split())}")
            try:
                conn.send(reply)
            except OSError:
                return


def _shutdown(store: ox.Store) -> None:
    store.flush()
    os._exit(0)


def _watch_parent(store: ox.Store) -> None:
    sys.stdin.buffer.read()  # returns at EOF, when the parent process has gone
    _shutdown(store)


def main(argv: list[str]) -> int:
    store_path, address = argv[1], argv[2]
    memory_copy = "--memory-copy" in argv[3:]
    authkey = bytes.fromhex(sys.stdin.buffer.readline().decode().strip())
    try:
        store = ox.Store(store_path)
    except OSError as error:
        print(f"error {' '.join(str(error).split())}", flush=True)
        return 1
    stores = Stores(store, memory_copy)
    listener = Listener(address, family="AF_UNIX", authkey=authkey)
    threading.Thread(target=_watch_parent, args=(store,), daemon=True).start()
    print("ready", flush=True)
    while True:
        try:
            conn = listener.accept()
        except OSError:  # a client that failed authentication
            continue
        threading.Thread(target=_serve, args=(stores, conn), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
