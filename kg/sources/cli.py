"""The `clusterkg ingest`, `clusterkg sources` and `clusterkg reconcile` verbs: thin wrappers over
kg.sources.ingest, kg.sources.registry and kg.reconcile.

Registered on the `clusterkg` group (kg/cli.py), which prints user errors as one line and exits 2.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import click

from clusterkg.kg.config import PACKAGED_QUERIES, Settings
from clusterkg.kg.display import short
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.progress import steps
from clusterkg.kg.reconcile.decisions import find_reconciliation, read_reconciliations
from clusterkg.kg.reconcile.review import decide, remove_source
from clusterkg.kg.reconcile.rules import Match
from clusterkg.kg.reconcile.view import side_by_side
from clusterkg.kg.sources.base import expand_term
from clusterkg.kg.sources.ingest import SOURCES, ingest
from clusterkg.kg.sources.lock import write_lock
from clusterkg.kg.sources.registry import find_source, read_sources
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store
from clusterkg.kg.texts.registry import add_text, text_graph

EXIT_FAILED = 1  # the batch was checked and failed (quotes, SHACL violations): nothing was written


@contextmanager
def _writing(settings: Settings) -> Iterator[Store]:
    """The write lock, then the store: a second writer waits here for the first to finish."""
    with (
        write_lock(settings, on_wait=lambda line: click.echo(line, err=True)),
        closing(open_store(settings)) as store,
    ):
        yield store


@contextmanager
def _reading(settings: Settings) -> Iterator[Store]:
    with closing(open_store(settings)) as store:
        yield store


def _match_line(m: Match) -> str:
    score = f", title similarity {m.similarity:.1f}" if m.similarity is not None else ""
    return f"{short(m.incoming)} ~ {short(m.canonical)}: {short(m.rule)} ({', '.join(m.fields)}{score})"


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

    Its studies are reconciled with those in the store (same DOI, ISBN, or title + year + first author:
    merged; weaker evidence: a candidate for `clusterkg reconcile`). The batch is written only if its
    quotes are found in their source texts and it passes SHACL validation together with what the store
    already holds; otherwise the store is left as it was. An unchanged file is not ingested again.
    Ingesting the same file again replaces its graph; a graph another file filled is refused unless
    --replace is given.
    """
    try:
        graph_iri = expand_term(graph) if graph else None
    except ValueError as exc:
        raise UserError(f"bad --graph: {exc}") from None
    with _writing(settings) as store, steps("ingest", 1) as advance:
        advance(display_path(file))
        result = ingest(file, kind, graph_iri, store, settings, dry_run, replace)
    for check in result.quotes.failures:
        click.echo(check.line(), err=True)
    if result.validation.fails("violation"):
        click.echo(result.validation.text(), err=True, nl=False)
    if result.changes is not None and result.written:
        click.echo("\n".join(result.changes.lines()))
    for m in result.merges:
        click.echo(f"merged {_match_line(m)}")
    for m in result.duplicates:
        click.echo(f"merged (the same study twice in the file) {_match_line(m)}")
    for m in result.candidates:
        click.echo(f"candidate {_match_line(m)}")
    if result.candidates:
        click.echo("review them with `clusterkg reconcile list`")
    click.echo(result.summary())
    if not result.ok:
        raise click.exceptions.Exit(EXIT_FAILED)


@click.group("sources")
def sources_group() -> None:
    """The registry of ingested sources (list, show, remove), and the full texts of source documents."""


@sources_group.command("list")
@click.pass_obj
def sources_list(settings: Settings) -> None:
    """Every ingested source: graph, file, kind, records, size, SHA-256, when."""
    with _reading(settings) as store:
        entries = read_sources(store, PACKAGED_QUERIES)
    for s in entries:
        click.echo(
            f"{s.name}  {s.file_name}  {s.kind}  {s.records} records  {s.size} bytes  "
            f"sha256 {s.sha256[:12]}  {s.time}"
        )
    click.echo(f"({len(entries)} source{'s' if len(entries) != 1 else ''})")


@sources_group.command("show")
@click.argument("source")
@click.pass_obj
def sources_show(settings: Settings, source: str) -> None:
    """One source's provenance, triple count and reconciliations (SOURCE: its name, graph or file name)."""
    with _reading(settings) as store:
        s = find_source(store, PACKAGED_QUERIES, source)
        triples = store.count(s.graph)
        related = [r for r in read_reconciliations(store, PACKAGED_QUERIES) if r.source == s.graph]
    for label, value in (
        ("graph", s.graph),
        ("activity", s.ingest),
        ("file", s.file_name),
        ("kind", s.kind),
        ("sha256", s.sha256),
        ("size", f"{s.size} bytes"),
        ("records", s.records),
        ("triples", triples),
        ("ingested", s.time),
        ("tool", s.tool_version),
    ):
        click.echo(f"{label:>9}: {value}")
    for r in related:
        click.echo(
            f"{r.status:>9}: {r.id} {short(r.incoming)} ~ {short(r.canonical)} ({short(r.rule)})"
        )


@sources_group.command("remove")
@click.argument("source")
@click.pass_obj
def sources_remove(settings: Settings, source: str) -> None:
    """Remove a source's graph, its pending candidates and the inferences about it (one write).

    Decisions a reviewer took on its records are kept, shown as dangling."""
    with _writing(settings) as store:
        s = find_source(store, PACKAGED_QUERIES, source)
        related = [r for r in read_reconciliations(store, PACKAGED_QUERIES) if r.source == s.graph]
        pending = [r.graph for r in related if r.status == "pending"]
        removed = remove_source(store, settings, s.graph, pending)
    kept = [r for r in related if r.status in ("accepted", "rejected")]
    click.echo(
        f"removed {s.name} ({s.file_name}): {removed} triples, {len(pending)} pending candidates; "
        f"{len(kept)} decisions kept (now dangling)"
    )


@click.group("reconcile")
def reconcile_group() -> None:
    """Review candidate matches between studies: list, show, accept, reject."""


@reconcile_group.command("list")
@click.option("--all", "everything", is_flag=True, help="Also merges and decisions taken.")
@click.pass_obj
def reconcile_list(settings: Settings, everything: bool) -> None:
    """The candidates waiting for review (with --all, every reconciliation)."""
    with _reading(settings) as store:
        found = read_reconciliations(store, PACKAGED_QUERIES)
    shown = [r for r in found if everything or r.status == "pending"]
    for r in shown:
        score = f" similarity {r.similarity:.1f}" if r.similarity is not None else ""
        dangling = " DANGLING (source removed)" if r.dangling else ""
        click.echo(
            f"{r.id}  {r.status}  {short(r.incoming)} ~ {short(r.canonical)}  {short(r.rule)} "
            f"[{', '.join(r.fields)}]{score}{dangling}"
        )
    click.echo(f"({len(shown)} {'reconciliations' if everything else 'candidates'})")


@reconcile_group.command("show")
@click.argument("rid", metavar="ID")
@click.pass_obj
def reconcile_show(settings: Settings, rid: str) -> None:
    """One reconciliation: its evidence and both records side by side."""
    with _reading(settings) as store:
        r = find_reconciliation(store, PACKAGED_QUERIES, rid)
        rows = side_by_side(store, PACKAGED_QUERIES, r.incoming, r.canonical)
    click.echo(f"{r.id}: {r.status}, {short(r.rule)}; matched {', '.join(r.fields)}")
    if r.similarity is not None:
        click.echo(f"title similarity: {r.similarity:.1f}")
    click.echo(
        f"incoming {short(r.incoming)} from {short(r.source)}; canonical {short(r.canonical)}"
    )
    if r.decided_by:
        click.echo(f"by {r.decided_by} at {r.time}{': ' + r.note if r.note else ''}")
    if r.dangling:
        click.echo(f"dangling: the source {short(r.source)} was removed")
    for row in rows:
        click.echo(f"{row.prop}")
        click.echo(f"    incoming:  {'; '.join(row.left) or '-'}")
        click.echo(f"    canonical: {'; '.join(row.right) or '-'}")


def _decide(settings: Settings, rid: str, accept: bool, note: str, by: str | None) -> None:
    with _writing(settings) as store:
        r = decide(store, settings, rid, accept, by or getpass.getuser(), note)
    verb = "accepted: merged" if accept else "rejected: kept apart"
    click.echo(f"{r.id} {verb} {short(r.incoming)} and {short(r.canonical)}")


@reconcile_group.command("accept")
@click.argument("rid", metavar="ID")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.option("--by", help="Who decides; default: the user name.")
@click.pass_obj
def reconcile_accept(settings: Settings, rid: str, note: str, by: str | None) -> None:
    """Merge the candidate's incoming record into the canonical study."""
    _decide(settings, rid, True, note, by)


@reconcile_group.command("reject")
@click.argument("rid", metavar="ID")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.option("--by", help="Who decides; default: the user name.")
@click.pass_obj
def reconcile_reject(settings: Settings, rid: str, note: str, by: str | None) -> None:
    """Keep the two records apart; the pair is not proposed again."""
    _decide(settings, rid, False, note, by)


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
    with _writing(settings) as store:
        source = add_text(store, manifest.text_files, iri, file, settings.text_cache_dir)
    pages = f", {len(source.pages)} pages" if source.kind == "pdf" else ""
    click.echo(
        f"{file.name}: {source.kind}{pages}, {len(source.text)} characters, sha256 "
        f"{source.sha256[:12]}…; the full text of <{iri}> (graph <{text_graph(iri)}>)"
    )
