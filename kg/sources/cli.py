"""The `clusterkg ingest` verb: a thin wrapper over `kg.sources.ingest.ingest`.

Registered on the `clusterkg` group (kg/cli.py), which prints user errors as one line and exits 2.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from kg.config import Settings
from kg.errors import UserError
from kg.sources.base import expand_term
from kg.sources.ingest import SOURCES, ingest
from kg.store import open_store

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
    with closing(open_store(settings)) as store:
        result = ingest(file, kind, graph_iri, store, settings, dry_run, replace)
    for check in result.quotes.failures:
        click.echo(check.line(), err=True)
    if result.validation.fails("violation"):
        click.echo(result.validation.text(), err=True, nl=False)
    click.echo(result.summary())
    if not result.ok:
        raise click.exceptions.Exit(EXIT_FAILED)
