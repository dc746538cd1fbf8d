"""The memory backend: rdflib's in-memory Dataset (union default graph), for tests and tiny graphs."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import prepareQuery, prepareUpdate
from rdflib.term import Node

from kg.rdfio import read_dataset
from kg.store.base import QueryResult, QuerySyntaxError, StoreError
from kg.store.forked import run_forked
from kg.store.oxformats import PREFIX_MAP, dump_format
from kg.store.results import (
    graphs_of,
    plain,
    query_form,
    result_from_rdflib,
    serialize_result,
    to_ox,
)

Quad = tuple[Node, Node, Node, URIRef]


class MemoryStore:
    """An rdflib Dataset behind the store protocol. Queries with a time limit run in a forked child."""

    name = "memory"

    def __init__(self) -> None:
        self._dataset = Dataset(default_union=True)
        self._lock = threading.Lock()

    def load(self, dataset: Dataset) -> None:
        quads = _checked_quads(dataset)
        with self._lock:
            self._add(quads)

    def load_file(self, path: Path, graph: URIRef) -> None:
        self.load(read_dataset(path, graph))  # rdflib parses: this backend has no parser of its own

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        quads = _checked_quads_of_graph(graph, data)
        with self._lock:
            self._dataset.remove_graph(graph)
            self._add(quads)

    def replace_graphs(self, graphs: list[tuple[URIRef, Graph]]) -> None:
        checked = [(graph, _checked_quads_of_graph(graph, data)) for graph, data in graphs]
        with self._lock:
            for graph, quads in checked:
                self._dataset.remove_graph(graph)
                self._add(quads)

    def query(self, sparql: str, timeout: float | None = None) -> QueryResult:
        prepared = _prepare(sparql)
        form = query_form(sparql)

        def evaluate() -> QueryResult:
            try:
                return result_from_rdflib(self._dataset.query(prepared), form)
            except StoreError:
                raise
            except Exception as error:  # noqa: BLE001 - rdflib raises bare Exceptions when evaluating
                raise StoreError(f"query failed: {type(error).__name__}: {error}") from None

        if timeout is None:
            with self._lock:
                return evaluate()
        return run_forked(evaluate, timeout, self._lock)

    def query_serialized(self, sparql: str, media_type: str, timeout: float | None = None) -> bytes:
        return serialize_result(self.query(sparql, timeout), media_type)

    def update(self, sparql: str) -> None:
        try:
            prepared = prepareUpdate(sparql)
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
        return prepareQuery(sparql)
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
