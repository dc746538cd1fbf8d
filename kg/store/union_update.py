"""Makes the WHERE of a SPARQL update see the union of the named graphs, as every query does.

A query's default graph is the union of the named graphs; an update's WHERE would see only the store's own
default graph, which holds nothing (Oxigraph's `Store.update` has no union option). So each INSERT/DELETE …
WHERE operation that names no dataset of its own (no USING, USING NAMED or WITH) gets `USING <g>` and
`USING NAMED <g>` for every named graph: its WHERE then reads the same dataset a query reads. `INSERT DATA`,
`DELETE DATA` and the short `DELETE WHERE { … }` (whose pattern is also what it deletes) are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from clusterkg.kg.sparql_tokens import CLOSING, OPENING, Token, code_tokens


def with_union_where(update: str, graphs: Sequence[str]) -> str:
    """`update` with USING/USING NAMED clauses for `graphs` in every operation that has a WHERE of its own
    and no dataset clause; unchanged when there is no graph or no such operation."""
    if not graphs:
        return update
    clauses = "".join(f"USING <{g}>\n" for g in graphs) + "".join(
        f"USING NAMED <{g}>\n" for g in graphs
    )
    inserts = [where.start for where in _bare_wheres(list(code_tokens(update)))]
    pieces, cursor = [], 0
    for at in inserts:
        pieces += [update[cursor:at], clauses]
        cursor = at
    pieces.append(update[cursor:])
    return "".join(pieces)


def _bare_wheres(tokens: list[Token]) -> list[Token]:
    """The WHERE keyword of each INSERT/DELETE operation with a WHERE clause and no dataset clause."""
    found = []
    for operation in _operations(tokens):
        words = [t.keyword for t in operation[:2]]
        if words[0] not in ("INSERT", "DELETE") or words[1:] in (["DATA"], ["WHERE"]):
            continue
        top = list(_at_depth_zero(operation))
        if any(t.keyword == "USING" for t in top):
            continue
        found += [t for t in top if t.keyword == "WHERE"][:1]
    return found


def _operations(tokens: list[Token]) -> list[list[Token]]:
    """The tokens of each operation (split at `;` outside brackets), prologue declarations left out."""
    operations: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += (token.text in OPENING) - (token.text in CLOSING)
        if depth == 0 and token.text == ";":
            operations.append([])
        else:
            operations[-1].append(token)
    return [_without_prologue(op) for op in operations if op]


def _without_prologue(operation: list[Token]) -> list[Token]:
    i = 0
    while i < len(operation) and operation[i].keyword in ("PREFIX", "BASE"):
        i += 3 if operation[i].keyword == "PREFIX" else 2
    return operation[i:]


def _at_depth_zero(operation: list[Token]) -> Iterator[Token]:
    depth = 0
    for token in operation:
        if depth == 0:
            yield token
        depth += (token.text in OPENING) - (token.text in CLOSING)
