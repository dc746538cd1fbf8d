"""Every page family over the seed graph: 200, and the content a reviewer expects (exact strings of the seed)."""

from __future__ import annotations

import csv
import io
from html import escape

from rdflib import Dataset, Graph

from clusterkg.kg.namespaces import CKG, CKR, RDF

HTML = "text/html; charset=utf-8"
STATE_BUDGET = "/recommendations/state-budget-infrastructure-investment"
STATE_BUDGET_QUOTE = (
    "Based on the local budget capacity, the City People &amp; Committee shall stipulate the level and "
    "allocate investment capital from the state budget to:"
)


def page(client, url: str, **params: str) -> str:
    response = client.get(url, query_string=params or None, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.content_type == HTML
    return response.text


def test_home_shows_counts_sources_and_research_questions(client, web_store):
    text = page(client, "/")
    assert "ClusterKG: the evidence on industrial clusters" in text
    assert (
        '<div class="stat">14</div><div class="stat-label">studies</div>' not in text
    )  # + the source
    assert '<div class="stat">15</div><div class="stat-label">studies</div>' in text
    assert '<div class="stat">3</div><div class="stat-label">recommendations</div>' in text
    assert (
        f'<div class="stat">{web_store.count()}</div><div class="stat-label">triples</div>' in text
    )
    assert "What are recommendations for industrial clusters (IC) to grow in future?" in text
    assert "What are models and frameworks for IC development?" in text
    assert (
        f'<a class="iri" href="{STATE_BUDGET}" title="{CKR["recommendation/state-budget-infrastructure-investment"]}">'
        in text
    )
    assert "Webology (ISSN: 1735-188X) Volume 18, Number 2, 2021" in text


def test_recommendation_list(client):
    text = page(client, "/recommendations/")
    assert text.count('class="rec-link"') == 3
    assert (
        f'<a class="rec-link" href="{STATE_BUDGET}">The City People&#39;s Committee allocates '
        "state-budget investment capital to cluster infrastructure</a>"
    ) in text
    assert text.count('<span class="pill sev-warning">none</span>') == 3


def test_recommendation_page_shows_the_whole_evidence_chain(client):
    text = page(client, STATE_BUDGET)
    assert (
        '<p class="flag" id="no-cited-evidence"><strong>Evidence gap</strong>No cited study supports'
        in text
    )
    assert f'<mark class="quote-hit">{STATE_BUDGET_QUOTE}</mark>' in text
    assert "5. SUMMARY AND DISCUSSION Recommendations including but not limited to: </span>" in text
    assert "City People&#39;s Committee (Hanoi)" in text
    assert "<strong>a)</strong>" in text and "Invest in infrastructure outside the fence" in text
    assert text.count('<li class="evidence-item">') == 5
    assert text.count('<span class="pill kind-supports">supports</span>') == 3
    assert text.count('<span class="pill kind-contextualises">contextualises</span>') == 2
    # the one cited study in the chain (a contextualising link), with the passage in its context
    assert "Porter, 1990</a> (1990)" in text
    assert '<span class="pill">cited study</span>' in text
    assert (
        '<mark class="quote-hit">Crucially, Porter frames these four elements as being mutually reinforcing and '
        "interdependent, underlining the point that a successful cluster requires a broad ecosystem of "
        "actors, as well as material resources and policy support</mark>"
    ) in text
    assert (
        '<p class="rationale">Porter&#39;s framing that a successful cluster requires material resources and '
        "policy support is the background"
    ) in text


def test_unknown_recommendation_is_404(client):
    assert client.get("/recommendations/no-such-thing").status_code == 404


def test_bibliography_lists_every_study(client):
    text = page(client, "/studies/")
    assert '<p class="muted" id="study-count">15 of 15 studies</p>' in text
    assert ">Batterink et al., 2014</a>" in text
    assert "Bembenek, Kowalska" in text
    assert "Study cited without author (2005)" in text


def test_bibliography_filters_by_year_and_concept(client):
    text = page(client, "/studies/?year=2004")
    assert '<p class="muted" id="study-count">3 of 15 studies from 2004</p>' in text
    assert "Roberts and Enright 2004" in text and "Porter, 1990" not in text
    text = page(client, "/studies/", concept=str(CKG.HubFirm))
    assert '<p class="muted" id="study-count">2 of 15 studies about hub firm</p>' in text
    assert ">Batterink et al., 2014</a>" in text


def test_study_page_shows_claims_quotes_and_evidence(client):
    text = page(client, "/studies/study/batterink-et-al-2014")
    assert "<h2>Claims (4)</h2>" in text
    assert (
        '<mark class="quote-hit">Hub firms play a valuable role in facilitating social exchange within a '
        "cluster network.</mark>"
    ) in text
    assert "No evidence link rests on a claim of this study." in text
    porter = page(client, "/studies/study/porter-1990")
    assert porter.count('<span class="pill kind-supports">supports</span>') == 6
    assert "not stated in the source" in porter  # no title in the seed


def test_concepts_page_draws_the_diamond_and_the_cluster_types(client):
    text = page(client, "/concepts/")
    assert text.count('<section class="factor pos-') == 4
    for factor in (
        "factor conditions",
        "demand conditions",
        "related and supporting industries",
        "firm strategy, structure, and rivalry",
    ):
        assert f">{escape(factor)}</a></h3>" in text
    assert "educated and skilled labour" in text
    assert text.count('<div class="card cluster-type">') == 3
    assert "Marshallian industrial district" in text and "social network cluster" in text
    assert "<strong>Held together by:</strong> social capital and mutual trust" in text
    assert "<strong>Organised around:</strong> requirements of a few end-market producers" in text
    assert "City People&#39;s Committee (Hanoi)" in text


def test_gap_map_shows_counts_gaps_and_links(client):
    text = page(client, "/gaps/")
    assert '<table class="gapmap" id="gap-porter">' in text
    assert "0 of 12 cells are gaps" in text
    assert "63 of 66 cells are gaps" in text
    assert "<strong>addressee</strong>" in text
    cited_only = page(client, "/gaps/?cited_only=1")
    assert "12 of 12 cells are gaps" in cited_only


def test_gap_map_cells_link_to_their_studies(client):
    rec = str(CKR["recommendation/state-budget-infrastructure-investment"])
    text = page(client, "/gaps/recommendations-actors", rec=rec, kind=str(CKG.GovernmentBody))
    assert '<p class="muted" id="cell-count">1 study cover this cell.</p>' in text
    gap = page(client, "/gaps/recommendations-actors", rec=rec, kind=str(CKG.HubFirm))
    assert '<p class="flag" id="cell-gap"><strong>Gap</strong>' in gap


def test_search_finds_labels_claims_and_quotes_with_facets(client):
    # "firm*": words that begin so, as the substring search found "hub firms" too
    text = page(client, "/search/?q=hub+firm*")
    assert '<p class="muted" id="hit-count">7 of 7 results for “hub firm*”</p>' in text
    assert "<mark>hub firm</mark>" in text
    assert '<span class="muted">quote:</span>' in text
    narrowed = page(client, "/search/", q="hub firm*", year="2014")
    assert '<p class="muted" id="hit-count">3 of 7 results for “hub firm*”</p>' in narrowed
    by_type = page(client, "/search/", q="hub firm*", type=str(CKG.Claim))
    assert '<p class="muted" id="hit-count">6 of 7 results for “hub firm*”</p>' in by_type
    by_concept = page(
        client, "/search/", q="hub firm*", concept=str(CKR["concept/topic/innovation"])
    )
    assert '<p class="muted" id="hit-count">1 of 7 results for “hub firm*”</p>' in by_concept


def test_search_finds_quotes_only_words(client):
    text = page(client, "/search/?q=70+industrial+clusters")
    assert "Hanoi currently has <mark>70 industrial clusters</mark> operating" in text


def test_validation_page_groups_results_by_severity(client):
    text = page(client, "/validation/")
    assert "The SHACL report for the" in text
    for severity in ("Violation", "Warning", "Info"):
        assert f'<span class="pill sev-{severity.lower()}">{severity}</span>' in text


def test_validation_page_leaves_a_large_store_to_the_cli(make_app, web_store):
    """Above CLUSTERKG_VALIDATION_PAGE_MAX_QUADS the page does not copy the store into pyshacl: it says
    how large the store is and which command validates it."""
    quads = web_store.count()
    small = make_app(validation_page_max_quads=quads).test_client().get("/validation/")
    assert small.status_code == 200 and "The SHACL report for the" in small.text
    large = make_app(validation_page_max_quads=quads - 1).test_client().get("/validation/")
    assert large.status_code == 200
    assert (
        f"The store holds {quads:,} quads, more than the\n  {quads - 1:,} this page" in large.text
    )
    assert "clusterkg validate --from-store --format text" in large.text
    assert "The SHACL report for the" not in large.text


def test_exports(client, web_store):
    trig = client.get("/export/dataset.trig")
    assert trig.status_code == 200
    assert trig.content_type == "application/trig"
    exported = Dataset()
    exported.parse(data=trig.data, format="trig")
    assert {g.identifier for g in exported.graphs() if len(g)} == set(web_store.graphs())
    nq = client.get("/export/dataset.nq")
    assert nq.content_type == "application/n-quads"
    assert len(nq.text.splitlines()) == web_store.count()
    ttl = client.get("/export/dataset.ttl")
    assert ttl.content_type == "text/turtle; charset=utf-8"
    merged = Graph().parse(data=ttl.data, format="turtle")
    assert (CKR["study/porter-1990"], RDF.type, CKG.Study) in merged
    evidence = list(csv.DictReader(io.StringIO(client.get("/export/evidence.csv").text)))
    assert len(evidence) == 35  # 31 links; 4 rest on claims attributed to two studies
    porter = [
        r for r in evidence if r["evidence_link"].endswith("state-budget-in-context-of-porter")
    ]
    assert porter[0]["kind"] == "contextualises"
    assert porter[0]["study_cited_as"] == "Porter, 1990"
    assert porter[0]["quote"].startswith("Crucially, Porter frames these four elements")
    bib = list(csv.DictReader(io.StringIO(client.get("/export/bibliography.csv").text)))
    assert len(bib) == 15
    assert {
        "study": str(CKR["study/gordon-mccann-2000"]),
        "authors": "Gordon; McCann",
        "year": "2000",
    }.items() <= next(r for r in bib if r["cited_as"] == "Gordon and McCann (2000)").items()
    bib_ttl = Graph().parse(data=client.get("/export/bibliography.ttl").data, format="turtle")
    assert (CKR["study/gordon-mccann-2000"], CKG.citedAs, None) in bib_ttl
    assert client.get("/export/dataset.xyz").status_code == 404


def test_exports_page_links_every_download(client):
    text = page(client, "/exports/")
    for href in (
        "/export/dataset.trig",
        "/export/dataset.nq",
        "/export/dataset.ttl",
        "/export/bibliography.csv",
        "/export/bibliography.ttl",
        "/export/evidence.csv",
    ):
        assert f'href="{href}"' in text


def test_named_queries_list(client):
    text = page(client, "/queries/")
    assert "cq09-evidence-gaps" in text
    assert "Which recommendations rest on no cited study (evidence gaps)?" in text
