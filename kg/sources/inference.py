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
) -> Graph:
    """The inferred graph once `graph_iri` holds `new` instead of `old`.

    Raises UserError when the rules (or HermiT) find the ontology and the data around the change
    inconsistent.
    """
    touched = sorted({s for g in (old, new) for s in g.subjects() if isinstance(s, URIRef)})
    kept = Graph()
    for triple in graph_content(store, queries_dir, INFERRED_GRAPH):
        if triple[0] not in touched:
            kept.add(triple)
    if not touched:
        return kept
    view = StoreWithBatch(store, graph_iri, name_blank_nodes(new), skip=(INFERRED_GRAPH,))
    around = _individuals(neighbourhood(lambda q: view.query(q).graph, touched, HOPS), ontology)
    report = require_ok(rl_reason(ontology, around) or reason(ontology, around))
    for triple in report.inferred:
        if triple[0] in touched:
            kept.add(triple)
    return kept


def _individuals(data: Graph, ontology: Graph) -> Graph:
    """`data` without the ontology's own triples (terms it defines, and the blank nodes of their axioms,
    which the neighbourhood copies only in part): the reasoner gets the ontology whole, from `ontology`."""
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    kept = Graph()
    todo = [s for s in set(data.subjects()) if isinstance(s, URIRef) and s not in terms]
    seen: set = set(todo)
    while todo:
        subject = todo.pop()
        for p, o in data.predicate_objects(subject):
            kept.add((subject, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return kept
