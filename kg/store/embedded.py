"""The embedded backend (default): a persistent Oxigraph store on disk, owned by a worker process.

The worker (`kg.store.oxworker`) evaluates SPARQL text with pyoxigraph directly (union default graph). It
stops a limited query itself (the query runs in a child it kills); a limited update is stopped by killing
the worker, which is restarted at once on the same files: pyoxigraph cannot be interrupted from Python,
and a killed process frees its core and memory for sure, its transaction undone. When another process
holds the store (a running `clusterkg serve`), requests are handed to that process's worker through the
address and key it publishes in the store's directory (local, authenticated, same user only).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from clusterkg.kg.errors import UserError
from clusterkg.kg.rdfio import check_file, rdf_format
from clusterkg.kg.store.base import (
    Limits,
    MemoryLimit,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Serialized,
    StoreError,
)
from clusterkg.kg.store.oxformats import GRAPH_FORMATS, MediaTypeError, dump_format
from clusterkg.kg.store.oxworker import PUBLISHED
from clusterkg.kg.store.reads import graph_size
from clusterkg.kg.store.results import (
    check_terms,
    dataset_from_nquads,
    query_form,
    rdf_bytes,
    result_from_ox,
    to_ox,
)

_LINE = re.compile(r"line (\d+), column \d+: (.*)", re.DOTALL)  # syntax_message's form
READS = frozenset({"query", "describe", "dump", "graphs", "count", "from_memory"})
ERRORS: dict[str, type[StoreError]] = {
    "syntax": QuerySyntaxError,
    "media": MediaTypeError,
    "timeout": QueryTimeout,
    "memory": MemoryLimit,
    "error": StoreError,
}
GRACE = 5.0  # seconds past a query's time limit before its worker is taken for hung and restarted
POLL = 0.1  # seconds between two looks at a limited update (its time and its worker's memory)


class _NotSent(Exception):
    """The request never reached the worker (it had stopped): safe to send again."""


class _Locked(StoreError):
    """Another process holds the store's lock."""


@dataclass(frozen=True)
class _Stop:
    """When to give up on an answer: at `deadline` (monotonic) or when the worker's resident memory passes
    `memory` bytes; the worker is then restarted and the error raised."""

    deadline: float
    timeout_error: StoreError
    memory: int | None = None
    memory_error: StoreError | None = None


class _Worker:
    """A worker process started (and owned) by this process, and the socket it listens on."""

    owned = True

    def __init__(self, path: Path, memory_copy: bool, limits: Limits) -> None:
        self.address = f"clusterkg-store-{secrets.token_hex(16)}"  # Linux abstract socket: no file
        self.authkey = secrets.token_bytes(32)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clusterkg.kg.store.oxworker", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.pid = self.process.pid
        config = {
            "parent": os.getpid(),
            "address": self.address,
            "authkey": self.authkey.hex(),
            "memory_copy": memory_copy,
            "query_memory": limits.query_memory,
            "parallel_queries": limits.parallel_queries,
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(config).encode() + b"\n")
        self.process.stdin.flush()
        status = self.process.stdout.readline().decode().strip()
        if status != "ready":
            self.stop()
            kind, _, reason = status.partition(" ")
            reason = reason.strip() or "the worker process exited"
            if kind == "locked":
                raise _Locked(
                    f"cannot open the store at {path}: it is in use by another process ({reason})"
                )
            raise StoreError(f"cannot open the store at {path}: {reason}")

    def connect(self) -> Connection:
        return Client("\0" + self.address, family="AF_UNIX", authkey=self.authkey)

    def resident_memory(self) -> int:
        """The worker's resident memory in bytes (0 once it has gone)."""
        try:
            with open(f"/proc/{self.pid}/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            return 0

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


class _Attached:
    """The worker of another process of this user, found through the file it publishes in the store."""

    owned = False

    def __init__(self, path: Path) -> None:
        published = path / PUBLISHED
        info = os.stat(published)  # FileNotFoundError: nothing published
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise PermissionError(
                f"{published} must belong to this user and be readable by it only"
            )
        entry = json.loads(published.read_text())
        self.pid: int = entry["pid"]
        self.address: str = entry["address"]
        self.authkey = bytes.fromhex(entry["authkey"])
        self.connect().close()  # ConnectionRefusedError: published by a worker that has gone

    def connect(self) -> Connection:
        return Client("\0" + self.address, family="AF_UNIX", authkey=self.authkey)

    def resident_memory(self) -> int:
        return 0  # not ours to watch

    def stop(self, kill: bool = True) -> None:
        """Not ours to stop: its owner does."""


def _start(
    path: Path, memory_copy: bool, limits: Limits, attach: bool, spawner: ThreadPoolExecutor
) -> _Worker | _Attached:
    """Our own worker, or, when another process holds the store and `attach` allows, that process's."""
    try:
        # started from the spawner's long-lived thread: the worker dies with that thread
        return spawner.submit(_Worker, path, memory_copy, limits).result()
    except _Locked as busy:
        if not attach:
            raise
        try:
            return _Attached(path)
        except (OSError, ValueError, KeyError, EOFError):
            raise busy from None


def _stop_worker(holder: list[_Worker | _Attached], spawner: ThreadPoolExecutor) -> None:
    if holder:
        holder[0].stop(kill=False)
    spawner.shutdown(wait=False)


class EmbeddedStore:
    """A pyoxigraph `Store(path)` behind the store protocol. Writes are transactions, all or nothing.

    With `memory_copy`, reads are answered from an in-memory copy of the store once it is made (in the
    background, after opening and after every write; from disk until then): several times faster on
    a large graph, for as much memory again as the data (see bench/RESULTS.md). `limits` apply to the
    limited requests (those given a time limit). With `attach`, a store held by another process (a
    running `clusterkg serve`) is reached through that process's worker instead of being refused.
    """

    name = "embedded"

    def __init__(
        self,
        path: Path,
        memory_copy: bool = False,
        limits: Limits | None = None,
        attach: bool = False,
    ) -> None:
        self.path = Path(path)
        self.memory_copy = memory_copy
        self.limits = limits or Limits()
        self._attach = attach
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="ckg-store-spawner")
        # _lock guards the worker, its generation and the idle connections; _writing orders the writes
        # of this process (the worker orders those of all processes)
        self._lock = threading.Lock()
        self._writing = threading.RLock()
        # the current worker, in a list so that the finalizer sees it replaced
        try:
            self._holder = [self._start()]
        except BaseException:
            self._spawner.shutdown(wait=False)
            raise
        self._generation = 0
        self._idle: list[tuple[int, Connection]] = []
        self._finalizer = weakref.finalize(self, _stop_worker, self._holder, self._spawner)

    @property
    def worker_pid(self) -> int:
        """The process id of the worker that owns the store's files now."""
        return self._holder[0].pid

    @property
    def attached(self) -> bool:
        """Whether requests go to another process's worker (that process holds the store)."""
        return not self._holder[0].owned

    def answers_from_memory(self) -> bool:
        """Whether reads are answered from the in-memory copy right now (always False without one)."""
        return self._read("from_memory", ())

    # -- protocol ---------------------------------------------------------------------------------------
    def load(self, dataset: Dataset) -> None:
        self._write_rdf("load", rdf_bytes(dataset, "nquads"), None, "application/n-quads", None)

    def load_file(self, path: Path, graph: URIRef) -> None:
        """pyoxigraph parses the file (no rdflib): a bulk load into an empty store, else one transaction.
        What no parser may read (XML entities, remote JSON-LD contexts) is refused first."""
        check_file(path)
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
        self.replace_graphs([(graph, data)])

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Graph]]) -> None:
        """One transaction in the worker: every graph is replaced, or none."""
        for name, _ in graphs:
            to_ox(name)  # an invalid graph name is refused before anything is sent
        try:
            self._write(
                "replace_graphs", [(str(name), rdf_bytes(data, "nt")) for name, data in graphs]
            )
        except QuerySyntaxError as error:
            # the worker's parser names a line of its own text: name the term instead
            try:
                for _, data in graphs:
                    check_terms(data)
            except StoreError as bad:
                raise StoreError(f"{bad}; nothing was written") from None
            raise StoreError(f"invalid RDF, nothing was written: {error}") from None

    def query(
        self, sparql: str, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        kind, body, _ = self._read("query", (sparql, None, timeout, max_rows), timeout)
        if kind == "boolean" or kind == "solutions":
            result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        else:
            result = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return result_from_ox(result, query_form(sparql))

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Serialized:
        _, body, cut = self._read("query", (sparql, media_type, timeout, max_rows), timeout)
        return Serialized(body, cut)

    def update(self, sparql: str, timeout: float | None = None) -> None:
        self._write("update", sparql, timeout=timeout)

    def describe(self, iri: URIRef) -> Dataset:
        return dataset_from_nquads(self._read("describe", (str(iri),)))

    def dump(self, path: Path, fmt: str = "trig") -> None:
        dump_format(fmt)  # raises StoreError for an unknown format name
        self._read("dump", (str(Path(path).resolve()), fmt))

    def graphs(self) -> list[URIRef]:
        return [URIRef(g) for g in self._read("graphs", ())]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return self._read("count", ())
        to_ox(graph)  # an invalid IRI is a StoreError before anything is sent
        return graph_size(self, graph)

    def clear(self) -> None:
        self._write("clear")

    def close(self) -> None:
        with self._lock:
            for _, conn in self._idle:
                conn.close()
            self._idle.clear()
        self._finalizer()

    # -- calls to the worker -------------------------------------------------------------------------------
    def _start(self) -> _Worker | _Attached:
        return _start(self.path, self.memory_copy, self.limits, self._attach, self._spawner)

    def _write(self, op: str, *args: object, timeout: float | None = None) -> None:
        with self._writing:
            for _ in range(3):  # a write is sent again only if it never reached the worker
                try:
                    return self._call(op, args, self._update_stop(timeout))
                except _NotSent:
                    continue
            raise StoreError(
                f"the store worker for {self.path} keeps stopping; see its error output"
            )

    def _update_stop(self, timeout: float | None) -> _Stop | None:
        """The limits of an update given a time limit: that time, and the update memory limit."""
        if timeout is None:
            return None
        if self.attached:
            raise StoreError(
                f"a limited update needs the process that owns the store at {self.path}"
            )
        memory = self.limits.update_memory
        return _Stop(
            time.monotonic() + timeout,
            QueryTimeout(
                f"the update was stopped at its time limit of {timeout:g} s; nothing was changed"
            ),
            None if memory is None else self._holder[0].resident_memory() + memory,
            MemoryLimit(
                f"the update was stopped at its memory limit of {(memory or 0) / 2**20:g} MiB; "
                "nothing was changed"
            ),
        )

    def _write_rdf(self, op: str, *args: object) -> None:
        try:
            self._write(op, *args)
        except QuerySyntaxError as error:
            raise StoreError(f"invalid RDF, nothing was written: {error}") from None

    def _read(self, op: str, args: tuple, timeout: float | None = None):
        """A read; one with a time limit is stopped by the worker, and the worker restarted if it has
        not answered `GRACE` seconds after it."""
        stop = None
        if timeout is not None:
            stop = _Stop(
                time.monotonic() + timeout + GRACE,
                QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s"),
            )
        # a read cut off by another request's restart is sent again to the new worker
        for _ in range(3):
            try:
                return self._call(op, args, stop)
            except (_NotSent, EOFError, OSError):
                continue
        raise StoreError(f"the store worker for {self.path} keeps stopping; see its error output")

    def _call(self, op: str, args: tuple, stop: _Stop | None):
        generation = self._generation
        conn: Connection | None = None
        try:
            generation, conn = self._connection()
            conn.send((op, args))
        except (EOFError, OSError):
            self._recover(generation, conn)
            raise _NotSent from None
        try:
            if stop is not None:
                self._await(generation, conn, stop)
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
        raise ERRORS[status](value)

    def _await(self, generation: int, conn: Connection, stop: _Stop) -> None:
        """Wait for an answer on `conn`; past `stop`, restart the worker and raise the stop's error."""
        worker = self._holder[0]
        while not conn.poll(max(0.0, min(POLL, stop.deadline - time.monotonic()))):
            if time.monotonic() >= stop.deadline:
                error = stop.timeout_error
            elif stop.memory is not None and worker.resident_memory() > stop.memory:
                error = stop.memory_error
            else:
                continue
            conn.close()
            self._restart(generation)
            raise error

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
        """Kill the worker of `generation` (unless already replaced; an attached one is left to its owner)
        and start a fresh one, or attach again. Never waits for a write: a killed write is undone."""
        with self._lock:
            if generation != self._generation:
                return
            self._holder[0].stop(kill=True)
            for _, conn in self._idle:
                conn.close()
            self._idle.clear()
            self._holder[0] = self._start()
            self._generation += 1
