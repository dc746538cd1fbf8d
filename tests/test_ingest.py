"""Ingest into real stores (memory and embedded Oxigraph): each file into its own named graph, validated
against what the store holds, written all or nothing; bad input leaves the store exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDFS

from clusterkg.kg.build import build_dataset, load_into
from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, SH
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.store import Store, open_store

DATA = Path(__file__).parent / "data" / "ingest"
MANIFEST = DATA / "manifest" / "sources.ttl"
STUDY = CKR["study/example-handwritten-2018"]
CLAIMS = {
    CKR["claim/example-trust-over-distance"],
    CKR["claim/example-hub-firm-schedules"],
    CKR["claim/example-hub-firm-training"],
    CKR["claim/example-one-district"],
}
STUDY_GRAPH = CKGRAPH["source/example-study-ttl"]
EVIDENCE_GRAPH = CKGRAPH["source/evidence-csv"]
EXAMPLES = ("example-study.ttl", "evidence.csv", "studies.bib")
CKS = "https://w3id.org/clusterkg/shapes#"


@pytest.fixture(scope="module")
def built() -> Dataset:
    """The fictional example report built as a source graph, with the ontology."""
    return build_dataset(Settings(sources_manifest=MANIFEST), reasoning=False).dataset


@pytest.fixture(params=["memory", "embedded"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a fresh store of each backend (tests that exercise no backend-specific query
    parametrize this with "memory" only)."""
    return Settings(sources_manifest=MANIFEST, store=request.param, data_dir=tmp_path / "data")


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the example files are ingested from: an ingested graph records its file's path."""
    return tmp_path_factory.mktemp("work")


@pytest.fixture(scope="module")
def ingested(built: Dataset, work_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """What a store holds after the example study and evidence table were ingested from `work_dir`
    (done once, then loaded into each test's store)."""
    settings = Settings(sources_manifest=MANIFEST, store="memory")
    store = open_store(settings)
    load_into(store, built)
    for name in ("example-study.ttl", "evidence.csv"):
        shutil.copy(DATA / name, work_dir / name)
        result = ingest(work_dir / name, None, None, store, settings)
        assert result.written, result.validation.text()
    dump = tmp_path_factory.mktemp("ingested") / "store.nq"
    store.dump(dump, "nquads")
    return Dataset().parse(dump, format="nquads")


def opened(settings: Settings, dataset: Dataset) -> Store:
    store = open_store(settings)
    store.load(dataset)
    return store


@pytest.fixture
def store(settings: Settings, built: Dataset) -> Iterator[Store]:
    """A store holding the built example report (and the ontology)."""
    with closing(opened(settings, built)) as store:
        yield store


@pytest.fixture
def full_store(settings: Settings, ingested: Dataset) -> Iterator[Store]:
    """A store that also holds the ingested example study and evidence table."""
    with closing(opened(settings, ingested)) as store:
        yield store


@pytest.fixture
def work(work_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`work_dir` holding fresh copies of the example files and nothing else; errors name files
    relative to it."""
    for old in work_dir.iterdir():
        old.unlink()
    for name in EXAMPLES:
        shutil.copy(DATA / name, work_dir / name)
    monkeypatch.chdir(work_dir)
    return work_dir


def snapshot(store: Store) -> dict[URIRef, Graph]:
    """Every named graph of the store, as a graph (compared by isomorphism)."""
    return {
        g: store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g.n3()} {{ ?s ?p ?o }} }}").graph
        for g in store.graphs()
    }


def assert_same(before: dict[URIRef, Graph], after: dict[URIRef, Graph]) -> None:
    assert sorted(after) == sorted(before)
    for name, graph in before.items():
        assert len(after[name]) == len(graph), name
        assert isomorphic(after[name], graph), name


def replace_in(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def claims_in(store: Store, graph: URIRef) -> set[URIRef]:
    rows = store.query(
        f"SELECT ?c WHERE {{ GRAPH {graph.n3()} {{ ?c {CKG.attributedTo.n3()} ?s }} }}"
    ).rows
    return {r["c"] for r in rows}


def test_each_file_goes_into_its_own_named_graph(
    work: Path, store: Store, settings: Settings
) -> None:
    study = ingest(work / "example-study.ttl", None, None, store, settings)
    evidence = ingest(work / "evidence.csv", None, None, store, settings)
    assert (study.kind, study.graph_iri, study.records, study.written) == (
        "turtle",
        STUDY_GRAPH,
        1,
        True,
    )
    assert (evidence.kind, evidence.graph_iri, evidence.records, evidence.written) == (
        "csv",
        EVIDENCE_GRAPH,
        4,
        True,
    )
    assert evidence.validation.results == []
    assert [c.status for c in evidence.quotes.checks] == ["ok"] * 4
    # 57 triples of the table + 10 of its registry record (a prov:Activity) + the file it came from
    assert store.count(EVIDENCE_GRAPH) == evidence.triples == len(evidence.graph) == 68
    assert set(store.graphs()) == {
        CKGRAPH["ontology"],
        CKGRAPH["source/example-report"],
        STUDY_GRAPH,
        EVIDENCE_GRAPH,
    }
    assert claims_in(store, EVIDENCE_GRAPH) == CLAIMS
    # the default graph is the union: a claim joins its study across the two graphs
    rows = store.query(
        "SELECT ?cited WHERE { ?c <https://w3id.org/clusterkg/ontology#attributedTo> ?s . "
        "?s <https://w3id.org/clusterkg/ontology#citedAs> ?cited } "
    ).rows
    assert {str(r["cited"]) for r in rows} == {"Handwritten 2018", "Handwritten (2018)"}


def test_ingesting_a_changed_file_again_replaces_its_graph(
    work: Path, full_store: Store, settings: Settings
) -> None:
    store = full_store
    path = work / "evidence.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")  # drop the last (two-line) row
    replace_in(path, "Workshop owners value trust", "Owners value trust")
    replace_in(
        path,
        "sets their delivery schedules,The hub firm buys from most of the workshops and ,",
        "delivery schedules,The hub firm buys from most of the workshops and sets their ,",
    )
    result = ingest(path, None, None, store, settings)
    assert result.written, [c.line() for c in result.quotes.failures]
    assert result.previous_triples == 68
    assert claims_in(store, EVIDENCE_GRAPH) == CLAIMS - {CKR["claim/example-one-district"]}
    labels = store.query(
        f"SELECT ?l WHERE {{ {CKR['claim/example-trust-over-distance'].n3()} {RDFS.label.n3()} ?l }}"
    ).rows
    assert [r["l"] for r in labels] == [
        Literal("Owners value trust between neighbours over distance to the port", lang="en")
    ]
    exact = store.query(
        f"SELECT ?e WHERE {{ {CKR['claim/example-hub-firm-schedules'].n3()} "
        "<https://w3id.org/clusterkg/ontology#hasQuote>/<http://www.w3.org/ns/oa#hasSelector>/"
        "<http://www.w3.org/ns/oa#exact> ?e }"
    ).rows
    assert [str(r["e"]) for r in exact] == ["delivery schedules"]


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "evidence.csv",
            "Limitations,,",
            "Limitations,,20x0",
            "evidence.csv:9: bad year '20x0': expected four digits, e.g. 1990",
        ),
        (
            "evidence.csv",
            "claim_id,claim_type,",
            "claim_type,",
            "evidence.csv:5: missing required column(s): claim_id",
        ),
        (
            "example-study.ttl",
            'ckg:citedAs "Handwritten 2018" ;',
            'ckg:citedAs "Handwritten 2018 ;',
            "example-study.ttl:12: bad turtle syntax: newline found in string literal",
        ),
        (
            "studies.bib",
            "title     = {The Competitive Advantage of Nations},",
            "title     = {The Competitive Advantage of Nations,",
            (
                "studies.bib:6: bad BibTeX entry: entry 'porter1990': Unexpected block start: `@article`. "
                "Was still looking for field-value closing `,` or `}`"
            ),
        ),
    ],
    ids=["csv-bad-year", "csv-missing-column", "turtle-syntax", "bibtex-syntax"],
)
def test_broken_input_is_one_line_and_leaves_the_store_unchanged(
    work: Path, full_store: Store, settings: Settings, name: str, old: str, new: str, message: str
) -> None:
    store = full_store
    before = snapshot(store)
    with pytest.raises(UserError) as caught:
        ingest(replace_in(work / name, old, new), None, None, store, settings)
    assert str(caught.value) == message
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_a_batch_that_violates_the_shapes_is_not_written(
    work: Path, full_store: Store, settings: Settings
) -> None:
    store = full_store
    before = snapshot(store)
    path = replace_in(
        work / "evidence.csv", "ckg:HubFirm,2. Findings", "ckg:GeographicProximity,2. Findings"
    )
    result = ingest(path, None, None, store, settings)
    assert not result.written
    found = {(r.focus_node, r.path, r.severity) for r in result.validation.results}
    assert found == {(CKR["claim/example-hub-firm-schedules"], DCTERMS.subject, SH.Violation)}
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
@pytest.mark.parametrize(
    ("old", "new", "term", "shape", "message"),
    [
        (
            "a ckg:Study ;",
            "a ckg:Studdy ;",
            CKG.Studdy,
            "DeclaredClassShape",
            (
                "Class https://w3id.org/clusterkg/ontology#Studdy is used in the data (as the object of "
                "rdf:type) but the ontology does not declare it as an owl:Class: fix the typo, or "
                "declare it in ontology/ (reused terms go in modules/external.ttl)."
            ),
        ),
        (
            'ckg:citedAs "Handwritten 2018"',
            'ckg:citedAss "Handwritten 2018"',
            CKG.citedAss,
            "DeclaredPropertyShape",
            (
                "Property https://w3id.org/clusterkg/ontology#citedAss is used in the data but the "
                "ontology does not declare it as an owl:ObjectProperty, owl:DatatypeProperty or "
                "owl:AnnotationProperty: fix the typo, or declare it in ontology/ (reused terms go in "
                "modules/external.ttl)."
            ),
        ),
    ],
    ids=["class", "property"],
)
def test_a_misspelt_term_is_reported_on_the_term_and_not_written(
    work: Path,
    store: Store,
    settings: Settings,
    old: str,
    new: str,
    term: URIRef,
    shape: str,
    message: str,
) -> None:
    """The declared-term shapes report the undeclared class or property itself, which is no node of the
    batch: the batch uses it, so the result is the batch's."""
    before = snapshot(store)
    result = ingest(replace_in(work / "example-study.ttl", old, new), None, None, store, settings)
    assert not result.written
    assert [
        (r.focus_node, r.value, r.shape, r.severity, r.message) for r in result.validation.results
    ] == [(term, term, URIRef(CKS + shape), SH.Violation, message)]
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_a_claim_about_an_unknown_study_is_not_written(
    work: Path, store: Store, settings: Settings
) -> None:
    before = snapshot(store)  # the example study is not ingested
    result = ingest(work / "evidence.csv", None, None, store, settings)
    assert not result.written
    unknown = {r.focus_node for r in result.validation.results if r.path == CKG.attributedTo}
    assert unknown == CLAIMS
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_a_quote_not_in_the_source_text_is_not_written(
    work: Path, full_store: Store, settings: Settings
) -> None:
    store = full_store
    before = snapshot(store)
    path = replace_in(
        work / "evidence.csv", "sets their delivery schedules,", "sets the delivery schedules,"
    )
    result = ingest(path, None, None, store, settings)
    assert not result.written
    assert result.validation.conforms
    assert [(c.resource, c.status) for c in result.quotes.failures] == [
        (CKR["claim/example-hub-firm-schedules"], "mismatch")
    ]
    text = DATA / "manifest" / "example-report.txt"
    assert result.quotes.failures[0].detail == (
        f"not found in {text}; nearest passage (92.6% similar, line 11, character 423): "
        '"sets their delivery schedules."'
    )
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_dry_run_checks_everything_and_writes_nothing(
    work: Path, store: Store, settings: Settings
) -> None:
    before = snapshot(store)
    result = ingest(work / "example-study.ttl", None, None, store, settings, dry_run=True)
    assert (result.ok, result.written, result.triples) == (True, False, 17)  # 6 + registry + origin
    assert_same(before, snapshot(store))


@pytest.mark.parametrize(
    "graph",
    [CKGRAPH["ontology"], CKGRAPH["inferred"], CKGRAPH["source/example-report"]],
    ids=["ontology", "inferred", "manifest-source"],
)
def test_graphs_the_build_writes_are_refused(
    work: Path, store: Store, settings: Settings, graph: URIRef
) -> None:
    before = snapshot(store)
    with pytest.raises(UserError) as caught:
        ingest(work / "example-study.ttl", None, graph, store, settings)
    assert str(caught.value) == (
        f"example-study.ttl: graph <{graph}> is written by `clusterkg build`; choose another --graph"
    )
    assert_same(before, snapshot(store))


def test_a_claim_id_another_graph_uses_is_refused_with_its_line(
    work: Path, full_store: Store, settings: Settings
) -> None:
    store = full_store
    before = snapshot(store)
    shutil.copy(work / "evidence.csv", work / "more-evidence.csv")
    with pytest.raises(UserError) as caught:
        ingest(work / "more-evidence.csv", None, None, store, settings)
    assert str(caught.value) == (
        "more-evidence.csv:6: claim_id 'example-trust-over-distance' is already used by another graph"
    )
    assert_same(before, snapshot(store))


def test_a_study_iri_another_graph_uses_gets_the_next_suffix(
    work: Path, full_store: Store, settings: Settings
) -> None:
    bib = work / "handwritten.bib"
    bib.write_text(
        "% FICTIONAL example entry\n"
        "@misc{h, author = {Example Handwritten, Ann}, title = {Another Example}, year = 2018}\n",
        encoding="utf-8",
    )
    result = ingest(bib, None, None, full_store, settings, dry_run=True)
    studies = set(result.graph.subjects(RDFS.label, None)) & {
        s for s in result.graph.subjects() if "/study/" in s
    }
    assert studies == {CKR["study/example-handwritten-2018-2"]}


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_a_bibtex_file_is_written(work: Path, store: Store, settings: Settings) -> None:
    result = ingest(work / "studies.bib", None, None, store, settings)
    assert result.written, result.validation.text()
