"""The store protocol: the one interface through which the CLI, validator, web app and tests reach a backend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, Self, runtime_checkable

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


class StoreError(Exception):
    """A backend failed in a way the user can act on (unreachable server, bad query, bad data)."""


class QuerySyntaxError(StoreError):
    """The SPARQL text does not parse; the message carries the parser's words."""


class LimitExceeded(StoreError):
    """A limited query or update went past a limit and was stopped; a stopped update changed nothing."""


class QueryTimeout(LimitExceeded):
    """A query (or update) ran past its time limit and was stopped."""


class MemoryLimit(LimitExceeded):
    """A query (or update) needed more memory than its limit and was stopped."""


@dataclass(frozen=True)
class Limits:
    """What one limited request (a query or update with a time limit: the server's) may take.

    Memory in bytes; None: no memory limit. The CLI's own requests are not limited.
    """

    query_memory: int | None = None  # what one query's evaluation may allocate
    # limited queries evaluated at once; the others wait for a turn within their time limit
    parallel_queries: int = 4
    update_memory: int | None = None  # how much a limited update may grow the store's process


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


class Serialized(bytes):
    """A query's answer written in a media type; `cut` when `max_rows` stopped a SELECT answer while
    rows were left."""

    cut: bool

    def __new__(cls, body: bytes, cut: bool = False) -> Self:
        answer = super().__new__(cls, body)
        answer.cut = cut
        return answer


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

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Graph]]) -> None:
        """Replace several named graphs in one transaction: all of them, or (on any error, or a crash
        half-way) none."""

    def query(
        self, sparql: str, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query; raise QuerySyntaxError / LimitExceeded / StoreError.

        With `timeout` (seconds) the query is limited: stopped at that time, and at the store's memory
        limit. `max_rows`: a SELECT answer stops after that many rows, inside the engine."""

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Serialized:
        """Evaluate a query and serialise its answer in `media_type` (SPARQL results or RDF): the one
        writer of answers, for the CLI, the endpoint and the downloads. `timeout` as for `query`;
        `max_rows`: a SELECT answer stops after that many rows, inside the engine, and says whether
        rows were left (`.cut`)."""

    def update(self, sparql: str, timeout: float | None = None) -> None:
        """Apply a SPARQL 1.1 Update, one transaction. With `timeout` it is limited (time, and the
        store's update memory limit): stopped, it changes nothing and raises LimitExceeded."""

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
