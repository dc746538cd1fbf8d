"""The memory backend: rdflib's in-memory Dataset (union default graph), for tests and tiny graphs.

A query's FROM/FROM NAMED define its dataset (rdflib honours them, and never fetches: see
kg.sparql_safety.disable_rdflib_fetching); an update's WHERE sees the union, as a query does.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from clusterkg.kg.rdfio import read_dataset
from clusterkg.kg.sparql_parser import parser_held, prepare_query, prepare_update
from clusterkg.kg.sparql_safety import disable_rdflib_fetching
from clusterkg.kg.store.base import Limits, QueryResult, QuerySyntaxError, Serialized, StoreError
from clusterkg.kg.store.forked import run_forked
from clusterkg.kg.store.oxformats import PREFIX_MAP, dump_format
from clusterkg.kg.store.results import (
    graphs_of,
    plain,
    query_form,
    result_from_rdflib,
    serialize_result,
    to_ox,
)

Quad = tuple[Node, Node, Node, URIRef]
_TOO_DEEP = "the query is nested too deeply for rdflib, the memory store's engine"


class MemoryStore:
    """An rdflib Dataset behind the store protocol. Queries with a time limit run in a forked child, under
    the memory limit of `limits`; updates are not limited (rdflib changes the data in place)."""

    name = "memory"

    def __init__(self, limits: Limits | None = None) -> None:
        disable_rdflib_fetching()  # FROM and USING name graphs of the store, never files or URLs
        self._dataset = Dataset(default_union=True)
        self._lock = threading.Lock()
        self._limits = limits or Limits()
        # held while forking a query's child: no write and no rdflib parse is half-way through
        self._fork_guard = _Held(self._lock, parser_held())

    def load(self, dataset: Dataset) -> None:
        quads = _checked_quads(dataset)
        with self._lock:
            self._add(quads)

    def load_file(self, path: Path, graph: URIRef) -> None:
        self.load(read_dataset(path, graph))  # rdflib parses: this backend has no parser of its own

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        self.replace_graphs([(graph, data)])

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Graph]]) -> None:
        quads = [quad for name, data in graphs for quad in _checked_quads_of_graph(name, data)]
        with self._lock:
            for name, _ in graphs:
                self._dataset.remove_graph(name)
            self._add(quads)

    def query(
        self, sparql: str, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        """Parse and evaluate; with a time limit both happen in a forked child, so parsing counts
        against the limit and the server's own copy of rdflib's parser is never entered."""
        form = query_form(sparql)

        def evaluate() -> QueryResult:
            prepared = _prepare(sparql)
            try:
                return result_from_rdflib(self._dataset.query(prepared), form, max_rows)
            except RecursionError:
                raise QuerySyntaxError(_TOO_DEEP) from None
            except (StoreError, MemoryError):  # a MemoryError past the memory limit: run_forked's
                raise
            except Exception as error:  # noqa: BLE001 - rdflib raises bare Exceptions when evaluating
                raise StoreError(f"query failed: {type(error).__name__}: {error}") from None

        if timeout is None:
            with self._lock:
                return evaluate()
        return run_forked(evaluate, timeout, self._fork_guard, self._limits.query_memory)

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Serialized:
        """rdflib's answer written by the pyoxigraph serialisers (one row past `max_rows` is read to
        tell whether rows were left)."""
        result = self.query(sparql, timeout, None if max_rows is None else max_rows + 1)
        cut = max_rows is not None and len(result.rows) > max_rows
        if cut:
            del result.rows[max_rows:]
        return Serialized(serialize_result(result, media_type), cut)

    def update(self, sparql: str, timeout: float | None = None) -> None:
        try:
            prepared = prepare_update(sparql)
        except RecursionError:
            raise QuerySyntaxError(_TOO_DEEP) from None
        except Exception as error:  # noqa: BLE001 - pyparsing errors and rdflib's bare Exceptions
            raise QuerySyntaxError(_one_line(error)) from None
        with self._lock:
            try:
                self._dataset.update(prepared)
            except Exception as error:  # noqa: BLE001 - rdflib raises bare Exceptions when updating
                raise StoreError(f"update failed: {_one_line(error)}") from None

    def describe(self, iri: URIRef) -> Dataset:
        to_ox(iri)  # an invalid IRI is an error here as on the other backends
        result = Dataset(default_union=True)
        with self._lock:
            for s, p, o, g in [
                *self._dataset.quads((iri, None, None, None)),
                *self._dataset.quads((None, None, iri, None)),
            ]:
                result.graph(g or DATASET_DEFAULT_GRAPH_ID).add((s, p, o))
        return result

    def dump(self, path: Path, fmt: str = "trig") -> None:
        rdf_format = dump_format(fmt)
        with self._lock:
            quads = [
                ox.Quad(
                    to_ox(s),
                    to_ox(p),
                    to_ox(o),
                    ox.DefaultGraph() if g in (None, DATASET_DEFAULT_GRAPH_ID) else to_ox(g),
                )
                for s, p, o, g in sorted(
                    self._dataset.quads((None, None, None, None)),
                    key=lambda q: (str(q[3]), str(q[0])),
                )
            ]
        tmp = path.with_name(path.name + ".part")
        ox.serialize(quads, str(tmp), format=rdf_format, prefixes=PREFIX_MAP)
        tmp.replace(path)

    def graphs(self) -> list[URIRef]:
        with self._lock:
            return sorted(
                g.identifier
                for g in self._dataset.graphs()
                if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g) > 0
            )

    def count(self, graph: URIRef | None = None) -> int:
        with self._lock:
            if graph is None:
                return sum(1 for _ in self._dataset.quads((None, None, None, None)))
            return len(self._dataset.graph(graph))

    def clear(self) -> None:
        with self._lock:
            self._dataset = Dataset(default_union=True)

    def close(self) -> None:
        """Nothing to release: the data lives in this process."""

    def _add(self, quads: list[Quad]) -> None:
        self._dataset.addN((s, p, o, self._dataset.graph(g)) for s, p, o, g in quads)


def _prepare(sparql: str):
    try:
        return prepare_query(sparql)
    except RecursionError:
        raise QuerySyntaxError(_TOO_DEEP) from None
    except Exception as error:  # noqa: BLE001 - pyparsing errors and rdflib's bare Exceptions
        raise QuerySyntaxError(_one_line(error)) from None


def _one_line(error: Exception) -> str:
    """The parser's message on one line, led by `line L, column C:` when the parser knows them."""
    if hasattr(error, "lineno") and hasattr(error, "col") and hasattr(error, "msg"):
        return f"line {error.lineno}, column {error.col}: {error.msg}, found {error.found}"
    return " ".join(str(error).split())


def _checked_quads(dataset: Dataset) -> list[Quad]:
    """Every quad of `dataset`, normalised, after checking each term is valid RDF (so adding cannot fail)."""
    return [
        quad
        for name, g in graphs_of(dataset)
        for quad in _checked_quads_of_graph(name or DATASET_DEFAULT_GRAPH_ID, g)
    ]


def _checked_quads_of_graph(name: URIRef, graph: Graph) -> list[Quad]:
    quads = []
    for s, p, o in graph:
        for term in (s, p, o):
            to_ox(term)  # raises StoreError for an invalid IRI, blank node label or language tag
        quads.append((s, p, plain(o), name))
    if name != DATASET_DEFAULT_GRAPH_ID:
        to_ox(name)
    return quads


class _Held:
    """Several locks entered together, always in the same order; reusable, and safe for many threads."""

    def __init__(self, *locks: threading.Lock) -> None:
        self._locks = locks

    def __enter__(self) -> None:
        for lock in self._locks:
            lock.acquire()

    def __exit__(self, *exc: object) -> None:
        for lock in reversed(self._locks):
            lock.release()
