"""A reviewer's decision on a candidate: accept merges the incoming record into the canonical study (its
source graph rewritten, checked, reasoned, written at once with the decision); reject records the decision
so that the pair is not proposed again."""

from __future__ import annotations

from rdflib import URIRef

from clusterkg.kg.config import PACKAGED_QUERIES, Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, INFERRED_GRAPH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.reconcile.decisions import (
    Reconciliation,
    describe,
    find_reconciliation,
    reconciliation_iri,
)
from clusterkg.kg.reconcile.merge import merge_records
from clusterkg.kg.reconcile.rules import Match
from clusterkg.kg.sources.batch_validation import validate_batch
from clusterkg.kg.sources.inference import inferred_after
from clusterkg.kg.sources.registry import graph_content
from clusterkg.kg.store.base import Store


def decide(
    store: Store, settings: Settings, rid: str, accept: bool, who: str, note: str = ""
) -> Reconciliation:
    """Accept or reject the pending candidate `rid`; the store changes in one write or not at all.

    Raises UserError for an unknown id, a decision already taken, a dangling candidate, or a merge the
    shapes refuse (the report's first lines)."""
    found = find_reconciliation(store, PACKAGED_QUERIES, rid)
    if found.status != "pending":
        raise UserError(f"reconciliation {found.id} is already {found.status}: nothing to do")
    match = Match(
        found.incoming, found.canonical, found.rule, tuple(found.fields), found.similarity
    )
    decision = describe(match, found.source, CKG.Accepted if accept else CKG.Rejected, who, note)
    if not accept:
        store.replace_graph(found.graph, decision)
        return found
    if found.dangling:
        raise UserError(f"reconciliation {found.id}: its source <{found.source}> was removed")
    old = graph_content(store, found.source)
    merged = merge_records(
        old,
        {found.incoming: (found.canonical, reconciliation_iri(found.id))},
        store,
        PACKAGED_QUERIES,
        skip={found.source, INFERRED_GRAPH},
    )
    report = validate_batch(
        merged, store, found.source, settings, focus={found.canonical}, existing={found.canonical}
    ).report
    if not report.conforms:
        raise UserError(
            f"reconciliation {found.id}: the merged record fails validation, nothing was changed:\n"
            + report.text()
        )
    inferred = inferred_after(
        store,
        PACKAGED_QUERIES,
        load_ontology(settings.ontology_dir),
        found.source,
        old,
        merged,
    )
    store.replace_graphs(
        [(found.source, merged), (found.graph, decision), (INFERRED_GRAPH, inferred)]
    )
    return found


def remove_source(store: Store, settings: Settings, graph: URIRef, pending: list[URIRef]) -> int:
    """Remove source graph `graph` with its pending candidates (`pending`, their graphs), and the
    inferences about what it described, in one write; decisions on its records are kept. Returns the
    number of triples removed from the graph."""
    old = graph_content(store, graph)
    empty = type(old)()
    inferred = inferred_after(
        store, PACKAGED_QUERIES, load_ontology(settings.ontology_dir), graph, old, empty
    )
    store.replace_graphs(
        [(graph, empty), (INFERRED_GRAPH, inferred), *((g, empty) for g in pending)]
    )
    return len(old)
