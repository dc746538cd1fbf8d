"""RIS ingester: the same studies as from BibTeX; broken structure and bad years are one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKR, FABIO
from clusterkg.kg.sources.bibtex import BibTeXSource
from clusterkg.kg.sources.ris import RISSource

DATA = Path(__file__).parent / "data" / "ingest"


def describe(graph: Graph, prefix: str) -> Graph:
    """The triples whose subject IRI contains `prefix` (a study's slug and its authorship, person, venue)."""
    out = Graph()
    for s, p, o in graph:
        if prefix in str(s):
            out.add((s, p, o))
    return out


def test_records_and_their_start_lines() -> None:
    records = list(RISSource(DATA / "studies.ris").iter_records())
    assert [(r.key, r.line) for r in records] == [
        ("porter1990", 1),
        ("krugman1991", 12),
        ("example-no-author", 26),
    ]


@pytest.mark.parametrize("slug", ["porter-1990", "krugman-1991"])
def test_ris_and_bibtex_give_the_same_study(slug: str) -> None:
    ris = RISSource(DATA / "studies.ris").to_graph()
    bib = BibTeXSource(DATA / "studies.bib").to_graph()
    venue = "journal-of-political-economy" if slug == "krugman-1991" else "free-press"
    for part in (slug, venue, "porter-m-e-1990" if slug == "porter-1990" else "krugman-p-1991"):
        assert len(describe(ris, part)) > 0
        assert isomorphic(describe(ris, part), describe(bib, part)), part


def test_a_reference_without_author_or_year_is_marked_not_stated() -> None:
    graph = RISSource(DATA / "studies.ris").to_graph()
    study = CKR["study/example-report-printed-nd"]
    assert set(graph.objects(study, CKG.notStated)) == {DCTERMS.creator, FABIO.hasPublicationYear}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "AU  - Doe, J.\nTY  - JOUR\nER  - \n",
            "refs.ris:1: expected a reference starting with 'TY  -', got 'AU  - Doe, J.'",
        ),
        (
            "TY  - JOUR\nTI  - A\n\nTY  - JOUR\nER  - \n",
            "refs.ris:4: reference starting on line 1 has no 'ER  -' before the next 'TY  -'",
        ),
        (
            "TY  - JOUR\nTI  - A\nER  - \nTY  - BOOK\nTI  - B\n",
            "refs.ris:4: reference has no 'ER  -' before the end of the file",
        ),
        (
            "TY  - JOUR\nTI  - A\nPY  - 19x0//\nER  - \n",
            "refs.ris:3: bad year '19x0': expected four digits, e.g. 1990",
        ),
    ],
    ids=["text-outside", "missing-er", "unterminated", "bad-year"],
)
def test_broken_ris_is_one_line_with_file_line_and_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "refs.ris"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        RISSource(path).to_graph()
    assert str(caught.value) == message


def test_taken_iris_are_avoided_as_with_bibtex() -> None:
    graph = RISSource(DATA / "studies.ris", taken={CKR["study/porter-1990"]}).to_graph()
    assert set(graph.objects(CKR["study/porter-1990-2"], CKG.hasAuthorship)) == {
        URIRef(CKR["authorship/porter-1990-2-1"])
    }
