"""Validate an ingest batch as part of the store it will join: its blank nodes named so they can be focus
nodes, and the store seen as it will be after the write; `kg.validate.validate_focus` does the rest."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef

from kg.config import Settings
from kg.ontology import load_ontology
from kg.sparql_tokens import where_group
from kg.store.base import QueryResult, Store
from kg.validate import ValidationReport, load_checks, load_shapes, validate_focus


def validate_batch(
    batch: Graph, store: Store, graph_iri: URIRef, settings: Settings
) -> ValidationReport:
    """SHACL shapes and violation queries on every node of the batch, blank nodes (quotes) included, seen
    in their neighbourhood in the store as it will be after the write, against the ontology files; the
    rest of the store is not re-validated, so the cost follows the batch."""
    named = name_blank_nodes(batch)
    return validate_focus(
        StoreWithBatch(store, graph_iri, named),
        sorted({s for s in named.subjects() if isinstance(s, URIRef)}),
        load_shapes(settings.ontology_dir),
        load_ontology(settings.ontology_dir),
        load_checks(settings.queries_dir / "checks"),
    )


def name_blank_nodes(graph: Graph) -> Graph:
    """A copy of `graph` with each blank node replaced by an IRI that says how it is reached from a
    resource, e.g. <urn:x-blank:https://w3id.org/.../claim/x#hasQuote/hasSelector>: the validator can then
    focus on it (pyshacl takes only IRIs as focus nodes) and its messages say where the node is."""
    names: dict[BNode, URIRef] = {}
    used: set[str] = set()

    def name(node: BNode, base: str) -> URIRef:
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        names[node] = URIRef(candidate)
        return names[node]

    roots = sorted({s for s in graph.subjects() if isinstance(s, URIRef)})
    todo = [(root, f"urn:x-blank:{root}#") for root in roots]
    while todo:
        node, path = todo.pop()
        for p, o in sorted(graph.predicate_objects(node)):
            if isinstance(o, BNode) and o not in names:
                local = str(p).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                todo.append((o, f"{name(o, path + local)}/"))
    for orphan in sorted({n for n in graph.all_nodes() if isinstance(n, BNode)} - set(names)):
        name(orphan, f"urn:x-blank:{orphan}")
    named = Graph()
    for s, p, o in graph:
        named.add((names.get(s, s), p, names.get(o, o)))  # type: ignore[arg-type]
    return named


class StoreWithBatch:
    """The store as it will be after the write, for the validator's neighbourhood queries: every named
    graph but `graph_iri`, plus the new batch. Each CONSTRUCT runs on both and the answers are merged."""

    def __init__(self, store: Store, graph_iri: URIRef, batch: Graph) -> None:
        self._store, self._graph_iri, self._batch = store, graph_iri, batch

    def query(self, sparql: str) -> QueryResult:
        merged = Graph()
        merged += self._store.query(_outside_graph(sparql, self._graph_iri)).graph or Graph()
        merged += self._batch.query(sparql).graph
        return QueryResult("CONSTRUCT", graph=merged)


def _outside_graph(sparql: str, graph_iri: URIRef) -> str:
    """Rewrite `CONSTRUCT {...} WHERE { P }` so that P matches within any one named graph but `graph_iri`
    (the WHERE group found by the SPARQL tokenizer)."""
    group = where_group(sparql)
    if group is None:
        raise ValueError(f"expected a CONSTRUCT ... WHERE {{ ... }} query, got: {sparql[:80]!r}")
    start, end = group
    return (
        f"{sparql[:start]} GRAPH ?ingest_graph {{ {sparql[start:end]} }} "
        f"FILTER(?ingest_graph != {graph_iri.n3()}) {sparql[end:]}"
    )
