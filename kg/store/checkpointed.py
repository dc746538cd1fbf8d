"""Bulk loads into a store that already holds data, all or nothing: Oxigraph's bulk loader is several times
faster than a transaction but not atomic, so the store is first checkpointed (RocksDB hard links: no copy),
and a `kill -9` half-way leaves a marker from which the next opening restores the checkpoint.

Beside the store directory STORE: `.STORE.load-lock` (held by the loader, and by a restore),
`.STORE.checkpoint` (the store as it was), `.STORE.restore` (present from the moment the checkpoint is
complete until the load is flushed: the store may be half-loaded).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox


def _paths(store_path: Path) -> tuple[Path, Path, Path, Path]:
    """(lock file, checkpoint, restore marker, discarded copy) of the store at `store_path`."""
    parent, name = store_path.parent, store_path.name
    return (
        parent / f".{name}.load-lock",
        parent / f".{name}.checkpoint",
        parent / f".{name}.restore",
        parent / f".{name}.discarded",
    )


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(lock: Path, wait: bool) -> Iterator[bool]:
    """Hold the load lock; without `wait`, yield False at once when another process holds it."""
    with open(lock, "a+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def checkpointed_load(
    store: ox.Store,
    store_path: Path,
    load: Callable[[], None],
    serve_reads_from: Callable[[ox.Store | None], None],
) -> None:
    """Run `load` (a bulk load into `store`, whose input was checked beforehand) so that the store ends
    as it was or with the whole load. Reads meanwhile go to a read-only view of the checkpoint
    (`serve_reads_from`), never to the half-loaded store. Should `load` fail (a disk error: its syntax was
    checked first), the process exits at once and the next opening restores the checkpoint."""
    lock, checkpoint, marker, _ = _paths(store_path)
    with _locked(lock, wait=True):
        shutil.rmtree(checkpoint, ignore_errors=True)
        store.flush()
        store.backup(str(checkpoint))
        _sync_dir(store_path.parent)
        marker.touch()
        _sync_dir(store_path.parent)
        serve_reads_from(ox.Store.read_only(str(checkpoint)))
        try:
            load()
            store.flush()
        except BaseException:  # noqa: BLE001 - whatever stopped it, the checkpoint is put back
            os._exit(3)  # the marker stays: the next opening restores the checkpoint
        marker.unlink()
        _sync_dir(store_path.parent)
        serve_reads_from(None)
        shutil.rmtree(checkpoint, ignore_errors=True)


def restore_interrupted_load(store_path: Path) -> None:
    """Before the store at `store_path` is opened: if a checkpointed load was interrupted (its marker
    is there and no live process holds the lock), put the checkpoint back in the store's place; remove
    what an earlier load or restore left behind. Every step can be interrupted and run again."""
    lock, checkpoint, marker, discarded = _paths(store_path)
    if not (marker.exists() or checkpoint.exists() or discarded.exists()):
        return
    with _locked(lock, wait=False) as held:
        if not held:
            return  # a live load: the store is in use, and opening it will say so
        if marker.exists() and checkpoint.exists():
            shutil.rmtree(discarded, ignore_errors=True)
            if store_path.exists():
                store_path.rename(discarded)
            checkpoint.rename(store_path)
            _sync_dir(store_path.parent)
        marker.unlink(missing_ok=True)
        _sync_dir(store_path.parent)
        shutil.rmtree(checkpoint, ignore_errors=True)
        shutil.rmtree(discarded, ignore_errors=True)
