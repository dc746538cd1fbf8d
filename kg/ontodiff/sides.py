"""Read one side of a diff into a graph: a Turtle file, a folder of them, or `REVISION:path` in git."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from rdflib import Graph

from clusterkg.kg.errors import UserError
from clusterkg.kg.rdfio import parse_into

_REVISION = re.compile(r"^(?P<rev>[^:]+):(?P<path>.*)$")


def read_side(spec: str) -> Graph:
    """Every `*.ttl` the spec names, merged: an existing file or folder (recursively), else
    `REVISION:path` (a file or folder at a git revision of the repository around the working folder)."""
    graph = Graph()
    path = Path(spec)
    if path.is_file():
        return parse_into(graph, path)
    if path.is_dir():
        files = sorted(path.rglob("*.ttl"))
        if not files:
            raise UserError("no Turtle files (*.ttl) in this folder", path)
        for file in files:
            parse_into(graph, file)
        return graph
    match = _REVISION.match(spec)
    if match is None:
        raise UserError(
            "no such file or folder, and not a git revision like HEAD~3:ontology/", spec
        )
    return _read_revision(match.group("rev"), match.group("path").rstrip("/"), spec)


def _read_revision(rev: str, path: str, spec: str) -> Graph:
    listed = _git("ls-tree", "-r", "--name-only", "--full-tree", rev, "--", path or ".", spec=spec)
    files = [name for name in listed.splitlines() if name.endswith(".ttl")]
    if not files:
        raise UserError(f"no Turtle files (*.ttl) under {path or '.'} at {rev}", spec)
    graph = Graph()
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            copy = Path(tmp) / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(_git("show", f"{rev}:{name}", spec=spec), encoding="utf-8")
            try:
                parse_into(graph, copy)
            except UserError as exc:
                raise UserError(exc.cause, f"{rev}:{name}", exc.line, exc.column) from None
    return graph


def _git(*args: str, spec: str) -> str:
    """A git command's output, run in the repository around the working folder (paths from its top)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=top)
    except FileNotFoundError:
        raise UserError("git is not installed", spec) from None
    except subprocess.CalledProcessError as exc:
        cause = (exc.stderr.strip().splitlines() or ["git failed"])[0]
        raise UserError(f"git: {cause}", spec) from None
    return done.stdout
