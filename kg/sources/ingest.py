"""Ingest one file into its own named graph: parse, mint clash-free IRIs, check quotes, validate the batch
against the store around it, and only then replace the graph in one atomic write (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from clusterkg.kg.config import PACKAGED_QUERIES, Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import CKR, INFERRED_GRAPH, ONTOLOGY_GRAPH
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.queries import own_query
from clusterkg.kg.quotes import QuoteReport, check_quotes
from clusterkg.kg.reconcile.batch import reconcile_batch
from clusterkg.kg.reconcile.rules import Match
from clusterkg.kg.sources.base import MintingSource, Source, default_graph_iri
from clusterkg.kg.sources.batch_validation import validate_batch
from clusterkg.kg.sources.bibtex import BibTeXSource
from clusterkg.kg.sources.csljson import CSLJSONSource
from clusterkg.kg.sources.evidence_csv import EvidenceCSVSource
from clusterkg.kg.sources.inference import inferred_after
from clusterkg.kg.sources.registry import (
    Changes,
    activity,
    changes,
    file_facts,
    graph_content,
    registered,
)
from clusterkg.kg.sources.ris import RISSource
from clusterkg.kg.sources.turtle import TurtleSource
from clusterkg.kg.store.base import Store
from clusterkg.kg.texts.registry import TextFiles
from clusterkg.kg.validate import ValidationReport

# the one registry of input kinds: each source class names its kind and the file extensions that mean it
SOURCES: dict[str, type[Source]] = {
    source.kind: source
    for source in (BibTeXSource, CSLJSONSource, RISSource, EvidenceCSVSource, TurtleSource)
}
SUFFIXES = {suffix: kind for kind, source in SOURCES.items() for suffix in source.suffixes}
# IRIs an ingester mints, looked up in the other graphs: studies, persons and claims must be new; a journal
# or publisher another graph already describes is linked to, not described again
MINTED_KINDS = ("study", "person", "claim", "journal", "publisher")
_BATCH = 400  # IRIs per VALUES block


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: the batch, its checks, its reconciliation, and whether it was written."""

    path: Path
    kind: str
    graph_iri: URIRef
    records: int
    triples: int
    previous_triples: int  # triples the named graph held before
    graph: Graph  # the batch, as written (or as it would have been)
    validation: ValidationReport
    quotes: QuoteReport
    written: bool
    unchanged_since: str | None = (
        None  # the file was ingested before with the same SHA-256: nothing done
    )
    changes: Changes | None = (
        None  # what a new version of the file changes (None for a first ingest)
    )
    merges: list[Match] = field(default_factory=list)
    duplicates: list[Match] = field(default_factory=list)
    candidates: list[Match] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.validation.conforms and self.quotes.ok

    def summary(self) -> str:
        if self.unchanged_since is not None:
            return (
                f"{self.path.name}: unchanged since its ingest at {self.unchanged_since} (same SHA-256); "
                f"nothing to do, <{self.graph_iri}> is as it was"
            )
        done = (
            "written to"
            if self.written
            else ("valid, not written to" if self.ok else "NOT written to")
        )
        return (
            f"{self.path.name}: {self.records} {self.kind} records, {self.triples} triples, "
            f"{done} <{self.graph_iri}> (held {self.previous_triples} triples before); "
            f"{len(self.merges)} merged into studies already in the store, "
            f"{len(self.duplicates)} into an earlier record of the file, "
            f"{len(self.candidates)} candidates to review; "
            f"{self.quotes.summary()}; {self.validation.summary()}"
        )


def guess_kind(path: Path) -> str:
    """The ingester kind for a file, from its extension."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise UserError(
            f"cannot tell the kind of file {path.suffix or '(none)'!r}; use --kind (files: {known})",
            path,
        )
    return kind


def open_source(path: Path, kind: str | None = None) -> Source:
    """The ingester for `path` (kind from the extension unless given)."""
    kind = kind or guess_kind(path)
    if kind not in SOURCES:
        raise UserError(f"unknown kind {kind!r}; expected one of {', '.join(SOURCES)}", path)
    return SOURCES[kind](path)


def ingest(
    path: Path,
    kind: str | None,
    graph_iri: URIRef | None,
    store: Store,
    settings: Settings,
    dry_run: bool = False,
    replace: bool = False,
) -> IngestResult:
    """Ingest `path` into named graph `graph_iri` (default ckgraph:source/<file-name>) of `store`.

    A file already ingested with the same SHA-256 is left alone. Otherwise the records are reconciled with
    the studies in the store (kg.reconcile), the ingest is registered as a prov:Activity in the graph, and
    the graph, the candidates for review and the inferred graph are written in one atomic write.
    The graph records the file it came from (`<graph> prov:wasDerivedFrom <file:...>`): the same file
    ingested again replaces the graph; another file is refused unless `replace` is given.
    Raises UserError (`file:line: cause`) for unreadable or broken input, for a graph the build owns and
    for a graph another file filled.
    Quote failures and SHACL violations come back in the result with `written` False; the store is
    then untouched, as it is on `dry_run`. Callers that write hold `kg.sources.lock.write_lock`.
    """
    source = open_source(path, kind)
    graph_iri = graph_iri or default_graph_iri(path)
    origin = URIRef(path.resolve().as_uri())
    _check_target(graph_iri, settings, path)
    records = sum(
        1 for _ in source.iter_records()
    )  # a broken file fails here, before anything else
    if not replace:
        _check_origin(store, graph_iri, origin, path)
    facts = file_facts(path)
    before = registered(store, PACKAGED_QUERIES, graph_iri)
    previous = store.count(graph_iri)
    if before is not None and before.sha256 == facts.sha256:
        return IngestResult(
            path,
            source.kind,
            graph_iri,
            records,
            previous,
            previous,
            Graph(),
            ValidationReport(),
            QuoteReport(),
            False,
            unchanged_since=before.time,
        )
    batch = _clash_free_graph(source, store, graph_iri)
    old = graph_content(store, graph_iri)
    old_studies = {s for s in old.subjects(RDF.type, None) if isinstance(s, URIRef)}
    replaced = old_studies - _used_elsewhere(store, old_studies, graph_iri)
    reconciled = reconcile_batch(batch, store, PACKAGED_QUERIES, graph_iri, replaced)
    batch = reconciled.graph
    batch += activity(graph_iri, facts, source.kind, records, datetime.now(UTC))
    batch.add((graph_iri, PROV.wasDerivedFrom, origin))
    manifest = read_manifest(settings.sources_manifest)
    texts = TextFiles(manifest.text_files, store, settings.text_cache_dir)
    quotes = check_quotes(batch, texts, cache_dir=settings.text_cache_dir)
    merged_into = {m.canonical for m in reconciled.merges}
    checked = validate_batch(batch, store, graph_iri, settings, existing=merged_into)
    validation = checked.report
    written = validation.conforms and quotes.ok and not dry_run
    if written:
        ontology = load_ontology(settings.ontology_dir)
        inferred = inferred_after(
            store, PACKAGED_QUERIES, ontology, graph_iri, old, batch, around=checked.around
        )
        store.replace_graphs(
            [
                *_ontology_if_missing(store, settings),
                (graph_iri, batch),
                (INFERRED_GRAPH, inferred),
                *reconciled.writes,
            ]
        )
    return IngestResult(
        path,
        source.kind,
        graph_iri,
        records,
        len(batch),
        previous,
        batch,
        validation,
        quotes,
        written,
        changes=changes(old, batch) if before is not None else None,
        merges=reconciled.merges,
        duplicates=reconciled.duplicates,
        candidates=reconciled.candidates,
    )


def _ontology_if_missing(store: Store, settings: Settings) -> list[tuple[URIRef, Graph]]:
    """The ontology graph, as `clusterkg build` writes it, for a store that has none (a fresh store whose
    first content is an ingest): its pages, queries and report need the ontology's labels and classes."""
    if store.count(ONTOLOGY_GRAPH):
        return []
    return [(ONTOLOGY_GRAPH, load_ontology(settings.ontology_dir, settings.ontology_extensions))]


def _check_target(graph_iri: URIRef, settings: Settings, path: Path) -> None:
    """Refuse to overwrite a graph that `clusterkg build` owns (ontology, inferred, manifest sources)."""
    owned = {ONTOLOGY_GRAPH, INFERRED_GRAPH} | {
        s.graph for s in read_manifest(settings.sources_manifest).sources
    }
    if graph_iri in owned:
        raise UserError(
            f"graph <{graph_iri}> is written by `clusterkg build`; choose another --graph", path
        )


def _check_origin(store: Store, graph_iri: URIRef, origin: URIRef, path: Path) -> None:
    """Refuse to replace a graph holding triples that did not come from the file at `origin`."""
    held = store.count(graph_iri)
    if not held:
        return
    query = own_query("graph-derived-from").bind({"_graph_iri": graph_iri})
    files = [row["file"] for row in store.query(query).rows]
    if files == [origin]:
        return
    came = (
        f"from {display_path(url2pathname(urlparse(str(files[0])).path))}"
        if files
        else "that no ingested file recorded"
    )
    raise UserError(
        f"graph <{graph_iri}> already holds {held} triples {came}; nothing was written: "
        "give --graph IRI for a graph of its own, or --replace to replace that graph",
        path,
    )


def _clash_free_graph(source: Source, store: Store, graph_iri: URIRef) -> Graph:
    """`source.to_graph()`, re-run with the clashing IRIs marked taken until no IRI it mints (MINTED_KINDS)
    is already used by another graph: BibTeX and RIS pick the next free suffix for a study or person and
    only link to a journal or publisher described elsewhere; the evidence table refuses a used claim_id."""
    taken: set[URIRef] = set()
    while True:
        batch = source.to_graph()
        clashes = _used_elsewhere(store, _minted(batch), graph_iri) - taken
        if not clashes or not isinstance(source, MintingSource):
            return batch
        taken |= clashes
        source.taken = frozenset(taken)


def _minted(graph: Graph) -> set[URIRef]:
    prefixes = tuple(f"{CKR}{kind}/" for kind in MINTED_KINDS)
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(prefixes)}


def _used_elsewhere(store: Store, iris: Iterable[URIRef], graph_iri: URIRef) -> set[URIRef]:
    """Those of `iris` that are the subject of a triple in a named graph other than `graph_iri` (the
    graphs compared here, not in the query: see `kg/sparql/subject-graphs.rq`)."""
    query, ordered, used = own_query("subject-graphs"), sorted(iris), set()
    for start in range(0, len(ordered), _BATCH):
        result = store.query(query.bind(values={"s": ordered[start : start + _BATCH]}))
        used |= {row["s"] for row in result.rows if row["g"] not in (graph_iri, INFERRED_GRAPH)}
    return used
