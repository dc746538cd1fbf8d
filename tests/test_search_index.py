"""The search index (kg.search) on a real embedded Oxigraph store: kept in step with every kind of write,
rebuilt when stale or missing, and what it finds (diacritics, phrases, prefixes, facets, escaped snippets)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef

from clusterkg.kg.cli import main
from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, DCTERMS, RDF, RDFS
from clusterkg.kg.search.index import SPAN, SearchIndex
from clusterkg.kg.search.indexed import IndexedStore
from clusterkg.kg.search.tokens import fold, fts_query, indexed_text, matches, parse
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import QuerySyntaxError
from clusterkg.web import create_app

PROBES = Path(__file__).parent / "data" / "search" / "probes.ttl"
PROBE_GRAPH = CKGRAPH["file/probes-ttl"]
HANOI = str(CKR["claim/probe-hanoi"])
MARKUP = str(CKR["claim/probe-markup"])


@pytest.fixture
def store(web_dataset: Dataset, tmp_path: Path) -> Iterator[IndexedStore]:
    """An embedded store holding the seed and the probes, written as `clusterkg` writes."""
    with closing(open_store(Settings(data_dir=tmp_path))) as opened:
        assert isinstance(opened, IndexedStore)
        opened.load(web_dataset)
        opened.load_file(PROBES, PROBE_GRAPH)
        yield opened


def index_of(store: IndexedStore) -> SearchIndex:
    found = store.fresh_index()
    assert found is not None, "the index should hold the store as it is"
    return found


def hits(store: IndexedStore, q: str, **chosen: str) -> list[str]:
    return [h.resource for h in index_of(store).search(q, chosen, 0, 200).hits]


def wait_for_rebuild(store: IndexedStore) -> None:
    assert store._rebuilding is not None
    store._rebuilding.join(timeout=120)


# -- the tokenizer -------------------------------------------------------------------------------------------
def test_one_tokenizer_folds_case_diacritics_and_d_with_stroke():
    assert (
        fold("Hà") == "ha"
        and fold("Nội") == "noi"
        and fold("ĐÀ") == "da"
        and fold("Nẵng") == "nang"
    )
    assert (
        indexed_text("Sở Công Thương Đà Nẵng — hub-firms’ role")
        == "so cong thuong da nang hub firms role"
    )
    assert [t.fts() for t in parse('"Hà Nội" clust* hub-firm')] == [
        '"ha noi"',
        '"clust" *',
        '"hub firm"',
    ]
    assert parse('"" * -- ') == []  # nothing to look for: no FTS5 syntax error


# -- what it finds --------------------------------------------------------------------------------------------
def test_diacritic_insensitive_both_ways(store):
    assert hits(store, "Ha Noi") == [HANOI]
    assert hits(store, "da nang") == [HANOI]  # đ folds to d, in a rationale
    assert hits(store, "HÀ NỘI hạ tầng") == [HANOI]
    assert HANOI not in hits(store, "Hanoi")  # one word is not two


def test_phrase_needs_the_words_in_a_row(store):
    assert hits(store, '"ha noi"') == [HANOI]
    assert hits(store, '"noi ha"') == []
    both = hits(store, "hub firm")
    phrase = hits(store, '"hub firm"')
    assert str(CKG.HubFirm) in phrase and set(phrase) <= set(both)


def test_prefix_finds_words_that_begin_so(store):
    prefixed = set(hits(store, "cluster*"))
    assert set(hits(store, "cluster")) < prefixed  # "clusters" too
    assert hits(store, "clust") == [] and set(hits(store, "clust*")) == prefixed


def test_most_matching_texts_first_then_bm25(store):
    found = index_of(store).search("hanoi", {}, 0, 200).hits
    matches = [h.matches for h in found]
    assert matches == sorted(matches, reverse=True) and matches[0] > matches[-1]


def test_the_texts_a_snippet_shows_are_those_the_index_matches(store):
    """A page's snippets come from its hits' texts that `matches` accepts (the one tokenizer in Python):
    for every query, exactly the texts FTS5's MATCH finds."""
    index = index_of(store)
    with closing(sqlite3.connect(index.path)) as db:
        texts = dict(db.execute("SELECT id, text FROM docs"))
        for q in (
            "ha noi",
            '"ha noi"',
            '"noi ha"',
            "clust*",
            "cluster",
            "hub firm",
            '"hub firm"',
            "so da nang",
            "infra* polic*",
            "zyxprobe",
        ):
            terms = parse(q)
            found = {
                i
                for (i,) in db.execute(
                    "SELECT rowid FROM texts WHERE texts MATCH ?", (fts_query(terms),)
                )
            }
            assert found == {i for i, text in texts.items() if matches(text, terms)}, q
            assert found or q == '"noi ha"', q


def test_a_text_two_graphs_hold_counts_once_and_goes_with_the_last(store):
    """A text is indexed once however many graphs hold it (a matching text counts once for the order)
    and stays findable until no graph holds it; a resource left without texts leaves the facets."""
    claim = CKR["claim/probe-twice"]
    first, second = CKGRAPH["source/probe-first"], CKGRAPH["source/probe-second"]
    both = Graph()
    both.add((claim, RDF.type, CKG.Claim))
    both.add((claim, RDFS.label, Literal("wqzprobe held twice")))
    store.replace_graph(first, both + Graph().add((claim, CKG.rationale, Literal("wqzprobe why"))))
    store.replace_graph(second, both)
    found = index_of(store).search("wqzprobe", {}, 0, 10)
    assert [(h.resource, h.matches) for h in found.hits] == [(str(claim), 2)]
    assert [(v.key, v.count) for v in found.facets["type"]] == [(str(CKG.Claim), 1)]
    store.replace_graph(first, Graph())  # indexed again graph by graph, not rebuilt
    found = index_of(store).search("wqzprobe", {}, 0, 10)
    assert [(h.resource, h.matches) for h in found.hits] == [(str(claim), 1)]
    assert [s.field for s in found.hits[0].snippets] == ["label"]
    store.replace_graph(second, Graph())
    assert hits(store, "wqzprobe") == []
    with closing(sqlite3.connect(index_of(store).path)) as db:
        assert db.execute(
            "SELECT COUNT(*) FROM resources r JOIN facets f ON f.resource = r.id WHERE r.iri = ?",
            (str(claim),),
        ).fetchone() == (0,)


def test_every_page_is_a_slice_of_the_whole_bm25_ranking(store):
    """BM25 is computed only for the hits that compete for the asked page; each page is still the slice
    of the one ranking (most matching texts, then BM25 over every hit, then the resource's number)."""
    index = index_of(store)
    with closing(sqlite3.connect(index.path)) as db:
        ranking = [
            iri
            for (iri,) in db.execute(
                "SELECT r.iri FROM (SELECT rowid / ? AS id, COUNT(*) AS n, SUM(rank) AS score "
                "FROM texts WHERE texts MATCH ? GROUP BY 1) h JOIN resources r ON r.id = h.id "
                "ORDER BY h.n DESC, h.score, h.id",
                (SPAN, fts_query(parse("clust*"))),
            )
        ]
    assert len(ranking) > 12
    for size in (1, 5, len(ranking)):
        paged = [
            h.resource
            for offset in range(0, len(ranking), size)
            for h in index.search("clust*", {}, offset, size).hits
        ]
        assert paged == ranking, size


def test_facets_and_hits_are_those_of_the_sparql_scan(store, tmp_path):
    """The index and the SPARQL substring scan agree where their meanings coincide: every word that
    begins with "infrastructure" (the scan's substring) gives the same hits, totals and facet counts."""
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    indexed = client.get("/search/?q=infrastructure*&size=200").text
    index_of(store).path.unlink()  # the page now scans the store, and says so
    scanned = client.get("/search/?q=infrastructure&size=200").text
    assert 'id="index-rebuilding"' in scanned and 'id="index-rebuilding"' not in indexed
    assert _counts(indexed) == _counts(scanned) and _facet_counts(indexed) == _facet_counts(scanned)
    assert _hit_titles(indexed) and set(_hit_titles(indexed)) == set(_hit_titles(scanned))
    wait_for_rebuild(store)


def test_page_numbers_are_the_index_numbers(store, tmp_path):
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    concept = str(CKR["concept/topic/industrial-infrastructure"])
    found = index_of(store).search("cluster*", {"concept": concept}, 0, 5)
    text = client.get(
        "/search/", query_string={"q": "cluster*", "concept": concept, "size": 5}
    ).text
    assert _counts(text) == (found.shown, found.total)
    assert found.shown < found.total
    assert [unescape(t) for t in _hit_titles(text)] == [h.label for h in found.hits]
    by_facet = {f"{kind}:{v.key}": v.count for kind, values in found.facets.items() for v in values}
    assert sum(by_facet.values()) and sorted(_facet_counts(text)) == sorted(by_facet.values())


def test_snippets_mark_matches_and_escape_the_data(store, tmp_path):
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    text = client.get("/search/?q=zyxprobe").text
    assert "<script>alert" not in text and "<b>bold" not in text
    assert (
        "&lt;script&gt;alert(&#39;<mark>zyxprobe</mark>&#39;)&lt;/script&gt; <mark>zyxprobe</mark>"
        in text
    )
    assert "<mark>Hà Nội</mark>" in client.get('/search/?q="ha+noi"').text
    assert (
        "<mark>Hà Nội</mark>" in client.get("/search/?q=noi+ha").text
    )  # one mark: only a space parts them
    assert (
        "<mark>Sở</mark> Công Thương <mark>Đà Nẵng</mark>"
        in client.get("/search/?q=so+da+nang").text
    )


def test_a_query_of_no_words_finds_nothing_without_error(store, tmp_path):
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    for q in ('"', "*", "AND OR NOT", '"hub NEAR(firm', "-- ;"):
        response = client.get("/search/", query_string={"q": q})
        assert response.status_code == 200, q


# -- in step with the writes ----------------------------------------------------------------------------------
def test_each_write_is_searchable_at_once(store):
    graph = CKGRAPH["source/probe-batch"]
    data = Graph()
    data.add((CKR["claim/probe-new"], RDF.type, CKG.Claim))
    data.add((CKR["claim/probe-new"], RDFS.label, Literal("Quảng Ninh qwvprobe cluster")))
    store.replace_graph(graph, data)  # ingest's write
    assert hits(store, "quang ninh qwvprobe") == [str(CKR["claim/probe-new"])]
    new = CKR["claim/probe-update"]
    store.update(
        f'INSERT DATA {{ GRAPH <{graph}> {{ <{new}> <{RDFS.label}> "Bắc Ninh" }} }}'
    )  # /sparql
    assert hits(store, "bac ninh") == [str(new)]
    dataset = Dataset()
    dataset.graph(CKGRAPH["source/probe-load"]).add(
        (CKR["claim/probe-load"], RDFS.label, Literal("vuxprobe Hải Phòng"))
    )
    store.load(dataset)  # load's write
    assert hits(store, "hai phong") == [str(CKR["claim/probe-load"])]
    other = Graph()
    other.add((CKR["claim/probe-other"], RDFS.label, Literal("Đà Lạt qwvprobe")))
    store.replace_graphs([(graph, Graph()), (CKGRAPH["source/probe-other"], other)])  # ingest's
    assert hits(store, "qwvprobe") == [str(CKR["claim/probe-other"])]
    assert index_of(store).state() == store.state()


def test_a_title_from_a_reference_manager_is_found_by_the_index_and_the_scan(store, tmp_path):
    """An ingested BibTeX or CSL-JSON record names its study with dcterms:title only (no rdfs:label)."""
    study = CKR["study/probe-markusen-1996"]
    record = Graph()
    record.add((study, RDF.type, CKG.Study))
    record.add((study, DCTERMS.title, Literal("Sticky places in slippery space")))
    store.replace_graph(CKGRAPH["source/probe-bib"], record)
    assert hits(store, "slippery space") == [str(study)]
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    index_of(store).path.unlink()
    scanned = client.get("/search/?q=slippery").text
    assert 'id="index-rebuilding"' in scanned and "<mark>slippery</mark> space" in scanned
    wait_for_rebuild(store)


def test_a_replaced_or_dropped_graph_leaves_the_results(store):
    assert hits(store, "zyxprobe") == [MARKUP]
    changed = Graph()
    changed.add((URIRef(HANOI), RDFS.label, Literal("Thành phố Hồ Chí Minh")))
    store.replace_graph(PROBE_GRAPH, changed)
    assert hits(store, "zyxprobe") == [] and hits(store, "ha noi") == []
    assert hits(store, "ho chi minh") == [HANOI]
    assert hits(store, "ho chi minh", type=str(CKG.Claim)) == []  # its type went with the old graph
    store.update(f"DROP GRAPH <{PROBE_GRAPH}>")
    assert hits(store, "ho chi minh") == []


def test_a_failed_write_keeps_the_index_fresh(store):
    with pytest.raises(QuerySyntaxError):
        store.update("INSERT DATA { this is not SPARQL }")
    assert store.fresh_index() is not None


def test_a_missing_index_is_rebuilt(store, tmp_path):
    index_of(store).path.unlink()
    assert store.fresh_index() is None  # and a rebuild has started
    wait_for_rebuild(store)
    assert hits(store, "ha noi") == [HANOI]
    client = create_app(
        {"SETTINGS": Settings(data_dir=tmp_path), "TESTING": True}, store=store
    ).test_client()
    assert 'id="index-rebuilding"' not in client.get("/search/?q=ha+noi").text


def test_a_write_cut_short_leaves_the_index_stale_not_wrong(store):
    (store.dir / "writes").write_text("3 dirty")  # what a crash during a write leaves
    assert store.fresh_index() is None
    wait_for_rebuild(store)
    assert hits(store, "ha noi") == [HANOI]


def test_a_write_to_a_store_without_index_builds_it(store):
    index_of(store).path.unlink()
    store.replace_graph(CKGRAPH["source/probe-batch"], Graph())
    assert hits(store, "da nang") == [HANOI]


def test_the_command_rebuilds_the_index(tmp_path, web_dataset):
    with closing(open_store(Settings(data_dir=tmp_path))) as opened:
        opened.load(web_dataset)
        index_file = opened.index.path
    index_file.unlink()
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "search-index"])
    assert result.exit_code == 0, result.output
    assert re.search(r"index\.sqlite: \d+ texts of \d+ resources indexed in", result.output)
    with closing(open_store(Settings(data_dir=tmp_path))) as opened:
        assert str(CKG.HubFirm) in hits(opened, '"hub firm"')


# -- page helpers ------------------------------------------------------------------------------------------
def _counts(html: str) -> tuple[int, int]:
    found = re.search(r'id="hit-count">(\d+) of (\d+) result', html)
    assert found, html
    return int(found.group(1)), int(found.group(2))


def _facet_counts(html: str) -> list[int]:
    facets = html.split('id="facets"', 1)[1].split("</aside>", 1)[0]
    return sorted(int(n) for n in re.findall(r'<span class="muted">(\d+)</span>', facets))


def _hit_titles(html: str) -> list[str]:
    return re.findall(r'class="hit-title"[^>]*>([^<]*)<', html)
