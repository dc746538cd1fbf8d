"""The ontology as its documentation reads it: modules, the class tree (asserted and inferred), properties,
class axioms, and what the SHACL shapes require of each class's instances and of each property's values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from clusterkg.kg.namespaces import CKG, SCHEMA, SH
from clusterkg.kg.ontodocs.manchester import Axiom, class_axioms, name

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_KINDS = {  # how the index groups the properties
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}
CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}
DOMAINS = (RDFS.domain, SCHEMA.domainIncludes)
RANGES = (RDFS.range, SCHEMA.rangeIncludes)
MODULE_FIELDS = (  # what the index shows of each module, in order
    ("Title", DCTERMS.title),
    ("Version IRI", OWL.versionIRI),
    ("Version info", OWL.versionInfo),
    ("Licence", DCTERMS.license),
    ("Prior version", OWL.priorVersion),
    ("Modified", DCTERMS.modified),
)
_VALUE_CONSTRAINTS = (SH.datatype, SH["class"], SH.nodeKind, SH.hasValue, SH.node)
_RANGE_CONSTRAINTS = (
    (SH.minInclusive, "≥"),
    (SH.minExclusive, ">"),
    (SH.maxInclusive, "≤"),
    (SH.maxExclusive, "<"),
    (SH.minLength, "length ≥"),
    (SH.maxLength, "length ≤"),
    (SH.pattern, "matches"),
)
_NODE_CONSTRAINTS = (SH["or"], SH.xone, SH["not"], SH["and"], SH.sparql)


@dataclass(frozen=True)
class Term:
    """An IRI with its label; `inferred` marks a hierarchy link only the reasoner draws."""

    iri: str
    label: str
    inferred: bool = False

    @property
    def name(self) -> str:
        return name(URIRef(self.iri))

    @property
    def local(self) -> str:
        """The IRI's last part (after `#` or `/`): an anchor or file name."""
        return self.iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Part:
    """A piece of a constraint as the table shows it: text, or a term (linked)."""

    text: str
    term: Term | None = None


@dataclass(frozen=True)
class Requirement:
    """One row of a shape's requirements: what a focus node must have."""

    shape: Term
    path: str
    cardinality: str
    value: tuple[Part, ...]
    severity: str
    message: str
    via: Term | None = None  # the superclass whose shape this is, when not the class itself


@dataclass
class TreeNode:
    term: Term
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class Module:
    term: Term
    description: str
    fields: dict[str, list[Part]]  # MODULE_FIELDS' keys -> values


@dataclass(frozen=True)
class Shape:
    term: Term
    targets: tuple[Part, ...]
    description: str
    rules: int


class Model:
    """The ontology graph, the inferred subclass links and the data shapes, read for documentation."""

    def __init__(
        self, ontology: Graph, shapes: Graph, inferred: Iterable[tuple[URIRef, URIRef]] = ()
    ) -> None:
        self.graph = ontology
        self.shapes = shapes
        classes = {c for t in CLASS_TYPES for c in ontology.subjects(RDF.type, t)}
        self.classes = sorted(c for c in classes if isinstance(c, URIRef) and c != OWL.Thing)
        self.properties = sorted(
            {
                p
                for t in PROPERTY_KINDS
                for p in ontology.subjects(RDF.type, t)
                if isinstance(p, URIRef)
            }
        )
        self._module_iris = set(ontology.subjects(RDF.type, OWL.Ontology))
        asserted = {(c, s) for c, s in ontology.subject_objects(RDFS.subClassOf)}
        self.inferred = {
            (c, s)
            for c, s in inferred
            if (c, s) not in asserted and c != s and s != OWL.Thing and c != OWL.Nothing
        }

    # --- terms
    def own(self, iri: Node) -> bool:
        """Whether the term is ours: in the ontology's namespace, or defined by one of the modules loaded
        (a workspace's extension modules included; not the external vocabularies they declare)."""
        return str(iri).startswith(str(CKG)) or any(
            module in self._module_iris for module in self.graph.objects(iri, RDFS.isDefinedBy)
        )

    def term(self, iri: Node, inferred: bool = False) -> Term:
        return Term(str(iri), self.label(iri), inferred)

    def label(self, iri: Node) -> str:
        for graph in (self.graph, self.shapes):
            for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
                text = _english(graph.objects(iri, predicate))
                if text:
                    return text
        if not isinstance(iri, URIRef):
            return str(iri)
        written = name(iri)
        return str(iri) if written.startswith("<") else written

    def definition(self, iri: URIRef) -> str:
        return _english(self.graph.objects(iri, SKOS.definition)) or _english(
            self.graph.objects(iri, RDFS.comment)
        )

    def notes(self, iri: URIRef) -> list[str]:
        return [
            str(o)
            for p in (SKOS.scopeNote, SKOS.editorialNote, RDFS.comment)
            for o in self.graph.objects(iri, p)
            if str(o) != self.definition(iri)
        ]

    def is_class(self, iri: URIRef) -> bool:
        return iri in self.classes

    def is_property(self, iri: URIRef) -> bool:
        return iri in self.properties

    def defined_by(self, iri: URIRef) -> Term | None:
        module = self.graph.value(iri, RDFS.isDefinedBy)
        return None if module is None else self.term(module)

    # --- modules and shapes, for the index
    def modules(self) -> list[Module]:
        out = []
        for onto in sorted(self.graph.subjects(RDF.type, OWL.Ontology)):
            fields = {
                key: [_part(self, value) for value in sorted(self.graph.objects(onto, predicate))]
                for key, predicate in MODULE_FIELDS
            }
            description = _english(self.graph.objects(onto, DCTERMS.description))
            out.append(Module(self.term(onto), description, fields))
        return out

    def node_shapes(self) -> list[Shape]:
        out = []
        for shape in sorted(
            s for s in self.shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
        ):
            targets = tuple(self._targets(shape))
            description = _english(self.shapes.objects(shape, RDFS.comment)) or _english(
                self.shapes.objects(shape, SH.message)
            )
            rules = len(list(self.shapes.objects(shape, SH.property)))
            out.append(Shape(self.term(shape), targets, description, rules))
        return out

    # --- the class hierarchy
    def parents(self, cls: URIRef) -> list[Term]:
        """Named superclasses: asserted, then those only the reasoner infers (marked)."""
        asserted = {s for s in self.graph.objects(cls, RDFS.subClassOf) if isinstance(s, URIRef)}
        inferred = {s for c, s in self.inferred if c == cls} - asserted
        return self._terms(asserted) + self._terms(inferred, True)

    def children(self, cls: URIRef) -> list[Term]:
        """Named subclasses: asserted, then those only the reasoner infers (marked)."""
        asserted = {c for c in self.graph.subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)}
        inferred = {c for c, s in self.inferred if s == cls} - asserted
        return self._terms(asserted) + self._terms(inferred, True)

    def ancestors(self, cls: URIRef) -> list[URIRef]:
        """Every named superclass, asserted or inferred, nearest first."""
        seen: list[URIRef] = []
        frontier = [cls]
        while frontier:
            step = [URIRef(t.iri) for c in frontier for t in self.parents(c)]
            frontier = [c for c in dict.fromkeys(step) if c not in seen and c != cls]
            seen += frontier
        return seen

    def tree(self) -> list[TreeNode]:
        """The declared classes as a forest along asserted and inferred subclass links."""
        known = set(self.classes)
        roots = [
            c for c in self.classes if not any(URIRef(p.iri) in known for p in self.parents(c))
        ]
        return [self._subtree(self.term(r), known, frozenset()) for r in roots]

    def _subtree(self, term: Term, known: set[URIRef], path: frozenset[str]) -> TreeNode:
        node = TreeNode(term)
        for child in self.children(URIRef(term.iri)):
            if URIRef(child.iri) in known and child.iri not in path:
                node.children.append(self._subtree(child, known, path | {term.iri}))
        return node

    def axioms(self, cls: URIRef) -> list[Axiom]:
        return class_axioms(self.graph, cls)

    def defined_classes(self) -> list[URIRef]:
        """Classes with an axiom beyond a named superclass (equivalence or restriction): the ones a
        reasoner classifies by, drawn with their axioms in the diagram."""
        return [
            c
            for c in self.classes
            if any(self.graph.objects(c, OWL.equivalentClass))
            or any(isinstance(s, BNode) for s in self.graph.objects(c, RDFS.subClassOf))
        ]

    # --- properties
    def properties_of(self, kind: str) -> list[Term]:
        types = [t for t, k in PROPERTY_KINDS.items() if k == kind]
        return self._terms(
            p for p in self.properties for t in types if (p, RDF.type, t) in self.graph
        )

    def kind(self, prop: URIRef) -> str:
        return next(
            (k for t, k in PROPERTY_KINDS.items() if (prop, RDF.type, t) in self.graph), "property"
        )

    def domains(self, prop: URIRef) -> list[Term]:
        return self._terms(self._named_objects(prop, DOMAINS))

    def ranges(self, prop: URIRef) -> list[Term]:
        return self._terms(self._named_objects(prop, RANGES))

    def domain_of(self, cls: URIRef) -> list[Term]:
        """Properties whose domain (rdfs:domain, schema:domainIncludes, or a union naming it) is `cls`."""
        return self._terms(p for p in self.properties if cls in self._named_objects(p, DOMAINS))

    def range_of(self, cls: URIRef) -> list[Term]:
        return self._terms(p for p in self.properties if cls in self._named_objects(p, RANGES))

    def _named_objects(self, prop: URIRef, predicates: tuple[URIRef, ...]) -> set[URIRef]:
        return {c for p in predicates for c in _named(self.graph, self.graph.objects(prop, p))}

    def characteristics(self, prop: URIRef) -> list[str]:
        return [text for t, text in CHARACTERISTICS.items() if (prop, RDF.type, t) in self.graph]

    def inverses(self, prop: URIRef) -> list[Term]:
        return self._terms(
            {*self.graph.objects(prop, OWL.inverseOf), *self.graph.subjects(OWL.inverseOf, prop)}
        )

    def super_properties(self, prop: URIRef) -> list[Term]:
        return self._terms(self.graph.objects(prop, RDFS.subPropertyOf))

    def sub_properties(self, prop: URIRef) -> list[Term]:
        return self._terms(self.graph.subjects(RDFS.subPropertyOf, prop))

    def main_relations(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """(domain, property, range) for each of our object properties between two declared classes."""
        known = set(self.classes)
        return [
            (URIRef(d.iri), prop, URIRef(r.iri))
            for prop in self.properties
            if self.own(prop) and self.kind(prop) == "object"
            for d in self.domains(prop)
            for r in self.ranges(prop)
            if URIRef(d.iri) in known and URIRef(r.iri) in known
        ]

    # --- what the shapes require
    def requirements(self, cls: URIRef) -> list[Requirement]:
        """The rows of every shape targeting `cls` or one of its superclasses (marked `via`)."""
        rows: list[Requirement] = []
        for target in (cls, *self.ancestors(cls)):
            via = None if target == cls else self.term(target)
            for shape in self._shapes_targeting(target):
                rows += self._shape_rows(shape, via)
        return rows

    def constraints_on(self, prop: URIRef) -> list[tuple[Requirement, tuple[Part, ...]]]:
        """The property shapes whose path uses `prop`, each with what its node shape targets."""
        out = []
        for node_shape, prop_shape in self.shapes.subject_objects(SH.property):
            if prop in _path_terms(self.shapes, self.shapes.value(prop_shape, SH.path)):
                targets = tuple(self._targets(node_shape))
                out.append((self._property_row(node_shape, prop_shape, None), targets))
        return sorted(out, key=lambda row: (row[0].shape.iri, row[0].path))

    def _targets(self, shape: Node) -> Iterable[Part]:
        for predicate, key in _TARGETS:
            for t in sorted(self.shapes.objects(shape, predicate), key=str):
                yield Part(f"{key} ", self.term(t)) if isinstance(t, URIRef) else Part(key)

    def _shapes_targeting(self, cls: URIRef) -> list[Node]:
        shapes = set(self.shapes.subjects(SH.targetClass, cls))
        if (cls, RDF.type, SH.NodeShape) in self.shapes:  # implicit class target
            shapes.add(cls)
        return sorted(shapes, key=str)

    def _shape_rows(self, shape: Node, via: Term | None) -> list[Requirement]:
        rows = [self._property_row(shape, p, via) for p in self.shapes.objects(shape, SH.property)]
        node_parts = tuple(
            part
            for predicate in _NODE_CONSTRAINTS
            for value in self.shapes.objects(shape, predicate)
            for part in self._constraint_parts(predicate, value)
        )
        if node_parts:
            rows.append(
                Requirement(
                    self._shape_term(shape),
                    "(the instance itself)",
                    "",
                    node_parts,
                    self._severity(shape, shape),
                    self._message(shape, shape),
                    via,
                )
            )
        return sorted(rows, key=lambda r: (r.shape.iri, r.path == "(the instance itself)", r.path))

    def _property_row(self, shape: Node, prop_shape: Node, via: Term | None) -> Requirement:
        s = self.shapes
        low = s.value(prop_shape, SH.minCount)
        high = s.value(prop_shape, SH.maxCount)
        cardinality = (
            ""
            if low is None and high is None
            else f"{low or 0}..{high if high is not None else '*'}"
        )
        parts = tuple(
            part
            for predicate in (
                *_VALUE_CONSTRAINTS,
                SH["in"],
                *(p for p, _ in _RANGE_CONSTRAINTS),
                *_NODE_CONSTRAINTS,
                SH.qualifiedValueShape,
            )
            for value in s.objects(prop_shape, predicate)
            for part in self._constraint_parts(predicate, value)
        )
        return Requirement(
            self._shape_term(shape),
            path_text(s, s.value(prop_shape, SH.path)),
            cardinality,
            parts,
            self._severity(prop_shape, shape),
            self._message(prop_shape, shape),
            via,
        )

    def _constraint_parts(self, predicate: URIRef, value: Node) -> list[Part]:
        s = self.shapes
        if predicate in _VALUE_CONSTRAINTS:
            key = {
                SH.datatype: "",
                SH["class"]: "",
                SH.nodeKind: "",
                SH.hasValue: "= ",
                SH.node: "shape ",
            }[predicate]
            return [
                Part(key, self.term(value)) if isinstance(value, URIRef) else Part(key + str(value))
            ]
        if predicate == SH["in"]:
            members = ", ".join(
                name(m) if isinstance(m, URIRef) else str(m) for m in Collection(s, value)
            )
            return [Part(f"one of {{{members}}}")]
        for constraint, symbol in _RANGE_CONSTRAINTS:
            if predicate == constraint:
                return [Part(f"{symbol} {value}")]
        if predicate == SH.sparql:
            return [Part("a SPARQL constraint")]
        if predicate == SH["not"]:
            return [Part("not ("), *self._shape_parts(value), Part(")")]
        if predicate == SH.qualifiedValueShape:
            return [Part("qualified: "), *self._shape_parts(value)]
        joiner = {SH["or"]: " or ", SH.xone: " xor ", SH["and"]: " and "}[predicate]
        parts: list[Part] = []
        for i, member in enumerate(Collection(s, value)):
            parts += ([Part(joiner)] if i else []) + self._shape_parts(member)
        return parts

    def _shape_parts(self, shape: Node) -> list[Part]:
        """The constraints of a nested shape (a member of sh:or, sh:not, ...), path first if it has one."""
        parts: list[Part] = []
        path = self.shapes.value(shape, SH.path)
        if path is not None:
            parts.append(Part(path_text(self.shapes, path) + " "))
        for predicate, value in sorted(self.shapes.predicate_objects(shape)):
            if predicate in (SH.minCount, SH.maxCount):
                parts.append(Part(f"{name(predicate).removeprefix('sh:')} {value} "))
            elif predicate in (
                *_VALUE_CONSTRAINTS,
                SH["in"],
                *_NODE_CONSTRAINTS,
            ) or predicate in dict(_RANGE_CONSTRAINTS):
                parts += self._constraint_parts(predicate, value)
        return parts or [Part("(a shape)")]

    def _shape_term(self, shape: Node) -> Term:
        return self.term(shape) if isinstance(shape, URIRef) else Term("", "(an unnamed shape)")

    def _severity(self, node: Node, shape: Node) -> str:
        severity = self.shapes.value(node, SH.severity) or self.shapes.value(shape, SH.severity)
        return name(severity or SH.Violation).removeprefix("sh:")

    def _message(self, node: Node, shape: Node) -> str:
        return _english(self.shapes.objects(node, SH.message)) or _english(
            self.shapes.objects(shape, SH.message)
        )

    def _terms(self, iris: Iterable[Node], inferred: bool = False) -> list[Term]:
        """The named ones among `iris` as terms, by label."""
        named = {i for i in iris if isinstance(i, URIRef)}
        return sorted((self.term(i, inferred) for i in named), key=lambda t: t.label.lower())


_TARGETS = (
    (SH.targetClass, "class"),
    (SH.targetNode, "node"),
    (SH.targetSubjectsOf, "subjects of"),
    (SH.targetObjectsOf, "objects of"),
    (SH.target, "custom target"),
)


def path_text(shapes: Graph, path: Node | None) -> str:
    """A SHACL property path in SPARQL's path syntax (`^p`, `p/q`, `p|q`, `p*`)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return name(path)
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{path_text(shapes, inverse)}"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return f"{path_text(shapes, inner)}{suffix}"
    if shapes.value(path, RDF.first) is not None:
        return "/".join(path_text(shapes, p) for p in Collection(shapes, path))
    return "(a path)"


def _path_terms(shapes: Graph, path: Node | None) -> set[Node]:
    """Every IRI a property path mentions."""
    if path is None:
        return set()
    if isinstance(path, URIRef):
        return {path}
    found: set[Node] = set()
    if shapes.value(path, RDF.first) is not None:
        for member in Collection(shapes, path):
            found |= _path_terms(shapes, member)
    for predicate in (
        SH.inversePath,
        SH.zeroOrMorePath,
        SH.oneOrMorePath,
        SH.zeroOrOnePath,
        SH.alternativePath,
    ):
        found |= _path_terms(shapes, shapes.value(path, predicate))
    return found


def _named(graph: Graph, nodes: Iterable[Node]) -> set[URIRef]:
    """The named classes among `nodes`, a union's members counted as named."""
    found: set[URIRef] = set()
    for node in nodes:
        if isinstance(node, URIRef):
            found.add(node)
        elif graph.value(node, OWL.unionOf) is not None:
            found |= _named(graph, Collection(graph, graph.value(node, OWL.unionOf)))
    return found


def _english(values: Iterable[Node]) -> str:
    """The English (or untagged) literal among `values`, else any literal."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=str)
    for value in literals:
        if value.language in (None, "en") or (value.language or "").startswith("en-"):
            return str(value)
    return str(literals[0]) if literals else ""


def _part(model: Model, value: Node) -> Part:
    return Part("", model.term(value)) if isinstance(value, URIRef) else Part(str(value))
