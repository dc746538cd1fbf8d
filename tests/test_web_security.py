"""Script links and security headers (issue 8, item 4), and resource paths that cannot be IRIs (item 14).

Only http, https, mailto and our own IRIs become links (`web.terms.link_href`); every response carries
the Content-Security-Policy and the other headers of `web.security`. The browser half is in
tests/test_browser_security.py.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef

from clusterkg.web.terms import link_href

SCRIPT_LINKS = Path(__file__).parent / "data" / "web" / "script-links.ttl"
TEST_GRAPH = URIRef("https://w3id.org/clusterkg/graph/test/script-links")
EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; "
        "style-src 'self' 'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=' "
        "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='; "
        "style-src-attr 'unsafe-hashes' 'sha256-EntWS0hFrz2vH7susM+dPUxvHlL6sBswmM8K80E5oUk='; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# An <a> whose href is not a relative path, #, http(s) or mailto: none may be on any page.
UNSAFE_HREF = re.compile(r"""href=["'](?!/|#|\?|https?:|mailto:)""", re.IGNORECASE)
BIND_JAVASCRIPT = "SELECT * WHERE { BIND(<javascript:alert(3)> AS ?x) }"


@pytest.fixture(scope="module")
def hostile_client(web_dataset, tmp_path_factory):
    """An app over the seed graph plus tests/data/web/script-links.ttl (a store of its own)."""
    from clusterkg.kg.config import Settings
    from clusterkg.kg.store import open_store
    from clusterkg.web import create_app

    store = open_store(Settings(store="memory"))
    store.load(web_dataset)
    store.replace_graph(TEST_GRAPH, Graph().parse(SCRIPT_LINKS))
    settings = Settings(store="memory", data_dir=tmp_path_factory.mktemp("hostile"))
    yield create_app({"SETTINGS": settings, "TESTING": True}, store=store).test_client()
    store.close()


def html(client, url: str, status: int = 200) -> str:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, response.text
    return response.text


@pytest.mark.parametrize(
    ("iri", "href"),
    [
        ("https://example.org/a?b=c#d", "https://example.org/a?b=c#d"),
        ("http://example.org/", "http://example.org/"),
        ("HTTPS://example.org/", "HTTPS://example.org/"),
        ("mailto:curators@example.org", "mailto:curators@example.org"),
        ("https://w3id.org/clusterkg/resource/study/porter-1990", "/resource/study/porter-1990"),
        ("https://w3id.org/clusterkg/ontology#Claim", "/ontology/Claim"),
        ("https://w3id.org/clusterkg/graph/source/seed", "/graph/source/seed"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("vbscript:msgbox(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("file:///etc/passwd", None),
        ("urn:isbn:0451450523", None),
        ("ftp://example.org/x", None),
        ("relative/path", None),
        ("https://[broken", None),
    ],
)
def test_only_http_https_mailto_and_our_own_iris_become_links(iri, href):
    assert link_href(iri) == href


def test_a_stored_javascript_iri_is_text_on_its_resource_page(hostile_client):
    text = html(hostile_client, "/resource/study/porter-1990")
    assert UNSAFE_HREF.search(text) is None
    assert '<span class="iri" title="javascript:alert(document.domain)">' in text
    assert '<span class="iri" title="data:text/html,xsslink">' in text
    assert '<a class="iri" href="https://example.org/porter"' in text
    assert '<a class="iri" href="mailto:curators@example.org"' in text


def test_a_resource_named_by_a_javascript_iri_is_text_in_search_results(hostile_client):
    text = html(hostile_client, "/search/?q=xssprobe")
    assert "3 of 3 results" in text
    assert UNSAFE_HREF.search(text) is None
    assert text.count('<span class="hit-title">xssprobe') == 3


def test_the_sparql_page_does_not_reflect_a_javascript_iri_as_a_link(client):
    text = html(client, "/sparql?query=" + quote(BIND_JAVASCRIPT))
    assert UNSAFE_HREF.search(text) is None
    assert '<span class="iri" title="javascript:alert(3)">javascript:alert(3)</span>' in text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/studies/",
        "/sparql",
        "/sparql?query=" + quote("ASK {}"),
        "/sparql/editor.json",
        "/resource/study/porter-1990?_format=ttl",
        "/static/js/site.js",
        "/static/vendor/yasgui/yasgui.min.js",
        "/no/such/page",
        "/studies/?page=0",
    ],
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert {name: response.headers.get(name) for name in EXPECTED_HEADERS} == EXPECTED_HEADERS


def test_no_page_has_inline_script_or_event_handlers(client):
    for url in ("/", "/studies/", "/sparql", "/search/?q=hub", "/resource/study/porter-1990"):
        text = html(client, url)
        assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []
        assert re.findall(r"\son[a-z]+\s*=", text) == []
        assert re.findall(r"\sstyle\s*=", text) == []


NOT_IN_ANY_IRI = [
    *("%00", "%20", "%3E", "%22", "a%20b", "x%3Cy", "%7B%7D", "%0A", "%5C", "%60", "%7C", "%5E"),
    *("a%25", "%25zz", "%5B%5D", "%7F", "%80", "%C3%28", "%EF%BF%BF", "%EF%BF%BD"),
]


HTML_ONLY = ("/studies/study/", "/recommendations/")  # pages that take a resource path


@pytest.mark.parametrize("prefix", HTML_ONLY)
@pytest.mark.parametrize("bad", NOT_IN_ANY_IRI)
def test_a_study_or_recommendation_path_that_cannot_be_an_iri_is_404(client, prefix, bad):
    response = client.get(prefix + bad, headers={"Accept": "text/plain"})
    assert response.status_code == 404
    if bad != "%0A":  # a newline: no route matches (the routing's own 404)
        assert response.text == "no such resource: this path cannot be part of an IRI\n"


@pytest.mark.parametrize("prefix", ["/resource/", "/ontology/", "/graph/"])
@pytest.mark.parametrize("bad", NOT_IN_ANY_IRI)
def test_a_path_that_cannot_be_an_iri_is_404_not_500(client, prefix, bad):
    for accept in ("text/html", "application/n-triples", "application/ld+json"):
        response = client.get(prefix + bad, headers={"Accept": accept})
        assert response.status_code == 404, (accept, response.text)
    response = client.get(prefix + bad, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.text == "no such resource: this path cannot be part of an IRI\n"


@pytest.mark.server
def test_odd_paths_over_http_are_404(live_server):
    """Through the real server (its headers must be Latin-1: a path's other characters are %-encoded
    in the Link header), on the embedded store (pyoxigraph, which refuses what is not an IRI)."""
    for prefix in ("/resource/", "/ontology/", "/graph/", *HTML_ONLY):
        for path in (*NOT_IN_ANY_IRI, "%C3%A9t%C3%A9", "%F0%9F%98%80"):
            for accept in ("text/html", "text/turtle"):
                request = urllib.request.Request(
                    live_server.url + prefix + path, headers={"Accept": accept}
                )
                with pytest.raises(urllib.error.HTTPError) as answer:
                    urllib.request.urlopen(request, timeout=30)
                assert answer.value.code == 404, (prefix, path, accept)
