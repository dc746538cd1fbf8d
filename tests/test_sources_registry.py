"""The registry of sources: each ingest a prov:Activity in the store; an unchanged file is not ingested
again; a changed one replaces its graph and says what changed; `remove` restores the store exactly; the
inferred graph follows the data; two ingests at once are serialised, never interleaved."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, INFERRED_GRAPH
from clusterkg.kg.reconcile.decisions import read_reconciliations
from clusterkg.kg.reconcile.review import decide, remove_source
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.sources.registry import read_sources
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store

DATA = Path(__file__).parent / "data" / "reconcile"


@pytest.fixture
def store(settings: Settings, seed_nquads: Path) -> Iterator[Store]:
    with closing(open_store(settings)) as store:
        store.load_file(seed_nquads, CKGRAPH["unused"])
        yield store


def _dump(store: Store, path: Path) -> Dataset:
    store.dump(path, "nquads")
    return Dataset().parse(path, format="nquads")


def _same_store(a: Dataset, b: Dataset) -> None:
    names = lambda d: {g.identifier for g in d.graphs() if len(g)}
    assert names(a) == names(b)
    for name in names(a):
        assert isomorphic(a.graph(name), b.graph(name)), name


def _cli(settings: Settings, *args: str):
    return CliRunner().invoke(
        main, ["--data-dir", str(settings.data_dir), "--store", "embedded", *args]
    )


def test_ingest_is_registered_and_its_datatypes_survive_the_store(
    store: Store, settings: Settings
) -> None:
    result = ingest(DATA / "first.bib", None, None, store, settings)
    assert result.written
    (entry,) = read_sources(store, settings.queries_dir)
    raw = (DATA / "first.bib").read_bytes()
    assert (entry.graph, entry.file_name, entry.kind) == (
        CKGRAPH["source/first-bib"],
        "first.bib",
        "bibtex",
    )
    assert (entry.sha256, entry.size, entry.records) == (
        hashlib.sha256(raw).hexdigest(),
        len(raw),
        2,
    )
    assert entry.tool_version == "clusterkg 0.1.0" and entry.time.startswith("20")
    # the activity (xsd:integer, xsd:dateTime, strings) and a reconciliation (xsd:decimal) read back as written
    activity = Graph()
    activity += result.graph.triples((CKR["ingest/source/first-bib"], None, None))
    stored = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{entry.graph}> {{ ?s ?p ?o }} "
        f"FILTER(?s = <{CKR['ingest/source/first-bib']}>) }}"
    ).graph
    assert isomorphic(activity, stored)
    second = ingest(DATA / "second.bib", None, None, store, settings)
    (candidate,) = [
        r for r in read_reconciliations(store, settings.queries_dir) if r.status == "pending"
    ]
    assert candidate.similarity == second.candidates[0].similarity


def test_unchanged_file_does_nothing_and_says_so(store: Store, settings: Settings) -> None:
    ingest(DATA / "first.bib", None, None, store, settings)
    before = _dump(store, settings.data_dir / "before.nq")
    store.close()
    out = _cli(settings, "ingest", str(DATA / "first.bib"))
    assert out.exit_code == 0, out.output
    assert out.output.startswith("first.bib: unchanged since its ingest at 20")
    assert out.output.rstrip().endswith(
        "(same SHA-256); nothing to do, <https://w3id.org/clusterkg/graph/source/first-bib> is as it was"
    )
    with closing(open_store(settings)) as again:
        _same_store(before, _dump(again, settings.data_dir / "after.nq"))


def test_changed_file_replaces_its_graph_and_prints_the_changes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    bib = tmp_path / "porter.bib"
    shutil.copy(DATA / "porter-1990-edited.bib", bib)
    ingest(bib, None, None, store, settings)
    store.close()
    text = bib.read_text()
    text = text.replace(
        "A Fictional Study of Cluster Suppliers", "A Fictional Study of Cluster Buyers"
    )
    text = text.replace(
        "{The Competitive Advantage of Nations}",
        "{The Competitive Advantage of Nations: With a New Introduction}",
    )
    bib.write_text(
        text + "\n@misc{example2020, author = {Example, Bo}, title = {Notes}, year = {2020}}\n"
    )
    out = _cli(settings, "ingest", str(bib))
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[:6] == [
        "studies: 1 added, 0 removed, 2 changed",
        "  + https://w3id.org/clusterkg/resource/study/example-2020",
        "  ~ https://w3id.org/clusterkg/resource/study/example-2019",
        "  ~ https://w3id.org/clusterkg/resource/study/porter-1990-2",
        "claims: 0 added, 0 removed, 0 changed",
        "candidate ckr:study/porter-1990-2 ~ ckr:study/porter-1990: ckg:SameAuthorsYear (first author, year)",
    ]
    with closing(open_store(settings)) as again:
        (entry,) = read_sources(again, settings.queries_dir)
        assert entry.records == 3 and entry.sha256 == hashlib.sha256(bib.read_bytes()).hexdigest()
        titles = again.query(
            f"SELECT ?t WHERE {{ GRAPH <{entry.graph}> "
            f"{{ <{CKR['study/example-2019']}> <http://purl.org/dc/terms/title> ?t }} }}"
        ).rows
        assert [str(r["t"]) for r in titles] == ["A Fictional Study of Cluster Buyers"]


def test_remove_restores_the_store_exactly(store: Store, settings: Settings) -> None:
    before = _dump(store, settings.data_dir / "before.nq")
    ingest(DATA / "first.bib", None, None, store, settings)
    ingest(DATA / "second.bib", None, None, store, settings)  # merges into first, one candidate
    store.close()
    assert _cli(settings, "sources", "remove", "source/second-bib").exit_code == 0
    out = _cli(settings, "sources", "remove", "first.bib")
    assert out.exit_code == 0, out.output
    assert out.output.startswith("removed source/first-bib (first.bib): ")
    with closing(open_store(settings)) as again:
        _same_store(before, _dump(again, settings.data_dir / "after.nq"))


def test_decisions_on_a_removed_source_are_kept_and_shown_dangling(
    store: Store, settings: Settings, make_app
) -> None:
    ingest(DATA / "porter-1990.bib", None, None, store, settings)
    (candidate,) = read_reconciliations(store, settings.queries_dir)
    decide(store, settings, candidate.id, accept=False, who="a reviewer")
    store.close()
    out = _cli(settings, "sources", "remove", "source/porter-1990-bib")
    assert out.exit_code == 0
    assert out.output.endswith("0 pending candidates; 1 decisions kept (now dangling)\n")
    listed = _cli(settings, "reconcile", "list", "--all")
    assert (
        f"{candidate.id}  rejected" in listed.output
        and "DANGLING (source removed)" in listed.output
    )
    assert _cli(settings, "sources", "list").output == "(0 sources)\n"
    missing = _cli(settings, "sources", "show", "source/porter-1990-bib")
    assert missing.exit_code == 2
    assert (
        missing.stderr
        == "no source called 'source/porter-1990-bib'; `clusterkg sources list` shows them\n"
    )


def test_sources_list_and_show(store: Store, settings: Settings) -> None:
    ingest(DATA / "porter-1990.bib", None, None, store, settings)
    store.close()
    listed = _cli(settings, "sources", "list").output.splitlines()
    assert listed[0].startswith("source/porter-1990-bib  porter-1990.bib  bibtex  1 records  ")
    assert listed[1] == "(1 source)"
    shown = _cli(settings, "sources", "show", "porter-1990.bib").output
    assert "    graph: https://w3id.org/clusterkg/graph/source/porter-1990-bib\n" in shown
    assert "  pending: " in shown and "ckg:SameAuthorsYear" in shown


def test_reasoning_follows_the_data(store: Store, settings: Settings) -> None:
    """An ingested cluster organised around a dense agglomeration of actors is classified by HermiT as a
    Marshallian industrial district in ckgraph:inferred, and that inference goes when its source goes."""
    cluster = CKR["cluster/example-agglomeration"]
    classified = f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{cluster}> <{RDF.type}> <{CKG.MarshallianIndustrialDistrict}> }} }}"
    assert not store.query(classified).boolean
    result = ingest(DATA / "example-cluster.ttl", None, None, store, settings)
    assert result.written
    assert store.query(classified).boolean
    remove_source(store, settings, CKGRAPH["source/example-cluster-ttl"], [])
    assert not store.query(classified).boolean
    assert not store.query(f"ASK {{ <{cluster}> ?p ?o }}").boolean


def test_two_ingests_at_once_are_serialised(settings: Settings, seed_nquads: Path) -> None:
    """Two `clusterkg ingest` processes on one store: the second waits for the first (it says so), both
    graphs are written whole."""
    with closing(open_store(settings)) as store:
        store.load_file(seed_nquads, CKGRAPH["unused"])
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    command = [
        sys.executable,
        "-m",
        "clusterkg.kg",
        "--data-dir",
        str(settings.data_dir),
        "--store",
        "embedded",
        "ingest",
    ]
    runs = [
        subprocess.Popen(
            [*command, str(DATA / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("first.bib", "porter-1990.bib")
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("waiting for process" in err for _, err in outputs) == 1, outputs
    with closing(open_store(settings)) as store:
        sources = {s.graph: s for s in read_sources(store, settings.queries_dir)}
        assert set(sources) == {CKGRAPH["source/first-bib"], CKGRAPH["source/porter-1990-bib"]}
        for graph, entry in sources.items():
            # each graph holds its whole batch: as many studies as the file has records
            studies = store.query(
                f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s a <{CKG.Study}> }} }}"
            ).rows
            assert len(studies) == entry.records
