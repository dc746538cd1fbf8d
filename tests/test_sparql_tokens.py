"""The one SPARQL tokenizer: it loses no text, finds keywords only in code, and reads forms and prologues."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.sparql_tokens import code_tokens, dataset_of, iter_tokens, prologue
from clusterkg.kg.store.results import query_form

QUERY_FILES = sorted(PROJECT_ROOT.glob("queries/**/*.rq"))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_tokens_add_up_to_the_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "".join(t.text for t in iter_tokens(text)) == text


def test_there_are_query_files() -> None:
    assert len(QUERY_FILES) > 50


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("# addressed to the committee\nSELECT * { ?s ?p ?o }", "SELECT"),
        ('PREFIX ex: <http://x/> ASK { ex:select ?p "DESCRIBE" }', "ASK"),
        ("CONSTRUCT { ?ask ?p ?o } WHERE { ?ask ?p ?o }", "CONSTRUCT"),
        ("prefix delete: <http://x/#insert> describe delete:load", "DESCRIBE"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("INSERT DATA { <urn:a> <urn:b> 'SELECT' }", "INSERT"),
    ],
)
def test_query_form_is_the_first_keyword_in_code(text: str, form: str) -> None:
    assert query_form(text) == form


def test_numbers_names_and_terminators() -> None:
    tokens = [t.text for t in code_tokens("?s ex:a.b 1. ex:c 1.5e3, .5 ; _:b1.\n")]
    assert tokens == ["?s", "ex:a.b", "1", ".", "ex:c", "1.5e3", ",", ".5", ";", "_:b1", "."]


def test_prologue_and_dataset_resolve_prefixes_and_base() -> None:
    text = (
        "BASE <http://example.org/base/> PREFIX g: <graphs/> PREFIX : <http://x/>\n"
        "SELECT * FROM g:one FROM <two> FROM NAMED :three WHERE { ?s ?p ?o }"
    )
    assert prologue(list(code_tokens(text))) == (
        "http://example.org/base/",
        {"g": "http://example.org/base/graphs/", "": "http://x/"},
    )
    assert dataset_of(text) == (
        ["http://example.org/base/graphs/one", "http://example.org/base/two"],
        ["http://x/three"],
    )
    assert dataset_of("SELECT * { ?s ?p 'FROM <urn:x>' } # FROM <urn:y>") == ([], [])
