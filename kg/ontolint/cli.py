"""The `clusterkg lint` verb: gather what lint reads from the settings, run the checks, print, exit 1 on failure."""

from __future__ import annotations

from pathlib import Path

import click

from clusterkg.kg.build import build_dataset, data_graph
from clusterkg.kg.config import Settings
from clusterkg.kg.ontolint.inputs import LintInput
from clusterkg.kg.ontolint.lint import LEVELS, lint, load_lint_checks
from clusterkg.kg.ontology import ontology_files
from clusterkg.kg.turtle_lines import SourceMap

LINT_CHECKS = "checks/ontology"


def lint_input(settings: Settings, data: bool = True) -> LintInput:
    """The project's ontology and shape files, meta-shapes, built data (without reasoning) and query files."""
    shapes_dir = settings.ontology_dir / "shapes"
    shape_files = [
        *sorted(shapes_dir.glob("*.ttl")),
        *(p for ext in settings.shapes_extensions for p in sorted(ext.glob("*.ttl"))),
    ]
    meta = SourceMap.read(sorted((shapes_dir / "meta").glob("*.ttl"))).graph()
    built = data_graph(build_dataset(settings, reasoning=False).dataset) if data else None
    return LintInput(
        ontology=SourceMap.read(
            ontology_files(settings.ontology_dir, settings.ontology_extensions)
        ),
        shapes=SourceMap.read(shape_files),
        meta_shapes=meta,
        data=built if built is not None else SourceMap().graph(),
        queries=query_files(settings),
    )


def query_files(settings: Settings) -> list[Path]:
    """Every `.rq` under the query folders (the library and a workspace's), lint's own checks aside."""
    own = (settings.queries_dir / LINT_CHECKS).resolve()
    return [
        path
        for folder in settings.query_dirs
        for path in sorted(folder.rglob("*.rq"))
        if own not in path.resolve().parents
    ]


@click.command("lint")
@click.option("--fail-on", type=click.Choice(LEVELS), default="error", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table")
@click.pass_obj
def lint_command(settings: Settings, fail_on: str, fmt: str) -> None:
    """Check the ontology, shapes, data and queries (queries/checks/ontology/*.rq and the meta-shapes)."""
    checks = load_lint_checks(settings.queries_dir / LINT_CHECKS)
    report = lint(lint_input(settings), checks)
    click.echo(report.render(fmt), nl=False)
    if report.fails(fail_on):
        raise click.exceptions.Exit(1)
