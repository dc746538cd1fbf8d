"""Serialises a store's QueryResult in the negotiated format, and applies the endpoint's row limit."""

from __future__ import annotations

from dataclasses import replace

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

from kg.conneg import RESULTS_TSV, Format
from kg.store.base import QueryResult
from web.responses import serialize_rdf


def truncate(result: QueryResult, row_limit: int) -> tuple[QueryResult, bool]:
    """`result` cut to `row_limit` rows, and whether anything was cut."""
    if result.kind != "SELECT" or len(result.rows) <= row_limit:
        return result, False
    return replace(result, rows=result.rows[:row_limit]), True


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """The answer as bytes in `fmt` (a SPARQL results format, or an RDF format for graphs)."""
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return serialize_rdf(result.graph, fmt)
    if fmt == RESULTS_TSV:
        return _tsv(result).encode("utf-8")
    return _rdflib_result(result).serialize(format=fmt.serializer, encoding="utf-8")


def _rdflib_result(result: QueryResult) -> Result:
    out = Result(result.kind)
    if result.kind == "ASK":
        out.askAnswer = bool(result.boolean)
        return out
    out.vars = [Variable(v) for v in result.variables]
    out.bindings = [{Variable(k): v for k, v in row.items()} for row in result.rows]
    return out


def _tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: `?var` header, terms in Turtle syntax, tabs and newlines escaped."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row.get(v)) for v in result.variables))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{escaped}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{escaped}"^^<{term.datatype}>'
        return f'"{escaped}"'
    return str(term)
