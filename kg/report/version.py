"""The dataset version a report names: SHA-256 of the store's quads, sorted, blank nodes written as `_:`."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pyoxigraph

from kg.store.base import Store


def dataset_version(store: Store) -> str:
    """`sha256:<hex>` of the store's N-Quads dump, one line per quad, lines sorted, every blank node label
    replaced by `_:` (a reload relabels blank nodes; their content still counts). Two stores with the same
    quads up to blank-node labels have the same version."""
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
