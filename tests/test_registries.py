"""One way to do each thing: one registry of store backends, one IRI-to-prefixed-name converter."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import click
import pytest
from rdflib import URIRef

from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.display import short
from clusterkg.kg.namespaces import CKR, prefixed
from clusterkg.kg.store import BACKENDS, open_store
from clusterkg.web.terms import compact


def test_cli_choices_settings_and_open_store_read_one_registry() -> None:
    choices = {p.name: p.type.choices for p in main.params if isinstance(p.type, click.Choice)}
    assert list(choices["store"]) == list(BACKENDS) == ["embedded", "memory", "remote"]
    with pytest.raises(
        ValueError, match="unknown store 'oxigraph': choose embedded, memory or remote"
    ):
        Settings(store="oxigraph")
    store = open_store(Settings(store="memory"))
    assert store.name == "memory"
    store.close()


def test_an_unknown_store_variable_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", "stats"],
        cwd=PROJECT_ROOT,
        check=False,
        env={**os.environ, "CLUSTERKG_STORE": "bogus"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "setting store (CLUSTERKG_STORE): unknown store 'bogus': choose embedded, memory or remote"
        )
    )


@pytest.mark.parametrize(
    ("iri", "name"),
    [
        (
            str(CKR["claim/porter-1990-factor-conditions"]),
            "ckr:claim/porter-1990-factor-conditions",
        ),
        ("https://w3id.org/clusterkg/ontology#Claim", "ckg:Claim"),
        ("http://qudt.org/vocab/unit/HA", "unit:HA"),  # the longest namespace wins over qudt:
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "rdf:type"),
        ("http://purl.org/dc/terms/subject", "dcterms:subject"),
        ("http://example.org/thing", None),
    ],
)
def test_the_cli_the_web_and_the_tests_shorten_iris_alike(iri: str, name: str | None) -> None:
    assert prefixed(iri) == name
    assert short(URIRef(iri)) == (name or f"<{iri}>")  # the CLI's tables and reports
    assert compact(iri) == (name or iri)  # the pages


def _blueprint_modules() -> set[str]:
    return {
        f"clusterkg.web.{path.stem}"
        for path in (PROJECT_ROOT / "web").glob("*.py")
        if "Blueprint(" in path.read_text(encoding="utf-8")
    }


def test_blueprints_do_not_import_each_other() -> None:
    """Links to another page family come from web.urls (or url_for), never from its blueprint's module."""
    blueprints = _blueprint_modules()
    assert {
        "clusterkg.web.studies",
        "clusterkg.web.recommendations",
        "clusterkg.web.gaps",
        "clusterkg.web.synthesis",
    } <= blueprints
    imports = {
        (module, target)
        for module in blueprints
        for node in ast.walk(
            ast.parse(
                (
                    PROJECT_ROOT / f"{module.removeprefix('clusterkg.').replace('.', '/')}.py"
                ).read_text()
            )
        )
        if isinstance(node, ast.ImportFrom)
        for target in [node.module or ""]
        if target in blueprints and target != module
    }
    assert imports == set()
