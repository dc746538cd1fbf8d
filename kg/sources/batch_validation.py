"""Validate an ingest batch as part of the store it will join: the batch's nodes, blank nodes included,
in their neighbourhood in the store as it will be after the write, with nothing else re-validated."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from kg.config import Settings
from kg.namespaces import SH
from kg.ontology import load_ontology
from kg.store.base import QueryResult, Store
from kg.validate import ValidationReport, load_checks, load_shapes, neighbourhood, validate


def validate_batch(
    batch: Graph, store: Store, graph_iri: URIRef, settings: Settings
) -> ValidationReport:
    """SHACL shapes and violation queries on every node of the batch, blank nodes (quotes) included, seen
    in their neighbourhood in the store as it will be after the write; the rest of the store is not
    re-validated, so the cost follows the batch."""
    named = name_blank_nodes(batch)
    focus = {s for s in named.subjects() if isinstance(s, URIRef)}
    view = StoreWithBatch(store, graph_iri, named)
    # The whole neighbourhood is validated and only the batch's results are kept: pyshacl's focus_nodes
    # option also skips the nested shapes (sh:or, sh:qualifiedValueShape) of value nodes outside the
    # focus list, which lets wrong values pass.
    report = validate(
        neighbourhood(lambda q: view.query(q).graph, sorted(focus)),
        load_shapes(settings.ontology_dir).data,
        load_ontology(settings.ontology_dir),
        load_checks(settings.queries_dir / "checks"),
    )
    return _only_about(report, focus)


def _only_about(report: ValidationReport, focus: set[URIRef]) -> ValidationReport:
    """The results of `report` whose focus node is in `focus`, with their part of the results graph."""
    graph = Graph()
    graph += report.graph
    for result in set(graph.subjects(RDF.type, SH.ValidationResult)):
        if graph.value(result, SH.focusNode) not in focus:
            graph.remove((None, SH.result, result))
            graph.remove((result, None, None))
    return ValidationReport([r for r in report.results if r.focus_node in focus], graph)


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
    """Rewrite `CONSTRUCT {...} WHERE { P }` so that P matches within any one named graph but `graph_iri`."""
    head, where, body = sparql.partition("WHERE {")
    end = body.rfind("}")
    if not where or end < 0:
        raise ValueError(f"expected a CONSTRUCT ... WHERE {{ ... }} query, got: {sparql[:80]!r}")
    return (
        f"{head}WHERE {{ GRAPH ?ingest_graph {{ {body[:end]} }} "
        f"FILTER(?ingest_graph != {graph_iri.n3()}) }}"
    )
