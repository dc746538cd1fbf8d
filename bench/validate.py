"""Time `clusterkg validate --from-store` as a user runs it: wall time and peak memory of the whole process tree
(the CLI and the embedded store's worker), on the store of bench/out/<scale>/clusterkg (loaded from
bench/run.py's data on first use).

    nice -n 10 .venv/bin/python bench/validate.py 100k 1m
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.run import prepare

CLI = Path(sys.executable).parent / "clusterkg"


def store_of(scale: str, out: Path, seed: int) -> dict[str, str]:
    """The environment that points the CLI at the scale's store, loading it first if it is missing."""
    data_dir = out / scale / "clusterkg"
    env = os.environ | {"CLUSTERKG_DATA_DIR": str(data_dir)}
    if not (data_dir / "store").exists():
        meta = prepare(scale, out, seed)
        subprocess.run([str(CLI), "load", meta["dataset"]], env=env, check=True)
    return env


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def high_water_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(env: dict[str, str]) -> dict:
    """Run the command once; peak memory is the sum over the tree of each process's high-water mark."""
    command = [str(CLI), "validate", "--from-store", "--format", "json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        peaks: dict[int, float] = {}
        while process.poll() is None:
            for pid in tree(process.pid):
                peaks[pid] = max(peaks.get(pid, 0.0), high_water_mb(pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, errors = out.read(), err.read()
    report = json.loads(text) if text.strip() else {}
    return {
        "command": " ".join(["clusterkg", *command[1:]]),
        "seconds": round(seconds, 2),
        "peak_mb": round(sum(peaks.values())),
        "processes": len(peaks),
        "exit": process.returncode,
        "counts": report.get("counts"),
        "stderr": errors.decode()[-500:],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scales", nargs="+")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args(argv)
    for scale in args.scales:
        env = store_of(scale, args.out, args.seed)
        for _ in range(args.repeat):
            print(json.dumps({"scale": scale} | measure(env)), flush=True)


if __name__ == "__main__":
    main()
