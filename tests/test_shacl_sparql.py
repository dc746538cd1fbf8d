"""The SPARQL fast path (`kg.shacl_sparql`, run by `validate_store` in a real embedded Oxigraph store) reports
exactly what pyshacl, the reference, reports: focus node, path, constraint component, severity and value, with
multiplicity, on the seed graph, every shape example under tests/shapes/, and a 10k-triple synthetic graph
with violations planted in it. Blank nodes compare as `[]` (their labels differ between the two)."""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph
from rdflib.term import Node

from bench.generate import generate, read_vocabulary
from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import PROJECT_ROOT, Settings, load_settings
from clusterkg.kg.namespaces import CKGRAPH, ONTOLOGY_GRAPH, SH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.shacl_sparql import UnsupportedShape, render_path, translate
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.memory import MemoryStore
from clusterkg.kg.validate import (
    ValidationReport,
    load_shapes,
    run_violation_queries,
    validate,
    validate_dataset,
    validate_store,
)

CASES = PROJECT_ROOT / "tests" / "shapes"
PLANT = PROJECT_ROOT / "tests" / "data" / "validate" / "plant-violations.ru"
EXAMPLES = sorted(CASES.glob("*/*.ttl"))


def outcomes(report: ValidationReport) -> Counter:
    """(focus, path, component, severity, value, source) of every result, blank nodes as `[]`."""

    def show(node: Node | None) -> str | None:
        return None if node is None else "[]" if isinstance(node, BNode) else node.n3()

    def path(node: Node | None) -> str | None:
        return render_path(report.graph, node) if isinstance(node, BNode) else show(node)

    return Counter(
        (
            show(r.focus_node),
            path(r.path),
            show(r.constraint),
            show(r.severity),
            show(r.value),
            r.source,
        )
        for r in report.results
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("fast") / "store")
    yield store
    store.close()


@pytest.fixture(scope="module")
def project() -> Settings:
    return load_settings()


def _into(store: EmbeddedStore, dataset: Dataset) -> EmbeddedStore:
    store.clear()
    store.load(dataset)
    return store


def _same(fast: ValidationReport, reference: ValidationReport) -> None:
    got, expected = outcomes(fast), outcomes(reference)
    assert got == expected, f"only fast: {got - expected}\nonly pyshacl: {expected - got}"


def test_seed_graph_same_as_pyshacl(
    built: BuildResult, store: EmbeddedStore, project: Settings
) -> None:
    shapes = load_shapes(project.ontology_dir)
    reference = validate_dataset(built.dataset, project, shapes)
    _same(validate_store(_into(store, built.dataset), project), reference)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_example_same_as_pyshacl(path: Path, store: EmbeddedStore, project: Settings) -> None:
    shapes = load_shapes(project.ontology_dir).data
    ontology = load_ontology(project.ontology_dir)
    data = Graph().parse(CASES / "base.ttl")
    data.parse(path)
    dataset = Dataset()
    dataset.graph(ONTOLOGY_GRAPH).__iadd__(ontology)
    dataset.graph(CKGRAPH["example"]).__iadd__(data)
    fast = run_violation_queries(_into(store, dataset), translate(shapes), shapes)
    reference = validate(data, shapes, ontology)
    _same(fast, reference)
    if path.name.startswith("invalid-"):
        assert fast.results, "an invalid example must fail on the fast path too"


def test_planted_violations_in_10k_synthetic_graph_same_as_pyshacl(
    built: BuildResult, store: EmbeddedStore, project: Settings
) -> None:
    dataset = Dataset(default_union=True)
    dataset.addN(built.dataset.quads((None, None, None, None)))
    synthetic = io.StringIO()
    generate(synthetic, read_vocabulary(built.dataset), 10_000 - len(dataset), seed=42)
    dataset.parse(data=synthetic.getvalue(), format="nquads")
    dataset.update(PLANT.read_text(encoding="utf-8"))
    assert len(dataset) >= 10_000
    shapes = load_shapes(project.ontology_dir)
    reference = validate_dataset(dataset, project, shapes)
    fast = validate_store(_into(store, dataset), project)
    _same(fast, reference)
    planted = {str(r.focus_node) for r in fast.results if "/synthetic/" in str(r.focus_node)}
    assert len(planted) >= 10 and not fast.conforms
    assert any(r.source == "dangling-reference-violation.rq" for r in fast.results)
    components = {r.constraint for r in fast.results}
    assert components >= {
        SH.DatatypeConstraintComponent, SH.MinInclusiveConstraintComponent, SH.MaxCountConstraintComponent,
        SH.PatternConstraintComponent, SH.InConstraintComponent, SH.LanguageInConstraintComponent,
        SH.QualifiedMinCountConstraintComponent, SH.OrConstraintComponent, SH.XoneConstraintComponent,
        SH.NotConstraintComponent, SH.SPARQLConstraintComponent, SH.MinCountConstraintComponent,
    }  # fmt: skip


def test_a_shape_feature_it_does_not_translate_fails_loudly(project: Settings) -> None:
    shapes = load_shapes(project.ontology_dir).data
    shape = next(iter(shapes.subjects(SH.targetClass, None)))
    shapes.add((shape, SH.closed, shapes.value(shape, SH.severity)))
    with pytest.raises(UnsupportedShape, match="shacl#closed"):
        translate(shapes)


def test_validate_store_falls_back_to_pyshacl_on_such_a_shape(
    built: BuildResult, project: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(project.ontology_dir, ontology)
    with (ontology / "shapes" / "bibliography.ttl").open("a", encoding="utf-8") as fh:
        fh.write("cks:AuthorshipShape sh:closed false .\n")
    settings = dataclasses.replace(project, ontology_dir=ontology)
    store = MemoryStore()
    store.load(built.dataset)
    report = validate_store(store, settings)
    assert "validating with pyshacl" in capsys.readouterr().err
    _same(report, validate_dataset(built.dataset, settings))
