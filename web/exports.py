"""Downloads: the whole dataset (TriG, N-Quads, Turtle), the bibliography (CSV, Turtle), the evidence table (CSV)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from flask import Blueprint, Response, render_template
from rdflib import Dataset, Graph

from clusterkg.kg.conneg import NQUADS, RESULTS_CSV, TRIG, TURTLE, Format
from clusterkg.kg.rdfio import parse_into
from clusterkg.web.bibliography import bibliography
from clusterkg.web.paging import Paging, count
from clusterkg.web.responses import error_response, serialize_rdf
from clusterkg.web.services import services

bp = Blueprint("exports", __name__)

DUMPS: dict[str, tuple[Format, str]] = {
    "trig": (TRIG, "trig"),
    "nq": (NQUADS, "nquads"),
    "ttl": (TURTLE, "nquads"),
}


@bp.route("/exports/")
def index() -> str:
    return render_template("exports/index.html")


@bp.route("/export/dataset.<ext>")
def dataset(ext: str) -> Response:
    """The whole store, named graphs kept (TriG, N-Quads) or merged into one graph (Turtle)."""
    if ext not in DUMPS:
        return error_response(404, f"no dataset export as .{ext}: choose .trig, .nq or .ttl")
    fmt, dump_as = DUMPS[ext]
    with tempfile.TemporaryDirectory(prefix="ckg-export-") as folder:
        path = Path(folder) / f"clusterkg.{dump_as}"
        services().store.dump(path, dump_as)
        if fmt == TURTLE:
            quads = parse_into(Dataset(default_union=True), path, "nquads")
            merged = Graph()
            merged += quads.triples((None, None, None))
            body = serialize_rdf(merged, TURTLE)
        else:
            body = path.read_bytes()
    return _download(body, fmt, f"clusterkg.{ext}")


@bp.route("/export/bibliography.<fmt>")
def bibliography_export(fmt: str) -> Response:
    svc = services()
    if fmt == "ttl":
        graph = svc.run("web/bibliography").graph
        return _download(serialize_rdf(graph, TURTLE), TURTLE, "clusterkg-bibliography.ttl")
    if fmt != "csv":
        return error_response(404, f"no bibliography export as .{fmt}: choose .csv or .ttl")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "study",
            "cited_as",
            "authors",
            "authors_complete",
            "year",
            "title",
            "venue",
            "claims",
            "evidence_links",
        ]
    )
    everything = Paging(1, max(1, count(svc, "web/studies-count", {})))
    for s in bibliography(svc, everything):
        complete = "" if s.complete_authors is None else str(s.complete_authors).lower()
        writer.writerow(
            [
                s.study.iri,
                s.cited_as,
                "; ".join(s.authors),
                complete,
                s.year,
                s.title,
                s.venue,
                s.claims,
                s.evidence_links,
            ]
        )
    return _download(out.getvalue().encode("utf-8"), RESULTS_CSV, "clusterkg-bibliography.csv")


@bp.route("/export/evidence.csv")
def evidence() -> Response:
    svc = services()
    body = svc.store.query_serialized(
        svc.queries["web/evidence-table"].bind(),
        RESULTS_CSV.media_type,
        timeout=svc.settings.query_timeout,
    )
    return _download(body, RESULTS_CSV, "clusterkg-evidence.csv")


def _download(body: bytes, fmt: Format, filename: str) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
