"""Run a function in a forked child that is killed at a deadline: a time limit the evaluator cannot ignore.

rdflib's SPARQL engine has no time limit and never yields; a forked child sees the parent's data at no
copying cost (copy-on-write) and can be killed, so the caller gets QueryTimeout and its process stays free.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from kg.store.base import QueryTimeout, StoreError

T = TypeVar("T")


def run_forked(fn: Callable[[], T], timeout: float, fork_lock: AbstractContextManager) -> T:
    """Return `fn()` evaluated in a child process, or raise QueryTimeout after `timeout` seconds.

    `fork_lock` is held only while forking, so that the child never sees data half-way through a write
    (or a lock held by another thread).
    `fn` must return a picklable value; an exception it raises (StoreError and subclasses) is re-raised here.
    """
    deadline = time.monotonic() + timeout
    read_end, write_end = os.pipe()
    with fork_lock:
        pid = os.fork()
    if (
        pid == 0
    ):  # child: evaluate, send the pickled outcome, leave without running any parent cleanup
        status = 1
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
            except StoreError as error:
                payload = pickle.dumps((False, error))
            except Exception as error:  # noqa: BLE001 - a bug in the evaluator: send its text, not the object
                payload = pickle.dumps((False, StoreError(f"{type(error).__name__}: {error}")))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
                os.kill(pid, signal.SIGKILL)
                raise QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s")
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not chunks:
        raise StoreError("the query process died without an answer")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise value
    return value
