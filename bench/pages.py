"""Page latency of the main web pages on a built embedded store: served from disk, then from its in-memory
copy (what `clusterkg serve` answers from once the copy is made), through the app's own WSGI stack; the
first GET of a page (its answers computed, as after a write) apart from the next ones (answers kept)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

# Pages a reviewer opens first; the resources are the seed paper's, present at every scale.
PAGES = (
    "/",
    "/recommendations/",
    "/recommendations/state-budget-infrastructure-investment",
    "/studies/",
    "/studies/study/batterink-et-al-2014",
    "/concepts/",
    "/gaps/",
    "/search/?q=infrastructure",
    "/resource/concept/porter/factor-conditions",
)
PAGE_BUDGET = 20.0  # seconds spent on one page before it stops repeating


def page_latency(store_path: Path, repeat: int, query_timeout: float) -> dict:
    """Per source (`disk`, `memory-copy`): the store's readiness, and per page the HTTP status, the
    median and slowest of `repeat` timed GETs (after one untimed), and the body size."""
    from clusterkg.kg.config import Settings
    from clusterkg.kg.store.embedded import EmbeddedStore

    settings = Settings(query_timeout=query_timeout)
    result: dict = {}
    for source, memory_copy in (("disk", False), ("memory-copy", True)):
        start = time.perf_counter()
        store = EmbeddedStore(store_path, memory_copy=memory_copy)
        while memory_copy and not store.answers_from_memory():
            time.sleep(0.01)
        entry: dict = {"ready_s": time.perf_counter() - start, "pages": {}}
        try:
            entry["pages"] = _time_pages(settings, store, repeat)
        finally:
            store.close()
        result[source] = entry
    return result


def _time_pages(settings, store, repeat: int) -> dict:
    from clusterkg import web

    client = web.create_app({"SETTINGS": settings}, store=store).test_client()
    pages = {}
    for page in PAGES:
        times: list[float] = []
        first = 0.0
        for i in range(repeat + 1):
            start = time.perf_counter()
            response = client.get(page)
            body = response.get_data()
            elapsed = time.perf_counter() - start
            first = first or elapsed * 1000
            if i or elapsed > PAGE_BUDGET:  # a slow first GET counts as the one timed run
                times.append(elapsed * 1000)
            if sum(times) / 1000 > PAGE_BUDGET:
                break
        pages[page] = {
            "status": response.status_code,
            # the first GET computes every answer (as after a write); the others find them kept
            "first_ms": first,
            "median_ms": statistics.median(times),
            "max_ms": max(times),
            "runs": len(times),
            "bytes": len(body),
        }
    return pages


def main() -> None:
    """`python bench/pages.py --data-dir DIR`: each page's first GET and the next two, on the store as
    `clusterkg` opens it (on disk), through the app (answers kept between them)."""
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from clusterkg.kg.config import Settings
    from clusterkg.kg.store import open_store
    from clusterkg.web import create_app

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    store = open_store(settings)
    try:
        client = create_app({"SETTINGS": settings}, store=store).test_client()
        print("| page | status | first GET (ms) | next two (ms) | bytes |\n|---|---|---|---|---|")
        for page in PAGES:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                response = client.get(page)
                body = response.get_data()
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"| `{page}` | {response.status_code} | {times[0]:.0f} | "
                f"{times[1]:.0f} / {times[2]:.0f} | {len(body):,} |"
            )
    finally:
        store.close()


if __name__ == "__main__":
    main()
