"""The synthesis pages over the seed plus the fictional example: the matrix (HTML, paged; CSV), certainty with
reasons, contested marks on the recommendation pages; and a real Chromium on a real `clusterkg serve`."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset

from clusterkg.kg.config import Settings
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app
from tests.fixtures.web import ARTIFACTS, LiveServer, start_server, stop_server

CLAIM = "/resource/claim/"


@pytest.fixture(scope="module")
def client(synthesis_store: Store, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    settings = Settings(store="memory", data_dir=tmp_path_factory.mktemp("web-synthesis"))
    app: Flask = create_app({"SETTINGS": settings, "TESTING": True}, store=synthesis_store)
    return app.test_client()


def rows_of(html: str, table_id: str) -> list[str]:
    """The text of each body row of a table, tags stripped, whitespace collapsed."""
    body = html.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_matrix_page_shows_stances_linking_to_claims_and_marks_contested_themes(
    client: FlaskClient,
) -> None:
    response = client.get("/synthesis/matrix")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head = html.split('id="synthesis-matrix"', 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r"<th\b[^>]*>(.*?)</th>", head, flags=re.DOTALL)
    columns = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
    assert columns == [
        "Theme",
        "Certainty",
        "Delta (2018)",
        "Alpha (2019)",
        "Beta (2020)",
        "Gamma (2021)",
        "Epsilon (2022)",
        "Example Field Study 2022",
    ]
    assert rows_of(html, "synthesis-matrix") == [
        "Cluster coordinators raise trust among members very low disputes supports — — — — —",
        "Coordinators help new clusters build trust moderate — — — — supports supports",
        "Hub firms broker knowledge among cluster SMEs contested very low — supports disputes mixed — —",
        "Hub firms guard their know-how contested very low — disputes supports — — —",
    ]
    assert html.count('class="pill contested"') == 3  # two themes and the legend
    assert f'href="{CLAIM}example-beta-hub-firms-keep-know-how"' in html


def test_matrix_is_paged_by_theme(client: FlaskClient) -> None:
    first = client.get("/synthesis/matrix?size=3")
    assert first.status_code == 200
    assert len(rows_of(first.get_data(as_text=True), "synthesis-matrix")) == 3
    assert 'rel="next"' in first.headers["Link"]
    second = client.get("/synthesis/matrix?size=3&page=2")
    html = second.get_data(as_text=True)
    assert rows_of(html, "synthesis-matrix") == [
        "Hub firms guard their know-how contested very low disputes supports"
    ]
    assert client.get("/synthesis/matrix?size=3&page=3").status_code == 404
    assert client.get("/synthesis/matrix?size=0").status_code == 400


def test_matrix_csv_has_one_row_per_stance(client: FlaskClient) -> None:
    response = client.get("/synthesis/matrix.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == [
        "theme", "themeLabel", "study", "studyLabel", "studyCitedAs", "studyYear",
        "stance", "stanceLabel", "claim", "claimLabel", "link",
    ]  # fmt: skip
    assert len(rows) == 9
    assert {
        (r["themeLabel"], r["studyCitedAs"], r["stanceLabel"])
        for r in rows
        if "Gamma" in r["studyCitedAs"]
    } == {("Hub firms broker knowledge among cluster SMEs", "Gamma (2021)", "mixed")}
    assert rows[0]["claim"].startswith("https://w3id.org/clusterkg/resource/claim/")


def test_certainty_page_gives_every_rating_with_its_reasons(client: FlaskClient) -> None:
    response = client.get("/synthesis/certainty")
    assert response.status_code == 200
    rows = rows_of(response.get_data(as_text=True), "certainty-list")
    assert len(rows) == 9
    state_budget = next(r for r in rows if r.startswith("The City People"))
    assert (
        "recommendation low Low: rests on the paper's own analysis; no cited study; no dispute"
        in (state_budget.replace("&#39;", "'"))
    )
    broker = next(r for r in rows if r.startswith("The city funds a broker"))
    assert "contested" in broker and "very low" in broker


def test_recommendation_pages_mark_contested_recommendations_only(client: FlaskClient) -> None:
    index = client.get("/recommendations/").get_data(as_text=True)
    marked = [r for r in rows_of(index, "recommendation-list") if " contested " in f" {r} "]
    assert len(marked) == 1 and "The city funds a broker" in marked[0]
    broker = client.get("/recommendations/example-fund-a-broker").get_data(as_text=True)
    assert 'id="certainty-contested"' in broker
    assert "Supported by 1 study and disputed by 1 other study." in broker
    coordinator = client.get("/recommendations/example-coordinator-for-new-clusters")
    html = coordinator.get_data(as_text=True)
    assert coordinator.status_code == 200 and 'id="certainty-contested"' not in html
    assert (
        "disputed by at least one claim" in html
    )  # a dispute, but from the supporting study itself
    seed = client.get("/recommendations/state-budget-infrastructure-investment").get_data(
        as_text=True
    )
    assert 'id="certainty-contested"' not in seed
    assert "Low: rests on the paper&#39;s own analysis; no cited study; no dispute" in seed


# -- a real browser on a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthesis_server(
    synthesis_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`clusterkg serve` over an embedded store holding the seed and the example."""
    data_dir: Path = tmp_path_factory.mktemp("synthesis-server")
    store = open_store(Settings(data_dir=data_dir))
    store.load(synthesis_dataset)
    store.close()
    env = dict(os.environ, CLUSTERKG_DATA_DIR=str(data_dir))
    server = start_server([], env, data_dir / "server.log")
    yield server
    stop_server(server)


@pytest.mark.browser
@pytest.mark.server
def test_browser_walks_the_matrix_to_a_disputing_claim(browser, synthesis_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(synthesis_server.url + "/")
        page.click("nav.site-nav >> text=Synthesis")
        page.wait_for_url(re.compile(r".*/synthesis/matrix$"))
        table = page.locator("#synthesis-matrix")
        assert table.is_visible()
        contested = table.locator("tr.contested")
        assert contested.count() == 2
        assert (
            contested.first.locator("th")
            .inner_text()
            .startswith("Hub firms broker knowledge among cluster SMEs")
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "synthesis-matrix.png"), full_page=True)
        page.click(
            "#synthesis-matrix a.stance-disputes[href$='example-beta-hub-firms-keep-know-how']"
        )
        page.wait_for_url(re.compile(r".*/resource/claim/example-beta-hub-firms-keep-know-how$"))
        assert "Hub firms in Example Valley keep their know-how" in page.locator("h1").inner_text()
        page.goto(synthesis_server.url + "/synthesis/certainty")
        assert page.locator("#certainty-list tbody tr").count() == 9
        page.screenshot(path=str(ARTIFACTS / "synthesis-certainty.png"), full_page=True)
    finally:
        context.close()
    assert [u for u in requested if not u.startswith(synthesis_server.url)] == []


def test_resource_pages_of_themes_and_recommendations_show_certainty_and_contested(
    client: FlaskClient,
) -> None:
    contested = client.get("/resource/concept/theme/hub-firms-broker-knowledge").get_data(
        as_text=True
    )
    assert (
        'id="certainty-contested"' in contested and "Very low: two independent sources" in contested
    )
    agreed = client.get("/resource/concept/theme/coordinators-help-new-clusters").get_data(
        as_text=True
    )
    assert 'id="certainty"' in agreed and 'id="certainty-contested"' not in agreed
    assert "Moderate: two independent sources; no dispute" in agreed
    seed = client.get("/resource/recommendation/state-budget-infrastructure-investment")
    assert "Low: rests on the paper&#39;s own analysis" in seed.get_data(as_text=True)
    claim = client.get("/resource/claim/example-beta-hub-firms-keep-know-how").get_data(
        as_text=True
    )
    assert 'id="certainty"' not in claim
