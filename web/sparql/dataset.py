"""Applies the protocol's default-graph-uri/named-graph-uri to a query as FROM/FROM NAMED clauses.

The SPARQL 1.1 Protocol says a protocol dataset replaces the query's own dataset clauses; the store
interface takes query text only, so the clauses are rewritten in the text: its tokens
(kg.sparql_tokens) give the query form at nesting depth 0, its FROM clauses, which are dropped, and the
WHERE clause, before which the protocol's are inserted. The caller checks the rewritten text again
(kg.sparql_safety.check_query).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef

from clusterkg.kg.sparql_tokens import QUERY_FORMS, Token, code_tokens

_AFTER_DATASET = {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def with_dataset(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """`text` with its FROM/FROM NAMED clauses replaced by the given graphs (no change if both empty)."""
    if not default_graphs and not named_graphs:
        return text
    tokens = list(code_tokens(text))
    form = next((i for i, t in enumerate(tokens) if t.keyword in QUERY_FORMS), None)
    if form is None:
        return text  # not a query the parser accepts; the caller's check reports it
    drop: list[tuple[int, int]] = []
    insert_at = len(text)
    depth = 0
    i = form + 1
    if tokens[form].keyword == "CONSTRUCT" and i < len(tokens) and tokens[i].text == "{":
        i = _skip_group(tokens, i)
    while i < len(tokens):
        token = tokens[i]
        if depth == 0 and token.keyword == "FROM":
            last = i + 2 if i + 1 < len(tokens) and tokens[i + 1].keyword == "NAMED" else i + 1
            end = tokens[min(last, len(tokens) - 1)].end
            drop.append((token.start, end))
            i = last + 1
            continue
        if depth == 0 and (token.text == "{" or token.keyword in _AFTER_DATASET):
            insert_at = token.start
            break
        depth += {"(": 1, ")": -1}.get(token.text, 0)
        i += 1
    clauses = "".join(f"FROM {URIRef(g).n3()}\n" for g in default_graphs) + "".join(
        f"FROM NAMED {URIRef(g).n3()}\n" for g in named_graphs
    )
    pieces, cursor = [], 0
    for start, end in drop:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:insert_at])
    pieces.append(f"\n{clauses}")
    pieces.append(text[insert_at:])
    return "".join(pieces)


def _skip_group(tokens: list[Token], i: int) -> int:
    """Index just past the `}` that closes the `{` at `i`."""
    depth = 0
    while i < len(tokens):
        depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
        i += 1
        if depth == 0:
            break
    return i
