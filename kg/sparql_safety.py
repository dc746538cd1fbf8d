"""Checks SPARQL text before any engine sees it: size limits, and nothing that reaches the network or the files.

The checks read tokens (kg.sparql_tokens), not the grammar: they take time in proportion to the text, are
safe to run from many threads at once, and leave syntax to the engine, which reports it with line and column
under the query's time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

import rdflib.plugins.sparql
from rdflib import URIRef

from clusterkg.kg.config import Settings
from clusterkg.kg.sparql_tokens import (
    QUERY_FORMS,
    UPDATE_FORMS,
    Token,
    code_tokens,
    graph_clauses,
    size_of,
    unescaped,
)
from clusterkg.kg.store.base import QuerySyntaxError


class RefusedQuery(Exception):
    """The request asks for something this service never does (SERVICE, LOAD, remote graphs)."""


class QueryTooLarge(Exception):
    """The request is over one of the query limits (size, tokens, nesting, property-path steps)."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks: its form and the graphs its dataset clauses name."""

    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    default_graphs: tuple[URIRef, ...]
    named_graphs: tuple[URIRef, ...]


def disable_rdflib_fetching() -> None:
    """Stop rdflib's SPARQL engine from fetching FROM/FROM NAMED graphs over the network or from files.

    (rdflib's SERVICE has no switch; `check_query`/`check_update` refuse SERVICE before evaluation.)
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def check_query(text: str, is_local_graph: Callable[[str], bool], limits: Settings) -> CheckedQuery:
    """Refuse a query over the limits (QueryTooLarge), one with SERVICE or FROM/FROM NAMED naming
    anything but a local graph (RefusedQuery), or an update sent as a query (QuerySyntaxError)."""
    tokens = _checked_tokens(text, limits)
    form = next((t.keyword for t in tokens if t.keyword in QUERY_FORMS + UPDATE_FORMS), "SELECT")
    if form not in QUERY_FORMS:
        raise QuerySyntaxError(
            f"this is a SPARQL Update ({form}), not a query: send it as 'update'"
        )
    default, named = _graphs_after(tokens, "FROM")
    check_graph_iris(default + named, is_local_graph, "FROM")
    return CheckedQuery(form, tuple(map(URIRef, default)), tuple(map(URIRef, named)))


def check_update(text: str, is_local_graph: Callable[[str], bool], limits: Settings) -> None:
    """Refuse an update over the limits, with LOAD or SERVICE, or with USING/USING NAMED naming anything
    but a local graph."""
    tokens = _checked_tokens(text, limits)
    form = next((t.keyword for t in tokens if t.keyword in QUERY_FORMS + UPDATE_FORMS), None)
    if form in QUERY_FORMS:
        raise QuerySyntaxError(
            f"this is a SPARQL query ({form}), not an update: send it as 'query'"
        )
    load = _operand_of(tokens, "LOAD")
    if load is not None:
        raise RefusedQuery(f"LOAD {load} refused: this service never fetches data")
    default, named = _graphs_after(tokens, "USING")
    check_graph_iris(default + named, is_local_graph, "USING")


def check_graph_iris(iris: Iterable[str], is_local_graph: Callable[[str], bool], what: str) -> None:
    """Refuse any graph IRI (from FROM, USING or default-graph-uri/named-graph-uri) that is not local."""
    for iri in iris:
        if not is_local_graph(str(iri)):
            raise RefusedQuery(
                f"{what} <{iri}> refused: only the named graphs of this dataset can be used "
                "(this service never fetches files or remote data)"
            )


def _checked_tokens(text: str, limits: Settings) -> list[Token]:
    """The code tokens of `text` after the size limits and the SERVICE check, read as the engine reads them."""
    size = len(text.encode("utf-8"))
    if size > limits.query_max_bytes:
        _too_large("bytes", size, limits.query_max_bytes, "query_max_bytes")
    tokens = list(islice(code_tokens(unescaped(text)), limits.query_max_tokens + 1))
    if len(tokens) > limits.query_max_tokens:
        _too_large(
            "tokens",
            f"more than {limits.query_max_tokens:,}",
            limits.query_max_tokens,
            "query_max_tokens",
        )
    measured = size_of(tokens)
    if measured.depth > limits.query_max_depth:
        _too_large(
            "levels of nested brackets", measured.depth, limits.query_max_depth, "query_max_depth"
        )
    if measured.path_steps > limits.query_max_path_steps:
        _too_large(
            "steps in one property path",
            measured.path_steps,
            limits.query_max_path_steps,
            "query_max_path_steps",
        )
    service = _operand_of(tokens, "SERVICE")
    if service is not None:
        raise RefusedQuery(f"SERVICE {service} refused: federated queries are switched off here")
    return tokens


def _too_large(what: str, found: object, limit: int, setting: str) -> None:
    found = f"{found:,}" if isinstance(found, int) else found
    raise QueryTooLarge(
        f"query refused: {found} {what}, over the limit of {limit:,} (CLUSTERKG_{setting.upper()})"
    )


def _operand_of(tokens: list[Token], keyword: str) -> str | None:
    """The text of the term after the first `keyword` (SILENT skipped), or None without one."""
    for i, token in enumerate(tokens):
        if token.keyword == keyword:
            rest = [t for t in tokens[i + 1 : i + 3] if t.keyword != "SILENT"]
            return rest[0].text if rest else "(nothing)"
    return None


def _graphs_after(tokens: list[Token], keyword: str) -> tuple[list[str], list[str]]:
    """The graph IRIs of `keyword` [NAMED] clauses (FROM in queries, USING in updates)."""
    clauses = graph_clauses(tokens, keyword)
    for clause in clauses:
        if clause.iri is None:
            found = clause.token.text if clause.token else "the end of the text"
            raise QuerySyntaxError(
                f"{keyword} {'NAMED ' if clause.named else ''}needs a graph IRI or a prefixed name "
                f"with a declared prefix, found {found!r}"
            )
    return [c.iri for c in clauses if not c.named], [c.iri for c in clauses if c.named]
