"""The README's walk-through "From evidence table to report", run as written: its `clusterkg` lines are read from
the README's code block and each is run as its own process on a fresh data directory (the block's /tmp/walk
replaced by a temporary folder), so the test fails when the README and the code drift apart."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

from rdflib import Graph

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.rdfio import parse_graph

README = PROJECT_ROOT / "README.md"
WALK = "/tmp/walk"


def walkthrough_commands() -> list[str]:
    """The `clusterkg` lines of the first sh block of the README section "From evidence table to report"."""
    section = README.read_text(encoding="utf-8").split("## From evidence table to report", 1)[1]
    section = section.split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block, "the README section has no sh code block"
    return [line.strip() for line in block.group(1).splitlines() if line.startswith("clusterkg ")]


def test_the_readme_walkthrough_runs_on_a_fresh_data_dir(tmp_path: Path) -> None:
    commands = walkthrough_commands()
    assert [c.split()[3] for c in commands] == ["ingest"] * 4 + ["report"] * 3 + ["serve"]
    data_dir = tmp_path / "walk"
    assert not data_dir.exists()
    outputs = []
    for command in commands:
        argv = shlex.split(command.replace(WALK, str(data_dir)))
        done = subprocess.run(
            [sys.executable, "-m", "clusterkg.kg", *argv[1:]],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stderr + done.stdout)
    for output in outputs[:4]:
        assert "written to" in output and "NOT written" not in output, output
    assert "quotes: 31 selectors, 31 ok, 0 failed" in outputs[2]
    markdown = (data_dir / "report.md").read_text(encoding="utf-8")
    assert markdown.count("| [Hub firms broker relationships within their cluster]") == 3
    assert (
        "[(Batterink et al., 2014)](<https://w3id.org/clusterkg/resource/study/batterink-2014>)"
        in markdown
    )
    assert "[supports](<https://w3id.org/clusterkg/ontology#Supports>)" in markdown
    with zipfile.ZipFile(data_dir / "report.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
        relations = docx.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "<w:hyperlink" in document
    assert 'Target="https://w3id.org/clusterkg/resource/study/batterink-2014"' in relations
    assert 'id="synthesis-matrix"' in (data_dir / "report.html").read_text(encoding="utf-8")
    page = outputs[-1]
    assert page.startswith("200 OK text/html")
    assert page.count("stance-supports") >= 8  # the matrix page's cells (and its legend)


def test_the_walkthrough_context_is_copied_from_the_seed() -> None:
    """Every triple of the context file is one the curators wrote in kg/data/seed/: nothing is invented."""
    seed = Graph()
    for path in sorted((PROJECT_ROOT / "kg" / "data" / "seed").glob("*.ttl")):
        seed += parse_graph(path)
    context = parse_graph(PROJECT_ROOT / "kg" / "examples" / "seed-context.ttl")
    assert len(context) > 100
    assert [t for t in context if t not in seed] == []
