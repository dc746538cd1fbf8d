"""The remote backend: any SPARQL 1.1 server, queried through SPARQLWrapper and written with SPARQL 1.1 Update
and the Graph Store Protocol, with time limits, retries with exponential backoff and one-line errors.

The server must answer queries over the union of its named graphs (Oxigraph `--union-default-graph`,
Fuseki `tdb2:unionDefaultGraph true`; Virtuoso, GraphDB and QLever do it by default). A query's FROM /
FROM NAMED are also sent as the protocol's default-graph-uri / named-graph-uri, which a server applies
even where its union setting overrides the query's own clauses (Oxigraph's does).
Writes may need a user and password (HTTP digest or basic auth, as the server asks: Virtuoso's
/sparql-auth).
"""

from __future__ import annotations

import ast
import http.client
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from clusterkg.kg.errors import UserError
from clusterkg.kg.queries import own_query
from clusterkg.kg.rdfio import read_dataset, refuse_xml_entities
from clusterkg.kg.sparql_tokens import QUERY_FORMS, dataset_of
from clusterkg.kg.store.base import (
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Serialized,
    StoreError,
)
from clusterkg.kg.store.oxformats import (
    GRAPH_FORMATS,
    PREFIX_MAP,
    RESULT_FORMATS,
    dump_format,
    first_solutions,
    serialize,
    syntax_message,
)
from clusterkg.kg.store.reads import graph_size
from clusterkg.kg.store.results import (
    check_terms,
    graphs_of,
    query_form,
    rdf_bytes,
    result_from_ox,
)

T = TypeVar("T")
# What each query form accepts: Virtuoso 7 would answer a CONSTRUCT with a SPARQL results table if asked
# for both kinds at once.
ACCEPT = {
    "SELECT": "application/sparql-results+json, application/sparql-results+xml;q=0.5",
    "ASK": "application/sparql-results+json, application/sparql-results+xml;q=0.5",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.8",
    "DESCRIBE": "application/n-triples, text/turtle;q=0.8",
}
# Virtuoso 7 labels blank nodes in SPARQL JSON results "nodeID://b123", which is no valid label
VIRTUOSO_BNODE = b'"type": "bnode", "value": "nodeID://'

BACKOFF = 0.25  # seconds before the first retry; doubled for each further one
STAGING = "urn:x-clusterkg:staging:"


class _Retryable(Exception):
    """A failure worth another try (5xx, refused or reset connection), with the StoreError to raise."""

    def __init__(self, error: StoreError) -> None:
        super().__init__(str(error))
        self.error = error


class RemoteStore:
    """A SPARQL 1.1 server behind the store protocol. Without an update endpoint it is read-only."""

    name = "remote"

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        batch_triples: int = 50_000,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.store_endpoint = store_endpoint
        self.timeout = timeout
        self.retries = retries
        # writes of more triples than this are staged graph by graph, then swapped in
        self.batch_triples = batch_triples
        self._opener = _opener([update_endpoint, store_endpoint], user, password)

    # -- reads -------------------------------------------------------------------------------------------
    def query(
        self, sparql: str, timeout: float | None = None, max_rows: int | None = None
    ) -> QueryResult:
        """The server bears the evaluation (its own memory and time limits); a SELECT answer is cut
        after `max_rows` rows here."""
        result = result_from_ox(self._fetch(sparql, timeout), query_form(sparql))
        if max_rows is not None:
            del result.rows[max_rows:]
        return result

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> Serialized:
        answer, cut = self._fetch(sparql, timeout), False
        if max_rows is not None and isinstance(answer, ox.QuerySolutions):
            answer, cut = first_solutions(answer, max_rows)
        return Serialized(serialize(answer, media_type), cut)

    def describe(self, iri: URIRef) -> Dataset:
        _n3(iri)  # an invalid IRI is a StoreError, as on the other backends
        result = self.query(own_query("resource-quads").bind({"node": iri}))
        dataset = Dataset(default_union=True)
        for row in result.rows:
            dataset.graph(row["g"]).add((row["s"], row["p"], row["o"]))
        return dataset

    def dump(self, path: Path, fmt: str = "trig") -> None:
        rdf_format = dump_format(fmt)
        solutions = self._fetch(own_query("all-quads").bind(), None)
        quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]
        tmp = path.with_name(path.name + ".part")
        ox.serialize(quads, str(tmp), format=rdf_format, prefixes=PREFIX_MAP)
        tmp.replace(path)

    def graphs(self) -> list[URIRef]:
        result = self.query(own_query("graph-names").bind())
        return [row["g"] for row in result.rows if isinstance(row["g"], URIRef)]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return int(self.query(own_query("quad-count").bind()).rows[0]["n"])
        _n3(graph)
        return graph_size(self, graph)

    # -- writes ------------------------------------------------------------------------------------------
    def load(self, dataset: Dataset) -> None:
        self._write_graphs(graphs_of(dataset), replace=False)

    def load_file(self, path: Path, graph: URIRef) -> None:
        self.load(read_dataset(path, graph))  # rdflib parses: this backend has no parser of its own

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        self._write_graphs([(graph, data)], replace=True)

    def replace_graphs(self, graphs: Sequence[tuple[URIRef | None, Graph]]) -> None:
        """Replace several graphs (None: the default graph) at once, all or nothing."""
        self._write_graphs(graphs, replace=True)

    def update(self, sparql: str, timeout: float | None = None) -> None:
        """The server's own limits apply (see the README); `timeout` is not sent to it."""
        self._update(sparql)

    def clear(self) -> None:
        """Drop every graph. Virtuoso 7 accepts DROP ALL and does nothing, so the graphs still there are
        then dropped by name; StoreError if any remains."""
        self._update("DROP ALL")
        if left := self.graphs():
            self._update(" ;\n".join(f"DROP SILENT GRAPH {_n3(g)}" for g in left))
            if left := self.graphs():
                raise StoreError(f"{self.update_endpoint} did not drop {len(left)} graphs")

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # -- the HTTP exchanges ------------------------------------------------------------------------------
    def _fetch(self, sparql: str, timeout: float | None):
        """Send a query through SPARQLWrapper; the parsed pyoxigraph answer, or QueryTimeout at `timeout`."""
        form = query_form(sparql)
        if form not in QUERY_FORMS:
            raise QuerySyntaxError("this is a SPARQL update, not a query")
        wrapper = SPARQLWrapper(self.query_endpoint)
        wrapper.setQuery(sparql)
        wrapper.queryType = form  # SPARQLWrapper's own guess can mistake a query for an update
        default_graphs, named_graphs = dataset_of(sparql)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", ACCEPT[form])
        wrapper.setTimeout(max(1, math.ceil(min(self.timeout, timeout or self.timeout))))

        def exchange(cancelled: Callable[[], bool]) -> tuple[str, bytes]:
            with wrapper.query().response as response:
                chunks = []
                while chunk := response.read(1 << 16):
                    if cancelled():  # stop reading a streamed answer: the server sees us go
                        raise QueryTimeout("cancelled")
                    chunks.append(chunk)
                return response.headers.get_content_type(), b"".join(chunks)

        content_type, body = self._with_deadline(
            lambda cancelled: self._retrying(
                lambda: exchange(cancelled), self.query_endpoint, cancelled
            ),
            timeout,
        )
        try:
            if content_type in RESULT_FORMATS and content_type != "text/csv":
                body = body.replace(VIRTUOSO_BNODE, b'"type": "bnode", "value": "')
                answer = ox.parse_query_results(body, format=RESULT_FORMATS[content_type])
                if form == "ASK" and isinstance(answer, ox.QuerySolutions):
                    return _boolean(any(True for _ in answer))  # Virtuoso 7: one row when true
                return answer
            if content_type == "application/rdf+xml":  # Oxigraph's parser would expand entities
                refuse_xml_entities(body, self.query_endpoint)
            if content_type in GRAPH_FORMATS:
                return list(ox.parse(body, format=GRAPH_FORMATS[content_type]))
        except (SyntaxError, UserError) as error:
            cause = error.cause if isinstance(error, UserError) else error
            raise StoreError(
                f"{self.query_endpoint} sent an unreadable {content_type} answer: {cause}"
            ) from None
        raise StoreError(
            f"{self.query_endpoint} answered with unsupported media type {content_type}"
        )

    def _update(self, sparql: str, retry: bool = False) -> None:
        if not self.update_endpoint:
            raise StoreError(
                "the remote store is read-only: no update endpoint is configured (--update-endpoint)"
            )
        self._send(
            "POST", self.update_endpoint, sparql.encode(), "application/sparql-update", retry
        )

    def _put_graph(self, graph: URIRef, data: Graph) -> None:
        """Write one whole graph in one request (blank nodes stay one node): GSP PUT, or INSERT DATA."""
        if self.store_endpoint:
            url = f"{self.store_endpoint}?{urllib.parse.urlencode({'graph': str(graph)})}"
            self._send("PUT", url, rdf_bytes(data, "nt"), "application/n-triples", True)
        else:
            self._update(_insert_data(graph, data), retry=True)

    def _write_graphs(self, graphs: list[tuple[URIRef | None, Graph]], replace: bool) -> None:
        """Add (or replace) graphs (None: the default graph) all or nothing: small writes in one update
        request; large ones, and all when a Graph Store endpoint is given (Virtuoso's INSERT DATA refuses
        blank nodes), are staged in temporary graphs, then moved into place by one update request, or
        dropped on failure."""
        for _, data in graphs:
            check_terms(data)  # the server would refuse the request naming a line of it instead
        if not self.store_endpoint and sum(len(data) for _, data in graphs) <= self.batch_triples:
            operations = [
                op
                for name, data in graphs
                for op in (
                    *([f"DROP SILENT {_graph_ref(name)}"] if replace else []),
                    *([_insert_data(name, data)] if len(data) else []),
                )
            ]
            if operations:
                self._update(" ;\n".join(operations))
            return
        staged = [(name, URIRef(f"{STAGING}{uuid.uuid4()}"), data) for name, data in graphs]
        try:
            for _, stage, data in staged:
                if len(data):
                    self._put_graph(stage, data)
            swap = []
            for name, stage, data in staged:
                target = "DEFAULT" if name is None else _n3(name)
                if not len(data):
                    swap += [f"DROP SILENT {_graph_ref(name)}"] if replace else []
                elif replace:
                    swap.append(f"MOVE {stage.n3()} TO {target}")
                else:
                    swap += [f"ADD {stage.n3()} TO {target}", f"DROP SILENT GRAPH {stage.n3()}"]
            self._update(" ;\n".join(swap))
        except BaseException:
            for _, stage, _ in staged:
                try:
                    self._update(f"DROP SILENT GRAPH {stage.n3()}")
                except StoreError:
                    pass  # best effort: the staging graph is named as such and holds no live data
            raise

    def _send(self, method: str, url: str, body: bytes, content_type: str, retry: bool) -> None:
        """One write request. Retried (with backoff) only when `retry` says it is idempotent, or when
        the server refused the connection or answered 503, so that the request was not applied."""
        request = urllib.request.Request(
            url, data=body, method=method, headers={"Content-Type": content_type}
        )

        def exchange() -> None:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()

        self._retrying(exchange, url, lambda: False, all_failures=retry)

    def _retrying(
        self,
        exchange: Callable[[], T],
        url: str,
        cancelled: Callable[[], bool],
        all_failures: bool = True,
    ) -> T:
        error: StoreError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(BACKOFF * 2 ** (attempt - 1))
            if cancelled():
                raise QueryTimeout("cancelled")
            try:
                return _classified(exchange, url, all_failures)
            except _Retryable as failure:
                error = failure.error
        assert error is not None
        raise StoreError(f"{error} (after {self.retries + 1} attempts)")

    def _with_deadline(self, work: Callable[[Callable[[], bool]], T], timeout: float | None) -> T:
        """Run `work(cancelled)` in a thread and give up at `timeout`; the thread stops reading at once."""
        if timeout is None:
            return work(lambda: False)
        done, cancel = threading.Event(), threading.Event()
        outcome: list = []

        def run() -> None:
            try:
                outcome.append((True, work(cancel.is_set)))
            except BaseException as error:  # noqa: BLE001 - handed over to the waiting caller
                outcome.append((False, error))
            finally:
                done.set()

        threading.Thread(target=run, daemon=True, name="sparql-request").start()
        if not done.wait(timeout):
            cancel.set()
            raise QueryTimeout(f"the query was stopped at its time limit of {timeout:g} s")
        ok, value = outcome[0]
        if not ok:
            raise value
        return value


def _classified(exchange: Callable[[], T], url: str, all_failures: bool) -> T:
    """Run one HTTP exchange; turn its failures into QuerySyntaxError, StoreError or _Retryable."""
    try:
        return exchange()
    except QueryBadFormed as error:
        raise QuerySyntaxError(f"{url}: {syntax_message(_server_text(error))}") from None
    except SPARQLWrapperException as error:
        status = getattr(error.__context__, "code", 0)
        failure = StoreError(
            f"{url} answered {status or type(error).__name__}: {_server_text(error)}"
        )
        if status >= 500 and all_failures:
            raise _Retryable(failure) from None
        raise failure from None
    except urllib.error.HTTPError as error:
        text = " ".join(error.read().decode("utf-8", "replace").split())[:300]
        if error.code == 400:
            raise QuerySyntaxError(f"{url}: {syntax_message(text)}") from None
        failure = StoreError(f"{url} answered {error.code} {error.reason}: {text}")
        if error.code == 503 or (error.code >= 500 and all_failures):
            raise _Retryable(failure) from None
        raise failure from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(
            reason, TimeoutError
        ):  # a slow answer is not retried: it would only be slow again
            raise QueryTimeout(f"{url} did not answer within the HTTP time limit") from None
        failure = StoreError(f"cannot reach {url}: {reason}")
        if all_failures or isinstance(reason, ConnectionRefusedError):
            raise _Retryable(failure) from None
        raise failure from None


def _server_text(error: SPARQLWrapperException) -> str:
    """The server's own words from a SPARQLWrapper exception (which keeps them only inside its message)."""
    message = str(error)
    _, _, body = message.partition("Response:\n")
    try:
        text = ast.literal_eval(body).decode("utf-8", "replace") if body else message
    except (ValueError, SyntaxError):
        text = body
    return " ".join(text.split())[:300]


def _opener(
    urls: list[str | None], user: str | None, password: str | None
) -> urllib.request.OpenerDirector:
    """An opener that answers a digest or basic auth challenge from `urls` with `user` and `password`."""
    if user is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, [u for u in urls if u], user, password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )


def _boolean(value: bool) -> ox.QueryBoolean:
    """A pyoxigraph boolean answer (which has no constructor of its own)."""
    text = b'{"head": {}, "boolean": true}' if value else b'{"head": {}, "boolean": false}'
    return ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON)


def _graph_ref(name: URIRef | None) -> str:
    return "DEFAULT" if name is None else f"GRAPH {_n3(name)}"


def _insert_data(name: URIRef | None, data: Graph) -> str:
    block = _triples(data) if name is None else f"GRAPH {_n3(name)} {{\n{_triples(data)}\n}}"
    return f"INSERT DATA {{\n{block}\n}}"


def _n3(term: Identifier) -> str:
    """A term as SPARQL text by rdflib's escaping `.n3()`; StoreError for an IRI that cannot be written."""
    try:
        return term.n3()
    except Exception:  # noqa: BLE001 - rdflib refuses an invalid IRI with a bare Exception
        raise StoreError(f"invalid IRI <{term}>: it cannot be written in a query") from None


def _triples(data: Graph) -> str:
    """The triples of `data` as SPARQL text, every term written by rdflib's escaping `.n3()`."""
    try:
        return "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in data)
    except Exception as error:  # noqa: BLE001 - rdflib refuses an invalid IRI with a bare Exception
        raise StoreError(f"invalid RDF term, nothing was written: {error}") from None
