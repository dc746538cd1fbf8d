"""The installed tool, away from any checkout: build the wheel, install it into a fresh virtual environment
in a temporary folder (no index: only the wheels built here), then init, build, query, serve and ingest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clusterkg.kg.config import PROJECT_ROOT

EXAMPLE_BIB = PROJECT_ROOT / "kg" / "examples" / "seed-section-2-studies.bib"


def sh(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.wheel
@pytest.mark.timeout(1200)
def test_the_installed_wheel_works_from_any_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLUSTERKG_", "PYTHON"))}
    wheels = (
        tmp_path / "wheelhouse"
    )  # the package and every dependency, from the registry or pip's cache
    made = sh(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "-w",
        wheels,
        PROJECT_ROOT,
        cwd=tmp_path,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    (wheel,) = wheels.glob("clusterkg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in [
        "clusterkg/kg/share/ontology/clusterkg.ttl",
        "clusterkg/kg/share/ontology/shapes/meta/ontology.ttl",
        "clusterkg/kg/share/queries/cq04-hanoi-cluster-figures.rq",
        "clusterkg/kg/share/queries/checks/dangling-reference-violation.rq",
        "clusterkg/kg/data/seed/claims.ttl",
        "clusterkg/kg/workspace_template/base/clusterkg.toml",
        "clusterkg/web/data/void.ttl",
        "clusterkg/web/templates/base.html",
    ]:
        assert packaged in names
    assert not any(
        name.endswith(".txt") and "seed" in name for name in names
    )  # never the seed's text

    venv = tmp_path / "venv"
    assert sh(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env).returncode == 0
    installed = sh(
        venv / "bin" / "pip",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        wheels,
        "clusterkg",
        cwd=tmp_path,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr
    clusterkg = venv / "bin" / "clusterkg"
    where = sh(
        venv / "bin" / "python",
        "-c",
        "import clusterkg.kg as kg; print(kg.__file__)",
        cwd=tmp_path,
        env=env,
    )
    assert where.stdout.startswith(str(venv))  # the installed copy, not the checkout
    for statement in ["import kg", "import web"]:  # no top-level names of ours (web.py's `web`)
        clash = sh(venv / "bin" / "python", "-c", statement, cwd=tmp_path, env=env)
        assert "ModuleNotFoundError" in clash.stderr
    modules = subprocess.run(
        ["git", "ls-files", "kg/*.py", "web/*.py", "kg/sparql/*.rq"],  # the tool's own queries too
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(modules) > 100 and {f"clusterkg/{m}" for m in modules} - names == set()

    made = sh(clusterkg, "init", "review", "--with-example", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    review = tmp_path / "review"
    built = sh(clusterkg, "build", cwd=review, env=env)
    assert built.returncode == 0, built.stderr
    assert "quotes: 114 selectors, 0 ok, 0 failed, 114 not checked" in built.stdout
    assert "validation: 0 violations" in built.stdout

    answer = sh(
        clusterkg,
        "query",
        "cq04-hanoi-cluster-figures",
        "--format",
        "csv",
        cwd=review / "data",
        env=env,
    )
    assert answer.returncode == 0, answer.stderr
    rows = answer.stdout.splitlines()
    assert [row.split(",")[2] for row in rows[1:]] == ["70", "1400", "1000"]

    page = sh(clusterkg, "serve", "--get", "/", cwd=review, env=env)
    assert page.returncode == 0, page.stderr
    assert page.stderr.startswith("200 OK text/html") and "Hanoi" in page.stdout

    shutil.copyfile(EXAMPLE_BIB, review / "studies.bib")
    taken = sh(clusterkg, "ingest", "studies.bib", cwd=review, env=env)
    assert taken.returncode == 0, taken.stderr
    assert "10 bibtex records" in taken.stdout
    listed = sh(clusterkg, "query", "review-studies", "--format", "csv", cwd=review, env=env)
    assert "https://w3id.org/clusterkg/graph/source/studies-bib" in listed.stdout

    elsewhere = (
        tmp_path / "elsewhere"
    )  # outside any workspace: the packaged example, its text not included
    elsewhere.mkdir()
    example = sh(
        clusterkg, "--store", "memory", "query", "cq09-evidence-gaps", cwd=elsewhere, env=env
    )
    assert example.returncode == 0, example.stderr
    assert "(3 rows)" in example.stdout
    assert (
        "note: the built-in example's full text (the seed paper) is not included" in example.stderr
    )
