"""The SPARQL page's YASGUI editor (issue 11 §3) in a real headless Chromium against a real `clusterkg serve`:
it runs a query on /sparql and shows the result table, knows the project's prefixes, opens the named queries
in tabs, fetches nothing from outside the app, and the page still works without JavaScript."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from clusterkg.kg.namespaces import CKG
from tests.fixtures.browser import watched_page
from tests.fixtures.web import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.server]

ACTIVE = ".tabPanel.active"  # the YASGUI tab on show
CITED_AS = (
    "PREFIX ckg: <https://w3id.org/clusterkg/ontology#>\n"
    "SELECT ?study ?citedAs WHERE { ?study ckg:citedAs ?citedAs } ORDER BY ?citedAs"
)


def endpoint_rows(server, query: str) -> int:
    """How many rows the endpoint itself gives for `query` (SPARQL JSON over plain HTTP)."""
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        server.url + "/sparql", data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(json.load(response)["results"]["bindings"])


def editor_text(page) -> str:
    return page.evaluate(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    )


def set_editor_text(page, text: str) -> None:
    page.evaluate(
        "text => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(text)",
        text,
    )


def test_yasgui_runs_a_query_and_shows_the_result_table(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")
        assert page.locator("#plain-editor").is_hidden()
        set_editor_text(page, CITED_AS)
        page.click(f"{ACTIVE} .yasqe_queryButton")
        rows = page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")
        rows.first.wait_for()
        assert rows.count() == 15
        headers = page.locator(f"{ACTIVE} .yasr table.dataTable thead th").all_inner_texts()
        assert [h.strip() for h in headers] == ["", "study", "citedAs"]
        porter = rows.filter(has_text="Porter, 1990")
        assert porter.count() == 1
        # our IRIs, shortened with the project's prefixes, link to their pages on this site
        link = porter.locator("a.iri")
        assert link.inner_text() == "ckr:study/porter-1990"
        assert link.get_attribute("href") == "/resource/study/porter-1990"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sparql-yasgui.png"), full_page=True)
        link.click()
        page.wait_for_url(re.compile(r".*/resource/study/porter-1990$"))
        assert page.locator("h1").inner_text() == "Porter, 1990"
        assert [u for u in watched.requested if not u.startswith(live_server.url)] == []
        assert watched.console_errors == []


def test_the_named_queries_open_in_tabs_of_their_own(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")
        page.click("a[data-example='cq01-cluster-types']")
        tabs = page.locator(".yasgui .tabsList .tab")
        assert [t.split("\n")[0] for t in tabs.all_inner_texts()] == ["Query", "cq01-cluster-types"]
        assert editor_text(page).startswith("#+ summary: Which cluster types exist")
        page.click(f"{ACTIVE} .yasqe_queryButton")
        rows = page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")
        rows.first.wait_for()
        assert rows.count() == endpoint_rows(live_server, editor_text(page)) == 6
        assert page.url == live_server.url + "/sparql"  # the link was handled in the page


def test_an_example_link_opens_its_query(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql?example=cq09-evidence-gaps")
        page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")
        active = page.locator(".yasgui .tabsList .tab.active").inner_text()
        assert active.split("\n")[0] == "cq09-evidence-gaps"
        assert "Which recommendations rest on no cited study" in editor_text(page)


def test_the_project_prefixes_are_known_to_the_editor(browser, live_server):
    """Typing a prefixed name of ours adds its PREFIX line (from kg.namespaces, not from prefix.cc)."""
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")
        page.click(f"{ACTIVE} .yasqe .CodeMirror")
        page.keyboard.press("Control+A")
        page.keyboard.type("SELECT * WHERE { ?s a ckg:")
        page.wait_for_function(
            "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
            ".startsWith('PREFIX ckg:')"
        )
        assert editor_text(page) == f"PREFIX ckg: <{CKG}>\nSELECT * WHERE {{ ?s a ckg:"
        page.keyboard.type("Study }")
        page.keyboard.press("Control+Enter")
        rows = page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")
        rows.first.wait_for()
        assert rows.count() == endpoint_rows(live_server, editor_text(page)) == 14
        assert [u for u in watched.requested if not u.startswith(live_server.url)] == []


def test_without_javascript_the_plain_form_stays(browser, live_server):
    with watched_page(browser, javascript=False) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        assert page.locator("#yasgui").is_hidden()
        page.fill("#query", CITED_AS)
        page.click("#run-query")
        page.wait_for_url(re.compile(r".*/sparql\?query=.*"))
        table = page.locator("#results")
        assert table.locator("tbody tr").count() == 15
        assert table.locator("tbody").inner_text().count("Porter, 1990") == 1
        page.click("a[data-example='cq01-cluster-types']")
        page.wait_for_url(re.compile(r".*/sparql\?example=cq01-cluster-types$"))
        assert page.locator("#query").input_value().startswith("#+ summary: Which cluster types")


def test_a_shared_link_opens_and_runs_its_query(browser, live_server):
    """YASGUI's share button gives a #query= link; opened, it runs the query (";" and all)."""
    query = CITED_AS.replace("?citedAs }", "?citedAs ; a ckg:Study }")
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")
        set_editor_text(page, query)
        page.click(f"{ACTIVE} .yasqe_share")
        link = page.locator(".yasqe_sharePopup input, .yasqe_sharePopup textarea").first
        shared = link.input_value()
        assert shared.startswith(live_server.url + "/sparql#query=")
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(shared)
        rows = page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")
        rows.first.wait_for()
        assert editor_text(page) == query
        assert rows.count() == endpoint_rows(live_server, query) == 14
