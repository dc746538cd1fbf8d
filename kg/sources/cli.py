"""The `clusterkg ingest` verb: a thin wrapper over `kg.sources.ingest.ingest`."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from kg.config import Settings, load_settings
from kg.errors import UserError
from kg.sources.base import expand_term
from kg.sources.ingest import IngestResult, ingest
from kg.store import open_store
from kg.store.base import StoreError

KINDS = ("bibtex", "csv", "turtle", "ris")
EXIT_FAILED = 1  # the batch was checked and failed (quotes, SHACL violations)
EXIT_ERROR = 2  # the input or setup is wrong


@click.command("ingest")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--kind", type=click.Choice(KINDS), help="Input kind; default: from the file extension."
)
@click.option(
    "--graph", "graph", metavar="IRI", help="Named graph; default ckgraph:source/<file-stem>."
)
@click.option(
    "--dry-run", is_flag=True, help="Parse, check quotes and validate, but write nothing."
)
@click.pass_context
def ingest_command(
    ctx: click.Context, file: Path, kind: str | None, graph: str | None, dry_run: bool
) -> None:
    """Add a BibTeX, RIS, evidence-table CSV or Turtle FILE to the store as its own named graph.

    The batch is written only if its quotes check out and it passes SHACL validation against what the
    store already holds; otherwise the store is left as it was.
    """
    settings = ctx.obj if isinstance(ctx.obj, Settings) else load_settings()
    try:
        result = _run(file, kind, graph, dry_run, settings)
    except (UserError, StoreError) as exc:
        click.echo(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, err=True)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    for check in result.quotes.failures:
        click.echo(check.line(), err=True)
    if result.validation.fails("violation"):
        click.echo(result.validation.text(), err=True, nl=False)
    click.echo(result.summary())
    if not result.ok:
        raise click.exceptions.Exit(EXIT_FAILED)


def _run(
    file: Path, kind: str | None, graph: str | None, dry_run: bool, settings: Settings
) -> IngestResult:
    try:
        graph_iri = expand_term(graph) if graph else None
    except ValueError as exc:
        raise UserError(f"bad --graph: {exc}") from None
    with closing(open_store(settings)) as store:
        return ingest(file, kind, graph_iri, store, settings, dry_run)
