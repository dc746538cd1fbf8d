"""Ingest one file into its own named graph: parse, mint clash-free IRIs, check quotes, validate the batch
against the store around it, and only then replace the graph in one atomic write (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from kg.config import Settings
from kg.errors import UserError, display_path
from kg.manifest import read_manifest
from kg.namespaces import CKR, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.queries import load_query
from kg.quotes import QuoteReport, check_quotes
from kg.sources.base import MintingSource, Source, default_graph_iri
from kg.sources.batch_validation import validate_batch
from kg.sources.bibtex import BibTeXSource
from kg.sources.csljson import CSLJSONSource
from kg.sources.evidence_csv import EvidenceCSVSource
from kg.sources.ris import RISSource
from kg.sources.turtle import TurtleSource
from kg.store.base import Store
from kg.texts.registry import TextFiles
from kg.validate import ValidationReport

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
DERIVED_FROM_QUERY = Path(__file__).parent.parent / "sparql" / "graph-derived-from.rq"


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did: the batch, its checks, and whether it was written."""

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

    @property
    def ok(self) -> bool:
        return self.validation.conforms and self.quotes.ok

    def summary(self) -> str:
        done = (
            "written to"
            if self.written
            else ("valid, not written to" if self.ok else "NOT written to")
        )
        return (
            f"{self.path.name}: {self.records} {self.kind} records, {self.triples} triples, "
            f"{done} <{self.graph_iri}> (held {self.previous_triples} triples before); "
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

    The graph records the file it came from (`<graph> prov:wasDerivedFrom <file:...>`): ingesting the
    same file again replaces the graph; another file is refused unless `replace` is given.
    Raises UserError (`file:line: cause`) for unreadable or broken input, for a graph the build owns and
    for a graph another file filled. Quote failures and SHACL violations come back in the result with
    `written` False; the store is then untouched, as it is on `dry_run`.
    """
    source = open_source(path, kind)
    graph_iri = graph_iri or default_graph_iri(path)
    origin = URIRef(path.resolve().as_uri())
    _check_target(graph_iri, settings, path)
    records = sum(1 for _ in source.iter_records())
    if not replace:
        _check_origin(store, graph_iri, origin, path)
    batch = _clash_free_graph(source, store, graph_iri)
    batch.add((graph_iri, PROV.wasDerivedFrom, origin))
    manifest = read_manifest(settings.sources_manifest)
    texts = TextFiles(manifest.text_files, store, settings.text_cache_dir)
    quotes = check_quotes(batch, texts, cache_dir=settings.text_cache_dir)
    validation = validate_batch(batch, store, graph_iri, settings)
    previous = store.count(graph_iri)
    written = validation.conforms and quotes.ok and not dry_run
    if written:
        store.replace_graph(graph_iri, batch)
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
    )


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
    query = load_query(DERIVED_FROM_QUERY).bind({"_graph_iri": graph_iri})
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
    """Those of `iris` that are the subject of a triple in a named graph other than `graph_iri`."""
    ordered, used = sorted(iris), set()
    for start in range(0, len(ordered), _BATCH):
        values = " ".join(i.n3() for i in ordered[start : start + _BATCH])
        result = store.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g != {graph_iri.n3()}) }}"
        )
        used |= {row["s"] for row in result.rows}
    return used
