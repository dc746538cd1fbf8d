"""One writer at a time: ingest, reconcile decisions and source removal read the store, decide, then write;
an exclusive lock on `<data dir>/write.lock` makes a second writer wait for the first (never interleave)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from clusterkg.kg.config import Settings

LOCK_NAME = "write.lock"


@contextmanager
def write_lock(
    settings: Settings, on_wait: Callable[[str], None] = lambda _: None
) -> Iterator[None]:
    """Hold the write lock; `on_wait` is told (one line) when another process holds it and we wait."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / LOCK_NAME
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            on_wait(f"waiting for {holder} to finish writing to the store ({path})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
