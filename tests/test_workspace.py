"""Review workspaces: `clusterkg init`, then ingest, build, query and serve with the workspace's own
ontology module, shape and query taking effect on top of the packaged ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.kg.cli import main
from clusterkg.kg.config import load_settings
from clusterkg.kg.errors import display_path

DATA = Path(__file__).parent / "data" / "workspace"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_init_makes_the_workspace_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    made = run("init", str(tmp_path / "review"))
    assert made.exit_code == 0, made.output
    names = {str(p.relative_to(tmp_path / "review")) for p in (tmp_path / "review").rglob("*")}
    assert {
        "clusterkg.toml",
        "sources.ttl",
        "data",
        "texts",
        "queries/review-studies.rq",
        "ontology/review.ttl",
        "shapes/review.ttl",
    } <= names
    again = run("init", str(tmp_path / "review"))
    assert (again.exit_code, again.stderr) == (
        2,
        f"{display_path(tmp_path / 'review' / 'clusterkg.toml')}: already a ClusterKG workspace\n",
    )


def test_commands_find_the_workspace_upward_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init", str(tmp_path / "review")).exit_code == 0
    monkeypatch.chdir(tmp_path / "review" / "texts")
    settings = load_settings(environ={})
    assert settings.workspace == (tmp_path / "review").resolve()
    assert settings.data_dir == (tmp_path / "review" / ".clusterkg").resolve()
    assert settings.sources_manifest == (tmp_path / "review" / "sources.ttl").resolve()
    assert settings.ontology_extensions == ((tmp_path / "review" / "ontology").resolve(),)


def test_the_walk_with_an_extension_concept_shape_and_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = tmp_path / "review"
    assert run("init", str(review), "--with-example").exit_code == 0
    for extra, target in [
        ("coworking-ontology.ttl", "ontology/review.ttl"),
        ("coworking-shape.ttl", "shapes/review.ttl"),
    ]:
        with (review / target).open("a", encoding="utf-8") as fh:
            fh.write("\n" + (DATA / extra).read_text(encoding="utf-8"))
    (review / "queries" / "coworking.rq").write_bytes((DATA / "coworking.rq").read_bytes())
    monkeypatch.chdir(tmp_path)  # outside the workspace: named with --project

    refused = run("--project", str(review), "ingest", str(DATA / "space-without-desks.ttl"))
    assert refused.exit_code == 1, refused.output  # the check ran and found a violation
    assert "validation: 1 violations" in refused.stderr
    assert (
        "A coworking space of this review needs its number of desks (review:desks)."
        in refused.stderr
    )
    assert (
        not (review / ".clusterkg").exists()
        or "space/unsized" not in run("--project", str(review), "dump", "--format", "nquads").stdout
    )

    taken = run("--project", str(review), "ingest", str(DATA / "spaces.ttl"))
    assert taken.exit_code == 0, taken.output
    assert "0 violations" in taken.stdout

    built = run("--project", str(review), "build")
    assert built.exit_code == 0, built.output
    assert "validation: 0 violations, 0 warnings, 1 infos" in built.stdout  # the seed's one info
    assert "quotes: 114 selectors, 0 ok, 0 failed, 114 not checked" in built.stdout
    assert (
        built.stderr
        == (  # the example's text is not packaged: said so, never "checked" or "failed"
            "warning: review/texts/000_a9070600d8d8c5ce.txt: source text not found; "
            "its quotes were not checked\n"
        )
    )

    monkeypatch.chdir(review / "data")  # inside the workspace: found upward
    answer = run("query", "coworking", "--format", "csv")
    assert answer.exit_code == 0, answer.output
    assert answer.stdout.splitlines() == [
        "space,label",
        "https://example.org/my-review/space/hub-one,Hub One",
    ]
    page = run("serve", "--get", "/queries/coworking?run=1")
    assert page.exit_code == 0, page.output
    assert "Hub One" in page.stdout
    packaged = run("query", "cq04-hanoi-cluster-figures", "--format", "csv")  # the packaged library
    assert packaged.exit_code == 0 and len(packaged.stdout.splitlines()) == 4

    # `load` does not validate; `validate --from-store` then applies the workspace's shape too
    assert run("load", str(DATA / "space-without-desks.ttl")).exit_code == 0
    stored = run("validate", "--from-store", "--format", "text")
    assert stored.exit_code == 1, stored.output
    assert "review:desks" in stored.stdout and "space/unsized" in stored.stdout


def test_a_project_without_clusterkg_toml_is_one_line(tmp_path: Path) -> None:
    result = run("--project", str(tmp_path), "stats")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{display_path(tmp_path)}: no clusterkg.toml here: make a workspace with `clusterkg init`\n"
    )
