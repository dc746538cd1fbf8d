"""Benchmark the store layer per scale, side by side: load time and peak memory, and the median and p95
latency of every query in queries/ on raw pyoxigraph (in memory and on disk), the embedded store (on disk
and from its in-memory copy, as SPARQL JSON and as rdflib terms), the Oxigraph server (raw HTTP and our
remote store), Virtuoso 7 (our remote store), rdflib's engine and our memory store, a query with parameters
with its default parameters apart from its sampled values; focus-node SHACL validation of an ingest batch; `clusterkg serve` start-up. Each engine runs in its own process, so its
peak memory is its own.

    nice -n 10 .venv/bin/python bench/run.py --scales 10k 100k 1m

Data: bench/out/<scale>/dataset.nq = the real built graphs + the synthetic graph (bench/generate.py).
Results: bench/out/results.json and bench/out/results.md (the tables of bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.generate import generate, read_vocabulary, size
from bench.pages import page_latency

QUERY_TIMEOUT = 60.0  # seconds per query run; a run past it is recorded as a timeout
MEMORY_COPY_MAX = 2_000_000  # triples: above, a copy plus raw pyoxigraph in memory would pass ~8 GB
RAW_MEMORY_MAX = (
    10_000_000  # triples: raw pyoxigraph alone in memory in its job (10M: about 10 GB of 24)
)
SLOW = 5.0  # seconds in memory at one scale: too slow to try at a larger one (nothing stops raw pyoxigraph)
RUN_BUDGET = 20.0  # seconds an engine spends on one query before it stops repeating it
JOB_TIMEOUT = 3 * 3600  # seconds per engine job
BATCH_DOCUMENTS_FIRST = 10**9  # document numbers of the validation batch: clear of the main data
BATCH_TRIPLES = 100 * 200  # about 100 synthetic studies with their claims and recommendations
JSON = "application/sparql-results+json"
FILE_GRAPH = (
    "https://w3id.org/clusterkg/graph/file/bench"  # for default-graph triples: the files have none
)
ENGINES = ("pyoxigraph-memory", "embedded", "remote", "virtuoso", "rdflib")


# -- data ----------------------------------------------------------------------------------------------
def prepare(scale: str, out: Path, seed: int) -> dict:
    """Write (once) the dataset and the validation batch of `scale`; returns their description."""
    folder = out / scale
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("seed") == seed:
            return meta
    from clusterkg.kg.build import build_dataset
    from clusterkg.kg.config import Settings

    folder.mkdir(parents=True, exist_ok=True)
    real = build_dataset(Settings()).dataset
    vocab = read_vocabulary(real)
    real_triples = sum(len(g) for g in real.graphs())
    dataset = folder / "dataset.nq"
    with dataset.open("w", encoding="utf-8") as fh:
        fh.write(real.serialize(format="nquads"))
        docs, synthetic = generate(fh, vocab, max(0, size(scale) - real_triples), seed)
    batch = folder / "batch.nq"
    with batch.open("w", encoding="utf-8") as fh:
        generate(
            fh,
            vocab,
            BATCH_TRIPLES,
            seed + 1,
            first=BATCH_DOCUMENTS_FIRST,
            graph="https://w3id.org/clusterkg/graph/synthetic-batch",
            describe=False,
        )
    seed_only = folder / "seed.nq"
    seed_only.write_text(real.serialize(format="nquads"), encoding="utf-8")
    meta = {
        "scale": scale,
        "seed": seed,
        "real_triples": real_triples,
        "synthetic_triples": synthetic,
        "documents": docs,
        "dataset": str(dataset),
        "batch": str(batch),
        "seed_dataset": str(seed_only),
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def query_files(patterns: list[str] | None = None) -> list[Path]:
    """Every query in queries/ (recursively), or those whose path under it matches one of `patterns`."""
    from clusterkg.kg.config import Settings

    root = Settings().queries_dir
    return sorted(
        path
        for path in root.rglob("*.rq")
        if not patterns or any(fnmatch.fnmatch(str(path.relative_to(root)), p) for p in patterns)
    )


def parametrised(patterns: list[str] | None = None) -> set[str]:
    """The queries of `query_files(patterns)` that take parameters, by their path under queries/."""
    from clusterkg.kg.config import Settings
    from clusterkg.kg.queries import load_query

    root = Settings().queries_dir
    return {
        str(path.relative_to(root)) for path in query_files(patterns) if load_query(path).params
    }


def variants(
    store, samples: int, rng: random.Random, patterns: list[str] | None = None
) -> dict[str, list[str]]:
    """Each query bound with its defaults, plus (for IRI parameters) `samples` other values drawn from the
    data: resources that share a type with the default."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from clusterkg.kg.config import Settings
    from clusterkg.kg.queries import load_query

    result: dict[str, list[str]] = {}
    for path in query_files(patterns):
        query = load_query(path)
        texts = [query.bind()]
        for param in query.params:
            if not isinstance(param.default, URIRef):
                continue
            similar = store.query(
                f"SELECT DISTINCT ?x WHERE {{ {param.default.n3()} a ?t . ?x a ?t . FILTER(isIRI(?x)) }}"
                " ORDER BY ?x LIMIT 2000",
                use_default_graph_as_union=True,
            )
            pool = sorted(
                {s["x"].value for s in similar if isinstance(s["x"], ox.NamedNode)}
                - {str(param.default)}
            )
            for value in rng.sample(pool, min(samples, len(pool))):
                texts.append(query.bind({param.name: URIRef(value)}))
        result[str(path.relative_to(Settings().queries_dir))] = texts
    return result


# -- timing helpers ----------------------------------------------------------------------------------------
def measure(
    runs: dict[str, Callable[[str], int]], texts: list[str], repeat: int, warmup: int = 1
) -> dict:
    """Time each of `runs` (engines answering the same query) on every variant, `warmup` + `repeat` times,
    taking turns, so that the engines compared share the machine's conditions. An engine stops repeating
    once it has spent RUN_BUDGET seconds on the query (a slow query gets fewer runs, at least one timed).
    Per engine: median and p95 of the timed runs (ms) and the answer's size (rows, triples, 1 for a true
    ASK; bytes for a serialized answer) in the first run of each variant; or the timeout or error that
    stopped it."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    spent: dict[str, float] = dict.fromkeys(runs, 0.0)
    rows: dict[str, list[int]] = {name: [] for name in runs}
    failed: dict[str, dict] = {}
    for text in texts:
        for i in range(warmup + repeat):
            for name, run in runs.items():
                if name in failed or (times[name] and spent[name] > RUN_BUDGET):
                    continue
                start = time.perf_counter()
                try:
                    count = run(text)
                except Exception as error:  # noqa: BLE001 - recorded per engine and query
                    timeout = "timeout" in type(error).__name__.lower() or "time limit" in str(
                        error
                    )
                    failed[name] = {
                        "timeout" if timeout else "error": " ".join(str(error).split())[:200]
                    }
                    continue
                elapsed = time.perf_counter() - start
                spent[name] += elapsed
                if i == 0:
                    rows[name].append(count)
                if (
                    i >= warmup or spent[name] > RUN_BUDGET
                ):  # a slow warm-up counts as the one timed run
                    times[name].append(elapsed * 1000)
    result = {}
    for name, taken in times.items():
        if name in failed:
            result[name] = failed[name]
            continue
        taken.sort()
        p95 = taken[min(len(taken) - 1, max(0, round(0.95 * len(taken)) - 1))]
        result[name] = {
            "median_ms": statistics.median(taken),
            "p95_ms": p95,
            "runs": len(taken),
            "rows": rows[name],
        }
    return result


def timed(
    runs: dict[str, Callable[[str], int]], texts: list[str], repeat: int, warmup: int = 1
) -> dict[str, dict]:
    """`measure` of the query with its default parameters (`texts[0]`, what a user runs who sets none)
    and, apart, of its sampled parameter values (`texts[1:]`, when there are any):
    {"default": per engine, "sampled": per engine}."""
    groups = {"default": texts[:1], "sampled": texts[1:]}
    return {
        group: measure(runs, variant_texts, repeat, warmup)
        for group, variant_texts in groups.items()
        if variant_texts
    }


def _joined(a: dict[str, dict], b: dict[str, dict]) -> dict[str, dict]:
    """Two `timed` results of the same query (other engines) as one."""
    return {group: {**a.get(group, {}), **b.get(group, {})} for group in a | b}


def materialise(result) -> int:
    """Read a whole pyoxigraph answer into Python objects; the number of rows (or triples, or 1 for ASK)."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return len([tuple(row) for row in result])


def peak_rss_mb() -> dict:
    return {
        "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- engine jobs (each in its own process) ---------------------------------------------------------------
def job_pyoxigraph(spec: dict) -> dict:
    """Raw pyoxigraph in memory (on disk above RAW_MEMORY_MAX): the fastest the engine goes; also
    draws the parameter samples."""
    import pyoxigraph as ox

    in_memory = size(spec["scale"]) <= RAW_MEMORY_MAX
    store = (
        ox.Store()
        if in_memory
        else ox.Store(tempfile.mkdtemp(prefix="bench-ox-", dir=spec["work"]))
    )
    start = time.perf_counter()
    store.bulk_load(path=spec["dataset"], format=ox.RdfFormat.N_QUADS)
    result: dict = {
        "load_s": time.perf_counter() - start,
        "quads": len(store),
        "in_memory": in_memory,
    }
    drawn = variants(store, spec["samples"], random.Random(spec["seed"]), spec["queries"])
    result["skipped"] = {name: reason for name, reason in spec["skip"].items() if name in drawn}
    result["variants"] = {name: texts for name, texts in drawn.items() if name not in spec["skip"]}
    with_parameters = parametrised(spec["queries"])
    result["parameters"] = {  # queries with parameters: how many sampled values each was run with
        name: len(texts) - 1
        for name, texts in result["variants"].items()
        if name in with_parameters
    }
    result["queries"] = {
        name: timed(
            {
                "iterate": lambda q: materialise(store.query(q, use_default_graph_as_union=True)),
                "json": lambda q: len(_ox_json(store, q)),
            },
            qs,
            spec["repeat"],
        )
        for name, qs in result["variants"].items()
    }
    result["rss"] = peak_rss_mb()
    return result


def _ox_json(store, sparql: str) -> bytes:
    import pyoxigraph as ox

    from clusterkg.kg.store.oxformats import serialize

    answer = store.query(sparql, use_default_graph_as_union=True)
    media = (
        JSON if isinstance(answer, ox.QuerySolutions | ox.QueryBoolean) else "application/n-triples"
    )
    return serialize(answer, media)


def job_embedded(spec: dict) -> dict:
    """The embedded store, measured turn about with raw pyoxigraph on an on-disk copy of the same data
    (our overhead); then with its in-memory copy, turn about with raw pyoxigraph in memory; then the
    focus-node SHACL validation of an ingest batch."""
    from clusterkg.kg.store.embedded import EmbeddedStore

    path = Path(spec["work"]) / "clusterkg" / "store"
    shutil.rmtree(path, ignore_errors=True)
    store = EmbeddedStore(path)
    result = _side_by_side_with_raw(spec, store)
    store.close()
    if size(spec["scale"]) <= MEMORY_COPY_MAX:
        in_memory = _memory_copy_side_by_side(spec, path)
        result["memory_copy_ready_s"] = in_memory["memory_copy_ready_s"]
        result["memory_copy_worker_rss_mb"] = in_memory["memory_copy_worker_rss_mb"]
        for name, timings in in_memory["queries"].items():
            result["queries"][name] = _joined(result["queries"][name], timings)
    store = EmbeddedStore(path)
    if not spec["queries"]:  # a run of some queries only keeps the earlier validation figures
        result["validation"] = _batch_validation(spec, store)
    store.close()  # the store stays on disk for the serve measurement
    result["rss"] = peak_rss_mb()
    return result


def _memory_copy_side_by_side(spec: dict, path: Path) -> dict:
    """Open the built store with its in-memory copy: how long until reads come from memory, and its
    answers timed turn about with raw pyoxigraph in memory."""
    import pyoxigraph as ox

    from clusterkg.kg.store.embedded import EmbeddedStore

    start = time.perf_counter()
    store = EmbeddedStore(path, memory_copy=True)
    while not store.answers_from_memory():
        time.sleep(0.01)
    result: dict = {"memory_copy_ready_s": time.perf_counter() - start}
    raw = ox.Store()
    raw.bulk_load(path=spec["dataset"], format=ox.RdfFormat.N_QUADS)
    timings = {
        name: timed(
            {
                "raw-memory-iterate": lambda q: materialise(
                    raw.query(q, use_default_graph_as_union=True)
                ),
                "memory-query": lambda q: _rows(store.query(q, timeout=QUERY_TIMEOUT)),
                "raw-memory-json": lambda q: len(_ox_json(raw, q)),
                "memory-json": lambda q: len(
                    store.query_serialized(q, _media(q), timeout=QUERY_TIMEOUT)
                ),
            },
            qs,
            spec["repeat"],
        )
        for name, qs in spec["variants"].items()
    }
    result["memory_copy_worker_rss_mb"] = vm_hwm_mb(store.worker_pid)
    store.close()
    return result | {"queries": timings}


def _batch_validation(spec: dict, store) -> dict:
    """SHACL of an ingest batch: its focus nodes validated on their neighbourhood, first in a store
    holding only the seed graph, then in `store`."""
    from rdflib import URIRef

    from clusterkg.kg.config import Settings
    from clusterkg.kg.store.embedded import EmbeddedStore
    from clusterkg.kg.validate import load_checks, load_shapes, validate_focus

    settings = Settings()
    shapes = load_shapes(settings.ontology_dir)
    checks = load_checks(settings.queries_dir / "checks")
    seed_path = Path(spec["work"]) / "seed-store"
    shutil.rmtree(seed_path, ignore_errors=True)
    seed = EmbeddedStore(seed_path)
    seed.load_file(Path(spec["seed_dataset"]), FILE_GRAPH)
    focus = [URIRef(s) for s in _batch_subjects(spec["batch"])]
    result: dict = {"focus_nodes": len(focus)}
    seed.load_file(Path(spec["batch"]), FILE_GRAPH)
    store.load_file(Path(spec["batch"]), FILE_GRAPH)
    validate_focus(seed, focus[:1], shapes, checks=checks)  # warm-up: neither timed run pays for it
    for label, target in (("seed", seed), ("full", store)):
        start = time.perf_counter()
        report = validate_focus(target, focus, shapes, checks=checks)
        result[label] = {"seconds": time.perf_counter() - start, "results": len(report.results)}
    seed.close()
    return result


def _side_by_side_with_raw(spec: dict, store) -> dict:
    """Load raw pyoxigraph on disk and `store` from the same file; time their answers turn about."""
    import pyoxigraph as ox

    raw_dir = tempfile.mkdtemp(prefix="bench-ox-", dir=spec["work"])
    raw = ox.Store(raw_dir)
    start = time.perf_counter()
    raw.bulk_load(path=spec["dataset"], format=ox.RdfFormat.N_QUADS)
    raw.flush()
    result: dict = {"raw_load_s": time.perf_counter() - start}
    start = time.perf_counter()
    store.load_file(Path(spec["dataset"]), FILE_GRAPH)
    result["load_s"] = time.perf_counter() - start
    result["quads"] = store.count()
    runs = {
        "raw-iterate": lambda q: materialise(raw.query(q, use_default_graph_as_union=True)),
        "query": lambda q: _rows(store.query(q, timeout=QUERY_TIMEOUT)),
        "raw-json": lambda q: len(_ox_json(raw, q)),
        "json": lambda q: len(store.query_serialized(q, _media(q), timeout=QUERY_TIMEOUT)),
    }
    if size(spec["scale"]) > MEMORY_COPY_MAX:  # the overhead pair only: each run costs seconds here
        runs = {name: runs[name] for name in ("raw-json", "json")}
    result["queries"] = {
        name: timed(runs, qs, spec["repeat"]) for name, qs in spec["variants"].items()
    }
    result["raw_disk_rss_mb"] = vm_hwm_mb(os.getpid())  # before any in-memory store is made here
    result["worker_rss_mb"] = vm_hwm_mb(store.worker_pid)
    if size(spec["scale"]) <= MEMORY_COPY_MAX:
        start = time.perf_counter()  # what an in-memory copy would cost `serve` at start-up
        ox.Store().bulk_load(raw.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        result["memory_copy_s"] = time.perf_counter() - start
    shutil.rmtree(raw_dir, ignore_errors=True)
    return result


def _batch_subjects(batch: str) -> list[str]:
    """The documents, claims and recommendations a batch mints: the focus nodes of its validation."""
    pattern = re.compile(
        r"^<(https://w3id\.org/clusterkg/resource/synthetic/(?:document|claim|recommendation)/[^>]*)>"
    )
    with Path(batch).open(encoding="utf-8") as lines:
        return sorted({m.group(1) for line in lines if (m := pattern.match(line))})


def _rows(result) -> int:
    if result.kind == "ASK":
        return int(bool(result.boolean))
    return len(result.rows) if result.kind == "SELECT" else len(result.graph)


def _media(sparql: str) -> str:
    from clusterkg.kg.store.results import query_form

    return JSON if query_form(sparql) in ("SELECT", "ASK") else "application/n-triples"


def job_remote(spec: dict) -> dict:
    from clusterkg.kg.store.remote import RemoteStore

    folder = tempfile.mkdtemp(prefix="bench-server-", dir=spec["work"])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "oxigraph"),
            "serve",
            "--location",
            folder,
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        start = time.perf_counter()
        with open(spec["dataset"], "rb") as body:
            request = urllib.request.Request(
                f"{url}/store",
                data=body,
                method="POST",
                headers={"Content-Type": "application/n-quads"},
            )
            urllib.request.urlopen(request, timeout=JOB_TIMEOUT).read()
        result: dict = {"load_s": time.perf_counter() - start}
        store = RemoteStore(f"{url}/query", timeout=QUERY_TIMEOUT, retries=0)
        result["quads"] = store.count()

        def raw(sparql: str) -> int:
            request = urllib.request.Request(
                f"{url}/query",
                data=urllib.parse.urlencode({"query": sparql}).encode(),
                method="POST",
                headers={
                    "Accept": f"{JSON}, application/n-triples;q=0.9",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            with urllib.request.urlopen(request, timeout=QUERY_TIMEOUT) as answer:
                return len(answer.read())

        result["queries"] = {
            name: timed(
                {
                    "server-raw": raw,
                    "query": lambda q: _rows(store.query(q, timeout=QUERY_TIMEOUT)),
                    "json": lambda q: len(
                        store.query_serialized(q, _media(q), timeout=QUERY_TIMEOUT)
                    ),
                },
                qs,
                spec["repeat"],
            )
            for name, qs in spec["variants"].items()
        }
        result["rss"] = {"server_mb": vm_hwm_mb(server.pid), **peak_rss_mb()}
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def job_virtuoso(spec: dict) -> dict:
    """Virtuoso Open Source 7 as the tests run it (tests/fixtures/virtuoso.py), bulk-loaded from the
    N-Quads file by its own loader, queried through our remote store."""
    from clusterkg.kg.store.remote import RemoteStore
    from tests.fixtures.virtuoso import DBA_PASSWORD, isql, running_virtuoso

    folder = Path(tempfile.mkdtemp(prefix="bench-virtuoso-", dir=spec["work"]))
    dataset = Path(spec["dataset"]).resolve()
    try:
        with running_virtuoso(folder, load_dir=dataset.parent) as server:
            start = time.perf_counter()
            isql(
                server.sql_port,
                DBA_PASSWORD,
                f"ld_dir ('{dataset.parent}', '{dataset.name}', 'urn:x-clusterkg:unused');"
                " rdf_loader_run (); checkpoint;",
            )
            result: dict = {"load_s": time.perf_counter() - start}
            store = RemoteStore(server.query_endpoint, timeout=QUERY_TIMEOUT, retries=0)
            result["quads"] = store.count()
            result["queries"] = {
                name: timed(
                    {"query": lambda q: _rows(store.query(q, timeout=QUERY_TIMEOUT))},
                    qs,
                    spec["repeat"],
                )
                for name, qs in spec["variants"].items()
            }
            result["rss"] = {"server_mb": vm_hwm_mb(server.pid), **peak_rss_mb()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


class _Alarm(Exception):
    """Raised by SIGALRM: rdflib's engine is pure Python, so a signal stops it between two bytecodes."""


def job_rdflib(spec: dict) -> dict:
    from rdflib import Dataset

    from clusterkg.kg.store.memory import MemoryStore

    def alarm(*_: object) -> None:
        raise _Alarm(f"time limit of {QUERY_TIMEOUT:g} s")

    signal.signal(signal.SIGALRM, alarm)

    def guarded(sparql: str) -> int:
        signal.setitimer(signal.ITIMER_REAL, QUERY_TIMEOUT)
        try:
            answer = dataset.query(sparql)
            return (
                len(answer.graph) if answer.type in ("CONSTRUCT", "DESCRIBE") else len(list(answer))
            )
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(spec["dataset"], format="nquads")
    result: dict = {
        "load_s": time.perf_counter() - start,
        "quads": sum(len(g) for g in dataset.graphs()),
    }
    memory = MemoryStore()
    start = time.perf_counter()
    memory.load(dataset)
    result["memory_load_s"] = time.perf_counter() - start
    result["queries"] = {}
    for name, qs in spec[
        "variants"
    ].items():  # default parameters only: rdflib is slow enough as it is
        timings = timed({"rdflib": guarded}, qs[:1], spec["repeat"], warmup=0)
        if (
            "median_ms" in timings["default"]["rdflib"]
        ):  # our memory store is rdflib plus a fork: no use if it timed out
            timings = _joined(
                timings,
                timed(
                    {"memory": lambda q: _rows(memory.query(q, timeout=QUERY_TIMEOUT))},
                    qs[:1],
                    spec["repeat"],
                    warmup=0,
                ),
            )
        result["queries"][name] = timings
    result["rss"] = peak_rss_mb()
    return result


JOBS: dict[str, Callable[[dict], dict]] = {
    "pyoxigraph-memory": job_pyoxigraph,
    "embedded": job_embedded,
    "remote": job_remote,
    "virtuoso": job_virtuoso,
    "rdflib": job_rdflib,
}


def run_job(engine: str, spec: dict, folder: Path) -> dict:
    """Run one engine job in a fresh Python process; its JSON result (or the error it died of)."""
    spec_path = folder / f"job-{engine}.json"
    spec_path.write_text(json.dumps(spec))
    out_path = folder / f"result-{engine}.json"
    out_path.unlink(missing_ok=True)
    print(f"  {engine} ...", flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "job", engine, str(spec_path), str(out_path)],
            timeout=JOB_TIMEOUT,
            capture_output=True,
            check=False,
            text=True,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"job stopped after {JOB_TIMEOUT} s"}
    if done.returncode != 0 or not out_path.exists():
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    result = json.loads(out_path.read_text())
    result["job_s"] = time.perf_counter() - start
    return result


# -- serve start-up -----------------------------------------------------------------------------------------
def serve_startup(data_dir: Path) -> dict:
    """`clusterkg serve` on an already built store: seconds from start to the first HTTP answer (a
    SPARQL ASK), then how long the home page takes right after."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clusterkg.kg",
            "--data-dir",
            str(data_dir),
            "serve",
            "--port",
            str(port),
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        first = None
        while first is None and time.perf_counter() - start < 300 and process.poll() is None:
            first = _status(f"{base}/sparql?query=ASK%7B%7D", start)
            if first is None:
                time.sleep(0.02)
        if first is None:
            error = process.stderr.read() if process.poll() is not None else "no answer in 300 s"
            return {"error": " ".join(error.split())[-300:]}
        home_start = time.perf_counter()
        home = _status(f"{base}/", home_start)
        return {"seconds": first[0], "status": first[1], "home_s": home[0] if home else None}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _copy_ready(path: Path) -> float:
    """Seconds from opening the built store with its in-memory copy until reads come from memory."""
    from clusterkg.kg.store.embedded import EmbeddedStore

    start = time.perf_counter()
    store = EmbeddedStore(path, memory_copy=True)
    while not store.answers_from_memory():
        time.sleep(0.01)
    ready = time.perf_counter() - start
    store.close()
    return ready


def _status(url: str, since: float) -> tuple[float, int] | None:
    """(seconds since `since`, HTTP status) of a GET, or None when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            answer.read()
            return time.perf_counter() - since, answer.status
    except urllib.error.HTTPError as error:
        return time.perf_counter() - since, error.code
    except OSError:
        return None


# -- report ------------------------------------------------------------------------------------------------
def _cell(entry: dict | None) -> str:
    if not entry:
        return "–"
    if "median_ms" in entry:
        return f"{entry['median_ms']:.1f} / {entry['p95_ms']:.1f}"
    return "timeout" if "timeout" in entry else "error"


def _ratio(a: dict | None, b: dict | None) -> str:
    if a and b and "median_ms" in a and "median_ms" in b and b["median_ms"] > 0:
        return f"{a['median_ms'] / b['median_ms']:.2f}"
    return "–"


LATENCY_COLUMNS = (  # (header, engine, measurement)
    ("pyox mem", "pyoxigraph-memory", "iterate"),
    ("pyox disk", "embedded", "raw-iterate"),
    ("embedded", "embedded", "query"),
    ("pyox disk json", "embedded", "raw-json"),
    ("embedded json", "embedded", "json"),
    ("pyox mem json", "embedded", "raw-memory-json"),
    ("embedded memory-copy json", "embedded", "memory-json"),
    ("pyox mem beside copy", "embedded", "raw-memory-iterate"),
    ("embedded memory-copy", "embedded", "memory-query"),
    ("server raw", "remote", "server-raw"),
    ("remote json", "remote", "json"),
    ("remote", "remote", "query"),
    ("virtuoso", "virtuoso", "query"),
    ("rdflib", "rdflib", "rdflib"),
    ("memory", "rdflib", "memory"),
)
RATIO_COLUMNS = (  # (header, numerator, denominator)
    ("embedded json / pyox disk json", ("embedded", "json"), ("embedded", "raw-json")),
    ("embedded / pyox disk", ("embedded", "query"), ("embedded", "raw-iterate")),
    (
        "embedded memory-copy json / pyox mem json",
        ("embedded", "memory-json"),
        ("embedded", "raw-memory-json"),
    ),
    (
        "embedded memory-copy / pyox mem beside copy",
        ("embedded", "memory-query"),
        ("embedded", "raw-memory-iterate"),
    ),
    ("remote json / server raw", ("remote", "json"), ("remote", "server-raw")),
    ("virtuoso / remote", ("virtuoso", "query"), ("remote", "query")),
    ("pyox disk / pyox mem", ("embedded", "raw-json"), ("embedded", "raw-memory-json")),
    ("rdflib / pyox mem", ("rdflib", "rdflib"), ("pyoxigraph-memory", "iterate")),
    ("memory / rdflib", ("rdflib", "memory"), ("rdflib", "rdflib")),
)


def _found(jobs: dict, engine: str, measurement: str, query: str, group: str) -> dict | None:
    return jobs.get(engine, {}).get("queries", {}).get(query, {}).get(group, {}).get(measurement)


def _query_rows(jobs: dict) -> list[tuple[str, str, str]]:
    """(label, query, group) of each table row: one row for a query without parameters; for a query
    with parameters, its default parameters and its sampled values on rows of their own."""
    reference = jobs.get("pyoxigraph-memory", {})
    parameters = reference.get("parameters", {})
    rows = []
    for name in sorted(reference.get("queries", {})):
        if name not in parameters:
            rows.append((name, name, "default"))
            continue
        rows.append((f"{name}, default parameters", name, "default"))
        if parameters[name]:
            values = "value" if parameters[name] == 1 else "values"
            rows.append((f"{name}, {parameters[name]} sampled {values}", name, "sampled"))
    return rows


def _answer_sizes(entry: dict | None) -> str:
    """The rows (triples, ASK as 0/1) of each variant's answer, as raw pyoxigraph gave them."""
    if not entry or "rows" not in entry:
        return "–"
    return ", ".join(str(count) for count in entry["rows"])


def query_tables(jobs: dict) -> list[str]:
    """The latency table and the ratio table of one scale's engine jobs (Markdown lines)."""
    rows = _query_rows(jobs)
    lines = [
        (
            "Latency, median / p95 in ms (`json`: the answer as SPARQL JSON or N-Triples bytes; "
            "others: read into Python terms, rdflib terms for ours). A query with parameters has a row "
            "for its default parameters and a row for the values sampled from the data; `rows`: the "
            "size of each answer on raw pyoxigraph (rows, triples, or 1 for a true ASK):"
        ),
        "",
        "| query | rows | " + " | ".join(h for h, _, _ in LATENCY_COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(LATENCY_COLUMNS),
    ]
    for label, name, group in rows:
        reference = _found(jobs, "pyoxigraph-memory", "iterate", name, group)
        cells = [_cell(_found(jobs, e, k, name, group)) for _, e, k in LATENCY_COLUMNS]
        lines.append(f"| {label} | {_answer_sizes(reference)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Ratios of medians:",
        "",
        "| query | " + " | ".join(h for h, _, _ in RATIO_COLUMNS) + " |",
        "|---|" + "---:|" * len(RATIO_COLUMNS),
    ]
    for label, name, group in rows:
        ratios = [
            _ratio(_found(jobs, *a, name, group), _found(jobs, *b, name, group))
            for _, a, b in RATIO_COLUMNS
        ]
        lines.append(f"| {label} | " + " | ".join(ratios) + " |")
    return lines


def _load_rows(jobs: dict) -> list[str]:
    rows = ["| engine | load (s) | peak RSS (MB) | quads |", "|---|---:|---:|---:|"]
    for engine, job in jobs.items():
        if "error" in job:
            rows.append(f"| {engine} | {job['error']} | | |")
            continue
        rss = job.get("rss", {})
        if engine == "embedded":
            raw_rss = job.get("raw_disk_rss_mb", rss["self_mb"])
            worker_rss = job.get("worker_rss_mb", rss["children_mb"])
            rows.append(f"| pyoxigraph on disk (raw) | {job['raw_load_s']:.2f} | {raw_rss:.0f} | |")
            rows.append(
                f"| embedded (worker) | {job['load_s']:.2f} | {worker_rss:.0f} | {job['quads']} |"
            )
            if "memory_copy_worker_rss_mb" in job:
                rows.append(
                    f"| embedded with its in-memory copy (worker) | {job['memory_copy_ready_s']:.2f}"
                    f" (copy ready) | {job['memory_copy_worker_rss_mb']:.0f} | |"
                )
        elif engine == "remote":
            rows.append(
                f"| Oxigraph server (POST /store) | {job['load_s']:.2f} | {rss['server_mb']:.0f} | {job['quads']} |"
            )
        elif engine == "virtuoso":
            rows.append(
                f"| Virtuoso 7 (bulk loader) | {job['load_s']:.2f} | {rss['server_mb']:.0f} | {job['quads']} |"
            )
        elif engine == "rdflib":
            rows.append(
                f"| rdflib parse | {job['load_s']:.2f} | {rss['self_mb']:.0f} | {job['quads']} |"
            )
            rows.append(
                f"| memory store load (of the parsed dataset) | {job['memory_load_s']:.2f} | | |"
            )
        else:
            where = "in memory" if job.get("in_memory", True) else "on disk, first job"
            rows.append(
                f"| pyoxigraph ({where}) | {job['load_s']:.2f} | {rss['self_mb']:.0f} | {job['quads']} |"
            )
    return rows


def report(results: dict) -> str:
    """The markdown tables of a run."""
    lines = []
    for scale, run in sorted(results.items(), key=lambda item: size(item[0])):
        meta, jobs = run["meta"], run["jobs"]
        lines += [
            (
                f"### {scale} triples ({meta['real_triples']} real + {meta['synthetic_triples']} synthetic, "
                f"{meta['documents']} synthetic documents)"
            ),
            "",
            f"Command: `{run['command']}`",
            "",
            *_load_rows(jobs),
        ]
        if "memory_copy_s" in jobs.get("embedded", {}):
            lines += [
                "",
                (
                    f"In-memory copy of the on-disk store (dump + load): {jobs['embedded']['memory_copy_s']:.2f} s;"
                    f" the embedded store opened with `memory_copy=True` answers from memory after "
                    f"{jobs['embedded'].get('memory_copy_ready_s', float('nan')):.2f} s (from disk until then)."
                ),
            ]
        skipped = jobs.get("pyoxigraph-memory", {}).get("skipped", {})
        lines += [
            "",
            *query_tables(jobs),
            "",
            *(f"- {name}: {reason}" for name, reason in sorted(skipped.items())),
        ]
        validation = jobs.get("embedded", {}).get("validation")
        if validation:
            lines += [
                "",
                (
                    f"SHACL of an ingest batch ({validation['focus_nodes']} focus nodes of about 100 synthetic "
                    f"studies): {validation['seed']['seconds']:.2f} s against the seed graph, "
                    f"{validation['full']['seconds']:.2f} s against this graph "
                    f"(ratio {validation['full']['seconds'] / validation['seed']['seconds']:.2f})."
                ),
            ]
        if "serve" in run:
            serve = run["serve"]
            lines += [
                "",
                "`clusterkg serve` on the built embedded store, start to first HTTP answer: "
                + (
                    f"{serve['seconds']:.2f} s (HTTP {serve['status']}); the home page then took "
                    f"{serve.get('home_s') or float('nan'):.2f} s. Opened with its in-memory copy, "
                    f"the store answers from memory after {serve.get('memory_copy_ready_s', float('nan')):.2f} s."
                    if "seconds" in serve
                    else serve["error"]
                ),
            ]
        if "pages" in run:
            lines += ["", *_page_rows(run["pages"])]
        lines.append("")
    return "\n".join(lines)


def _page_rows(pages: dict) -> list[str]:
    """The page-latency table: one row a page, a column pair per source (disk, in-memory copy)."""
    sources = list(pages)
    rows = [
        "Web pages through the app (Flask test client, no HTTP), median / slowest ms and HTTP status; "
        + "; ".join(f"{s}: store ready after {pages[s]['ready_s']:.2f} s" for s in sources)
        + ":",
        "",
        "| page | " + " | ".join(sources) + " |",
        "|---|" + "---:|" * len(sources),
    ]
    for page in pages[sources[0]]["pages"]:
        cells = []
        for source in sources:
            timing = pages[source]["pages"][page]
            cells.append(f"{timing['median_ms']:.0f} / {timing['max_ms']:.0f} ({timing['status']})")
        rows.append(f"| `{page}` | " + " | ".join(cells) + " |")
    return rows


def _merge_queries(earlier: dict, new: dict) -> dict:
    """The earlier jobs with the figures of `new` (a run of some queries only) put in: an engine run again
    takes its new load and memory figures and the new figures of the queries run; its other queries
    and its validation keep the earlier figures. An engine not run again loses its figures for the
    queries run again: they were for the earlier text of the query."""
    merged = {engine: dict(job) for engine, job in earlier.items()}
    rerun = set(new.get("pyoxigraph-memory", {}).get("queries", {}))
    for engine, job in merged.items():
        if engine not in new and "queries" in job:
            job["queries"] = {k: v for k, v in job["queries"].items() if k not in rerun}
    for engine, job in new.items():
        before = merged.get(engine, {})
        if "queries" not in job or "queries" not in before:
            merged[engine] = job
            continue
        kept = {
            key: {k: v for k, v in before.get(key, {}).items() if k not in job["queries"]}
            for key in ("skipped", "parameters")
        }
        merged[engine] = {
            **before,
            **job,
            "queries": {**before["queries"], **job["queries"]},
            "skipped": {**kept["skipped"], **job.get("skipped", {})},
            "parameters": {**kept["parameters"], **job.get("parameters", {})},
        }
    return merged


def _too_slow(results: dict, scale: int) -> dict[str, str]:
    """Queries that took more than SLOW seconds at a smaller scale (raw pyoxigraph, in memory or on
    disk), with why: raw pyoxigraph has no time limit, so a query that grows past it would stall the run."""
    slow = {}
    for done, run in results.items():
        if size(done) >= scale:
            continue
        raw = [
            ("in memory", run["jobs"].get("pyoxigraph-memory", {}), "iterate"),
            ("on disk", run["jobs"].get("embedded", {}), "raw-json"),
        ]
        for where, job, measurement in raw:
            for name, groups in job.get("queries", {}).items():
                median = (
                    max(
                        timing.get(measurement, {}).get("median_ms", 0)
                        for timing in groups.values()
                    )
                    / 1000
                )
                if median > SLOW:
                    slow[name] = f"not run: {median:.0f} s on raw pyoxigraph {where} at {done}"
    return slow


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "job":  # internal: one engine job in this process
        engine, spec_path, out_path = argv[1:4]
        Path(out_path).write_text(json.dumps(JOBS[engine](json.loads(Path(spec_path).read_text()))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["10k", "100k", "1m"])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument(
        "--repeat", type=int, default=11, help="timed runs per query variant (rdflib: 3)"
    )
    parser.add_argument(
        "--samples", type=int, default=3, help="extra parameter values per IRI parameter"
    )
    parser.add_argument(
        "--rdflib-max", type=size, default=size("1m"), help="largest scale rdflib is run at"
    )
    parser.add_argument(
        "--serve-from",
        type=size,
        default=size("1m"),
        help="smallest scale serve start-up is measured at",
    )
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="measure only `serve` start-up and the web pages, on the stores an earlier run built",
    )
    parser.add_argument(
        "--no-pages",
        action="store_true",
        help="do not time the web pages (kept from an earlier run)",
    )
    parser.add_argument(
        "--queries",
        nargs="+",
        metavar="GLOB",
        help="time only these queries (paths under queries/, e.g. 'web/resource-*'), merged into the "
        "earlier run's figures for the scale",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args(argv)
    results_path = args.out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for scale in args.scales:
        if args.serve_only:
            results[scale]["serve"] = serve_startup(args.out / scale / "clusterkg") | {
                "memory_copy_ready_s": _copy_ready(args.out / scale / "clusterkg" / "store")
            }
            if not args.no_pages:
                results[scale]["pages"] = page_latency(
                    args.out / scale / "clusterkg" / "store", args.repeat, QUERY_TIMEOUT
                )
            results[scale]["command"] += f"; then bench/run.py {' '.join(argv)}"
            results_path.write_text(json.dumps(results, indent=1))
            (args.out / "results.md").write_text(report(results))
            continue
        skip = _too_slow(results, size(scale))
        print(f"{scale}: preparing data", flush=True)
        meta = prepare(scale, args.out, args.seed)
        folder = args.out / scale
        spec = {
            "dataset": meta["dataset"],
            "batch": meta["batch"],
            "seed_dataset": meta["seed_dataset"],
            "work": str(folder),
            "repeat": args.repeat,
            "samples": args.samples,
            "seed": args.seed,
            "skip": skip,
            "scale": scale,
            "queries": args.queries,
        }
        jobs = {}
        first = run_job("pyoxigraph-memory", spec, folder)
        jobs["pyoxigraph-memory"] = first
        spec["variants"] = first.get("variants")
        if spec["variants"] is None:
            raise SystemExit(f"{scale}: the pyoxigraph job failed: {first.get('error')}")
        first.pop("variants")
        for engine in args.engines:
            if engine == "pyoxigraph-memory":
                continue
            if engine == "rdflib" and size(scale) > args.rdflib_max:
                jobs[engine] = {
                    "error": f"not run above {args.rdflib_max} triples (too slow and too large)"
                }
                continue
            job_spec = (
                dict(spec, repeat=3 if size(scale) <= 100_000 else 1)
                if engine == "rdflib"
                else spec
            )
            jobs[engine] = run_job(engine, job_spec, folder)
        command = " ".join(["bench/run.py", *argv])
        earlier = results.get(scale, {})
        if earlier.get("meta") == meta and args.queries:  # only these queries' figures are new
            jobs = _merge_queries(earlier["jobs"], jobs)
            command = f"{earlier['command']}; then {command}"
        elif earlier.get("meta") == meta:  # engines not run this time keep their earlier figures
            jobs = {**earlier["jobs"], **jobs}
            command = f"{earlier['command']}; then {command}"
        run = {"meta": meta, "jobs": jobs, "command": command}
        kept = (
            {k: earlier[k] for k in ("serve", "pages") if k in earlier}
            if earlier.get("meta") == meta
            else {}
        )
        built = "embedded" in jobs and "error" not in jobs["embedded"]
        if args.queries:  # a run of some queries only: serve and pages stay as measured before
            run |= kept
        else:
            if size(scale) >= args.serve_from and built:
                run["serve"] = serve_startup(folder / "clusterkg")
            if built and not args.no_pages:
                print("  pages ...", flush=True)
                run["pages"] = page_latency(
                    folder / "clusterkg" / "store", args.repeat, QUERY_TIMEOUT
                )
            elif "pages" in kept:
                run["pages"] = kept["pages"]
        results[scale] = run
        args.out.mkdir(parents=True, exist_ok=True)
        results_path.write_text(json.dumps(results, indent=1))
        (args.out / "results.md").write_text(report(results))
        print(report({scale: run}), flush=True)


if __name__ == "__main__":
    main()
