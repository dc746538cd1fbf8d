"""The SPARQL page's query editor (YASGUI, vendored in web/static/vendor/yasgui): its settings as JSON."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, url_for

from clusterkg.kg.namespaces import PREFIXES
from clusterkg.web.services import services
from clusterkg.web.terms import LINK_SCHEMES, LOCAL_PAGES

bp = Blueprint("editor", __name__)


@bp.route("/sparql/editor.json")
def settings() -> Response:
    """The endpoint, the project's prefixes, the link rule (the pages that serve our IRIs, the other
    schemes that may be links), the first query and the named queries as examples."""
    svc = services()
    return jsonify(
        endpoint=url_for("sparql.endpoint"),
        prefixes={prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
        pages=[[namespace, path] for namespace, path in LOCAL_PAGES],
        link_schemes=sorted(LINK_SCHEMES),
        query=svc.queries["web/sparql-example"].bind(),
        examples=[
            {"name": q.name, "summary": q.summary or q.name, "query": q.bind()}
            for q in svc.examples
        ],
    )
