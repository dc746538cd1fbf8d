"""Store backends behind one protocol; `open_store(settings)` picks one by name."""

from __future__ import annotations

from kg.config import Settings
from kg.store.base import QueryResult, QuerySyntaxError, QueryTimeout, Store, StoreError

__all__ = ["QueryResult", "QuerySyntaxError", "QueryTimeout", "Store", "StoreError", "open_store"]


def open_store(settings: Settings, memory_copy: bool = False) -> Store:
    """The backend named by `settings.store`, its search index kept in step with its writes (kg.search)."""
    from kg.search.indexed import indexed

    return indexed(_backend(settings, memory_copy), settings)


def _backend(settings: Settings, memory_copy: bool = False) -> Store:
    """The backend named by `settings.store`: embedded (default), memory or remote.

    `memory_copy` (embedded only; for `serve`): answer reads from an in-memory copy of the on-disk
    store, made in the background after opening and after each write (see bench/RESULTS.md).
    """
    if settings.store == "embedded":
        from kg.store.embedded import EmbeddedStore

        return EmbeddedStore(settings.embedded_path, memory_copy=memory_copy)
    if settings.store == "memory":
        from kg.store.memory import MemoryStore

        return MemoryStore()
    if settings.store == "remote":
        from kg.store.remote import RemoteStore

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
        )
    raise StoreError(f"unknown store {settings.store!r}: choose embedded, memory or remote")
