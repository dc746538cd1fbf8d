"""The app's one error handler (web/errors.py, issue 11 §4): what a user can cause gets its status and one line
(a page in the site's style for browsers, text/plain otherwise), and the log gets no traceback.

The failures are real: a memory store whose time limit every page query overruns, a remote store whose
server is not there, and an Oxigraph server that is stopped under a running `clusterkg serve`.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.error
import urllib.request

import pytest
from flask import Flask

from clusterkg.kg.config import Settings
from clusterkg.kg.store import open_store
from clusterkg.web import create_app
from clusterkg.web.errors import STORE_DOWN
from tests.fixtures.stores import free_port, running_oxigraph
from tests.fixtures.web import start_server, stop_server

TIMEOUT = 0.001  # seconds: no page query of the seed graph is answered in this time
TIMEOUT_MESSAGE = (
    "query stopped: it ran longer than the time limit of 0.001 s (simplify it, or add LIMIT)"
)
SITE_PAGE = '<nav class="site-nav" aria-label="Main">'  # every page of the site has it
WERKZEUG_PAGE = "<title>500 Internal Server Error</title>"
PAGES = ["/", "/studies/", "/recommendations/", "/concepts/", "/gaps/", "/search/?q=hub"]


def get(app: Flask, url: str, accept: str) -> tuple[int, str, str]:
    response = app.test_client().get(url, headers={"Accept": accept})
    return response.status_code, response.content_type, response.text


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.fixture
def slow_app(make_app) -> Flask:
    """The seed graph on a memory store that stops every query at 1 ms (a forked child, killed)."""
    return make_app(query_timeout=TIMEOUT)


@pytest.fixture
def down_app(tmp_path) -> Flask:
    """A remote store whose server is not there: every query fails to connect."""
    settings = Settings(
        store="remote",
        query_endpoint=f"http://127.0.0.1:{free_port()}/query",
        remote_retries=0,
        data_dir=tmp_path,
    )
    store = open_store(settings)
    yield create_app({"SETTINGS": settings, "TESTING": True}, store=store)
    store.close()


@pytest.mark.parametrize(
    "url", [p for p in PAGES if not p.startswith("/search/")]
)  # index: no query
def test_a_page_past_the_time_limit_is_503_with_one_line(slow_app, caplog, url):
    caplog.set_level(logging.INFO)
    status, content_type, text = get(slow_app, url, "text/plain")
    assert (status, content_type, text) == (
        503,
        "text/plain; charset=utf-8",
        TIMEOUT_MESSAGE + "\n",
    )
    status, content_type, text = get(slow_app, url, "text/html")
    assert (status, content_type) == (503, "text/html; charset=utf-8")
    assert SITE_PAGE in text
    assert f'<p class="error-box">{TIMEOUT_MESSAGE}</p>' in text
    assert no_tracebacks(caplog) == []
    assert f"GET {url.split('?')[0]}: 503 {TIMEOUT_MESSAGE}" in caplog.messages


@pytest.mark.parametrize("url", [*PAGES, "/resource/study/porter-1990"])
def test_a_store_failure_is_503(down_app, caplog, url):
    caplog.set_level(logging.INFO)
    status, _, text = get(down_app, url, "text/plain, text/turtle;q=0.9")
    assert (status, text) == (503, STORE_DOWN + "\n")
    status, _, text = get(down_app, url, "text/html")
    assert status == 503
    assert SITE_PAGE in text
    assert WERKZEUG_PAGE not in text
    assert no_tracebacks(caplog) == []
    # the cause is for the operator: in the log, in one line
    assert any("the store failed: cannot reach http://127.0.0.1:" in m for m in caplog.messages)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/studies/?page=abc", 400, "page must be a whole number, not 'abc'"),
        ("/studies/?size=0", 400, "size must be between 1 and 200, not 0"),
        ("/studies/?page=99", 404, "no page 99: the list has 1 page(s)"),
        ("/concepts/studies", 400, "which concept? give ?concept=<IRI>"),
        ("/search/?q=hub&page=-1", 400, "page must be 1 or more, not -1"),
    ],
)
def test_a_bad_parameter_is_answered_with_its_status_and_one_line(
    client, caplog, url, status, message
):
    response = client.get(url, headers={"Accept": "text/plain"})
    assert (response.status_code, response.text) == (status, message + "\n")
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert SITE_PAGE in response.text
    assert no_tracebacks(caplog) == []


def test_an_unknown_path_is_a_404_page_in_the_site_style(client):
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.content_type == "text/html; charset=utf-8"
    assert SITE_PAGE in response.text
    assert "<h1>Error 404</h1>" in response.text
    response = client.get("/no/such/page", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert response.text.startswith("The requested URL was not found on the server.")
    assert response.text.count("\n") == 1


def test_a_wrong_method_is_405_with_allow(client):
    response = client.post("/studies/", headers={"Accept": "text/html"})
    assert response.status_code == 405
    assert SITE_PAGE in response.text
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_bug_is_a_one_line_500_and_its_traceback_is_logged(make_app, caplog):
    """Not something a user can cause: the one case that logs a traceback."""
    app = make_app()

    def bug() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/bug", view_func=bug)
    response = app.test_client().get("/bug", headers={"Accept": "text/plain"})
    assert response.status_code == 500
    assert response.text == (
        "internal error: this is a bug in ClusterKG (the server log has the details)\n"
    )
    assert [r.exc_info[1].args for r in caplog.records if r.exc_info] == [("a bug",)]


@pytest.mark.server
@pytest.mark.timeout(180)
def test_a_served_store_that_goes_down_gives_503_and_no_traceback_in_the_log(tmp_path, web_dataset):
    """A real `clusterkg serve --store remote` over a real Oxigraph server, which is then stopped."""
    log = tmp_path / "serve.log"
    with running_oxigraph(tmp_path / "oxigraph") as oxigraph:
        remote = oxigraph.remote_store()
        remote.load(web_dataset)
        env = dict(
            os.environ,
            CLUSTERKG_DATA_DIR=str(tmp_path / "data"),
            CLUSTERKG_REMOTE_RETRIES="0",
        )
        server = start_server(
            ["--store", "remote", "--query-endpoint", oxigraph.query_endpoint], env, log
        )
    try:
        for url in ("/studies/", "/resource/study/porter-1990", "/search/?q=hub"):
            request = urllib.request.Request(server.url + url, headers={"Accept": "text/html"})
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=30)
            assert answer.value.code == 503
            assert SITE_PAGE in answer.value.read().decode()
    finally:
        stop_server(server)
    text = log.read_text()
    assert "Traceback" not in text
    assert re.search(r'GET /studies/ HTTP/1\.1(\x1b\[0m)?" 503', text)
    assert "GET /studies/: 503 the store failed: cannot reach" in text
