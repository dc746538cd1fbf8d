"""Ingest and reconcile 1,000 BibTeX records against a big store, timing the `clusterkg ingest` process; and
the merge mechanism measured: the bibliography as it is (merged records rewritten to one IRI) against a
variant that follows owl:sameAs links to a canonical IRI.

    nice python bench/reconcile.py --synthetic bench/out/synthetic-1m.nq --work bench/out/reconcile-1m

The records are FICTIONAL: a tenth repeat a synthetic document's DOI (rule 1), a tenth its title, year and
first author (rule 3), the rest are new (100, 100 and 800 of 1,000). Everything is written under --work (never into the project's store).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

PROJECT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "clusterkg.kg"]
SAMEAS_QUERY = Path(__file__).resolve().parent / "variants" / "bibliography-sameas.rq"
DOC = re.compile(r"^https://w3id.org/clusterkg/resource/synthetic/document/(\d+)$")


def synthetic_documents(nquads: Path, count: int) -> list[dict[str, str]]:
    """Title, year, DOI and first author's family name of the first `count` synthetic documents."""
    docs: dict[int, dict[str, str]] = {}
    persons: dict[str, str] = {}
    first_author: dict[int, str] = {}
    with nquads.open("rb") as handle:
        for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
            s, p, o = quad.subject.value, quad.predicate.value, quad.object.value
            if (m := DOC.match(s)) and int(m.group(1)) < count:
                entry = docs.setdefault(int(m.group(1)), {})
                key = p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                if key in ("title", "hasPublicationYear", "doi"):
                    entry[key] = o
            elif s.endswith("-1") and "/authorship/" in s and p.endswith("#author"):
                number = int(s.rsplit("/", 1)[-1].split("-")[0])
                if number < count:
                    first_author[number] = o
            elif "/person/" in s and p.endswith("familyName"):
                persons[s] = o
            if (
                len(docs) >= count
                and len(first_author) >= count
                and all(a in persons for a in first_author.values())
            ):
                break
    return [
        docs[i] | {"family": persons[first_author[i]]}
        for i in sorted(docs)
        if first_author.get(i) in persons and {"title", "hasPublicationYear", "doi"} <= set(docs[i])
    ]


def write_bibtex(path: Path, docs: list[dict[str, str]], total: int) -> None:
    """`total` records: a tenth with a document's DOI, a tenth with its title/year/first author, the rest
    new (100, 100 and 800 of 1,000)."""
    tenth = total // 10
    entries = []
    for i, doc in enumerate(docs[:tenth]):
        entries.append(
            f"@article{{doi{i},\n  author = {{{doc['family']}, Ann}},\n"
            f"  title = {{A record of synthetic study {i}}},\n  journal = {{Example Journal of Cluster Studies}},\n"
            f"  year = {{{doc['hasPublicationYear']}}},\n  doi = {{https://doi.org/{doc['doi'].upper()}}}\n}}"
        )
    for i, doc in enumerate(
        docs[tenth : 2 * tenth], start=tenth
    ):  # (fewer when the graph has fewer)
        entries.append(
            f"@article{{title{i},\n  author = {{{doc['family']}, Bo}},\n  title = {{{doc['title'].upper()}}},\n"
            f"  journal = {{Example Journal of Cluster Studies}},\n  year = {{{doc['hasPublicationYear']}}}\n}}"
        )
    for i in range(total - len(entries)):
        entries.append(
            f"@article{{new{i},\n  author = {{Example{i % 97}, Cy and Sample{i % 89}, Di}},\n"
            f"  title = {{Fictional benchmark record {i}: {['suppliers', 'trust', 'ports', 'skills'][i % 4]} in example cluster {i * 7919 % 100003}}},\n"
            f"  journal = {{Example Journal of Cluster Studies}},\n  year = {{{1990 + i % 30}}},\n"
            f"  doi = {{10.5555/bench.{i}}}\n}}"
        )
    path.write_text(
        "% FICTIONAL records for bench/reconcile.py; they describe no real work.\n\n"
        + "\n\n".join(entries)
        + "\n",
        encoding="utf-8",
    )


def clusterkg(data_dir: Path, *args: str) -> tuple[float, str]:
    """Run `clusterkg ARGS` as a process; its wall-clock seconds (and, printed, the CPU seconds of it and
    its children: the store worker, HermiT's JVM), and its output."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "--data-dir", str(data_dir), *args],
        check=False,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    print(
        f"clusterkg {args[0]}: {elapsed:.1f} s wall clock, {_children_cpu() - cpu:.1f} s CPU",
        flush=True,
    )
    if done.returncode:
        raise SystemExit(f"clusterkg {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout + done.stderr


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_query(store: ox.Store, text: str, repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = len(list(store.query(text, use_default_graph_as_union=True)))
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=Path, required=True, help="bench/generate.py N-Quads")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = args.work.resolve()
    base = work / "base"
    if not (base / "store").exists():
        shutil.rmtree(base, ignore_errors=True)
        clusterkg(base, "build")
        load_time, _ = clusterkg(
            base,
            "load",
            str(args.synthetic.resolve()),
            "--graph",
            "https://w3id.org/clusterkg/graph/synthetic",
        )
        print(f"prepared {base} (load {load_time:.1f} s)", flush=True)
    bib = work / "records.bib"
    write_bibtex(bib, synthetic_documents(args.synthetic, args.records // 5), args.records)
    results: dict[str, object] = {"records": args.records}
    run = work / "run"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(base, run)
    elapsed, output = clusterkg(run, "ingest", str(bib))
    results["ingest_seconds"] = round(elapsed, 1)
    results["ingest_summary"] = output.strip().splitlines()[-1]
    print(f"clusterkg ingest {bib.name}: {elapsed:.1f} s\n{results['ingest_summary']}", flush=True)
    # the merge mechanism: the query as it is vs following owl:sameAs, on the store after the ingest
    store = ox.Store(str(run / "store"))
    links = " ".join(
        f"<https://w3id.org/clusterkg/resource/synthetic/document/{i + 1000}> <http://www.w3.org/2002/07/owl#sameAs> "
        f"<https://w3id.org/clusterkg/resource/synthetic/document/{i}> ."
        for i in range(args.records)
    )
    store.update(
        f"INSERT DATA {{ GRAPH <https://w3id.org/clusterkg/graph/bench-sameas> {{ {links} }} }}"
    )
    plain = (PROJECT / "queries" / "bibliography.rq").read_text()
    for name, text in (
        ("bibliography.rq (rewrite: as it is)", plain),
        ("bibliography-sameas.rq", SAMEAS_QUERY.read_text()),
    ):
        seconds, rows = time_query(store, text, args.repeat)
        results[name] = {"median_seconds": round(seconds, 3), "rows": rows}
        print(f"{name}: {seconds:.3f} s, {rows} rows", flush=True)
    (work / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
