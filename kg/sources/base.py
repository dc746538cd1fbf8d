"""The ingester interface (`iter_records()` / `to_graph()`) and the naming rules every ingester shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from rdflib import Graph, URIRef

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKGRAPH, CKR, PREFIXES, bind_all

MAX_FILE_BYTES = 32 * 1024 * 1024  # an input file larger than this is refused before it is read
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')


@runtime_checkable
class Source(Protocol):
    """One input file of one kind. `iter_records()` yields its parsed records in file order (raising
    UserError `file:line: cause` on the first bad one); `to_graph()` turns all of them into triples."""

    kind: ClassVar[str]  # the name `clusterkg ingest --kind` takes
    suffixes: ClassVar[tuple[str, ...]]  # the file extensions that mean this kind, lower case
    path: Path

    def iter_records(self) -> Iterator[object]: ...

    def to_graph(self) -> Graph: ...


@runtime_checkable
class MintingSource(Source, Protocol):
    """A source that mints resource IRIs (studies, persons, claims). `taken` holds the IRIs other graphs
    already use: it must avoid them (a new suffix) or refuse them (a one-line error)."""

    taken: Collection[URIRef]


def read_input(path: Path, what: str) -> str:
    """The text of an input file: UTF-8, a leading byte-order mark dropped. Refused in one line: a file
    over MAX_FILE_BYTES (before reading it), a missing file, text that is not UTF-8 (with the line)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"{what} not found", path) from None
    if path.is_dir():
        raise UserError(f"{what} is a directory", path)
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"{what} is {size / 2**20:,.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB "
            "(split the file)",
            path,
        )
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{what} is UTF-16 text (byte-order mark): save it as UTF-8", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"not UTF-8 text (byte {exc.start} of the file)", path, line) from None


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Müller, H.' -> 'muller-h'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def resource_iri(kind: str, slug: str) -> URIRef:
    """The resource IRI https://w3id.org/clusterkg/resource/<kind>/<slug>."""
    return CKR[f"{kind}/{slug}"]


def default_graph_iri(path: Path) -> URIRef:
    """The named graph an ingested file goes to unless told otherwise: ckgraph:source/<file-name>, the
    name with its extension slugified (`review.bib` -> `source/review-bib`, `review.ttl` ->
    `source/review-ttl`), so files of the same stem do not meet in one graph."""
    return CKGRAPH[f"source/{slugify(path.name) or 'unnamed'}"]


def expand_term(text: str) -> URIRef:
    """An IRI from `<iri>`, an absolute `http(s)://` IRI, or a CURIE with one of the project's prefixes.

    Raises ValueError with a one-line cause for anything else.
    """
    term = text.strip()
    if term.startswith("<") and term.endswith(">"):
        term = term[1:-1]
    elif not term.startswith(("http://", "https://", "urn:")):
        prefix, colon, local = term.partition(":")
        if not colon:
            raise ValueError(f"{text!r} is neither an IRI nor a CURIE")
        if prefix not in PREFIXES:
            raise ValueError(f"unknown prefix {prefix!r} in {text!r}")
        term = f"{PREFIXES[prefix]}{local}"
    if not term or _IRI_FORBIDDEN.search(term):
        raise ValueError(f"{text!r} is not a valid IRI")
    return URIRef(term)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph()
    bind_all(graph)
    return graph
