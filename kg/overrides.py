"""Reviewers' overrides of a certainty rating: data with provenance, in a named graph of their own.

An override never changes the computed rating (queries/certainty.rq); queries/certainty-overrides.rq shows it
beside it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, bind_all
from clusterkg.kg.queries import own_query
from clusterkg.kg.sources.base import slugify
from clusterkg.kg.store.base import Store
from clusterkg.kg.timestamps import timestamp

OVERRIDES_GRAPH = CKGRAPH["review/certainty-overrides"]


def record_override(
    store: Store,
    item: URIRef,
    level: str,
    justification: str,
    reviewer: str,
    at: datetime | None = None,
) -> URIRef:
    """Add one ckg:CertaintyOverride of `item` to the overrides graph (replaced atomically); its IRI.

    `level` is a certainty level's label ("high", "moderate", "low", "very low"); `reviewer` a name,
    recorded as a prov:Agent. Raises UserError when the item is no recommendation or theme of the store,
    the level is unknown, or the justification or reviewer is empty.
    """
    if not justification.strip():
        raise UserError("an override needs a justification")
    if not reviewer.strip() or not slugify(reviewer):
        raise UserError("an override needs the reviewer's name")
    rows = store.query(own_query("override-target").bind({"item": item})).rows
    levels = {str(r["levelLabel"]): r["level"] for r in rows}
    if not any("itemType" in r for r in rows):
        raise UserError(f"<{item}> is no recommendation or theme of this store")
    if level not in levels:
        raise UserError(f"unknown level {level!r}: expected one of {', '.join(sorted(levels))}")
    graph = store.query(own_query("graph-triples").bind({"graph": OVERRIDES_GRAPH})).graph
    assert graph is not None  # a CONSTRUCT always answers with a graph
    bind_all(graph)
    override = CKR[f"override/{uuid.uuid4()}"]
    agent = CKR[f"agent/reviewer-{slugify(reviewer)}"]
    for triple in (
        (override, RDF.type, CKG.CertaintyOverride),
        (override, RDFS.label, Literal(f"override of the certainty of <{item}>", lang="en")),
        (override, CKG.overrides, item),
        (override, CKG.overrideLevel, levels[level]),
        (override, CKG.justification, Literal(justification.strip())),
        (override, PROV.wasAttributedTo, agent),
        (override, PROV.generatedAtTime, timestamp(at)),
        (agent, RDF.type, PROV.Agent),
        (agent, RDFS.label, Literal(reviewer.strip(), lang="en")),
    ):
        graph.add(triple)
    store.replace_graph(OVERRIDES_GRAPH, graph)
    return override
