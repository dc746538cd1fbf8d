"""Merge an incoming record into the study already in the store, or into an earlier record of its own batch:
its triples are rewritten to the study's IRI (and an author at a position both name to the study's
authorship and person), kept in the incoming source's own graph, and only what the other sources, or the
earlier record, do not state yet is added."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from clusterkg.kg.namespaces import CKG
from clusterkg.kg.queries import load_query
from clusterkg.kg.sources.base import new_graph
from clusterkg.kg.store.base import Store

# Predicates a study, authorship or person may hold several values of from several sources; any other
# predicate the study already has a value for keeps that value (one label, one year, one title, ...).
MULTI_VALUED = {RDF.type, CKG.hasAuthorship, CKG.reconciledBy, CKG.notStated}
Statements = dict[URIRef, dict[URIRef, set[Node]]]
_BATCH = 400  # IRIs per VALUES block


def statements_elsewhere(
    store: Store, queries_dir: Path, subjects: Iterable[URIRef], skip: set[URIRef]
) -> Statements:
    """What the store states about `subjects` in any named graph but those in `skip`."""
    query = load_query(queries_dir / "reconcile" / "record-statements.rq")
    found: Statements = defaultdict(lambda: defaultdict(set))
    ordered = sorted(set(subjects))
    for start in range(0, len(ordered), _BATCH):
        sparql = query.bind(values={"s": ordered[start : start + _BATCH]})
        for row in store.query(sparql).rows:
            if row["g"] not in skip:
                found[URIRef(row["s"])][URIRef(row["p"])].add(row["o"])
    return found


def merge_records(
    batch: Graph,
    merges: Mapping[URIRef, tuple[URIRef, URIRef]],
    store: Store,
    queries_dir: Path,
    skip: set[URIRef],
) -> Graph:
    """`batch` with each incoming study of `merges` (incoming -> (canonical study, reconciliation))
    merged into its canonical study, in the store or in `batch`; `skip` are the graphs whose statements do not count (the one being
    replaced, the inferred graph)."""
    if not merges:
        return batch
    canonical = {c for c, _ in merges.values()}

    def known_about(subjects: set[URIRef]) -> Statements:
        """What the store's other graphs and the batch's other records state about `subjects`."""
        found = statements_elsewhere(store, queries_dir, subjects, skip)
        for s in subjects - merges.keys():
            for p, o in batch.predicate_objects(s):
                found[s][p].add(o)  # type: ignore[index]
        return found

    known = known_about(canonical)
    authorships = {
        a for c in canonical for a in known[c][CKG.hasAuthorship] if isinstance(a, URIRef)
    }
    known.update(known_about(authorships))
    by_position = _authorships_by_position(known, canonical)
    mapping: dict[Node, URIRef] = {}
    for incoming, (study, _) in merges.items():
        mapping[incoming] = study
        for authorship in batch.objects(incoming, CKG.hasAuthorship):
            position = batch.value(authorship, CKG.authorPosition)
            target = by_position[study].get(int(position)) if position is not None else None
            if target is None:
                continue
            mapping[authorship] = target[0]
            person = batch.value(authorship, CKG.author)
            if person is not None:
                mapping[person] = target[1]
    persons = {p for p in mapping.values() if p not in canonical and p not in authorships}
    known.update(known_about(persons))
    merged = new_graph()
    for s, p, o in batch:
        s2, o2 = mapping.get(s, s), mapping.get(o, o)
        if s2 != s and _already_stated(known[s2], p, o2):  # type: ignore[index]
            continue
        merged.add((s2, p, o2))
    for study, node in merges.values():
        merged.add((study, CKG.reconciledBy, node))
    return merged


def _authorships_by_position(
    known: Statements, studies: set[URIRef]
) -> dict[URIRef, dict[int, tuple[URIRef, URIRef]]]:
    """Study -> position -> (authorship, person), from what the store states."""
    table: dict[URIRef, dict[int, tuple[URIRef, URIRef]]] = defaultdict(dict)
    for study in studies:
        for authorship in known[study][CKG.hasAuthorship]:
            positions, persons = (
                known[authorship][CKG.authorPosition],
                known[authorship][CKG.author],
            )
            if len(positions) == 1 and len(persons) == 1:
                person = next(iter(persons))
                if isinstance(person, URIRef) and isinstance(authorship, URIRef):
                    table[study][int(next(iter(positions)).toPython())] = (authorship, person)  # type: ignore[union-attr]
    return table


def _already_stated(known: dict[URIRef, set[Node]], p: URIRef, o: Node) -> bool:
    """Whether an incoming statement about a merged resource adds nothing or contradicts a single value
    the other sources already give: the same statement, a second label, year or title is not added;
    `notStated X` is not added where X has a value."""
    if o in known.get(p, ()):
        return True  # the same statement: the other source already makes it
    if p == CKG.notStated:
        return o in known
    return p not in MULTI_VALUED and p in known
