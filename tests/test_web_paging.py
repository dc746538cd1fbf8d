"""Server-side paging of the list pages over the seed graph: exact rows per page, totals, prev/next links and
`Link` headers, 404 past the end, 400 for a bad page or size; filters survive paging; per-resource pages."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from rdflib import Literal, URIRef

from clusterkg.kg.namespaces import CKG, CKR
from clusterkg.kg.queries import NamedQuery, QueryContractError
from clusterkg.web.paging import MAX_PAGE_SIZE, PAGE_SIZE, Paging

HTML = "text/html; charset=utf-8"
HUB_FIRM = quote(str(CKG.HubFirm), safe=":/")
STUDY_LINK = re.compile(r'<td><a href="/studies/([^"]+)">')
REC_LINK = re.compile(r'<a class="rec-link" href="/recommendations/([^"]+)">')
HIT_LINK = re.compile(r'<a class="hit-title" href="/resource/claim/([^"]+)">')


def get(client, url: str):
    return client.get(url, headers={"Accept": "text/html"})


def rows(client, url: str, pattern: re.Pattern) -> tuple[list[str], str]:
    """The resources a list page shows (in order) and its `Link` header."""
    response = get(client, url)
    assert response.status_code == 200, response.text
    assert response.content_type == HTML
    return pattern.findall(response.text), response.headers.get("Link", "")


def test_studies_page_by_page(client):
    first, links = rows(client, "/studies/?size=5", STUDY_LINK)
    assert first == [
        "study/porter-1990",
        "study/munnich-et-al-1999",
        "study/gordon-mccann-2000",
        "study/morosini-2004",
        "study/narula-2004",
    ]
    assert links == '</studies/?size=5&page=2>; rel="next"'
    second, links = rows(client, "/studies/?size=5&page=2", STUDY_LINK)
    assert second == [
        "study/roberts-enright-2004",
        "study/unattributed-2005",
        "study/giuliani-bell-2005",
        "study/li-et-al-2013",
        "study/batterink-et-al-2014",
    ]
    assert links == '</studies/?size=5>; rel="prev", </studies/?size=5&page=3>; rel="next"'
    last, links = rows(client, "/studies/?size=5&page=3", STUDY_LINK)
    assert last == [
        "study/bembenek-kowalska-2016",
        "study/bergman-feser-2020",
        "study/alsaadi-norhayatizakuan-2021",
        "study/darwish-et-al-2021",
        "document/hanoi-industrial-clusters-2021",
    ]
    assert links == '</studies/?size=5&page=2>; rel="prev"'
    text = get(client, "/studies/?size=5&page=2").text
    assert '<p class="muted" id="study-count">15 of 15 studies</p>' in text
    assert "rows 6–10 of 15, page 2 of 3" in text
    assert '<a rel="prev" href="/studies/?size=5">← previous</a>' in text
    assert '<a rel="next" href="/studies/?size=5&amp;page=3">next →</a>' in text


def test_the_default_page_holds_every_seed_study(client):
    found, links = rows(client, "/studies/", STUDY_LINK)
    assert len(found) == 15 <= PAGE_SIZE
    assert links == ""


def test_sort_applies_to_the_whole_list(client):
    found, _ = rows(client, "/studies/?size=3&sort=claims", STUDY_LINK)
    assert found == [
        "document/hanoi-industrial-clusters-2021",
        "study/bembenek-kowalska-2016",
        "study/porter-1990",
    ]


def test_past_the_end_is_404_as_a_page(client):
    response = get(client, "/studies/?size=5&page=4")
    assert response.status_code == 404
    assert response.content_type == HTML
    assert '<p class="error-box">no page 4: the list has 3 page(s)</p>' in response.text
    assert get(client, "/recommendations/?page=2").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be 1 or more, not 0"),
        ("page=x", "page must be a whole number, not &#39;x&#39;"),
        ("page=-1", "page must be 1 or more, not -1"),
        ("size=1000", f"size must be between 1 and {MAX_PAGE_SIZE}, not 1000"),
        ("size=0", f"size must be between 1 and {MAX_PAGE_SIZE}, not 0"),
        ("size=ten", "size must be a whole number, not &#39;ten&#39;"),
    ],
)
def test_a_bad_page_or_size_is_400(client, query, message):
    for path in ("/studies/", "/recommendations/", "/search/?q=hub+firm&", "/questions/"):
        url = f"{path}{'' if path.endswith('&') else '?'}{query}"
        response = get(client, url)
        assert response.status_code == 400, url
        assert f'<p class="error-box">{message}</p>' in response.text


def test_concept_filter_survives_paging(client):
    url = f"/studies/?size=1&concept={HUB_FIRM}"
    first, links = rows(client, url, STUDY_LINK)
    assert first == ["study/batterink-et-al-2014"]
    assert links == f'</studies/?size=1&concept={HUB_FIRM}&page=2>; rel="next"'
    second, links = rows(client, f"{url}&page=2", STUDY_LINK)
    assert second == ["document/hanoi-industrial-clusters-2021"]
    assert links == f'</studies/?size=1&concept={HUB_FIRM}>; rel="prev"'
    text = get(client, f"{url}&page=2").text
    assert '<p class="muted" id="study-count">2 of 15 studies about hub firm</p>' in text
    assert get(client, f"{url}&page=3").status_code == 404
    assert get(client, "/studies/?concept=not+an+iri").status_code == 400


def test_year_and_concept_filters_together(client):
    found, _ = rows(client, f"/studies/?year=2014&concept={HUB_FIRM}", STUDY_LINK)
    assert found == ["study/batterink-et-al-2014"]
    found, _ = rows(client, f"/studies/?year=2004&concept={HUB_FIRM}", STUDY_LINK)
    assert found == []


@pytest.mark.parametrize(
    ("study", "authors"),
    [
        ("gordon-mccann-2000", "Gordon, McCann"),
        ("batterink-et-al-2014", "Batterink et al."),
    ],
)
def test_study_page_lists_exactly_its_authors(client, study, authors):
    text = get(client, f"/studies/study/{study}").text
    assert f"<tr><td>Authors</td><td>{authors}</td></tr>" in text


def test_study_list_shows_the_authors_of_its_page(client):
    text = get(client, "/studies/?size=5").text
    assert "<td>Gordon, McCann</td>" in text
    assert "Batterink" not in text  # on page 2


def test_recommendations_page_by_page(client):
    first, links = rows(client, "/recommendations/?size=2", REC_LINK)
    assert first == [
        "state-budget-infrastructure-investment",
        "cluster-development-planning-contents",
    ]
    assert links == '</recommendations/?size=2&page=2>; rel="next"'
    last, links = rows(client, "/recommendations/?size=2&page=2", REC_LINK)
    assert last == ["cluster-development-planning-procedure"]
    assert links == '</recommendations/?size=2>; rel="prev"'
    assert get(client, "/recommendations/?size=2&page=3").status_code == 404


def test_search_results_page_by_page(client):
    # "firm*": "hub firms" too; the claims with both words in two texts first, then by BM25
    first, links = rows(client, "/search/?q=hub+firm*&size=3", HIT_LINK)
    assert first == [
        "hanoi-2021-hub-firms-local-suppliers",
        "batterink-et-al-2014-focus-on-hub-firms",
        "hanoi-2021-hub-firms-network-performance",
    ]
    assert links == '</search/?q=hub+firm*&size=3&page=2>; rel="next"'
    last, links = rows(client, "/search/?q=hub+firm*&size=3&page=3", HIT_LINK)
    assert last == ["batterink-et-al-2014-most-contacts"]
    assert links == '</search/?q=hub+firm*&size=3&page=2>; rel="prev"'
    text = get(client, "/search/?q=hub+firm*&size=3&page=3").text
    assert '<p class="muted" id="hit-count">7 of 7 results for “hub firm*”</p>' in text
    assert get(client, "/search/?q=hub+firm*&size=3&page=4").status_code == 404


def test_search_facet_survives_paging(client):
    url = "/search/?q=hub+firm*&year=2014&size=2"
    first, links = rows(client, url, HIT_LINK)
    assert len(first) == 2
    assert links == '</search/?q=hub+firm*&year=2014&size=2&page=2>; rel="next"'
    second, _ = rows(client, f"{url}&page=2", HIT_LINK)
    assert len(second) == 1 and not set(first) & set(second)
    text = get(client, f"{url}&page=2").text
    assert '<p class="muted" id="hit-count">3 of 7 results for “hub firm*”</p>' in text


def test_concept_studies_are_counted_and_paged(client):
    text = get(client, "/concepts/").text
    assert f'<a class="studies" href="/concepts/studies?concept={HUB_FIRM}">2 studies</a>' in text
    first, links = rows(client, f"/concepts/studies?concept={HUB_FIRM}&size=1", STUDY_LINK)
    assert first == ["document/hanoi-industrial-clusters-2021"]  # the most claims about hub firms
    assert links == f'</concepts/studies?concept={HUB_FIRM}&size=1&page=2>; rel="next"'
    second, _ = rows(client, f"/concepts/studies?concept={HUB_FIRM}&size=1&page=2", STUDY_LINK)
    assert second == ["study/batterink-et-al-2014"]
    assert get(client, "/concepts/studies").status_code == 400
    unknown = quote(str(CKG.NoSuchThing), safe=":/")
    assert get(client, f"/concepts/studies?concept={unknown}").status_code == 404


def test_research_questions_page_by_page(client):
    response = get(client, "/questions/?size=1&page=2")
    assert response.status_code == 200
    assert response.headers["Link"] == '</questions/?size=1>; rel="prev"'
    assert '<p class="muted" id="question-count">2 research questions</p>' in response.text
    assert 'href="/resource/rq/hanoi-2021-q2"' in response.text
    assert "hanoi-2021-q1" not in response.text
    assert get(client, "/questions/?size=1&page=3").status_code == 404


def test_gap_map_pages_its_recommendations(client):
    response = get(client, "/gaps/?size=2")
    assert response.headers["Link"] == '</gaps/?size=2&page=2>; rel="next"'
    assert "On this page, 41 of 44 cells are gaps" in response.text
    assert response.text.count('<th scope="row"><a class="iri" href="/recommendations/') == 2
    last = get(client, "/gaps/?size=2&page=2")
    assert "On this page, 22 of 22 cells are gaps" in last.text
    assert get(client, "/gaps/?size=2&page=3").status_code == 404
    assert "0 of 12 cells are gaps" in last.text  # the Porter map is not paged


def test_porter_cell_page_is_paged(client):
    factor = quote(str(CKR["concept/porter/factor-conditions"]), safe=":/")
    cell = f"/gaps/porter-cluster-types?factor={factor}&type={quote(str(CKG.SocialNetworkCluster), safe=':/')}"
    text = get(client, f"{cell}&size=1").text
    assert '<p class="muted" id="cell-count">1 study cover this cell.</p>' in text
    assert get(client, f"{cell}&size=1&page=2").status_code == 404


def query(sparql: str) -> NamedQuery:
    return NamedQuery(name="t", text=sparql, kind="SELECT")


def test_limit_sets_the_one_page_clause():
    sparql = "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 50 OFFSET 0 } }"
    paging = Paging(3, 5)
    assert "LIMIT 5 OFFSET 10" in query(sparql).bind(limit=paging.size, offset=paging.offset)
    with pytest.raises(QueryContractError):
        query("SELECT * { ?s ?p ?o }").bind(limit=5, offset=0)


def test_values_are_escaped_terms_never_pasted_text():
    sparql = "SELECT * { VALUES ?s { <urn:a> } { VALUES ?s { <urn:a> } ?s ?p ?o } }"
    bound = query(sparql).bind(values={"s": [URIRef("urn:x"), Literal('a" } ?evil { "')]})
    assert bound.count('VALUES ?s { <urn:x> "a\\" } ?evil { \\"" }') == 2
    with pytest.raises(QueryContractError):
        query(sparql).bind(values={"t": [URIRef("urn:x")]})
