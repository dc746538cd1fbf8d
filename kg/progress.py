"""Progress of long work, on a terminal only: a bar on stderr naming the step under way, with an ETA once
the total is known; nothing at all when stderr is not a terminal (pipes, CI, tests)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

Advance = Callable[[str], None]


@contextmanager
def steps(label: str, total: int) -> Iterator[Advance]:
    """`advance(name)` says the next of `total` steps, `name`, is under way (the one before it is done)."""
    if not sys.stderr.isatty():
        yield lambda name: None
        return
    bar = click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_eta=True,
        show_pos=True,
        item_show_func=lambda name: name,
    )
    started = False

    def advance(name: str) -> None:
        nonlocal started
        bar.update(1 if started else 0, name)
        started = True

    with bar:
        yield advance
        bar.update(max(total - bar.pos, 0), "done")
