"""Conversions between pyoxigraph answers, rdflib terms and QueryResult, so every backend answers alike.

RDF 1.1 makes "x" and "x"^^xsd:string the same literal; rdflib does not, so every term that leaves a
backend is normalised to the plain form.
"""

from __future__ import annotations

import json
from itertools import islice

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Identifier

from clusterkg.kg.sparql_tokens import QUERY_FORMS, UPDATE_FORMS, first_keyword
from clusterkg.kg.store.base import QueryResult, StoreError
from clusterkg.kg.store.oxformats import OxResult, serialize

XSD_STRING = str(XSD.string)


def plain(term: Identifier) -> Identifier:
    """The term with an xsd:string literal turned into the equal plain literal."""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term))
    return term


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Identifier:
    """A pyoxigraph term as the equal rdflib term (xsd:string literals become plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return (
            Literal(term.value)
            if datatype == XSD_STRING
            else Literal(term.value, datatype=URIRef(datatype))
        )
    raise StoreError(f"RDF-star triple terms are not supported: {term}")


def to_ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term; raises StoreError for an invalid IRI or language tag."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as error:
        raise StoreError(f"invalid RDF term <{term}>: {error}") from None
    raise StoreError(f"unsupported RDF term {term!r}")


def check_terms(graph: Graph) -> None:
    """Raise StoreError naming the first term of `graph` that is not valid RDF (an invalid IRI, say)."""
    for triple in graph:
        for term in triple:
            to_ox(term)


def query_form(sparql: str) -> str:
    """The form of a SPARQL request: SELECT, ASK, CONSTRUCT or DESCRIBE for a query, or the first keyword of
    an update (INSERT, DELETE, DROP, ...). It is the first such keyword outside comments, IRIs, strings,
    variables and prefixed names (SPARQLWrapper's own guess takes `addressed` in a comment for ADD)."""
    return first_keyword(sparql, QUERY_FORMS + UPDATE_FORMS) or "SELECT"


def result_from_ox(result: OxResult, form: str) -> QueryResult:
    """A pyoxigraph answer (solutions, boolean or triples) as a QueryResult of rdflib terms."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = from_ox(value)
            rows.append(row)
        return QueryResult(kind="SELECT", variables=variables, rows=rows)
    graph = Graph()
    for triple in result:
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return QueryResult(kind="DESCRIBE" if form == "DESCRIBE" else "CONSTRUCT", graph=graph)


def result_from_rdflib(result, form: str, max_rows: int | None = None) -> QueryResult:
    """An rdflib query answer as a QueryResult with normalised terms (a SELECT cut after `max_rows`)."""
    if result.type == "ASK":
        return QueryResult(kind="ASK", boolean=bool(result.askAnswer))
    if result.type == "SELECT":
        variables = [str(v) for v in result.vars]
        rows = [
            {name: plain(value) for name, value in zip(variables, row) if value is not None}
            for row in islice(result, max_rows)
        ]
        return QueryResult(kind="SELECT", variables=variables, rows=rows)
    graph = Graph()
    for s, p, o in result.graph:
        graph.add((s, p, plain(o)))
    return QueryResult(kind="DESCRIBE" if form == "DESCRIBE" else "CONSTRUCT", graph=graph)


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if term.language:
        return {"type": "literal", "value": str(term), "xml:lang": term.language}
    if term.datatype is not None:
        return {"type": "literal", "value": str(term), "datatype": str(term.datatype)}
    return {"type": "literal", "value": str(term)}


def result_to_ox(result: QueryResult) -> OxResult:
    """A QueryResult as a pyoxigraph answer, so it can be written by the shared pyoxigraph serialisers."""
    if result.kind == "ASK":
        doc: dict = {"head": {}, "boolean": bool(result.boolean)}
    elif result.kind == "SELECT":
        doc = {
            "head": {"vars": result.variables},
            "results": {
                "bindings": [{k: _json_term(v) for k, v in row.items()} for row in result.rows]
            },
        }
    else:
        return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.graph or Graph()]
    return ox.parse_query_results(json.dumps(doc).encode(), format=ox.QueryResultsFormat.JSON)


def serialize_result(result: QueryResult, media_type: str) -> bytes:
    """A QueryResult written in `media_type` exactly as the pyoxigraph fast path would write it."""
    return serialize(result_to_ox(result), media_type)


def dataset_from_nquads(data: bytes) -> Dataset:
    """Parse N-Quads (as written by pyoxigraph) into an rdflib Dataset with normalised literals."""
    dataset = Dataset(default_union=True)
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        graph = (
            dataset.default_graph
            if isinstance(quad.graph_name, ox.DefaultGraph)
            else dataset.graph(from_ox(quad.graph_name))
        )
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return dataset


def graphs_of(dataset: Dataset) -> list[tuple[URIRef | None, Graph]]:
    """The non-empty graphs of `dataset` as (name, graph); name None is the default graph."""
    return [
        (None if g.identifier == DATASET_DEFAULT_GRAPH_ID else g.identifier, g)
        for g in dataset.graphs()
        if len(g)
    ]


def rdf_bytes(data: Graph | Dataset, fmt: str) -> bytes:
    """`data` written by rdflib as `nt` or `nquads`; StoreError when a term cannot be written (an invalid IRI)."""
    try:
        return data.serialize(format=fmt, encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - rdflib refuses an invalid IRI with a bare Exception
        raise StoreError(f"invalid RDF, nothing was written: {error}") from None
