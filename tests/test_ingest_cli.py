"""`clusterkg ingest` end to end on an embedded store: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.kg.cli import main
from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKGRAPH
from clusterkg.kg.store import open_store

DATA = Path(__file__).parent / "data" / "ingest"
MANIFEST = DATA / "manifest" / "sources.ttl"
Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose embedded store was built from the example manifest by `clusterkg build`."""
    data_dir = tmp_path_factory.mktemp("built") / ".clusterkg"
    config = data_dir.parent / "clusterkg.toml"
    config.write_text(
        f'[clusterkg]\nsources_manifest = "{MANIFEST}"\ndata_dir = "{data_dir}"\n', encoding="utf-8"
    )
    built = CliRunner().invoke(main, ["--config", str(config), "build"])
    assert built.exit_code == 0, built.output
    return data_dir


@pytest.fixture
def ready(built_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A copy of the built store, with the example files copied to the working directory."""
    shutil.copytree(built_dir, tmp_path / ".clusterkg")
    for name in ("example-study.ttl", "evidence.csv", "studies.bib"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return Settings(sources_manifest=MANIFEST, data_dir=tmp_path / ".clusterkg")


def counts(settings: Settings) -> dict[str, int]:
    with closing(open_store(settings)) as store:
        return {str(g): store.count(g) for g in store.graphs()}


def test_good_files_are_written_and_summarised(cli: Cli, ready: Settings) -> None:
    study = cli(ready, "ingest", "example-study.ttl")
    assert (study.exit_code, study.stderr) == (0, "")
    assert study.stdout == (
        "example-study.ttl: 1 turtle records, 17 triples, written to "
        "<https://w3id.org/clusterkg/graph/source/example-study-ttl> (held 0 triples before); "
        "0 merged into studies already in the store, 0 into an earlier record of the file, "
        "0 candidates to review; "
        "quotes: 0 selectors, 0 ok, 0 failed, 0 not checked; "
        "validation: 0 violations, 0 warnings, 0 infos\n"
    )
    evidence = cli(
        ready, "ingest", "evidence.csv", "--kind", "csv", "--graph", "ckgraph:source/table-1"
    )
    assert (evidence.exit_code, evidence.stderr) == (0, "")
    assert "quotes: 4 selectors, 4 ok, 0 failed, 0 not checked" in evidence.stdout
    assert counts(ready)[str(CKGRAPH["source/table-1"])] == 68  # 57 + registry record + origin


def test_dry_run_writes_nothing(cli: Cli, ready: Settings) -> None:
    before = counts(ready)
    result = cli(ready, "ingest", "example-study.ttl", "--dry-run")
    assert result.exit_code == 0
    assert "17 triples, valid, not written to" in result.stdout
    assert counts(ready) == before


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["absent.csv"], "absent.csv: CSV file not found"),
        (
            ["notes.txt"],
            "notes.txt: cannot tell the kind of file '.txt'; use --kind (files: .bib, .bibtex, .csv, .json, .ris, .ttl)",
        ),
        (["example-study.ttl", "--graph", "xyz:g"], "bad --graph: unknown prefix 'xyz' in 'xyz:g'"),
        (
            ["example-study.ttl", "--graph", "ckgraph:ontology"],
            (
                "example-study.ttl: graph <https://w3id.org/clusterkg/graph/ontology> is written by "
                "`clusterkg build`; choose another --graph"
            ),
        ),
    ],
    ids=["missing-file", "unknown-kind", "bad-graph", "build-graph"],
)
def test_user_errors_are_one_line_and_exit_2(
    cli: Cli, ready: Settings, args: list[str], line: str
) -> None:
    before = counts(ready)
    result = cli(ready, "ingest", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")
    assert counts(ready) == before


def test_a_broken_file_after_a_good_one_changes_nothing(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    assert cli(ready, "ingest", "example-study.ttl").exit_code == 0
    assert cli(ready, "ingest", "evidence.csv").exit_code == 0
    before = counts(ready)
    table = tmp_path / "evidence.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("Limitations,,", "Limitations,,19x9"),
        encoding="utf-8",
    )
    result = cli(ready, "ingest", "evidence.csv")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "evidence.csv:9: bad year '19x9': expected four digits, e.g. 1990\n"
    assert counts(ready) == before


def test_an_invalid_batch_exits_1_with_the_violations(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    before = counts(ready)
    result = cli(ready, "ingest", "evidence.csv")  # its study has not been ingested
    assert result.exit_code == 1
    assert result.stdout.startswith("evidence.csv: 4 csv records, 68 triples, NOT written to")
    assert result.stderr.startswith("validation: 8 violations, 0 warnings, 0 infos\n")
    assert result.stderr.count("ckg:attributedTo: A claim needs ckg:attributedTo a ckg:Study") == 4
    unknown = "<https://w3id.org/clusterkg/resource/study/example-handwritten-2018>, which the graph does not"
    assert result.stderr.count(unknown) == 4
    assert counts(ready) == before


def test_a_misquoted_passage_exits_1_naming_the_claim(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    assert cli(ready, "ingest", "example-study.ttl").exit_code == 0
    before = counts(ready)
    table = tmp_path / "evidence.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("The survey covers", "The survey covered"),
        encoding="utf-8",
    )
    result = cli(ready, "ingest", "evidence.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        '<https://w3id.org/clusterkg/resource/claim/example-one-district>: quote "The survey covered\n'
        f'one district only." not found in {DATA / "manifest" / "example-report.txt"}; '
        "nearest passage (95.9% similar, line 15, character 526): "
        '"The survey covers one district only."\n'
    )
    assert counts(ready) == before


def test_ingested_graphs_survive_a_rebuild(cli: Cli, ready: Settings) -> None:
    assert cli(ready, "ingest", "example-study.ttl").exit_code == 0
    ingested = counts(ready)[str(CKGRAPH["source/example-study-ttl"])]
    rebuilt = cli(ready, "build")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert counts(ready)[str(CKGRAPH["source/example-study-ttl"])] == ingested == 17


def test_files_of_the_same_stem_get_graphs_of_their_own(cli: Cli, ready: Settings) -> None:
    shutil.copy("studies.bib", "review.bib")
    shutil.copy("example-study.ttl", "review.ttl")
    bib = cli(ready, "ingest", "review.bib")
    ttl = cli(ready, "ingest", "review.ttl")
    assert (bib.exit_code, ttl.exit_code) == (0, 0), bib.output + ttl.output
    assert "written to <https://w3id.org/clusterkg/graph/source/review-bib>" in bib.stdout
    assert "written to <https://w3id.org/clusterkg/graph/source/review-ttl>" in ttl.stdout
    held = counts(ready)
    assert held[str(CKGRAPH["source/review-ttl"])] == 17
    assert held[str(CKGRAPH["source/review-bib"])] > 17  # both kept: the second replaced nothing


def test_another_file_of_the_same_name_is_refused_unless_replace(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    for folder, label in (("a", "Example handwritten study 2018"), ("b", "Study B")):
        (tmp_path / folder).mkdir()
        text = (DATA / "example-study.ttl").read_text(encoding="utf-8")
        (tmp_path / folder / "review.ttl").write_text(
            text.replace("Example handwritten study 2018", label), encoding="utf-8"
        )
    assert cli(ready, "ingest", "a/review.ttl").exit_code == 0
    again = cli(ready, "ingest", "a/review.ttl")  # the same file again: its own graph, unchanged
    assert (again.exit_code, again.stderr) == (0, ""), again.output
    assert "unchanged since its ingest" in again.stdout
    before = counts(ready)
    other = cli(ready, "ingest", "b/review.ttl")
    assert (other.exit_code, other.stdout) == (2, "")
    assert other.stderr == (
        "b/review.ttl: graph <https://w3id.org/clusterkg/graph/source/review-ttl> already holds "
        "17 triples from a/review.ttl; nothing was written: give --graph IRI for a graph of its own, "
        "or --replace to replace that graph\n"
    )
    assert counts(ready) == before
    replaced = cli(ready, "ingest", "b/review.ttl", "--replace")
    assert replaced.exit_code == 0, replaced.output
    with closing(open_store(ready)) as store:
        label = store.query(
            "SELECT ?l WHERE { GRAPH <https://w3id.org/clusterkg/graph/source/review-ttl> "
            "{ ?s a <https://w3id.org/clusterkg/ontology#Study> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
        ).rows
    assert [str(row["l"]) for row in label] == ["Study B"]


def test_a_graph_no_ingest_wrote_is_refused_unless_replace(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    loaded = cli(ready, "load", "example-study.ttl", "--graph", "ckgraph:source/example-study-ttl")
    assert loaded.exit_code == 0, loaded.output
    refused = cli(ready, "ingest", "example-study.ttl")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "example-study.ttl: graph <https://w3id.org/clusterkg/graph/source/example-study-ttl> "
        "already holds 6 triples that no ingested file recorded; nothing was written: give --graph "
        "IRI for a graph of its own, or --replace to replace that graph\n"
    )
    assert cli(ready, "ingest", "example-study.ttl", "--replace").exit_code == 0


def test_csljson_and_zotero_bibtex_go_in_from_the_command_line(
    cli: Cli, ready: Settings, tmp_path: Path
) -> None:
    shutil.copy(DATA / "zotero.json", tmp_path / "library")  # no extension: --kind says what it is
    result = cli(ready, "ingest", "library", "--kind", "csljson")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("library: 5 csljson records, ")
    assert "written to <https://w3id.org/clusterkg/graph/source/library>" in result.stdout
    shutil.copy(DATA / "zotero.bib", tmp_path / "zotero.bib")
    result = cli(ready, "ingest", "zotero.bib")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("zotero.bib: 7 bibtex records, ")


def test_every_bad_record_is_one_line_and_exit_2(cli: Cli, ready: Settings, tmp_path: Path) -> None:
    before = counts(ready)
    (tmp_path / "refs.json").write_text(
        '[\n{"id": "a", "type": "book", "title": "Fine"},\n{"type": "book"},\n'
        '{"id": "a", "type": "book"}\n]\n',
        encoding="utf-8",
    )
    result = cli(ready, "ingest", "refs.json")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "refs.json:3: item 2 has no id (each item needs one)\n"
        "refs.json:4: duplicate id 'a': the same id as the item on line 2\n"
    )
    assert counts(ready) == before
