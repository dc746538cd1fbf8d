"""Explained inconsistencies: `clusterkg reason` names the statements that cause an inconsistency or an
unsatisfiable class (black-box: expand, then QuickXplain), with files and lines; `--reasoner pellet`.
Reasoner runs are few: one CLI explanation, one small unsatisfiable class, one Pellet classification."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from clusterkg.kg import reason as reason_module
from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.errors import display_path
from clusterkg.kg.explain import Axiom, _quickxplain, axioms_of, explain, unsatisfiable
from clusterkg.kg.namespaces import CKG, sparql_prologue
from clusterkg.kg.ontology import ontology_files
from clusterkg.kg.turtle_lines import SourceMap

EXAMPLE = Namespace("https://w3id.org/clusterkg/test/example/")
HYBRID = PROJECT_ROOT / "tests" / "data" / "explain" / "hybrid-cluster.ttl"
CLUSTERS = PROJECT_ROOT / "ontology" / "modules" / "clusters.ttl"


def _line(path: Path, starts: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(starts)
    )


def _blocks(output: str) -> dict[str, Graph]:
    """`# place` -> the statements printed under it, parsed."""
    prologue = "".join(
        f"@prefix {line.split()[1]} {line.split()[2]} .\n"
        for line in sparql_prologue().splitlines()
    )
    found, place, text = {}, None, []
    for line in [*output.splitlines(), "# end"]:
        if line.startswith("# "):
            if place is not None:
                found[place] = Graph().parse(data=prologue + "\n".join(text), format="turtle")
            place, text = line[2:], []
        else:
            text.append(line)
    return found


def test_a_cluster_organised_around_two_principles_is_explained(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reason", str(HYBRID)])
    assert result.exit_code == 1
    assert result.stderr == (
        "reasoner: inconsistent (HermiT): the data contradicts the ontology "
        "(the ontology alone is consistent)\n"
    )
    header, *_ = result.stdout.splitlines()
    assert header.startswith("# inconsistent (HermiT): the data contradicts the ontology")
    blocks = _blocks(result.stdout)
    hybrid, clusters = display_path(HYBRID), display_path(CLUSTERS)
    cluster = EXAMPLE["hybrid-cluster"]
    assert (cluster, CKG.organisedAround, CKG.DenseAgglomerationOfActors) in blocks[f"{hybrid}:9"]
    assert (cluster, CKG.organisedAround, CKG.EndMarketProducerRequirements) in blocks[
        f"{hybrid}:10"
    ]
    disjoint = blocks[f"{clusters}:{_line(CLUSTERS, '[] a owl:AllDisjointClasses')}"]
    assert next(disjoint.subjects(RDF.type, OWL.AllDisjointClasses), None) is not None
    # the two defined classes the cluster falls into, each at the line of its equivalence
    for cls in (CKG.MarshallianIndustrialDistrict, CKG.IndustrialComplex):
        shown = [g for g in blocks.values() if (cls, OWL.equivalentClass, None) in g]
        assert len(shown) == 1
    # nothing else but what makes the cluster an industrial cluster (its type, or organisedAround's domain)
    assert len(blocks) - 1 == 6  # the header counts as the first block
    assert "these 6 statements cause it" in header


def test_an_unsatisfiable_class_is_explained_minimally(core_dir: Path) -> None:
    sources = SourceMap.read(ontology_files(core_dir / "ontology"))
    ontology = sources.graph()
    ontology.add((CKG.TrustedProximity, RDF.type, OWL.Class))
    ontology.add((CKG.TrustedProximity, RDFS.subClassOf, CKG.Trust))
    ontology.add((CKG.TrustedProximity, RDFS.subClassOf, CKG.Proximity))
    found = explain(
        ontology, unsatisfiable(CKG.TrustedProximity, "hermit"), {CKG.TrustedProximity}, "x"
    )
    assert {t for a in found.axioms for t in a.triples} == {
        (CKG.TrustedProximity, RDFS.subClassOf, CKG.Trust),
        (CKG.TrustedProximity, RDFS.subClassOf, CKG.Proximity),
        (CKG.Trust, OWL.disjointWith, CKG.Proximity),
    }
    text = found.turtle(sources)
    core = display_path(core_dir / "ontology" / "modules" / "core.ttl")
    assert f"# {core}:18\nckg:Trust owl:disjointWith ckg:Proximity ." in text
    assert "# (given)\nckg:TrustedProximity rdfs:subClassOf ckg:Trust ." in text
    assert "# (given)\nckg:TrustedProximity rdfs:subClassOf ckg:Proximity ." in text


def test_quickxplain_finds_the_one_minimal_cause_among_many() -> None:
    """The search itself, with a predicate in place of the reasoner: 3 needed axioms among 40."""
    graph = Graph()
    for i in range(40):
        graph.add((EXAMPLE[f"c{i}"], RDFS.subClassOf, EXAMPLE[f"c{i + 1}"]))
    _, axioms = axioms_of(graph)
    needed = {
        a for a in axioms if any(str(s).endswith(("c3", "c17", "c31")) for s, _, _ in a.triples)
    }
    runs = []

    def holds(chosen: list[Axiom]) -> bool:
        runs.append(1)
        return needed <= set(chosen)

    assert set(_quickxplain([], axioms, holds, False)) == needed
    assert len(runs) < 40  # fewer trials than removing the axioms one by one


@pytest.mark.skipif(not reason_module.PELLET_JAVA.exists(), reason="no Java 25 for Pellet here")
def test_pellet_classifies_the_example_clusters() -> None:
    example = PROJECT_ROOT / "ontology" / "examples" / "cluster-classification.ttl"
    result = CliRunner().invoke(main, ["reason", "--reasoner", "pellet", str(example)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "reasoner: consistent; 3 inferred triples\n"
    inferred = Graph().parse(data=result.stdout, format="turtle")
    assert (
        URIRef("https://w3id.org/clusterkg/example/trust-network"),
        RDF.type,
        CKG.SocialNetworkCluster,
    ) in inferred


def test_pellet_without_java_25_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(reason_module, "PELLET_JAVA", tmp_path / "jdk" / "bin" / "java")
    example = PROJECT_ROOT / "ontology" / "examples" / "cluster-classification.ttl"
    result = CliRunner().invoke(main, ["reason", "--reasoner", "pellet", str(example)])
    assert result.exit_code == 2
    assert result.stderr == f"--reasoner pellet needs Java 25, not found at {tmp_path / 'jdk'}\n"
