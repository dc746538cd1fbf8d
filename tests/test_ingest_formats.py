"""Reference-manager exports: BibTeX/BibLaTeX as Zotero and Better BibTeX write them, CSL-JSON, venues and
publishers as one node per ISSN or normalised name, work types, malformed fields, and the kind registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import BIBO, CKG, CKR, FABIO
from clusterkg.kg.sources.bibtex import BibTeXSource
from clusterkg.kg.sources.csljson import CSLJSONSource
from clusterkg.kg.sources.ingest import SOURCES, SUFFIXES, open_source

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def bib() -> Graph:
    return BibTeXSource(DATA / "zotero.bib").to_graph()


@pytest.fixture(scope="module")
def csl() -> Graph:
    return CSLJSONSource(DATA / "zotero.json").to_graph()


def printed_authors(graph: Graph, study: URIRef) -> list[str]:
    rows = graph.query(
        """SELECT ?pos ?printed WHERE { ?study ckg:hasAuthorship ?a . ?a ckg:authorPosition ?pos ;
             ckg:author ?p . ?p ckg:nameAsPrinted ?printed } ORDER BY ?pos""",
        initNs={"ckg": CKG},
        initBindings={"study": study},
    )
    return [str(r.printed) for r in rows]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(path.parent)
    with pytest.raises(UserError) as caught:
        list(open_source(path).iter_records())
    return str(caught.value).splitlines()


# --- BibTeX as Zotero and Better BibTeX write it -----------------------------------------------------


def test_brace_protected_words_and_tex_accents_become_plain_unicode(bib: Graph) -> None:
    study = CKR["study/muller-2021"]
    assert bib.value(study, DCTERMS.title) == Literal(
        "Five Competitive Forces in München: An Étude of Example Clusters"
    )
    assert printed_authors(bib, study) == [
        "Müller, Anna",
        "van der Berg, Jan",
        "Durand, Émile",
        "Smith, Jr., John",
    ]


def test_double_braced_corporate_author_is_one_literal_agent(bib: Graph) -> None:
    study = CKR["study/world-bank-2020"]
    (author,) = bib.objects(CKR["authorship/world-bank-2020-1"], CKG.author)
    assert set(bib.objects(author, RDF.type)) == {FOAF.Agent}  # not claimed to be a person
    assert bib.value(author, FOAF.name) == Literal("World Bank")
    assert (author, FOAF.familyName, None) not in bib
    assert printed_authors(bib, study) == ["World Bank"]
    assert bib.value(study, RDFS.label) == Literal("World Bank 2020", lang="en")


def test_biblatex_date_and_month_with_day_give_the_full_date(bib: Graph) -> None:
    assert bib.value(CKR["study/muller-2021"], DCTERMS.issued) == Literal(
        "2021-06-24", datatype=XSD.date
    )
    # month = {jun 24} beside year = {2020}
    assert bib.value(CKR["study/world-bank-2020"], DCTERMS.issued) == Literal(
        "2020-06-24", datatype=XSD.date
    )
    # month = {Sept} (IEEE), month = jun (a macro)
    assert bib.value(CKR["study/tran-2019"], DCTERMS.issued) == Literal(
        "2019-09", datatype=XSD.gYearMonth
    )
    assert bib.value(CKR["study/le-2018"], DCTERMS.issued) == Literal(
        "2018-06", datatype=XSD.gYearMonth
    )
    assert bib.value(CKR["study/nguyen-2022"], FABIO.hasPublicationYear) == Literal(
        "2022", datatype=XSD.gYear
    )
    assert (CKR["study/nguyen-2022"], DCTERMS.issued, None) not in bib


def test_journaltitle_issn_doi_pages_with_en_dash(bib: Graph) -> None:
    study = CKR["study/muller-2021"]
    journal = CKR["journal/journal-of-example-clusters-and-networks"]
    assert bib.value(study, DCTERMS.isPartOf) == journal
    assert bib.value(journal, RDFS.label) == Literal(
        "The Journal of Example Clusters & Networks", lang="en"
    )
    assert bib.value(journal, BIBO.issn) == Literal("1234-5679")
    assert bib.value(study, BIBO.doi) == Literal("10.5555/example.2021.1")
    assert [
        str(bib.value(CKR[f"study/{s}"], BIBO.pages)) for s in ("muller-2021", "tran-2019")
    ] == [
        "101–120",
        "22–29",
    ]
    assert bib.value(CKR["study/le-2018"], BIBO.pages) == Literal("5–9")


def test_online_and_misc_howpublished_urls(bib: Graph) -> None:
    online = CKR["study/nguyen-2022"]
    assert FABIO.WebPage in set(bib.objects(online, RDF.type))
    assert bib.value(online, FABIO.hasURL) == Literal(
        "https://example.org/cluster-page", datatype=XSD.anyURI
    )
    misc = CKR["study/example-toolkit-datasheet-nd"]
    assert bib.value(misc, FABIO.hasURL) == Literal(
        "https://example.org/datasheet.pdf", datatype=XSD.anyURI
    )
    assert bib.value(misc, DCTERMS.title) == Literal("Example Toolkit Datasheet")


def test_no_year_or_nd_is_not_stated_never_guessed(bib: Graph) -> None:
    misc = CKR["study/example-toolkit-datasheet-nd"]
    assert (misc, FABIO.hasPublicationYear, None) not in bib
    assert (misc, DCTERMS.issued, None) not in bib
    assert set(bib.objects(misc, CKG.notStated)) == {DCTERMS.creator, FABIO.hasPublicationYear}


def test_chapter_has_its_book_editors_publisher_place_and_isbn(bib: Graph) -> None:
    chapter = CKR["study/do-2017"]
    book = CKR["journal/example-handbook-of-clusters"]
    assert set(bib.objects(chapter, RDF.type)) == {CKG.Study, FABIO.BookChapter}
    assert bib.value(chapter, DCTERMS.isPartOf) == book
    assert bib.value(book, RDF.type) == FABIO.Book
    editors = {str(bib.value(e, CKG.nameAsPrinted)) for e in bib.objects(chapter, BIBO.editor)}
    assert editors == {"Vu, Nam", "Ho, Lan"}
    assert bib.value(chapter, FABIO.hasPlaceOfPublication) == Literal("Hanoi")
    assert bib.value(CKR["study/world-bank-2020"], BIBO.isbn) == Literal("9780306406157")
    assert bib.value(CKR["study/world-bank-2020"], DCTERMS.publisher) == CKR["publisher/world-bank"]


# --- venues and publishers ---------------------------------------------------------------------------


def test_one_journal_for_two_letter_cases_first_spelling_is_the_label(bib: Graph) -> None:
    journal = CKR["journal/ieee-transactions-on-example-engineering"]
    assert bib.value(CKR["study/tran-2019"], DCTERMS.isPartOf) == journal
    assert bib.value(CKR["study/le-2018"], DCTERMS.isPartOf) == journal
    assert list(bib.objects(journal, RDFS.label)) == [
        Literal("IEEE transactions on example engineering", lang="en")
    ]
    assert list(bib.objects(journal, DCTERMS.title)) == [
        Literal("IEEE transactions on example engineering")
    ]
    assert list(bib.objects(journal, SKOS.altLabel)) == [
        Literal("IEEE Transactions on Example Engineering", lang="en")
    ]
    assert bib.value(journal, BIBO.issn) == Literal("2345-6789")  # written 23456789


def test_venues_are_one_node_per_issn_or_normalised_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "venues.bib",
        "@article{a, title={A}, year=2001, journal={The Review of Examples \\& Cases}}\n"
        "@article{b, title={B}, year=2002, journal={Review of Examples and Cases}}\n"
        "@article{c, title={C}, year=2003, journal={Rev. Ex. Cases}, issn={1111-2222}}\n"
        "@article{d, title={D}, year=2004, journal={Review of examples, and cases},"
        " issn={1111-2222}}\n"
        "@book{e, title={E}, year=2005, publisher={The Example Press}}\n"
        "@book{f, title={F}, year=2006, publisher={example press}}\n",
    )
    graph = BibTeXSource(path).to_graph()
    journals = set(graph.subjects(RDF.type, FABIO.Journal))
    assert journals == {CKR["journal/review-of-examples-and-cases"]}
    journal = CKR["journal/review-of-examples-and-cases"]
    assert graph.value(journal, RDFS.label) == Literal("The Review of Examples & Cases", lang="en")
    assert {str(s) for s in graph.objects(journal, SKOS.altLabel)} == {
        "Review of Examples and Cases",
        "Rev. Ex. Cases",
        "Review of examples, and cases",
    }
    assert graph.value(journal, BIBO.issn) == Literal("1111-2222")
    publisher = CKR["publisher/example-press"]
    assert set(graph.objects(None, DCTERMS.publisher)) == {publisher}
    assert graph.value(publisher, RDFS.label) == Literal("The Example Press", lang="en")
    assert list(graph.objects(publisher, SKOS.altLabel)) == [Literal("example press", lang="en")]


# --- malformed BibTeX: every bad entry at once, with entry, field and line ---------------------------


def test_malformed_field_fails_with_entry_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "bad.bib", "@misc{b,\n  title = Unclosed}, year = 2020}}}\n")
    assert errors_of(path, monkeypatch) == [
        (
            "bad.bib:2: entry 'b', field title: 'Unclosed' is not in braces or quotes, and is neither "
            "a number nor a defined @string"
        ),
        (
            "bad.bib:2: text after the end of an entry looks like more of its fields "
            "(', year = 2020}}}'): a closing brace ends the entry too early"
        ),
    ]


def test_every_bad_entry_of_a_file_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        "many.bib",
        "@article{ok, title = {Fine}, year = 2000}\n"
        "@article{badyear,\n  title = {T},\n  year = {19x0}\n}\n"
        "@article{baddoi, title = {T}, year = 2001,\n  doi = {not a doi}}\n"
        "@article{ok, title = {Again}, year = 2002}\n"
        "@article{andand, title = {T}, year = 2003, author = {Doe, J. and}}\n"
        "@article{badurl, title = {T}, year = 2004,\n  url = {javascript:alert(1)}}\n",
    )
    assert errors_of(path, monkeypatch) == [
        (
            "many.bib:4: entry 'badyear', field year: bad year '19x0': expected four digits, "
            "e.g. 1990, or n.d."
        ),
        (
            "many.bib:7: entry 'baddoi', field doi: bad DOI 'not a doi': expected "
            "10.<registrant>/<suffix>"
        ),
        "many.bib:8: duplicate key 'ok': the same key as the entry on line 1",
        "many.bib:9: entry 'andand', field author: an empty name next to 'and'",
        (
            "many.bib:11: entry 'badurl', field url: bad URL 'javascript:alert(1)': expected "
            "http:// or https:// addresses"
        ),
    ]


# --- CSL-JSON ----------------------------------------------------------------------------------------


def test_csljson_items_become_studies_with_authors_in_order(csl: Graph) -> None:
    study = CKR["study/de-sompel-2021"]
    assert set(csl.objects(study, RDF.type)) == {CKG.Study, FABIO.JournalArticle}
    assert csl.value(study, DCTERMS.title) == Literal("An Example Study of Hub Firms")
    assert printed_authors(csl, study) == [
        "de Sompel, Herbert",
        "d’Amato, Claudia",
        "Example Cluster Observatory",
        "Smith, Jr., John",
    ]
    assert csl.value(study, DCTERMS.issued) == Literal("2021-06-24", datatype=XSD.date)
    assert csl.value(study, BIBO.pages) == Literal("121–151")
    assert csl.value(study, BIBO.doi) == Literal("10.5555/example.2021.2")
    journal = csl.value(study, DCTERMS.isPartOf)
    assert {str(i) for i in csl.objects(journal, BIBO.issn)} == {"1234-5679", "2049-3630"}


def test_csljson_chapter_webpage_report_and_conference_paper(csl: Graph) -> None:
    chapter = CKR["study/do-2019"]
    assert FABIO.BookChapter in set(csl.objects(chapter, RDF.type))
    assert csl.value(chapter, DCTERMS.issued) == Literal("2019-03", datatype=XSD.gYearMonth)
    assert csl.value(chapter, BIBO.isbn) == Literal("9783030061487")
    assert csl.value(chapter, FABIO.hasPlaceOfPublication) == Literal("Cham")
    assert csl.value(csl.value(chapter, DCTERMS.isPartOf), RDF.type) == FABIO.Book
    assert len(set(csl.objects(chapter, BIBO.editor))) == 1
    page = CKR["study/nguyen-nd"]  # issued {"literal": "n.d."}
    assert FABIO.WebPage in set(csl.objects(page, RDF.type))
    assert FABIO.hasPublicationYear in set(csl.objects(page, CKG.notStated))
    report = CKR["study/an-example-report-2020"]  # month 13: a season, kept as the year only
    assert csl.value(report, FABIO.hasPublicationYear) == Literal("2020", datatype=XSD.gYear)
    assert (report, DCTERMS.issued, None) not in csl
    assert csl.value(report, DCTERMS.publisher) == CKR["publisher/example-institute"]
    paper = CKR["study/le-2016"]  # issued {"raw": "Spring 2016"}
    assert FABIO.ConferencePaper in set(csl.objects(paper, RDF.type))
    assert csl.value(csl.value(paper, DCTERMS.isPartOf), RDF.type) == FABIO.AcademicProceedings


def test_csljson_object_with_items_is_read_like_a_list(tmp_path: Path) -> None:
    items = json.loads((DATA / "zotero.json").read_text(encoding="utf-8"))
    path = write(tmp_path, "api.json", json.dumps({"items": items}, indent=1))
    records = list(CSLJSONSource(path).iter_records())
    assert [r.key for r in records] == [
        "http://zotero.org/users/local/EXAMPLE/items/AAAA1111",
        "exampleChapter2019",
        "3",
        "exampleReport2020",
        "exampleConference2016",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"id": "a", "type": "book", "title": "T"}',
            (
                'bad.json:1: a CSL-JSON file holds a list of items, or an object with an "items" '
                "list; this one holds an object"
            ),
        ),
        ("[\n", "bad.json:2: bad JSON: Expecting value"),
        (
            '{"items": [{"itemType": "book", "title": "T"}]}',
            (
                "bad.json: this is Zotero or Better BibTeX JSON (Zotero items), not CSL-JSON: export "
                "as 'CSL JSON' or 'Better CSL JSON'"
            ),
        ),
    ],
    ids=["not-a-list", "broken-json", "zotero-native-json"],
)
def test_csljson_that_is_not_a_list_of_items_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    assert errors_of(write(tmp_path, "bad.json", text), monkeypatch) == [expected]


def test_every_bad_csljson_item_is_reported_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        {"id": "ok", "type": "book", "title": "Fine"},
        {"type": "book", "title": "No id"},
        {"id": "ok", "type": "book", "title": "Same id"},
        {"id": "t", "type": "journal-article", "title": "Not a CSL type"},
        {"id": "d", "type": "book", "issued": {"date-parts": [["twenty"]]}},
        {"id": "n", "type": "book", "author": [{"given": "Only"}, "Doe, J."]},
        {"id": "s", "type": "book", "title": ["a", "list"]},
        "not an object",
    ]
    path = write(tmp_path, "items.json", json.dumps(items, indent=1))
    assert errors_of(path, monkeypatch) == [
        "items.json:7: item 2 has no id (each item needs one)",
        "items.json:11: duplicate id 'ok': the same id as the item on line 2",
        "items.json:18: item 't', field type: 'journal-article' is not a CSL type",
        "items.json:24: item 'd', field issued: date-parts holds 'twenty', not a number",
        "items.json:35: item 'n', field author: name 2 is a string, not an object",
        "items.json:45: item 's', field title: expected a string, got a list",
        "items.json:50: item 8 is a string, not an object",
    ]


# --- the kind registry -------------------------------------------------------------------------------


def test_one_registry_each_source_names_its_kind_and_suffixes() -> None:
    assert SOURCES["csljson"] is CSLJSONSource
    assert SUFFIXES[".json"] == "csljson"
    assert SUFFIXES[".bib"] == SUFFIXES[".bibtex"] == "bibtex"
    for kind, source in SOURCES.items():
        assert source.kind == kind
        assert all(SUFFIXES[suffix] == kind for suffix in source.suffixes)
    assert isinstance(open_source(DATA / "zotero.json"), CSLJSONSource)
    assert isinstance(open_source(DATA / "zotero.bib", "bibtex"), BibTeXSource)


def test_biblatex_extended_names_and_names_without_family_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "names.bib",
        "@article{x, title = {T}, year = 2019, author = {family=Oord, given=Aaron, prefix=van den,"
        " useprefix=true and family=Alembert, given=Jean le Rond, prefix=d’, useprefix=true"
        " and Roland, Anna and David}}\n",
    )
    graph = BibTeXSource(path).to_graph()
    assert printed_authors(graph, CKR["study/van-den-oord-2019"]) == [
        "van den Oord, Aaron",
        "d’Alembert, Jean le Rond",
        "Roland, Anna",
        "David",
    ]
    david = graph.value(CKR["authorship/van-den-oord-2019-4"], CKG.author)
    assert graph.value(david, FOAF.familyName) == Literal(
        "David"
    )  # BibTeX: one word is a family name


@pytest.mark.parametrize(
    ("value", "year", "issued"),
    [
        ("2021-04-08T00:39:34Z", "2021", "2021-04-08"),
        ("1999-uu", "1999", None),
        ("199u", None, None),
        ("1723?", "1723", None),
        ("2001-21", "2001", None),
        ("2011-05-25 /2012-06-26", "2011", "2011-05-25"),
        ("nodate", None, None),
    ],
)
def test_edtf_dates_as_better_biblatex_writes_them(
    tmp_path: Path, value: str, year, issued
) -> None:
    path = write(tmp_path, "dates.bib", f"@misc{{x, title = {{T}}, date = {{{value}}}}}\n")
    (record,) = BibTeXSource(path).iter_records()
    assert record.year == year
    assert (str(record.issued) if record.issued is not None else None) == issued


def test_short_dois_and_escaped_urls_are_kept_verbatim(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ids.bib",
        "@article{x, title = {T}, year = 2001, doi = {10/fqd6hj},"
        " url = {https://example.org/a\\_b?x=1&y=2\\%20}}\n",
    )
    (record,) = BibTeXSource(path).iter_records()
    assert (record.doi, record.urls) == ("10/fqd6hj", ("https://example.org/a_b?x=1&y=2%20",))


def test_what_large_real_exports_write_goes_in(tmp_path: Path) -> None:
    """Values seen in a 1,241-entry Better BibLaTeX export of a Mendeley library, each of which refused the
    whole file: a reprint's year with the original's in brackets, a season's year, several links in one
    url field, a space and a `|` inside a link, ISBN-10s of a set's volumes glued together, a family name
    with a trailing comma, and `\\href {address} {text}` with spaces between its arguments."""
    path = write(
        tmp_path,
        "mendeley.bib",
        "@book{reprint, title = {Networks of Makers}, year = {1989 [1961]},\n"
        "  url = {http://a.example.org/x/1 http://b.example.org/y?id=2}}\n"
        "@article{season, title = {Workshops by the River}, year = {Autumn 2003},\n"
        "  url = {http://c.example.org/s?q=intitle:Craft village&t=a|b}}\n"
        "@book{volumes, title = {A Lexicon in Three Volumes}, year = {1994}, author = {Nguyen,},\n"
        "  isbn = {0-306-40615-23-16-148410-X604-123456-7}}\n"
        "@misc{pkg, title = {A Package}, year = {2022},\n"
        "  howpublished = {\\href   {https://example.org/~pkg/index.html}   {\\texttt{example.org}}}}\n",
    )
    records = {r.key: r for r in BibTeXSource(path).iter_records()}
    assert records["reprint"].year == "1989"
    assert records["reprint"].urls == ("http://a.example.org/x/1", "http://b.example.org/y?id=2")
    assert records["season"].year == "2003"
    assert records["season"].urls == ("http://c.example.org/s?q=intitle:Craft%20village&t=a%7Cb",)
    assert records["volumes"].isbns == ("0306406152", "316148410X", "6041234567")
    assert [(a.family, a.given) for a in records["volumes"].authors] == [("Nguyen", "")]
    assert records["pkg"].urls == ("https://example.org/~pkg/index.html",)
    graph = BibTeXSource(path).to_graph()
    study = next(graph.subjects(DCTERMS.title, Literal("Networks of Makers")))
    assert set(graph.objects(study, FABIO.hasURL)) == {
        Literal("http://a.example.org/x/1", datatype=XSD.anyURI),
        Literal("http://b.example.org/y?id=2", datatype=XSD.anyURI),
    }


@pytest.mark.parametrize(
    ("isbn", "cause"),
    [
        ("0-306-40615-23-16-148410-1", "bad ISBN"),  # the second check digit is wrong
        ("0-306-40615-23-16-148410-X6", "bad ISBN"),  # 21 digits
    ],
)
def test_glued_isbns_are_read_only_when_every_check_digit_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isbn: str, cause: str
) -> None:
    path = write(tmp_path, "glued.bib", f"@book{{v, title = {{T}}, year = 1994, isbn = {{{isbn}}}}}\n")
    (line,) = errors_of(path, monkeypatch)
    assert line.startswith("glued.bib:1: entry 'v', field isbn: " + cause)


@pytest.mark.parametrize(
    ("issued", "year", "month"),
    [
        ({"date-parts": [["2024"]]}, "2024", None),  # Zotero writes the year as a string
        ({"date-parts": [[2020, 6], [2021, 1]]}, "2020", 6),  # a range: its first date
        ({"date-parts": [[]]}, None, None),
        ({"date-parts": [[""]]}, None, None),
        ({"raw": "2019-03"}, "2019", 3),
        ({"raw": "June 2018"}, "2018", None),
        ({"literal": "forthcoming"}, None, None),
        ("2017-05-01", "2017", 5),  # a plain string, as some exporters write it
    ],
)
def test_csl_dates(tmp_path: Path, issued: object, year: str | None, month: int | None) -> None:
    item = {"id": "x", "type": "book", "title": "T", "issued": issued}
    (record,) = CSLJSONSource(write(tmp_path, "d.json", json.dumps([item]))).iter_records()
    assert (record.year, record.month) == (year, month)


def test_names_and_venues_without_latin_letters_keep_apart(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ja.bib",
        "@article{a, author = {山田, 太郎 and 田中, 花子}, title = {日本語文献}, year = 2020,"
        " journaltitle = {見本学会誌}}\n"
        "@article{b, author = {佐藤, 一郎}, title = {別の文献}, year = 2020, journaltitle = {別の学会誌}}\n",
    )
    graph = BibTeXSource(path).to_graph()
    assert len(set(graph.subjects(RDF.type, FOAF.Person))) == 3
    assert len(set(graph.subjects(RDF.type, FABIO.Journal))) == 2
    assert len(set(graph.subjects(RDF.type, CKG.Study))) == 2
    assert printed_authors(
        graph, graph.value(predicate=DCTERMS.title, object=Literal("日本語文献"))
    ) == [
        "山田, 太郎",
        "田中, 花子",
    ]


def test_better_biblatex_export_features(tmp_path: Path) -> None:
    graph = BibTeXSource(DATA / "better-biblatex.bib").to_graph()
    paper = CKR["study/van-den-oord-2019"]
    assert printed_authors(graph, paper) == [
        "van den Oord, Aaron",
        "d’Alembert, Jean le Rond",
        "Tran, Lan",
    ]
    assert graph.value(paper, DCTERMS.title) == Literal("An Example of Extended Names")
    proceedings = graph.value(paper, DCTERMS.isPartOf)
    assert graph.value(proceedings, RDF.type) == FABIO.AcademicProceedings
    assert graph.value(proceedings, DCTERMS.title) == Literal(
        "EXC '19: Proceedings of the 1st Example Conference"
    )
    assert graph.value(paper, DCTERMS.issued) == Literal("2019-04-08", datatype=XSD.date)
    assert graph.value(paper, BIBO.doi) == Literal("10/fqd6hj")
    assert graph.value(paper, FABIO.hasURL) == Literal(
        "https://example.org/paper?id=1&lang=en_GB", datatype=XSD.anyURI
    )
    press = CKR["publisher/example-press-and-sons"]
    assert graph.value(paper, DCTERMS.publisher) == press
    assert graph.value(press, RDFS.label) == Literal("Example Press & Sons", lang="en")
    assert list(graph.objects(press, SKOS.altLabel)) == [
        Literal("Example Press and Sons", lang="en")
    ]
    decade = CKR["study/pham-nd"]  # date = {199u}: the year is not stated, never guessed
    assert graph.value(decade, DCTERMS.title) == Literal("A Book Dated Only to Its Decade")
    assert FABIO.hasPublicationYear in set(graph.objects(decade, CKG.notStated))
    assert graph.value(CKR["study/pham-1723"], FABIO.hasPublicationYear) == Literal(
        "1723", datatype=XSD.gYear
    )
