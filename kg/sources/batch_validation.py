"""Validate an ingest batch as part of the store it will join: its blank nodes named so they can be focus
nodes, and the store seen as it will be after the write; `kg.validate.validate_focus` does the rest."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef

from clusterkg.kg.config import PACKAGED_QUERIES, Settings
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.reconcile.merge import statements_elsewhere
from clusterkg.kg.sources.registry import graph_content
from clusterkg.kg.store.base import QueryResult, Store
from clusterkg.kg.store.oxgraph import OxGraph
from clusterkg.kg.validate import (
    ValidationReport,
    ValidationResult,
    load_checks,
    load_shapes,
    neighbourhood,
    validate_around,
    validate_focus,
)


@dataclass(frozen=True)
class BatchValidation:
    """The report on a batch, and the neighbourhood it was validated in (the store as it will be)."""

    report: ValidationReport
    around: Graph


def validate_batch(
    batch: Graph,
    store: Store,
    graph_iri: URIRef,
    settings: Settings,
    focus: Collection[URIRef] | None = None,
    existing: Collection[URIRef] = (),
) -> BatchValidation:
    """SHACL shapes and violation queries on every node of the batch, blank nodes (quotes) included, seen
    in their neighbourhood in the store as it will be after the write, against the ontology files; the
    rest of the store is not re-validated, so the cost follows the batch. `focus` narrows the nodes
    validated (a merge re-validates the study it changed, not the whole graph it rewrote). `existing` are
    resources the batch adds to (studies merged into): a result about one of them that the store already
    has without the batch is not the batch's doing and is left out (those the report names are
    validated again without the batch, to tell)."""
    named = name_blank_nodes(batch)
    shapes = load_shapes(settings.ontology_dir, settings.shapes_extensions)
    ontology = load_ontology(settings.ontology_dir, settings.ontology_extensions)
    checks = load_checks(settings.queries_dir / "checks", settings.checks_extensions)
    nodes = sorted(
        {s for s in named.subjects() if isinstance(s, URIRef)} if focus is None else set(focus)
    )
    view = StoreWithBatch(store, graph_iri, named)
    around = neighbourhood(lambda q: view.query(q).graph, nodes)
    report = validate_around(around, nodes, shapes, ontology, checks)
    flagged = sorted({r.focus_node for r in report.results} & set(existing))
    if not flagged:
        return BatchValidation(report, around)
    before = validate_focus(
        StoreWithBatch(store, graph_iri, Graph()), flagged, shapes, ontology, checks
    )
    known = {_key(r) for r in before.results}
    report = ValidationReport(
        [r for r in report.results if not (r.focus_node in existing and _key(r) in known)],
        report.parts,
    )
    return BatchValidation(report, around)


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
    graph but `graph_iri` (and those in `skip`, the inferred graph), plus the new batch. Each CONSTRUCT
    runs on both (the batch copied into Oxigraph in memory) and the answers are merged.

    The store is always asked through its union graph, where Oxigraph uses its indexes; what only the
    left-out graphs state is then subtracted triple by triple. Those triples are found once, by looking
    up every subject of the left-out graphs in the other graphs (`queries/reconcile/record-statements.rq`,
    VALUES then `GRAPH ?g`). Wrapping each query in `GRAPH ?g { ... } FILTER(?g NOT IN (...))` instead
    made Oxigraph scan every graph: seconds per lookup at 1M triples instead of milliseconds.
    """

    def __init__(
        self, store: Store, graph_iri: URIRef, batch: Graph, skip: Sequence[URIRef] = ()
    ) -> None:
        self._store, self._batch = store, OxGraph(batch)
        self._only_left_out = _only_in(store, (graph_iri, *skip))

    def query(self, sparql: str) -> QueryResult:
        merged = Graph()
        merged += self._store.query(sparql).graph or Graph()
        merged -= self._only_left_out
        merged += self._batch.query(sparql).graph or Graph()
        return QueryResult("CONSTRUCT", graph=merged)


def _only_in(store: Store, graphs: Sequence[URIRef]) -> Graph:
    """The triples of `graphs` that no other named graph of `store` holds."""
    held = Graph()
    for graph in graphs:
        held += graph_content(store, graph)
    subjects = {s for s in held.subjects() if isinstance(s, URIRef)}
    elsewhere = statements_elsewhere(store, PACKAGED_QUERIES, subjects, set(graphs))
    only = Graph()
    for s, p, o in held:
        if not isinstance(s, URIRef) or o not in elsewhere.get(s, {}).get(p, ()):
            only.add((s, p, o))
    return only
