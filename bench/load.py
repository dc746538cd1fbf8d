"""Load test: concurrent clients against a real `clusterkg serve` process on 127.0.0.1, over HTTP, on a
synthetic graph per scale; requests/s, p50/p99 per page and errors, bounded in time and requests.

    nice -n 10 .venv/bin/python bench/load.py --scales 100k 1m --clients 8 16 32 --duration 30

Data: bench/out/<scale>/dataset.nq (written by bench/run.py's `prepare`), loaded once with
`clusterkg load` into bench/out/<scale>/load-test/. Results: bench/out/load.json and load.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.pages import PAGES
from bench.run import free_port, prepare, vm_hwm_mb

QUERIES = ("cq01-cluster-types", "cq04-hanoi-cluster-figures", "cq08-research-questions-answers")
MAX_REQUESTS_PER_CLIENT = 5_000  # a bound besides --duration: the loop always ends by itself
REQUEST_TIMEOUT = 60.0  # seconds a client waits for one answer
JSON = "application/sparql-results+json"


def requests_mix() -> list[tuple[str, str, bytes | None]]:
    """(name, path, SPARQL body or None): the pages of bench/pages.py and some competency questions
    with their default parameters, sent to /sparql as application/sparql-query."""
    from clusterkg.kg.config import Settings
    from clusterkg.kg.queries import load_query

    mix: list[tuple[str, str, bytes | None]] = [(page, page, None) for page in PAGES]
    for name in QUERIES:
        query = load_query(Settings().queries_dir / f"{name}.rq")
        mix.append((f"/sparql {name}", "/sparql", query.bind().encode()))
    return mix


def fetch(base: str, path: str, body: bytes | None) -> int:
    """The HTTP status of one request (its body read whole); 0 when the connection failed."""
    headers = {"Accept": JSON} if body else {"Accept": "text/html"}
    if body:
        headers["Content-Type"] = "application/sparql-query"
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code
    except OSError:
        return 0


def run_clients(
    base: str, mix: list, clients: int, duration: float, write: Writer | None = None
) -> dict:
    """`clients` threads, each going round the mix (from its own offset) until `duration` or the bound;
    with `write`, a `clusterkg load` into the served store every `write.every` seconds meanwhile."""
    samples: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def client(offset: int) -> None:
        mine = []
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= stop_at:
                break
            name, path, body = mix[(offset + i) % len(mix)]
            start = time.perf_counter()
            status = fetch(base, path, body)
            mine.append((name, status, time.perf_counter() - start))
        with lock:
            samples.extend(mine)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    if write is not None:
        threads.append(threading.Thread(target=write.run, args=(stop_at,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    result = summarise(samples, elapsed, clients)
    if write is not None:
        result["writes"] = write.done
    return result


class Writer:
    """Writes into the served store as a user would: `clusterkg load FILE --replace`, a process that hands
    its write to the server's worker, every `every` seconds (a graph of one changing label)."""

    def __init__(self, data_dir: Path, every: float) -> None:
        self.data_dir = data_dir
        self.every = every
        self.done: list[float] = []  # seconds each write took

    def run(self, stop_at: float) -> None:
        probe = self.data_dir / "write-probe.ttl"
        while time.perf_counter() + self.every < stop_at:
            time.sleep(self.every)
            probe.write_text(
                "<https://w3id.org/clusterkg/resource/bench/write-probe> "
                f'<http://www.w3.org/2000/01/rdf-schema#label> "write {len(self.done)}" .\n'
            )
            start = time.perf_counter()
            subprocess.run(
                _cli("--data-dir", str(self.data_dir), "load", str(probe), "--replace"),
                cwd=PROJECT,
                env=_env(),
                check=True,
                capture_output=True,
            )
            self.done.append(time.perf_counter() - start)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarise(samples: list[tuple[str, int, float]], elapsed: float, clients: int) -> dict:
    times = [s[2] * 1000 for s in samples]
    errors: dict[str, int] = {}
    for name, status, _ in samples:
        if status != 200:
            key = f"{name} -> {status or 'connection failed'}"
            errors[key] = errors.get(key, 0) + 1
    per_page = {}
    for name in dict.fromkeys(s[0] for s in samples):
        page_times = [s[2] * 1000 for s in samples if s[0] == name]
        per_page[name] = {
            "requests": len(page_times),
            "p50_ms": statistics.median(page_times),
            "p99_ms": _percentile(page_times, 0.99),
        }
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests": len(samples),
        "requests_per_s": len(samples) / elapsed if elapsed else 0.0,
        "errors": errors,
        "p50_ms": statistics.median(times) if times else None,
        "p99_ms": _percentile(times, 0.99) if times else None,
        "pages": per_page,
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clusterkg.kg", *args]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT))


def ensure_store(scale: str, out: Path, seed: int) -> Path:
    """The data dir of the scale's load-test store, loaded once with `clusterkg load`."""
    meta = prepare(scale, out, seed)
    data_dir = out / scale / "load-test"
    marker = data_dir / "loaded"
    if not marker.exists():
        subprocess.run(
            _cli("--data-dir", str(data_dir), "load", meta["dataset"]),
            cwd=PROJECT,
            env=_env(),
            check=True,
        )
        marker.write_text(meta["dataset"])
    return data_dir


def serve(data_dir: Path, port: int) -> subprocess.Popen:
    """`clusterkg serve`, its request log in <data dir>/serve.log (a pipe nobody reads fills after
    about 830 logged requests and stops the server)."""
    with (data_dir / "serve.log").open("wb") as log:
        return subprocess.Popen(
            _cli("--data-dir", str(data_dir), "serve", "--port", str(port)),
            cwd=PROJECT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def warm_up(base: str, mix: list, process: subprocess.Popen, limit: float = 600) -> float:
    """Seconds until every request of the mix has answered 200 once (the server is up, its memory copy
    made or not: the first pass also waits for that)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit and process.poll() is None:
        if fetch(base, "/sparql?query=ASK%7B%7D", None) in (200, 406):
            break
        time.sleep(0.05)
    for _, path, body in mix:
        status = fetch(base, path, body)
        if status != 200:
            raise SystemExit(f"warm-up: {path} answered {status}")
    return time.perf_counter() - start


def _memory_mb(pid: int) -> float:
    """Peak resident memory of `pid` and its children (the store worker), in MB."""
    total = vm_hwm_mb(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        total += sum(vm_hwm_mb(int(child)) for child in children)
    return total


def report(results: dict) -> str:
    lines = []
    for scale, entry in results.items():
        lines += [
            f"### {scale} triples — `{entry['command']}`",
            "",
            (
                f"serve ready (first answer + one warm-up pass of the mix): {entry['warm_up_s']:.1f} s; "
                f"peak memory of serve and its store worker: {entry['memory_mb']:.0f} MB"
            ),
            "",
            "| clients | requests | requests/s | p50 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|",
        ]
        for run in entry["runs"]:
            errors = sum(run["errors"].values())
            lines.append(
                f"| {run['clients']} | {run['requests']} | {run['requests_per_s']:.1f} | "
                f"{run['p50_ms']:.0f} | {run['p99_ms']:.0f} | {errors} |"
            )
        busiest = entry["runs"][-1]
        lines += [
            "",
            f"Per request at {busiest['clients']} clients:",
            "",
            "| request | n | p50 ms | p99 ms |",
            "|---|---|---|---|",
        ]
        for name, page in busiest["pages"].items():
            lines.append(
                f"| `{name}` | {page['requests']} | {page['p50_ms']:.0f} | {page['p99_ms']:.0f} |"
            )
        for run in entry["runs"]:
            if run.get("writes"):
                lines.append(
                    f"\nwrites at {run['clients']} clients: {len(run['writes'])} "
                    f"(`clusterkg load --replace` into the served store, "
                    f"{statistics.median(run['writes']):.1f} s each, median)"
                )
            for what, count in run["errors"].items():
                lines.append(f"\nerrors at {run['clients']} clients: {count} × {what}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["100k", "1m"])
    parser.add_argument("--clients", nargs="+", type=int, default=[8, 16, 32])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per client count")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument(
        "--write-every",
        type=float,
        help="seconds between two writes into the served store during each run (default: none)",
    )
    args = parser.parse_args(argv)
    mix = requests_mix()
    results = {}
    for scale in args.scales:
        data_dir = ensure_store(scale, args.out, args.seed)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = serve(data_dir, port)
        try:
            ready = warm_up(base, mix, process)
            write = Writer(data_dir, args.write_every) if args.write_every else None
            runs = [run_clients(base, mix, n, args.duration, write) for n in args.clients]
            memory = _memory_mb(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        results[scale] = {
            "command": " ".join(["bench/load.py", *argv]),
            "warm_up_s": ready,
            "memory_mb": memory,
            "runs": runs,
        }
        print(report({scale: results[scale]}), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(results, indent=1))
    (args.out / "load.md").write_text(report(results))


if __name__ == "__main__":
    main()
