"""Run a function in a forked child that is killed at a deadline and capped in memory: limits the evaluator
cannot ignore.

Neither rdflib nor pyoxigraph can be interrupted while they evaluate; a forked child sees the parent's data
at no copying cost (copy-on-write), can be given its own address-space limit, and can be killed, so the
caller gets QueryTimeout or MemoryLimit and its process stays free.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import NoReturn, TypeVar

from clusterkg.kg.store.base import MemoryLimit, QueryTimeout, StoreError

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
STUCK_POLL = 0.1  # seconds between two looks at a child that has not answered yet
STUCK_AFTER = (
    0.5  # seconds asleep without using the processor after which a child is taken for stuck
)
_STUCK = object()


def die_with_parent() -> None:
    """Have the kernel kill this process (SIGKILL) as soon as the thread that started it ends: a child
    never outlives its parent, even one killed with `kill -9`. Linux only; elsewhere nothing happens."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once at import (not in a forked child: dlopen takes a loader lock)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def _cap_memory(limit: int) -> None:
    """Let this process map at most `limit` bytes more than it has mapped now (RLIMIT_AS)."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + limit, mapped + limit))


def memory_message(limit: int) -> str:
    return f"the query was stopped at its memory limit of {limit / 2**20:g} MiB"


def run_forked(
    fn: Callable[[], T],
    timeout: float,
    fork_lock: AbstractContextManager,
    memory_limit: int | None = None,
) -> T:
    """Return `fn()` evaluated in a child process; raise QueryTimeout after `timeout` seconds, and
    MemoryLimit when the child needs more than `memory_limit` bytes beyond what it shares with this process.

    `fork_lock` is held only while forking, so that the child never sees data half-way through a write
    (or a lock held by another thread).
    `fn` must return a picklable value; an exception it raises (StoreError and subclasses) is re-raised here.
    A child forked while another thread held a lock it needs (RocksDB's block cache, say) waits for it
    forever: one that sleeps without using the processor before it answers is killed and forked again.
    """
    deadline = time.monotonic() + timeout
    while True:
        outcome = _fork_once(fn, deadline, fork_lock, memory_limit)
        if outcome is _STUCK:
            continue
        if outcome is None:
            raise QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s")
        chunks, status = outcome
        break
    if not chunks:
        # an allocation that fails past RLIMIT_AS aborts Rust code (SIGABRT); Python raises MemoryError
        if (
            memory_limit is not None
            and os.WIFSIGNALED(status)
            and os.WTERMSIG(status) == signal.SIGABRT
        ):
            raise MemoryLimit(memory_message(memory_limit))
        raise StoreError("the query process died without an answer")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise value
    return value


def _fork_once(
    fn: Callable[[], T],
    deadline: float,
    fork_lock: AbstractContextManager,
    memory_limit: int | None,
) -> tuple[list[bytes], int] | object | None:
    """Fork a child that evaluates `fn`: its output and wait status; _STUCK if it was stuck, None if
    it was still running at `deadline` (it is killed then)."""
    read_end, write_end = os.pipe()
    with fork_lock:
        pid = os.fork()
    if pid == 0:
        _child(fn, read_end, write_end, memory_limit)
    os.close(write_end)
    chunks: list[bytes] = []
    idle_since: float | None = None  # when the child was first seen asleep with no answer yet
    last_cpu = -1
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                return None
            if not select.select([read_end], [], [], min(remaining, STUCK_POLL))[0]:
                if chunks:
                    continue
                state, cpu = _activity(pid)
                if state != "S" or cpu != last_cpu:
                    idle_since, last_cpu = None, cpu
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since >= STUCK_AFTER:
                    os.kill(pid, signal.SIGKILL)
                    return _STUCK
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    return chunks, status


def _child(
    fn: Callable[[], T], read_end: int, write_end: int, memory_limit: int | None
) -> NoReturn:
    """In the child: evaluate, send the pickled outcome, leave without running any parent cleanup."""
    status = 1
    try:
        os.close(read_end)
        die_with_parent()
        if memory_limit is not None:
            _cap_memory(memory_limit)
        try:
            payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps((False, MemoryLimit(memory_message(memory_limit or 0))))
        except StoreError as error:
            payload = pickle.dumps((False, error))
        except Exception as error:  # noqa: BLE001 - a bug in the evaluator: send its text, not the object
            payload = pickle.dumps((False, StoreError(f"{type(error).__name__}: {error}")))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        status = 0
    finally:
        os._exit(status)


def _activity(pid: int) -> tuple[str, int]:
    """The scheduler state of process `pid` (R, S, D...) and the processor time it has used (ticks)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return "?", -1
    return fields[0], int(fields[11]) + int(fields[12])  # state, utime + stime
