"""Where a Turtle file states a term or a triple: the files are parsed one by one into one graph (blank
nodes kept), and each triple is traced back to its file and the line that states it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from clusterkg.kg.namespaces import bind_all
from clusterkg.kg.rdfio import parse_graph, read_text

Triple = tuple[object, object, object]
_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


@dataclass
class SourceFile:
    """One parsed file: its graph, its lines, its prefixes, and where each statement block starts."""

    path: Path
    graph: Graph
    lines: list[str]
    prefixes: dict[str, str]
    starts: list[int]  # 0-based line numbers where a statement starts (at column 0)

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        text = read_text(path, "RDF file")
        lines = text.splitlines()
        prefixes = {m.group(1): m.group(2) for m in map(_PREFIX.match, lines) if m}
        starts = [
            i
            for i, line in enumerate(lines)
            if line[:1] not in ("", " ", "\t", "#", ")", "]") and not _PREFIX.match(line)
        ]
        return cls(path, parse_graph(path), lines, prefixes, starts)

    def spellings(self, term: object) -> list[str]:
        """How `term` may be written in this file: `<iri>`, `prefix:local`, `a` for rdf:type, a literal's text."""
        if isinstance(term, Literal):
            return [str(term)[:40]] if str(term) else []
        if not isinstance(term, URIRef):
            return []
        found = [f"<{term}>"]
        found += [
            f"{p}:{term[len(ns) :]}".replace("/", "\\/")
            for p, ns in self.prefixes.items()
            if term.startswith(ns)
        ]
        return found + (["a"] if term == RDF.type else [])

    def line_of(self, triple: Triple) -> int:
        """The 1-based line stating `triple`: in a block of its subject (or of the named node or axiom
        its blank node hangs from), the first line naming its object, else its predicate."""
        blocks = self._blocks(triple) or [(0, len(self.lines))]
        _, p, o = triple
        for wanted in (o, p):
            for start, end in blocks:
                for i in range(start, end):
                    if any(_written(name, self.lines[i]) for name in self.spellings(wanted)):
                        return i + 1
        return blocks[0][0] + 1

    def _blocks(self, triple: Triple) -> list[tuple[int, int]]:
        """The statement blocks that may state `triple`, most likely first."""
        subject = _root(self.graph, triple[0])
        blocks = list(zip(self.starts, [*self.starts[1:], len(self.lines)]))
        if isinstance(subject, URIRef):
            names = self.spellings(subject)
            return [
                (start, end)
                for start, end in blocks
                if any(_written(n, self.lines[start].split()[0]) for n in names)
            ]
        named = _names_below(self.graph, subject)
        scored = [
            (
                sum(
                    any(_written(n, "\n".join(self.lines[s:e])) for n in self.spellings(t))
                    for t in named
                ),
                s,
                e,
            )
            for s, e in blocks
        ]
        best = max(scored, default=None)
        return [(best[1], best[2])] if best and best[0] else []


@dataclass
class SourceMap:
    """Several RDF files merged into one graph, each triple traceable to the file and line stating it."""

    files: list[SourceFile] = field(default_factory=list)

    @classmethod
    def read(cls, paths: Iterable[Path]) -> SourceMap:
        return cls([SourceFile.read(path) for path in paths])

    def graph(self) -> Graph:
        merged = Graph()
        bind_all(merged)
        for source in self.files:
            merged += source.graph
        return merged

    def where(self, triple: Triple) -> tuple[Path, int] | None:
        """The file and line of the first file stating `triple`."""
        for source in self.files:
            if triple in source.graph:
                return source.path, source.line_of(triple)
        return None

    def declared_at(self, term: URIRef) -> tuple[Path, int] | None:
        """Where `term` is declared (given an rdf:type), else where it is first described."""
        for predicate in (RDF.type, None):
            for source in self.files:
                for triple in source.graph.triples((term, predicate, None)):
                    return source.path, source.line_of(triple)
        return None


def _written(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w:<-]){re.escape(name)}(?![\w-])", text) is not None


def _root(graph: Graph, node: object) -> object:
    """The named node (or top blank node) a blank node hangs from."""
    seen: set[object] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parent = next(graph.subjects(None, node), None)
        if parent is None:
            return node
        node = parent
    return node


def _names_below(graph: Graph, node: object, depth: int = 6) -> Sequence[URIRef]:
    """The IRIs in a blank node's description (list members and restriction values included)."""
    names: list[URIRef] = []
    frontier = [node]
    for _ in range(depth):
        nxt = []
        for current in frontier:
            for _, value in graph.predicate_objects(current):
                if isinstance(value, BNode):
                    nxt.append(value)
                elif isinstance(value, URIRef) and value != RDF.nil:
                    names.append(value)
        frontier = nxt
    return names
