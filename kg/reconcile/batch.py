"""Reconcile an ingest batch against the studies in the store: automatic merges (rules 1-3, and pairs a
reviewer accepted before), candidates for review (rule 4, similar titles), never a rejected pair again."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from clusterkg.kg.namespaces import CKG, INFERRED_GRAPH
from clusterkg.kg.reconcile.decisions import (
    describe,
    read_reconciliations,
    reconciliation_graph,
    reconciliation_id,
    reconciliation_iri,
)
from clusterkg.kg.reconcile.keys import keys_from_rows, store_keys, study_keys_query
from clusterkg.kg.reconcile.merge import merge_records
from clusterkg.kg.reconcile.rules import Match, StudyIndex
from clusterkg.kg.store.base import Store


@dataclass
class Reconciled:
    """The batch with its merges applied, and the candidate graphs to write with it."""

    graph: Graph
    merges: list[Match] = field(default_factory=list)
    candidates: list[Match] = field(default_factory=list)
    writes: list[tuple[URIRef, Graph]] = field(default_factory=list)  # empty graph: remove it


def reconcile_batch(
    batch: Graph,
    store: Store,
    queries_dir: Path,
    graph_iri: URIRef,
    replaced: Collection[URIRef] = (),
) -> Reconciled:
    """Match every study of `batch` (bound for `graph_iri`) against the store's studies, except those in
    `replaced` (described only by the graph's previous version)."""
    known = read_reconciliations(store, queries_dir)
    decided = {(r.incoming, r.canonical) for r in known if r.status in ("accepted", "rejected")}
    accepted = {r.incoming: r for r in known if r.status == "accepted" and r.source == graph_iri}
    stale = {r.graph for r in known if r.status == "pending" and r.source == graph_iri}
    in_store = store_keys(store, queries_dir)
    index = StudyIndex(k for s, k in in_store.items() if s not in replaced)
    incoming = keys_from_rows(
        row.asdict() for row in batch.query(study_keys_query(queries_dir))  # type: ignore[union-attr]
    )
    result = Reconciled(batch)
    merges: dict[URIRef, tuple[URIRef, URIRef]] = {}
    notes = Graph()
    for study in sorted(incoming):
        if study in accepted:
            r = accepted[study]
            merges[study] = (r.canonical, reconciliation_iri(r.id))
            result.merges.append(Match(study, r.canonical, r.rule, tuple(r.fields), r.similarity))
            continue
        found = index.match(incoming[study])
        if found and found[0].automatic:
            match = found[0]
            merges[study] = (
                match.canonical,
                reconciliation_iri(reconciliation_id(study, match.canonical)),
            )
            result.merges.append(match)
            notes += describe(match, graph_iri, CKG.MergedByRule)
            continue
        result.candidates += [m for m in found if (m.incoming, m.canonical) not in decided]
    result.graph = merge_records(
        batch, merges, store, queries_dir, skip={graph_iri, INFERRED_GRAPH}
    )
    result.graph += notes
    result.writes = [
        (
            reconciliation_graph(reconciliation_id(m.incoming, m.canonical)),
            describe(m, graph_iri, CKG.Pending),
        )
        for m in result.candidates
    ]
    written = {g for g, _ in result.writes}
    result.writes += [(g, Graph()) for g in sorted(stale - written)]
    return result
