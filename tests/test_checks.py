"""Violation queries (queries/checks/*-violation.rq): each has a header, returns no row on the seed graph,
returns exactly the focus nodes an example's `# expect: <focus>` lines name, and answers alike on rdflib
and Oxigraph.

Each example under tests/checks/<check>/ is run together with tests/shapes/base.ttl and the real ontology.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from clusterkg.kg.config import PROJECT_ROOT, load_settings
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import PREFIXES
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.validate import load_checks, run_checks

CASES = PROJECT_ROOT / "tests" / "checks"
BASE = PROJECT_ROOT / "tests" / "shapes" / "base.ttl"
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s*$")

VALID = sorted(CASES.glob("*/valid-*.ttl"))
INVALID = sorted(CASES.glob("*/invalid-*.ttl"))


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def expected_focus(path: Path) -> set[URIRef]:
    text = path.read_text(encoding="utf-8")
    names = dict(PREFIXES) | dict(re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text))
    found = set()
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            token = match.group(1)
            prefix, _, local = token.partition(":")
            found.add(
                URIRef(token[1:-1]) if token.startswith("<") else URIRef(f"{names[prefix]}{local}")
            )
    return found


@pytest.fixture(scope="module")
def checks() -> list[NamedQuery]:
    return load_checks(load_settings().queries_dir / "checks")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(load_settings().ontology_dir)


def example_graph(path: Path, ontology: Graph) -> Graph:
    graph = Graph().parse(BASE)
    graph.parse(path)
    return graph + ontology


def check_for(path: Path, checks: list[NamedQuery]) -> NamedQuery:
    return next(c for c in checks if c.name == f"{path.parent.name}-violation")


def focus_rdflib(check: NamedQuery, graph: Graph) -> set[URIRef]:
    return {r.focus_node for r in run_checks([check], graph).results}


def focus_oxigraph(check: NamedQuery, graph: Graph) -> set[URIRef]:
    store = pyoxigraph.Store()
    store.load(
        graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    return {URIRef(row["focus"].value) for row in store.query(check.bind())}


def test_checks_are_found(checks: list[NamedQuery]) -> None:
    assert len(checks) >= 5
    assert len(VALID) >= 5 and len(INVALID) >= 5, "no check examples found under tests/checks/"


def test_every_check_has_a_header_and_examples(checks: list[NamedQuery]) -> None:
    for check in checks:
        assert check.summary, f"{check.name}: no `#+ summary:` line"
        assert check.kind == "SELECT", f"{check.name}: a check is a SELECT query"
        folder = CASES / check.name.removesuffix("-violation")
        assert sorted(folder.glob("valid-*.ttl")) and sorted(folder.glob("invalid-*.ttl")), (
            f"{check.name}: no examples"
        )


@pytest.mark.parametrize("path", VALID, ids=_case_id)
def test_valid_example_passes(path: Path, checks: list[NamedQuery], ontology: Graph) -> None:
    assert not expected_focus(path)
    graph = example_graph(path, ontology)
    check = check_for(path, checks)
    assert focus_rdflib(check, graph) == set()
    assert focus_oxigraph(check, graph) == set()


@pytest.mark.parametrize("path", INVALID, ids=_case_id)
def test_invalid_example_fails_exactly(
    path: Path, checks: list[NamedQuery], ontology: Graph
) -> None:
    expected = expected_focus(path)
    assert expected, "an invalid example needs `# expect: <focus>` lines"
    graph = example_graph(path, ontology)
    check = check_for(path, checks)
    assert focus_rdflib(check, graph) == expected
    assert focus_oxigraph(check, graph) == expected
    assert all(r.message for r in run_checks([check], graph).results)


def test_seed_graph_passes_every_check(checks: list[NamedQuery], ontology: Graph) -> None:
    graph = Graph()
    for source in read_manifest(load_settings().sources_manifest).sources:
        graph += source.description
        for path in source.data_files:
            graph.parse(path)
    assert len(graph) > 1000
    report = run_checks(checks, graph + ontology)
    assert report.results == [], report.text()
