"""`clusterkg init`: a review workspace of one's own, made from the packaged template (and the example)."""

from __future__ import annotations

import shutil
from pathlib import Path

from clusterkg.kg import resources
from clusterkg.kg.config import WORKSPACE_FILE
from clusterkg.kg.errors import UserError
from clusterkg.kg.manifest import read_manifest

FOLDERS = ("data", "texts", "queries", "ontology", "shapes")


def init_workspace(folder: Path, with_example: bool = False) -> list[Path]:
    """Create the workspace in `folder` (made if missing); returns what was written. An existing workspace
    is left alone; files already in `folder` are never overwritten."""
    if (folder / WORKSPACE_FILE).exists():
        raise UserError("already a ClusterKG workspace", folder / WORKSPACE_FILE)
    template = resources.workspace_template()
    files = {p.relative_to(template / "base"): p for p in _files(template / "base")}
    if with_example:
        files[Path("sources.ttl")] = template / "example" / "sources.ttl"
        for source in read_manifest(resources.example_manifest()).sources:
            for data_file in source.data_files:
                files[Path("data") / data_file.relative_to(resources.example_manifest().parent)] = (
                    data_file
                )
    clashes = sorted(str(name) for name in files if (folder / name).exists())
    if clashes:
        raise UserError(f"would overwrite {', '.join(clashes)}", folder)
    for name in FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
