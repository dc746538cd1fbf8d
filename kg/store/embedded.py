"""The embedded backend (default): a persistent Oxigraph store on disk, owned by a worker process.

The worker (`kg.store.oxworker`) evaluates SPARQL text with pyoxigraph directly (union default graph).
A query past its time limit is stopped by killing the worker, which is restarted at once on the same files:
pyoxigraph cannot be interrupted from Python, and a killed process frees its core and memory for sure.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from multiprocessing.connection import Client, Connection
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

import kg
from kg.errors import UserError
from kg.rdfio import rdf_format
from kg.store.base import QueryResult, QuerySyntaxError, QueryTimeout, StoreError
from kg.store.oxformats import GRAPH_FORMATS, MediaTypeError, dump_format
from kg.store.results import dataset_from_nquads, query_form, rdf_bytes, result_from_ox

_LINE = re.compile(r"line (\d+), column \d+: (.*)", re.DOTALL)  # syntax_message's form
READS = frozenset({"query", "describe", "dump", "graphs", "count", "from_memory"})


class _NotSent(Exception):
    """The request never reached the worker (it had stopped): safe to send again."""


class _Worker:
    """One running worker process and the socket it listens on."""

    def __init__(self, path: Path, memory_copy: bool) -> None:
        self.dir = tempfile.mkdtemp(prefix="ckg-store-")  # mode 0700: only this user can connect
        self.address = os.path.join(self.dir, "socket")
        self.authkey = secrets.token_bytes(32)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(kg.__file__).resolve().parent.parent), env.get("PYTHONPATH")) if p
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.store.oxworker", str(path), self.address]
            + (["--memory-copy"] if memory_copy else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(self.authkey.hex().encode() + b"\n")
        self.process.stdin.flush()
        status = self.process.stdout.readline().decode().strip()
        if status != "ready":
            self.stop()
            reason = status.removeprefix("error ").strip() or "the worker process exited"
            if "lock" in reason.lower():
                reason = f"it is in use by another process ({reason})"
            raise StoreError(f"cannot open the store at {path}: {reason}")

    def connect(self) -> Connection:
        return Client(self.address, family="AF_UNIX", authkey=self.authkey)

    def stop(self, kill: bool = True) -> None:
        if kill:
            self.process.kill()
        elif self.process.stdin is not None:
            self.process.stdin.close()  # the worker flushes and exits when its stdin closes
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _stop_worker(holder: list[_Worker]) -> None:
    if holder:
        holder[0].stop(kill=False)


class EmbeddedStore:
    """A pyoxigraph `Store(path)` behind the store protocol. Writes are transactions, all or nothing.

    With `memory_copy`, reads are answered from an in-memory copy of the store once it is made (in the
    background, after opening and after every write; from disk until then): several times faster on
    a large graph, for as much memory again as the data (see bench/RESULTS.md).
    """

    name = "embedded"

    def __init__(self, path: Path, memory_copy: bool = False) -> None:
        self.path = Path(path)
        self.memory_copy = memory_copy
        self.path.mkdir(parents=True, exist_ok=True)
        # _lock guards the worker, its generation and the idle connections; _writing is held by
        # writes, and a restart waits for it (a worker is never killed in the middle of a write).
        self._lock = threading.Lock()
        self._writing = threading.RLock()
        # the current worker, in a list so that the finalizer sees it replaced
        self._holder = [_Worker(self.path, self.memory_copy)]
        self._generation = 0
        self._idle: list[tuple[int, Connection]] = []
        self._finalizer = weakref.finalize(self, _stop_worker, self._holder)

    @property
    def worker_pid(self) -> int:
        """The process id of the worker that owns the store's files now."""
        return self._holder[0].process.pid

    def answers_from_memory(self) -> bool:
        """Whether reads are answered from the in-memory copy right now (always False without one)."""
        return self._read("from_memory", ())

    # -- protocol ---------------------------------------------------------------------------------------
    def load(self, dataset: Dataset) -> None:
        self._write_rdf("load", rdf_bytes(dataset, "nquads"), None, "application/n-quads", None)

    def load_file(self, path: Path, graph: URIRef) -> None:
        """pyoxigraph parses the file (no rdflib): a bulk load into an empty store, else one transaction."""
        fmt_name = rdf_format(path)
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None or fmt.media_type not in GRAPH_FORMATS:
            raise UserError(f"the embedded store cannot load {fmt_name} files", path)
        try:
            self._write("load", None, str(path.resolve()), fmt.media_type, str(graph))
        except QuerySyntaxError as error:
            where = _LINE.match(str(error))
            raise UserError(
                f"bad {fmt_name} syntax: {where.group(2) if where else error}; nothing was loaded",
                path,
                int(where.group(1)) if where else None,
            ) from None

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        self._write_rdf("replace_graph", str(graph), rdf_bytes(data, "nt"))

    def replace_graphs(self, graphs: list[tuple[URIRef, Graph]]) -> None:
        self._write_rdf("replace_graphs", [(str(g), rdf_bytes(data, "nt")) for g, data in graphs])

    def query(self, sparql: str, timeout: float | None = None) -> QueryResult:
        kind, body = self._read("query", (sparql, None), timeout)
        if kind == "boolean" or kind == "solutions":
            result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        else:
            result = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return result_from_ox(result, query_form(sparql))

    def query_serialized(self, sparql: str, media_type: str, timeout: float | None = None) -> bytes:
        return self._read("query", (sparql, media_type), timeout)[1]

    def update(self, sparql: str) -> None:
        self._write("update", sparql)

    def describe(self, iri: URIRef) -> Dataset:
        return dataset_from_nquads(self._read("describe", (str(iri),)))

    def dump(self, path: Path, fmt: str = "trig") -> None:
        dump_format(fmt)  # raises StoreError for an unknown format name
        self._read("dump", (str(Path(path).resolve()), fmt))

    def graphs(self) -> list[URIRef]:
        return [URIRef(g) for g in self._read("graphs", ())]

    def count(self, graph: URIRef | None = None) -> int:
        return self._read("count", (str(graph) if graph is not None else None,))

    def clear(self) -> None:
        self._write("clear")

    def close(self) -> None:
        with self._lock:
            for _, conn in self._idle:
                conn.close()
            self._idle.clear()
        self._finalizer()

    # -- calls to the worker -------------------------------------------------------------------------------
    def _write(self, op: str, *args: object) -> None:
        with self._writing:
            for _ in range(3):  # a write is sent again only if it never reached the worker
                try:
                    return self._call(op, args, None)
                except _NotSent:
                    continue
            raise StoreError(
                f"the store worker for {self.path} keeps stopping; see its error output"
            )

    def _write_rdf(self, op: str, *args: object) -> None:
        try:
            self._write(op, *args)
        except QuerySyntaxError as error:
            raise StoreError(f"invalid RDF, nothing was written: {error}") from None

    def _read(self, op: str, args: tuple, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        for _ in range(
            3
        ):  # a read cut off by another query's restart is sent again to the new worker
            try:
                return self._call(op, args, deadline, timeout)
            except (_NotSent, EOFError, OSError):
                continue
        raise StoreError(f"the store worker for {self.path} keeps stopping; see its error output")

    def _call(self, op: str, args: tuple, deadline: float | None, timeout: float | None = None):
        generation = self._generation
        conn: Connection | None = None
        try:
            generation, conn = self._connection()
            conn.send((op, args))
        except (EOFError, OSError):
            self._recover(generation, conn)
            raise _NotSent from None
        try:
            if deadline is not None and not conn.poll(max(0.0, deadline - time.monotonic())):
                conn.close()
                self._restart(generation)
                raise QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s")
            status, value = conn.recv()
        except (EOFError, OSError):
            self._recover(generation, conn)
            if op not in READS:
                raise StoreError(
                    f"the store worker stopped during {op}; the change may not have been applied"
                ) from None
            raise
        self._release(generation, conn)
        if status == "ok":
            return value
        if status == "syntax":
            raise QuerySyntaxError(value)
        if status == "media":
            raise MediaTypeError(value)
        raise StoreError(value)

    def _recover(self, generation: int, conn: Connection | None) -> None:
        """After a broken connection: start a new worker, unless another thread already has (its
        restart broke the connection, and moved the generation on)."""
        if conn is not None:
            conn.close()
        self._restart(generation)

    def _connection(self) -> tuple[int, Connection]:
        with self._lock:
            if not self._finalizer.alive:
                raise StoreError(f"the store at {self.path} is closed")
            while self._idle:
                generation, conn = self._idle.pop()
                if generation == self._generation:
                    return generation, conn
                conn.close()
            generation, worker = self._generation, self._holder[0]
        return generation, worker.connect()

    def _release(self, generation: int, conn: Connection) -> None:
        with self._lock:
            if generation == self._generation:
                self._idle.append((generation, conn))
                return
        conn.close()

    def _restart(self, generation: int) -> None:
        """Kill the worker of `generation` (unless already replaced) and start a fresh one."""
        with self._writing, self._lock:
            if generation != self._generation:
                return
            self._holder[0].stop(kill=True)
            for _, conn in self._idle:
                conn.close()
            self._idle.clear()
            self._holder[0] = _Worker(self.path, self.memory_copy)
            self._generation += 1
