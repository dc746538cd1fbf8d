"""Validation: SHACL (data and meta shapes) and violation queries, as a typed report with exact results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from clusterkg.kg.build import BuildResult, build_dataset
from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import CKG, CKR, INFERRED_GRAPH, OA, ONTOLOGY_GRAPH, SH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.rdfio import parse_into
from clusterkg.kg.store.memory import MemoryStore
from clusterkg.kg.validate import (
    ValidationReport,
    load_checks,
    load_shapes,
    neighbourhood,
    validate,
    validate_dataset,
    validate_focus,
)

TRUST = CKR["claim/trust"]
CONCENTRATIONS = CKR["claim/concentrations"]
PORTER = CKR["study/porter-1990"]
CKS = "https://w3id.org/clusterkg/shapes#"


def core_data(core_dir: Path) -> Graph:
    graph = Graph()
    for name in ("studies.ttl", "claims.ttl"):
        parse_into(graph, core_dir / "data" / "seed" / name)
    return graph


def run(core_dir: Path, data: Graph) -> ValidationReport:
    shapes = load_shapes(core_dir / "ontology")
    return validate(data, shapes.data, load_ontology(core_dir / "ontology"))


def summary(report: ValidationReport) -> list[tuple]:
    return sorted(
        (str(r.focus_node), str(r.path), str(r.constraint), r.severity_name, r.message, r.source)
        for r in report.results
    )


def test_valid_data_conforms(core_dir: Path) -> None:
    report = run(core_dir, core_data(core_dir))
    assert report.conforms and report.results == []
    assert report.counts == {"Violation": 0, "Warning": 0, "Info": 0}
    assert report.text() == "validation: 0 violations, 0 warnings, 0 infos\n"
    assert not report.fails("info")


def test_missing_study_is_a_violation_with_focus_path_and_constraint(core_dir: Path) -> None:
    data = core_data(core_dir)
    data.remove((TRUST, CKG.attributedTo, None))
    report = run(core_dir, data)
    assert summary(report) == [
        (
            str(TRUST),
            str(CKG.attributedTo),
            str(SH.MinCountConstraintComponent),
            "Violation",
            "A claim needs the study it is attributed to.",
            "shacl",
        ),
    ]
    assert not report.conforms and report.fails("violation")


def test_wrong_class_is_a_violation_naming_the_value(core_dir: Path) -> None:
    data = core_data(core_dir)
    data.set((TRUST, CKG.attributedTo, CONCENTRATIONS))
    report = run(core_dir, data)
    assert [(r.focus_node, r.value, r.constraint) for r in report.results] == [
        (TRUST, CONCENTRATIONS, SH.ClassConstraintComponent)
    ]


def test_severities_warning_and_info(core_dir: Path) -> None:
    data = core_data(core_dir)
    data.remove((TRUST, RDFS.label, None))
    data.remove((PORTER, RDFS.label, None))
    report = run(core_dir, data)
    assert summary(report) == [
        (
            str(TRUST),
            str(RDFS.label),
            str(SH.MinCountConstraintComponent),
            "Warning",
            "A claim should have a label.",
            "shacl",
        ),
        (
            str(PORTER),
            str(RDFS.label),
            str(SH.MinCountConstraintComponent),
            "Info",
            "A study may have a label.",
            "shacl",
        ),
    ]
    assert report.conforms
    assert report.counts == {"Violation": 0, "Warning": 1, "Info": 1}
    assert (report.fails("violation"), report.fails("warning"), report.fails("info")) == (
        False,
        True,
        True,
    )
    assert report.text() == (
        "validation: 0 violations, 1 warnings, 1 infos\n"
        "\n"
        "Warnings (1):\n"
        "  ckr:claim/trust rdfs:label: A claim should have a label. (shacl)\n"
        "\n"
        "Infos (1):\n"
        "  ckr:study/porter-1990 rdfs:label: A study may have a label. (shacl)\n"
    )


def test_shacl_sparql_constraint(core_dir: Path) -> None:
    data = core_data(core_dir)
    data.remove((CKR["quote/trust"], OA.hasSource, None))
    report = run(core_dir, data)
    assert [(r.focus_node, r.constraint, r.message) for r in report.results] == [
        (TRUST, SH.SPARQLConstraintComponent, "The quote of a claim must name its source document.")
    ]


def test_datatype_violation(core_dir: Path) -> None:
    data = core_data(core_dir)
    data.set((PORTER, CKG.year, Literal("1990")))
    report = run(core_dir, data)
    assert [(r.focus_node, r.constraint, r.value) for r in report.results] == [
        (PORTER, SH.DatatypeConstraintComponent, Literal("1990"))
    ]


def test_violation_queries_and_meta_shapes_run_on_the_dataset(
    core_settings: Settings, core_dir: Path
) -> None:
    dataset = build_dataset(core_settings, reasoning=False).dataset
    dataset.graph(CKR["graph-x"]).add((CKR["thing/x"], RDF.type, CKG.Unknown))
    dataset.graph(ONTOLOGY_GRAPH).remove((CKG.Claim, RDFS.label, None))
    report = validate_dataset(dataset, core_settings)
    assert summary(report) == [
        (
            str(CKG.Claim),
            "None",
            str(SH.SPARQLConstraintComponent),
            "Violation",
            "Every named class of the ontology has an rdfs:label.",
            "meta-shacl",
        ),
        (
            str(CKR["thing/x"]),
            "None",
            str(SH.SPARQLConstraintComponent),
            "Violation",
            "class not declared in the ontology: https://w3id.org/clusterkg/ontology#Unknown",
            "undeclared-class-violation.rq",
        ),
    ]


def test_report_as_json_and_turtle(core_settings: Settings) -> None:
    dataset = build_dataset(core_settings, reasoning=False).dataset
    dataset.graph(CKR["graph-x"]).add((CKR["thing/x"], RDF.type, CKG.Unknown))
    dataset.remove((TRUST, RDFS.label, None, None))
    report = validate_dataset(dataset, core_settings)
    assert json.loads(report.json()) == {
        "conforms": False,
        "counts": {"Violation": 1, "Warning": 1, "Info": 0},
        "results": [
            {
                "severity": "Warning",
                "focusNode": "ckr:claim/trust",
                "resultPath": "rdfs:label",
                "value": None,
                "sourceConstraintComponent": "sh:MinCountConstraintComponent",
                "sourceShape": "[sh:path rdfs:label]",
                "message": "A claim should have a label.",
                "source": "shacl",
            },
            {
                "severity": "Violation",
                "focusNode": "ckr:thing/x",
                "resultPath": None,
                "value": None,
                "sourceConstraintComponent": "sh:SPARQLConstraintComponent",
                "sourceShape": None,
                "message": "class not declared in the ontology: https://w3id.org/clusterkg/ontology#Unknown",
                "source": "undeclared-class-violation.rq",
            },
        ],
    }
    graph = Graph().parse(data=report.turtle(), format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    assert set(graph.objects(None, SH.focusNode)) == {TRUST, CKR["thing/x"]}


def test_a_checks_folder_without_checks_fails(core_settings: Settings, core_dir: Path) -> None:
    checks = core_dir / "queries" / "checks"
    for path in checks.glob("*.rq"):
        path.unlink()
    with pytest.raises(UserError) as caught:
        load_checks(checks)
    assert (
        str(caught.value)
        == f"{display_path(checks)}: no violation queries found (expected *-violation.rq files)"
    )
    with pytest.raises(UserError):
        validate_dataset(build_dataset(core_settings, reasoning=False).dataset, core_settings)


def test_no_shapes_fails(core_dir: Path) -> None:
    for path in (core_dir / "ontology" / "shapes").glob("*.ttl"):
        path.unlink()
    with pytest.raises(UserError) as caught:
        load_shapes(core_dir / "ontology")
    assert str(caught.value) == (
        f"{display_path(core_dir / 'ontology' / 'shapes')}: no SHACL shapes found (expected *.ttl files)"
    )


def broken_pair(core_dir: Path) -> Dataset:
    """Both claims lose their study; as a dataset with the ontology graph."""
    dataset = Dataset(default_union=True)
    source = dataset.graph(CKR["graph-test"])
    source += core_data(core_dir)
    source.remove((None, CKG.attributedTo, None))
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    ontology += load_ontology(core_dir / "ontology")
    return dataset


def test_validate_focus_reports_only_the_focus_nodes(core_dir: Path) -> None:
    dataset = broken_pair(core_dir)
    shapes = load_shapes(core_dir / "ontology")
    checks = load_checks(core_dir / "queries" / "checks")
    whole = validate(dataset.graph(CKR["graph-test"]), shapes.data, dataset.graph(ONTOLOGY_GRAPH))
    assert sorted(r.focus_node for r in whole.results) == [CONCENTRATIONS, TRUST]
    report = validate_focus(dataset, [TRUST], shapes, checks=checks)
    assert [(r.focus_node, r.constraint) for r in report.results] == [
        (TRUST, SH.MinCountConstraintComponent)
    ]


def test_validate_focus_on_a_store(core_dir: Path) -> None:
    store = MemoryStore()
    store.load(broken_pair(core_dir))
    report = validate_focus(store, [CONCENTRATIONS], load_shapes(core_dir / "ontology"))
    assert [(r.focus_node, r.path) for r in report.results] == [(CONCENTRATIONS, CKG.attributedTo)]


def seed_copy(built: BuildResult) -> Dataset:
    """A copy of the built seed dataset, to change."""
    dataset = Dataset(default_union=True)
    dataset.addN(built.dataset.quads((None, None, None, None)))
    return dataset


def add_to_graph_of(dataset: Dataset, node: URIRef, triple: tuple[URIRef, URIRef, Node]) -> None:
    """Add `triple` to the source graph that describes `node`."""
    graph = next(
        g for _, _, _, g in dataset.quads((node, RDF.type, None, None)) if g != INFERRED_GRAPH
    )
    dataset.graph(graph).add(triple)


def test_validate_focus_checks_nested_shapes_of_values_outside_the_focus(
    built: BuildResult, settings: Settings
) -> None:
    """A claim's subject must be a concept, class, actor, cluster or place (an sh:or over the value):
    an individual of the ontology fails on the claim's neighbourhood as on the whole graph, although
    the value itself is no focus node."""
    dataset = seed_copy(built)
    claim = min(
        c
        for c in dataset.subjects(RDF.type, CKG.Claim)
        if len(set(dataset.objects(c, DCTERMS.subject))) == 1
    )
    shapes = load_shapes(settings.ontology_dir)
    checks = load_checks(settings.queries_dir / "checks")
    assert validate_focus(dataset, [claim], shapes, checks=checks).results == []
    for quad in list(dataset.quads((claim, DCTERMS.subject, None, None))):
        dataset.remove(quad)
        dataset.add((claim, DCTERMS.subject, CKG.GeographicProximity, quad[3]))
    report = validate_focus(dataset, [claim], shapes, checks=checks)
    assert [(r.focus_node, r.path, r.value, r.constraint, r.severity) for r in report.results] == [
        (claim, DCTERMS.subject, CKG.GeographicProximity, SH.OrConstraintComponent, SH.Violation)
    ]
    results = Graph().parse(data=report.turtle(), format="turtle")
    assert list(results.objects(None, SH.focusNode)) == [claim]
    assert list(results.objects(None, SH.conforms)) == [Literal(False)]


def test_validate_focus_keeps_the_undeclared_terms_the_focus_nodes_use(
    built: BuildResult, settings: Settings
) -> None:
    """The declared-term shapes report the term, not the node using it: such a result is kept when a
    focus node uses the term, and dropped when only a neighbour does."""
    dataset = seed_copy(built)
    claim = min(dataset.subjects(RDF.type, CKG.Claim))
    study = dataset.value(claim, CKG.attributedTo)
    add_to_graph_of(dataset, claim, (claim, RDF.type, CKG.Claimm))
    add_to_graph_of(dataset, study, (study, CKG.notee, Literal("misspelt")))
    shapes = load_shapes(settings.ontology_dir)

    def found(focus: URIRef) -> list[tuple]:
        report = validate_focus(dataset, [focus], shapes)
        return [(r.focus_node, r.constraint, r.shape) for r in report.results]

    assert found(claim) == [
        (CKG.Claimm, SH.SPARQLConstraintComponent, URIRef(CKS + "DeclaredClassShape"))
    ]
    assert found(study) == [
        (CKG.notee, SH.SPARQLConstraintComponent, URIRef(CKS + "DeclaredPropertyShape"))
    ]


def test_meta_shapes_lint_the_shapes_too(settings: Settings) -> None:
    """`validate_dataset` runs the meta-shapes over the ontology and the shapes: a data shape naming a
    misspelt class fails on that class."""
    dataset = Dataset(default_union=True)
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    ontology += load_ontology(settings.ontology_dir)
    shapes = load_shapes(settings.ontology_dir)

    def meta(report: ValidationReport) -> list[tuple]:
        return [(r.focus_node, r.constraint) for r in report.results if r.source == "meta-shacl"]

    assert meta(validate_dataset(dataset, settings, shapes)) == []
    shapes.data.add((URIRef(CKS + "ClaimShape"), SH.targetClass, CKG.Clam))
    assert meta(validate_dataset(dataset, settings, shapes)) == [
        (CKG.Clam, SH.MinCountConstraintComponent)
    ]


def test_neighbourhood_follows_quotes_to_their_blank_node_selectors(core_dir: Path) -> None:
    dataset = broken_pair(core_dir)
    around = neighbourhood(lambda q: dataset.query(q).graph, [TRUST])
    assert (TRUST, CKG.hasQuote, CKR["quote/trust"]) in around
    assert Literal("Trust binds the firms of a social network") in set(
        around.objects(None, OA.exact)
    )
    assert (CKR["document/test"], RDF.type, CKG.SourceDocument) in around
    assert (CONCENTRATIONS, RDFS.label, None) not in around


def test_seed_graph_has_no_violations(built: BuildResult, settings: Settings) -> None:
    report = validate_dataset(built.dataset, settings)
    assert report.counts["Violation"] == 0, report.text()
