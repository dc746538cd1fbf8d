"""Run an OWL reasoner (owlready2's HermiT, or its Pellet on Java 25; in a World of its own) for consistency
and inferred types."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import owlready2
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import ONTOLOGY_IRI, bind_all

INFERRED_PREDICATES = (RDF.type, RDFS.subClassOf, OWL.equivalentClass)
TRIVIAL_OBJECTS = {OWL.Thing, OWL.NamedIndividual, OWL.Ontology}
_OWLREADY_INFERENCES = "http://inferrences/"  # where owlready2 puts what the reasoner infers
REASONERS = {"hermit": "HermiT", "pellet": "Pellet"}
# owlready2's Pellet runs on Java 25 (HermiT on the system's Java 17)
PELLET_JAVA = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
# The OWL 2 datatype map: HermiT refuses any other datatype (xsd:gYear, xsd:date, ...).
OWL2_DATATYPES = {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational} | {
    XSD[name]
    for name in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    ]
}


@dataclass
class ReasonerReport:
    """The reasoner's verdict: consistency, unsatisfiable classes, and the new facts it inferred."""

    consistent: bool
    data_at_fault: bool = False  # inconsistent, while the ontology alone is consistent
    unsatisfiable: list[URIRef] = field(default_factory=list)
    inferred: Graph = field(default_factory=Graph)
    reasoner: str = "hermit"
    cause: str = ""  # what contradicts what, when the reasoner says (the OWL 2 RL rules do)

    @property
    def ok(self) -> bool:
        """Consistent and every named class satisfiable."""
        return self.consistent and not self.unsatisfiable

    def message(self) -> str:
        """One line saying what the reasoner found."""
        name = REASONERS.get(self.reasoner, self.reasoner)
        if self.data_at_fault:
            cause = f": {self.cause}" if self.cause else ""
            return f"inconsistent ({name}): the data contradicts the ontology (the ontology alone is consistent){cause}"
        if not self.consistent:
            return f"inconsistent ({name}): the ontology itself has no model"
        if self.unsatisfiable:
            names = ", ".join(f"<{c}>" for c in self.unsatisfiable)
            return f"unsatisfiable classes (equivalent to owl:Nothing): {names}"
        return f"consistent; {len(self.inferred)} inferred triples"


def reason(ontology: Graph, data: Graph | None = None, reasoner: str = "hermit") -> ReasonerReport:
    """Classify `ontology` (plus the individuals in `data`) with HermiT (or Pellet).

    The graphs are handed to owlready2 as N-Triples without their owl:imports (already merged), so
    nothing is fetched, and without values and ranges in datatypes outside the OWL 2 datatype map
    (e.g. xsd:gYear), which HermiT refuses and classification does not use. The inferred graph holds new rdf:type, rdfs:subClassOf and owl:equivalentClass
    triples between named terms that the input does not already state.
    """
    merged = Graph()
    merged += ontology
    if data is not None:
        merged += data
    try:
        with classified(merged, reasoner) as world:
            return ReasonerReport(
                True, False, _unsatisfiable(world), _inferred(world, merged), reasoner
            )
    except owlready2.OwlReadyInconsistentOntologyError:
        at_fault = data is not None and reason(ontology, reasoner=reasoner).consistent
        return ReasonerReport(False, data_at_fault=at_fault, reasoner=reasoner)


@contextmanager
def classified(graph: Graph, reasoner: str = "hermit") -> Iterator[owlready2.World]:
    """A World of its own holding `graph` (imports and unsupported datatypes left out), classified by
    `reasoner`; OwlReadyInconsistentOntologyError when it has no model, UserError when the reasoner fails
    or Pellet's Java 25 is missing."""
    merged = reasoner_input(graph)
    world = owlready2.World()
    try:
        world.get_ontology(ONTOLOGY_IRI).load(
            fileobj=BytesIO(merged.serialize(format="nt", encoding="utf-8")), format="ntriples"
        )
        _run(world, reasoner)
        yield world
    except owlready2.OwlReadyJavaError as exc:
        raise UserError(f"{REASONERS[reasoner]} failed: {_java_cause(exc)}") from None
    finally:
        world.close()


def reasoner_input(graph: Graph) -> Graph:
    """A copy of `graph` as the reasoners see it: no owl:imports (already merged), no literal of a datatype
    outside the OWL 2 datatype map and no range in one (HermiT refuses them; classification ignores them)."""
    merged = Graph()
    merged += (triple for triple in graph if supported(triple))
    return merged


def supported(triple: tuple[Node, Node, Node]) -> bool:
    """Whether the reasoners see `triple` (`reasoner_input`)."""
    _, p, o = triple
    return p != OWL.imports and not _unsupported(o) and not (p == RDFS.range and _unsupported_xsd(o))


def _run(world: owlready2.World, reasoner: str) -> None:
    """Classify `world`; for Pellet, owlready2's one Java setting points to Java 25 for the run only."""
    if reasoner == "hermit":
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        return
    if not PELLET_JAVA.exists():
        raise UserError(
            f"--reasoner pellet needs Java 25, not found at {PELLET_JAVA.parent.parent}"
        )
    java, owlready2.JAVA_EXE = owlready2.JAVA_EXE, str(PELLET_JAVA)
    try:
        owlready2.sync_reasoner_pellet(
            world, infer_property_values=False, infer_data_property_values=False, debug=0
        )
    finally:
        owlready2.JAVA_EXE = java


def _unsupported(term: object) -> bool:
    """A literal whose datatype HermiT refuses."""
    return (
        isinstance(term, Literal)
        and term.datatype is not None
        and term.datatype not in OWL2_DATATYPES
    )


def _unsupported_xsd(term: object) -> bool:
    """An XML Schema datatype outside the OWL 2 datatype map."""
    return isinstance(term, URIRef) and term.startswith(str(XSD)) and term not in OWL2_DATATYPES


def require_ok(report: ReasonerReport) -> ReasonerReport:
    """`report` unchanged when consistent and coherent; otherwise a UserError with its message."""
    if not report.ok:
        raise UserError(report.message())
    return report


def _unsatisfiable(world: owlready2.World) -> list[URIRef]:
    return sorted(URIRef(c.iri) for c in world.inconsistent_classes() if c is not owlready2.Nothing)


def _inferred(world: owlready2.World, asserted: Graph) -> Graph:
    inferred = Graph()
    bind_all(inferred)
    wanted = {world._abbreviate(str(p)): p for p in INFERRED_PREDICATES}
    for s, p, o in world.get_ontology(_OWLREADY_INFERENCES).get_triples():
        if p not in wanted or not (isinstance(o, int) and s > 0 and o > 0):
            continue  # literal values and anonymous class expressions are not reported
        triple = (URIRef(world._unabbreviate(s)), wanted[p], URIRef(world._unabbreviate(o)))
        if triple[2] not in TRIVIAL_OBJECTS and triple[0] != triple[2] and triple not in asserted:
            inferred.add(triple)
    return inferred


def _java_cause(exc: Exception) -> str:
    """The first informative line of HermiT's Java error output."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    useful = (
        [line for line in lines if "Exception" in line or "Error" in line]
        or lines
        or ["unknown error"]
    )
    return useful[0][:300]
