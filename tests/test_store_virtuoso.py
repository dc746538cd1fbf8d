"""The remote store against a real Virtuoso Open Source 7 server (tests/fixtures/virtuoso.py): writes by the
one user granted SPARQL_UPDATE, `push` through its Graph Store Protocol endpoint, its union default graph,
the query library's answers compared with rdflib's (by meaning), and `serve --store remote` over it."""

from __future__ import annotations

import os
import re
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKGRAPH, CKR
from clusterkg.kg.queries import load_query
from clusterkg.kg.store.base import QueryResult, Store, StoreError
from clusterkg.kg.store.memory import MemoryStore
from clusterkg.kg.store.remote import RemoteStore
from tests.fixtures.stores import meaning
from tests.fixtures.virtuoso import VirtuosoServer
from tests.fixtures.web import start_server, stop_server

pytestmark = pytest.mark.server
QUERY_FILES = sorted(Settings().queries_dir.rglob("*.rq"))
ORDERED = re.compile(r"^[^#]*\bORDER\s+BY\b", re.IGNORECASE | re.MULTILINE)
TITLE = URIRef("http://purl.org/dc/terms/title")
# Queries of the library whose answer on Virtuoso 07.20.3229 (Debian 12) is not yet the same multiset as
# rdflib's, and why (README, "Virtuoso"). Strict: a query that starts to agree fails here, to be removed.
NOT_YET_ALIKE = {
    "certainty.rq": "Virtuoso's compiler fails (SQ156 'Bad dfe in sqlo_place_exp')",
    "contested.rq": "Virtuoso fails at run time (VECSL 'ssl refd before set')",
    "web/studies.rq": "Virtuoso cannot sort by an aggregate's name; nested, it binds one ?study to every row",
    "claims-of-study.rq": "Virtuoso answers a boolean expression (EXISTS, =) as xsd:integer 0/1",
    "cq03-hub-firm-evidence.rq": "Virtuoso answers a boolean expression as xsd:integer 0/1",
    "cq10-evidence-chain.rq": "Virtuoso answers a boolean expression as xsd:integer 0/1",
    "web/evidence-chain.rq": "Virtuoso answers a boolean expression as xsd:integer 0/1",
    "web/study-evidence.rq": "Virtuoso answers a boolean expression as xsd:integer 0/1",
    "claims-per-cluster-type.rq": "Virtuoso's counts in an OPTIONAL sub-select come back 0",
    "studies-per-actor-kind.rq": "Virtuoso gives 1 row instead of 23",
    "cq01-cluster-types.rq": "Virtuoso gives no rows",
    "web/gap-porter-cluster-types-cell.rq": "Virtuoso gives 1 row instead of 2",
    "web/actor-kinds.rq": "Virtuoso leaves the OPTIONAL parent unbound",
    "bibliography.rq": "Virtuoso sorts by LCASE(...) in an order of its own (plain strings sort alike)",
    "web/search.rq": "Virtuoso sorts by LCASE(...) in an order of its own (plain strings sort alike)",
    "web/resource-statements.rq": "blank nodes have no defined order among themselves; Virtuoso's differs",
    # Queries added by the reconciliation, report and gap-map work after this comparison was first made:
    # their answers on Virtuoso differ (rows or order) and the cause is not yet examined.
    "reconcile/study-keys.rq": "not yet examined: Virtuoso's rows differ",
    "report/evidence.rq": "not yet examined: Virtuoso's rows differ",
    "report/references.rq": "not yet examined: Virtuoso's rows differ",
    "web/gap-axes.rq": "not yet examined: Virtuoso's order differs",
    "web/gap-filter-options.rq": "not yet examined: Virtuoso's rows differ",
    "web/gap-map.rq": "not yet examined: Virtuoso's rows differ",
    "web/study-sources.rq": "not yet examined: Virtuoso's rows differ",
}


def _rows(result: QueryResult) -> list[tuple]:
    return [tuple(sorted((k, meaning(v)) for k, v in row.items())) for row in result.rows]


@pytest.fixture(scope="module")
def seeded(virtuoso_server: VirtuosoServer, built: BuildResult) -> Iterator[dict[str, Store]]:
    """Virtuoso and rdflib's memory store, both holding the built seed dataset."""
    server = virtuoso_server.remote_store(timeout=60.0, retries=0)
    server.clear()
    memory = MemoryStore()
    for store in (server, memory):
        store.load(built.dataset)
    yield {"virtuoso": server, "memory": memory}
    server.clear()


def test_writes_need_the_granted_user(virtuoso_server: VirtuosoServer) -> None:
    data = Graph()
    data.add((CKR["study/x"], TITLE, Literal("x")))
    graph = CKGRAPH["source/auth-check"]
    anonymous = RemoteStore(
        virtuoso_server.query_endpoint, virtuoso_server.query_endpoint, retries=0
    )
    with pytest.raises(StoreError):
        anonymous.replace_graph(graph, data)
    wrong = RemoteStore(
        virtuoso_server.query_endpoint,
        virtuoso_server.update_endpoint,
        user=virtuoso_server.user,
        password="wrong",
        retries=0,
    )
    with pytest.raises(StoreError, match="401"):
        wrong.replace_graph(graph, data)
    granted = virtuoso_server.remote_store()
    granted.replace_graph(graph, data)
    try:
        assert granted.count(graph) == 1
    finally:
        granted.clear()
    assert granted.graphs() == []


def test_the_default_graph_is_the_union_of_the_named_graphs_and_hides_virtuosos_own(
    virtuoso_server: VirtuosoServer,
) -> None:
    store = virtuoso_server.remote_store()
    store.clear()
    try:
        for slug in ("a", "b"):
            data = Graph()
            data.add((CKR[f"study/{slug}"], TITLE, Literal(slug)))
            store.replace_graph(CKGRAPH[f"source/{slug}"], data)
        answer = store.query("SELECT ?t WHERE { ?s <http://purl.org/dc/terms/title> ?t }")
        assert sorted(str(row["t"]) for row in answer.rows) == ["a", "b"]
        assert (
            store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].toPython() == 2
        )
    finally:
        store.clear()


def test_push_through_the_graph_store_protocol(
    cli, core_settings: Settings, virtuoso_server: VirtuosoServer
) -> None:
    assert cli(core_settings, "build").exit_code == 0
    settings = core_settings.with_overrides(
        remote_user=virtuoso_server.user, remote_password=virtuoso_server.password
    )
    endpoints = [
        "--query-endpoint",
        virtuoso_server.query_endpoint,
        "--update-endpoint",
        virtuoso_server.update_endpoint,
        "--store-endpoint",
        virtuoso_server.store_endpoint,
    ]
    server = virtuoso_server.remote_store()
    server.clear()
    try:
        for _ in range(2):  # pushing again replaces the graphs
            result = cli(settings, "push", *endpoints)
            assert result.exit_code == 0, result.output
            assert result.stdout == (
                f"pushed 94 triples in 3 graphs to {virtuoso_server.query_endpoint};"
                " the server holds 94 quads\n"
            )
        assert len(server.graphs()) == 3
    finally:
        server.clear()


def test_the_query_library_is_there() -> None:
    assert len(QUERY_FILES) >= 10 and set(NOT_YET_ALIKE) <= {
        str(p.relative_to(Settings().queries_dir)) for p in QUERY_FILES
    }


@pytest.mark.parametrize("name", [str(p.relative_to(Settings().queries_dir)) for p in QUERY_FILES])
def test_query_gives_the_same_multiset_of_answers_as_rdflib(
    seeded: dict[str, Store], name: str, request: pytest.FixtureRequest
) -> None:
    if name in NOT_YET_ALIKE:
        request.applymarker(pytest.mark.xfail(reason=NOT_YET_ALIKE[name], strict=True))
    sparql = load_query(Settings().queries_dir / name).bind()
    expected = seeded["memory"].query(sparql)
    answer = seeded["virtuoso"].query(sparql, timeout=60)
    assert answer.variables == expected.variables
    assert Counter(_rows(answer)) == Counter(_rows(expected))
    if ORDERED.search(sparql):
        assert _rows(answer) == _rows(expected)


@pytest.mark.timeout(180)
def test_serve_over_virtuoso(
    seeded: dict[str, Store], virtuoso_server: VirtuosoServer, tmp_path: Path
) -> None:
    env = dict(
        os.environ,
        CLUSTERKG_DATA_DIR=str(tmp_path / "data"),
        CLUSTERKG_QUERY_ENDPOINT=virtuoso_server.query_endpoint,
    )
    server = start_server(["--store", "remote"], env, tmp_path / "serve.log")
    try:
        for url, content in [
            ("/", "Hanoi"),
            ("/resource/study/porter-1990", "Porter"),
            ("/concepts/", "factor conditions"),
            ("/search/?q=hub", "hub firm"),
        ]:
            with urllib.request.urlopen(server.url + url, timeout=60) as page:
                assert page.status == 200
                assert content in page.read().decode()
    finally:
        stop_server(server)
