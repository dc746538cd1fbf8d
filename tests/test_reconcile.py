"""Reconciliation: one study, one node. The worked example (Porter 1990 from BibTeX meets the seed's
"Porter, 1990"), accept and reject, every rule both ways, and what the pages, queries and exports show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from clusterkg.kg.cli import main
from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR
from clusterkg.kg.queries import load_query
from clusterkg.kg.reconcile.decisions import read_reconciliations
from clusterkg.kg.reconcile.keys import StudyKeys, normalise_isbn, normalise_text
from clusterkg.kg.reconcile.review import decide
from clusterkg.kg.reconcile.rules import StudyIndex
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app

DATA = Path(__file__).parent / "data" / "reconcile"
PORTER = CKR["study/porter-1990"]
INCOMING = CKR["study/porter-1990-2"]
PORTER_GRAPH = CKGRAPH["source/porter-1990-bib"]
TITLE = "The Competitive Advantage of Nations"


@pytest.fixture
def store(settings: Settings, seed_nquads: Path) -> Iterator[Store]:
    """A real embedded Oxigraph store holding the built seed graph."""
    with closing(open_store(settings)) as store:
        store.load_file(seed_nquads, CKGRAPH["unused"])
        yield store


def _pending(store: Store, settings: Settings) -> list:
    return [r for r in read_reconciliations(store, settings.queries_dir) if r.status == "pending"]


def _bibliography_rows(store: Store, settings: Settings, study: URIRef) -> list[dict]:
    sparql = load_query(settings.queries_dir / "bibliography.rq").bind()
    return [row for row in store.query(sparql).rows if row["study"] == study]


def test_worked_example_accept(store: Store, settings: Settings) -> None:
    """Porter (1990) from BibTeX becomes a rule-4 candidate for the seed's study/porter-1990; accepted, every
    page, query and export shows one study with its title, the seed's 5 claims and 7 evidence links."""
    client = create_app({"SETTINGS": settings, "TESTING": True}, store=store).test_client()
    gap_map_before = _gap_map_porter(client)
    result = ingest(DATA / "porter-1990.bib", None, None, store, settings)
    assert result.written and not result.merges
    (candidate,) = _pending(store, settings)
    assert (candidate.incoming, candidate.canonical, candidate.rule) == (
        INCOMING,
        PORTER,
        CKG.SameAuthorsYear,
    )
    assert candidate.fields == ["first author", "year"]
    assert len(_bibliography_rows(store, settings, INCOMING)) == 1  # apart until a reviewer decides

    decide(store, settings, candidate.id, accept=True, who="a reviewer", note="the same book")

    (decision,) = read_reconciliations(store, settings.queries_dir)
    assert (decision.status, decision.decided_by, decision.note) == (
        "accepted",
        "a reviewer",
        "the same book",
    )
    assert not store.query(f"ASK {{ {INCOMING.n3()} ?p ?o }}").boolean
    # the seed's record is as the seed states it; the title is in the BibTeX source's graph
    seed_graph = CKGRAPH["source/hanoi-industrial-clusters-2021"]
    assert store.query(
        f"ASK {{ GRAPH {seed_graph.n3()} {{ {PORTER.n3()} {CKG.notStated.n3()} {DCTERMS.title.n3()} }} }}"
    ).boolean
    assert store.query(
        f"ASK {{ GRAPH <{PORTER_GRAPH}> {{ {PORTER.n3()} <{DCTERMS.title}> {Literal(TITLE).n3()} }} }}"
    ).boolean

    rows = _bibliography_rows(store, settings, PORTER)
    assert [(str(r["title"]), str(r["author"])) for r in rows] == [(TITLE, "Porter")]
    assert not _bibliography_rows(store, settings, INCOMING)

    studies = client.get("/studies/?size=200").get_data(as_text=True)
    assert studies.count('href="/studies/study/porter-1990"') == 1
    assert "porter-1990-2" not in studies and TITLE in studies
    page = client.get("/studies/study/porter-1990").get_data(as_text=True)
    assert re.search(
        rf"{TITLE} <span[^>]*>\(given by porter-1990.bib; not stated by Seed paper", page
    )
    assert page.count('class="claim-text"') == 5
    assert page.count('<tr><td><span class="pill kind-') == 7
    csv = client.get("/export/bibliography.csv").get_data(as_text=True).splitlines()
    porter = [line for line in csv if "porter-1990" in line]
    assert porter == [f'{PORTER},"Porter, 1990",Porter,true,1990,{TITLE},,5,7']
    turtle = client.get("/export/bibliography.ttl").get_data(as_text=True)
    assert "porter-1990-2" not in turtle and TITLE in turtle
    dataset = client.get("/export/dataset.nq").get_data(as_text=True)
    # the incoming IRI survives only in the decision that records the merge
    assert [line for line in dataset.splitlines() if f"<{INCOMING}>" in line] == [
        (
            f"<{CKR['reconciliation/' + decision.id]}> <{CKG.incomingRecord}> <{INCOMING}> "
            f"<{CKGRAPH['reconciliation/' + decision.id]}> ."
        )
    ]
    # Porter 1990 has no claim about a cluster type: no cell lists it, before the ingest or after
    assert _gap_map_porter(client) == gap_map_before


def _gap_map_porter(client) -> list[int]:
    """How often each cell of the Porter x cluster-type gap map lists study/porter-1990 (at most once;
    never porter-1990-2), and how often the gap map page names it."""
    gaps = client.get("/gaps/").get_data(as_text=True)
    assert "porter-1990-2" not in gaps
    cells = sorted(set(re.findall(r'href="(/gaps/porter-cluster-types\?[^"]+)"', gaps)))
    assert len(cells) >= 12
    counts = [gaps.count("study/porter-1990")]
    for href in cells:
        body = client.get(href.replace("&amp;", "&").replace("#", "%23")).get_data(as_text=True)
        assert "porter-1990-2" not in body
        counts.append(body.count('href="/studies/study/porter-1990"'))
        assert counts[-1] <= 1, href
    return counts


def test_worked_example_reject(store: Store, settings: Settings) -> None:
    """Rejected, the two records stay apart, and the pair is not proposed again when the file comes back."""
    ingest(DATA / "porter-1990.bib", None, None, store, settings)
    (candidate,) = _pending(store, settings)
    decide(store, settings, candidate.id, accept=False, who="a reviewer", note="not sure")
    assert len(_bibliography_rows(store, settings, INCOMING)) == 1
    assert [str(r["title"]) for r in _bibliography_rows(store, settings, PORTER)] == ["not stated"]

    edited = DATA.parent / "reconcile" / "porter-1990-edited.bib"
    result = ingest(edited, None, PORTER_GRAPH, store, settings, replace=True)  # its new version
    assert result.written and result.changes is not None
    assert result.changes.added["studies"] == [CKR["study/example-2019"]]
    assert not result.candidates and not _pending(store, settings)
    (decision,) = read_reconciliations(store, settings.queries_dir)
    assert decision.status == "rejected" and decision.incoming == INCOMING


def test_decision_cannot_be_taken_twice(store: Store, settings: Settings) -> None:
    ingest(DATA / "porter-1990.bib", None, None, store, settings)
    (candidate,) = _pending(store, settings)
    decide(store, settings, candidate.id, accept=False, who="a reviewer")
    runner = CliRunner()
    args = ["--data-dir", str(settings.data_dir), "--store", "embedded"]
    store.close()
    out = runner.invoke(main, [*args, "reconcile", "accept", candidate.id])
    assert out.exit_code == 2
    assert out.stderr.strip() == f"reconciliation {candidate.id} is already rejected: nothing to do"


def test_rules_1_and_3_merge_on_ingest_and_weaker_evidence_is_a_candidate(
    store: Store, settings: Settings
) -> None:
    """Same DOI (another spelling) merges; same title/year/first author (another spelling) merges; a
    similar title with another first author is only a candidate, with its score."""
    first = ingest(DATA / "first.bib", None, None, store, settings)
    assert first.written and not first.merges
    second = ingest(DATA / "second.bib", None, None, store, settings)
    assert second.written
    merged = {(m.incoming, m.canonical, m.rule) for m in second.merges}
    assert merged == {
        (CKR["study/tran-2018-2"], CKR["study/tran-2018"], CKG.SameDOI),
        (CKR["study/pham-2017-2"], CKR["study/pham-2017"], CKG.SameTitleYearFirstAuthor),
    }
    (similar,) = second.candidates
    assert (similar.incoming, similar.canonical, similar.rule) == (
        CKR["study/vo-2017"],
        CKR["study/pham-2017"],
        CKG.SimilarTitle,
    )
    assert similar.similarity is not None and 90 <= similar.similarity < 100
    studies = {
        r["study"] for r in store.query(f"SELECT ?study WHERE {{ ?study a {CKG.Study.n3()} }}").rows
    }
    assert CKR["study/tran-2018-2"] not in studies and CKR["study/pham-2017-2"] not in studies
    assert CKR["study/vo-2017"] in studies
    # one study, each statement in its source's graph; the first source's title is the one shown
    rows = _bibliography_rows(store, settings, CKR["study/pham-2017"])
    assert {str(r["title"]) for r in rows} == {"Trust and Distance: An Example"}
    assert store.query(
        f"ASK {{ GRAPH <{CKGRAPH['source/second-bib']}> {{ <{CKR['study/tran-2018']}> "
        f"<{CKG.reconciledBy}> ?r }} }}"
    ).boolean


def _ingest_cli(settings: Settings, *names: str) -> list[str]:
    """`clusterkg ingest` of each file of DATA in turn, as a user runs it; the last line of each."""
    runner, lines = CliRunner(), []
    for name in names:
        out = runner.invoke(
            main,
            [
                "--data-dir",
                str(settings.data_dir),
                "--store",
                "embedded",
                "ingest",
                str(DATA / name),
            ],
        )
        assert out.exit_code == 0, out.output
        lines.append(out.output.strip().splitlines()[-1])
    return lines


def _example_studies(settings: Settings) -> dict[URIRef, set[str]]:
    """Each fictional example study, with the graphs that state something about it."""
    with closing(open_store(settings)) as store:
        rows = store.query(
            "SELECT DISTINCT ?study ?g WHERE { ?study a ?class . GRAPH ?g { ?study ?p ?o } "
            f"VALUES ?class {{ {CKG.Study.n3()} }} "
            f'FILTER(STRSTARTS(STR(?study), "{CKR["study/example-"]}")) }}'
        ).rows
    found: dict[URIRef, set[str]] = {}
    for row in rows:
        found.setdefault(row["study"], set()).add(str(row["g"]).rsplit("/", 1)[-1])
    return found


def test_rule_2_same_isbn_merges_across_files(store: Store, settings: Settings) -> None:
    """Two files describe one book, by its ISBN-10 with hyphens and its ISBN-13 without (title and author
    spelled differently, so only rule 2 applies): one study node, each source's record in its own graph."""
    store.close()
    first, second = _ingest_cli(settings, "isbn-first.bib", "isbn-second.bib")
    assert "0 merged" in first
    assert "1 merged into studies already in the store" in second
    book = CKR["study/example-2020"]
    assert _example_studies(settings) == {book: {"isbn-first-bib", "isbn-second-bib"}}
    with closing(open_store(settings)) as reopened:
        (decision,) = read_reconciliations(reopened, settings.queries_dir)
        assert reopened.query(
            f"ASK {{ GRAPH {CKGRAPH['source/isbn-second-bib'].n3()} "
            f"{{ {book.n3()} {CKG.reconciledBy.n3()} ?r }} }}"
        ).boolean
    assert (decision.incoming, decision.canonical, decision.rule, decision.status) == (
        CKR["study/example-2020-2"],
        book,
        CKG.SameISBN,
        "merged",
    )


def test_rule_2_another_isbn_does_not_merge(store: Store, settings: Settings) -> None:
    """The same record but another ISBN: two study nodes, no merge."""
    store.close()
    _, other = _ingest_cli(settings, "isbn-first.bib", "isbn-other.bib")
    assert "0 merged" in other
    assert _example_studies(settings) == {
        CKR["study/example-2020"]: {"isbn-first-bib"},
        CKR["study/example-2020-2"]: {"isbn-other-bib"},
    }


def _keys(name: str, **fields: object) -> StudyKeys:
    keys = StudyKeys(CKR[f"study/{name}"])
    for key, value in fields.items():
        setattr(keys, key, value)
    return keys


@pytest.mark.parametrize(
    ("existing", "incoming", "rule"),
    [
        # rule 1: the same DOI, however written; another DOI is not
        ({"dois": {"10.5555/x.1"}}, {"dois": {"10.5555/x.1"}}, CKG.SameDOI),
        ({"dois": {"10.5555/x.1"}}, {"dois": {"10.5555/x.2"}}, None),
        # rule 2: the same ISBN, as ISBN-10 and ISBN-13; another ISBN is not
        (
            {"isbns": {normalise_isbn("0-02-925361-6")}},
            {"isbns": {normalise_isbn("978-0-02-925361-8")}},
            CKG.SameISBN,
        ),
        (
            {"isbns": {normalise_isbn("0-02-925361-6")}},
            {"isbns": {normalise_isbn("0-19-877-5")}},
            None,
        ),
        # rule 3: title (case, punctuation), year, first author; another year is not
        (
            {
                "title": "The Competitive-Advantage of Nations",
                "year": "1990",
                "families": {1: "porter"},
            },
            {
                "title": "the competitive advantage of nations",
                "year": "1990",
                "families": {1: "porter"},
            },
            CKG.SameTitleYearFirstAuthor,
        ),
        (
            {"title": "Regional Clusters", "year": "1990", "families": {1: "porter"}},
            {"title": "Regional Clusters", "year": "1998", "families": {1: "porter"}},
            None,
        ),
    ],
)
def test_automatic_rules_both_ways(existing: dict, incoming: dict, rule: URIRef | None) -> None:
    index = StudyIndex([_keys("existing", **existing)])
    found = index.match(_keys("incoming", **incoming))
    if rule is None:
        assert not any(m.automatic for m in found)
    else:
        (match,) = found
        assert (match.canonical, match.rule, match.automatic) == (CKR["study/existing"], rule, True)


@pytest.mark.parametrize(
    ("existing", "incoming", "proposed"),
    [
        # a cited study without title: first author and year agree, and the other authors both name
        (
            {"families": {1: "porter"}, "year": "1990"},
            {"families": {1: "porter", 2: "ketels"}, "year": "1990", "title": "Clusters"},
            True,
        ),
        (
            {"families": {1: "bergman", 2: "feser"}, "year": "2020"},
            {
                "families": {1: "bergman", 2: "feser"},
                "year": "2020",
                "title": "Industrial Clusters",
            },
            True,
        ),
        # another second author, another year, or both with titles: no rule-4 candidate
        (
            {"families": {1: "bergman", 2: "feser"}, "year": "2020"},
            {
                "families": {1: "bergman", 2: "smith"},
                "year": "2020",
                "title": "Industrial Clusters",
            },
            False,
        ),
        (
            {"families": {1: "porter"}, "year": "1990"},
            {"families": {1: "porter"}, "year": "1998", "title": "Clusters"},
            False,
        ),
        (
            {"families": {1: "porter"}, "year": "1990", "title": "On Competition"},
            {"families": {1: "porter"}, "year": "1990", "title": "Clusters"},
            False,
        ),
    ],
)
def test_rule_4_only_proposes_both_ways(existing: dict, incoming: dict, proposed: bool) -> None:
    found = StudyIndex([_keys("existing", **existing)]).match(_keys("incoming", **incoming))
    rule4 = [m for m in found if m.rule == CKG.SameAuthorsYear]
    assert bool(rule4) == proposed
    assert not any(m.automatic for m in found)


def test_similar_title_is_a_candidate_only_in_the_same_year() -> None:
    existing = _keys(
        "existing", title="Trust and Distance: An Example", year="2017", families={1: "pham"}
    )
    index = StudyIndex([existing])
    same_year = index.match(
        _keys("a", title="Trust and Distance: An Example Case", year="2017", families={1: "vo"})
    )
    assert [(m.rule, m.automatic) for m in same_year] == [(CKG.SimilarTitle, False)]
    other_year = index.match(
        _keys("b", title="Trust and Distance: An Example Case", year="2016", families={1: "vo"})
    )
    assert other_year == []
    unlike = index.match(
        _keys("c", title="Something else entirely", year="2017", families={1: "vo"})
    )
    assert unlike == []


def test_titles_alike_but_for_their_numbers_are_no_candidates() -> None:
    """'Annual report 2019' and '... 2020', or volume 1 and 2: two works, however alike their words."""
    index = StudyIndex(
        [
            _keys(
                "vol-1",
                title="Craft Village Survey, Volume 1 of 3",
                year="2017",
                families={1: "le"},
            )
        ]
    )
    other_volume = _keys(
        "v2", title="Craft Village Survey, Volume 2 of 3", year="2017", families={1: "vo"}
    )
    assert index.match(other_volume) == []
    same_numbers = _keys(
        "v1", title="Craft Villages Survey, Volume 1 of 3", year="2017", families={1: "vo"}
    )
    assert [m.rule for m in index.match(same_numbers)] == [CKG.SimilarTitle]


def test_normalisation() -> None:
    assert (
        normalise_text("  The Competitive-Advantage  of NATIONS. ")
        == "the competitive advantage of nations"
    )
    assert normalise_text("Hà Nội") == "ha noi"
    assert normalise_isbn("0-02-925361-6") == normalise_isbn("9780029253618") == "9780029253618"
    assert normalise_isbn("not an isbn") == ""


def test_cli_list_show_accept(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest(DATA / "porter-1990.bib", None, None, store, settings)
    store.close()
    runner = CliRunner()
    args = ["--data-dir", str(settings.data_dir), "--store", "embedded"]
    listed = runner.invoke(main, [*args, "reconcile", "list"])
    assert listed.exit_code == 0, listed.output
    rid = listed.output.split()[0]
    assert listed.output.splitlines() == [
        f"{rid}  pending  ckr:study/porter-1990-2 ~ ckr:study/porter-1990  ckg:SameAuthorsYear [first author, year]",
        "(1 candidates)",
    ]
    shown = runner.invoke(main, [*args, "reconcile", "show", rid])
    assert (
        "dcterms:title\n    incoming:  The Competitive Advantage of Nations [ckgraph:source/porter-1990-bib]\n    canonical: -"
        in shown.output
    )
    assert (
        "ckg:notStated\n    incoming:  -\n    canonical: dcterms:title [ckgraph:source/hanoi-industrial-clusters-2021]"
        in shown.output
    )
    accepted = runner.invoke(
        main, [*args, "reconcile", "accept", rid, "--note", "same book", "--by", "me"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert (
        accepted.output
        == f"{rid} accepted: merged ckr:study/porter-1990-2 and ckr:study/porter-1990\n"
    )
    everything = runner.invoke(main, [*args, "reconcile", "list", "--all"])
    assert f"{rid}  accepted" in everything.output
    unknown = runner.invoke(main, [*args, "reconcile", "show", "ffff"])
    assert unknown.exit_code == 2
    assert (
        unknown.stderr.strip()
        == "no reconciliation with id 'ffff'; `clusterkg reconcile list` shows them"
    )


DUPLICATES_BIB = """\
@article{first, title = {Craft Villages and Clusters in the Red River Delta}, author = {Tran, Van An},
  year = {2015}, doi = {10.9999/ckg.dup.1}, journal = {Journal of Test Data}}
@article{doi-again, title = {Craft villages and clusters in the Red River delta}, author = {Tran, V. A.},
  year = {2015}, doi = {https://doi.org/10.9999/CKG.DUP.1}, journal = {Journal of test data}}
@article{no-doi, title = {Craft Villages and Clusters in the Red River Delta}, author = {Tran, An},
  year = {2015}, journal = {J. Test Data}}
@article{next-year, title = {Craft Villages and Clusters in the Red River Delta}, author = {Tran, Van An},
  year = {2016}, journal = {Journal of Test Data}}
"""


def test_the_same_study_twice_in_one_file_is_one_study(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    """An export that holds one article twice (its DOI in two spellings; then by title, year and first
    author): one study node with one title and DOI, each merge recorded; the next year's record stays apart."""
    path = tmp_path / "duplicates.bib"
    path.write_text(DUPLICATES_BIB, encoding="utf-8")
    result = ingest(path, None, None, store, settings)
    assert result.written and not result.merges and not result.candidates
    first = CKR["study/tran-2015"]
    assert sorted((m.incoming, m.canonical, m.rule) for m in result.duplicates) == [
        (CKR["study/tran-2015-2"], first, CKG.SameDOI),
        (CKR["study/tran-2015-3"], first, CKG.SameTitleYearFirstAuthor),
    ]
    graph = CKGRAPH["source/duplicates-bib"]
    rows = store.query(
        f"SELECT ?study ?title ?doi WHERE {{ GRAPH {graph.n3()} {{ ?study a {CKG.Study.n3()} ; "
        f"{DCTERMS.title.n3()} ?title OPTIONAL {{ ?study <http://purl.org/ontology/bibo/doi> ?doi }} }} }}"
    ).rows
    assert sorted((r["study"], str(r["title"]), str(r.get("doi", ""))) for r in rows) == [
        (first, "Craft Villages and Clusters in the Red River Delta", "10.9999/ckg.dup.1"),
        (CKR["study/tran-2016"], "Craft Villages and Clusters in the Red River Delta", ""),
    ]
    decisions = read_reconciliations(store, settings.queries_dir)
    assert {(d.incoming, d.status) for d in decisions} == {
        (CKR["study/tran-2015-2"], "merged"),
        (CKR["study/tran-2015-3"], "merged"),
    }
    again = ingest(path, None, None, store, settings)
    assert again.unchanged_since is not None
