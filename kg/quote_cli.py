"""The `clusterkg quote` verbs for curators: `locate` a quote in a full text (plain, PDF, HTML) and get the
selector cells to paste, `check` every quote of the build and see which normalisations each needed.

Registered on the `clusterkg` group (kg/cli.py), which prints user errors as one line and exits 2.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from rdflib import Literal

from clusterkg.kg.build import QuoteCheckError, build_dataset
from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.quotes import not_found
from clusterkg.kg.texts.anchor import Anchor, anchor
from clusterkg.kg.texts.load import load_text
from clusterkg.kg.texts.match import Matcher

CSV_COLUMNS = ("quote_exact", "quote_prefix", "quote_suffix")


@click.group("quote")
def quote_group() -> None:
    """Find quotes in full texts and check the build's quotes."""


@quote_group.command("locate")
@click.argument("text_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("quote")
@click.option("--prefix", default="", help="Text just before the quote, to pick one occurrence.")
@click.option("--suffix", default="", help="Text just after the quote, to pick one occurrence.")
@click.pass_obj
def locate(settings: Settings, text_file: Path, quote: str, prefix: str, suffix: str) -> None:
    """Find QUOTE in TEXT_FILE; print the passage, the shortest oa:prefix/oa:suffix that make it unique,
    and the cells for Turtle and an evidence-table CSV. A quote not found exits 2 with the nearest passage."""
    source = load_text(text_file, settings.text_cache_dir)
    matcher = Matcher(source)
    if not quote.strip():
        raise UserError("the quote is empty", text_file)
    if not matcher.find(quote):
        raise UserError(f"quote {not_found(matcher, quote)}", text_file)
    found = matcher.find(quote, prefix, suffix)
    if not found:
        raise UserError("quote found, but not with the given --prefix/--suffix", text_file)
    for number, occurrence in enumerate(found, 1):
        if len(found) > 1:
            click.echo(f"occurrence {number} of {len(found)}:")
        click.echo(_report(anchor(matcher, occurrence), source.position(occurrence.start)))


def _report(located: Anchor, position: str) -> str:
    found = located.found
    needed = ", ".join(found.normalisations) or "none beyond whitespace"
    lines = [
        f"found: {position}, characters {found.start}-{found.end}; normalised: {needed}",
        f"passage: {located.exact}",
        f"prefix: {located.prefix!r}" if located.prefix else "prefix: (none needed)",
        f"suffix: {located.suffix!r}" if located.suffix else "suffix: (none needed)",
    ]
    if not located.unique:
        lines.append("warning: no prefix/suffix of a few words tells this occurrence apart")
    lines += ["", "Turtle (inside the oa:TextQuoteSelector):"]
    cells = [
        ("oa:exact", located.exact),
        ("oa:prefix", located.prefix),
        ("oa:suffix", located.suffix),
    ]
    lines += [f"    {name} {Literal(value).n3()} ;" for name, value in cells if value]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow([located.exact, located.prefix, located.suffix])
    lines += ["", "CSV (evidence table):", out.getvalue().rstrip("\n"), ""]
    return "\n".join(lines)


@quote_group.command("check")
@click.option("--strict", is_flag=True, help="A quote whose source text is missing fails too.")
@click.pass_obj
def check(settings: Settings, strict: bool) -> None:
    """Check every quote of the build's sources: one line per quote, with the normalisations it needed."""
    try:
        report = build_dataset(settings, strict=strict, reasoning=False).quotes
    except QuoteCheckError as exc:
        report = exc.report
    for item in report.checks:
        click.echo(item.line())
    click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)
