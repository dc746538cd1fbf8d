"""The content-negotiation table: `?_format=` first, then Accept, then the first offer."""

import pytest

from clusterkg.kg.conneg import (
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESOURCE_FORMATS,
    RESULT_FORMATS,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TRIG,
    TURTLE,
    alternate_links,
    format_url,
    negotiate,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript"


@pytest.mark.parametrize(
    ("offers", "accept", "param", "expected"),
    [
        (RESOURCE_FORMATS, None, None, HTML),
        (RESOURCE_FORMATS, "", None, HTML),
        (RESOURCE_FORMATS, "*/*", None, HTML),
        (RESOURCE_FORMATS, BROWSER, None, HTML),
        (RESOURCE_FORMATS, "text/turtle", None, TURTLE),
        (RESOURCE_FORMATS, "application/ld+json", None, JSONLD),
        (RESOURCE_FORMATS, "application/json", None, JSONLD),
        (RESOURCE_FORMATS, "application/n-triples", None, NTRIPLES),
        (RESOURCE_FORMATS, "application/trig", None, TRIG),
        (RESOURCE_FORMATS, "text/turtle;q=0.5, application/trig", None, TRIG),
        (RESOURCE_FORMATS, "text/html;q=0.1, text/turtle;q=0.9", None, TURTLE),
        (RESOURCE_FORMATS, "image/png", None, None),
        (RESOURCE_FORMATS, "text/turtle", "jsonld", JSONLD),
        (RESOURCE_FORMATS, BROWSER, "ttl", TURTLE),
        (RESOURCE_FORMATS, None, "application/n-triples", NTRIPLES),
        (RESOURCE_FORMATS, None, "TRIG", TRIG),
        (RESOURCE_FORMATS, "text/turtle", "nonsense", None),
        (RESULT_FORMATS, "*/*", None, RESULTS_JSON),
        (RESULT_FORMATS, None, None, RESULTS_JSON),
        (RESULT_FORMATS, BROWSER, None, HTML),
        (RESULT_FORMATS, SPARQLWRAPPER_JSON, None, RESULTS_JSON),
        (RESULT_FORMATS, "application/sparql-results+xml", None, RESULTS_XML),
        (RESULT_FORMATS, "application/xml", None, RESULTS_XML),
        (RESULT_FORMATS, "text/csv", None, RESULTS_CSV),
        (RESULT_FORMATS, "text/tab-separated-values", None, RESULTS_TSV),
        (RESULT_FORMATS, "text/turtle", None, None),
        (RESULT_FORMATS, "text/turtle", "csv", RESULTS_CSV),
        (GRAPH_FORMATS, "*/*", None, TURTLE),
        (GRAPH_FORMATS, "application/rdf+xml", None, RDFXML),
        (GRAPH_FORMATS, "application/ld+json", None, JSONLD),
        (GRAPH_FORMATS, "application/sparql-results+json", None, None),
    ],
)
def test_negotiate_table(offers, accept, param, expected):
    assert negotiate(offers, accept, param) == expected


def test_alternate_links_advertise_every_other_format():
    value = alternate_links("http://h/resource/study/x", RESOURCE_FORMATS, TURTLE)
    assert value.split(", ") == [
        '<http://h/resource/study/x?_format=html>; rel="alternate"; type="text/html"',
        '<http://h/resource/study/x?_format=jsonld>; rel="alternate"; type="application/ld+json"',
        '<http://h/resource/study/x?_format=nt>; rel="alternate"; type="application/n-triples"',
        '<http://h/resource/study/x?_format=trig>; rel="alternate"; type="application/trig"',
    ]


def test_format_url_keeps_existing_query_string():
    assert format_url("http://h/sparql?query=ASK%7B%7D", TURTLE) == (
        "http://h/sparql?query=ASK%7B%7D&_format=ttl"
    )


def test_content_types_carry_charset_for_text():
    assert TURTLE.content_type == "text/turtle; charset=utf-8"
    assert RESULTS_JSON.content_type == "application/sparql-results+json; charset=utf-8"
    assert NTRIPLES.content_type == "application/n-triples"
