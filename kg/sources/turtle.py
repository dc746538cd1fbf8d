"""Turtle ingester: a hand-written Turtle file taken as it is; its records are the resources it describes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from rdflib import Graph, URIRef

from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.sources.base import new_graph


class TurtleSource:
    """A .ttl file; its records are the IRIs it states something about, in sorted order."""

    kind: ClassVar[str] = "turtle"
    suffixes: ClassVar[tuple[str, ...]] = (".ttl",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def iter_records(self) -> Iterator[URIRef]:
        yield from sorted({s for s in self.to_graph().subjects() if isinstance(s, URIRef)})

    def to_graph(self) -> Graph:
        graph = new_graph()
        graph += parse_graph(self.path, "turtle")
        return graph
