"""Linked Data pages: every resource, ontology term and named graph of ours, by content negotiation on one URL.

`/resource/<path>` serves https://w3id.org/clusterkg/resource/<path>, `/ontology/<Term>` serves
https://w3id.org/clusterkg/ontology#<Term> (or an ontology module), `/graph/<path>` a named graph's IRI.
HTML, Turtle, JSON-LD, N-Triples and TriG (with the named graphs); `?_format=` overrides Accept;
`Link: rel="alternate"` advertises the other formats; an unknown IRI is 404 in every format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Graph, URIRef
from werkzeug.urls import iri_to_uri

from clusterkg.kg.conneg import (
    HTML,
    RESOURCE_FORMATS,
    TRIG,
    Format,
    alternate_links,
    format_url,
    negotiate,
)
from clusterkg.kg.namespaces import ONTOLOGY_IRI
from clusterkg.web.describe import incoming_totals, is_empty, resource_dataset, resource_view
from clusterkg.web.marks import contested_marks, rated_item_mark
from clusterkg.web.ontodocs import index_page, term_page
from clusterkg.web.responses import error_response, rdf_response
from clusterkg.web.services import services
from clusterkg.web.terms import NOT_AN_IRI, iri_for_path

bp = Blueprint("resources", __name__)
# A page of its own for some IRIs in HTML (the ontology's documentation): its HTML, or None for the generic page.
Page = Callable[[URIRef, Sequence[tuple[Format, str]], str], str | None]


@bp.route("/resource/<path:path>")
def resource(path: str) -> Response:
    return _show([iri_for_path("resource", path)])


@bp.route("/ontology/<path:name>")
def ontology_term(name: str) -> Response:
    return _show([iri_for_path("ontology", name), iri_for_path("module", name)], term_page)


@bp.route("/ontology")
def ontology_index() -> Response:
    return _show([URIRef(ONTOLOGY_IRI)], index_page)


@bp.route("/graph/<path:path>")
def named_graph(path: str) -> Response:
    return _show([iri_for_path("graph", path)])


def _show(candidates: list[URIRef | None], page: Page | None = None) -> Response:
    """The first candidate IRI the store knows, in the negotiated format; 404 when it knows none
    (and when the path cannot be an IRI at all: None). In HTML, `page` may give the IRI a page of its own."""
    svc = services()
    fmt = negotiate(RESOURCE_FORMATS, request.headers.get("Accept"), request.args.get("_format"))
    base = iri_to_uri(
        request.base_url
    )  # headers are Latin-1: the path's other characters %-encoded
    links = alternate_links(base, RESOURCE_FORMATS, fmt)
    if fmt is None:
        offered = ", ".join(f.media_type for f in RESOURCE_FORMATS)
        return _with_links(error_response(406, f"this resource is available as: {offered}"), links)
    for iri in filter(None, candidates):
        incoming = incoming_totals(svc, iri) if fmt == HTML else None  # a page shows some of each
        data = resource_dataset(svc, iri, incoming)
        if not is_empty(data):
            break
    else:
        message = (
            f"no resource <{candidates[0]}> in this dataset"
            if candidates[0] is not None
            else NOT_AN_IRI
        )
        return _with_links(error_response(404, message), links)
    if fmt == TRIG:
        return rdf_response(data, fmt, links=links)
    if fmt != HTML:
        merged = Graph()
        merged += data.triples((None, None, None))
        return rdf_response(merged, fmt, links=links)
    view = resource_view(svc, iri, data, incoming)
    formats = [(f, format_url(base, f)) for f in RESOURCE_FORMATS if f != HTML]
    sparql_href = url_for("sparql.endpoint", query=view.sparql)
    body = page(iri, formats, sparql_href) if page is not None else None
    if body is None:
        body = render_template(
            "resources/resource.html",
            view=view,
            mark=rated_item_mark(svc, iri, {t.iri for t in view.types}),
            marks=contested_marks(
                svc,
                (
                    URIRef(link.other.iri)
                    for group in view.outgoing + view.incoming
                    for link in group.links
                    if link.other.kind == "iri"
                ),
            ),
            formats=formats,
            sparql_href=sparql_href,
        )
    response = Response(body, content_type=HTML.content_type)
    response.vary.add("Accept")
    return _with_links(response, links)


def _with_links(response: Response, links: str) -> Response:
    response.headers["Link"] = links
    response.vary.add("Accept")
    return response
