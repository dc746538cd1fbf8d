"""The forms `kg.shacl_sparql` writes for speed at the top level of a violation query (the path's violations as
a subquery joined with the target once, grouped counts, MINUS, one VALUES pattern for several target classes,
expressions for shapes of value tests alone, the join of the nodes failing each member of a node-level sh:or)
give exactly pyshacl's results on shapes and data written to pass and fail each (tests/data/validate/), and
are the forms used. `validate_store` runs the store's queries two at a time."""

from __future__ import annotations

import threading
from itertools import count
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import PROJECT_ROOT, load_settings
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.shacl_sparql import ViolationQuery, translate
from clusterkg.kg.store.base import QueryResult
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.oxgraph import OxGraph
from clusterkg.kg.validate import READERS, run_violation_queries, validate, validate_store
from tests.test_shacl_sparql import outcomes

DATA = PROJECT_ROOT / "tests" / "data" / "validate"
EX = "https://example.org/forms/"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_graph(DATA / "forms-shapes.ttl")


@pytest.fixture(scope="module")
def queries(shapes: Graph) -> list[ViolationQuery]:
    return translate(shapes)


def test_forms_same_as_pyshacl(shapes: Graph, queries: list[ViolationQuery]) -> None:
    data = parse_graph(DATA / "forms-data.ttl")
    fast = run_violation_queries(OxGraph(data), queries, shapes)
    reference = validate(data, shapes)
    assert outcomes(fast) == outcomes(reference)
    found = {(r.focus_node, str(r.constraint).removeprefix(SH)) for r in fast.results}

    def ex(name: str) -> URIRef:
        return URIRef(EX + name)

    assert found >= {  # each form finds what it must
        (ex("a2"), "DatatypeConstraintComponent"), (ex("a2"), "MaxCountConstraintComponent"),
        (ex("a2"), "EqualsConstraintComponent"), (ex("a2"), "ClassConstraintComponent"),
        (ex("a2"), "QualifiedMaxCountConstraintComponent"), (ex("a2"), "OrConstraintComponent"),
        (ex("a3"), "QualifiedMinCountConstraintComponent"), (ex("b1"), "MinInclusiveConstraintComponent"),
        (ex("b2"), "OrConstraintComponent"), (ex("b2"), "QualifiedMaxCountConstraintComponent"),
        (ex("n1"), "ClassConstraintComponent"), (Literal("literal"), "ClassConstraintComponent"),
        (Literal(12345), "XoneConstraintComponent"), (ex("iri"), "XoneConstraintComponent"),
        (Literal("bad"), "NotConstraintComponent"), (Literal("toolong"), "AndConstraintComponent"),
        (ex("w1"), "OrConstraintComponent"), (ex("p4"), "XoneConstraintComponent"),
        (ex("p5"), "XoneConstraintComponent"), (ex("p6"), "XoneConstraintComponent"),
        (ex("p1"), "NotConstraintComponent"), (ex("p1"), "XoneConstraintComponent"),
    }  # fmt: skip
    assert not found & {  # ... and lets pass what it must
        (ex("a1"), "OrConstraintComponent"), (ex("a3"), "OrConstraintComponent"),
        (ex("b1"), "OrConstraintComponent"), (ex("b3"), "OrConstraintComponent"),
        (ex("c1"), "ClassConstraintComponent"), (Literal(5), "XoneConstraintComponent"),
        (Literal("abcd"), "XoneConstraintComponent"), (ex("a1"), "QualifiedMaxCountConstraintComponent"),
        (ex("p2"), "XoneConstraintComponent"), (ex("p3"), "XoneConstraintComponent"),
    }  # fmt: skip


def _query(queries: list[ViolationQuery], shape: Node, component: str, path: str = "") -> str:
    (text,) = [
        q.text
        for q in queries
        if (q.shape == shape or (shape is None and str(q.path) == EX + path))
        and q.component == URIRef(SH + component)
    ]
    return text.split("WHERE", 1)[1]


@pytest.mark.parametrize(
    ("shape", "component", "path", "present", "absent"),
    [
        (EX + "OrShape", "OrConstraintComponent", "", "SELECT DISTINCT ?this", "EXISTS"),
        (None, "DatatypeConstraintComponent", "p", "{ SELECT DISTINCT ?this ?value", "EXISTS"),
        (None, "MaxCountConstraintComponent", "p", "GROUP BY ?this", "sameTerm"),
        (None, "EqualsConstraintComponent", "q", "MINUS", "EXISTS"),
        (None, "QualifiedMaxCountConstraintComponent", "label", "GROUP BY ?this", "EXISTS"),
        (None, "QualifiedMinCountConstraintComponent", "label", "MINUS { SELECT", "EXISTS"),
        (EX + "ClassShape", "ClassConstraintComponent", "", "MINUS", "EXISTS"),
        (EX + "ValueShape", "XoneConstraintComponent", "", "COALESCE", "EXISTS"),
        (EX + "ValueShape", "NotConstraintComponent", "", "COALESCE", "EXISTS"),
        (None, "OrConstraintComponent", "w", "COALESCE", "EXISTS"),
        (
            EX + "AuthorShape",
            "XoneConstraintComponent",
            "",
            "HAVING(COUNT(DISTINCT ?failed)",
            "EXISTS",
        ),
        (EX + "OrMixedShape", "OrConstraintComponent", "", "SELECT DISTINCT ?this", "EXISTS"),
    ],
)
def test_the_fast_forms_are_used(
    queries: list[ViolationQuery],
    shape: str | None,
    component: str,
    path: str,
    present: str,
    absent: str,
) -> None:
    where = _query(queries, URIRef(shape) if shape else None, component, path)
    assert present in where and absent not in where, where


def test_several_target_classes_are_one_values_pattern(queries: list[ViolationQuery]) -> None:
    where = _query(queries, None, "MaxCountConstraintComponent", "p")
    assert "VALUES" in where and "UNION" not in where, where


def test_validate_store_runs_its_queries_two_at_a_time(built: BuildResult, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.load(built.dataset)
    # the first READERS queries of the pool each wait for the others: a pool of one breaks the barrier
    started, calls = threading.Barrier(READERS, timeout=20), count()

    class Watched:
        name = "embedded"

        def graphs(self) -> list[URIRef]:
            return store.graphs()

        def query(self, sparql: str) -> QueryResult:
            pooled = threading.current_thread().name.startswith("ckg-validate")
            if pooled and next(calls) < READERS:
                started.wait()
            return store.query(sparql)

    report = validate_store(Watched(), load_settings())  # type: ignore[arg-type]
    assert READERS == 2 and next(calls) > READERS
    assert outcomes(report) == outcomes(validate_store(store, load_settings()))
    store.close()
