"""The search index: an SQLite FTS5 file beside the store, with BM25 ranking, facets and the store state
it was built from; filled from the store graph by graph by two named queries."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.search.snippets import Snippet, snippet
from clusterkg.kg.search.tokens import Term, fts_query, indexed_text, matches, nfc, parse
from clusterkg.kg.store.base import Store

TEXTS = "web/search-index-texts"
FACETS = "web/search-index-facets"
FACET_KINDS = ("type", "year", "concept")
VERSION = "2"  # of SCHEMA and of what the tokenizer writes: an index of another version is stale
SPAN = (
    1 << 32
)  # a text's id is its resource's id * SPAN + its number (2^31 resources of 2^32 texts)
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT);
CREATE TABLE docs(id INTEGER PRIMARY KEY, field TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE sources(graph TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(graph, doc)) WITHOUT ROWID;
CREATE INDEX sources_doc ON sources(doc);
CREATE VIRTUAL TABLE texts USING fts5(words, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE facet_values(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, UNIQUE(kind, key));
CREATE TABLE facets(resource INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY(resource, value))
  WITHOUT ROWID;
"""
NAMED = "LEFT JOIN resources n ON n.iri = v.key"  # a facet value's name: the label of its resource


@dataclass
class Hit:
    resource: str
    label: str | None
    matches: int  # matching texts (labels, quotes, rationales): most first
    id: int = 0  # the resource's number in the index
    types: dict[str, str] = field(default_factory=dict)  # type IRI -> its label ("" if none)
    snippets: list[Snippet] = field(default_factory=list)


@dataclass(frozen=True)
class FacetValue:
    key: str
    name: str
    count: int


@dataclass
class Results:
    total: int  # every hit of the query
    shown: int  # the hits left by the chosen facets
    hits: list[Hit]  # the requested page of them
    facets: dict[str, list[FacetValue]]  # by kind, over every hit


class SearchIndex:
    """The index file at `path`; `queries` holds the two named queries that fill it."""

    def __init__(self, path: Path, queries: Mapping[str, NamedQuery]) -> None:
        self.path = path
        self.queries = queries

    # -- state ---------------------------------------------------------------------------------------
    def state(self) -> str | None:
        """The store state the index was built from, or None when there is no usable index."""
        if not self.path.exists():
            return None
        try:
            with closing(self._connect()) as db:
                rows = dict(db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError:
            return None
        return rows.get("state") if rows.get("version") == VERSION else None

    def size(self) -> tuple[int, int]:
        """How many texts the index holds, and of how many resources."""
        with closing(self._connect()) as db:
            return db.execute(f"SELECT COUNT(*), COUNT(DISTINCT id / {SPAN}) FROM docs").fetchone()

    # -- writing -------------------------------------------------------------------------------------
    def rebuild(self, store: Store, state: str) -> None:
        """Index every graph of `store` into a new file, then put it in place of the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        fresh.unlink(missing_ok=True)
        try:
            with closing(sqlite3.connect(fresh)) as db:
                db.executescript(SCHEMA)
                with db:
                    for graph in store.graphs():
                        self._add_graph(db, store, graph)
                    _set_state(db, state)
            os.replace(fresh, self.path)
        finally:
            fresh.unlink(missing_ok=True)

    def update(self, store: Store, graphs: Iterable[URIRef], state: str) -> None:
        """Index `graphs` again (their texts now, nothing of what they held before), in one transaction:
        a text that no other graph holds goes, and so do the facets of a resource left without texts."""
        with closing(self._connect()) as db, db:
            for graph in graphs:
                db.execute(
                    "CREATE TEMP TABLE gone AS SELECT doc FROM sources WHERE graph = ?",
                    (str(graph),),
                )
                db.execute("DELETE FROM sources WHERE graph = ?", (str(graph),))
                db.execute(
                    "DELETE FROM gone WHERE EXISTS (SELECT 1 FROM sources s WHERE s.doc = gone.doc)"
                )
                db.execute("DELETE FROM texts WHERE rowid IN (SELECT doc FROM gone)")
                db.execute("DELETE FROM docs WHERE id IN (SELECT doc FROM gone)")
                left = f"SELECT 1 FROM docs WHERE id BETWEEN r * {SPAN} AND r * {SPAN} + {SPAN - 1}"
                emptied = f"SELECT DISTINCT doc / {SPAN} AS r FROM gone WHERE NOT EXISTS ({left})"
                db.execute(f"DELETE FROM facets WHERE resource IN ({emptied})")
                db.execute(f"DELETE FROM resources WHERE id IN ({emptied})")
                db.execute("DROP TABLE gone")
                self._add_graph(db, store, graph)
            _set_state(db, state)

    def _add_graph(self, db: sqlite3.Connection, store: Store, graph: URIRef) -> None:
        rows = store.query(self.queries[TEXTS].bind({"graph": graph})).rows
        ids: dict[str, int] = {}
        for row in rows:
            resource = ids.get(str(row["resource"]))
            if resource is None:
                resource = ids[str(row["resource"])] = _resource_id(db, str(row["resource"]))
            doc = _doc_id(db, resource, str(row["field"]), nfc(str(row["text"])))
            db.execute("INSERT OR IGNORE INTO sources(graph, doc) VALUES (?, ?)", (str(graph), doc))
        if not ids:
            return
        db.executemany("DELETE FROM facets WHERE resource = ?", ((r,) for r in ids.values()))
        labels: dict[int, str] = {}
        values: set[tuple[int, str, str]] = set()
        for row in store.query(self.queries[FACETS].bind({"graph": graph})).rows:
            resource = ids[str(row["resource"])]
            if "label" in row:
                label = str(row["label"])
                labels[resource] = min(labels.get(resource, label), label)
            values.update((resource, kind, str(row[kind])) for kind in FACET_KINDS if kind in row)
        db.executemany(
            "UPDATE resources SET label = ? WHERE id = ?",
            ((labels.get(r), r) for r in ids.values()),
        )
        db.executemany(
            "INSERT OR IGNORE INTO facet_values(kind, key) VALUES (?, ?)",
            sorted({(kind, key) for _, kind, key in values}),
        )
        db.executemany(
            "INSERT OR IGNORE INTO facets(resource, value) "
            "SELECT ?, id FROM facet_values WHERE kind = ? AND key = ?",
            sorted(values),
        )

    # -- reading -------------------------------------------------------------------------------------
    def search(self, query: str, chosen: Mapping[str, str], offset: int, limit: int) -> Results:
        """The hits of `query` (most matching texts first, then BM25), narrowed by the `chosen` facet
        values, one page of them with snippets, and the facets of every hit. SQL groups, ranks and
        counts every hit; Python sees the page and the facet values only. BM25 (most of the cost of a
        common word) is computed for the hits that compete for the page only: those with at least as many
        matching texts as its last hit."""
        terms = parse(query)
        if not terms:
            return Results(0, 0, [], {kind: [] for kind in FACET_KINDS})
        match = fts_query(terms)
        with closing(self._connect()) as db:
            db.execute(
                "CREATE TEMP TABLE hits(resource INTEGER PRIMARY KEY, matches INTEGER, score REAL)"
            )
            db.execute(  # the texts come in rowid order, so by resource: each adds to the last row
                f"INSERT INTO hits(resource, matches) SELECT rowid / {SPAN}, 1 FROM texts "
                "WHERE texts MATCH ? AND 1 ON CONFLICT(resource) DO UPDATE SET matches = matches + 1",
                (match,),
            )
            narrowing, params = _narrowing(db, chosen)
            total = db.execute("SELECT COUNT(*) FROM hits").fetchone()[0]
            shown, level = 0, 0
            for texts, count in db.execute(
                f"SELECT matches, COUNT(*) FROM hits h WHERE 1 {narrowing} GROUP BY matches "
                "ORDER BY matches DESC",
                params,
            ).fetchall():
                if shown < offset + limit:
                    level = texts
                shown += count
            db.execute(
                f"UPDATE hits SET score = s.score FROM (SELECT rowid / {SPAN} AS resource, SUM(rank) "
                f"AS score FROM texts WHERE texts MATCH ? AND rowid / {SPAN} IN "
                "(SELECT resource FROM hits WHERE matches >= ?) GROUP BY 1) s "
                "WHERE hits.resource = s.resource",
                (match, level),
            )
            page = [  # the page chosen first, then the names of its hits only
                Hit(iri, label, texts, id=resource)
                for resource, iri, label, texts in db.execute(
                    "SELECT p.resource, r.iri, r.label, p.matches FROM (SELECT h.resource, h.matches, "
                    f"h.score FROM hits h WHERE h.matches >= ? {narrowing} ORDER BY h.matches DESC, "
                    "h.score, h.resource LIMIT ? OFFSET ?) p JOIN resources r ON r.id = p.resource "
                    "ORDER BY p.matches DESC, p.score, p.resource",
                    (level, *params, limit, offset),
                )
            ]
            self._details(db, page, terms)
            facets: dict[str, list[FacetValue]] = {kind: [] for kind in FACET_KINDS}
            for kind, key, name, count in db.execute(
                "SELECT v.kind, v.key, n.label, c.count FROM (SELECT f.value, COUNT(*) AS count "
                "FROM hits h CROSS JOIN facets f ON f.resource = h.resource GROUP BY f.value) c "
                f"JOIN facet_values v ON v.id = c.value {NAMED}"
            ):
                facets[kind].append(FacetValue(key, name or "", count))
        for values in facets.values():
            values.sort(key=lambda v: (-v.count, (v.name or v.key).lower(), v.key))
        return Results(total, shown, page, facets)

    def _details(self, db: sqlite3.Connection, page: list[Hit], terms: list[Term]) -> None:
        """The types and the snippets of the hits of one page (their matching texts only)."""
        if not page:
            return
        by_id = {hit.id: hit for hit in page}
        marks = ",".join("?" * len(page))
        for resource, key, name in db.execute(
            "SELECT f.resource, v.key, n.label FROM facets f JOIN facet_values v ON v.id = f.value "
            f"{NAMED} WHERE v.kind = 'type' AND f.resource IN ({marks})",
            list(by_id),
        ):
            by_id[resource].types[key] = name or ""
        for resource, field_name, text in db.execute(  # the few texts of the page's hits
            f"SELECT d.id / {SPAN}, d.field, d.text FROM docs d JOIN json_each(?) p "
            f"ON d.id BETWEEN p.value * {SPAN} AND p.value * {SPAN} + {SPAN - 1} ORDER BY 1, 2, 3",
            (json.dumps(list(by_id)),),
        ):
            if matches(text, terms):
                by_id[resource].snippets.append(snippet(field_name, text, terms))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)


def _resource_id(db: sqlite3.Connection, iri: str) -> int:
    db.execute("INSERT OR IGNORE INTO resources(iri) VALUES (?)", (iri,))
    return db.execute("SELECT id FROM resources WHERE iri = ?", (iri,)).fetchone()[0]


def _doc_id(db: sqlite3.Connection, resource: int, field: str, text: str) -> int:
    """The id of `resource`'s text (`field`, `text`): the one it has, or a new one, indexed."""
    first, last = resource * SPAN, resource * SPAN + SPAN - 1
    found = db.execute(
        "SELECT id FROM docs WHERE id BETWEEN ? AND ? AND field = ? AND text = ?",
        (first, last, field, text),
    ).fetchone()
    if found:
        return found[0]
    (highest,) = db.execute(
        "SELECT MAX(id) FROM docs WHERE id BETWEEN ? AND ?", (first, last)
    ).fetchone()
    doc = first if highest is None else highest + 1
    db.execute("INSERT INTO docs(id, field, text) VALUES (?, ?, ?)", (doc, field, text))
    db.execute("INSERT INTO texts(rowid, words) VALUES (?, ?)", (doc, indexed_text(text)))
    return doc


def _narrowing(db: sqlite3.Connection, chosen: Mapping[str, str]) -> tuple[str, list[object]]:
    """SQL conditions on `hits h` for the chosen facet values, and their parameters."""
    sql, params = "", []
    for kind in FACET_KINDS:
        if chosen.get(kind):
            found = db.execute(
                "SELECT id FROM facet_values WHERE kind = ? AND key = ?", (kind, chosen[kind])
            ).fetchone()
            sql += (
                " AND EXISTS (SELECT 1 FROM facets f WHERE f.resource = h.resource AND f.value = ?)"
            )
            params.append(found[0] if found else -1)
    return sql, params


def _set_state(db: sqlite3.Connection, state: str) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        (("state", state), ("version", VERSION)),
    )


def results_weight(results: Results) -> int:
    """About how many bytes `results` hold (what the answer cache counts)."""
    texts = sum(len(p) for h in results.hits for s in h.snippets for p, _ in s.parts)
    values = sum(len(v) for v in results.facets.values())
    return 300 * (len(results.hits) + values) + 2 * texts
