"""The ontology's documentation in a real headless Chromium against a real `clusterkg serve`: the class tree
folds, a class page shows its shape table, and a class in the diagram opens its page. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import watched_page
from tests.fixtures.web import ARTIFACTS
from tests.test_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_class_tree_folds_and_unfolds(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/ontology/")
        assert page.locator("h1").inner_text() == "The ClusterKG ontology"
        cluster = page.locator("#class-tree details").filter(
            has=page.locator("> summary", has_text="industrial cluster")
        )
        child = cluster.locator("a", has_text="social network cluster")
        assert child.is_visible()
        shot(page, "ontology-index")
        cluster.locator("> summary").click(position={"x": 2, "y": 5})  # beside the link: folds
        assert not child.is_visible()
        cluster.locator("> summary").click(position={"x": 2, "y": 5})
        assert child.is_visible()
        assert watched.violations() == [] and watched.console_errors == []


def test_a_class_page_shows_what_the_shapes_require(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/ontology/Claim")
        assert page.locator("h1").inner_text() == "claim"
        table = page.locator("#shape-requirements")
        assert table.is_visible()
        headers = table.locator("thead th").all_inner_texts()
        assert headers == [
            "Path",
            "Cardinality",
            "Datatype or class",
            "Severity",
            "Message",
            "Shape",
        ]
        first = table.locator("tbody tr").first.locator("td").all_inner_texts()
        assert first[:4] == ["attributedTo", "1..*", "study", "Violation"]
        assert first[4].startswith("A claim needs ckg:attributedTo a ckg:Study")
        shot(page, "ontology-class-claim")
        # the shape's name links to its row on the index
        table.locator("tbody tr").first.locator("td").last.locator("a").click()
        page.wait_for_url(re.compile(r".*/ontology/#shape-ClaimShape$"))
        assert page.locator("#shape-ClaimShape").is_visible()
        assert watched.violations() == [] and watched.console_errors == []


def test_a_class_in_the_diagram_opens_its_page(browser, live_server):
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(live_server.url + "/ontology/")
        node = page.locator('#class-diagram [id="a_class-SocialNetworkCluster"]')
        node.scroll_into_view_if_needed()
        assert "organisedAround value InterFirmAndInterPersonalRelationships" in node.text_content()
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#class-diagram").screenshot(path=str(ARTIFACTS / "ontology-diagram.png"))
        node.click()
        page.wait_for_url(re.compile(r".*/ontology/SocialNetworkCluster$"))
        assert page.locator("h1").inner_text() == "social network cluster"
        assert (
            "EquivalentTo: IndustrialCluster and (organisedAround value"
            in page.locator("#axioms").inner_text()
        )
        shot(page, "ontology-class-social-network-cluster")
        assert watched.violations() == [] and watched.console_errors == []
