"""`clusterkg serve` on a built store as users run it: the memory of its process tree (the web process with
the search index, the store's worker with its in-memory copy, the worker's forked query children) and the
first GET of each page over HTTP once the copy answers (what the first request after a write costs once
the copy is made again).

    flock /work/bench.lock .venv/bin/python bench/serve_memory.py --data-dir bench/out/10m/search-store

Memory: each process's high-water mark (VmHWM), polled every 0.1 s by a thread for the whole run, and the
largest sum of the resident memory (VmRSS) of the processes alive at one poll. A forked query child (one
per page query, up to `parallel_queries` at once) shares the worker's pages until it writes to them, so
adding its mark to the worker's counts those pages twice: it is reported apart.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Self

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.load import fetch, serve
from bench.pages import PAGES
from bench.run import free_port, vm_hwm_mb
from clusterkg.kg.store.oxworker import MEMORY_COPY_READY

SEARCHES = ("cluster", "hanoi", '"hub firm"', "infra*", "Ha Noi", "innovation policy")


class Tree:
    """The high-water marks of `root` and of every process below it, as seen so far."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.marks: dict[int, tuple[str, float]] = {}
        self.largest_sum = 0.0  # MB resident at once, over every poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.poll()

    def poll(self) -> None:
        now = 0.0
        for pid in self._pids(self.root):
            try:
                mark = vm_hwm_mb(pid)
                now += self.resident_mb(pid)
                name = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:  # ended meanwhile
                continue
            _, before = self.marks.get(pid, ("", 0.0))
            self.marks[pid] = (name, max(before, mark))
        self.largest_sum = max(self.largest_sum, now)

    def _pids(self, pid: int) -> list[int]:
        found = [pid]
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            return []
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                found += self._pids(int(child))
        return found

    def resident_mb(self, pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--wait", type=float, default=900.0, help="seconds to wait for the copy")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    process = serve(args.data_dir, port)
    with Tree(process.pid) as tree:
        try:
            while fetch(base, "/sparql?query=ASK%7B%7D", None) not in (200, 406):
                if process.poll() is not None:
                    raise SystemExit(f"serve ended with {process.returncode}: see serve.log")
                time.sleep(0.1)
            print(f"first answer after {time.perf_counter() - start:.1f} s")
            worker = _copy_made(tree, args.data_dir / "serve.log", args.wait)
            print(
                f"in-memory copy made after {time.perf_counter() - start:.0f} s (worker {worker})"
            )
            paths = [*PAGES, *(f"/search/?q={urllib.parse.quote(q)}" for q in SEARCHES)]
            print("| page | first GET (ms) | next GET (ms) | status |")
            print("|---|---|---|---|")
            for path in paths:
                first, status = _timed(base, path)
                again, _ = _timed(base, path)
                print(f"| `{path}` | {first:,.0f} | {again:,.1f} | {status} |")
        finally:
            time.sleep(0.5)
            process.terminate()
            process.wait(timeout=60)
    print("| process | peak (VmHWM, MB) |")
    print("|---|---|")
    for pid, (name, mark) in sorted(tree.marks.items()):
        print(f"| {pid} `{name[:90]}` | {mark:,.0f} |")
    lasting = sum(tree.marks[p][1] for p in (process.pid, worker))
    children = [mark for p, (_, mark) in tree.marks.items() if p not in (process.pid, worker)]
    print(
        f"serve + worker: {lasting:,.0f} MB; forked query children: {len(children)}, the largest "
        f"{max(children, default=0):,.0f} MB; largest resident sum at one poll: {tree.largest_sum:,.0f} MB"
    )


def _copy_made(tree: Tree, log: Path, wait: float) -> int:
    """The worker's pid, once serve's log says that reads come from the in-memory copy."""
    deadline = time.monotonic() + wait
    while MEMORY_COPY_READY not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise SystemExit(f"no in-memory copy within {wait:.0f} s (see {log})")
        time.sleep(0.5)
    return min(p for p, (name, _) in list(tree.marks.items()) if "oxworker" in name)


def _timed(base: str, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    status = fetch(base, path, None)
    return (time.perf_counter() - start) * 1000, status


if __name__ == "__main__":
    main()
