"""Reasoning follows the data: after a write to one source graph, the inferences about the resources it
touched are derived again from the ontology and their neighbourhood (HOPS) in the store as it will be, by
the OWL 2 RL rules (`kg.owlrl`; HermiT where they do not cover the input), and the rest of
`ckgraph:inferred` is kept (an incremental equivalent of `clusterkg reason`)."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, URIRef

from clusterkg.kg.namespaces import INFERRED_GRAPH
from clusterkg.kg.owlrl import rl_reason
from clusterkg.kg.reason import reason, require_ok
from clusterkg.kg.reconcile.merge import statements_elsewhere
from clusterkg.kg.sources.batch_validation import StoreWithBatch, name_blank_nodes
from clusterkg.kg.sources.registry import graph_content
from clusterkg.kg.store.base import Store
from clusterkg.kg.validate import neighbourhood

# How far from a touched resource the reasoner looks: its own statements, those pointing at it, and the
# types of what they reach. The defined classes (cluster types by what a cluster is organised around and
# held together by) need no more; validation looks further (kg.validate.HOPS).
HOPS = 1


def inferred_after(
    store: Store,
    queries_dir: Path,
    ontology: Graph,
    graph_iri: URIRef,
    old: Graph,
    new: Graph,
    around: Graph | None = None,
) -> Graph:
    """The inferred graph once `graph_iri` holds `new` instead of `old`.

    `around`: the neighbourhood of `new` that its validation fetched (`kg.sources.batch_validation`,
    further out than HOPS, with the store's inferred graph in it): the reasoner then reads it, without
    the inferences about the touched resources that no other graph states, instead of fetching its own.
    Raises UserError when the rules (or HermiT) find the ontology and the data around the change
    inconsistent.
    """
    touched = {s for g in (old, new) for s in g.subjects() if isinstance(s, URIRef)}
    kept, stale = Graph(), Graph()
    for triple in graph_content(store, INFERRED_GRAPH):
        (stale if triple[0] in touched else kept).add(triple)
    if not touched:
        return kept
    data, drop = around if around is not None else Graph(), Graph()
    missing = touched  # the resources whose neighbourhood the reasoner has still to fetch
    if around is not None:
        missing = touched - set(new.subjects())  # the old graph's, not the new's
        drop = _only_inferred(store, queries_dir, stale, graph_iri)
    if missing:
        view = StoreWithBatch(store, graph_iri, name_blank_nodes(new), skip=(INFERRED_GRAPH,))
        data = data + neighbourhood(lambda q: view.query(q).graph, sorted(missing), HOPS)
    individuals = _individuals(data, ontology, drop)
    report = require_ok(rl_reason(ontology, individuals) or reason(ontology, individuals))
    for triple in report.inferred:
        if triple[0] in touched:
            kept.add(triple)
    return kept


def _only_inferred(store: Store, queries_dir: Path, inferred: Graph, graph_iri: URIRef) -> Graph:
    """Those of the `inferred` triples that no graph but the inferred one and `graph_iri` states."""
    subjects = {s for s in inferred.subjects() if isinstance(s, URIRef)}
    elsewhere = statements_elsewhere(store, queries_dir, subjects, {INFERRED_GRAPH, graph_iri})
    only = Graph()
    for s, p, o in inferred:
        if o not in elsewhere.get(s, {}).get(p, ()):
            only.add((s, p, o))
    return only


def _individuals(data: Graph, ontology: Graph, drop: Graph) -> Graph:
    """`data` without the ontology's own triples (terms it defines, and the blank nodes of their axioms,
    which the neighbourhood copies only in part; the reasoner gets the ontology whole, from `ontology`)
    and without those in `drop`."""
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    kept = Graph()
    todo = [s for s in set(data.subjects()) if isinstance(s, URIRef) and s not in terms]
    seen: set = set(todo)
    while todo:
        subject = todo.pop()
        for p, o in data.predicate_objects(subject):
            if (subject, p, o) not in drop:
                kept.add((subject, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return kept
