"""The `clusterkg` command line: each verb's exact output and exit code, one-line user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.errors import display_path
from clusterkg.kg.namespaces import CKG, CKR
from tests.fixtures.stores import running_oxigraph

Cli = Callable[..., Result]
CLAIMS_TABLE = (
    "claim                     label\n"
    "------------------------  -------------------------------------------------------\n"
    "ckr:claim/concentrations  Clusters are concentrations of interconnected companies\n"
    "ckr:claim/trust           Trust binds a social network cluster\n"
    "(2 rows)\n"
)


@pytest.fixture
def built_core(cli: Cli, core_settings: Settings) -> Settings:
    """The small core data built into an embedded store under tmp_path."""
    result = cli(core_settings, "build")
    assert result.exit_code == 0, result.output
    return core_settings


def claims_query(settings: Settings) -> str:
    return str(settings.queries_dir / "claims-of-study.rq")


def test_python_dash_m_kg_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    verbs = ["build", "dump", "ingest", "load", "query", "reason", "serve", "stats", "validate"]
    assert all(f"  {verb} " in done.stdout for verb in verbs)


def test_build_reports_graphs_checks_and_store(cli: Cli, core_settings: Settings) -> None:
    result = cli(core_settings, "build", "--strict")
    assert result.exit_code == 0, result.output
    dumps = core_settings.build_dir
    assert result.stdout == (
        "       2 triples  https://w3id.org/clusterkg/graph/inferred\n"
        "      63 triples  https://w3id.org/clusterkg/graph/ontology\n"
        "      29 triples  https://w3id.org/clusterkg/graph/source/test\n"
        "quotes: 2 selectors, 2 ok, 0 failed, 0 not checked\n"
        "reasoner: consistent; 2 inferred triples\n"
        "validation: 0 violations, 0 warnings, 0 infos\n"
        f"wrote {display_path(dumps / 'clusterkg.trig')}, {display_path(dumps / 'clusterkg.nq')}\n"
        "store: embedded, 94 quads\n"
    )
    assert result.stderr == ""


def test_strict_build_stops_on_violations_before_the_store(
    cli: Cli, core_settings: Settings, core_dir: Path
) -> None:
    studies = core_dir / "data" / "seed" / "studies.ttl"
    studies.write_text(studies.read_text().replace('"1990"^^xsd:gYear', '"1990"'), encoding="utf-8")
    result = cli(core_settings, "build", "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "validation: 1 violations, 0 warnings, 0 infos"
    assert not core_settings.build_dir.exists()
    lenient = cli(core_settings, "build")
    assert (
        lenient.exit_code == 0
        and "validation: 1 violations, 0 warnings, 0 infos\n" in lenient.stdout
    )


def test_build_warns_about_a_missing_source_text(
    cli: Cli, core_settings: Settings, core_dir: Path
) -> None:
    manifest = core_dir / "data" / "sources.ttl"
    manifest.write_text(
        manifest.read_text().replace("text/source.txt", "text/absent.txt"), encoding="utf-8"
    )
    result = cli(core_settings, "build")
    absent = PROJECT_ROOT / "tests" / "data" / "core" / "text" / "absent.txt"
    assert result.exit_code == 0
    assert (
        result.stderr
        == f"warning: {display_path(absent)}: source text not found; its quotes were not checked\n"
    )
    assert "quotes: 2 selectors, 0 ok, 0 failed, 2 not checked\n" in result.stdout
    strict = cli(core_settings, "build", "--strict")
    assert strict.exit_code == 2 and len(strict.stderr.splitlines()) == 2


def test_query_file_as_table(cli: Cli, built_core: Settings) -> None:
    result = cli(built_core, "query", claims_query(built_core))
    assert (result.exit_code, result.stdout) == (0, CLAIMS_TABLE)


def test_query_formats(cli: Cli, built_core: Settings) -> None:
    csv = cli(built_core, "query", claims_query(built_core), "--format", "csv")
    assert csv.stdout_bytes == (
        b"claim,label\r\n"
        b"https://w3id.org/clusterkg/resource/claim/concentrations,"
        b"Clusters are concentrations of interconnected companies\r\n"
        b"https://w3id.org/clusterkg/resource/claim/trust,Trust binds a social network cluster\r\n"
    )
    tsv = cli(built_core, "query", claims_query(built_core), "--format", "tsv")
    assert tsv.stdout.splitlines()[0] == "?claim\t?label"
    data = json.loads(cli(built_core, "query", claims_query(built_core), "--format", "json").stdout)
    assert data["head"]["vars"] == ["claim", "label"]
    assert [b["claim"]["value"] for b in data["results"]["bindings"]] == [
        str(CKR["claim/concentrations"]),
        str(CKR["claim/trust"]),
    ]


def test_query_parameters(cli: Cli, built_core: Settings) -> None:
    other = cli(built_core, "query", claims_query(built_core), "--param", "study=ckr:study/other")
    assert other.stdout == "claim  label\n-----  -----\n(0 rows)\n"
    same = cli(
        built_core,
        "query",
        claims_query(built_core),
        "--param",
        f"study={CKR['study/porter-1990']}",
    )
    assert same.stdout == CLAIMS_TABLE
    unknown = cli(built_core, "query", claims_query(built_core), "--param", "year=1990")
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        f"{display_path(Path(claims_query(built_core)))}: claims-of-study: "
        "unknown parameter 'year' (this query takes: study)\n"
    )


def test_sparql_text_ask_and_construct(cli: Cli, built_core: Settings) -> None:
    ask = cli(built_core, "query", "--sparql", "ASK { ?s a ckg:Study }")
    assert (ask.exit_code, ask.stdout) == (0, "true\n")
    construct = cli(built_core, "query", "--sparql", "CONSTRUCT WHERE { ?s ckg:year ?y }")
    graph = Graph().parse(data=construct.stdout, format="turtle")
    assert set(graph) == {(CKR["study/porter-1990"], CKG.year, Literal("1990", datatype=XSD.gYear))}
    wrong = cli(
        built_core, "query", "--sparql", "CONSTRUCT WHERE { ?s ckg:year ?y }", "--format", "csv"
    )
    assert (wrong.exit_code, wrong.stderr) == (2, "--format csv does not fit a CONSTRUCT query\n")


def test_bad_sparql_is_one_line_with_its_line(cli: Cli, built_core: Settings) -> None:
    result = cli(built_core, "query", "--sparql", "SELECT * WHERE {\n  ?s ?p\n}")
    assert result.exit_code == 2
    assert result.stderr == "--sparql:2:3: bad SPARQL: Expected SelectQuery, found '?s ?p'\n"
    assert "Traceback" not in result.output


def test_query_needs_exactly_one_of_file_and_text(cli: Cli, built_core: Settings) -> None:
    assert cli(built_core, "query").exit_code == 2
    assert cli(built_core, "query", claims_query(built_core), "--sparql", "ASK {}").exit_code == 2


def test_stats(cli: Cli, built_core: Settings) -> None:
    result = cli(built_core, "stats")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "triples per graph:\n"
        "       2  https://w3id.org/clusterkg/graph/inferred\n"
        "      63  https://w3id.org/clusterkg/graph/ontology\n"
        "      29  https://w3id.org/clusterkg/graph/source/test\n"
        "      94  (all graphs)\n"
        "\n"
        "instances per class:\n"
        "class                   instances\n"
    )
    assert "ckg:Claim               2\n" in result.stdout and result.stdout.endswith("(12 rows)\n")


def test_validate_sources_files_and_store(
    cli: Cli, built_core: Settings, core_dir: Path, tmp_path: Path
) -> None:
    clean = cli(built_core, "validate")
    assert (clean.exit_code, clean.stdout) == (0, "validation: 0 violations, 0 warnings, 0 infos\n")
    stored = cli(built_core, "validate", "--from-store")
    assert (stored.exit_code, stored.stdout) == (
        0,
        "validation: 0 violations, 0 warnings, 0 infos\n",
    )
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix ckg: <https://w3id.org/clusterkg/ontology#> .\n"
        "<https://w3id.org/clusterkg/resource/claim/orphan> a ckg:Claim ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "an orphan claim"@en .\n',
        encoding="utf-8",
    )
    result = cli(built_core, "validate", str(broken))
    assert result.exit_code == 1
    assert result.stdout == (
        "validation: 1 violations, 0 warnings, 0 infos\n"
        "\n"
        "Violations (1):\n"
        "  ckr:claim/orphan ckg:attributedTo: A claim needs the study it is attributed to. (shacl)\n"
    )
    as_json = json.loads(cli(built_core, "validate", str(broken), "--format", "json").stdout)
    assert as_json["counts"] == {"Violation": 1, "Warning": 0, "Info": 0}
    turtle = cli(built_core, "validate", str(broken), "--format", "turtle")
    assert turtle.exit_code == 1 and "sh:ValidationReport" in turtle.stdout


def test_validate_fail_on(cli: Cli, built_core: Settings, tmp_path: Path) -> None:
    warning_only = tmp_path / "warning.ttl"
    warning_only.write_text(
        "@prefix ckg: <https://w3id.org/clusterkg/ontology#> .\n"
        "<https://w3id.org/clusterkg/resource/claim/x> a ckg:Claim ;\n"
        "    ckg:attributedTo <https://w3id.org/clusterkg/resource/study/s> .\n"
        "<https://w3id.org/clusterkg/resource/study/s> a ckg:Study ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "s" .\n',
        encoding="utf-8",
    )
    assert cli(built_core, "validate", str(warning_only)).exit_code == 0
    assert cli(built_core, "validate", str(warning_only), "--fail-on", "warning").exit_code == 1
    assert cli(built_core, "validate", str(warning_only), "--fail-on", "info").exit_code == 1


def test_reason_files_prints_inferred_turtle(
    cli: Cli, core_settings: Settings, core_dir: Path, tmp_path: Path
) -> None:
    result = cli(core_settings, "reason", str(core_dir / "data" / "example-clusters.ttl"))
    assert result.exit_code == 0
    assert result.stderr == "reasoner: consistent; 3 inferred triples\n"
    inferred = Graph().parse(data=result.stdout, format="turtle")
    network = URIRef("https://w3id.org/clusterkg/test/example/network")
    assert len(inferred) == 3 and (network, RDF.type, CKG.SocialNetworkCluster) in inferred
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix ckg: <https://w3id.org/clusterkg/ontology#> .\n<https://example.org/x> a ckg:Trust, ckg:Proximity .\n",
        encoding="utf-8",
    )
    bad = cli(core_settings, "reason", str(clash))
    assert bad.exit_code == 1
    assert bad.stderr == (
        "reasoner: inconsistent (HermiT): the data contradicts the ontology (the ontology alone is consistent)\n"
    )


def test_reason_without_files_replaces_the_inferred_graph(cli: Cli, built_core: Settings) -> None:
    result = cli(built_core, "reason")
    assert result.exit_code == 0 and result.stderr == "reasoner: consistent; 2 inferred triples\n"
    assert (
        cli(built_core, "stats").stdout.splitlines()[1]
        == "       2  https://w3id.org/clusterkg/graph/inferred"
    )


def test_dump_and_load(cli: Cli, built_core: Settings, tmp_path: Path) -> None:
    dumped = cli(built_core, "dump", "--format", "nquads")
    back = Dataset()
    back.parse(data=dumped.stdout, format="nquads")
    assert len(back) == 94
    out = tmp_path / "store.trig"
    assert cli(built_core, "dump", "-o", str(out)).exit_code == 0
    assert len(Dataset().parse(out, format="trig")) == 94
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
        encoding="utf-8",
    )
    loaded = cli(built_core, "load", str(extra))
    assert (loaded.exit_code, loaded.stdout) == (
        0,
        f"loaded 1 new quads from {display_path(extra)}; store: 95 quads\n",
    )
    stats = cli(built_core, "stats").stdout
    assert "       1  https://w3id.org/clusterkg/graph/file/extra-ttl\n" in stats
    broken = tmp_path / "broken.trig"
    broken.write_text(
        "<https://example.org/g> {\n  <https://example.org/a> <https://example.org/b> .\n}\n"
    )
    failed = cli(built_core, "load", str(broken))
    assert failed.exit_code == 2
    assert failed.stderr.startswith(f"{display_path(broken)}:2: bad trig syntax: ")
    assert len(failed.stderr.splitlines()) == 1
    assert "      95  (all graphs)\n" in cli(built_core, "stats").stdout


def test_memory_store_is_built_on_demand(cli: Cli, core_settings: Settings) -> None:
    memory = core_settings.with_overrides(store="memory")
    result = cli(memory, "query", claims_query(memory))
    assert result.exit_code == 0
    assert result.stdout == CLAIMS_TABLE
    assert result.stderr.startswith("the memory store is empty: building it first\n")
    assert result.stderr.endswith(
        "validation: 0 violations, 0 warnings, 0 infos\n"
        f"wrote {display_path(memory.build_dir / 'clusterkg.trig')}, "
        f"{display_path(memory.build_dir / 'clusterkg.nq')}\n"
        "store: memory, 94 quads\n"
    )


def test_bad_config_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[clusterkg]\nstore = \n", encoding="utf-8")
    result = runner.invoke(main, ["--config", str(config), "stats"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(
        f"{display_path(config)}: "
    )
    config.write_text('[clusterkg]\nstroe = "memory"\n', encoding="utf-8")
    result = runner.invoke(main, ["--config", str(config), "stats"])
    assert result.stderr == f"{config}: unknown setting(s): stroe\n"
    result = runner.invoke(main, ["--config", str(tmp_path / "absent.toml"), "stats"])
    assert result.stderr == f"{display_path(tmp_path / 'absent.toml')}: config file not found\n"


def test_serve_get_answers_one_request_in_process(cli: Cli, settings: Settings) -> None:
    memory = settings.with_overrides(store="memory")
    result = cli(memory, "serve", "--get", "/sparql?query=ASK%20%7B%20%3Fs%20a%20%3Fo%20%7D")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}
    assert result.stderr.splitlines()[-1].startswith("200 OK application/sparql-results+json")


@pytest.mark.server
def test_push_copies_the_local_store_to_a_sparql_server(
    cli: Cli, built_core: Settings, tmp_path: Path
) -> None:
    with running_oxigraph(tmp_path / "oxigraph") as server:
        result = cli(
            built_core,
            "push",
            "--query-endpoint",
            server.query_endpoint,
            "--update-endpoint",
            server.update_endpoint,
            "--store-endpoint",
            server.store_endpoint,
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            f"pushed 94 triples in 3 graphs to {server.query_endpoint}; the server holds 94 quads\n"
        )
        again = cli(
            built_core,
            "push",
            "--query-endpoint",
            server.query_endpoint,
            "--update-endpoint",
            server.update_endpoint,
        )
        assert again.stdout.endswith("the server holds 94 quads\n")
        remote = built_core.with_overrides(store="remote", query_endpoint=server.query_endpoint)
        assert cli(remote, "query", claims_query(built_core)).stdout == CLAIMS_TABLE


def test_push_needs_a_server(cli: Cli, built_core: Settings) -> None:
    result = cli(built_core, "push")
    assert result.exit_code == 2
    assert result.stderr == (
        "the remote store needs a query endpoint: --query-endpoint URL or CLUSTERKG_QUERY_ENDPOINT\n"
    )
