"""The store protocol: the one interface through which the CLI, validator, web app and tests reach a backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


class StoreError(Exception):
    """A backend failed in a way the user can act on (unreachable server, bad query, bad data)."""


class QuerySyntaxError(StoreError):
    """The SPARQL text does not parse; the message carries the parser's words."""


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped."""


@dataclass
class QueryResult:
    """A query answer in rdflib terms, the same shape for every backend.

    SELECT: `variables` and `rows` (one dict per solution, unbound variables absent).
    ASK: `boolean`. CONSTRUCT/DESCRIBE: `graph`.
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


@runtime_checkable
class Store(Protocol):
    """What every backend offers. The default graph of a query is the union of all named graphs."""

    name: str

    def load(self, dataset: Dataset) -> None:
        """Add every quad of `dataset` (named graphs kept), all or nothing."""

    def load_file(self, path: Path, graph: URIRef) -> None:
        """Add the quads of an RDF file, all or nothing: TriG and N-Quads keep their named graphs, the
        file's default graph (or every triple of a triple format) goes into `graph`. A syntax error
        is a UserError naming file, line and cause."""

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        """Replace the content of named graph `graph` by `data` atomically."""

    def replace_graphs(self, graphs: list[tuple[URIRef, Graph]]) -> None:
        """Replace several named graphs at once, all or nothing (an empty graph removes that graph)."""

    def query(self, sparql: str, timeout: float | None = None) -> QueryResult:
        """Evaluate a SPARQL 1.1 query; raise QuerySyntaxError / QueryTimeout / StoreError."""

    def query_serialized(self, sparql: str, media_type: str, timeout: float | None = None) -> bytes:
        """Evaluate a query and serialise its answer in `media_type` (SPARQL results or RDF)."""

    def update(self, sparql: str) -> None:
        """Apply a SPARQL 1.1 Update."""

    def describe(self, iri: URIRef) -> Dataset:
        """Every quad in which `iri` is subject or object, with its named graph."""

    def dump(self, path: Path, fmt: str = "trig") -> None:
        """Write the whole store (named graphs kept) to `path` as TriG or N-Quads."""

    def graphs(self) -> list[URIRef]:
        """The names of the named graphs that hold at least one triple."""

    def count(self, graph: URIRef | None = None) -> int:
        """Number of quads in the store, or triples in one named graph."""

    def clear(self) -> None:
        """Remove everything."""

    def close(self) -> None:
        """Release files, connections and locks."""


def is_empty(store: Store) -> bool:
    """Whether `store` holds no triple: one ASK, where `count()` scans every quad (Oxigraph's len)."""
    return not store.query("ASK { ?s ?p ?o }").boolean
