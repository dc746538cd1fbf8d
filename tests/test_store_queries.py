"""Same answers everywhere: every query of the library gives the same solutions on rdflib's engine (memory),
embedded Oxigraph and the Oxigraph server, over the seed dataset; serialised answers are the same bytes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import sparql_prologue
from clusterkg.kg.queries import load_query
from clusterkg.kg.store.base import QueryResult, Store
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.store.memory import MemoryStore
from clusterkg.kg.store.oxformats import RESULT_FORMATS
from tests.fixtures.stores import canonical_graph, meaning

QUERY_FILES = sorted(Settings().queries_dir.rglob("*.rq"))
ORDERED = re.compile(r"^[^#]*\bORDER\s+BY\b", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def stores(seed_dataset: Dataset, oxigraph_server, tmp_path_factory) -> Iterator[dict[str, Store]]:
    """The three backends, each holding the seed dataset."""
    remote = oxigraph_server.remote_store()
    remote.clear()
    backends = {
        "memory": MemoryStore(),
        "embedded": EmbeddedStore(tmp_path_factory.mktemp("embedded") / "store"),
        "remote": remote,
    }
    for store in backends.values():
        store.load(seed_dataset)
    yield backends
    remote.clear()
    for store in backends.values():
        store.close()


def test_the_query_library_is_there() -> None:
    assert len(QUERY_FILES) >= 10  # a glob that finds nothing must not pass


def _solutions(result: QueryResult, ordered: bool) -> list | Counter:
    rows = [
        tuple(sorted((name, meaning(value)) for name, value in row.items())) for row in result.rows
    ]
    return rows if ordered else Counter(rows)


@pytest.mark.server
@pytest.mark.parametrize(
    "path", QUERY_FILES, ids=lambda p: str(p.relative_to(Settings().queries_dir))
)
def test_query_gives_the_same_answer_on_every_backend(stores: dict[str, Store], path: Path) -> None:
    sparql = load_query(path).bind()
    answers = {name: store.query(sparql, timeout=60) for name, store in stores.items()}
    reference = answers["memory"]
    for name, answer in answers.items():
        assert answer.kind == reference.kind, name
        if reference.kind == "ASK":
            assert answer.boolean == reference.boolean, name
        elif reference.kind == "SELECT":
            assert answer.variables == reference.variables, name
            ordered = bool(ORDERED.search(sparql))
            assert _solutions(answer, ordered) == _solutions(reference, ordered), name
        else:
            assert isomorphic(canonical_graph(answer.graph), canonical_graph(reference.graph)), name


@pytest.mark.server
@pytest.mark.parametrize("media_type", sorted(RESULT_FORMATS))
def test_serialised_answers_are_the_same_bytes(stores: dict[str, Store], media_type: str) -> None:
    sparql = sparql_prologue() + (
        "SELECT ?study ?label ?citedAs ?year WHERE { ?study a ckg:Study ; rdfs:label ?label ."
        " OPTIONAL { ?study ckg:citedAs ?citedAs } OPTIONAL { ?study fabio:hasPublicationYear ?year } }"
        " ORDER BY ?study"
    )
    bodies = {name: store.query_serialized(sparql, media_type) for name, store in stores.items()}
    assert len(bodies["memory"]) > 200
    assert bodies["embedded"] == bodies["memory"]
    assert bodies["remote"] == bodies["memory"]
