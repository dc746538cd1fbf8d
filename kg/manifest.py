"""Read the sources manifest: which data files make up which named graph, and where each source text lives
(plain text, PDF or HTML: `kg.texts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from clusterkg.kg.config import PROJECT_ROOT, WORKSPACE_FILE
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.texts.load import FORMATS as TEXT_FORMATS


@dataclass(frozen=True)
class Source:
    """One named graph of the build: its IRI, its data files, and the documents it describes."""

    graph: URIRef
    data_files: tuple[Path, ...]
    documents: tuple[URIRef, ...]
    description: Graph  # the manifest's own triples about this source and its documents


@dataclass(frozen=True)
class Manifest:
    """Every source of the build, and the text file of each source document that has one."""

    path: Path
    sources: tuple[Source, ...]
    text_files: dict[URIRef, Path]


def read_manifest(path: Path, project_root: Path | None = None) -> Manifest:
    """Parse the manifest. `ckg:dataFile` is relative to the manifest's folder, `ckg:textFile` to the project
    root: the manifest's folder in a review workspace (a `clusterkg.toml` beside it), else the checkout."""
    workspace = path.parent if (path.parent / WORKSPACE_FILE).is_file() else None
    project_root = project_root or workspace or PROJECT_ROOT
    graph = parse_graph(path)
    sources = []
    for node in sorted(graph.subjects(RDF.type, CKG.SourceGraph)):
        if not isinstance(node, URIRef):
            raise UserError(
                "a ckg:SourceGraph needs an IRI (its named graph), not a blank node", path
            )
        files = tuple(path.parent / str(f) for f in sorted(graph.objects(node, CKG.dataFile)))
        if not files:
            raise UserError(f"source graph <{node}> lists no ckg:dataFile", path)
        documents = tuple(
            sorted(d for d in graph.objects(node, CKG.describesDocument) if isinstance(d, URIRef))
        )
        description = Graph()
        for subject in (node, *documents):
            description += graph.triples((subject, None, None))
        sources.append(Source(node, files, documents, description))
    if (
        not sources and workspace is None
    ):  # a new review workspace may take in its literature by ingest only
        raise UserError("the sources manifest declares no ckg:SourceGraph", path)
    text_files = {
        URIRef(doc): project_root / str(text)
        for doc, text in graph.subject_objects(CKG.textFile)
        if isinstance(doc, URIRef)
    }
    for document, text_file in sorted(text_files.items()):
        if text_file.suffix.lower() not in TEXT_FORMATS:
            known = ", ".join(sorted(TEXT_FORMATS))
            raise UserError(
                f"ckg:textFile of <{document}> is {text_file.name!r}: a full text is one of {known}",
                path,
            )
    return Manifest(path, tuple(sources), text_files)
