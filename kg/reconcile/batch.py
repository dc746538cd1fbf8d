"""Reconcile an ingest batch against the studies in the store, and its records against each other (the same
study twice in one export): automatic merges (rules 1-3, and pairs a reviewer accepted before), candidates
for review (rule 4, similar titles), never a rejected pair again."""

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
    merges: list[Match] = field(default_factory=list)  # into studies already in the store
    duplicates: list[Match] = field(default_factory=list)  # into an earlier record of the batch
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
    `replaced` (described only by the graph's previous version), then against the batch's records before
    it (in IRI order, which is file order for the same minted name)."""
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
    earlier = StudyIndex(())  # the batch's records kept as studies of their own so far
    for study in sorted(incoming):
        if study in accepted:
            r = accepted[study]
            merges[study] = (r.canonical, reconciliation_iri(r.id))
            found_by = result.duplicates if r.canonical in incoming else result.merges
            found_by.append(Match(study, r.canonical, r.rule, tuple(r.fields), r.similarity))
            continue
        found = index.match(incoming[study])
        twins = [] if found and found[0].automatic else earlier.match(incoming[study])
        for matches, merged in ((found, result.merges), (twins, result.duplicates)):
            if matches and matches[0].automatic:
                match = matches[0]
                merges[study] = (
                    match.canonical,
                    reconciliation_iri(reconciliation_id(study, match.canonical)),
                )
                merged.append(match)
                notes += describe(match, graph_iri, CKG.MergedByRule)
                break
        else:
            result.candidates += [
                m for m in found + twins if (m.incoming, m.canonical) not in decided
            ]
            earlier.add(incoming[study])
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
