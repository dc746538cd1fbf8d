"""A reviewer's walk through the site in a real headless Chromium, against a real `clusterkg serve`.

Screenshots of the main pages go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.fixtures.web import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh browser page that records every URL it requests (all must be the app's own)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()
    outside = [url for url in page.requested if not url.startswith(live_server.url)]
    assert outside == [], f"the page fetched from outside the app: {outside}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_follow_a_recommendation_to_its_evidence_and_see_the_quote(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "ClusterKG: the evidence on industrial clusters"
    shot(page, "home")
    page.click("nav.site-nav >> text=Recommendations")
    page.wait_for_url(re.compile(r".*/recommendations/$"))
    shot(page, "recommendations")
    page.click(
        "a.rec-link >> text=The City People's Committee allocates state-budget investment capital"
    )
    page.wait_for_url(re.compile(r".*/recommendations/state-budget-infrastructure-investment$"))
    flag = page.locator("#no-cited-evidence")
    assert flag.is_visible()
    assert flag.inner_text().startswith("EVIDENCE GAP")
    own_quote = page.locator("mark.quote-hit").first
    assert own_quote.is_visible()
    assert own_quote.inner_text() == (
        "Based on the local budget capacity, the City People & Committee shall stipulate the level and "
        "allocate investment capital from the state budget to:"
    )
    evidence = page.locator("#evidence li.evidence-item")
    assert evidence.count() == 5
    porter = evidence.filter(has_text="Porter, 1990")
    porter.scroll_into_view_if_needed()
    highlighted = porter.locator("mark.quote-hit")
    assert highlighted.is_visible()
    assert highlighted.inner_text().startswith("Crucially, Porter frames these four elements")
    # the passage is shown with the text around it
    assert porter.locator("blockquote.source-text .ctx").first.inner_text().startswith("…")
    shot(page, "recommendation")
    porter.locator("a.iri", has_text="Porter, 1990").first.click()
    page.wait_for_url(re.compile(r".*/resource/study/porter-1990$"))
    assert page.locator("h1").inner_text() == "Porter, 1990"
    shot(page, "resource")


def test_search_with_a_facet(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("header input[name=q]", "hub firm*")  # "firm*": "hub firms" too
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=hub\+firm\*$"))
    assert page.locator("#hit-count").inner_text() == "7 of 7 results for “hub firm*”"
    page.click("#facets >> text=2014")
    page.wait_for_url(re.compile(r".*year=2014.*"))
    assert page.locator("#hit-count").inner_text() == "3 of 7 results for “hub firm*”"
    assert page.locator("#hits mark").first.inner_text().lower() in ("hub firm", "hub firms")
    shot(page, "search")


def test_gap_map_cell_leads_to_its_studies(page, live_server):
    page.goto(live_server.url + "/gaps/")
    assert page.locator("#gap-porter tbody tr").count() == 4
    shot(page, "gap-map")
    covered = page.locator("#gap-actors td.covered a.count").first
    covered.click()
    page.wait_for_url(re.compile(r".*/gaps/recommendations-actors\?.*"))
    assert page.locator("#cell-count").inner_text() == "1 study cover this cell."
    assert page.locator("#cell-studies li").first.is_visible()
    shot(page, "gap-cell")
    page.go_back()
    page.locator("#gap-actors td.gap a", has_text="SPARQL").first.click()
    page.wait_for_url(re.compile(r".*/sparql\?query=.*"))
    # YASGUI opens the linked query in a tab and runs it (whole: the query holds ";"); a gap has no studies
    chip = page.locator(".tabPanel.active .yasr_response_chip")
    chip.wait_for()
    assert chip.inner_text().startswith("0 results")


def test_run_a_query_on_the_sparql_page(page, live_server):
    """In YASGUI (tests/test_browser_yasgui.py has more, and the page without JavaScript)."""
    page.goto(live_server.url + "/sparql")
    editor = ".tabPanel.active .CodeMirror"
    page.wait_for_selector(editor)
    set_text = f"text => document.querySelector('{editor}').CodeMirror.setValue(text)"
    page.evaluate(
        set_text,
        "PREFIX ckg: <https://w3id.org/clusterkg/ontology#>\n"
        "SELECT ?study ?citedAs WHERE { ?study ckg:citedAs ?citedAs } ORDER BY ?citedAs",
    )
    page.click(".tabPanel.active .yasqe_queryButton")
    table = page.locator(".tabPanel.active .yasr table.dataTable")
    table.locator("tbody tr").first.wait_for()
    assert table.locator("tbody tr").count() == 15
    assert table.locator("tbody").inner_text().count("Porter, 1990") == 1
    shot(page, "sparql")
    page.evaluate(set_text, "SELECT * WHERE { ?s ?p }")
    page.click(".tabPanel.active .yasqe_queryButton")
    error = page.locator(".tabPanel.active .yasr .errorResult")
    error.wait_for()
    assert "SPARQL syntax error" in error.inner_text()


@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/studies/", "studies", "Studies"),
        ("/studies/study/batterink-et-al-2014", "study", "Batterink et al., 2014"),
        ("/concepts/", "concepts", "Concepts"),
        ("/validation/", "validation", "Validation"),
        ("/exports/", "exports", "Exports"),
        ("/ontology/SocialNetworkCluster", "ontology-term", "social network cluster"),
    ],
)
def test_main_pages_render(page, live_server, path, name, heading):
    page.goto(live_server.url + path)
    assert page.locator("h1").first.inner_text() == heading
    shot(page, name)
