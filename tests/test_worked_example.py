"""The worked example of the README: a fourth cluster type (Markusen's 1996 hub-and-spoke district) added to a
review workspace in Turtle only (tests/data/hubspoke/), no Python. Lint, reason and validate pass; a cluster
described only by its characteristics is classified into it; it shows on the concepts page, in the gap
map's cluster-type columns, in the query library's answers, in the ontology's documentation and its
diagram."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.kg.cli import main

DATA = Path(__file__).parent / "data" / "hubspoke"
HUB = "https://example.org/my-review/ontology#HubAndSpokeDistrict"


def run(review: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(review), *args])


def rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the seed example, the hub-and-spoke module, and Markusen (1996) as a source."""
    review = tmp_path_factory.mktemp("worked") / "review"
    assert CliRunner().invoke(main, ["init", str(review), "--with-example"]).exit_code == 0
    shutil.copy(DATA / "ontology" / "hub-and-spoke.ttl", review / "ontology")
    (review / "data").mkdir(exist_ok=True)
    shutil.copy(DATA / "data" / "markusen-1996.ttl", review / "data")
    with (review / "sources.ttl").open("a", encoding="utf-8") as manifest:
        manifest.write("\n" + (DATA / "sources.ttl").read_text(encoding="utf-8"))
    return review


def test_lint_and_validate_pass_with_the_fourth_type(review: Path) -> None:
    linted = run(review, "lint", "--format", "json")
    assert linted.exit_code == 0, linted.output
    findings = json.loads(linted.stdout)["findings"]
    assert [f for f in findings if "my-review" in f["focus"] or "hub-and-spoke" in f["where"]] == []
    validated = run(review, "validate")
    assert validated.exit_code == 0, validated.output
    assert validated.stdout.startswith("validation: 0 violations, 0 warnings")


def test_a_cluster_described_by_its_characteristics_is_classified_into_it(review: Path) -> None:
    reasoned = run(review, "reason", str(DATA / "examples" / "hub-cluster.ttl"))
    assert reasoned.exit_code == 0, reasoned.output
    assert reasoned.stderr == "reasoner: consistent; 1 inferred triples\n"
    assert reasoned.stdout.strip() == (
        f"<https://example.org/my-review/example/aircraft-cluster> a <{HUB}> ."
    )


def test_it_shows_on_the_pages_and_in_the_query_results(review: Path) -> None:
    built = run(review, "build")
    assert built.exit_code == 0, built.output
    assert "reasoner: consistent" in built.stdout

    types = rows(run(review, "query", "cq01-cluster-types", "--format", "csv"))
    assert {(r["type"], r["typeLabel"], r["studyCitedAs"]) for r in types} >= {
        (HUB, "hub-and-spoke district", "Markusen (1996)")
    }
    assert len({r["type"] for r in types}) == 4
    counts = rows(run(review, "query", "claims-per-cluster-type", "--format", "csv"))
    assert {r["type"]: r["claims"] for r in counts}[HUB] == "0"

    concepts = run(review, "serve", "--get", "/concepts/")
    assert concepts.exit_code == 0, concepts.output
    assert "The 4 cluster types of the ontology" in concepts.stdout
    assert "hub-and-spoke district" in concepts.stdout
    assert "one or a few large hub firms" in concepts.stdout  # what it is organised around

    gaps = run(review, "serve", "--get", "/gaps/")
    assert gaps.exit_code == 0, gaps.output
    header = gaps.stdout.split("<thead>", 2)[1].split("</thead>", 1)[0]
    assert "hub-and-spoke district" in header
    for name in ("Marshallian industrial district", "industrial complex", "social network cluster"):
        assert name in header

    index = run(review, "serve", "--get", "/ontology/")
    assert index.exit_code == 0, index.output
    tree = index.stdout.split('id="class-tree"', 1)[1].split('id="diagram"', 1)[0]
    assert "hub-and-spoke district" in tree
    diagram = run(review, "serve", "--get", "/ontology/diagram.svg")
    assert diagram.exit_code == 0, diagram.output
    assert "hub-and-spoke district" in diagram.stdout or "HubAndSpokeDistrict" in diagram.stdout
