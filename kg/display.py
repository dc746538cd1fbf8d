"""Show RDF terms briefly for people: `ckr:claim/x` for project IRIs, lexical forms for literals."""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import PREFIXES

_LOCAL = re.compile(r"^[\w\-./]*$")
_BY_LENGTH = sorted(
    ((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda p: -len(p[0])
)


def short(term: Node | None) -> str:
    """A compact, readable form of `term` (not Turtle: a local part may contain `/`)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for namespace, prefix in _BY_LENGTH:
            local = term[len(namespace) :]
            if term.startswith(namespace) and _LOCAL.match(local):
                return f"{prefix}:{local}"
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return " ".join(str(term).split())
    return str(term)
