"""The `clusterkg ingest` verb: a thin wrapper over `kg.sources.ingest.ingest`.

Registered on the `clusterkg` group (kg/cli.py), which prints user errors as one line and exits 2.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from kg.config import Settings
from kg.errors import UserError, display_path
from kg.manifest import read_manifest
from kg.progress import steps
from kg.sources.base import expand_term
from kg.sources.ingest import SOURCES, ingest
from kg.store import open_store
from kg.texts.registry import add_text, text_graph

EXIT_FAILED = 1  # the batch was checked and failed (quotes, SHACL violations): nothing was written


@click.command("ingest")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--kind", type=click.Choice(list(SOURCES)), help="Input kind; default: from the file extension."
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Named graph (IRI or CURIE); default ckgraph:source/<file-name>, e.g. source/review-bib.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the graph even if another file (or another command) filled it.",
)
@click.option(
    "--dry-run", is_flag=True, help="Parse, check quotes and validate, but write nothing."
)
@click.pass_obj
def ingest_command(
    settings: Settings,
    file: Path,
    kind: str | None,
    graph: str | None,
    replace: bool,
    dry_run: bool,
) -> None:
    """Add a BibTeX, CSL-JSON, RIS, evidence-table CSV or Turtle FILE to the store as its own named graph.

    The batch is written only if its quotes are found in their source texts and it passes SHACL
    validation together with what the store already holds; otherwise the store is left as it was.
    Ingesting the same file again replaces its graph; a graph another file filled is refused unless
    --replace is given.
    """
    try:
        graph_iri = expand_term(graph) if graph else None
    except ValueError as exc:
        raise UserError(f"bad --graph: {exc}") from None
    with closing(open_store(settings)) as store, steps("ingest", 1) as advance:
        advance(display_path(file))
        result = ingest(file, kind, graph_iri, store, settings, dry_run, replace)
    for check in result.quotes.failures:
        click.echo(check.line(), err=True)
    if result.validation.fails("violation"):
        click.echo(result.validation.text(), err=True, nl=False)
    click.echo(result.summary())
    if not result.ok:
        raise click.exceptions.Exit(EXIT_FAILED)


# --- `clusterkg sources add-text` (full texts, issue 9 §4); the registry's own verbs live beside it ---


@click.group("sources")
def sources_group() -> None:
    """The sources in the store, and the full texts of source documents."""


@sources_group.command("add-text")
@click.argument("document")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def add_text_command(settings: Settings, document: str, file: Path) -> None:
    """Register FILE (plain text, PDF or HTML) as the full text of DOCUMENT (IRI or CURIE).

    The text is extracted and cached first; a file that cannot be read (an encrypted, scanned or
    truncated PDF) is refused with one line and the store is left as it was. Quotes of DOCUMENT are
    then checked against it by `clusterkg ingest` and shown in context by the pages.
    """
    try:
        iri = expand_term(document)
    except ValueError as exc:
        raise UserError(f"bad DOCUMENT: {exc}") from None
    manifest = read_manifest(settings.sources_manifest)
    with closing(open_store(settings)) as store:
        source = add_text(store, manifest.text_files, iri, file, settings.text_cache_dir)
    pages = f", {len(source.pages)} pages" if source.kind == "pdf" else ""
    click.echo(
        f"{file.name}: {source.kind}{pages}, {len(source.text)} characters, sha256 "
        f"{source.sha256[:12]}…; the full text of <{iri}> (graph <{text_graph(iri)}>)"
    )
