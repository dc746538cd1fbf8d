"""The `clusterkg report` verb: the synthesis of the store as HTML, Markdown or .docx."""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path

import click

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.queries import load_queries
from clusterkg.kg.report.cite import APA, Citer
from clusterkg.kg.report.gather import Report, gather
from clusterkg.kg.report.html import to_html
from clusterkg.kg.report.markdown import to_markdown
from clusterkg.kg.report.outline import outline
from clusterkg.kg.store import open_store
from clusterkg.kg.store.reads import is_empty


def load_report_library(settings: Settings) -> dict:
    """The named queries a report runs: queries/*.rq, and queries/report/*.rq as report/<name>."""
    library = {q.name: q for q in load_queries(settings.queries_dir)}
    library.update({f"report/{q.name}": q for q in load_queries(settings.queries_dir / "report")})
    return library


def render(report: Report, fmt: str, style: Path = APA) -> bytes:
    """The report in `fmt` (html, md, docx)."""
    citer = Citer(report.references, report.cited, style)
    blocks = outline(report, citer)
    if fmt == "docx":
        from clusterkg.kg.report.docx import to_docx  # python-docx, only for this format

        return to_docx(blocks)
    text = to_html(blocks, report.version) if fmt == "html" else to_markdown(blocks)
    return text.encode("utf-8")


@click.command("report")
@click.option(
    "--question",
    help="IRI of one research question: that part of the report, with its references (default: every question).",
)
@click.option(
    "--style",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A CSL style file (default: APA 7th edition).",
)
@click.option("--format", "fmt", type=click.Choice(["html", "md", "docx"]), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE (default: standard output; .docx needs -o).",
)
@click.pass_obj
def report_command(
    settings: Settings, question: str | None, style: Path | None, fmt: str, output: Path | None
) -> None:
    """The synthesis report: each research question's findings and recommendations with their evidence,
    certainty, disputes and gaps, then the synthesis matrix, the stated limitations and the bibliography."""
    with closing(open_store(settings)) as store:
        if is_empty(store):
            raise UserError(
                f"the {store.name} store is empty: run `clusterkg build` or `clusterkg ingest` first"
            )
        report = gather(store, load_report_library(settings), [question] if question else None)
    data = render(report, fmt, style or APA)
    if output is None:
        if fmt == "docx":
            raise click.UsageError("--format docx needs -o FILE")
        sys.stdout.buffer.write(data)
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} ({report.version})", err=True)
