"""The `clusterkg` command line: thin verbs over the library, following the data flow (build, validate,
reason, load, dump, query, stats, push, serve, ingest). User errors print one line each and exit 2."""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from tomllib import TOMLDecodeError

import click
from rdflib import Dataset, URIRef

from clusterkg.kg.build import BuildResult, build_dataset, data_graph, publish
from clusterkg.kg.config import EXAMPLE_MANIFEST, WORKSPACE_FILE, Settings, load_settings
from clusterkg.kg.display import short
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.explain import explain_report
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import CKGRAPH, INFERRED_GRAPH
from clusterkg.kg.ontodiff.cli import diff_command
from clusterkg.kg.ontolint.cli import lint_command
from clusterkg.kg.ontology import load_ontology, ontology_files
from clusterkg.kg.overrides import OVERRIDES_GRAPH, record_override
from clusterkg.kg.progress import Advance, steps
from clusterkg.kg.queries import NamedQuery, adhoc_query, load_query, own_query
from clusterkg.kg.quote_cli import quote_group
from clusterkg.kg.rdfio import parse_into, read_dataset
from clusterkg.kg.reason import REASONERS
from clusterkg.kg.reason import reason as run_reasoner
from clusterkg.kg.report.cli import report_command
from clusterkg.kg.search.cli import search_index_command
from clusterkg.kg.sources.base import expand_term, slugify
from clusterkg.kg.sources.cli import ingest_command, reconcile_group, sources_group
from clusterkg.kg.store import BACKENDS, open_store
from clusterkg.kg.store.base import QueryResult, Store, StoreError
from clusterkg.kg.store.push import push as push_dataset
from clusterkg.kg.store.reads import is_empty
from clusterkg.kg.turtle_lines import SourceMap
from clusterkg.kg.validate import ValidationReport, validate_dataset, validate_files, validate_store
from clusterkg.kg.workspace import init_workspace

EXIT_FAILED = 1  # the check ran and found problems (violations, inconsistency)
EXIT_ERROR = 2  # the input or setup is wrong (and click's own usage errors)
SELECT_MEDIA = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
}
GRAPH_MEDIA = {
    "table": "text/turtle",
    "turtle": "text/turtle",
    "json": "application/ld+json",
    "ntriples": "application/n-triples",
    "xml": "application/rdf+xml",
}


class CLI(click.Group):
    """A click group that turns user errors into one line per problem on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (UserError, StoreError) as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(line, err=True)
            raise click.exceptions.Exit(EXIT_ERROR) from None


@click.group(cls=CLI)
@click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False), help="TOML settings file."
)
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Default .clusterkg"
)
@click.option("--store", type=click.Choice(list(BACKENDS)), help="Store backend.")
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The review workspace to use. Default: the nearest folder upward with a clusterkg.toml.",
)
@click.pass_context
def main(
    ctx: click.Context,
    config: Path | None,
    data_dir: Path | None,
    store: str | None,
    project: Path | None,
) -> None:
    """ClusterKG: a validated, queryable knowledge graph of the literature on industrial clusters."""
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals are SHACL's to report
    if project is not None and not (project / WORKSPACE_FILE).is_file():
        raise UserError(
            f"no {WORKSPACE_FILE} here: make a workspace with `clusterkg init`", project
        )
    try:
        settings = load_settings(config, project=project)
    except FileNotFoundError as exc:
        raise UserError("config file not found", exc.filename) from None
    except TOMLDecodeError as exc:
        raise UserError(f"bad TOML: {exc}", config) from None
    except ValueError as exc:  # unknown settings; the message names the file
        raise UserError(str(exc)) from None
    ctx.obj = settings.with_overrides(data_dir=data_dir, store=store)


def _settings() -> Settings:
    return click.get_current_context().obj


@contextmanager
def _open_store(settings: Settings) -> Iterator[Store]:
    with closing(open_store(settings)) as store:
        yield store


def _sources(settings: Settings) -> int:
    """How many sources the manifest lists: a build's progress shows a step for each."""
    return len(read_manifest(settings.sources_manifest).sources)


def _ready(store: Store, settings: Settings) -> Store:
    """`store`, built first when it holds nothing (always so for the memory store)."""
    if not is_empty(store):
        return store
    if store.query(own_query("named-graphs-hold-data").bind()).boolean:
        raise UserError(
            f"the {store.name} store's default graph is empty but its named graphs hold data: the server "
            "must answer queries over the union of its named graphs (Oxigraph: serve with "
            "--union-default-graph; Fuseki: tdb2:unionDefaultGraph true)"
        )
    click.echo(f"the {store.name} store is empty: building it first", err=True)
    with steps("build", _sources(settings) + 3) as advance:
        result, report = _checked_build(settings, strict=False, progress=advance)
        advance("store")
        publish(result, settings, store)
    click.echo("\n".join(_summary(result, report, store)), err=True)
    return store


def _checked_build(
    settings: Settings, strict: bool, progress: Advance
) -> tuple[BuildResult, ValidationReport]:
    """Build and validate; warn about unchecked quotes; with `strict`, stop (exit 1) on violations."""
    result = build_dataset(settings, strict=strict, progress=progress)
    progress("validation")
    report = validate_dataset(result.dataset, settings)
    for path in result.quotes.missing_texts():
        click.echo(
            f"warning: {display_path(path)}: source text not found; its quotes were not checked",
            err=True,
        )
    if result.quotes.missing_texts() and settings.sources_manifest == EXAMPLE_MANIFEST:
        click.echo(
            "note: the built-in example's full text (the seed paper) is not included in ClusterKG; "
            "`clusterkg init --with-example DIR` makes a workspace whose texts/ folder takes it",
            err=True,
        )
    if strict and report.fails("violation"):
        click.echo(report.text(), err=True, nl=False)
        raise click.exceptions.Exit(EXIT_FAILED)
    return result, report


@main.command()
@click.option(
    "--strict", is_flag=True, help="Fail on missing source texts and on SHACL violations (CI)."
)
def build(strict: bool) -> None:
    """Build ontology + sources into one dataset, check quotes, reason, validate, write dumps, load the store.

    Everything is parsed and checked before the store is opened: a failed build changes nothing.
    """
    settings = _settings()
    with steps("build", _sources(settings) + 3) as advance:
        result, report = _checked_build(settings, strict, advance)
        advance("store")
        with _open_store(settings) as store:
            publish(result, settings, store)
            summary = _summary(result, report, store)
    click.echo("\n".join(summary))


def _summary(result: BuildResult, report: ValidationReport, store: Store) -> list[str]:
    """What a build made and found: triples per graph, quotes, reasoner, validation, files, store."""
    lines = [f"{count:>8} triples  {graph}" for graph, count in sorted(result.counts.items())]
    lines.append(result.quotes.summary())
    if result.reasoner is not None:
        lines.append(f"reasoner: {result.reasoner.message()}")
    lines.append(report.summary())
    lines.append(f"wrote {', '.join(display_path(p) for p in result.files)}")
    lines.append(f"store: {store.name}, {store.count()} quads")
    return lines


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation")
@click.option(
    "--from-store", is_flag=True, help="Validate what the store holds instead of the sources."
)
def validate(files: tuple[Path, ...], fmt: str, fail_on: str, from_store: bool) -> None:
    """Validate with SHACL and the violation queries: the built sources by default, or FILES."""
    settings = _settings()
    if files:
        report = validate_files(
            list(files),
            settings,
            load_ontology(settings.ontology_dir, settings.ontology_extensions),
        )
    elif from_store:
        with _open_store(settings) as store:
            report = validate_store(store, settings)
    else:
        with steps("validate", _sources(settings) + 1) as advance:
            dataset = build_dataset(settings, reasoning=False, progress=advance).dataset
            advance("validation")
            report = validate_dataset(dataset, settings)
    click.echo({"text": report.text, "turtle": report.turtle, "json": report.json}[fmt](), nl=False)
    if report.fails(fail_on):  # type: ignore[arg-type]
        raise click.exceptions.Exit(EXIT_FAILED)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--reasoner", type=click.Choice(list(REASONERS)), default="hermit", show_default=True)
def reason(files: tuple[Path, ...], reasoner: str) -> None:
    """Run HermiT (or Pellet): consistency, then the inferred triples as Turtle.

    With FILES (e.g. ontology/examples/*.ttl): the ontology plus those files; the store is not touched.
    Without: the ontology plus every source, and the store's inferred graph is replaced. An
    inconsistency or unsatisfiable class is explained: the statements causing it, with files and lines.
    """
    settings = _settings()
    ontology_paths = ontology_files(settings.ontology_dir, settings.ontology_extensions)
    if files:
        data_paths = list(files)
    else:
        data_paths = [
            p for s in read_manifest(settings.sources_manifest).sources for p in s.data_files
        ]
        with steps("reason", _sources(settings) + 1) as advance:
            built = data_graph(build_dataset(settings, reasoning=False, progress=advance).dataset)
            advance("reasoner")
    sources = SourceMap.read([*ontology_paths, *data_paths])
    ontology = SourceMap(sources.files[: len(ontology_paths)]).graph()
    data = SourceMap(sources.files[len(ontology_paths) :]).graph() if files else built
    report = run_reasoner(ontology, data, reasoner)
    click.echo(f"reasoner: {report.message()}", err=True)
    if not report.ok:
        for justification in explain_report(report, ontology, data):
            click.echo(justification.turtle(sources), nl=False)
        raise click.exceptions.Exit(EXIT_FAILED)
    if not files:
        with _open_store(settings) as store:
            store.replace_graph(INFERRED_GRAPH, report.inferred)
    click.echo(report.inferred.serialize(format="turtle"), nl=False)


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--sparql", "text", help="Query text instead of a file; the project's prefixes are known."
)
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"]),
    default="table",
)
def query(file: Path | None, text: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run a SPARQL query on the store: FILE.rq, a query of the library by name (`cq04-hanoi-cluster-figures`;
    the workspace's queries/ first), or --sparql TEXT."""
    if (file is None) == (text is None):
        raise click.UsageError("give either FILE or --sparql TEXT")
    settings = _settings()
    named = _named_query(file, settings) if file is not None else adhoc_query(text or "")
    sparql = named.bind(_params(named, params))
    with _open_store(settings) as store:
        _ready(store, settings)
        if fmt == "table" and named.kind in ("SELECT", "ASK"):
            click.echo(render_table(store.query(sparql)), nl=False)
            return
        media = (SELECT_MEDIA if named.kind in ("SELECT", "ASK") else GRAPH_MEDIA).get(fmt)
        if media is None:
            raise UserError(f"--format {fmt} does not fit a {named.kind} query")
        sys.stdout.buffer.write(store.query_serialized(sparql, media))
        sys.stdout.flush()


def _named_query(file: Path, settings: Settings) -> NamedQuery:
    """FILE if it exists, else the library's query of that name (the workspace's before the packaged)."""
    if file.exists() or file.parent != Path("."):
        return load_query(file)
    name = file.name.removesuffix(".rq")
    for folder in reversed(settings.query_dirs):
        if (folder / f"{name}.rq").is_file():
            return load_query(folder / f"{name}.rq")
    raise UserError("no such file, and no query of that name in the library", file)


def _params(named: NamedQuery, pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        named.param(name.strip())  # unknown names fail here, with the list of known ones
        values[name.strip()] = value
    return values


def render_table(result: QueryResult) -> str:
    """A SELECT answer as an aligned text table (prefixed names, lexical forms), or an ASK answer."""
    if result.kind == "ASK":
        return f"{str(bool(result.boolean)).lower()}\n"
    cells = [[short(row.get(v)) for v in result.variables] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


@main.command()
def stats() -> None:
    """Triples per named graph and instances per class."""
    settings = _settings()
    with _open_store(settings) as store:
        _ready(store, settings)
        click.echo("triples per graph:")
        for graph in store.graphs():
            click.echo(f"{store.count(graph):>8}  {graph}")
        click.echo(f"{store.count():>8}  (all graphs)")
        click.echo("\ninstances per class:")
        click.echo(render_table(store.query(own_query("instances-per-class").bind())), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads"]), default="trig")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout."
)
def dump(fmt: str, output: Path | None) -> None:
    """Write the whole store (named graphs kept) as TriG or N-Quads."""
    settings = _settings()
    with _open_store(settings) as store:
        _ready(store, settings)
        if output is not None:
            store.dump(output, fmt)
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"dump.{fmt}"
            store.dump(path, fmt)
            sys.stdout.buffer.write(path.read_bytes())
            sys.stdout.flush()


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--graph",
    "graph_iri",
    help="Named graph (IRI or CURIE) for triples outside any graph. Default: ckgraph:file/<file-name>",
)
@click.option(
    "--replace", is_flag=True, help="Replace the graphs the file holds instead of adding to them."
)
def load(file: Path, graph_iri: str | None, replace: bool) -> None:
    """Load a TriG, N-Quads or Turtle file into the store (all or nothing)."""
    try:
        target = expand_term(graph_iri) if graph_iri else CKGRAPH[f"file/{slugify(file.name)}"]
    except ValueError as exc:
        raise UserError(f"bad --graph: {exc}") from None
    settings = _settings()
    with _open_store(settings) as store:
        before = store.count()
        if replace:  # one transaction: every graph of the file is replaced, or none
            store.replace_graphs(
                [(URIRef(g.identifier), g) for g in read_dataset(file, target).graphs() if len(g)]
            )
        else:
            with steps("load", 1) as advance:
                advance(display_path(file))
                store.load_file(file, target)
        after = store.count()
        click.echo(
            f"loaded {after - before} new quads from {display_path(file)}; store: {after} quads"
        )


@main.command()
@click.option("--query-endpoint", help="SPARQL query endpoint of the server.")
@click.option("--update-endpoint", help="SPARQL update endpoint of the server.")
@click.option(
    "--store-endpoint", help="Graph Store Protocol endpoint of the server (faster writes)."
)
def push(
    query_endpoint: str | None, update_endpoint: str | None, store_endpoint: str | None
) -> None:
    """Copy the local store (named graphs kept) to a SPARQL server, replacing those graphs there.

    Endpoints come from these options, the config file or CLUSTERKG_* variables. The local store is
    built first if it is empty.
    """
    local = _settings()
    if local.store == "remote":
        raise UserError("push copies the local store to a server: use --store embedded or memory")
    remote = local.with_overrides(
        store="remote",
        query_endpoint=query_endpoint,
        update_endpoint=update_endpoint,
        store_endpoint=store_endpoint,
    )
    with _open_store(remote) as server:  # checks the endpoints before any work
        with _open_store(local) as store:
            _ready(store, local)
            with steps("push", 3) as advance, tempfile.TemporaryDirectory() as tmp:
                advance("reading the local store")
                path = Path(tmp) / "local.nq"
                store.dump(path, "nquads")
                dataset = parse_into(Dataset(), path)
                advance(f"sending to {remote.query_endpoint}")
                pushed = push_dataset(
                    dataset,
                    str(remote.query_endpoint),
                    str(remote.update_endpoint),
                    remote.store_endpoint,
                    remote.remote_timeout,
                    remote.remote_retries,
                    remote.remote_user,
                    remote.remote_password,
                )
                advance("counting what the server holds")
                held = server.count()
        click.echo(
            f"pushed {sum(g.sent for g in pushed)} triples in {len(pushed)} graphs to "
            f"{remote.query_endpoint}; the server holds {held} quads"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--store", "store_name", type=click.Choice(list(BACKENDS)))
@click.option("--query-endpoint", help="SPARQL query endpoint of the remote store.")
@click.option("--update-endpoint", help="SPARQL update endpoint of the remote store.")
@click.option(
    "--get", "get_path", metavar="/PATH", help="Answer one request in-process, print it, exit."
)
def serve(
    host: str,
    port: int,
    store_name: str | None,
    query_endpoint: str | None,
    update_endpoint: str | None,
    get_path: str | None,
) -> None:
    """Serve the pages and the SPARQL endpoint (building first if the store is empty)."""
    from clusterkg import web  # Flask and the pages load only for this verb

    settings = _settings().with_overrides(
        store=store_name, query_endpoint=query_endpoint, update_endpoint=update_endpoint
    )
    # Reads come from an in-memory copy of the on-disk store once it is made (see bench/RESULTS.md);
    # the server answers from disk at once, so start-up does not wait for the copy.
    store = open_store(
        settings, memory_copy=settings.serve_memory_copy and get_path is None, attach=False
    )
    try:
        _ready(store, settings)
    except BaseException:
        store.close()
        raise
    if get_path is None:
        web.run_server(settings, host, port, store=store)  # closes the store when it stops
        return
    with closing(store):
        response = web.create_app({"SETTINGS": settings}, store=store).test_client().get(get_path)
        click.echo(f"{response.status} {response.content_type}", err=True)
        sys.stdout.buffer.write(response.get_data())
        sys.stdout.flush()
    if response.status_code >= 400:
        raise click.exceptions.Exit(EXIT_FAILED)


@main.command()
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the pages into (made if missing; files of the same name are replaced).",
)
def docs(output: Path) -> None:
    """Write the ontology's documentation (the /ontology/ pages and the class diagram) as static HTML."""
    from clusterkg import web  # Flask and the pages load only for the verbs that render them
    from clusterkg.web.ontodocs import write_site
    from clusterkg.web.paging import PageError
    from clusterkg.web.services import services

    settings = _settings()
    with _open_store(settings) as store:
        _ready(store, settings)
        app = web.create_app({"SETTINGS": settings}, store=store)
        with app.test_request_context():
            try:
                written = write_site(services(), output)
            except PageError as exc:
                raise UserError(exc.message) from None
    click.echo(f"{len(written)} files written to {display_path(output)}/ (open index.html)")


@main.command()
@click.argument("item")
@click.option(
    "--level", required=True, help="The level the reviewer gives: high, moderate, low, very low."
)
@click.option("--justification", required=True, help="Why the computed rating is overridden.")
@click.option("--reviewer", required=True, help="The reviewer's name (recorded as a prov:Agent).")
def override(item: str, level: str, justification: str, reviewer: str) -> None:
    """Record a reviewer's override of the certainty rating of ITEM (a recommendation or theme IRI or CURIE).

    The override goes into its own named graph with who made it and when; the computed rating stays, and the
    pages show both.
    """
    try:
        iri = expand_term(item)
    except ValueError as exc:
        raise UserError(f"bad ITEM: {exc}") from None
    settings = _settings()
    with _open_store(settings) as store:
        made = record_override(_ready(store, settings), iri, level, justification, reviewer)
    click.echo(f"recorded {made} in <{OVERRIDES_GRAPH}>")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option(
    "--with-example", is_flag=True, help="Include the seed paper's graph as a first source."
)
def init(folder: Path, with_example: bool) -> None:
    """Create a review workspace in FOLDER: clusterkg.toml, a sources manifest, data/, texts/, queries/, an
    ontology/ module that imports the packaged ontology and a shapes/ extension."""
    written = init_workspace(folder, with_example)
    click.echo(f"created a ClusterKG workspace in {display_path(folder)} ({len(written)} files)")
    click.echo(f"next: cd {display_path(folder)} && clusterkg ingest FILE && clusterkg build")


main.add_command(ingest_command)  # the ingest verb lives with the ingesters (kg/sources/cli.py)
main.add_command(sources_group)  # `sources add-text` (kg/sources/cli.py)
main.add_command(quote_group)  # `quote locate|check` (kg/quote_cli.py)
main.add_command(reconcile_group)  # `reconcile list|show|accept|reject` (kg/sources/cli.py)
main.add_command(report_command)  # `report` (kg/report/cli.py)
main.add_command(lint_command)  # `lint` (kg/ontolint/cli.py)
main.add_command(diff_command)  # `diff` (kg/ontodiff/cli.py)
main.add_command(search_index_command)  # `search-index` (kg/search/cli.py)
