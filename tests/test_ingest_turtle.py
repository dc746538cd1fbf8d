"""Turtle ingester: the file's triples as they are; a syntax error is one line with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKR
from clusterkg.kg.sources.turtle import TurtleSource

DATA = Path(__file__).parent / "data" / "ingest"


def test_the_graph_is_the_file_and_the_records_its_subjects() -> None:
    source = TurtleSource(DATA / "example-study.ttl")
    assert isomorphic(source.to_graph(), Graph().parse(DATA / "example-study.ttl"))
    assert list(source.iter_records()) == [CKR["study/example-handwritten-2018"]]


def test_a_syntax_error_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "broken.ttl"
    path.write_text(
        '@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e "open .\n',
        encoding="utf-8",
    )
    with pytest.raises(UserError) as caught:
        TurtleSource(path).to_graph()
    assert str(caught.value) == "broken.ttl:4: bad turtle syntax: newline found in string literal"
