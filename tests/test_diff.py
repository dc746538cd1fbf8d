"""`clusterkg diff OLD NEW`: two fixture versions (tests/data/diff/v1, v2) with one change of each kind, read
as folders, files and git revisions; Markdown and JSON; the real ontology's CHANGELOG and owl:priorVersion."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import OWL

from clusterkg.kg.cli import main
from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.ontodiff.diff import diff
from clusterkg.kg.ontodiff.sides import read_side
from clusterkg.kg.rdfio import parse_graph

CASES = PROJECT_ROOT / "tests" / "data" / "diff"
EXPECTED = [
    {"kind": "added", "term": "ckg:HubAndSpokeDistrict", "before": [], "after": ["class"]},
    {"kind": "removed", "term": "ckg:Removed", "before": ["class"], "after": []},
    {"kind": "deprecated", "term": "ckg:Cluster", "before": [], "after": []},
    {
        "kind": "label",
        "term": "ckg:Agglomeration",
        "before": ['"agglomeration"@en'],
        "after": ['"pure agglomeration"@en'],
    },
    {
        "kind": "definition",
        "term": "ckg:Network",
        "before": ['"Firms tied by relationships."@en'],
        "after": ['"Firms tied by inter-firm and inter-personal relationships."@en'],
    },
    {
        "kind": "superclass",
        "term": "ckg:Complex",
        "before": ["ckg:IndustrialCluster"],
        "after": ["ckg:Agglomeration"],
    },
    {
        "kind": "domain",
        "term": "ckg:hubFirm",
        "before": ["ckg:IndustrialCluster"],
        "after": ["ckg:HubAndSpokeDistrict"],
    },
    {"kind": "range", "term": "ckg:member", "before": ["ckg:Firm"], "after": ["owl:Thing"]},
    {
        "kind": "axiom",
        "term": "ckg:Firm",
        "before": [],
        "after": ["owl:disjointWith ckg:IndustrialCluster"],
    },
    {
        "kind": "shape",
        "term": "<https://w3id.org/clusterkg/shapes#ClusterShape>",
        "before": ["sh:property [ sh:minCount 1 ; sh:path ckg:member ]"],
        "after": ["sh:property [ sh:minCount 2 ; sh:path ckg:member ]"],
    },
]


def test_one_change_of_each_kind_as_json() -> None:
    result = CliRunner().invoke(
        main, ["diff", str(CASES / "v1"), str(CASES / "v2"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"old": "1.0.0", "new": "2.0.0", "changes": EXPECTED}


def test_markdown_has_a_section_per_kind_for_the_changelog() -> None:
    text = diff(read_side(str(CASES / "v1")), read_side(str(CASES / "v2"))).markdown()
    assert text.startswith("## 2.0.0 (from 1.0.0)\n")
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Added terms",
        "### Removed terms",
        "### Deprecated terms",
        "### Labels",
        "### Definitions",
        "### Superclasses",
        "### Domains",
        "### Ranges",
        "### Axioms",
        "### Shapes",
    ]
    assert "- `ckg:Complex`: `ckg:IndustrialCluster` → `ckg:Agglomeration`" in text
    assert "- `ckg:Firm`: (none) → `owl:disjointWith ckg:IndustrialCluster`" in text


def test_a_version_against_itself_has_no_changes() -> None:
    same = diff(
        read_side(str(CASES / "v1" / "ontology.ttl")), read_side(str(CASES / "v1" / "ontology.ttl"))
    )
    assert same.changes == [] and "No changes." in same.markdown()


def test_git_revisions_are_read_like_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "onto").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    for version in ("v1", "v2"):
        for name in ("ontology.ttl", "shapes.ttl"):
            (repo / "onto" / name).write_text((CASES / version / name).read_text())
        git("add", "onto")
        git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", version)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "HEAD~1:onto/", "HEAD:onto", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes"] == EXPECTED
    bad = CliRunner().invoke(main, ["diff", "nosuchrev:onto/", "HEAD:onto"])
    assert bad.exit_code == 2
    assert bad.stderr == "nosuchrev:onto: git: fatal: Not a valid object name nosuchrev\n"


def test_a_missing_side_is_one_line() -> None:
    result = CliRunner().invoke(main, ["diff", "no/such/folder", str(CASES / "v2")])
    assert result.exit_code == 2
    assert result.stderr == (
        "no/such/folder: no such file or folder, and not a git revision like HEAD~3:ontology/\n"
    )


def test_the_ontology_carries_its_prior_version_and_the_changelog_starts_with_it() -> None:
    umbrella = parse_graph(PROJECT_ROOT / "ontology" / "clusterkg.ttl")
    ontology = URIRef("https://w3id.org/clusterkg/ontology")
    version = str(umbrella.value(ontology, OWL.versionInfo))
    prior = umbrella.value(ontology, OWL.priorVersion)
    assert prior is not None and prior != umbrella.value(ontology, OWL.versionIRI)
    changelog = (PROJECT_ROOT / "ontology" / "CHANGELOG.md").read_text()
    first = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert first == f"## {version} (from {str(prior).rsplit('/', 1)[-1]})"
