"""The row limit of the endpoint's query page: a SELECT answer cut to its first rows, and whether it was cut
(the protocol's answers are written and cut by the store itself: `Store.query_serialized`)."""

from __future__ import annotations

from dataclasses import replace

from clusterkg.kg.store.base import QueryResult


def truncate(result: QueryResult, row_limit: int) -> tuple[QueryResult, bool]:
    """`result` cut to `row_limit` rows, and whether anything was cut."""
    if result.kind != "SELECT" or len(result.rows) <= row_limit:
        return result, False
    return replace(result, rows=result.rows[:row_limit]), True
