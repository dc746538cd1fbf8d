"""Where each source document's full text lives: the manifest's `ckg:textFile`, or one added to the store
by `clusterkg sources add-text` (the named graph `ckgraph:text/<document>`), looked up when asked."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR
from clusterkg.kg.queries import own_query
from clusterkg.kg.store.base import Store
from clusterkg.kg.texts.load import load_text
from clusterkg.kg.texts.match import Matcher
from clusterkg.kg.texts.model import SourceText


def text_graph(document: URIRef) -> URIRef:
    """The named graph that holds the text file added for `document`."""
    if str(document).startswith(str(CKR)):
        return CKGRAPH[f"text/{document[len(CKR) :]}"]
    return CKGRAPH[f"text/{hashlib.sha256(str(document).encode()).hexdigest()[:16]}"]


def text_file_graph(document: URIRef, path: Path) -> Graph:
    """The triples `add-text` writes: the document's text file, as an absolute path."""
    graph = Graph()
    graph.add((document, CKG.textFile, Literal(str(path.resolve()))))
    return graph


class TextFiles(Mapping[URIRef, Path]):
    """Document -> text file: the manifest's first, then the store's (asked on each lookup, so a text
    added while `serve` runs is seen; iterating lists the manifest's only). `matcher` reads the text
    (extraction cached in `cache_dir`)."""

    def __init__(
        self, manifest: Mapping[URIRef, Path], store: Store | None, cache_dir: Path | None
    ) -> None:
        self.manifest = dict(manifest)
        self.store = store
        self.cache_dir = cache_dir
        self._matchers: dict[str, Matcher] = {}  # by the text's SHA-256: canonical forms read once

    def __getitem__(self, document: URIRef) -> Path:
        if document in self.manifest:
            return self.manifest[document]
        if self.store is not None:
            query = own_query("text-file").bind({"_document_iri": document})
            for row in self.store.query(query).rows:
                return PROJECT_ROOT / str(row["file"])  # an absolute path stays as it is
        raise KeyError(document)

    def __iter__(self) -> Iterator[URIRef]:
        return iter(self.manifest)

    def __len__(self) -> int:
        return len(self.manifest)

    def matcher(self, document: URIRef) -> Matcher | None:
        """The quote matcher over `document`'s text, or None when it has none or its file is missing."""
        path = self.get(document)
        if path is None or not path.is_file():
            return None
        source = load_text(path, self.cache_dir)
        if source.sha256 not in self._matchers:
            self._matchers[source.sha256] = Matcher(source)
        return self._matchers[source.sha256]


def add_text(
    store: Store, manifest: Mapping[URIRef, Path], document: URIRef, path: Path, cache_dir: Path
) -> SourceText:
    """Register `path` as the full text of `document` in the store (its own graph, replaced atomically),
    after extracting it: a file that cannot be read (encrypted, scanned, truncated PDF) changes nothing."""
    if document in manifest:
        raise UserError(
            f"<{document}> has its full text in the sources manifest "
            f"({display_path(manifest[document])}): change its ckg:textFile there",
            path,
        )
    source = load_text(path, cache_dir)
    store.replace_graph(text_graph(document), text_file_graph(document, path))
    return source
