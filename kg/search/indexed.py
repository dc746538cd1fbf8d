"""A store that keeps its search index in step: every write goes to the store, then to the index, and the
index records the store state it holds; a stale or missing index is rebuilt, never searched."""

from __future__ import annotations

import fcntl
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset, Graph, URIRef

from clusterkg.kg.config import PACKAGED_QUERIES
from clusterkg.kg.errors import UserError
from clusterkg.kg.queries import load_queries
from clusterkg.kg.rdfio import QUAD_FORMATS, rdf_format
from clusterkg.kg.search.index import Results, SearchIndex, results_weight
from clusterkg.kg.store.answers import AnswerCache, volatile, weight
from clusterkg.kg.store.base import LimitExceeded, QueryResult, QuerySyntaxError, Serialized, Store

T = TypeVar("T")
INDEX_FILE = "index.sqlite"
LOCK_FILE = (
    "lock"  # held by the process that writes the store and index (a served store has several)
)
WRITES_FILE = (
    "writes"  # the store's write counter: "N" after write N, "N dirty" while write N+1 runs
)


class IndexedStore:
    """`store` with its search index (none for a remote store, which others may write to).

    Embedded: the index file lives beside the store; a write rebuilds it when stale or missing, a search
    that finds it so starts a rebuild in the background. Memory: the index lives in a temporary folder
    as long as this object, and is built at the first search (a write to a stale one leaves it stale).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.name = store.name
        self.answers: AnswerCache | None = None  # off until keep_answers (the server's)
        self._lock = (
            threading.Lock()
        )  # one write or rebuild at a time (with the lock file: _writing)
        self._starting = threading.Lock()  # one background rebuild at a time
        self._rebuilding: threading.Thread | None = None
        self._on_disk = store.name == "embedded"
        if store.name == "remote":
            self.index: SearchIndex | None = None
            return
        if store.name == "embedded":
            path: Path = store.path  # type: ignore[attr-defined]  # the embedded store's folder
            self.dir = path.parent / "search"
            self._identity = str(path.resolve().stat().st_ino)
        else:  # memory: lives as long as this object
            self.dir = Path(tempfile.mkdtemp(prefix="ckg-search-"))
            self._identity = "memory"
            weakref.finalize(self, shutil.rmtree, self.dir, True)
        self.dir.mkdir(parents=True, exist_ok=True)
        own = PACKAGED_QUERIES / "web"  # packaged (installed too), whatever queries_dir says
        queries = {f"web/{q.name}": q for q in load_queries(own, "search-index-*.rq")}
        self.index = SearchIndex(self.dir / INDEX_FILE, queries)

    # -- freshness -----------------------------------------------------------------------------------
    def state(self) -> str:
        """The store's state now: which store, and how many writes it has had (and whether one runs)."""
        counter = self.dir / WRITES_FILE
        writes = counter.read_text().strip() if counter.exists() else "0"
        return f"{self._identity}:{writes}"

    def fresh_index(self) -> SearchIndex | None:
        """The index if it holds the store as it is now; else None, and a rebuild starts in the background
        (the memory store's index is rebuilt at once)."""
        if self.index is None:
            return None
        if self.index.state() == self.state():
            return self.index
        if not self._on_disk:
            self.rebuild_index(stale_only=True)
            return self.index
        with self._starting:
            if self._rebuilding is None or not self._rebuilding.is_alive():
                self._rebuilding = threading.Thread(
                    target=self.rebuild_index, args=(True,), daemon=True
                )
                self._rebuilding.start()
        return None

    def search(
        self, query: str, chosen: Mapping[str, str], offset: int, limit: int
    ) -> Results | None:
        """The index's answer (`SearchIndex.search`), kept like the store's answers until the next write;
        None while the index is stale or missing (a rebuild has started)."""
        index = self.fresh_index()
        if index is None:
            return None
        return self.kept(
            ("search", query, tuple(sorted(chosen.items())), offset, limit),
            lambda: index.search(query, chosen, offset, limit),
            weigh=results_weight,
        )

    def rebuild_index(self, stale_only: bool = False) -> None:
        """Index the whole store again (`clusterkg search-index`); `stale_only`: unless another thread or
        process has brought the index up to date meanwhile."""
        if self.index is not None:
            with self._writing():
                if not (stale_only and self.index.state() == self.state()):
                    self.index.rebuild(self.store, self.state())

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write or rebuild at a time, among this process's threads and every process that writes
        into the same store (a `clusterkg ingest` handed to a running `serve`'s worker)."""
        with self._lock, open(self.dir / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    # -- writes --------------------------------------------------------------------------------------
    def load(self, dataset: Dataset) -> None:
        graphs = {URIRef(str(g.identifier)) for g in dataset.graphs() if len(g)}
        self._write(lambda: self.store.load(dataset), graphs)

    def load_file(self, path: Path, graph: URIRef) -> None:
        quads = rdf_format(path) in QUAD_FORMATS  # their graphs are known only once read: index all
        self._write(lambda: self.store.load_file(path, graph), None if quads else [graph])

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        self._write(lambda: self.store.replace_graph(graph, data), [graph])

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Graph]]) -> None:
        self._write(lambda: self.store.replace_graphs(graphs), [name for name, _ in graphs])

    def update(self, sparql: str, timeout: float | None = None) -> None:
        self._write(lambda: self.store.update(sparql, timeout), None)

    def clear(self) -> None:
        self._write(self.store.clear, None)

    def _write(self, write: Callable[[], None], graphs: Iterable[URIRef] | None) -> None:
        """Run `write`, then index `graphs` again (None: the whole store). While the write runs, the
        counter says so: a crash in between leaves the index stale, and so rebuilt, not wrong."""
        if self.index is None:
            write()
            return
        with self._writing():
            counter = self.dir / WRITES_FILE
            done = int(counter.read_text().split()[0]) if counter.exists() else 0
            was_fresh = self.index.state() == self.state()
            counter.write_text(f"{done} dirty")
            try:
                write()
            except (QuerySyntaxError, UserError, LimitExceeded):  # nothing was written
                counter.write_text(str(done))
                raise
            after = f"{self._identity}:{done + 1}"
            if was_fresh and graphs is not None:
                self.index.update(self.store, graphs, after)
            elif was_fresh or self._on_disk:
                self.index.rebuild(self.store, after)
            counter.write_text(str(done + 1))

    # -- reads: the store's own, kept until the next write once keep_answers is on ---------------------
    def keep_answers(self, budget: int) -> None:
        """Keep the answers to reads until the store's next write, `budget` bytes at most (the server's
        pages and endpoint); never for a remote store, which others may write to."""
        self.answers = AnswerCache(budget) if self.index is not None and budget > 0 else None

    def kept(
        self,
        key: tuple,
        compute: Callable[[], T],
        *,
        volatile: bool = False,
        weigh: Callable[[T], int] = weight,
    ) -> T:
        """The answer to a read (`key`): kept from an earlier one in the same store state, or computed
        (and kept if `weigh` gives it a weight of 0 or more). None is
        kept while a write runs (its state is `dirty`: what it changes shows at its end), nor the
        answer of a `volatile` query."""
        if self.answers is None or volatile:
            return compute()
        state = self.state()
        if state.endswith("dirty"):
            return compute()
        return self.answers.get(state, key, compute, weigh)

    def query(
        self, sparql: str, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        return self.kept(
            ("query", sparql, max_rows),
            lambda: self.store.query(sparql, timeout, max_rows),
            volatile=volatile(sparql),
        )

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Serialized:
        return self.kept(
            ("serialized", sparql, media_type, max_rows),
            lambda: self.store.query_serialized(sparql, media_type, timeout, max_rows),
            volatile=volatile(sparql),
        )

    def describe(self, iri: URIRef) -> Dataset:
        return self.store.describe(iri)

    def dump(self, path: Path, fmt: str = "trig") -> None:
        self.store.dump(path, fmt)

    def graphs(self) -> list[URIRef]:
        return list(self.kept(("graphs",), self.store.graphs))

    def count(self, graph: URIRef | None = None) -> int:
        return self.kept(("count", graph), lambda: self.store.count(graph))

    def close(self) -> None:
        if self.index is None:
            self.store.close()
            return
        with self._writing():  # after a rebuild under way
            self.store.close()

    def __getattr__(self, name: str):  # backend extras (the embedded store's pid, memory copy)
        return getattr(self.store, name)


def indexed(store: Store) -> IndexedStore:
    """`store` with its search index kept in step (itself if it already is); an embedded store's index
    lives in `search/` beside the store's folder."""
    return store if isinstance(store, IndexedStore) else IndexedStore(store)
