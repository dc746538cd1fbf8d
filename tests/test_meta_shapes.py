"""Meta-shapes: the real ontology, and the shapes themselves, conform; a broken term, header or shape fails
with the expected focus node and constraint; an ontology with no files or no terms fails instead of passing.

Broken cases are made by changing one thing in a copy of the REAL ontology (or shapes) graph.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from clusterkg.kg.config import load_settings
from clusterkg.kg.namespaces import CKG, FABIO, ONTOLOGY_IRI, SH, VANN
from clusterkg.kg.ontology import load_ontology, ontology_files
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.validate import Shapes, load_shapes, validate

CKS = "https://w3id.org/clusterkg/shapes#"
META_HEADER = URIRef("https://w3id.org/clusterkg/shapes/meta")
UMBRELLA = URIRef(ONTOLOGY_IRI)
MODULE = "https://w3id.org/clusterkg/ontology/"

Outcome = tuple[Node, Node, URIRef]  # focus node, sh:sourceConstraintComponent, severity


def component(name: str) -> URIRef:
    return SH[f"{name}ConstraintComponent"]


def violation(focus: Node, name: str) -> Outcome:
    return (focus, component(name), SH.Violation)


def check(graph: Graph, shapes: Shapes) -> set[Outcome]:
    """Validate `graph` against the meta-shapes, as the validator does for the ontology graph."""
    results = validate(graph, shapes.meta, source="meta-shacl").results
    return {(r.focus_node, r.constraint, r.severity) for r in results}


def target_query(shapes: Shapes, shape: str) -> str:
    """The SPARQL target of a meta-shape, with the prefixes the meta-shapes declare."""
    select = shapes.meta.value(shapes.meta.value(URIRef(CKS + shape), SH.target), SH.select)
    prologue = "".join(
        f"PREFIX {shapes.meta.value(d, SH.prefix)}: <{shapes.meta.value(d, SH.namespace)}>\n"
        for d in shapes.meta.objects(META_HEADER, SH.declare)
    )
    return prologue + str(select)


@pytest.fixture(scope="module")
def ontology_dir() -> Path:
    return load_settings().ontology_dir


@pytest.fixture(scope="module")
def ontology(ontology_dir: Path) -> Graph:
    return load_ontology(ontology_dir)


@pytest.fixture(scope="module")
def shapes(ontology_dir: Path) -> Shapes:
    return load_shapes(ontology_dir)


def copy(graph: Graph) -> Graph:
    result = Graph()
    result += graph
    return result


# --- the real ontology and shapes ------------------------------------------------------------------------


def test_ontology_files_found(ontology_dir: Path) -> None:
    files = ontology_files(ontology_dir)
    assert len(files) >= 2, "expected the umbrella and at least one module"
    for path in files:
        graph = parse_graph(path)
        assert set(graph.subjects(RDF.type, OWL.Ontology)), (
            f"{path.name} has no owl:Ontology header"
        )
        declared = {
            s for s in graph.subjects(RDFS.isDefinedBy, None) if (s, RDF.type, None) in graph
        }
        if path.parent.name == "modules":
            assert declared, f"{path.name} declares no term"


def test_meta_shapes_found(shapes: Shapes) -> None:
    assert len(shapes.meta) > 0, "no meta-shapes found under shapes/meta/"


def test_meta_shapes_target_every_minted_term(ontology: Graph, shapes: Shapes) -> None:
    targeted = {row[0] for row in ontology.query(target_query(shapes, "TermDocumentationShape"))}
    minted = {
        s for s in ontology.subjects(RDFS.isDefinedBy, UMBRELLA) if str(s).startswith(str(CKG))
    }
    assert len(minted) >= 50
    assert targeted == minted


def test_real_ontology_conforms(ontology: Graph, shapes: Shapes) -> None:
    assert check(ontology, shapes) == set()


def test_shapes_conform_to_meta_shapes(ontology: Graph, shapes: Shapes) -> None:
    """The data shapes and meta-shapes, read together with the ontology: named, documented, with severity
    and message, and every ckg: term they mention declared by the ontology."""
    graph = ontology + shapes.data + shapes.meta
    linted = {row[0] for row in graph.query(target_query(shapes, "NamedShapeShape"))}
    assert len(linted) >= 40, "the shape-lint target found too few shapes"
    assert check(graph, shapes) == set()


def test_empty_ontology_fails(shapes: Shapes) -> None:
    outcomes = check(Graph(), shapes)
    assert violation(UMBRELLA, "Class") in outcomes
    assert violation(UMBRELLA, "MinCount") in outcomes


def test_ontology_without_modules_fails(ontology_dir: Path, shapes: Shapes) -> None:
    umbrella_only = parse_graph(ontology_dir / "clusterkg.ttl")
    assert check(umbrella_only, shapes) == {violation(UMBRELLA, "MinCount")}


# --- broken ontology terms and headers -------------------------------------------------------------------

Mutation = Callable[[Graph], set[Outcome]]


def drop(subject: URIRef, predicate: URIRef, focus: Node, name: str) -> Mutation:
    def mutate(graph: Graph) -> set[Outcome]:
        assert (subject, predicate, None) in graph, (
            "the real ontology changed: update this test case"
        )
        graph.remove((subject, predicate, None))
        return {violation(focus, name)}

    return mutate


def replace(subject: URIRef, predicate: URIRef, value: Node, focus: Node, name: str) -> Mutation:
    def mutate(graph: Graph) -> set[Outcome]:
        assert (subject, predicate, None) in graph, (
            "the real ontology changed: update this test case"
        )
        graph.set((subject, predicate, value))
        return {violation(focus, name)}

    return mutate


def add(triple: tuple[Node, Node, Node], expected: set[Outcome]) -> Mutation:
    def mutate(graph: Graph) -> set[Outcome]:
        graph.add(triple)
        return expected

    return mutate


ONTOLOGY_CASES: dict[str, Mutation] = {
    "term-missing-label": drop(CKG.Claim, RDFS.label, CKG.Claim, "QualifiedMinCount"),
    "term-label-without-language": replace(
        CKG.Claim, RDFS.label, Literal("claim"), CKG.Claim, "QualifiedMinCount"
    ),
    "term-two-english-labels": add(
        (CKG.Claim, RDFS.label, Literal("assertion", lang="en")),
        {violation(CKG.Claim, "QualifiedMaxCount")},
    ),
    "term-missing-definition": drop(
        CKG.hasQuote, SKOS.definition, CKG.hasQuote, "QualifiedMinCount"
    ),
    "individual-missing-is-defined-by": drop(
        CKG.Supports, RDFS.isDefinedBy, CKG.Supports, "HasValue"
    ),
    "term-defined-by-another-ontology": replace(
        CKG.Supports,
        RDFS.isDefinedBy,
        URIRef("http://purl.org/spar/cito"),
        CKG.Supports,
        "HasValue",
    ),
    "new-term-undocumented": add(
        (CKG.Cluster, RDF.type, OWL.Class),
        {violation(CKG.Cluster, "QualifiedMinCount"), violation(CKG.Cluster, "HasValue")},
    ),
    "term-used-but-undeclared": add(
        (CKG.Finding, RDFS.subClassOf, CKG.Clam), {violation(CKG.Clam, "MinCount")}
    ),
    "umbrella-missing-license": drop(UMBRELLA, DCTERMS.license, UMBRELLA, "MinCount"),
    "umbrella-created-not-a-date": replace(
        UMBRELLA, DCTERMS.created, Literal("2026-11-29"), UMBRELLA, "Datatype"
    ),
    "umbrella-missing-version-info": drop(UMBRELLA, OWL.versionInfo, UMBRELLA, "MinCount"),
    "umbrella-missing-preferred-prefix": drop(
        UMBRELLA, VANN.preferredNamespacePrefix, UMBRELLA, "MinCount"
    ),
    "umbrella-missing-description": drop(
        UMBRELLA, DCTERMS.description, UMBRELLA, "QualifiedMinCount"
    ),
    "module-missing-version-iri": drop(
        URIRef(MODULE + "clusters"), OWL.versionIRI, URIRef(MODULE + "clusters"), "MinCount"
    ),
    "module-missing-title": drop(
        URIRef(MODULE + "evidence"), DCTERMS.title, URIRef(MODULE + "evidence"), "QualifiedMinCount"
    ),
    "module-modified-not-a-date": add(
        (URIRef(MODULE + "policy"), DCTERMS.modified, Literal("yesterday")),
        {violation(URIRef(MODULE + "policy"), "Datatype")},
    ),
}


@pytest.mark.parametrize("case", sorted(ONTOLOGY_CASES))
def test_broken_ontology_fails_on_the_expected_node(
    case: str, ontology: Graph, shapes: Shapes
) -> None:
    graph = copy(ontology)
    expected = ONTOLOGY_CASES[case](graph)
    assert check(graph, shapes) == expected


# --- broken shapes -----------------------------------------------------------------------------------------


def property_shape(graph: Graph, shape: str, path: URIRef) -> Node:
    return next(
        p for p in graph.objects(URIRef(CKS + shape), SH.property) if (p, SH.path, path) in graph
    )


def sparql_constraint(graph: Graph, shape: str) -> Node:
    return next(graph.objects(URIRef(CKS + shape), SH.sparql))


def drop_from_shape(shape: str, predicate: URIRef, name: str) -> Mutation:
    return drop(URIRef(CKS + shape), predicate, URIRef(CKS + shape), name)


def drop_property_severity(graph: Graph) -> set[Outcome]:
    node = property_shape(graph, "StudyShape", FABIO.hasPublicationYear)
    graph.remove((node, SH.severity, None))
    return {violation(node, "MinCount")}


def drop_sparql_message(graph: Graph) -> set[Outcome]:
    node = sparql_constraint(graph, "RecommendationEvidenceShape")
    graph.remove((node, SH.message, None))
    return {violation(node, "MinCount")}


def foreign_shape(graph: Graph) -> set[Outcome]:
    shape = URIRef("http://example.org/ClaimShape")
    for p, o in [
        (RDF.type, SH.NodeShape),
        (SH.targetClass, CKG.Claim),
        (SH.severity, SH.Violation),
        (SH.message, Literal("x", lang="en")),
        (RDFS.label, Literal("claim", lang="en")),
        (RDFS.comment, Literal("x", lang="en")),
        (SH.nodeKind, SH.IRI),
    ]:
        graph.add((shape, p, o))
    return {violation(shape, "Pattern")}


def anonymous_targeted_shape(graph: Graph) -> set[Outcome]:
    shape = BNode()
    for p, o in [
        (RDF.type, SH.NodeShape),
        (SH.targetClass, CKG.Claim),
        (SH.severity, SH.Warning),
        (SH.message, Literal("x", lang="en")),
        (SH.nodeKind, SH.IRI),
    ]:
        graph.add((shape, p, o))
    return {violation(shape, "NodeKind")}


SHAPE_CASES: dict[str, Mutation] = {
    "shape-missing-severity": drop_from_shape("StudyTitleShape", SH.severity, "MinCount"),
    "shape-missing-message": drop_from_shape("StudyTitleShape", SH.message, "Or"),
    "shape-missing-comment": drop_from_shape("ConceptShape", RDFS.comment, "MinCount"),
    "shape-severity-unknown": replace(
        URIRef(CKS + "PolicyShape"), SH.severity, SH.Fatal, URIRef(CKS + "PolicyShape"), "In"
    ),
    "property-shape-missing-severity": drop_property_severity,
    "sparql-constraint-missing-message": drop_sparql_message,
    "shape-outside-the-shapes-namespace": foreign_shape,
    "targeted-shape-without-iri": anonymous_targeted_shape,
    "shape-targets-an-undeclared-class": add(
        (URIRef(CKS + "ClaimShape"), SH.targetClass, CKG.Clam), {violation(CKG.Clam, "MinCount")}
    ),
}


@pytest.mark.parametrize("case", sorted(SHAPE_CASES))
def test_broken_shape_fails_on_the_expected_node(
    case: str, ontology: Graph, shapes: Shapes
) -> None:
    graph = ontology + shapes.data + shapes.meta
    expected = SHAPE_CASES[case](graph)
    assert check(graph, shapes) == expected
