"""Issue 8, item 4 in a real headless Chromium against a real `clusterkg serve`: the security headers arrive,
no page of the site reports a CSP violation or a console error, stored and reflected `javascript:` IRIs are
text (no `a[href^=javascript]`), and clicking them does nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from clusterkg.kg.config import PROJECT_ROOT
from tests.fixtures.browser import watched_page
from tests.fixtures.web import LiveServer, start_server, stop_server
from tests.test_web_security import BIND_JAVASCRIPT, EXPECTED_HEADERS, SCRIPT_LINKS, TEST_GRAPH

pytestmark = [pytest.mark.browser, pytest.mark.server]

ACTIVE_TABLE = ".tabPanel.active .yasr table.dataTable tbody"  # YASR's table in the tab on show
SCRIPT_HREFS = "a[href^='javascript' i], a[href^='data' i], a[href^='vbscript' i]"
MAIN_PAGES = [
    "/",
    "/questions/",
    "/recommendations/",
    "/recommendations/state-budget-infrastructure-investment",
    "/studies/",
    "/studies/study/batterink-et-al-2014",
    "/concepts/",
    "/gaps/",
    "/search/?q=hub+firm",
    "/validation/",
    "/exports/",
    "/resource/study/porter-1990",
    "/ontology/SocialNetworkCluster",
    "/queries/",
    "/queries/cq01-cluster-types?run=1",
    "/no/such/page",
]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`clusterkg serve` over a store holding tests/data/web/script-links.ttl (javascript: and data: IRIs)."""
    data_dir = tmp_path_factory.mktemp("hostile-server")
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(data_dir))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "clusterkg.kg",
            "load",
            str(SCRIPT_LINKS),
            "--graph",
            str(TEST_GRAPH),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = start_server([], env, data_dir / "server.log")
    yield server
    stop_server(server)


def test_the_security_headers_reach_the_browser(browser, live_server):
    with watched_page(browser) as watched:
        for path in ("/", "/sparql", "/static/css/site.css", "/no/such/page"):
            response = watched.page.goto(live_server.url + path)
            headers = response.all_headers()
            assert {
                name: headers.get(name.lower()) for name in EXPECTED_HEADERS
            } == EXPECTED_HEADERS


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_csp_violation_and_no_console_error_on_the_main_pages(browser, live_server, path):
    with watched_page(browser) as watched:
        watched.page.goto(live_server.url + path)
        watched.page.wait_for_load_state("networkidle")
        assert watched.violations() == []
        expected = [
            "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"
        ]
        assert watched.console_errors == (expected if path == "/no/such/page" else [])
        assert [u for u in watched.requested if not u.startswith(live_server.url)] == []


def test_the_sparql_page_with_yasgui_reports_no_csp_violation(browser, live_server):
    """YASGUI draws the editor, runs a query, shows the table, resizes a column, shows a syntax error."""
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql")
        page.wait_for_selector(".yasqe .CodeMirror")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(ACTIVE_TABLE + " tr")
        grip = page.locator(".grip-handle").nth(1).bounding_box()
        page.mouse.move(grip["x"] + 5, grip["y"] + 5)
        page.mouse.down()
        page.mouse.move(grip["x"] + 60, grip["y"] + 5)
        page.mouse.up()
        page.click(".yasqe .CodeMirror")
        page.keyboard.press("Control+A")
        page.keyboard.type("SELECT * WHERE { ?s ?p }")
        page.hover(".yasqe .parseErrorIcon")
        tooltip = page.locator(".yasqe .yasqe_tooltip")
        assert tooltip.inner_text().startswith("This line is invalid. Expected:")
        assert (
            tooltip.locator("strong").first.evaluate("e => getComputedStyle(e).textDecorationLine")
            == "underline"
        )  # the tooltip's inline style, allowed by its hash
        assert watched.violations() == []
        assert watched.console_errors == []


def _assert_is_text_and_does_nothing(watched, text: str) -> None:
    page = watched.page
    assert page.locator(SCRIPT_HREFS).count() == 0
    shown = page.get_by_text(text, exact=True).first
    assert shown.is_visible()
    before = page.url
    shown.click()
    page.wait_for_load_state()
    assert page.url == before
    assert watched.dialogs == []


def test_stored_script_iris_are_text_on_the_resource_page(browser, hostile_server):
    with watched_page(browser) as watched:
        watched.page.goto(hostile_server.url + "/resource/study/porter-1990")
        # shown by their labels, as text
        _assert_is_text_and_does_nothing(watched, "xssprobe javascript")
        _assert_is_text_and_does_nothing(watched, "xssprobe data")
        assert watched.page.locator("a[href='https://example.org/porter']").count() == 1
        assert watched.page.locator("a[href='mailto:curators@example.org']").count() == 1
        assert watched.violations() == []


def test_stored_script_iris_are_text_in_search_results(browser, hostile_server):
    with watched_page(browser) as watched:
        watched.page.goto(hostile_server.url + "/search/?q=xssprobe")
        assert watched.page.locator("#hit-count").inner_text() == "3 of 3 results for “xssprobe”"
        assert watched.page.locator("#hits a.hit-title").count() == 0
        _assert_is_text_and_does_nothing(watched, "xssprobe javascript")
        _assert_is_text_and_does_nothing(watched, "xssprobe uppercase scheme")


@pytest.mark.parametrize("javascript", [False, True], ids=["plain-form", "yasgui"])
def test_a_reflected_javascript_iri_is_not_a_link_on_the_sparql_page(
    browser, live_server, javascript
):
    with watched_page(browser, javascript=javascript) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql?query=" + quote(BIND_JAVASCRIPT))
        if javascript:  # YASGUI opens the linked query in a tab and runs it
            cell = page.locator(ACTIVE_TABLE + " td", has_text="javascript:alert(3)")
            cell.wait_for()
            assert cell.count() == 1
            cell.first.click()
            assert page.locator(SCRIPT_HREFS).count() == 0
            assert watched.dialogs == []
            assert watched.violations() == []
        else:
            assert page.locator("#results").is_visible()
            _assert_is_text_and_does_nothing(watched, "javascript:alert(3)")


def test_the_csp_stops_a_script_link_that_got_in_anyway(browser, live_server):
    """Defence in depth: were a javascript: link ever rendered, the policy blocks it and says so."""
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/")
        page.evaluate(
            """() => {
              const link = document.createElement("a");
              link.id = "planted";
              link.href = "javascript:alert('planted')";
              link.textContent = "planted";
              document.querySelector("main").append(link);
            }"""
        )
        page.click("#planted")
        page.wait_for_timeout(
            200
        )  # lets the violation event be dispatched (not a timing assertion)
        assert watched.dialogs == []
        assert any(v.startswith("script-src") for v in watched.violations())


def test_the_site_refuses_to_be_framed(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.set_content(f'<iframe id="frame" src="{live_server.url}/"></iframe>')
        page.wait_for_load_state("networkidle")
        frame = page.frame_locator("#frame")
        assert frame.locator("nav.site-nav").count() == 0
        assert any("frame-ancestors" in m for m in watched.console_errors)


def test_the_yasgui_table_follows_the_link_rule(browser, live_server):
    """Our IRIs link to their pages, http(s) and mailto to themselves, anything else is text."""
    query = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(4)> <ftp://example.org/f> <tel:+1234> "
        "<https://example.org/y> <mailto:a@example.org> "
        "<https://w3id.org/clusterkg/resource/study/porter-1990> } }"
    )
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/sparql?query=" + quote(query))
        rows = page.locator(ACTIVE_TABLE + " tr")
        rows.first.wait_for()
        assert rows.count() == 6
        hrefs = page.locator(ACTIVE_TABLE + " a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href')).sort()"
        )
        assert hrefs == [
            "/resource/study/porter-1990",
            "https://example.org/y",
            "mailto:a@example.org",
        ]
        for text in ("javascript:alert(4)", "ftp://example.org/f", "tel:+1234"):
            page.locator(ACTIVE_TABLE + " td", has_text=text).click()
        assert watched.dialogs == []
        assert page.url.startswith(live_server.url + "/sparql")
        assert watched.violations() == []
