"""Build the dataset: ontology + one named graph per source (+ inferred), quotes checked, then published.

`build_dataset` parses and checks everything in memory and raises UserError on the first problem, so
a failed build never touches the store; `publish` then writes the TriG/N-Quads dumps and replaces the
store's graphs one by one.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.manifest import Manifest, read_manifest
from clusterkg.kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_all
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.progress import Advance
from clusterkg.kg.quotes import QuoteReport, check_quotes
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.reason import ReasonerReport, reason, require_ok
from clusterkg.kg.store.base import Store

DUMP_NAME = "clusterkg"
DUMP_FORMATS = {"trig": "trig", "nquads": "nq"}


@dataclass
class BuildResult:
    """A built dataset with what was checked on the way and where it was written."""

    dataset: Dataset
    quotes: QuoteReport
    manifest: Manifest
    reasoner: ReasonerReport | None = None  # None when built without reasoning
    files: list[Path] = field(default_factory=list)  # the dumps, once published

    @property
    def counts(self) -> dict[URIRef, int]:
        """Triples per named graph."""
        return {g.identifier: len(g) for g in self.dataset.graphs() if len(g)}  # type: ignore[misc]


class QuoteCheckError(UserError):
    """Quotes that do not match their source text: one line per failed quote."""

    def __init__(self, report: QuoteReport) -> None:
        super().__init__("\n".join(check.line() for check in report.failures))
        self.report = report


def build_dataset(
    settings: Settings,
    strict: bool = False,
    reasoning: bool = True,
    progress: Advance = lambda step: None,
) -> BuildResult:
    """Parse the ontology and every source, check the quotes and (by default) reason; nothing is written.
    `progress` hears of each source and of the reasoner as they start (`kg.progress.steps`).

    Raises UserError for broken input (`file:line: cause`), QuoteCheckError for quotes that fail (with
    `strict`, also for source texts that are missing), and UserError when HermiT finds the ontology and
    data inconsistent or a class unsatisfiable.
    """
    ontology = load_ontology(settings.ontology_dir, settings.ontology_extensions)
    manifest = read_manifest(settings.sources_manifest)
    dataset = Dataset(default_union=True)
    bind_all(dataset)
    ontology_graph = dataset.graph(ONTOLOGY_GRAPH)
    ontology_graph += ontology
    report = QuoteReport(strict=strict)
    for source in manifest.sources:
        progress(f"source {source.graph}")
        files = {path: parse_graph(path) for path in source.data_files}
        graph = dataset.graph(source.graph)
        graph += source.description
        for triples in files.values():
            graph += triples
        report.checks += check_quotes(
            graph, manifest.text_files, strict, files, settings.text_cache_dir
        ).checks
    if not report.ok:
        raise QuoteCheckError(report)
    result = BuildResult(dataset, report, manifest)
    if reasoning:
        progress("reasoner")
        result.reasoner = require_ok(reason(ontology, data_graph(dataset)))
        inferred = dataset.graph(INFERRED_GRAPH)
        inferred += result.reasoner.inferred
    return result


def data_graph(dataset: Dataset) -> Graph:
    """Every source graph merged: the dataset without its ontology and inferred graphs."""
    merged = Graph()
    for graph in dataset.graphs():
        if graph.identifier not in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
            merged += graph
    return merged


def write_dumps(dataset: Dataset, build_dir: Path) -> list[Path]:
    """`clusterkg.trig` and `clusterkg.nq` in `build_dir`, each replaced atomically."""
    build_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, suffix in DUMP_FORMATS.items():
        target = build_dir / f"{DUMP_NAME}.{suffix}"
        handle, tmp = tempfile.mkstemp(dir=build_dir, prefix=f".{target.name}.")
        os.close(handle)
        try:
            dataset.serialize(destination=tmp, format=fmt, encoding="utf-8")
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        written.append(target)
    return written


def load_into(store: Store, dataset: Dataset) -> None:
    """Replace the store's copy of every named graph of `dataset`, all in one transaction."""
    store.replace_graphs(
        [
            (URIRef(g.identifier), g)
            for g in sorted(dataset.graphs(), key=lambda g: str(g.identifier))
            if len(g)
        ]
    )


def publish(result: BuildResult, settings: Settings, store: Store) -> list[Path]:
    """Write the dumps to `settings.build_dir` and load the dataset into `store`."""
    result.files = write_dumps(result.dataset, settings.build_dir)
    load_into(store, result.dataset)
    return result.files
