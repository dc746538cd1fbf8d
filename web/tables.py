"""Turns a QueryResult into a table of TermViews that a template can render without logic."""

from __future__ import annotations

from dataclasses import dataclass, field

from clusterkg.kg.store.base import QueryResult
from clusterkg.web.terms import TermView, term_view


@dataclass(frozen=True)
class Table:
    """Column names and rows of cells (None where a variable is unbound)."""

    columns: list[str]
    rows: list[list[TermView | None]] = field(default_factory=list)
    boolean: bool | None = None


def result_table(result: QueryResult) -> Table:
    """SELECT: one column per variable; ASK: the boolean; CONSTRUCT/DESCRIBE: subject, predicate, object."""
    if result.kind == "ASK":
        return Table([], [], bool(result.boolean))
    if result.kind == "SELECT":
        return Table(
            list(result.variables),
            [
                [term_view(row[v]) if v in row else None for v in result.variables]
                for row in result.rows
            ],
        )
    triples = sorted(result.graph) if result.graph is not None else []
    return Table(
        ["subject", "predicate", "object"], [[term_view(t) for t in triple] for triple in triples]
    )
