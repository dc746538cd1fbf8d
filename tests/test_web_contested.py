"""Every page that lists or shows a theme or recommendation marks the contested ones (queries/contested.rq), and
only those: on the clearly marked example data of tests/data/synthesis/ (a contested theme and recommendation
beside ones that are disputed by their own supporting study only), over HTTP with Flask's client and in a real
Chromium on a real `clusterkg serve`."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clusterkg.kg.config import Settings
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app
from tests.fixtures.web import ARTIFACTS, LiveServer

CKR = "https://w3id.org/clusterkg/resource/"
BROKER = "The city funds a broker"  # recommendation: Alpha supports, Beta disputes -> contested
COORDINATOR = "The city appoints a coordinator"  # recommendation: Delta both ways -> not contested
CONTESTED_THEME = "Hub firms broker knowledge among cluster SMEs"
AGREED_THEME = "Coordinators help new clusters build trust"  # supported only
SELF_DISPUTED_THEME = "Cluster coordinators raise trust among members"  # Delta both ways
MARK = '<span class="pill contested"'


@pytest.fixture(scope="module")
def client(synthesis_store: Store, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    settings = Settings(store="memory", data_dir=tmp_path_factory.mktemp("web-contested"))
    app: Flask = create_app({"SETTINGS": settings, "TESTING": True}, store=synthesis_store)
    return app.test_client()


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def marked(html: str, element: str, text: str) -> bool:
    """Whether the first `element` (li, tr, h1, th, ...) that contains `text` carries the contested mark."""
    for found in re.findall(rf"<{element}\b[^>]*>(.*?)</{element}>", html, flags=re.DOTALL):
        if text in found.replace("&#39;", "'"):
            return MARK in found
    raise AssertionError(f"no <{element}> with {text!r}")


@pytest.mark.parametrize("path", ["/", "/questions/"])
def test_question_cards_mark_the_contested_recommendation(client: FlaskClient, path: str) -> None:
    html = page(client, path)
    assert marked(html, "li", BROKER) and not marked(html, "li", COORDINATOR)


def test_search_results_mark_contested_hits(client: FlaskClient) -> None:
    html = page(client, "/search/?q=the+city")
    assert marked(html, "li", BROKER) and not marked(html, "li", COORDINATOR)
    html = page(client, "/search/?q=trust")
    assert not marked(html, "li", AGREED_THEME) and not marked(html, "li", SELF_DISPUTED_THEME)
    assert marked(page(client, "/search/?q=broker+knowledge"), "li", CONTESTED_THEME)


def test_study_pages_mark_what_their_claims_are_evidence_for(client: FlaskClient) -> None:
    alpha = page(client, "/studies/study/example-alpha-2019")
    assert marked(alpha, "tr", CONTESTED_THEME) and marked(alpha, "tr", BROKER)
    delta = page(client, "/studies/study/example-delta-2018")
    assert not marked(delta, "tr", SELF_DISPUTED_THEME) and not marked(delta, "tr", COORDINATOR)


def test_gap_pages_mark_contested_rows_and_cells(client: FlaskClient) -> None:
    index = page(client, "/gaps/")
    assert marked(index, "tr", BROKER) and not marked(index, "tr", COORDINATOR)
    themes = quote(f"{CKR}scheme/example-themes", safe="")
    actors = quote("https://w3id.org/clusterkg/ontology#Actor", safe="")
    gap_map = page(client, f"/gaps/map?rows={themes}&columns={actors}")
    table = gap_map.split('id="gapmap-table"', 1)[1]
    assert marked(table, "tr", CONTESTED_THEME) and not marked(table, "tr", AGREED_THEME)
    svg = client.get(f"/gaps/map.svg?rows={themes}&columns={actors}").get_data(as_text=True)
    assert svg.count('<tspan class="contested"') == 2  # the two contested themes' labels
    rec = quote(f"{CKR}recommendation/example-fund-a-broker", safe="")
    cell = page(client, f"/gaps/recommendations-actors?rec={rec}&kind={actors}")
    assert marked(cell, "h1", "example-fund-a-broker")  # the cell page names its axes by IRI
    rec = quote(f"{CKR}recommendation/example-coordinator-for-new-clusters", safe="")
    assert not marked(
        page(client, f"/gaps/recommendations-actors?rec={rec}&kind={actors}"),
        "h1",
        "example-coordinator-for-new-clusters",
    )


def test_concept_pages_mark_contested_themes(client: FlaskClient) -> None:
    concepts = page(client, "/concepts/")
    themes = concepts.split('id="theme-list"', 1)[1]
    assert marked(themes, "li", CONTESTED_THEME) and not marked(themes, "li", AGREED_THEME)
    assert not marked(themes, "li", SELF_DISPUTED_THEME)
    contested = quote(f"{CKR}concept/theme/hub-firms-broker-knowledge", safe="")
    assert marked(page(client, f"/concepts/studies?concept={contested}"), "h1", CONTESTED_THEME)
    agreed = quote(f"{CKR}concept/theme/coordinators-help-new-clusters", safe="")
    assert not marked(page(client, f"/concepts/studies?concept={agreed}"), "h1", AGREED_THEME)


def test_resource_pages_mark_the_contested_resources_they_link_to(client: FlaskClient) -> None:
    link = page(client, "/resource/evidence/example-hub-firms-theme-alpha")
    assert marked(link.split('id="outgoing"', 1)[1], "tr", CONTESTED_THEME)
    link = page(client, "/resource/evidence/example-coordinator-rests-on-delta")
    assert not marked(link.split('id="outgoing"', 1)[1], "tr", COORDINATOR)


def test_the_report_marks_contested_recommendations_and_themes(client: FlaskClient) -> None:
    html = page(client, "/report/")
    broker = html.split(BROKER, 1)[1].split("<h3", 1)[0]
    coordinator = html.split(COORDINATOR, 1)[1].split("<h3", 1)[0]
    assert '<p class="contested">' in broker and '<p class="contested">' not in coordinator
    matrix = html.split('id="synthesis-matrix"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", matrix, flags=re.DOTALL)[1:]
    contested = {CONTESTED_THEME, "Hub firms guard their know-how"}
    assert len(rows) == 9
    for row in rows:
        assert ("contested</strong>" in row) == any(t in row for t in contested), row


# -- a real browser on a real server ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.server
def test_browser_sees_the_marks_on_every_kind_of_page(
    browser, synthesis_server: LiveServer
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(synthesis_server.url + "/")
        cards = tab.locator(".card.question li")
        assert cards.filter(has_text=BROKER).locator(".pill.contested").count() == 1
        assert cards.filter(has_text=COORDINATOR).locator(".pill.contested").count() == 0
        tab.fill("input[name=q]", "broker")
        tab.keyboard.press("Enter")
        tab.wait_for_url(re.compile(r".*/search/\?q=broker.*"))
        hits = tab.locator("#hits li")
        assert hits.filter(has_text=BROKER).locator(".pill.contested").is_visible()
        tab.goto(synthesis_server.url + "/studies/study/example-delta-2018")
        assert tab.locator("#evidence-for .pill.contested").count() == 0
        tab.goto(synthesis_server.url + "/studies/study/example-alpha-2019")
        assert tab.locator("#evidence-for .pill.contested").count() >= 2
        tab.goto(synthesis_server.url + "/concepts/")
        themes = tab.locator("#theme-list li")
        assert themes.filter(has_text=CONTESTED_THEME).locator(".pill.contested").is_visible()
        assert themes.filter(has_text=AGREED_THEME).locator(".pill.contested").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        tab.locator("#themes").scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / "contested-concepts.png"), full_page=True)
        tab.goto(synthesis_server.url + "/gaps/")
        rows = tab.locator("#gap-actors tbody tr")
        assert rows.filter(has_text=BROKER).locator(".pill.contested").count() == 1
        assert rows.filter(has_text=COORDINATOR).locator(".pill.contested").count() == 0
    finally:
        context.close()
