"""The dataset version a report names: SHA-256 of the store's quads, sorted, blank nodes written as `_:`;
remembered beside an embedded store until its next write."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pyoxigraph

from clusterkg.kg.search.indexed import IndexedStore
from clusterkg.kg.store.base import Store

REMEMBERED = (
    "dataset-version.json"  # beside an embedded store: {"state": its write state, "version"}
)


def dataset_version(store: Store) -> str:
    """`sha256:<hex>` of the store's N-Quads dump, one line per quad, lines sorted, every blank node label
    replaced by `_:` (a reload relabels blank nodes; their content still counts). Two stores with the same
    quads up to blank-node labels have the same version.

    An embedded store counts its writes (`IndexedStore.state`, "dirty" while one runs): the version computed
    while the count stayed the same is remembered beside the store and given again while it is, so a store of
    1M triples is not read whole for every report."""
    path = remembered_at(store)
    state = store.state() if path is not None else ""  # type: ignore[attr-defined]
    steady = bool(state) and "dirty" not in state
    if path is not None and steady:
        remembered = _remembered(path)
        if remembered.get("state") == state and remembered.get("version"):
            return remembered["version"]
    version = _computed(store)
    if path is not None and steady and store.state() == state:  # type: ignore[attr-defined]
        _remember(path, {"state": state, "version": version})
    return version


def remembered_at(store: Store) -> Path | None:
    """Where the version of an embedded store is remembered (None for other stores: computed each time)."""
    if isinstance(store, IndexedStore) and store.name == "embedded":
        return store.store.path.parent / REMEMBERED  # type: ignore[attr-defined]
    return None


def _computed(store: Store) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dataset.nq"
        store.dump(dump, "nquads")
        with dump.open("rb") as data:
            lines = sorted(
                " ".join(_term(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
                for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS)
            )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return f"sha256:{digest.hexdigest()}"


def _term(term: object) -> str:
    return "_:" if isinstance(term, pyoxigraph.BlankNode) else str(term)


def _read(path: Path | None) -> str:
    try:
        return path.read_text(encoding="utf-8") if path is not None else ""
    except OSError:
        return ""


def _remembered(path: Path) -> dict[str, str]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _remember(path: Path, value: dict[str, str]) -> None:
    """Write `value` to `path`, replaced atomically; a store directory we may not write in is left alone."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(value, out)
        os.replace(tmp, path)
    except OSError:
        return
