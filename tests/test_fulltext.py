"""Full texts (plain, PDF, HTML) and quotes verified against them: the PDFs are printed at test time by the
real headless Chromium (tests/fixtures/pdfs.py) and read by the real poppler pdftotext."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result
from rdflib import Literal

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import CKG, CKR
from clusterkg.kg.store import open_store
from clusterkg.kg.texts.load import cache_entry, load_text
from clusterkg.kg.texts.match import (
    DASHES,
    HYPHENATION,
    LIGATURES,
    NBSP,
    QUOTES,
    RUNNING,
    SOFT_HYPHENS,
    Matcher,
)
from clusterkg.kg.texts.registry import text_graph
from clusterkg.web import create_app
from tests.fixtures.pdfs import HEADER, PRINT, PrintedPDFs, article_sentences
from tests.fixtures.web import start_server, stop_server
from tests.test_ingest_cli import built_dir  # noqa: F401 - the example store, built once

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"
MANIFEST = DATA / "ingest" / "manifest" / "sources.ttl"
PAPER = CKR["document/example-working-paper"]
Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def paper(test_pdfs: PrintedPDFs) -> Matcher:
    return Matcher(load_text(test_pdfs.article))


def test_the_pdf_has_what_real_papers_have(test_pdfs: PrintedPDFs, paper: Matcher) -> None:
    source = paper.source
    assert source.kind == "pdf" and len(source.pages) == 3
    running = [source.text[s:e] for s, e in source.running]
    assert running == [HEADER, "1", HEADER, "2", HEADER, "3"]
    assert "\u00ad\n" in source.text or "\u2010\n" in source.text  # words split at line ends
    assert "ﬂ" in source.text  # a ligature as extraction leaves it


def test_a_word_hyphenated_across_a_line_end_is_found(paper: Matcher) -> None:
    [found] = paper.find("geographic concentrations of interconnected firms")
    assert HYPHENATION in found.normalisations
    assert paper.source.page_of(found.start) == 1


def test_ligatures_curly_quotes_and_dashes_are_tolerated_and_named(paper: Matcher) -> None:
    [ligature] = paper.find("one of the largest of its kind. The conflicting")
    assert LIGATURES in ligature.normalisations
    [typography] = paper.find('"trust is built over decades, not over contracts" - an observation')
    assert {QUOTES, DASHES} <= set(typography.normalisations)


def test_a_sentence_cut_by_a_running_header_and_page_number_is_found(paper: Matcher) -> None:
    across = [f for q in article_sentences() for f in paper.find(q) if RUNNING in f.normalisations]
    assert across, "no sentence of the article crosses a page break"
    found = across[0]
    assert paper.source.page_of(found.start) < paper.source.page_of(found.end - 1)


def test_soft_hyphens_and_non_breaking_spaces_in_html(test_pdfs: PrintedPDFs) -> None:
    html = Matcher(load_text(test_pdfs.html))
    assert html.source.kind == "html" and "<p>" not in html.source.text
    [spaces] = html.find("seventy clusters in the northern region")
    assert NBSP in spaces.normalisations
    [hyphens] = html.find("specialised suppliers")
    assert SOFT_HYPHENS in hyphens.normalisations


def test_an_unchanged_quote_needs_no_normalisation(tmp_path: Path) -> None:
    text = tmp_path / "plain.txt"
    text.write_text("Firms  cluster\nnear ports.\n", encoding="utf-8")
    [found] = Matcher(load_text(text)).find("Firms cluster near ports.")
    assert found.normalisations == ()


def test_a_header_only_quote_is_not_a_body_quote(paper: Matcher) -> None:
    assert paper.find("Journal of Cluster Studies 12(3)") == []
    assert paper.in_running_text_only("Journal of Cluster Studies 12(3)")


def test_extraction_is_cached_by_hash_and_redone_when_the_file_changes(
    test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    pdf = tmp_path / "paper.pdf"
    shutil.copy(test_pdfs.article, pdf)
    cache = tmp_path / "texts"
    first = load_text(pdf, cache)
    entry = cache_entry(pdf, cache)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert stored["sha256"] == first.sha256 and stored["text"] == first.text
    stored["text"] = first.text.replace("Hub firms", "CACHED firms")
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert "CACHED firms" in load_text(pdf, cache).text  # read from the cache, not extracted again
    shutil.copy(test_pdfs.html, pdf.with_suffix(".html"))
    pdf.write_bytes(test_pdfs.article.read_bytes() + b"\n")  # a changed file: a new hash
    again = load_text(pdf, cache)
    assert again.sha256 != first.sha256 and "CACHED firms" not in again.text
    assert json.loads(entry.read_text(encoding="utf-8"))["sha256"] == again.sha256


def test_a_manifest_text_file_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    manifest = tmp_path / "sources.ttl"
    manifest.write_text(
        MANIFEST.read_text(encoding="utf-8").replace("example-report.txt", "example-report.docx"),
        encoding="utf-8",
    )
    with pytest.raises(UserError) as caught:
        read_manifest(manifest)
    assert str(caught.value).startswith(f"{display_path(manifest)}: ckg:textFile of <")
    assert (
        "'example-report.docx': a full text is one of .htm, .html, .md, .pdf, .text, .txt"
        in str(caught.value)
    )


# --- clusterkg quote locate ---


def test_locate_prints_the_passage_the_shortest_anchors_and_the_cells(
    cli: Cli, test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    result = cli(
        Settings(data_dir=tmp_path), "quote", "locate", str(test_pdfs.article), "hub firms"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("occurrence ") == 4
    first = result.stdout.split("occurrence 2 of 4:")[0]
    assert "found: page 2, characters " in first
    assert "passage: hub firms\nprefix: (none needed)\nsuffix: ' In'\n" in first
    assert '    oa:exact "hub firms" ;\n    oa:suffix " In" ;\n' in first
    assert "quote_exact,quote_prefix,quote_suffix\nhub firms,, In\n" in first
    matcher = Matcher(load_text(test_pdfs.article))
    assert len(matcher.find("hub firms", "", " In")) == 1
    assert len(matcher.find("hub firms", "", "")) == 4


def test_locate_a_quote_that_is_not_there_exits_2_with_the_nearest_passage(
    cli: Cli, test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    quote = "Without collateral, small manufacturers can borrow"
    result = cli(Settings(data_dir=tmp_path), "quote", "locate", str(test_pdfs.article), quote)
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{display_path(test_pdfs.article)}: quote not found in ")
    assert "; nearest passage (" in line and "% similar, page 2, character " in line
    assert '"Without collateral, small manufacturers cannot' in line


def test_locate_a_header_only_quote_exits_2(
    cli: Cli, test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    result = cli(
        Settings(data_dir=tmp_path), "quote", "locate", str(test_pdfs.article), "Journal of Cluster"
    )
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"{display_path(test_pdfs.article)}: quote occurs only in a running header or page number"
    )


# --- sources add-text, ingest against a PDF, the page of a quote, and the bad PDFs ---


@pytest.fixture
def ready(built_dir: Path, tmp_path: Path, cli: Cli) -> Settings:  # noqa: F811
    """A copy of the built example store with the example study and working paper ingested."""
    shutil.copytree(built_dir, tmp_path / ".clusterkg")
    settings = Settings(sources_manifest=MANIFEST, data_dir=tmp_path / ".clusterkg")
    for turtle in (DATA / "ingest" / "example-study.ttl", DATA / "fulltext" / "working-paper.ttl"):
        ingested = cli(settings, "ingest", str(turtle))
        assert ingested.exit_code == 0, ingested.output
    return settings


def dump(settings: Settings, tmp_path: Path) -> bytes:
    out = tmp_path / "dump.nq"
    with closing(open_store(settings)) as store:
        store.dump(out, "nquads")
    return b"\n".join(sorted(out.read_bytes().splitlines()))


def test_add_text_then_ingest_checks_quotes_against_the_pdf_and_the_page_shows_them(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs
) -> None:
    added = cli(
        ready, "sources", "add-text", "ckr:document/example-working-paper", str(test_pdfs.article)
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("article.pdf: pdf, 3 pages, ")
    with closing(open_store(ready)) as store:
        graph = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {text_graph(PAPER).n3()} {{ ?s ?p ?o }} }}"
        ).graph
    assert set(graph) == {(PAPER, CKG.textFile, Literal(str(test_pdfs.article.resolve())))}
    ingested = cli(ready, "ingest", str(DATA / "fulltext" / "evidence.csv"))
    assert ingested.exit_code == 0, ingested.output
    assert "quotes: 2 selectors, 2 ok (2 normalised), 0 failed" in ingested.stdout
    with closing(open_store(ready)) as store:
        app = create_app({"SETTINGS": ready, "TESTING": True}, store=store)
        page = app.test_client().get("/resource/claim/wp-definitions").get_data(as_text=True)
    assert '<figure class="quote-context" data-page="1">' in page
    assert '<mark class="quote-hit">The conflicting</mark>' in page
    assert "The passage highlighted in the text of" in page and ", page 1</figcaption>" in page


def test_a_header_only_quote_is_refused_at_ingest_and_nothing_is_written(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    cli(ready, "sources", "add-text", "ckr:document/example-working-paper", str(test_pdfs.article))
    before = dump(ready, tmp_path)
    result = cli(ready, "ingest", str(DATA / "fulltext" / "header-quote.csv"))
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if "quote" in x]
    assert 'quote "Journal of Cluster Studies 12(3)" occurs only in a running header' in line
    assert dump(ready, tmp_path) == before


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("encrypted", "encrypted PDF: it needs a password to open"),
        ("scanned", "no text layer (0 letters on 1 page(s)): a scanned PDF needs OCR first"),
        ("truncated", "truncated PDF: it does not end with %%EOF"),
    ],
)
def test_a_bad_pdf_is_refused_in_one_line_and_the_store_is_unchanged(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs, tmp_path: Path, kind: str, cause: str
) -> None:
    pdf = getattr(test_pdfs, kind)
    before = dump(ready, tmp_path)
    result = cli(ready, "sources", "add-text", "ckr:document/example-working-paper", str(pdf))
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{display_path(pdf)}: {cause}")
    assert dump(ready, tmp_path) == before
    located = cli(ready, "quote", "locate", str(pdf), "clusters")
    assert located.exit_code == 2 and located.stderr.splitlines() == [line]


def test_add_text_refuses_a_document_whose_text_is_in_the_manifest(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs
) -> None:
    result = cli(
        ready, "sources", "add-text", "ckr:document/example-report", str(test_pdfs.article)
    )
    assert result.exit_code == 2
    assert "has its full text in the sources manifest" in result.stderr


# --- the build over a PDF or HTML full text, and `quote check` ---


def _point_manifest_to(core_dir: Path, text: Path) -> None:
    manifest = core_dir / "data" / "sources.ttl"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            '"tests/data/core/text/source.txt"', f'"{text.resolve()}"'
        ),
        encoding="utf-8",
    )


@pytest.fixture
def core_pdf(browser: object, core_dir: Path) -> Path:
    """The small core test text, printed to a two-page PDF with a running header by Chromium."""
    paragraphs = (core_dir / "text" / "source.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{p}</p>" for p in paragraphs.split("\n\n"))
    page = browser.new_page()  # type: ignore[attr-defined]
    pdf = core_dir / "core.pdf"
    try:
        page.set_content(
            "<html lang='en'><body style='font:11pt serif'>"
            f"{body}<p style='page-break-before:always'>The appendix lists the interviews.</p>"
            "</body></html>"
        )
        page.pdf(path=str(pdf), **PRINT)
    finally:
        page.close()
    return pdf


def test_the_build_checks_quotes_against_a_pdf_full_text(
    cli: Cli, core_settings: Settings, core_dir: Path, core_pdf: Path
) -> None:
    _point_manifest_to(core_dir, core_pdf)
    result = cli(core_settings, "quote", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "quotes: 2 selectors, 2 ok, 0 failed, 0 not checked"
    built = cli(core_settings, "build")
    assert built.exit_code == 0, built.output
    assert "quotes: 2 selectors, 2 ok, 0 failed, 0 not checked" in built.stdout


def test_the_build_reads_an_html_full_text(
    cli: Cli, core_settings: Settings, core_dir: Path
) -> None:
    source = Path(__file__).parent / "data" / "core" / "text" / "source.txt"
    html = core_dir / "source.html"
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    html.write_text(
        "<html><head><style>p{}</style></head><body>"
        + "".join(f"<p>{p.replace('binds', 'bin&shy;ds')}</p>" for p in paragraphs)
        + "</body></html>",
        encoding="utf-8",
    )
    _point_manifest_to(core_dir, html)
    result = cli(core_settings, "quote", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "quotes: 2 selectors, 2 ok (1 normalised), 0 failed, 0 not checked"
    )
    assert (
        'quote "Trust binds the firms of a social network" ok after normalising: soft hyphens'
        in (result.stdout)
    )


def test_a_build_over_an_encrypted_pdf_stops_in_one_line_and_stores_nothing(
    cli: Cli, core_settings: Settings, core_dir: Path, test_pdfs: PrintedPDFs
) -> None:
    _point_manifest_to(core_dir, test_pdfs.encrypted)
    result = cli(core_settings, "build")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{display_path(test_pdfs.encrypted)}: encrypted PDF: it needs a password to open\n"
    )
    assert not (core_settings.data_dir / "store").exists()


def test_the_cells_locate_prints_ingest_as_they_are(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs, tmp_path: Path
) -> None:
    cli(ready, "sources", "add-text", "ckr:document/example-working-paper", str(test_pdfs.article))
    located = cli(ready, "quote", "locate", str(test_pdfs.article), "hub firms")
    third = located.stdout.split("occurrence 3 of 4:")[1].split("occurrence 4 of 4:")[0]
    header, row = third.split("CSV (evidence table):\n")[1].strip().splitlines()
    assert header == "quote_exact,quote_prefix,quote_suffix" and row == "hub firms,the ,"
    table = tmp_path / "pasted.csv"
    table.write_text(
        "claim_id,claim_label,study,source_document," + header + "\n"
        "wp-hub-firms,Hub firms coordinate,example-handwritten-2018,example-working-paper,"
        + row
        + "\n",
        encoding="utf-8",
    )
    ingested = cli(ready, "ingest", str(table))
    assert ingested.exit_code == 0, ingested.output
    assert "quotes: 1 selectors, 1 ok, 0 failed, 0 not checked" in ingested.stdout


def test_a_build_whose_quote_is_only_in_a_page_header_stops_in_one_line(
    cli: Cli, core_settings: Settings, core_dir: Path, core_pdf: Path
) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            '"geographic concentrations of interconnected companies"',
            '"Journal of Cluster Studies"',
        ),
        encoding="utf-8",
    )
    _point_manifest_to(core_dir, core_pdf)
    result = cli(core_settings, "build")
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f'{display_path(claims)}: <{CKR["claim/concentrations"]}>: quote "Journal of Cluster Studies" '
        f"occurs only in a running header or page number of {display_path(core_pdf)}, not in its "
        "body text; nearest passage ("
    )
    assert not (core_settings.data_dir / "store").exists()


def test_a_running_server_shows_a_pdf_quote_in_context_with_its_page(
    cli: Cli, ready: Settings, test_pdfs: PrintedPDFs, browser: object, tmp_path: Path
) -> None:
    """`sources add-text` and `ingest`, then a real `clusterkg serve` and Chromium on the claim's page."""
    for args in (
        ("sources", "add-text", "ckr:document/example-working-paper", str(test_pdfs.article)),
        ("ingest", str(DATA / "fulltext" / "evidence.csv")),
    ):
        assert cli(ready, *args).exit_code == 0
    env = dict(
        os.environ,
        CLUSTERKG_DATA_DIR=str(ready.data_dir),
        CLUSTERKG_SOURCES_MANIFEST=str(MANIFEST),
    )
    server = start_server([], env, tmp_path / "server.log")
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(f"{server.url}/resource/claim/wp-trust")
        figure = page.locator("figure.quote-context")
        assert figure.get_attribute("data-page") == "1"
        mark = figure.locator("mark.quote-hit")
        assert mark.is_visible()
        assert mark.inner_text() == (
            "again that “trust is built over decades, not over contracts” — an observation"
        )
        assert figure.locator("figcaption").inner_text().endswith(", page 1")
    finally:
        context.close()
        stop_server(server)
