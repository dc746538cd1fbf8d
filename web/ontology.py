"""`/ontology/`, the ontology's documentation home, and its class diagram as SVG (the class and property pages
are served at each term's own URL: web.resources)."""

from __future__ import annotations

from flask import Blueprint, Response

from clusterkg.kg.ontodocs.diagram import class_diagram, render_svg
from clusterkg.web.ontodocs import load_model, render_index, web_links
from clusterkg.web.services import services
from clusterkg.web.terms import link_href

bp = Blueprint("ontology", __name__)


@bp.route("/ontology/")
def index() -> str:
    svc = services()
    return render_index(svc, load_model(svc), web_links())


@bp.route("/ontology/diagram.svg")
def diagram() -> Response:
    svg = render_svg(class_diagram(load_model(services()), link_href))
    return Response(svg, content_type="image/svg+xml; charset=utf-8")
