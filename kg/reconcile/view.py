"""Two study records side by side, as a reviewer compares them: per property, each record's values and the
graphs that state them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from clusterkg.kg.display import short
from clusterkg.kg.namespaces import INFERRED_GRAPH
from clusterkg.kg.queries import load_query
from clusterkg.kg.store.base import Store


@dataclass(frozen=True)
class Row:
    """One property: the values each record gives (`value [graph]`)."""

    prop: str
    left: tuple[str, ...]
    right: tuple[str, ...]


def side_by_side(store: Store, queries_dir: Path, left: URIRef, right: URIRef) -> list[Row]:
    """The statements about `left` and `right` in every graph but the inferred one, by property."""
    query = load_query(queries_dir / "reconcile" / "record-statements.rq")
    values: dict[str, dict[URIRef, list[str]]] = {}
    for row in store.query(query.bind(values={"s": [left, right]})).rows:
        if row["g"] == INFERRED_GRAPH:
            continue
        cell = values.setdefault(short(row["p"]), {left: [], right: []})
        cell[URIRef(row["s"])].append(f"{short(row['o'])} [{short(row['g'])}]")
    return [
        Row(prop, tuple(sorted(cells[left])), tuple(sorted(cells[right])))
        for prop, cells in sorted(values.items())
    ]
