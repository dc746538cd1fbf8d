"""The remote store against a real Oxigraph server: retries with backoff, one-line errors, read-only mode,
and query text built only from escaped terms."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Dataset, Literal, URIRef

from clusterkg.kg.config import Settings
from clusterkg.kg.namespaces import CKR
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import QuerySyntaxError, StoreError
from clusterkg.kg.store.remote import RemoteStore
from tests.fixtures.stores import OxigraphServer, free_port

pytestmark = pytest.mark.server
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class FlakyProxy:
    """A real HTTP server in front of Oxigraph that answers 503 to the first `failures` requests."""

    def __init__(self, upstream: str, failures: int) -> None:
        self.failures = failures
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                proxy.requests += 1
                if proxy.requests <= proxy.failures:
                    self.send_response(503)
                    self.send_header("Content-Length", "11")
                    self.end_headers()
                    self.wfile.write(b"Unavailable")
                    return
                forward = urllib.request.Request(upstream + self.path, data=body, method="POST")
                for header in ("Content-Type", "Accept"):
                    if self.headers[header]:
                        forward.add_header(header, self.headers[header])
                with urllib.request.urlopen(forward, timeout=30) as answer:
                    data = answer.read()
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers["Content-Type"] or "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loaded(oxigraph_server: OxigraphServer, sample_dataset: Dataset) -> Iterator[OxigraphServer]:
    store = oxigraph_server.remote_store()
    store.clear()
    store.load(sample_dataset)
    yield oxigraph_server
    store.clear()


@pytest.fixture
def flaky(loaded: OxigraphServer) -> Iterator[FlakyProxy]:
    proxy = FlakyProxy(loaded.url, failures=2)
    yield proxy
    proxy.close()


def test_query_is_retried_after_503(flaky: FlakyProxy) -> None:
    store = RemoteStore(f"{flaky.url}/query", retries=2)
    assert store.query(COUNT).rows == [{"n": Literal(41)}]
    assert flaky.requests == 3


def test_retries_give_up_with_a_clear_error(flaky: FlakyProxy) -> None:
    store = RemoteStore(f"{flaky.url}/query", retries=1)
    with pytest.raises(StoreError) as raised:
        store.query(COUNT)
    assert str(raised.value) == (
        f"{flaky.url}/query answered 503 Service Unavailable: Unavailable (after 2 attempts)"
    )
    assert flaky.requests == 2


def test_idempotent_writes_are_retried_after_503(flaky: FlakyProxy, loaded: OxigraphServer) -> None:
    store = RemoteStore(loaded.query_endpoint, update_endpoint=f"{flaky.url}/update", retries=2)
    store.update(f'INSERT DATA {{ GRAPH <{CKR}g> {{ <{CKR}a> <{CKR}b> "after two 503" }} }}')
    assert store.count() == 42


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    store = RemoteStore(url, retries=1)
    with pytest.raises(StoreError) as raised:
        store.count()
    assert (
        str(raised.value)
        == f"cannot reach {url}: [Errno 111] Connection refused (after 2 attempts)"
    )


def test_wrong_endpoint_path(loaded: OxigraphServer) -> None:
    store = RemoteStore(f"{loaded.url}/nowhere", retries=0)
    with pytest.raises(StoreError, match=r"/nowhere answered 404"):
        store.count()


def test_syntax_error_carries_the_servers_line_and_column(loaded: OxigraphServer) -> None:
    store = loaded.remote_store()
    with pytest.raises(QuerySyntaxError, match=r"/query: line 1, column 26: "):
        store.query("SELECT ?x WHERE { ?x ?y }")


def test_an_update_is_never_sent_as_a_query(loaded: OxigraphServer) -> None:
    store = loaded.remote_store()
    with pytest.raises(QuerySyntaxError, match="this is a SPARQL update, not a query"):
        store.query("DELETE WHERE { ?s ?p ?o }")
    assert store.count() == 41


def test_without_update_endpoint_the_store_is_read_only(loaded: OxigraphServer) -> None:
    store = RemoteStore(loaded.query_endpoint)
    with pytest.raises(
        StoreError, match="the remote store is read-only: no update endpoint is configured"
    ):
        store.clear()
    assert store.count() == 41


def test_an_iri_cannot_inject_query_text(loaded: OxigraphServer) -> None:
    store = loaded.remote_store()
    hostile = URIRef(
        "http://example.org/x> ?p ?o } } ; DROP ALL ; SELECT * { <http://example.org/y"
    )
    with pytest.raises(StoreError, match="invalid IRI"):
        store.describe(hostile)
    with pytest.raises(StoreError, match="invalid IRI"):
        store.count(hostile)
    assert store.count() == 41


def test_open_store_reads_remote_settings(loaded: OxigraphServer) -> None:
    settings = Settings(
        store="remote",
        query_endpoint=loaded.query_endpoint,
        update_endpoint=loaded.update_endpoint,
        remote_timeout=5,
        remote_retries=0,
    )
    store = open_store(settings)
    assert (store.name, store.timeout, store.retries) == ("remote", 5, 0)
    assert store.count() == 41
