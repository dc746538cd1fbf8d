"""Store backends behind one protocol: the one registry of their names (`BACKENDS`), which the CLI's
choices, the settings' check and `open_store(settings)` all read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clusterkg.kg.store.base import (
    LimitExceeded,
    Limits,
    MemoryLimit,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
)

if TYPE_CHECKING:
    from clusterkg.kg.config import Settings

__all__ = [
    "BACKENDS",
    "LimitExceeded",
    "MemoryLimit",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "Store",
    "StoreError",
    "open_store",
]
MIB = 2**20


def limits(settings: Settings) -> Limits:
    """The limits of the server's requests, from the settings (memory in MiB there, bytes here)."""
    return Limits(
        query_memory=settings.query_memory_limit * MIB,
        parallel_queries=settings.parallel_queries,
        update_memory=settings.update_memory_limit * MIB,
    )


def _embedded(settings: Settings, memory_copy: bool, attach: bool) -> Store:
    from clusterkg.kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.embedded_path, memory_copy, limits(settings), attach=attach)


def _memory(settings: Settings, memory_copy: bool, attach: bool) -> Store:
    from clusterkg.kg.store.memory import MemoryStore

    return MemoryStore(limits(settings))


def _remote(settings: Settings, memory_copy: bool, attach: bool) -> Store:
    from clusterkg.kg.store.remote import RemoteStore

    if not settings.query_endpoint:
        raise StoreError(
            "the remote store needs a query endpoint: --query-endpoint URL or CLUSTERKG_QUERY_ENDPOINT"
        )
    return RemoteStore(
        settings.query_endpoint,
        update_endpoint=settings.update_endpoint,
        store_endpoint=settings.store_endpoint,
        timeout=settings.remote_timeout,
        retries=settings.remote_retries,
        user=settings.remote_user,
        password=settings.remote_password,
    )


# name -> opener (the first is the default); each backend's module is imported only when it is opened
BACKENDS: dict[str, Callable[[Settings, bool, bool], Store]] = {
    "embedded": _embedded,
    "memory": _memory,
    "remote": _remote,
}


def backend_names() -> str:
    """The backends' names for messages: `embedded, memory or remote`."""
    names = list(BACKENDS)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def open_store(settings: Settings, memory_copy: bool = False, attach: bool = True) -> Store:
    """The backend named by `settings.store`, its search index kept in step with its writes (kg.search).

    Embedded only: `memory_copy` (for `serve`) answers reads from an in-memory copy of the on-disk
    store, made in the background after opening and after each write (see bench/RESULTS.md); `attach`
    hands every request to the worker of the process that holds the store (a running `serve`) instead of
    refusing to open it. The server opens its own (`attach=False`): it must be able to stop its worker.
    """
    opener = BACKENDS.get(settings.store)
    if opener is None:
        raise StoreError(f"unknown store {settings.store!r}: choose {backend_names()}")
    from clusterkg.kg.search.indexed import indexed

    return indexed(opener(settings, memory_copy, attach))
