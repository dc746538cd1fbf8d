"""Setup errors a user can make, each one line naming what to change: a bad setting (the variable or the
file and setting, and the type it takes) and a SPARQL server whose default graph is not the union."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from clusterkg.kg.cli import main
from tests.fixtures.stores import running_oxigraph


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CLUSTERKG_QUERY_TIMEOUT", "abc", "expected a number"),
        ("CLUSTERKG_ROW_LIMIT", "1.5", "expected a whole number"),
        ("CLUSTERKG_SERVE_MEMORY_COPY", "maybe", "expected true or false"),
    ],
)
def test_a_bad_setting_names_the_variable_and_the_type(
    variable: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    result = run("stats")
    assert (result.exit_code, result.stderr) == (2, f"{variable}={value}: {expected}\n")


def test_a_bad_setting_in_the_toml_names_the_file_and_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "clusterkg.toml"
    config.write_text('[clusterkg]\nquery_timeout = "ten"\n', encoding="utf-8")
    result = run("--project", str(tmp_path), "stats")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{config}: setting query_timeout = 'ten': expected a number\n",
    )


@pytest.mark.server
def test_a_server_without_a_union_default_graph_is_named_as_such(tmp_path: Path) -> None:
    with running_oxigraph(tmp_path / "oxigraph", union_default_graph=False) as server:
        graph = Graph()
        graph.add((URIRef("https://example.org/s"), RDFS.label, Literal("held in a named graph")))
        server.remote_store().replace_graph(URIRef("https://example.org/graph"), graph)
        endpoints = ["--query-endpoint", server.query_endpoint]
        result = run("serve", "--store", "remote", *endpoints, "--get", "/")
    assert (result.exit_code, result.stderr) == (
        2,
        (
            "the remote store's default graph is empty but its named graphs hold data: the server "
            "must answer queries over the union of its named graphs (Oxigraph: serve with "
            "--union-default-graph; Fuseki: tdb2:unionDefaultGraph true)\n"
        ),
    )
