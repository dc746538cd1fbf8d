"""Compare two versions of the ontology and shapes term by term: terms added, removed and deprecated; changed
labels, definitions, superclasses, domains and ranges, axioms and shapes; rendered as Markdown or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from clusterkg.kg.display import short
from clusterkg.kg.namespaces import SCHEMA, SH

TERM_KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    OWL.NamedIndividual: "individual",
    SKOS.Concept: "concept",
    SKOS.ConceptScheme: "concept scheme",
    RDFS.Datatype: "datatype",
}
SHAPE_KINDS = (SH.NodeShape, SH.PropertyShape)
# what is compared for a term found in both versions, by kind of change
ASPECTS: dict[str, tuple[URIRef, ...]] = {
    "label": (RDFS.label, SKOS.prefLabel),
    "definition": (SKOS.definition,),
    "superclass": (RDFS.subClassOf, RDFS.subPropertyOf),
    "domain": (RDFS.domain, SCHEMA.domainIncludes),
    "range": (RDFS.range, SCHEMA.rangeIncludes),
    "axiom": (
        OWL.equivalentClass,
        OWL.disjointWith,
        OWL.inverseOf,
        OWL.equivalentProperty,
        OWL.propertyChainAxiom,
        OWL.hasKey,
    ),
}
CHARACTERISTICS = {
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.TransitiveProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
}
GLOBAL_AXIOMS = (OWL.AllDisjointClasses, OWL.AllDifferent, OWL.AllDisjointProperties)
SECTIONS = {
    "added": "Added terms",
    "removed": "Removed terms",
    "deprecated": "Deprecated terms",
    "label": "Labels",
    "definition": "Definitions",
    "superclass": "Superclasses",
    "domain": "Domains",
    "range": "Ranges",
    "axiom": "Axioms",
    "shape": "Shapes",
}


@dataclass(frozen=True)
class Change:
    """One change: its kind (a key of SECTIONS), the term or shape, and what it was and became."""

    kind: str
    term: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class OntologyDiff:
    """Every change from `old_version` to `new_version` (owl:versionInfo of each side, if any)."""

    old_version: str
    new_version: str
    changes: list[Change]

    def json(self) -> str:
        data = {
            "old": self.old_version,
            "new": self.new_version,
            "changes": [asdict(c) for c in self.changes],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def markdown(self) -> str:
        """A CHANGELOG section: `## new (from old)`, then one list per kind of change."""
        lines = [f"## {self.new_version or 'new'} (from {self.old_version or 'old'})", ""]
        if not self.changes:
            lines += ["No changes.", ""]
        for kind, title in SECTIONS.items():
            group = [c for c in self.changes if c.kind == kind]
            if not group:
                continue
            lines += [f"### {title}", ""]
            lines += [f"- {_item(c)}" for c in group]
            lines.append("")
        return "\n".join(lines)


def diff(old: Graph, new: Graph) -> OntologyDiff:
    """The changes from `old` to `new`."""
    old_terms, new_terms = _terms(old), _terms(new)
    changes = [
        Change("added", short(t), after=(new_terms[t],))
        for t in sorted(new_terms.keys() - old_terms.keys())
    ]
    changes += [
        Change("removed", short(t), before=(old_terms[t],))
        for t in sorted(old_terms.keys() - new_terms.keys())
    ]
    changes += [
        Change("deprecated", short(t))
        for t in sorted(new_terms)
        if _deprecated(new, t) and not _deprecated(old, t)
    ]
    kept = sorted(old_terms.keys() & new_terms.keys())
    for kind in ASPECTS:
        for term in kept:
            before, after = _aspect(old, term, kind), _aspect(new, term, kind)
            if before != after:
                changes.append(
                    Change(kind, short(term), tuple(sorted(before)), tuple(sorted(after)))
                )
    old_global, new_global = _global_axioms(old), _global_axioms(new)
    if old_global != new_global:
        changes.append(
            Change(
                "axiom",
                "(between terms)",
                tuple(sorted(old_global - new_global)),
                tuple(sorted(new_global - old_global)),
            )
        )
    changes += _shape_changes(old, new)
    return OntologyDiff(_version(old), _version(new), changes)


def _terms(graph: Graph) -> dict[URIRef, str]:
    """Declared terms (named, with an OWL or SKOS kind) -> their kind in words."""
    found: dict[URIRef, str] = {}
    for kind, name in TERM_KINDS.items():
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef):
                found.setdefault(term, name)
    return found


def _deprecated(graph: Graph, term: URIRef) -> bool:
    return any(
        v.toPython() is True for v in graph.objects(term, OWL.deprecated) if isinstance(v, Literal)
    )


def _aspect(graph: Graph, term: URIRef, kind: str) -> set[str]:
    """One aspect of a term as text: named superclasses under "superclass", while restrictions it is a
    subclass of count as axioms, with its equivalences, disjointness and property characteristics."""
    if kind == "superclass":
        return {
            short(v) for p in ASPECTS[kind] for v in graph.objects(term, p) if isinstance(v, URIRef)
        }
    if kind != "axiom":
        return {canonical(graph, v) for p in ASPECTS[kind] for v in graph.objects(term, p)}
    values = {
        f"{short(p)} {canonical(graph, v)}" for p in ASPECTS[kind] for v in graph.objects(term, p)
    }
    values |= {
        f"rdfs:subClassOf {canonical(graph, v)}"
        for v in graph.objects(term, RDFS.subClassOf)
        if isinstance(v, BNode)
    }
    return values | {f"a {short(k)}" for k in graph.objects(term, RDF.type) if k in CHARACTERISTICS}


def _global_axioms(graph: Graph) -> set[str]:
    return {
        canonical(graph, node) for kind in GLOBAL_AXIOMS for node in graph.subjects(RDF.type, kind)
    }


def _shape_changes(old: Graph, new: Graph) -> list[Change]:
    """Named shapes added, removed or changed; a changed shape lists the statements it lost and gained."""

    def shapes(graph: Graph) -> dict[URIRef, set[str]]:
        return {
            s: {f"{_show(p)} {canonical(graph, o)}" for p, o in graph.predicate_objects(s)}
            for kind in SHAPE_KINDS
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef)
        }

    before, after = shapes(old), shapes(new)
    changes = []
    for shape in sorted(before.keys() | after.keys()):
        lost, gained = before.get(shape, set()), after.get(shape, set())
        if lost != gained:
            both = lost & gained if shape in before and shape in after else set()
            changes.append(
                Change(
                    "shape", short(shape), tuple(sorted(lost - both)), tuple(sorted(gained - both))
                )
            )
    return changes


def canonical(graph: Graph, node: Node, depth: int = 8) -> str:
    """A node as deterministic Turtle-like text on one line: a blank node as `[ p o ; ... ]` with its
    statements sorted, an RDF list as `( ... )`, whitespace in literals collapsed."""
    if isinstance(node, BNode) and (node, RDF.first, None) in graph:
        items = graph.items(node)
        return "( " + " ".join(canonical(graph, i, depth=depth - 1) for i in items) + " )"
    if isinstance(node, BNode) and depth > 0:
        pairs = sorted(
            f"{_show(p)} {canonical(graph, o, depth=depth - 1)}"
            for p, o in graph.predicate_objects(node)
        )
        return "[ " + " ; ".join(pairs) + " ]"
    return _show(node)


def _show(node: Node) -> str:
    if isinstance(node, URIRef):
        return short(node)
    if isinstance(node, Literal):
        if node.datatype in (XSD.integer, XSD.decimal, XSD.boolean):
            return str(node)
        text = Literal(" ".join(str(node).split()), lang=node.language).n3()
        return f"{text}^^{short(node.datatype)}" if node.datatype is not None else text
    return "[]"


def _version(graph: Graph) -> str:
    infos = sorted(
        str(v)
        for o in graph.subjects(RDF.type, OWL.Ontology)
        for v in graph.objects(o, OWL.versionInfo)
    )
    return infos[0] if infos else ""


def _item(change: Change) -> str:
    term = f"`{change.term}`"
    if change.kind in ("added", "removed"):
        return f"{term} ({(change.after or change.before)[0]})"
    if change.kind == "deprecated":
        return term
    before = "; ".join(f"`{v}`" for v in change.before) or "(none)"
    after = "; ".join(f"`{v}`" for v in change.after) or "(none)"
    return f"{term}: {before} → {after}"
