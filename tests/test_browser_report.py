"""Chromium (Playwright) on a real `clusterkg serve` with the seed and the synthesis example: the report page with
its synthesis matrix, and the gap map used with the keyboard only; screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.web import ARTIFACTS, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]
LOCAL_REC = "/resource/recommendation/state-budget-infrastructure-investment"


@pytest.fixture
def page(browser, synthesis_server: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    yield page
    context.close()
    assert [u for u in requested if not u.startswith(synthesis_server.url)] == []
    assert errors == []  # no CSP violation, no script error


def test_report_page_from_the_navigation_to_a_recommendation(
    page, synthesis_server: LiveServer
) -> None:  # type: ignore[no-untyped-def]
    page.goto(synthesis_server.url + "/")
    page.click("nav.site-nav >> text=Report")
    page.wait_for_url(re.compile(r".*/report/$"))
    assert (
        page.locator("h2#question-hanoi-2021-q1")
        .inner_text()
        .startswith("Question 1: What are recommendations")
    )
    assert page.locator("p.own-analysis").count() == 3
    matrix = page.locator("#synthesis-matrix + div table.report-matrix")
    assert matrix.is_visible() and matrix.locator("tbody tr").count() > 0
    assert "disputes" in matrix.inner_text()
    assert page.locator("p.contested").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Word (.docx)")
    assert download.value.suggested_filename == "clusterkg-report.docx"
    page.locator(f"h3 a[href='{LOCAL_REC}']").click()
    page.wait_for_url(
        re.compile(r".*/resource/recommendation/state-budget-infrastructure-investment$")
    )


def test_gap_map_with_the_keyboard(page, synthesis_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(synthesis_server.url + "/gaps/map")
    assert page.locator("svg.gapmap-svg").is_visible()
    rows = page.locator("select[name=rows]")
    rows.focus()
    rows.select_option(label="Themes of the example synthesis (fictional)")
    page.locator("select[name=columns]").select_option(label="actor")
    page.keyboard.press("Tab")  # from the columns' select on through the filters to the button
    page.locator("form.gapmap-filters button").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/gaps/map\?rows=.*example-themes.*"))
    # The form shows the map it drew.
    assert page.locator("select[name=rows]").input_value().endswith("/scheme/example-themes")
    assert page.locator("select[name=columns]").input_value().endswith("#Actor")
    table = page.locator("#gapmap-table")
    assert table.locator("td.covered").count() == 4 and table.locator("td.gap").count() == 44
    assert page.locator("svg.gapmap-svg circle").count() == 4 + 5  # bubbles + legend
    page.locator("a[href='#gapmap-table']").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#gapmap-table")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gap-map.png"), full_page=True)
    with page.expect_download() as download:
        page.click(".gapmap-exports >> text=PNG")
    assert download.value.suggested_filename == "gap-map.png"
    assert Path(download.value.path()).read_bytes()[:4] == b"\x89PNG"
