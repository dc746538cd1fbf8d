"""Media types of SPARQL answers and their serialisation with pyoxigraph, the one writer every backend uses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import islice

import pyoxigraph as ox

from clusterkg.kg.namespaces import PREFIXES
from clusterkg.kg.store.base import StoreError

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
DUMP_FORMATS: dict[str, ox.RdfFormat] = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
PREFIX_MAP: dict[str, str] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

OxResult = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


class MediaTypeError(StoreError):
    """The answer of this query cannot be written in the media type asked for (e.g. a SELECT as Turtle)."""


_PARSER = ox.Store()  # empty; a query is parsed on it and never iterated, so never evaluated


def parses_as_query(text: str) -> bool:
    """Whether Oxigraph's parser takes `text` as a SELECT, CONSTRUCT or DESCRIBE query (not an ASK:
    Oxigraph evaluates an ASK when it parses it)."""
    try:
        result = _PARSER.query(text)
    except (SyntaxError, ValueError):
        return False
    return not isinstance(result, ox.QueryBoolean)


def bare_media_type(media_type: str) -> str:
    """`text/turtle; charset=utf-8` -> `text/turtle`."""
    return media_type.split(";", 1)[0].strip().lower()


def serialize(result: OxResult, media_type: str) -> bytes:
    """Write a pyoxigraph query answer (solutions, boolean or triples) in `media_type`."""
    mt = bare_media_type(media_type)
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        if mt not in RESULT_FORMATS:
            raise MediaTypeError(
                f"a SELECT or ASK answer cannot be written as {mt}; use one of "
                + ", ".join(RESULT_FORMATS)
            )
        return result.serialize(format=RESULT_FORMATS[mt])
    if mt not in GRAPH_FORMATS:
        raise MediaTypeError(
            f"a CONSTRUCT or DESCRIBE answer cannot be written as {mt}; use one of "
            + ", ".join(GRAPH_FORMATS)
        )
    triples = (t.triple if isinstance(t, ox.Quad) else t for t in result)
    if GRAPH_FORMATS[mt].supports_datasets:
        triples = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return ox.serialize(triples, format=GRAPH_FORMATS[mt], prefixes=PREFIX_MAP)


def first_solutions(solutions: ox.QuerySolutions, count: int) -> tuple[ox.QuerySolutions, bool]:
    """The first `count` solutions, read from the engine one by one (it makes one more, never the
    others), and whether any was left."""
    read = list(islice(solutions, count + 1))
    doc = {
        "head": {"vars": [v.value for v in solutions.variables]},
        "results": {
            "bindings": [
                {v.value: _json_term(s[v]) for v in solutions.variables if s[v] is not None}
                for s in read[:count]
            ]
        },
    }
    first = ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)
    return first, len(read) > count


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    """A term in the SPARQL 1.1 (and SPARQL-star) JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: _json_term(v) for k, v in parts.items()}}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def dump_format(fmt: str) -> ox.RdfFormat:
    """The dataset format named `trig` or `nquads`."""
    if fmt not in DUMP_FORMATS:
        raise StoreError(f"cannot dump as {fmt!r}: choose one of {', '.join(DUMP_FORMATS)}")
    return DUMP_FORMATS[fmt]


def syntax_message(error: SyntaxError | str, limit: int = 300) -> str:
    """Oxigraph's `error at 4:17: expected ...` (queries) or `Parser error at|between line 4 column 17 [and
    line 5 column 1]: ...` (RDF) as one line `line 4, column 17: ...`, cut at `limit`."""
    text = " ".join(str(error).split())
    text = re.sub(r"^(.*?)error at (\d+):(\d+):", r"\1line \2, column \3:", text)
    text = re.sub(
        r"^Parser error (?:at|between) line (\d+) (?:between )?columns? (\d+)"
        r"(?: and (?:line \d+ column )?\d+)?:",
        r"line \1, column \2:",
        text,
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
