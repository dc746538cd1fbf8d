"""`clusterkg search-index`: rebuild the search index from the store."""

from __future__ import annotations

import time
from contextlib import closing

import click

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.search.indexed import IndexedStore
from clusterkg.kg.store import open_store


@click.command("search-index")
@click.pass_obj
def search_index_command(settings: Settings) -> None:
    """Rebuild the search index from the store (each write keeps it in step; this makes it anew)."""
    with closing(open_store(settings)) as store:
        assert isinstance(store, IndexedStore)
        if store.index is None:
            raise UserError(
                "a remote store has no search index: the search page reads the store itself"
            )
        start = time.monotonic()
        store.rebuild_index()
        texts, resources = store.index.size()
    click.echo(
        f"{display_path(store.index.path)}: {texts} texts of {resources} resources indexed "
        f"in {time.monotonic() - start:.1f} s"
    )
