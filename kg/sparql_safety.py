"""Checks SPARQL text before it is evaluated or forwarded: nothing reaches the network or the file system."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import rdflib.plugins.sparql
from pyparsing import ParseBaseException, ParseResults
from rdflib import URIRef
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.store.base import QuerySyntaxError


class RefusedQuery(Exception):
    """The query parses but asks for something this service never does (SERVICE, LOAD, remote graphs)."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks: its form and the graphs its dataset clauses name."""

    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    default_graphs: tuple[URIRef, ...]
    named_graphs: tuple[URIRef, ...]


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


def disable_rdflib_fetching() -> None:
    """Stop rdflib's SPARQL engine from fetching FROM/FROM NAMED graphs over the network or from files.

    (rdflib's SERVICE has no switch; `check_query`/`check_update` refuse SERVICE before evaluation.)
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def check_query(text: str, is_local_graph: Callable[[str], bool]) -> CheckedQuery:
    """Parse a query and refuse SERVICE and FROM/FROM NAMED naming anything but a local graph.

    Raises QuerySyntaxError (with the parser's message) or RefusedQuery.
    """
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None
    _refuse_service(parsed)  # before translation, which rewrites parts of the tree in place
    form = _FORMS[parsed[1].name]
    try:
        query = translateQuery(parsed)
    except Exception as exc:  # noqa: BLE001 - rdflib's algebra raises plain Exception
        raise QuerySyntaxError(f"SPARQL error: {exc}") from None
    default, named = _dataset_iris(dict.get(query.algebra, "datasetClause") or [])
    check_graph_iris(default + named, is_local_graph, "FROM")
    return CheckedQuery(form, tuple(default), tuple(named))


def check_update(text: str, is_local_graph: Callable[[str], bool]) -> None:
    """Parse an update and refuse LOAD, SERVICE and USING/USING NAMED naming anything but a local graph."""
    try:
        parsed = parseUpdate(text)
    except ParseBaseException as exc:
        raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from None
    _refuse_service(parsed)
    for node in _walk(parsed):
        if node.name == "Load":
            raise RefusedQuery(
                f"LOAD <{dict.get(node, 'iri')}> refused: this service never fetches data"
            )
    try:
        update = translateUpdate(parsed)
    except Exception as exc:  # noqa: BLE001 - rdflib's algebra raises plain Exception
        raise QuerySyntaxError(f"SPARQL Update error: {exc}") from None
    for operation in update.algebra:
        default, named = _dataset_iris(dict.get(operation, "using") or [])
        check_graph_iris(default + named, is_local_graph, "USING")


def check_graph_iris(iris: Iterable[str], is_local_graph: Callable[[str], bool], what: str) -> None:
    """Refuse any graph IRI (from FROM, USING or default-graph-uri/named-graph-uri) that is not local."""
    for iri in iris:
        if not is_local_graph(str(iri)):
            raise RefusedQuery(
                f"{what} <{iri}> refused: only the named graphs of this dataset can be used "
                "(this service never fetches files or remote data)"
            )


def _refuse_service(parsed: object) -> None:
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise RefusedQuery(
                f"SERVICE {dict.get(node, 'term').n3()} refused: federated queries are switched off here"
            )


def _dataset_iris(clauses: Iterable[CompValue]) -> tuple[list[URIRef], list[URIRef]]:
    # CompValue.get resolves variables; plain dict lookups are what is meant here.
    default = [dict.get(c, "default") for c in clauses if dict.get(c, "default") is not None]
    named = [dict.get(c, "named") for c in clauses if dict.get(c, "named") is not None]
    return default, named


def _walk(node: object) -> Iterator[CompValue]:
    """Every CompValue in a parse tree, depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)
