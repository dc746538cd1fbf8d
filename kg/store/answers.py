"""Answers to reads kept until the store's next write: a least-recently-used cache of bounded size, keyed
on the store's write state and the request; concurrent misses of one request compute it once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from functools import lru_cache
from typing import TypeVar

from clusterkg.kg.sparql_tokens import VOLATILE_FUNCTIONS, first_keyword, unescaped
from clusterkg.kg.store.base import QueryResult

T = TypeVar("T")
LARGEST = 8  # an answer larger than 1/LARGEST of the budget is not kept
# bytes per row, per cell beyond its text, per triple of a graph (rdflib terms and their containers)
ROW, CELL, TRIPLE = 250, 60, 400


class AnswerCache:
    """At most `budget` bytes of answers (as `weigh` estimates them), all of one store state."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._state: str | None = None
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._pending: dict[Hashable, Future] = {}
        self.hits = self.misses = 0

    def get(
        self, state: str, key: Hashable, compute: Callable[[], T], weigh: Callable[[T], int]
    ) -> T:
        """The answer to `key` in store state `state`: kept, being computed by another thread, or
        computed now. A new state drops every answer of the old one."""
        with self._lock:
            if state != self._state:
                self._entries.clear()
                self._pending = {}
                self._size = 0
                self._state = state
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return kept[0]  # type: ignore[return-value]
            self.misses += 1
            pending = self._pending.get(key)
            mine = pending is None
            if pending is None:
                pending = self._pending[key] = Future()
        if not mine:
            return pending.result()
        try:
            value = compute()
        except BaseException as error:
            pending.set_exception(error)
            self._done(state, key, pending)
            raise
        pending.set_result(value)
        self._done(state, key, pending, value, weigh(value))
        return value

    def _done(
        self, state: str, key: Hashable, pending: Future, value: object = None, weight: int = -1
    ) -> None:
        with self._lock:
            if self._pending.get(key) is pending:
                del self._pending[key]
            if state != self._state or weight < 0 or weight * LARGEST > self.budget:
                return
            self._entries[key] = (value, weight)
            self._size += weight
            while self._size > self.budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped


def weight(answer: object) -> int:
    """About how many bytes an answer holds: a query's rows or graph, serialized bytes, a list of names."""
    if isinstance(answer, bytes | str):
        return len(answer)
    if isinstance(answer, QueryResult):
        cells = sum(len(str(v)) + CELL for row in answer.rows for v in row.values())
        return ROW * len(answer.rows) + cells + TRIPLE * len(answer.graph or ())
    if isinstance(answer, list):
        return sum(len(str(v)) + CELL for v in answer)
    return CELL


@lru_cache(maxsize=1024)
def volatile(sparql: str) -> bool:
    """Whether a query calls a function whose value changes at each evaluation (NOW, RAND, UUID,
    STRUUID, BNODE): its answer is never kept."""
    return first_keyword(unescaped(sparql), VOLATILE_FUNCTIONS) is not None
