"""What lint reads, as one dataset: a named graph per role (ontology, shapes, data, queries), with the files
each came from kept for locating findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from clusterkg.kg.errors import display_path
from clusterkg.kg.namespaces import CKGRAPH, bind_all
from clusterkg.kg.rdfio import read_text
from clusterkg.kg.sparql_tokens import Token, code_tokens, iri_of, prologue
from clusterkg.kg.turtle_lines import SourceMap

ROLES = ("ontology", "shapes", "data", "queries")


def role_graph(role: str) -> URIRef:
    """The named graph of one role: `ckgraph:lint/ontology`, ..."""
    return CKGRAPH[f"lint/{role}"]


@dataclass
class LintInput:
    """The ontology and shape files (located), the meta-shapes, the data, and the query files."""

    ontology: SourceMap
    shapes: SourceMap
    meta_shapes: Graph
    data: Graph
    queries: list[Path]

    def dataset(self) -> Dataset:
        """One dataset, a named graph per role; `queries` holds each reference a query file makes to an
        IRI, as `<file:…#Lline> dcterms:references <iri>` with the place as its label."""
        dataset = Dataset()
        bind_all(dataset)
        graphs = {
            "ontology": self.ontology.graph(),
            "shapes": self.shapes.graph(),
            "data": self.data,
            "queries": query_references(self.queries),
        }
        for role, graph in graphs.items():
            named = dataset.graph(role_graph(role))
            named += graph
        return dataset


def query_references(paths: Iterable[Path]) -> Graph:
    """Every IRI each query file names (written `<…>` or `prefix:name`), at its line."""
    graph = Graph()
    for path in paths:
        text = read_text(path, "query file")
        tokens = list(code_tokens(text))
        base, prefixes = prologue(tokens)
        for i, token in enumerate(tokens):
            if token.kind not in ("iri", "pname") or _declares(tokens, i):
                continue
            iri = iri_of(token, base, prefixes)
            if iri is None:
                continue
            line = text.count("\n", 0, token.start) + 1
            place = URIRef(f"{path.resolve().as_uri()}#L{line}")
            graph.add((place, DCTERMS.references, URIRef(iri)))
            graph.add((place, RDFS.label, Literal(f"{display_path(path)}:{line}")))
    return graph


def _declares(tokens: list[Token], i: int) -> bool:
    """Whether token `i` is the name or namespace IRI of a PREFIX/BASE declaration."""
    return any(tokens[j].keyword in ("PREFIX", "BASE") for j in range(max(0, i - 2), i))
