"""Write speed as the store grows (issue 9's and issue 12's targets), each figure a `clusterkg` command
timed as a process (wall clock, and the CPU of it and its children: the store worker, HermiT's JVM):

- `load` of the synthetic graph into an empty store and into the store `clusterkg build` wrote (not empty);
- `ingest` of N FICTIONAL BibTeX records (bench/reconcile.py's: a tenth share a synthetic document's DOI,
  a tenth its title, year and first author) into a copy of the seed store and of the seed + synthetic store.

    nice python bench/writes.py --synthetic bench/out/synthetic-1m.nq --work bench/out/writes-1m \\
        --records 100 1000 --repeat 3

Runs only while the load average is below --max-load (the figures of a machine shared with test suites
say more about the others than about the code). Everything is written under --work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reconcile

SYNTHETIC_GRAPH = "https://w3id.org/clusterkg/graph/synthetic"


def timed(data_dir: Path, *args: str) -> dict[str, float | str]:
    """`clusterkg --data-dir DATA_DIR ARGS` as a process: wall and CPU seconds, and its last line."""
    cpu = reconcile._children_cpu()
    wall, output = reconcile.clusterkg(data_dir, *args)
    return {
        "wall": round(wall, 2),
        "cpu": round(reconcile._children_cpu() - cpu, 2),
        "said": output.strip().splitlines()[-1][:300],
    }


def wait_for_quiet(max_load: float) -> None:
    while (load := os.getloadavg()[0]) >= max_load:
        print(f"load average {load:.1f} >= {max_load}: waiting", flush=True)
        time.sleep(30)


def runs(repeat: int, max_load: float, prepare, command) -> dict[str, object]:
    """`command()` `repeat` times, each after `prepare()` and on a quiet enough machine; the medians."""
    found = []
    for _ in range(repeat):
        prepare()
        wait_for_quiet(max_load)
        found.append(command())
    return {
        "wall": statistics.median(r["wall"] for r in found),
        "cpu": statistics.median(r["cpu"] for r in found),
        "runs": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=Path, required=True, help="bench/generate.py N-Quads")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--records", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-load", type=float, default=3.0)
    parser.add_argument(
        "--skip-load", action="store_true", help="reuse the stores of an earlier run"
    )
    args = parser.parse_args()
    work, synthetic = args.work.resolve(), args.synthetic.resolve()
    seed, big, run = work / "seed", work / "big", work / "run"
    results: dict[str, object] = {"synthetic": str(synthetic), "load_average_limit": args.max_load}
    if not (seed / "store").exists():
        shutil.rmtree(seed, ignore_errors=True)
        reconcile.clusterkg(seed, "build")
    load = ("load", str(synthetic), "--graph", SYNTHETIC_GRAPH)
    if not args.skip_load:
        results["load into an empty store"] = runs(
            args.repeat, args.max_load, lambda: shutil.rmtree(run, ignore_errors=True),
            lambda: timed(run, *load),
        )  # fmt: skip

        def fresh_big() -> None:
            shutil.rmtree(big, ignore_errors=True)
            shutil.copytree(seed, big)

        results["load into the seed store (not empty)"] = runs(
            args.repeat, args.max_load, fresh_big, lambda: timed(big, *load)
        )
        print(json.dumps(results, indent=2), flush=True)
    for count in args.records:
        bib = work / f"records-{count}.bib"
        reconcile.write_bibtex(
            bib, reconcile.synthetic_documents(synthetic, max(count // 5, 20)), count
        )
        for name, base in (("seed store", seed), ("seed + synthetic store", big)):

            def copy(base: Path = base) -> None:
                """A copy of the store, its search index rebuilt (untimed): the index records the
                store's inode, so a copied store's index is stale and the first write would rebuild it
                whole (48 s at 1M) instead of updating the written graphs."""
                shutil.rmtree(run, ignore_errors=True)
                shutil.copytree(base, run)
                reconcile.clusterkg(run, "search-index")

            results[f"ingest {count} records into the {name}"] = runs(
                args.repeat, args.max_load, copy, lambda bib=bib: timed(run, "ingest", str(bib))
            )
            print(json.dumps(results, indent=2), flush=True)
    (work / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
