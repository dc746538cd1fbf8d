"""What every blueprint needs (store, settings, query library, source texts), attached to the app by init_app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from rdflib import URIRef
from rdflib.term import Identifier

from clusterkg.kg.config import Settings
from clusterkg.kg.queries import NamedQuery, load_queries
from clusterkg.kg.store.base import QueryResult, Store
from clusterkg.kg.texts.registry import TextFiles

EXTENSION = "clusterkg"
PAGE_QUERY_FOLDERS = ("web", "ontology")  # the pages' own queries, by folder


@dataclass(frozen=True)
class Services:
    """The app's one view of the outside world; blueprints reach the data only through it."""

    store: Store
    settings: Settings
    queries: Mapping[str, NamedQuery]  # queries/*.rq by stem, queries/web/*.rq as "web/<stem>", ...
    text_files: TextFiles  # the manifest's and the store's full texts

    @property
    def examples(self) -> list[NamedQuery]:
        """The project's named queries (queries/*.rq), shown as examples on the SPARQL page."""
        return [q for name, q in sorted(self.queries.items()) if "/" not in name]

    def run(
        self,
        name: str,
        /,
        *,
        limit: int | None = None,
        offset: int | None = None,
        values: Mapping[str, Iterable[Identifier]] | None = None,
        **params: object,
    ) -> QueryResult:
        """Run the named query with `params`, paging and VALUES bound (`NamedQuery.bind`), under the
        endpoint's time limit; its rows refuse a column the query does not declare."""
        query = self.queries[name]
        text = query.bind(params, limit=limit, offset=offset, values=values)
        return query.checked(self.query(text))

    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        """Run SPARQL text under the endpoint's limits; a SELECT stops after `max_rows` rows."""
        return self.store.query(sparql, timeout=self.settings.query_timeout, max_rows=max_rows)

    def is_local_graph(self, iri: str) -> bool:
        """Whether `iri` names a graph of this dataset (the only graphs FROM may name)."""
        return URIRef(iri) in set(self.store.graphs())


def load_library(*query_dirs: Path) -> dict[str, NamedQuery]:
    """queries/*.rq by name and the pages' own queries (queries/web/*.rq, queries/ontology/*.rq) as
    `web/<name>`, `ontology/<name>`, from each folder
    in turn (a review workspace's queries come last: a query of the same name replaces the packaged one)."""
    library = {}
    for folder in query_dirs:
        library.update({q.name: q for q in load_queries(folder)})
        for sub in PAGE_QUERY_FOLDERS:
            library.update({f"{sub}/{q.name}": q for q in load_queries(folder / sub)})
    return library


def init_app(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = services


def services() -> Services:
    """The Services of the running app."""
    return current_app.extensions[EXTENSION]
