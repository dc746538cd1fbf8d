"""How RDF terms appear on pages: local links for our own IRIs, compact names, literal notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal as Kind
from urllib.parse import quote, urlsplit

from pyoxigraph import NamedNode
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, ONTOLOGY_IRI, prefixed

LOCAL_PAGES = (  # our namespaces and the paths that serve them
    (str(CKR), "/resource/"),
    (str(CKG), "/ontology/"),
    (str(CKGRAPH), "/graph/"),
    (ONTOLOGY_IRI + "/", "/ontology/"),
)
NOT_AN_IRI = "no such resource: this path cannot be part of an IRI"  # the 404 for such paths
# The only IRIs (besides our own) that become links.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class TermView:
    """A term ready for a template: what to show, where it links (None: shown as text), and a note."""

    kind: Kind["iri", "literal", "bnode"]
    text: str
    href: str | None = None
    note: str = ""
    iri: str = ""


def local_path(iri: str) -> str | None:
    """The path on this site that serves `iri`, or None when it is not one of ours."""
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    for namespace, path in LOCAL_PAGES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return path + quote(iri[len(namespace) :], safe="/:@!$&'()*+,;=-._~")
    return None


def is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI (RFC 3987), parsed as the stores parse IRIs (pyoxigraph)."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def link_href(iri: str) -> str | None:
    """Where a link to `iri` may point: our own page for our IRIs, the IRI itself for http(s) and
    mailto, None for anything else (`javascript:`, `data:`, `file:`, not an IRI), shown as text.
    The one place that decides what becomes a link."""
    if not is_iri(iri):
        return None
    own = local_path(iri)
    if own is not None:
        return own
    return iri if urlsplit(iri).scheme.lower() in LINK_SCHEMES else None


def iri_for_path(prefix: str, path: str) -> URIRef | None:
    """The IRI that `/resource/<path>`, `/ontology/<path>` (a term or a `module`) or `/graph/<path>`
    serves; None when no IRI ends with `path` (a space, `<`, `"`, a lone `%`, a control character...):
    there is no such resource."""
    namespace = {
        "resource": str(CKR),
        "ontology": str(CKG),
        "module": ONTOLOGY_IRI + "/",
        "graph": str(CKGRAPH),
    }[prefix]
    return URIRef(namespace + path) if is_iri(namespace + path) else None


def compact(iri: str) -> str:
    """`prefix:local` when a namespace of the project's map fits (`kg.namespaces.prefixed`), else the IRI."""
    return prefixed(iri) or iri


def term_view(term: Node, labels: Mapping[Node, str] | None = None) -> TermView:
    """A TermView for `term`; `labels` gives display labels for IRIs."""
    if isinstance(term, URIRef):
        iri = str(term)
        text = (labels or {}).get(term) or compact(iri)
        return TermView("iri", text, link_href(iri), "", iri)
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else ""
        if term.datatype and not term.language:
            note = compact(str(term.datatype))
        return TermView("literal", str(term), None, note)
    if isinstance(term, BNode):
        return TermView("bnode", f"_:{term}")
    return TermView("literal", str(term))


def link(iri: Node | None, label: Node | str | None = None) -> TermView | None:
    """A link to `iri` showing `label` (or its compact name); None when there is no IRI."""
    if iri is None:
        return None
    text = str(label) if label is not None and str(label) else compact(str(iri))
    return TermView("iri", text, link_href(str(iri)), "", str(iri))


def text(term: Node | None, default: str = "") -> str:
    """The lexical form of a term, or `default` when unbound."""
    return default if term is None else str(term)


def unique(values: Iterable[TermView | None]) -> list[TermView]:
    """The values in their order, without None and without repeats."""
    out: list[TermView] = []
    for value in values:
        if value is not None and value not in out:
            out.append(value)
    return out
