"""The search page on a built store: the index rebuild as the command users run, then each query through
the app (from the index, and by the SPARQL scan it replaces), beside tantivy on the same folded texts.

    .venv/bin/clusterkg --data-dir bench/out/search-100k build
    .venv/bin/clusterkg --data-dir bench/out/search-100k load bench/out/synthetic-100k.nq
    .venv/bin/pip install -e '.[bench]'   # tantivy, the candidate measured beside SQLite FTS5
    .venv/bin/python bench/search.py --data-dir bench/out/search-100k
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from clusterkg.kg.config import Settings
from clusterkg.kg.search.index import SPAN
from clusterkg.kg.search.indexed import IndexedStore
from clusterkg.kg.search.tokens import parse
from clusterkg.kg.store import open_store
from clusterkg.web import create_app

QUERIES = ["cluster", "hanoi", '"hub firm"', "infra*", "Ha Noi", "innovation policy"]
CLI = PROJECT / ".venv" / "bin" / "clusterkg"


def timed(run, repeat: int) -> float:
    """The median of `repeat` runs, in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-rebuild", action="store_true", help="use the index as it is (`load` has built it)"
    )
    parser.add_argument(
        "--no-scan", action="store_true", help="skip the SPARQL scan (16 s a query at 10M)"
    )
    args = parser.parse_args()
    if not args.no_rebuild:
        start = time.perf_counter()
        subprocess.run([str(CLI), "--data-dir", str(args.data_dir), "search-index"], check=True)
        print(f"clusterkg search-index: {time.perf_counter() - start:.1f} s")
    settings = Settings(data_dir=args.data_dir)
    with closing(open_store(settings)) as store:
        assert isinstance(store, IndexedStore) and store.index is not None
        index = store.index
        print(f"index file: {index.path.stat().st_size / 1e6:.1f} MB, store: {store.count()} quads")
        engine = tantivy_index(index.path)
        # the page as after a write (answers not kept), then as the server answers it again
        computed = {}
        client = create_app(
            {"SETTINGS": settings.with_overrides(answer_cache_mb=0), "TESTING": True}, store=store
        ).test_client()
        for q in QUERIES:
            computed[q] = timed(
                lambda q=q: client.get("/search/", query_string={"q": q}), args.repeat
            )
        client = create_app({"SETTINGS": settings, "TESTING": True}, store=store).test_client()
        print(
            "| query | hits | page, index (ms) | page, kept (ms) | FTS5 search (ms) | tantivy (ms) "
            "| page, SPARQL scan (ms) |"
        )
        print("|---|---|---|---|---|---|---|")
        for q in QUERIES:
            found = index.search(q, {}, 0, 50)
            client.get("/search/", query_string={"q": q})
            kept = timed(lambda q=q: client.get("/search/", query_string={"q": q}), args.repeat)
            scan = float("nan") if args.no_scan else scanned(client, store, q)
            fts = timed(lambda q=q: index.search(q, {}, 0, 50), args.repeat)
            fast = timed(lambda q=q: engine(q), args.repeat) if engine else float("nan")
            print(
                f"| `{q}` | {found.total} | {computed[q]:.0f} | {kept:.1f} | {fts:.0f} | "
                f"{fast:.0f} | {scan:.0f} |"
            )


def scanned(client, store: IndexedStore, q: str) -> float:
    """One page by the SPARQL scan (the index moved aside for it, then back)."""
    path = store.index.path
    aside = path.with_name("aside.sqlite")
    path.rename(aside)
    try:
        start = time.perf_counter()
        client.get("/search/", query_string={"q": q})
        return (time.perf_counter() - start) * 1000
    finally:
        if store._rebuilding is not None:
            store._rebuilding.join()
        aside.replace(path)


def tantivy_index(path: Path):
    """tantivy over the same folded texts (one document per text, BM25): the top 50 resources, and every
    hit's resource (what the facets count). None when tantivy is not installed."""
    try:
        import tantivy
    except ImportError:
        return None
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", stored=False)
    builder.add_text_field("resource", stored=True, tokenizer_name="raw")
    schema = builder.build()
    folder = tempfile.mkdtemp(prefix="ckg-tantivy-")
    engine = tantivy.Index(schema, path=folder)
    start = time.perf_counter()
    writer = engine.writer()
    with closing(sqlite3.connect(path)) as db:
        for resource, words in db.execute(
            "SELECT r.iri, t.words FROM texts t JOIN resources r ON r.id = t.rowid / ?", (SPAN,)
        ):
            writer.add_document(tantivy.Document(words=words, resource=resource))
    writer.commit()
    engine.reload()
    print(f"tantivy index built in {time.perf_counter() - start:.1f} s")
    searcher = engine.searcher()
    total = searcher.num_docs

    def run(q: str) -> None:
        terms = [
            (t.words[0] if len(t.words) == 1 else '"' + " ".join(t.words) + '"')
            + ("*" if t.prefix else "")
            for t in parse(q)
        ]
        query = engine.parse_query(" AND ".join(terms), ["words"])
        searcher.search(query, limit=50)
        hits = searcher.search(query, limit=max(1, total)).hits
        {searcher.doc(address)["resource"][0] for _, address in hits}

    return run


if __name__ == "__main__":
    main()
