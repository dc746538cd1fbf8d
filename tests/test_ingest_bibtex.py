"""BibTeX ingester: studies with ordered authors, venues and identifiers; 'not stated' markers; errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import BIBO, CKG, CKR, FABIO
from clusterkg.kg.sources.bibtex import BibTeXSource

DATA = Path(__file__).parent / "data" / "ingest"
STUDIES = DATA / "studies.bib"
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return BibTeXSource(STUDIES).to_graph()


def describe(graph: Graph, *nodes: URIRef) -> Graph:
    out = Graph()
    for node in nodes:
        out += graph.triples((node, None, None))
    return out


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_records_in_file_order_with_start_lines() -> None:
    records = list(BibTeXSource(STUDIES).iter_records())
    assert [(r.key, r.line) for r in records] == [
        ("porter1990", 6),
        ("krugman1991", 14),
        ("example2020a", 26),
        ("example2020b", 38),
        ("exampleNoAuthor", 46),
        ("exampleNoTitle", 51),
    ]


def test_study_iris_are_first_author_year_with_suffix_for_repeats(graph: Graph) -> None:
    studies = set(graph.subjects(RDF.type, CKG.Study))
    assert studies == {
        CKR["study/porter-1990"],
        CKR["study/krugman-1991"],
        CKR["study/muller-2020"],
        CKR["study/muller-2020-2"],
        CKR["study/example-report-printed-nd"],
        CKR["study/tran-2019"],
    }


def test_book_becomes_exactly_the_expected_triples(graph: Graph) -> None:
    expected = Graph().parse(DATA / "porter-expected.ttl")
    nodes = [
        CKR["study/porter-1990"],
        CKR["authorship/porter-1990-1"],
        CKR["person/porter-m-e-1990"],
        CKR["publisher/free-press"],
    ]
    assert isomorphic(describe(graph, *nodes), expected)


def test_article_has_venue_issn_volume_issue_pages_and_doi(graph: Graph) -> None:
    study = CKR["study/krugman-1991"]
    journal = CKR["journal/journal-of-political-economy"]
    assert graph.value(study, DCTERMS.isPartOf) == journal
    assert graph.value(journal, RDF.type) == FABIO.Journal
    assert graph.value(journal, BIBO.issn) == Literal("0022-3808")
    assert graph.value(study, BIBO.volume) == Literal("99")
    assert graph.value(study, BIBO.issue) == Literal("3")
    assert graph.value(study, BIBO.pages) == Literal("483–499")
    assert graph.value(study, BIBO.doi) == Literal("10.1086/261763")
    assert graph.value(study, FABIO.hasPublicationYear) == Literal("1991", datatype=GYEAR)


def test_authors_keep_their_order_and_printed_names(graph: Graph) -> None:
    rows = graph.query(
        """SELECT ?pos ?printed WHERE {
             ?study ckg:hasAuthorship ?a . ?a ckg:authorPosition ?pos ; ckg:author ?p .
             ?p ckg:nameAsPrinted ?printed } ORDER BY ?pos""",
        initNs={"ckg": CKG},
        initBindings={"study": CKR["study/muller-2020"]},
    )
    assert [(int(r.pos), str(r.printed)) for r in rows] == [
        (1, "Müller, Anna"),
        (2, "van der Berg, Jan"),
        (3, "Nguyen, Thi Lan"),
    ]
    assert graph.value(CKR["study/muller-2020"], CKG.authorListComplete) == Literal(True)
    assert graph.value(CKR["study/muller-2020"], BIBO.doi) == Literal("10.5555/example.2020.1")


def test_and_others_marks_an_incomplete_author_list(graph: Graph) -> None:
    study = CKR["study/muller-2020-2"]
    assert graph.value(study, CKG.authorListComplete) == Literal(False)
    assert list(graph.objects(study, CKG.hasAuthorship)) == [CKR["authorship/muller-2020-2-1"]]
    # the same name in the same year is one person within a file
    assert graph.value(CKR["authorship/muller-2020-2-1"], CKG.author) == CKR["person/muller-a-2020"]


def test_what_an_entry_lacks_is_marked_not_stated(graph: Graph) -> None:
    no_author = CKR["study/example-report-printed-nd"]
    assert set(graph.objects(no_author, CKG.notStated)) == {
        DCTERMS.creator,
        FABIO.hasPublicationYear,
    }
    assert (no_author, CKG.hasAuthorship, None) not in graph
    assert (no_author, FABIO.hasPublicationYear, None) not in graph
    no_title = CKR["study/tran-2019"]
    assert set(graph.objects(no_title, CKG.notStated)) == {DCTERMS.title}
    assert (no_title, DCTERMS.title, None) not in graph
    complete = CKR["study/krugman-1991"]
    assert (complete, CKG.notStated, None) not in graph


def test_taken_iris_get_the_next_free_suffix() -> None:
    taken = {CKR["study/porter-1990"], CKR["study/porter-1990-2"], CKR["person/porter-m-e-1990"]}
    graph = BibTeXSource(STUDIES, taken=taken).to_graph()
    assert (CKR["study/porter-1990-3"], RDF.type, CKG.Study) in graph
    assert not set(graph.triples((CKR["study/porter-1990"], None, None)))
    assert (
        graph.value(CKR["authorship/porter-1990-3-1"], CKG.author)
        == CKR["person/porter-m-e-1990-2"]
    )


def test_latex_and_doi_resolver_prefix_are_normalised(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "@article{k, author = {{\\'E}mile Durand}, title = {{Cluster} Example}, year = 2001,\n"
        "  doi = {doi:10.5555/EX.1}}\n",
    )
    graph = BibTeXSource(path).to_graph()
    study = CKR["study/durand-2001"]
    assert graph.value(study, DCTERMS.title) == Literal("Cluster Example")
    assert graph.value(study, BIBO.doi) == Literal("10.5555/EX.1")
    assert graph.value(CKR["person/durand-e-2001"], CKG.nameAsPrinted) == Literal("Durand, Émile")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            (
                "@book{ok, author = {A, B}, title = {T}, year = 2000}\n\n"
                "@article{broken,\n  title = {Unclosed,\n  year = 2020\n}\n\n@misc{next, title = {N}}\n"
            ),
            (
                "refs.bib:3: bad BibTeX entry: entry 'broken': Unexpected block start: `@misc`. "
                "Was still looking for field-value closing `,` or `}`"
            ),
        ),
        (
            "@article{a, title = {A}, year = 2000}\n@article{a, title = {B}, year = 2001}\n",
            "refs.bib:2: duplicate key 'a': the same key as the entry on line 1",
        ),
        (
            "@article{y,\n  author = {Doe, J.},\n  title = {T},\n  year = {19x0}\n}\n",
            "refs.bib:4: entry 'y', field year: bad year '19x0': expected four digits, e.g. 1990, or n.d.",
        ),
    ],
    ids=["unclosed-brace", "duplicate-key", "bad-year"],
)
def test_bad_bibtex_is_one_line_with_file_line_and_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as caught:
        list(BibTeXSource(write(tmp_path, text)).iter_records())
    assert str(caught.value) == message


def test_missing_file_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as caught:
        BibTeXSource(tmp_path / "absent.bib").to_graph()
    assert str(caught.value) == "absent.bib: BibTeX file not found"
