"""The one way RDF files are read: refuse what is unsafe (XML entities, remote JSON-LD contexts), parse with
rdflib, check every term as the store will, and turn every failure into one `file:line: cause` error."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import InputSource

import pyoxigraph as ox
from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.expatreader import create_parser
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from clusterkg.kg.errors import UserError

FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
}
QUAD_FORMATS = {"trig", "nquads"}
GUARDED_FORMATS = {"xml", "json-ld"}  # what `refuse_unsafe` checks before a parser reads the file
# Oxigraph's parser for the line-based and Turtle-like formats: it locates every syntax error exactly
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
}
_OX_WHERE = re.compile(r"^Parser error (?:at|between) line \d+[^:]*: ")


def rdf_format(path: Path) -> str:
    """The rdflib format name for a file, from its extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise UserError(
            f"unknown RDF file type {path.suffix or '(none)'!r}; expected one of {known}", path
        )
    return fmt


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of `path`, or a one-line error saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise UserError(f"{what} is a directory", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"not UTF-8 text (byte {exc.start})", path, line) from None


def parse_into(target: Graph, path: Path, fmt: str | None = None, base: str | None = None) -> Graph:
    """Parse `path` into `target` (a Graph, or a Dataset for TriG/N-Quads) and return it.

    Relative IRIs resolve against `base` (default: the file's own URI). Before rdflib sees the file,
    `refuse_unsafe` checks it; after, every IRI and language tag must be one the store accepts. On any
    failure nothing is added to `target` and UserError names file, line and cause.
    """
    fmt = fmt or rdf_format(path)
    text = read_text(path)
    refuse_unsafe(path, text, fmt)
    scratch = Dataset() if isinstance(target, Dataset) else Graph()
    try:
        scratch.parse(data=text, format=fmt, publicID=base or path.resolve().as_uri())
    except Exception as exc:  # noqa: BLE001 - any parser failure on a user's file is a user error
        raise syntax_error(path, text, fmt, exc) from None
    _check_terms(path, text, fmt, scratch)
    if isinstance(target, Dataset):
        target.addN(scratch.quads((None, None, None, None)))
    else:
        target += scratch
    for prefix, ns in scratch.namespaces():
        target.bind(prefix, ns, override=False)
    return target


def read_dataset(path: Path, graph: URIRef) -> Dataset:
    """The quads of an RDF file: TriG and N-Quads keep their named graphs; the file's default graph, or
    every triple of a triple format, goes into `graph`."""
    dataset = Dataset(default_union=True)
    if rdf_format(path) not in QUAD_FORMATS:
        parse_into(dataset.graph(graph), path)
        return dataset
    for s, p, o, g in parse_into(Dataset(), path).quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        dataset.graph(graph if name == DATASET_DEFAULT_GRAPH_ID else name).add((s, p, o))
    return dataset


def parse_graph(path: Path, fmt: str | None = None) -> Graph:
    """A new Graph holding the triples of `path`."""
    return parse_into(Graph(), path, fmt)


def check_file(path: Path) -> None:
    """`refuse_unsafe` for a file another parser (the embedded store's) is about to read."""
    fmt = rdf_format(path)
    if fmt in GUARDED_FORMATS:
        refuse_unsafe(path, read_text(path), fmt)


def refuse_unsafe(path: Path, text: str, fmt: str) -> None:
    """Refuse, before any parser expands or fetches anything: RDF/XML that declares an entity (internal
    ones can expand a 1 KB file to gigabytes, external ones read local files) and JSON-LD that names a
    context or import by reference (a parser would fetch it)."""
    if fmt == "xml":
        refuse_xml_entities(text, path)
    elif fmt == "json-ld":
        _refuse_remote_contexts(path, text)


def refuse_xml_entities(data: str | bytes, source: Path | str) -> None:
    """Read the XML `data` (a file's text, or bytes from `source`, a server) with every DTD entity
    declaration refused: UserError naming `source`, the line and the entity; also for XML that is not
    well-formed."""
    parser = create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(ContentHandler())
    stream = InputSource(source.resolve().as_uri() if isinstance(source, Path) else source)
    if isinstance(data, bytes):
        stream.setByteStream(io.BytesIO(data))
    else:
        stream.setCharacterStream(io.StringIO(data))
    try:
        parser.parse(stream)
    except EntitiesForbidden as exc:
        system = f" SYSTEM {exc.sysid!r}" if exc.sysid else ""
        raise UserError(
            f"RDF/XML entity declarations are refused (<!ENTITY {exc.name}{system}>): "
            "write its text out in the file",
            source,
            parser.getLineNumber(),
        ) from None
    except DefusedXmlException as exc:
        raise _error(f"RDF/XML refused: {exc}", source, parser.getLineNumber()) from None
    except SAXParseException as exc:
        raise _error(f"bad RDF/XML: {exc.getMessage()}", source, exc.getLineNumber()) from None


def _refuse_remote_contexts(path: Path, text: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise syntax_error(path, text, "json-ld", exc) from None
    except RecursionError:
        raise UserError("bad JSON-LD: nested too deeply", path, 1) from None
    for key, reference in _references(document):
        line = _line_of(text, reference)
        raise UserError(
            f"JSON-LD {key} {reference!r} is refused: nothing is fetched; put the context in the file",
            path,
            line,
        )


def _references(document: object) -> Iterator[tuple[str, str]]:
    """(key, reference) for every `@context` or `@import` given as a reference, anywhere in the document."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    values = value if isinstance(value, list) else [value]
                    yield from ((key, item) for item in values if isinstance(item, str))
                stack.append(value)


def _line_of(text: str, needle: str) -> int:
    """The line where `needle` (a JSON string's value) first appears in `text`, else 1."""
    for form in (json.dumps(needle)[1:-1], needle):
        at = text.find(form)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1


def _check_terms(path: Path, text: str, fmt: str, parsed: Graph) -> None:
    """Every IRI (datatypes included) and language tag parsed is one Oxigraph, and so every store,
    accepts: rdflib takes `<a b>` with a warning, and the store would then refuse the whole write."""
    seen: set[object] = set()
    quads = parsed.quads() if isinstance(parsed, Dataset) else ((*t, None) for t in parsed)
    for *triple, graph in quads:
        for term in (*triple, graph.identifier if isinstance(graph, Graph) else graph):
            if term in seen:
                continue
            seen.add(term)
            try:
                if isinstance(term, URIRef):
                    ox.NamedNode(term)
                elif isinstance(term, Literal) and term.language:
                    ox.Literal(term, language=term.language)
                elif isinstance(term, Literal) and term.datatype:
                    ox.NamedNode(term.datatype)
            except ValueError as exc:
                raise _ox_error(path, text, fmt) or _error(
                    f"invalid IRI <{term}>: {exc}"
                    if isinstance(term, URIRef)
                    else f"invalid literal {str(term)[:40]!r}: {exc}",
                    path,
                    _line_of(text, str(term)),
                ) from None


def syntax_error(path: Path, text: str, fmt: str, exc: Exception) -> UserError:
    """The UserError for parser exception `exc` raised on `text`: its line and cause where the parser
    tells them, else Oxigraph's parser's for the same text, else the parser's words."""
    if isinstance(exc, BadSyntax):
        where = exc._str.decode("utf-8", "replace")[: exc._i]
        line = where.count("\n") + 1
        rest = text.splitlines()[line - 1][len(where) - where.rfind("\n") - 1 :] if text else ""
        near = f' near "{rest.strip()[:40].rstrip()}"' if rest.strip() else ""
        return _error(f"bad {fmt} syntax: {exc._why}{near}", path, line)
    if isinstance(exc, SAXParseException):
        return _error(f"bad RDF/XML: {exc.getMessage()}", path, exc.getLineNumber())
    if isinstance(exc, json.JSONDecodeError):
        return _error(f"bad JSON-LD: {exc.msg}", path, exc.lineno)
    if isinstance(exc, ParserError) and fmt in {"nt", "nquads"}:
        return _line_error(path, text, fmt)
    located = _ox_error(path, text, fmt)
    if located is not None:
        return located
    if isinstance(exc, RecursionError):
        return UserError(f"bad {fmt}: nested too deeply", path, 1)
    cause = " ".join(f"{exc}".split())[:200] or type(exc).__name__
    return _error(f"bad {fmt}: {cause}", path, _last_line(text))


def _ox_error(path: Path, text: str, fmt: str) -> UserError | None:
    """Oxigraph's verdict on `text` as `fmt` (one of OX_FORMATS): its first syntax error, or None."""
    if fmt not in OX_FORMATS:
        return None
    try:
        for _ in ox.parse(text.encode("utf-8"), OX_FORMATS[fmt], base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        cause = _OX_WHERE.sub("", " ".join(str(exc.msg).split()))
        return _error(f"bad {fmt} syntax: {cause}", path, exc.lineno or _last_line(text))
    return None


def _last_line(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1) or 1


def _line_error(path: Path, text: str, fmt: str) -> UserError:
    """Find the first bad statement of a line-based file (N-Triples, N-Quads) by parsing line by line."""
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
        except ParserError:
            return _error(f'bad {fmt} statement: "{line.strip()[:60]}"', path, number)
    return _ox_error(path, text, fmt) or UserError(f"bad {fmt} file", path, _last_line(text))


def _error(cause: str, path: Path | str, line: int) -> UserError:
    """A UserError whose cause, which may quote the file, stays on one line whatever the file holds."""
    return UserError(" ".join(cause.split()), path, line)
