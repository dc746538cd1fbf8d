"""Time each query of `clusterkg validate --from-store` alone (the translated data shapes and the checks) on
raw pyoxigraph, the store opened read-only: CPU time of the evaluating thread (the machine's load counts
less than in wall time) and wall time, slowest first.

    flock /work/bench.lock nice -n 10 .venv/bin/python bench/validate_queries.py bench/out/1m/clusterkg/store
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import INFERRED_GRAPH
from clusterkg.kg.shacl_sparql import ViolationQuery, translate
from clusterkg.kg.validate import load_checks, load_shapes


def _name(query: ViolationQuery) -> str:
    shape = query.shape.n3() if isinstance(query.shape, URIRef) else "[]"
    path = query.path.n3() if isinstance(query.path, URIRef) else "[path]" if query.path else ""
    return f"{shape} {path} {query.component.n3()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="an embedded store's directory (not in use)")
    parser.add_argument("--top", type=int, default=30, help="how many of the slowest to list")
    args = parser.parse_args(argv)
    store = ox.Store.read_only(str(args.store))
    settings = Settings()
    graphs = [URIRef(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    scope = [g for g in graphs if g != INFERRED_GRAPH]
    jobs = [
        (q.text, False, _name(q)) for q in translate(load_shapes(settings.ontology_dir).data, scope)
    ]
    jobs += [
        (c.bind(), True, f"check {c.name}") for c in load_checks(settings.queries_dir / "checks")
    ]
    timed = []
    for text, union, name in jobs:
        wall, cpu = time.perf_counter(), time.thread_time()
        rows = sum(1 for _ in store.query(text, use_default_graph_as_union=union))
        timed.append((time.thread_time() - cpu, time.perf_counter() - wall, rows, name))
    timed.sort(reverse=True)
    print(
        f"{len(jobs)} queries: {sum(t[0] for t in timed):.2f} s of CPU, "
        f"{sum(t[1] for t in timed):.2f} s wall"
    )
    print("   cpu s   wall s    rows  query")
    for cpu, wall, rows, name in timed[: args.top]:
        print(f"{cpu:8.3f} {wall:8.3f} {rows:7d}  {name}")


if __name__ == "__main__":
    main()
