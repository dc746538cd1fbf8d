"""The `clusterkg diff OLD NEW` verb."""

from __future__ import annotations

import click

from clusterkg.kg.ontodiff.diff import diff
from clusterkg.kg.ontodiff.sides import read_side


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown")
def diff_command(old: str, new: str, fmt: str) -> None:
    """What changed from OLD to NEW: each a Turtle file, a folder, or a git revision (HEAD~3:ontology/)."""
    changes = diff(read_side(old), read_side(new))
    click.echo(changes.markdown() if fmt == "markdown" else changes.json(), nl=False)
