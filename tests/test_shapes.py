"""Data shapes, tested as data: each tests/shapes/<shape>/valid-*.ttl conforms, each invalid-*.ttl fails with
exactly the results its `# expect: <focus> <constraint component> <severity>` lines name, every targeted shape
has examples that exercise it, and the seed graph conforms.

Every example is validated together with tests/shapes/base.ttl and the real ontology, through the project's
validator (pyshacl on a plain rdflib graph, ontology mixed in, SHACL-SPARQL on, no inference).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from clusterkg.kg.config import PROJECT_ROOT, load_settings
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import PREFIXES, SH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.validate import ValidationResult, load_shapes, validate

CASES = PROJECT_ROOT / "tests" / "shapes"
BASE = CASES / "base.ttl"
EXPECT = re.compile(r"^#\s*expect:\s*(?P<focus>\S+)\s+(?P<component>\S+)\s+(?P<severity>\S+)\s*$")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)

Outcome = tuple[Node, Node, URIRef]  # focus node, sh:sourceConstraintComponent, severity

VALID = sorted(CASES.glob("*/valid-*.ttl"))
INVALID = sorted(CASES.glob("*/invalid-*.ttl"))


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def shape_folder(shape: URIRef) -> str:
    """The example folder of a shape: cks:StudyAuthorsStatedShape -> study-authors-stated."""
    local = str(shape).rsplit("#", 1)[-1].removesuffix("Shape")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", local).lower()


def expectations(path: Path) -> set[Outcome]:
    """The `# expect:` lines of an example; terms are <IRI>s or prefixed names (the file's or the project's)."""
    text = path.read_text(encoding="utf-8")
    names = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        names.bind(prefix, ns)
    for prefix, ns in re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text):
        names.bind(prefix, URIRef(ns), override=True, replace=True)

    def term(token: str) -> URIRef:
        return URIRef(token[1:-1]) if token.startswith("<") else names.expand_curie(token)

    found = set()
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            found.add((term(match["focus"]), term(match["component"]), term(match["severity"])))
    return found


def outcomes(results: Iterable[ValidationResult]) -> set[Outcome]:
    return {(r.focus_node, r.constraint, r.severity) for r in results}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(load_settings().ontology_dir)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(load_settings().ontology_dir).data


@pytest.fixture(scope="module")
def check_example(ontology: Graph, shapes: Graph) -> Callable[[Path], tuple[ValidationResult, ...]]:
    """Validate base.ttl plus one example file (each file once per module)."""

    @cache
    def run(path: Path) -> tuple[ValidationResult, ...]:
        data = Graph().parse(BASE)
        if path != BASE:
            data.parse(path)
        return tuple(validate(data, shapes, ontology).results)

    return run


def targeted_shapes(shapes: Graph) -> list[URIRef]:
    """The shapes that have a target: the ones whose results reach a report."""
    return sorted({s for t in TARGETS for s in shapes.subjects(t, None) if isinstance(s, URIRef)})


def test_examples_are_found() -> None:
    assert BASE.exists()
    assert len(VALID) >= 10 and len(INVALID) >= 10, "no shape examples found under tests/shapes/"


def test_base_conforms(check_example) -> None:
    assert outcomes(check_example(BASE)) == set()


@pytest.mark.parametrize("path", VALID, ids=_case_id)
def test_valid_example_conforms(path: Path, check_example) -> None:
    assert not expectations(path), "a valid example must not carry `# expect:` lines"
    results = check_example(path)
    assert outcomes(results) == set(), "\n".join(r.message for r in results)


@pytest.mark.parametrize("path", INVALID, ids=_case_id)
def test_invalid_example_fails_exactly(path: Path, check_example) -> None:
    expected = expectations(path)
    assert expected, (
        "an invalid example needs at least one `# expect: <focus> <component> <severity>` line"
    )
    results = check_example(path)
    assert outcomes(results) == expected, "\n".join(r.message for r in results)
    assert all(r.message for r in results), "every result carries a message a reviewer can read"


def test_every_example_folder_names_a_shape(shapes: Graph) -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders, "no example folders"
    assert folders <= {shape_folder(s) for s in targeted_shapes(shapes)}


def test_every_targeted_shape_has_examples_that_exercise_it(shapes: Graph, check_example) -> None:
    targeted = targeted_shapes(shapes)
    assert len(targeted) >= 30, "the data shapes graph is missing its shapes"
    missing = []
    for shape in targeted:
        folder = CASES / shape_folder(shape)
        invalid = sorted(folder.glob("invalid-*.ttl"))
        own = {shape, *shapes.objects(shape, SH.property)}
        hit = any(r.shape in own for path in invalid for r in check_example(path))
        if not (sorted(folder.glob("valid-*.ttl")) and invalid and hit):
            missing.append(f"{shape_folder(shape)} ({shape})")
    assert not missing, (
        "shapes without a valid example and an invalid one that fails on them: "
        + ", ".join(missing)
    )


def test_seed_graph_conforms(ontology: Graph, shapes: Graph) -> None:
    settings = load_settings()
    data = Graph()
    for source in read_manifest(settings.sources_manifest).sources:
        data += source.description
        for path in source.data_files:
            data.parse(path)
    results = validate(data, shapes, ontology).results
    serious = [r for r in results if r.severity in (SH.Violation, SH.Warning)]
    assert len(data) > 1000, "the seed graph was not loaded"
    assert not serious, "\n".join(f"{r.focus_node} {r.path}: {r.message}" for r in serious)
