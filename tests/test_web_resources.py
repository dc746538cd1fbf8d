"""Linked Data pages: content negotiation on every resource URL, 404 in every format, escaping of data."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDFS

from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, OA

PORTER = "/resource/study/porter-1990"
SOURCE = CKGRAPH["source/hanoi-industrial-clusters-2021"]
FORMATS = [
    ("text/turtle", "ttl", "text/turtle; charset=utf-8", "turtle"),
    ("application/ld+json", "jsonld", "application/ld+json; charset=utf-8", "json-ld"),
    ("application/n-triples", "nt", "application/n-triples", "nt"),
    ("application/trig", "trig", "application/trig", "trig"),
]


def parse(data: bytes, rdf_format: str) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(data=data, format=rdf_format)
    return dataset


@pytest.mark.parametrize(("accept", "key", "content_type", "rdf_format"), FORMATS)
def test_resource_in_every_rdf_format(client, accept, key, content_type, rdf_format):
    by_accept = client.get(PORTER, headers={"Accept": accept})
    by_param = client.get(PORTER, query_string={"_format": key}, headers={"Accept": "text/html"})
    for response in (by_accept, by_param):
        assert response.status_code == 200
        assert response.content_type == content_type
        assert response.headers["Vary"] == "Accept"
        data = parse(response.data, rdf_format)
        assert (CKR["study/porter-1990"], CKG.citedAs, Literal("Porter, 1990")) in data
        assert (
            CKR["claim/porter-1990-mutually-reinforcing"],
            CKG.attributedTo,
            CKR["study/porter-1990"],
        ) in data


def test_trig_keeps_the_named_graphs(client):
    data = parse(client.get(PORTER, headers={"Accept": "application/trig"}).data, "trig")
    assert (CKR["study/porter-1990"], CKG.citedAs, Literal("Porter, 1990")) in data.graph(SOURCE)


def test_rdf_includes_the_quote_behind_blank_nodes(client):
    response = client.get("/resource/rq/hanoi-2021-q1", headers={"Accept": "application/trig"})
    data = parse(response.data, "trig")
    exact = Literal(
        "Question 1: What are recommendations for industrial clusters (IC) to grow in future?"
    )
    [target] = data.graph(SOURCE).objects(CKR["rq/hanoi-2021-q1"], CKG.hasQuote)
    [selector] = data.graph(SOURCE).objects(target, OA.hasSelector)
    assert (selector, OA.exact, exact) in data.graph(SOURCE)
    turtle = Graph().parse(
        data=client.get("/resource/rq/hanoi-2021-q1?_format=ttl").data, format="turtle"
    )
    assert len(list(turtle.subjects(OA.exact, exact))) == 1


def test_jsonld_is_compact_with_the_project_context(client):
    document = json.loads(client.get(PORTER, headers={"Accept": "application/ld+json"}).text)
    assert document["@context"]["ckg"] == str(CKG)


def test_link_header_advertises_the_other_formats(client):
    response = client.get(PORTER, headers={"Accept": "text/turtle"})
    links = response.headers["Link"].split(", ")
    assert links == [
        '<http://localhost/resource/study/porter-1990?_format=html>; rel="alternate"; type="text/html"',
        '<http://localhost/resource/study/porter-1990?_format=jsonld>; rel="alternate"; type="application/ld+json"',
        '<http://localhost/resource/study/porter-1990?_format=nt>; rel="alternate"; type="application/n-triples"',
        '<http://localhost/resource/study/porter-1990?_format=trig>; rel="alternate"; type="application/trig"',
    ]


def test_html_page_shows_label_types_links_both_ways_and_provenance(client):
    response = client.get(PORTER, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    text = response.text
    assert "<h1>Porter, 1990</h1>" in text
    assert '<p class="iri-line">https://w3id.org/clusterkg/resource/study/porter-1990</p>' in text
    assert f'<a class="iri" href="/ontology/Study" title="{CKG.Study}">study</a>' in text
    assert '<table class="data props" id="outgoing">' in text
    assert '<table class="data props" id="incoming">' in text
    assert (
        'href="/resource/claim/porter-1990-mutually-reinforcing"' in text
    )  # incoming: a claim about it
    assert 'href="/graph/source/hanoi-industrial-clusters-2021"' in text  # provenance
    assert 'class="sparql-link" href="/sparql?query=' in text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in text


def test_claim_page_shows_its_quote_in_context(client):
    text = client.get("/resource/claim/porter-1990-mutually-reinforcing").text
    assert "<h2>Source passage</h2>" in text
    assert (
        '<mark class="quote-hit">Crucially, Porter frames these four elements as being mutually reinforcing and '
        "interdependent"
    ) in text


def test_ontology_terms_modules_and_graphs_resolve(client):
    term = client.get("/ontology/HubFirm")
    assert term.status_code == 200
    assert "<h1>hub firm</h1>" in term.text
    definition = client.get("/ontology/SocialNetworkCluster").text
    assert (
        '<p class="definition">A &#39;social network&#39;: a cluster defined by inter-firm and inter-personal '
        "relationships"
    ) in definition
    # the restriction behind the class, in Manchester syntax on the class's documentation page
    assert "organisedAround value InterFirmAndInterPersonalRelationships" in definition
    assert client.get("/ontology").status_code == 200
    assert client.get("/ontology/clusters").status_code == 200
    graph = client.get(
        "/graph/source/hanoi-industrial-clusters-2021", headers={"Accept": "text/turtle"}
    )
    assert graph.status_code == 200
    assert (
        SOURCE,
        CKG.describesDocument,
        CKR["document/hanoi-industrial-clusters-2021"],
    ) in Graph().parse(data=graph.data, format="turtle")


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/trig",
        "*/*",
    ],
)
@pytest.mark.parametrize(
    "url", ["/resource/study/no-such-study", "/ontology/NoSuchTerm", "/graph/no-such-graph"]
)
def test_unknown_resource_is_404_in_every_format(client, url, accept):
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 404
    assert "Link" in response.headers


@pytest.mark.parametrize("key", ["html", "ttl", "jsonld", "nt", "trig"])
def test_unknown_resource_is_404_with_format_parameter(client, key):
    assert (
        client.get("/resource/study/no-such-study", query_string={"_format": key}).status_code
        == 404
    )


def test_unacceptable_format_is_406(client):
    response = client.get(PORTER, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.text == (
        "this resource is available as: text/html, text/turtle, application/ld+json, "
        "application/n-triples, application/trig\n"
    )
    assert client.get(PORTER, query_string={"_format": "pdf"}).status_code == 406


SCRIPT = "<script>alert('owned')</script>"


def test_script_in_a_literal_is_shown_as_text(make_app):
    client = make_app(fresh_store=True, update_token="a-long-enough-t0ken").test_client()
    update = f"""INSERT DATA {{ GRAPH <{SOURCE}> {{
        <{CKR["study/porter-1990"]}> <{RDFS.comment}> "{SCRIPT}" .
        <{CKR["claim/injected"]}> a <{CKG.Claim}> ; <{RDFS.label}> "hub firm {SCRIPT}" ;
            <{CKG.attributedTo}> <{CKR["study/porter-1990"]}> . }} }}"""
    response = client.post(
        "/sparql", data={"update": update}, headers={"Authorization": "Bearer a-long-enough-t0ken"}
    )
    assert response.status_code == 204
    escaped = "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"
    pages = [
        client.get(PORTER).text,
        client.get("/resource/claim/injected").text,
        client.get("/search/", query_string={"q": "hub firm"}).text,
        client.get("/studies/study/porter-1990").text,
        client.get(
            "/sparql",
            query_string={
                "query": f"SELECT ?c WHERE {{ <{CKR['study/porter-1990']}> <{RDFS.comment}> ?c }}"
            },
            headers={"Accept": "text/html"},
        ).text,
    ]
    for text in pages:
        assert "<script>alert(" not in text
        assert escaped in text


def test_html_page_shows_20_incoming_links_of_each_property(client):
    """The seed paper is reportedIn by 114 statements: the page lists 20 (the store's choice) and says
    how many more there are; the Turtle of the same URL has all 114."""
    document = "/resource/document/hanoi-industrial-clusters-2021"
    page = client.get(document, headers={"Accept": "text/html"}).text
    incoming = page[page.index('id="incoming"') : page.index("<h2>Provenance</h2>")]
    reported = re.findall(
        r'<tr><td><a class="iri" href="/resource/([^"]+)"[^>]*>[^<]*</a></td>'
        r'<td><a class="iri" href="/ontology/reportedIn"',
        incoming,
    )
    everything = parse(client.get(document, query_string={"_format": "ttl"}).data, "turtle")
    reporting = sorted(str(s) for s in everything.subjects(CKG.reportedIn, CKR[document[10:]]))
    assert len(reporting) == 114
    shown = {"https://w3id.org/clusterkg/resource/" + r for r in reported}
    assert len(reported) == len(shown) == 20 and shown <= set(reporting)
    assert re.search(r"94 more of\s+114 via <a[^>]*>reported in</a>", incoming)
    porter = client.get(PORTER, headers={"Accept": "text/html"}).text
    assert 'class="more"' not in porter  # every incoming link of a study cited once is shown
