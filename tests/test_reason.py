"""The HermiT reasoner: classification of described clusters, consistency, unsatisfiable classes."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.reason import reason, require_ok

EXAMPLE = Namespace("https://w3id.org/clusterkg/example/")
TEST_EXAMPLE = Namespace("https://w3id.org/clusterkg/test/example/")


@pytest.fixture(scope="module")
def project_ontology() -> Graph:
    return load_ontology(Settings().ontology_dir)


def test_hermit_classifies_the_example_clusters_into_gordon_and_mccann_types(
    project_ontology: Graph,
) -> None:
    examples = parse_graph(PROJECT_ROOT / "ontology" / "examples" / "cluster-classification.ttl")
    report = reason(project_ontology, examples)
    assert report.ok and report.message() == "consistent; 3 inferred triples"
    assert set(report.inferred) == {
        (EXAMPLE["agglomeration-cluster"], RDF.type, CKG.MarshallianIndustrialDistrict),
        (EXAMPLE["end-producer-cluster"], RDF.type, CKG.IndustrialComplex),
        (EXAMPLE["trust-network"], RDF.type, CKG.SocialNetworkCluster),
    }


def test_a_cluster_of_two_gordon_and_mccann_types_contradicts_their_disjointness(
    project_ontology: Graph,
) -> None:
    hybrid = Graph()
    cluster = TEST_EXAMPLE["hybrid-cluster"]
    hybrid.add((cluster, RDF.type, CKG.IndustrialCluster))
    hybrid.add((cluster, CKG.organisedAround, CKG.DenseAgglomerationOfActors))
    hybrid.add((cluster, CKG.organisedAround, CKG.EndMarketProducerRequirements))
    report = reason(project_ontology, hybrid)
    assert not report.consistent and report.data_at_fault
    assert report.message() == (
        "inconsistent (HermiT): the data contradicts the ontology (the ontology alone is consistent)"
    )


def test_project_ontology_alone_is_consistent_and_coherent(project_ontology: Graph) -> None:
    report = reason(project_ontology)
    assert report.consistent and report.unsatisfiable == []


def test_small_ontology_classification_and_inferred_subclasses(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    report = reason(ontology, parse_graph(core_dir / "data" / "example-clusters.ttl"))
    assert set(report.inferred) == {
        (TEST_EXAMPLE["network"], RDF.type, CKG.SocialNetworkCluster),
        (CKG.Agglomeration, RDFS.subClassOf, CKG.IndustrialCluster),
        (CKG.SocialNetworkCluster, RDFS.subClassOf, CKG.IndustrialCluster),
    }


def test_unsatisfiable_class_is_named(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    ontology.add((CKG.TrustedProximity, RDF.type, OWL.Class))
    ontology.add((CKG.TrustedProximity, RDFS.subClassOf, CKG.Trust))
    ontology.add((CKG.TrustedProximity, RDFS.subClassOf, CKG.Proximity))
    report = reason(ontology)
    assert report.consistent and report.unsatisfiable == [CKG.TrustedProximity]
    assert report.message() == (
        "unsatisfiable classes (equivalent to owl:Nothing): <https://w3id.org/clusterkg/ontology#TrustedProximity>"
    )
    with pytest.raises(UserError) as caught:
        require_ok(report)
    assert str(caught.value) == report.message()


def test_data_contradicting_the_ontology_is_inconsistent(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    data = Graph()
    data.add((TEST_EXAMPLE["both"], RDF.type, CKG.Trust))
    data.add((TEST_EXAMPLE["both"], RDF.type, CKG.Proximity))
    report = reason(ontology, data)
    assert (report.consistent, report.data_at_fault, len(report.inferred)) == (False, True, 0)
    assert report.message() == (
        "inconsistent (HermiT): the data contradicts the ontology (the ontology alone is consistent)"
    )


def test_an_inconsistent_ontology_is_told_apart_from_bad_data(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    ontology.add((TEST_EXAMPLE["both"], RDF.type, CKG.Trust))
    ontology.add((TEST_EXAMPLE["both"], RDF.type, CKG.Proximity))
    report = reason(ontology, Graph())
    assert (report.consistent, report.data_at_fault) == (False, False)
    assert report.message() == "inconsistent (HermiT): the ontology itself has no model"


def test_values_outside_the_owl2_datatype_map_do_not_stop_hermit(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    ontology.add((CKG.year, RDFS.range, XSD.gYear))
    data = Graph()
    data.add((TEST_EXAMPLE["study"], CKG.year, Literal("1990", datatype=XSD.gYear)))
    data.add((TEST_EXAMPLE["study"], RDFS.label, Literal("study", lang="en")))
    assert reason(ontology, data).ok


def test_reasoning_leaves_owlready2_default_world_alone(core_dir: Path) -> None:
    before = set(owlready2.default_world.ontologies)
    reason(load_ontology(core_dir / "ontology"))
    assert set(owlready2.default_world.ontologies) == before
    assert owlready2.default_world.search_one(iri=str(CKG.Trust)) is None


def test_imports_are_never_followed_by_owlready2(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    ontology.add(
        (
            URIRef("https://w3id.org/clusterkg/ontology"),
            OWL.imports,
            URIRef("http://192.0.2.1/nowhere"),
        )
    )
    assert reason(ontology).ok
