"""Building responses: RDF in a negotiated format, and one-line errors as text or as a page."""

from __future__ import annotations

from flask import Response, render_template, request
from rdflib import Dataset, Graph

from clusterkg.kg.conneg import ERROR_FORMATS, HTML, JSONLD, TEXT, Format, negotiate
from clusterkg.kg.namespaces import PREFIXES


def serialize_rdf(graph: Graph, fmt: Format) -> bytes:
    """`graph` (or a Dataset, for TriG and N-Quads) as bytes in `fmt`, with the project's prefixes."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    if fmt == JSONLD:
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, encoding="utf-8")
    return graph.serialize(format=fmt.serializer, encoding="utf-8")


def rdf_response(
    graph: Graph | Dataset, fmt: Format, status: int = 200, links: str = ""
) -> Response:
    response = Response(serialize_rdf(graph, fmt), status=status, content_type=fmt.content_type)
    response.vary.add("Accept")
    if links:
        response.headers["Link"] = links
    return response


def error_response(status: int, message: str, allow: tuple[str, ...] = ()) -> Response:
    """`message` as `text/plain`, or as a page when the client prefers HTML (browsers)."""
    fmt = negotiate(ERROR_FORMATS, request.headers.get("Accept")) or TEXT
    if fmt == HTML:
        response = Response(
            render_template("error.html", status=status, message=message),
            status=status,
            content_type=HTML.content_type,
        )
    else:
        response = Response(message + "\n", status=status, content_type=TEXT.content_type)
    if allow:
        response.headers["Allow"] = ", ".join(allow)
    response.vary.add("Accept")
    return response
