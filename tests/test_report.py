"""`clusterkg report` as a process on the built seed: the paper's own structure, every format, links to IRIs,
citations by citeproc-py, the dataset version; and the synthesis example's disputes and matrix in a report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE

from clusterkg.kg.config import Settings
from clusterkg.kg.report.cite import APA, Citer, csl_items
from clusterkg.kg.report.cli import load_report_library, render
from clusterkg.kg.report.gather import gather
from clusterkg.kg.report.version import dataset_version, remembered_at
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store

CKR = "https://w3id.org/clusterkg/resource/"
Q1, Q2 = f"{CKR}rq/hanoi-2021-q1", f"{CKR}rq/hanoi-2021-q2"
RECOMMENDATIONS = [
    f"{CKR}recommendation/state-budget-infrastructure-investment",
    f"{CKR}recommendation/cluster-development-planning-contents",
    f"{CKR}recommendation/cluster-development-planning-procedure",
]


def clusterkg(data_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", "--data-dir", str(data_dir), *args],
        capture_output=True,
        check=False,
    )


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("report") / ".clusterkg"
    assert clusterkg(data_dir, "build").returncode == 0
    return data_dir


@pytest.fixture(scope="module")
def markdown(seed_dir: Path) -> str:
    done = clusterkg(seed_dir, "report", "--format", "md")
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_markdown_follows_the_papers_structure(markdown: str) -> None:
    q1 = section(markdown, "## [Question 1:", "## [Question 2:")
    q2 = section(markdown, "## [Question 2:", "## Synthesis matrix")
    # Question 1 leads to the three recommendations of section 5, each flagged as resting on own analysis.
    for rec in RECOMMENDATIONS:
        assert "### Recommendation: [" in q1 and f"(<{rec}>)" in q1
        assert rec not in q2
    assert q1.count("**Rests on the paper's own analysis:**") == 3
    assert "**Certainty:** [Low: rests on the paper's own analysis; no cited study" in q1
    # Question 2 leads to Munnich et al.'s collaborative clusters, Porter's diamond, Gordon and McCann's types.
    assert (
        "Munnich et al.'s collaborative clusters, Porter's diamond and Gordon and McCann's three"
        in q2
    )
    for citation, study in (
        ("(Munnich et al., 1999)", "study/munnich-et-al-1999"),
        ("(Porter, 1990)", "study/porter-1990"),
        ("(Gordon & McCann, 2000)", "study/gordon-mccann-2000"),
    ):
        assert f"[{citation}](<{CKR}{study}>)" in q2
    assert "Rests on the paper's own analysis" not in q2
    # Verbatim quotes, the gap map's part, then matrix, limitations and references.
    assert "The remaining 54 CCNs still need to be further improved" in q1
    assert "**Evidence gap map (kinds of actor):**" in q1 and "gaps (" in q1
    limitations = section(markdown, "## Limitations stated by the sources", "## References")
    assert "Our study can expand to other areas for development of CSR" in limitations
    assert "No claim in the dataset takes a stance on a theme." in markdown


def test_bibliography_cites_what_the_sources_state_and_nothing_else(markdown: str) -> None:
    references = markdown[markdown.index("## References") :]
    entries = [line for line in references.splitlines() if line.startswith("[")]
    assert len(entries) == len(set(entries)) == 5
    # The seed paper prints no title and no authors: cited by year and venue, no title invented, no "n.d.".
    assert (
        f"[(2021). In Webology (Vol. 18, Issue 2).](<{CKR}document/hanoi-industrial-clusters-2021>)"
        in entries
    )
    assert f"[Munnich et al. (1999).](<{CKR}study/munnich-et-al-1999>)" in entries
    assert "n.d." not in markdown


def test_every_statement_links_to_its_iri(markdown: str) -> None:
    q1 = section(markdown, "## [Question 1:", "## [Question 2:")
    for line in q1.splitlines():
        if line.startswith(("- ", "### ", "> ")):
            assert f"](<{CKR}" in line, line


def test_dataset_version_is_the_hash_of_the_store_and_changes_with_it(
    seed_dir: Path, markdown: str
) -> None:
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        version = dataset_version(store)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", version)
    assert f"Dataset version **{version}**, generated " in markdown
    extra = seed_dir.parent / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> [ <urn:x:c> 1 ] .\n", encoding="utf-8")
    assert clusterkg(seed_dir, "load", str(extra)).returncode == 0
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        changed = dataset_version(store)
    assert changed != version
    # Loading the file again relabels its blank node: the version stays.
    assert clusterkg(seed_dir, "load", str(extra), "--replace").returncode == 0
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        assert dataset_version(store) == changed


def test_dataset_version_is_remembered_until_the_next_write(seed_dir: Path) -> None:
    """The version an embedded store's content had is remembered under its write count: given again while no
    write happened (here a planted value, so it shows it was not computed again), computed anew after one."""
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        version = dataset_version(store)
        remembered = remembered_at(store)
        assert remembered is not None
        assert json.loads(remembered.read_text())["version"] == version
        planted = {**json.loads(remembered.read_text()), "version": "sha256:planted"}
        remembered.write_text(json.dumps(planted))
        assert dataset_version(store) == "sha256:planted"
    extra = seed_dir.parent / "remembered.ttl"
    extra.write_text("<urn:x:remembered> <urn:x:b> 1 .\n", encoding="utf-8")
    assert clusterkg(seed_dir, "load", str(extra)).returncode == 0
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        changed = dataset_version(store)
    assert changed not in (version, "sha256:planted")
    assert (
        clusterkg(seed_dir, "load", str(extra), "--replace").returncode == 0
    )  # the same content again
    with closing(open_store(Settings(data_dir=seed_dir))) as store:
        assert dataset_version(store) == changed


def test_a_question_part_runs_its_queries_on_its_own_items(seed_dir: Path) -> None:
    """`--question` binds the part's question, answers and cited studies into the queries: the part of
    question 1 cites none of question 2's studies (the whole report would list them all)."""
    done = clusterkg(seed_dir, "report", "--question", Q1, "--format", "md")
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0 and "Question 1:" in text and "Question 2:" not in text
    references = text.split("## References", 1)[1]
    assert "Munnich" not in references and "Gordon" not in references
    assert "(Porter, 1990)" in text  # evidence of question 1's state-budget recommendation


def test_html_report_links_and_structure(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = clusterkg(seed_dir, "report", "--format", "html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<h2 id="question-hanoi-2021-q1">' in html
    assert html.count('<p class="own-analysis">') == 3
    for rec in RECOMMENDATIONS:
        assert f'<a href="{rec}">' in html
    assert f'<a href="{CKR}study/porter-1990">(Porter, 1990)</a>' in html


def test_docx_report_text_and_hyperlinks(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    done = clusterkg(seed_dir, "report", "--format", "docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Question 1: What are recommendations for industrial clusters (IC) to grow in future?"
        in text
    )
    assert text.count("Rests on the paper's own analysis: no study it cites supports it.") == 3
    assert "(Munnich et al., 1999)" in text and "Munnich et al. (1999)." in text
    targets = {
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK
    }
    assert set(RECOMMENDATIONS) | {Q1, Q2, f"{CKR}study/porter-1990"} <= targets


def test_one_question_and_another_style(seed_dir: Path, tmp_path: Path) -> None:
    harvard = (
        Path(sys.modules["citeproc"].__file__).parent
        / "data"
        / "styles"
        / "harvard-cite-them-right.csl"
    )  # type: ignore[arg-type]
    done = clusterkg(
        seed_dir, "report", "--question", Q2, "--style", str(harvard), "--format", "md"
    )
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0 and "Question 2:" in text and "Question 1:" not in text
    assert "(Munnich et al., 1999)" in text  # Harvard's in-text form, no "&" for Gordon and McCann
    assert "(Gordon and McCann, 2000)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--question", f"{CKR}rq/none", "--format", "md"], "no research question"),
        (["--format", "docx"], "--format docx needs -o FILE"),
        (["--format", "md", "--style", "README.md"], "not a CSL style file"),
    ],
)
def test_user_errors_are_one_line_exit_2(seed_dir: Path, args: list[str], message: str) -> None:
    done = clusterkg(seed_dir, "report", *args)
    assert done.returncode == 2 and message in done.stderr.decode("utf-8")
    assert b"Traceback" not in done.stderr


def test_empty_store_is_refused(tmp_path: Path) -> None:
    done = clusterkg(tmp_path / "empty", "report", "--format", "md")
    assert done.returncode == 2 and "store is empty" in done.stderr.decode("utf-8")


def test_synthesis_example_report_marks_disputes_and_fills_the_matrix(
    synthesis_store: Store,
) -> None:
    report = gather(synthesis_store, load_report_library(Settings()))
    text = render(report, "md").decode("utf-8")
    matrix = section(text, "## Synthesis matrix", "## Limitations")
    assert "| Theme | Study | Stance | Claim |" in matrix
    assert "Hub firms broker knowledge among cluster SMEs" in matrix and "disputes" in matrix
    assert "example-beta-hub-firms-keep-know-how" in matrix


def test_citations_leave_out_what_is_not_stated() -> None:
    rows = [
        {"study": "urn:s:1", "year": "2005", "titleNotStated": "true", "creatorNotStated": "true"},
        {
            "study": "urn:s:2",
            "title": "Clusters",
            "position": "1",
            "family": "Ketels",
            "printed": "Ketels, Christian",
            "authorListComplete": "true",
        },
    ]
    items = {item["id"]: item for item in csl_items(rows)}
    assert "title" not in items["urn:s:1"] and "author" not in items["urn:s:1"]
    assert items["urn:s:2"]["author"] == [{"family": "Ketels", "given": "Christian"}]
    citer = Citer(rows, ["urn:s:1", "urn:s:2"], APA)
    assert citer.cite("urn:s:1") == "(2005)" and citer.cite("urn:s:2") == "(Ketels, n.d.)"
    assert dict(citer.bibliography())["urn:s:2"] == "Ketels, C. (n.d.). Clusters."
