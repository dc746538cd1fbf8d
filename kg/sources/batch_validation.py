"""Validate an ingest batch as part of the store it will join: its blank nodes named so they can be focus
nodes, and the store seen as it will be after the write; `kg.validate.validate_focus` does the rest."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rdflib import BNode, Graph, URIRef

from kg.config import Settings
from kg.ontology import load_ontology
from kg.queries import own_query
from kg.sparql_tokens import where_group
from kg.store.base import QueryResult, Store
from kg.validate import (
    ValidationReport,
    ValidationResult,
    load_checks,
    load_shapes,
    validate_focus,
)


def validate_batch(
    batch: Graph,
    store: Store,
    graph_iri: URIRef,
    settings: Settings,
    focus: Collection[URIRef] | None = None,
    existing: Collection[URIRef] = (),
) -> ValidationReport:
    """SHACL shapes and violation queries on every node of the batch, blank nodes (quotes) included, seen
    in their neighbourhood in the store as it will be after the write, against the ontology files; the
    rest of the store is not re-validated, so the cost follows the batch. `focus` narrows the nodes
    validated (a merge re-validates the study it changed, not the whole graph it rewrote). `existing` are
    resources the batch adds to (studies merged into): a result about one of them that the store already
    has without the batch is not the batch's doing and is left out."""
    named = name_blank_nodes(batch)
    shapes = load_shapes(settings.ontology_dir, settings.shapes_extensions)
    ontology = load_ontology(settings.ontology_dir, settings.ontology_extensions)
    checks = load_checks(settings.queries_dir / "checks", settings.checks_extensions)
    nodes = {s for s in named.subjects() if isinstance(s, URIRef)} if focus is None else set(focus)
    report = validate_focus(
        StoreWithBatch(store, graph_iri, named), sorted(nodes), shapes, ontology, checks
    )
    if not existing:
        return report
    before = validate_focus(
        StoreWithBatch(store, graph_iri, Graph()), sorted(existing), shapes, ontology, checks
    )
    known = {_key(r) for r in before.results}
    return ValidationReport(
        [r for r in report.results if not (r.focus_node in existing and _key(r) in known)],
        report.parts,
    )


def _key(result: ValidationResult) -> tuple:
    return (
        result.focus_node,
        result.path,
        result.value,
        result.constraint,
        result.shape,
        result.message,
        result.source,
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
    graph but `graph_iri` (and those in `skip`), plus the new batch. Each CONSTRUCT runs on both and the
    answers are merged.

    A new graph (the usual ingest) is looked up in the union graph as it is: Oxigraph then uses its
    indexes. Only when `graph_iri` already holds triples (a re-ingest, a merge, a removal) is each query
    wrapped in `GRAPH ?g { ... } FILTER(?g NOT IN (...))`, about 20x slower at 1M triples. The graphs in
    `skip` (the inferred graph: derived, never asserted elsewhere) are subtracted triple by triple.
    """

    def __init__(
        self, store: Store, graph_iri: URIRef, batch: Graph, skip: Sequence[URIRef] = ()
    ) -> None:
        self._store, self._graph_iri, self._batch = store, graph_iri, batch
        self._skip = tuple(skip)
        self._replacing = bool(
            store.query(own_query("graph-holds-data").bind({"graph": graph_iri})).boolean
        )
        self._skipped = Graph()
        for graph in self._skip:
            self._skipped += (
                store.query(own_query("graph-triples").bind({"graph": graph})).graph or Graph()
            )

    def query(self, sparql: str) -> QueryResult:
        merged = Graph()
        if self._replacing:
            merged += (
                self._store.query(_outside_graphs(sparql, (self._graph_iri, *self._skip))).graph
                or Graph()
            )
        else:
            merged += self._store.query(sparql).graph or Graph()
            merged -= self._skipped
        merged += self._batch.query(sparql).graph
        return QueryResult("CONSTRUCT", graph=merged)


def _outside_graphs(sparql: str, graphs: Sequence[URIRef]) -> str:
    """Rewrite `CONSTRUCT {...} WHERE { P }` so that P matches within any one named graph but `graphs`
    (the WHERE group found by the SPARQL tokenizer)."""
    group = where_group(sparql)
    if group is None:
        raise ValueError(f"expected a CONSTRUCT ... WHERE {{ ... }} query, got: {sparql[:80]!r}")
    start, end = group
    names = ", ".join(g.n3() for g in graphs)
    return (
        f"{sparql[:start]} GRAPH ?ingest_graph {{ {sparql[start:end]} }} "
        f"FILTER(?ingest_graph NOT IN ({names})) {sparql[end:]}"
    )
