"""The search index: an SQLite FTS5 file beside the store, with BM25 ranking, facets and the store state
it was built from; filled from the store graph by graph by two named queries."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.search.snippets import Snippet, snippet
from clusterkg.kg.search.tokens import Term, fts_query, indexed_text, nfc, parse
from clusterkg.kg.store.base import Store

TEXTS = "web/search-index-texts"
FACETS = "web/search-index-facets"
FACET_KINDS = ("type", "year", "concept")
VERSION = "1"  # of SCHEMA and of what the tokenizer writes: an index of another version is stale
NAME = (
    "(SELECT MIN(n.key) FROM facets n WHERE n.resource = f.key AND n.kind = 'label')"  # of a value
)
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(id INTEGER PRIMARY KEY, graph TEXT NOT NULL, resource TEXT NOT NULL,
                  field TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX docs_graph ON docs(graph);
CREATE INDEX docs_resource ON docs(resource);
CREATE VIRTUAL TABLE texts USING fts5(words, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE facets(resource TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
                    PRIMARY KEY(resource, kind, key)) WITHOUT ROWID;
CREATE INDEX facets_key ON facets(kind, key, resource);
"""


@dataclass
class Hit:
    resource: str
    label: str | None
    matches: int  # matching texts (labels, quotes, rationales): most first
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
            return db.execute("SELECT COUNT(*), COUNT(DISTINCT resource) FROM docs").fetchone()

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
        """Index `graphs` again (their texts now, nothing of what they held before), in one transaction."""
        with closing(self._connect()) as db, db:
            for graph in graphs:
                gone = [
                    r
                    for (r,) in db.execute(
                        "SELECT DISTINCT resource FROM docs WHERE graph = ?", (str(graph),)
                    )
                ]
                db.execute(
                    "DELETE FROM texts WHERE rowid IN (SELECT id FROM docs WHERE graph = ?)",
                    (str(graph),),
                )
                db.execute("DELETE FROM docs WHERE graph = ?", (str(graph),))
                db.executemany(
                    "DELETE FROM facets WHERE resource = ? AND NOT EXISTS "
                    "(SELECT 1 FROM docs WHERE docs.resource = facets.resource)",
                    ((r,) for r in gone),
                )
                self._add_graph(db, store, graph)
            _set_state(db, state)

    def _add_graph(self, db: sqlite3.Connection, store: Store, graph: URIRef) -> None:
        rows = store.query(self.queries[TEXTS].bind({"graph": graph})).rows
        for row in rows:
            text = nfc(str(row["text"]))
            cursor = db.execute(
                "INSERT INTO docs(graph, resource, field, text) VALUES (?, ?, ?, ?)",
                (str(graph), str(row["resource"]), str(row["field"]), text),
            )
            db.execute(
                "INSERT INTO texts(rowid, words) VALUES (?, ?)",
                (cursor.lastrowid, indexed_text(text)),
            )
        resources = {str(row["resource"]) for row in rows}
        if not resources:
            return
        db.executemany("DELETE FROM facets WHERE resource = ?", ((r,) for r in resources))
        values = {
            (str(row["resource"]), kind, str(row[kind]))
            for row in store.query(self.queries[FACETS].bind({"graph": graph})).rows
            for kind in ("label", *FACET_KINDS)
            if kind in row
        }
        db.executemany("INSERT INTO facets(resource, kind, key) VALUES (?, ?, ?)", sorted(values))

    # -- reading -------------------------------------------------------------------------------------
    def search(self, query: str, chosen: Mapping[str, str], offset: int, limit: int) -> Results:
        """The hits of `query` (most matching texts first, then BM25), narrowed by the `chosen` facet
        values, one page of them with snippets, and the facets of every hit."""
        terms = parse(query)
        if not terms:
            return Results(0, 0, [], {kind: [] for kind in FACET_KINDS})
        with closing(self._connect()) as db:
            db.execute(
                "CREATE TEMP TABLE hits AS SELECT d.resource, "
                "COUNT(DISTINCT d.field || ' ' || d.text) AS matches, SUM(t.rank) AS score "
                "FROM texts t JOIN docs d ON d.id = t.rowid WHERE texts MATCH ? GROUP BY d.resource",
                (fts_query(terms),),
            )
            narrowing, params = _narrowing(chosen)
            total = db.execute("SELECT COUNT(*) FROM hits").fetchone()[0]
            shown = db.execute(
                f"SELECT COUNT(*) FROM hits h WHERE 1 {narrowing}", params
            ).fetchone()[0]
            page = [  # the page chosen first, then the labels of its hits only
                Hit(resource, label, matches)
                for resource, label, matches in db.execute(
                    "SELECT p.resource, (SELECT MIN(key) FROM facets f WHERE f.resource = p.resource "
                    "AND kind = 'label'), p.matches FROM (SELECT h.resource, h.matches, h.score "
                    f"FROM hits h WHERE 1 {narrowing} ORDER BY h.matches DESC, h.score, h.resource "
                    "LIMIT ? OFFSET ?) p ORDER BY p.matches DESC, p.score, p.resource",
                    (*params, limit, offset),
                )
            ]
            self._details(db, page, terms)
            facets = {kind: [] for kind in FACET_KINDS}
            for kind, key, name, count in db.execute(
                f"SELECT kind, key, {NAME}, COUNT(*) FROM hits h CROSS JOIN facets f ON f.resource = h.resource "
                "WHERE kind != 'label' GROUP BY kind, key"
            ):
                facets[kind].append(FacetValue(key, name or "", count))
        for values in facets.values():
            values.sort(key=lambda v: (-v.count, (v.name or v.key).lower(), v.key))
        return Results(total, shown, page, facets)

    def _details(self, db: sqlite3.Connection, page: list[Hit], terms: list[Term]) -> None:
        by_iri = {hit.resource: hit for hit in page}
        if not page:
            return
        marks = ",".join("?" * len(page))
        for resource, key, name in db.execute(
            f"SELECT resource, key, {NAME} FROM facets f WHERE kind = 'type' AND resource IN ({marks})",
            list(by_iri),
        ):
            by_iri[resource].types[key] = name or ""
        seen: set[tuple[str, str, str]] = set()
        for resource, field_name, text in db.execute(
            "SELECT d.resource, d.field, d.text FROM docs d JOIN texts t ON t.rowid = d.id "
            f"WHERE texts MATCH ? AND d.resource IN ({marks}) ORDER BY d.resource, d.field, d.text",
            (fts_query(terms), *by_iri),
        ):
            if (resource, field_name, text) not in seen:
                seen.add((resource, field_name, text))
                by_iri[resource].snippets.append(snippet(field_name, text, terms))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)


def _narrowing(chosen: Mapping[str, str]) -> tuple[str, list[str]]:
    """SQL conditions on `hits h` for the chosen facet values, and their parameters."""
    sql, params = "", []
    for kind in FACET_KINDS:
        if chosen.get(kind):
            sql += " AND EXISTS (SELECT 1 FROM facets f WHERE f.kind = ? AND f.key = ? AND f.resource = h.resource)"
            params += [kind, chosen[kind]]
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
