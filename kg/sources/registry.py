"""The registry of sources: each ingest as a prov:Activity kept in the graph it generated (file name, SHA-256,
size, record count, time, tool version), read back, and what a new version of a file changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import BNode, Node

from clusterkg import kg
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR
from clusterkg.kg.queries import load_query, own_query
from clusterkg.kg.sources.base import expand_term, new_graph
from clusterkg.kg.store.base import Store

TOOL_VERSION = f"clusterkg {kg.__version__}"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    """What identifies the bytes of an ingested file."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class SourceEntry:
    """One registered source, as the store holds it."""

    ingest: URIRef
    graph: URIRef
    file_name: str
    kind: str
    sha256: str
    size: int
    records: int
    time: str
    tool_version: str

    @property
    def name(self) -> str:
        """The short name `clusterkg sources` shows: the graph's path under ckgraph:."""
        return str(self.graph).removeprefix(str(CKGRAPH))


@dataclass(frozen=True)
class Changes:
    """Studies and claims a new version of a source adds, removes and changes (IRIs, sorted)."""

    added: dict[str, list[URIRef]]
    removed: dict[str, list[URIRef]]
    changed: dict[str, list[URIRef]]

    def lines(self) -> list[str]:
        out = []
        for kind in ("studies", "claims"):
            counts = [
                f"{len(getattr(self, what)[kind])} {what}"
                for what in ("added", "removed", "changed")
            ]
            out.append(f"{kind}: {', '.join(counts)}")
            for what, sign in (("added", "+"), ("removed", "-"), ("changed", "~")):
                out += [f"  {sign} {iri}" for iri in getattr(self, what)[kind]]
        return out


def file_facts(path: Path) -> FileFacts:
    """Name, SHA-256 and size of the file at `path` (read in chunks)."""
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise UserError(f"cannot read the file: {exc.strerror}", path) from None
    return FileFacts(path.name, digest.hexdigest(), size)


def ingest_iri(graph: URIRef) -> URIRef:
    """The activity that generated `graph`: ckr:ingest/<graph path>."""
    return CKR[f"ingest/{str(graph).removeprefix(str(CKGRAPH))}"]


def activity(graph: URIRef, facts: FileFacts, kind: str, records: int, when: datetime) -> Graph:
    """The ingest's own triples, kept in the graph it generated (so they go with it)."""
    node = ingest_iri(graph)
    out = new_graph()
    stamp = when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    for p, o in (
        (RDF.type, CKG.Ingest),
        (RDFS.label, Literal(f"ingest of {facts.name}", lang="en")),
        (PROV.generated, graph),
        (CKG.fileName, Literal(facts.name)),
        (CKG.ingestKind, Literal(kind)),
        (CKG.sha256, Literal(facts.sha256)),
        (CKG.byteSize, Literal(facts.size, datatype=XSD.integer)),
        (CKG.recordCount, Literal(records, datatype=XSD.integer)),
        (PROV.endedAtTime, Literal(stamp, datatype=XSD.dateTime)),
        (CKG.toolVersion, Literal(TOOL_VERSION)),
    ):
        out.add((node, p, o))
    return out


def read_sources(store: Store, queries_dir: Path) -> list[SourceEntry]:
    """Every registered source, by graph."""
    sparql = load_query(queries_dir / "sources" / "sources.rq").bind()
    return [
        SourceEntry(
            URIRef(r["ingest"]),
            URIRef(r["graph"]),
            str(r["fileName"]),
            str(r["kind"]),
            str(r["sha256"]),
            int(r["byteSize"]),
            int(r["records"]),
            str(r["time"]),
            str(r["toolVersion"]),
        )
        for r in store.query(sparql).rows
    ]


def registered(store: Store, queries_dir: Path, graph: URIRef) -> SourceEntry | None:
    """The registry entry of `graph`, if it was ingested."""
    return next((s for s in read_sources(store, queries_dir) if s.graph == graph), None)


def find_source(store: Store, queries_dir: Path, name: str) -> SourceEntry:
    """The source named by its short name (`source/porter`), graph IRI or CURIE, or file name."""
    sources = read_sources(store, queries_dir)
    try:
        iri = expand_term(name)
    except ValueError:
        iri = None
    found = [s for s in sources if name in (s.name, s.file_name) or s.graph == iri]
    if len(found) != 1:
        cause = "no source" if not found else f"{len(found)} sources"
        raise UserError(f"{cause} called {name!r}; `clusterkg sources list` shows them")
    return found[0]


def graph_content(store: Store, graph: URIRef) -> Graph:
    """What named graph `graph` holds now (empty if nothing)."""
    return store.query(own_query("graph-triples").bind({"graph": graph})).graph or Graph()


def changes(old: Graph, new: Graph) -> Changes:
    """Studies and claims (anything typed ckg:Study/ckg:SourceDocument, or with ckg:attributedTo) that
    `new` adds, removes or describes differently from `old`."""
    kinds = {"studies": _studies, "claims": _claims}
    added, removed, changed = {}, {}, {}
    for kind, members in kinds.items():
        before, after = members(old), members(new)
        added[kind] = sorted(after - before)
        removed[kind] = sorted(before - after)
        changed[kind] = sorted(
            n for n in before & after if _description(old, n) != _description(new, n)
        )
    return Changes(added, removed, changed)


def _studies(graph: Graph) -> set[URIRef]:
    return {
        s
        for cls in (CKG.Study, CKG.SourceDocument)
        for s in graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef)
    }


def _claims(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(CKG.attributedTo, None) if isinstance(s, URIRef)}


def _description(graph: Graph, node: URIRef) -> object:
    """The node's triples and those of the blank nodes under it, comparable across parses."""
    cbd = Graph()
    todo: list[Node] = [node]
    while todo:
        subject = todo.pop()
        for p, o in graph.predicate_objects(subject):
            cbd.add((subject, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return to_isomorphic(cbd)
