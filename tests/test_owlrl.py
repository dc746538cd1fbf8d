"""The OWL 2 RL rules ingest reasons with (kg.owlrl) against HermiT (kg.reason.reason): the same inferred
types and the same verdicts on the seed, on every ingest example and test batch, and on contradictions;
HermiT where the ontology or the data hold what the rules do not cover."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from clusterkg.kg.build import BuildResult, data_graph
from clusterkg.kg.cli import main
from clusterkg.kg.config import PACKAGED_QUERIES, PROJECT_ROOT, Settings
from clusterkg.kg.namespaces import CKG, CKGRAPH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.owlrl import rl_reason, uncovered
from clusterkg.kg.reason import reason
from clusterkg.kg.sources.inference import inferred_after
from clusterkg.kg.sources.ingest import SUFFIXES, open_source
from clusterkg.kg.store import open_store

DATA = Path(__file__).parent / "data"
TEST = "https://w3id.org/clusterkg/test/"
BATCHES = sorted(
    p
    for folder in (DATA / "ingest", DATA / "reconcile")
    for p in folder.iterdir()
    if p.suffix in SUFFIXES and "expected" not in p.name
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(Settings().ontology_dir)


def _same_as_hermit(ontology: Graph, data: Graph) -> None:
    rules = rl_reason(ontology, data)
    hermit = reason(ontology, data)
    assert rules is not None, uncovered(ontology, data)
    assert (rules.consistent, rules.data_at_fault) == (hermit.consistent, hermit.data_at_fault)
    assert set(rules.inferred) == set(hermit.inferred)


def test_the_rules_infer_what_hermit_infers_on_the_seed(
    ontology: Graph, built: BuildResult
) -> None:
    data = data_graph(built.dataset)
    _same_as_hermit(ontology, data)
    assert len(rl_reason(ontology, data).inferred) > 0  # type: ignore[union-attr]


@pytest.mark.parametrize("path", BATCHES, ids=lambda p: p.name)
def test_the_rules_infer_what_hermit_infers_on_each_ingest_batch(
    ontology: Graph, built: BuildResult, path: Path
) -> None:
    """Each batch with the seed around it, as ingest would reason over it."""
    batch = open_source(path).to_graph()
    _same_as_hermit(ontology, data_graph(built.dataset) + batch)


def test_the_rules_classify_the_example_clusters_as_hermit_does(ontology: Graph) -> None:
    examples = Graph().parse(PROJECT_ROOT / "ontology" / "examples" / "cluster-classification.ttl")
    _same_as_hermit(ontology, examples)
    assert len(rl_reason(ontology, examples).inferred) == 3  # type: ignore[union-attr]


def _hybrid() -> Graph:
    hybrid, cluster = Graph(), URIRef(TEST + "hybrid-cluster")
    hybrid.add((cluster, RDF.type, CKG.IndustrialCluster))
    hybrid.add((cluster, CKG.organisedAround, CKG.DenseAgglomerationOfActors))
    hybrid.add((cluster, CKG.organisedAround, CKG.EndMarketProducerRequirements))
    return hybrid


def _text_where_a_number_is_wanted() -> Graph:
    wrong = Graph()
    wrong.add((URIRef(TEST + "authorship"), CKG.authorPosition, Literal("first")))
    return wrong


def _language_where_a_string_is_wanted() -> Graph:
    wrong = Graph()
    wrong.add((URIRef(TEST + "source"), CKG.sha256, Literal("abc", lang="en")))
    return wrong


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (_hybrid(), "cax-dw, <https://w3id.org/clusterkg/test/hybrid-cluster>"),
        (
            _text_where_a_number_is_wanted(),
            "dt-range, <https://w3id.org/clusterkg/test/authorship>",
        ),
        (
            _language_where_a_string_is_wanted(),
            "dt-range, <https://w3id.org/clusterkg/test/source>",
        ),
    ],
    ids=["disjoint-classes", "text-for-integer", "language-for-string"],
)
def test_the_rules_refuse_what_hermit_refuses_with_one_line(
    ontology: Graph, data: Graph, cause: str
) -> None:
    rules = rl_reason(ontology, data)
    assert rules is not None and not rules.ok and rules.data_at_fault
    hermit = reason(ontology, data)
    assert not hermit.consistent and hermit.data_at_fault
    line = rules.message()
    assert "\n" not in line
    assert line.startswith(
        "inconsistent (OWL 2 RL rules): the data contradicts the ontology (the ontology alone is "
        f"consistent): {cause}"
    )


def _with_some_values(ontology: Graph) -> Graph:
    """The ontology and one axiom the rules do not cover: what is near anything is a test class
    (owl:someValuesFrom)."""
    extended, restriction = Graph(), BNode()
    extended += ontology
    extended.add((URIRef(TEST + "Organised"), RDF.type, OWL.Class))
    extended.add((URIRef(TEST + "Organised"), OWL.equivalentClass, restriction))
    extended.add((restriction, RDF.type, OWL.Restriction))
    extended.add((URIRef(TEST + "near"), RDF.type, OWL.ObjectProperty))
    extended.add((restriction, OWL.onProperty, URIRef(TEST + "near")))
    extended.add((restriction, OWL.someValuesFrom, OWL.Thing))
    return extended


@pytest.mark.parametrize(
    "data",
    [
        Graph().add((URIRef(TEST + "a"), OWL.sameAs, URIRef(TEST + "b"))),
        Graph()
        .add((URIRef(TEST + "q"), CKG.evidenceKind, CKG.Supports))
        .add((URIRef(TEST + "q"), CKG.evidenceKind, CKG.Disputes)),
        Graph().add((URIRef(TEST + "kind"), RDF.type, CKG.EvidenceKind)),
        Graph().add((URIRef(TEST + "a"), CKG.authorPosition, Literal("1.5", datatype=XSD.decimal))),
        Graph().add((URIRef(TEST + "C"), RDFS.subClassOf, CKG.IndustrialCluster)),
    ],
    ids=[
        "sameAs",
        "functional-two-values",
        "enumeration-non-member",
        "decimal-for-integer",
        "class-in-data",
    ],
)
def test_what_the_rules_do_not_decide_goes_to_hermit(ontology: Graph, data: Graph) -> None:
    assert uncovered(ontology, data)
    assert rl_reason(ontology, data) is None


def test_ingest_reasons_with_hermit_when_the_ontology_has_an_axiom_the_rules_do_not_cover(
    settings: Settings,
) -> None:
    extended = _with_some_values(load_ontology(settings.ontology_dir))
    examples = Graph().parse(PROJECT_ROOT / "ontology" / "examples" / "cluster-classification.ttl")
    cluster = URIRef("https://w3id.org/clusterkg/example/agglomeration-cluster")
    examples.add((cluster, URIRef(TEST + "near"), URIRef(TEST + "somewhere")))
    assert uncovered(extended, examples)
    graph = CKGRAPH["source/test"]
    with closing(open_store(settings)) as store:
        inferred = inferred_after(store, PACKAGED_QUERIES, extended, graph, Graph(), examples)
    assert (cluster, RDF.type, URIRef(TEST + "Organised")) in inferred  # only HermiT finds it
    assert (cluster, RDF.type, CKG.MarshallianIndustrialDistrict) in inferred


def test_an_inconsistent_ontology_is_told_apart_from_bad_data_as_hermit_does(
    ontology: Graph,
) -> None:
    broken = Graph()
    broken += ontology
    broken += _hybrid()
    rules = rl_reason(broken, Graph())
    assert rules is not None and (rules.consistent, rules.data_at_fault) == (False, False)
    hermit = reason(broken, Graph())
    assert (hermit.consistent, hermit.data_at_fault) == (False, False)
    assert rules.message() == "inconsistent (OWL 2 RL rules): the ontology itself has no model"


def test_an_unsatisfiable_class_goes_to_hermit_which_names_it(ontology: Graph) -> None:
    incoherent, hybrid = Graph(), CKG.HybridCluster
    incoherent += ontology
    incoherent.add((hybrid, RDF.type, OWL.Class))
    incoherent.add((hybrid, RDFS.subClassOf, CKG.MarshallianIndustrialDistrict))
    incoherent.add((hybrid, RDFS.subClassOf, CKG.IndustrialComplex))
    assert any(line.startswith("unsatisfiable-class: ") for line in uncovered(incoherent, Graph()))
    assert rl_reason(incoherent, Graph()) is None
    assert reason(incoherent, Graph()).unsatisfiable == [hybrid]


def test_ingest_refuses_a_contradiction_in_one_line_and_writes_nothing(settings: Settings) -> None:
    hybrid = DATA / "explain" / "hybrid-cluster.ttl"
    done = CliRunner().invoke(
        main, ["--data-dir", str(settings.data_dir), "--store", "embedded", "ingest", str(hybrid)]
    )
    assert done.exit_code == 2
    assert done.output == (
        "inconsistent (OWL 2 RL rules): the data contradicts the ontology (the ontology alone is "
        "consistent): cax-dw, <https://w3id.org/clusterkg/test/example/hybrid-cluster> "
        "<https://w3id.org/clusterkg/ontology#IndustrialComplex> "
        "<https://w3id.org/clusterkg/ontology#MarshallianIndustrialDistrict>\n"
    )
    with closing(open_store(settings)) as store:
        assert store.count() == 0
