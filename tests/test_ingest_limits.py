"""Bad input to `ingest`, each refused in one clear line with the store left exactly as it was (or, for a
BOM and 500 authors, taken in whole); and the datatypes the bibliographic ingesters write, round-tripped
through real stores (memory and embedded Oxigraph)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKR, FABIO
from clusterkg.kg.sources.base import MAX_FILE_BYTES
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.sources.studies import MAX_FIELD_CHARS
from clusterkg.kg.store import Store, open_store
from tests.test_ingest import MANIFEST, assert_same, snapshot

DATA = Path(__file__).parent / "data" / "ingest"
RIS = "TY  - JOUR\nAU  - Doe, Jane\nTI  - A Title\nPY  - 2001\nER  - \n"
BIB = "@article{doe2001, author = {Doe, Jane}, title = {A Title}, year = 2001}\n"
CSL = '[{"id": "doe2001", "type": "article-journal", "title": "A Title",\n'
CSL += ' "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001]]}}]\n'


@pytest.fixture(params=["memory", "embedded"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return Settings(sources_manifest=MANIFEST, store=request.param, data_dir=tmp_path / "data")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store that already holds one ingested file, so 'unchanged' means something."""
    with closing(open_store(settings)) as store:
        assert ingest(DATA / "studies.bib", None, None, store, settings).written
        yield store


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def refused(path: Path, store: Store, settings: Settings, kind: str | None = None) -> str:
    before = snapshot(store)
    with pytest.raises(UserError) as caught:
        ingest(path, kind, None, store, settings)
    assert_same(before, snapshot(store))
    return str(caught.value)


def years(store: Store, graph: URIRef) -> set[str]:
    rows = store.query(
        f"SELECT ?y WHERE {{ GRAPH {graph.n3()} {{ ?s {FABIO.hasPublicationYear.n3()} ?y }} }}"
    ).rows
    return {str(r["y"]) for r in rows}


@pytest.mark.parametrize("suffix", [".bib", ".json", ".ris", ".csv"])
def test_a_fifty_megabyte_file_is_refused_before_it_is_read(
    work: Path, store: Store, settings: Settings, suffix: str
) -> None:
    path = work / f"huge{suffix}"
    with path.open("wb") as f:  # a sparse file: 50 MB that nothing could parse, never read
        f.truncate(50 * 1024 * 1024)
    assert MAX_FILE_BYTES < 50 * 1024 * 1024
    what = {".bib": "BibTeX", ".json": "CSL-JSON", ".ris": "RIS", ".csv": "CSV"}[suffix]
    assert refused(path, store, settings) == (
        f"huge{suffix}: {what} file is 50.0 MiB; the limit is 32 MiB (split the file)"
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "title.bib",
            "@article{long,\n  title = {" + "x" * 100_000 + "},\n  year = 2001}\n",
            (
                "title.bib:2: entry 'long', field title: the value is 100,000 characters long; "
                f"the limit is {MAX_FIELD_CHARS:,}"
            ),
        ),
        (
            "title.json",
            '[{"id": "long", "type": "book",\n "title": "' + "x" * 100_000 + '"}]',
            (
                "title.json:2: item 'long', field title: the value is 100,000 characters long; "
                f"the limit is {MAX_FIELD_CHARS:,}"
            ),
        ),
        (
            "title.ris",
            "TY  - JOUR\nTI  - " + "x" * 100_000 + "\nER  - \n",
            (
                f"title.ris:1: reference 'line-1': the title is 100,000 characters long; "
                f"the limit is {MAX_FIELD_CHARS:,}"
            ),
        ),
    ],
    ids=["bibtex", "csljson", "ris"],
)
def test_a_hundred_thousand_character_title_is_refused(
    work: Path, store: Store, settings: Settings, name: str, text: str, expected: str
) -> None:
    (work / name).write_text(text, encoding="utf-8")
    assert refused(work / name, store, settings) == expected


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("latin1.bib", BIB.encode() + b"@misc{m, title = {Caf\xe9}}\n", "latin1.bib:2:"),
        ("latin1.json", b'[{"id": "a", "type": "book",\n "title": "Caf\xe9"}]', "latin1.json:2:"),
        ("latin1.ris", RIS.encode().replace(b"A Title", b"Caf\xe9"), "latin1.ris:3:"),
        ("latin1.csv", b"claim_id,claim_label\ncaf\xe9,x\n", "latin1.csv:2:"),
    ],
    ids=["bibtex", "csljson", "ris", "csv"],
)
def test_invalid_utf8_is_refused_with_its_line(
    work: Path, store: Store, settings: Settings, name: str, data: bytes, expected: str
) -> None:
    (work / name).write_bytes(data)
    message = refused(work / name, store, settings)
    assert message.startswith(f"{expected} not UTF-8 text (byte ")


def test_utf16_text_is_named_as_such(work: Path, store: Store, settings: Settings) -> None:
    (work / "utf16.bib").write_bytes(BIB.encode("utf-16"))
    assert refused(work / "utf16.bib", store, settings) == (
        "utf16.bib: BibTeX file is UTF-16 text (byte-order mark): save it as UTF-8"
    )


@pytest.mark.parametrize(("name", "text"), [("bom.bib", BIB), ("bom.json", CSL), ("bom.ris", RIS)])
def test_a_utf8_byte_order_mark_is_accepted(
    work: Path, store: Store, settings: Settings, name: str, text: str
) -> None:
    (work / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = ingest(work / name, None, None, store, settings)
    assert (result.records, result.written) == (1, True)
    assert years(store, result.graph_iri) == {"2001"}


def test_csljson_not_a_list_or_without_id_leaves_the_store_unchanged(
    work: Path, store: Store, settings: Settings
) -> None:
    (work / "object.json").write_text('{"id": "a", "type": "book"}')
    assert refused(work / "object.json", store, settings) == (
        'object.json:1: a CSL-JSON file holds a list of items, or an object with an "items" list; '
        "this one holds an object"
    )
    (work / "noid.json").write_text('[\n {"type": "book", "title": "T"}\n]')
    assert refused(work / "noid.json", store, settings) == (
        "noid.json:2: item 1 has no id (each item needs one)"
    )


def test_five_hundred_authors_are_stored_all_in_order(
    work: Path, store: Store, settings: Settings
) -> None:
    authors = [{"family": f"Author{n:03d}", "given": "A."} for n in range(1, 501)]
    item = {"id": "big", "type": "article-journal", "title": "Many", "author": authors}
    item["issued"] = {"date-parts": [[2020]]}
    (work / "many.json").write_text(json.dumps([item]))
    result = ingest(work / "many.json", None, None, store, settings)
    assert result.written, result.validation.text()
    rows = store.query(
        f"""SELECT ?pos ?name WHERE {{ GRAPH {result.graph_iri.n3()} {{
              {CKR["study/author001-2020"].n3()} {CKG.hasAuthorship.n3()} ?a .
              ?a {CKG.authorPosition.n3()} ?pos ; {CKG.author.n3()} ?p .
              ?p {CKG.nameAsPrinted.n3()} ?name }} }} ORDER BY ?pos"""
    ).rows
    assert [(int(r["pos"]), str(r["name"])) for r in rows] == [
        (n, f"Author{n:03d}, A.") for n in range(1, 501)
    ]


def test_malformed_bibtex_field_fails_and_leaves_the_store_unchanged(
    work: Path, store: Store, settings: Settings
) -> None:
    (work / "broken.bib").write_text("@misc{b,\n  title = Unclosed}, year = 2020}}}\n")
    assert refused(work / "broken.bib", store, settings).splitlines()[0] == (
        "broken.bib:2: entry 'b', field title: 'Unclosed' is not in braces or quotes, and is "
        "neither a number nor a defined @string"
    )


@pytest.mark.parametrize("name", ["zotero.bib", "zotero.json"])
def test_exports_validate_and_their_datatypes_round_trip_through_the_store(
    store: Store, settings: Settings, name: str
) -> None:
    result = ingest(DATA / name, None, None, store, settings)
    assert result.written, result.validation.text()
    graph = result.graph_iri
    rows = store.query(
        f"""SELECT ?s ?p ?o WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o
              FILTER(?p IN ({DCTERMS.issued.n3()}, {FABIO.hasURL.n3()})) }} }}"""
    ).rows
    stored = {(r["s"], r["p"], r["o"]) for r in rows}
    expected = {t for t in result.graph if t[1] in (DCTERMS.issued, FABIO.hasURL)}
    assert stored == expected
    datatypes = {o.datatype for _, _, o in stored if isinstance(o, Literal)}
    assert datatypes == {XSD.date, XSD.gYearMonth, XSD.anyURI}


def test_a_better_biblatex_export_passes_validation_and_is_written(
    store: Store, settings: Settings
) -> None:
    result = ingest(DATA / "better-biblatex.bib", None, None, store, settings)
    assert (result.records, result.written) == (3, True), result.validation.text()
    assert years(store, result.graph_iri) == {"2019", "1723"}
