"""Read RDF files into rdflib graphs, turning every parser failure into one `file:line: cause` error."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import UserError

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
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise UserError(f"{what} is a directory", path) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", path) from None


def parse_into(target: Graph, path: Path, fmt: str | None = None) -> Graph:
    """Parse `path` into `target` (a Graph, or a Dataset for TriG/N-Quads) and return it.

    On a syntax error nothing is added to `target` and UserError names file, line and cause.
    """
    fmt = fmt or rdf_format(path)
    text = read_text(path)
    scratch = Dataset() if isinstance(target, Dataset) else Graph()
    try:
        scratch.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # noqa: BLE001 - every parser error is translated below or re-raised
        raise syntax_error(path, text, fmt, exc) from None
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


def syntax_error(path: Path, text: str, fmt: str, exc: Exception) -> Exception:
    """The UserError for parser exception `exc` raised on `text`; other exceptions come back unchanged."""
    if isinstance(exc, BadSyntax):
        where = exc._str.decode("utf-8", "replace")[: exc._i]
        line = where.count("\n") + 1
        rest = text.splitlines()[line - 1][len(where) - where.rfind("\n") - 1 :] if text else ""
        near = f' near "{rest.strip()[:40].rstrip()}"' if rest.strip() else ""
        return UserError(f"bad {fmt} syntax: {exc._why}{near}", path, line)
    if isinstance(exc, SAXParseException):
        return UserError(f"bad RDF/XML: {exc.getMessage()}", path, exc.getLineNumber())
    if isinstance(exc, json.JSONDecodeError):
        return UserError(f"bad JSON-LD: {exc.msg}", path, exc.lineno)
    if isinstance(exc, ParserError) and fmt in {"nt", "nquads"}:
        return _line_error(path, text, fmt)
    if isinstance(exc, (SyntaxError, ParserError, ValueError)):
        return UserError(f"bad {fmt}: {exc}".splitlines()[0], path)
    return exc


def _line_error(path: Path, text: str, fmt: str) -> UserError:
    """Find the first bad statement of a line-based file (N-Triples, N-Quads) by parsing line by line."""
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
        except ParserError:
            return UserError(f'bad {fmt} statement: "{line.strip()[:60]}"', path, number)
    return UserError(f"bad {fmt} file", path)
