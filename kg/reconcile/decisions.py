"""Reconciliations as data: a candidate or decision in its own named graph (rule, fields, score, who, when,
note), read back from the store; an automatic merge is kept in the incoming source's graph instead."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from clusterkg import kg
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR
from clusterkg.kg.queries import load_query
from clusterkg.kg.reconcile.rules import Match
from clusterkg.kg.sources.base import new_graph
from clusterkg.kg.store.base import Store

RULE_ENGINE = f"clusterkg {kg.__version__} reconciliation rules"
DECISIONS = {
    "pending": CKG.Pending,
    "accepted": CKG.Accepted,
    "rejected": CKG.Rejected,
    "merged": CKG.MergedByRule,
}


@dataclass
class Reconciliation:
    """One reconciliation as the store holds it."""

    id: str
    graph: URIRef  # the named graph it is kept in
    decision: URIRef
    rule: URIRef
    incoming: URIRef
    canonical: URIRef
    source: URIRef  # the incoming source's graph
    source_present: bool
    fields: list[str] = field(default_factory=list)
    similarity: float | None = None
    decided_by: str = ""
    time: str = ""
    note: str = ""

    @property
    def status(self) -> str:
        return next(name for name, iri in DECISIONS.items() if iri == self.decision)

    @property
    def dangling(self) -> bool:
        """The incoming source was removed after the decision: the decision is kept, its record is gone."""
        return not self.source_present


def reconciliation_id(incoming: URIRef, canonical: URIRef) -> str:
    """A short stable id for the pair: the same pair gets the same id on every ingest."""
    return hashlib.sha256(f"{incoming} {canonical}".encode()).hexdigest()[:10]


def reconciliation_iri(rid: str) -> URIRef:
    return CKR[f"reconciliation/{rid}"]


def reconciliation_graph(rid: str) -> URIRef:
    return CKGRAPH[f"reconciliation/{rid}"]


def describe(
    match: Match,
    source: URIRef,
    decision: URIRef,
    who: str = RULE_ENGINE,
    note: str = "",
    when: datetime | None = None,
) -> Graph:
    """The triples of one reconciliation of `match` (source: the incoming source's graph)."""
    rid = reconciliation_id(match.incoming, match.canonical)
    node = reconciliation_iri(rid)
    graph = new_graph()
    add = graph.add
    add((node, RDF.type, CKG.Reconciliation))
    add((node, RDFS.label, Literal(f"reconciliation {rid}", lang="en")))
    add((node, CKG.decision, decision))
    add((node, CKG.matchRule, match.rule))
    add((node, CKG.incomingRecord, match.incoming))
    add((node, CKG.canonicalRecord, match.canonical))
    add((node, CKG.incomingSource, source))
    for name in match.fields:
        add((node, CKG.matchedField, Literal(name)))
    if match.similarity is not None:
        add((node, CKG.similarity, Literal(f"{match.similarity:.1f}", datatype=XSD.decimal)))
    add((node, CKG.decidedBy, Literal(who)))
    stamp = (when or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    add((node, PROV.endedAtTime, Literal(stamp, datatype=XSD.dateTime)))
    if note:
        add((node, CKG.reviewNote, Literal(note)))
    return graph


def read_reconciliations(store: Store, queries_dir: Path) -> list[Reconciliation]:
    """Every reconciliation in the store (candidates, merges, decisions), by id."""
    found: dict[URIRef, Reconciliation] = {}
    sparql = load_query(queries_dir / "reconcile" / "reconciliations.rq").bind()
    for row in store.query(sparql).rows:
        node = URIRef(row["reconciliation"])
        entry = found.get(node)
        if entry is None:
            similarity = row.get("similarity")
            entry = found[node] = Reconciliation(
                id=str(node).rsplit("/", 1)[-1],
                graph=URIRef(row["graph"]),
                decision=URIRef(row["decision"]),
                rule=URIRef(row["rule"]),
                incoming=URIRef(row["incoming"]),
                canonical=URIRef(row["canonical"]),
                source=URIRef(row["source"]),
                source_present=row.get("sourceIngest") is not None,
                similarity=None if similarity is None else float(similarity),
                decided_by=str(row.get("decidedBy") or ""),
                time=str(row.get("time") or ""),
                note=str(row.get("note") or ""),
            )
        if row.get("field") is not None and str(row["field"]) not in entry.fields:
            entry.fields.append(str(row["field"]))
    return sorted(found.values(), key=lambda r: (r.status != "pending", r.id))


def find_reconciliation(store: Store, queries_dir: Path, rid: str) -> Reconciliation:
    """The reconciliation with id `rid` (or an id prefix that names one), else a UserError."""
    rid = rid.strip()
    found = [r for r in read_reconciliations(store, queries_dir) if rid and r.id.startswith(rid)]
    if len(found) != 1:
        cause = "no reconciliation" if not found else f"{len(found)} reconciliations"
        raise UserError(f"{cause} with id {rid!r}; `clusterkg reconcile list` shows them")
    return found[0]
