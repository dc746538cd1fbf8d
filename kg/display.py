"""Show RDF terms briefly for people: `ckr:claim/x` for project IRIs, lexical forms for literals."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from clusterkg.kg.namespaces import prefixed


def short(term: Node | None) -> str:
    """A compact, readable form of `term` (not Turtle: a local part may contain `/`)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixed(term) or f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return " ".join(str(term).split())
    return str(term)
