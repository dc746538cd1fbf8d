"""Long work shows progress on a terminal (a bar on stderr with the step under way and an ETA) and stays
quiet otherwise: the CLI run in a pseudo-terminal, and the same commands with stderr a pipe."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clusterkg.kg.config import PROJECT_ROOT

CORE = PROJECT_ROOT / "tests" / "data" / "core"
STUDIES = CORE / "data" / "seed" / "studies.ttl"


def config(folder: Path) -> Path:
    path = folder / "clusterkg.toml"
    path.write_text(
        "[clusterkg]\n"
        f'ontology_dir = "{CORE / "ontology"}"\n'
        f'queries_dir = "{CORE / "queries"}"\n'
        f'sources_manifest = "{CORE / "data" / "sources.ttl"}"\n'
        f'data_dir = "{folder / ".clusterkg"}"\n',
        encoding="utf-8",
    )
    return path


def on_terminal(*args: str | Path, cwd: Path) -> tuple[int, str]:
    """Run `python -m clusterkg.kg ARGS` with stderr a pseudo-terminal; (exit code, what the terminal showed)."""
    main, side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "clusterkg.kg", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=side,
    )
    os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return process.wait(), shown.decode()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a config over the core test data, and its store built."""
    folder = tmp_path_factory.mktemp("progress")
    assert on_terminal("--config", config(folder), "build", cwd=folder)[0] == 0
    return folder


@pytest.mark.parametrize(
    ("args", "label", "steps"),
    [
        (["build"], "build", 4),  # one source, the reasoner, validation, the store
        (["validate"], "validate", 2),
        (["reason"], "reason", 2),
        (["load", STUDIES], "load", 1),
        (["ingest", STUDIES, "--dry-run"], "ingest", 1),
    ],
)
def test_long_work_shows_progress_on_a_terminal_only(
    args: list[str | Path], label: str, steps: int, built: Path
) -> None:
    toml = built / "clusterkg.toml"
    code, shown = on_terminal("--config", toml, *args, cwd=built)
    assert code in (0, 1), shown
    assert f"{label}  [" in shown and f"{steps}/{steps}  done" in shown
    # the total is known, so click adds an ETA once its own clock says enough time has passed between two
    # steps; that depends on the machine's load, so only its form is checked where it shows
    for eta in re.findall(rf"\d/{steps}  (\S+)  ", shown):
        assert re.fullmatch(r"\d\d:\d\d:\d\d|[a-z]+", eta), shown
    piped = subprocess.run(
        [sys.executable, "-m", "clusterkg.kg", "--config", str(toml), *map(str, args)],
        cwd=built,
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == code
    assert f"{label}  [" not in piped.stderr and "done" not in piped.stderr
