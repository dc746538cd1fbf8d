"""The evidence gap maps: Porter factors x cluster types and recommendations x actors with their cell pages, and
the map of any two axes (/gaps/map) with filters, exported as SVG and PNG; empty cells are gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

import cairosvg
from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Literal, URIRef

from clusterkg.kg.namespaces import CKR
from clusterkg.web.gapmap import CELL, HEAD, LABEL_WIDTH, LEGEND, Filters, build_map
from clusterkg.web.marks import SynthesisMark, contested_marks
from clusterkg.web.paging import (
    Page,
    PageError,
    Paging,
    count,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import TermView, link, text
from clusterkg.web.urls import rec_href, study_href

bp = Blueprint("gaps", __name__, url_prefix="/gaps")

PORTER_SCHEME = CKR["scheme/porter-diamond"]


@dataclass(frozen=True)
class Cell:
    count: int
    detail: str  # a second figure or note shown under the count
    href: str  # the cell's studies
    sparql_href: str  # the query that computes the cell
    marked: bool = False  # e.g. the recommendation is addressed to this kind of actor

    @property
    def css(self) -> str:
        return "gap" if self.count == 0 else "covered strong" if self.count > 1 else "covered"


@dataclass
class Matrix:
    rows: list[TermView] = field(default_factory=list)
    columns: list[TermView] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    sparql: str = ""  # the query that computes the map
    marks: dict[str, SynthesisMark] = field(
        default_factory=dict
    )  # contested rows (recommendations)

    def add(self, row: TermView, column: TermView, cell: Cell) -> None:
        if row not in self.rows:
            self.rows.append(row)
        if column not in self.columns:
            self.columns.append(column)
        self.cells[(row.iri, column.iri)] = cell

    @property
    def grid(self) -> list[tuple[TermView, list[Cell | None]]]:
        return [(r, [self.cells.get((r.iri, c.iri)) for c in self.columns]) for r in self.rows]

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.count == 0)


@bp.route("/")
def index() -> Response:
    svc = services()
    with_sources = request.args.get("cited_only") != "1"
    flag = Literal(with_sources)
    porter = Matrix()
    for row in svc.run(
        "web/gap-porter-cluster-types", scheme=PORTER_SCHEME, with_sources=flag
    ).rows:
        params = {"factor": row["factor"], "type": row["type"], "with_sources": flag}
        studies = int(row["studies"])
        porter.add(
            link(row["factor"], row["factorLabel"]),
            link(row["type"], row["typeLabel"]),
            Cell(
                studies,
                f"stud{'y' if studies == 1 else 'ies'}",
                url_for(
                    "gaps.porter_cell",
                    factor=str(row["factor"]),
                    type=str(row["type"]),
                    cited_only="" if with_sources else "1",
                ),
                url_for(
                    "sparql.endpoint",
                    query=svc.queries["web/gap-porter-cluster-types-cell"].bind(params),
                ),
            ),
        )
    paging = requested_paging()
    total = count(svc, "web/recommendations-count", {})
    page = page_of(paging, total, lambda p: _actor_matrix(svc, p))
    body = render_template(
        "gaps/index.html",
        porter=porter,
        actors=page.items[0],
        page=page,
        cited_only=not with_sources,
        queries={
            "porter": svc.queries["web/gap-porter-cluster-types"].bind(
                {"scheme": PORTER_SCHEME, "with_sources": flag}
            ),
            "actors": page.items[0].sparql,
        },
    )
    return paged_response(body, page)


def _actor_matrix(svc: Services, paging: Paging) -> list[Matrix]:
    """The recommendations x actor kinds map for one page of recommendations (a one-item list)."""
    recs = {
        str(row["rec"]): rec_href(str(row["rec"]))
        for row in run_paged(svc, "web/recommendations", paging, {}).rows
    }
    matrix = Matrix()
    if not recs:
        return [matrix]
    values = {"rec": [URIRef(rec) for rec in recs]}
    matrix.sparql = svc.queries["web/gap-recommendations-actors"].bind(values=values)
    matrix.marks = contested_marks(svc, values["rec"])
    rows = svc.run("web/gap-recommendations-actors", values=values).rows
    order = {iri: index for index, iri in enumerate(recs)}
    for row in sorted(rows, key=lambda r: (order[str(r["rec"])], str(r["kindLabel"]).lower())):
        params = {"rec": row["rec"], "kind": row["kind"]}
        claims, studies = int(row["claims"]), int(row["studies"])
        rec = link(row["rec"], row["recLabel"])
        matrix.add(
            TermView("iri", rec.text, recs[rec.iri], iri=rec.iri),
            link(row["kind"], row["kindLabel"]),
            Cell(
                claims,
                f"claim{'' if claims == 1 else 's'}, {studies} stud{'y' if studies == 1 else 'ies'}",
                url_for("gaps.actor_cell", rec=str(row["rec"]), kind=str(row["kind"])),
                url_for(
                    "sparql.endpoint",
                    query=svc.queries["web/gap-recommendations-actors-cell"].bind(params),
                ),
                marked=int(row["addressed"]) > 0,
            ),
        )
    return [matrix]


@bp.route("/porter-cluster-types")
def porter_cell() -> Response:
    svc = services()
    params = {
        "factor": request.args.get("factor", ""),
        "type": request.args.get("type", ""),
        "with_sources": Literal(request.args.get("cited_only") != "1"),
    }
    paging = requested_paging()
    sparql = paged_sparql(svc, "web/gap-porter-cluster-types-cell", paging, params)
    total = count(svc, "web/gap-porter-cluster-types-cell-count", params)
    page = page_of(
        paging,
        total,
        lambda p: run_paged(svc, "web/gap-porter-cluster-types-cell", p, params).rows,
    )
    body = _cell_page(svc, page.items, sparql, params, "Porter factor x cluster type", page)
    return paged_response(body, page)


@bp.route("/recommendations-actors")
def actor_cell() -> str:
    svc = services()
    params = {"rec": request.args.get("rec", ""), "kind": request.args.get("kind", "")}
    sparql = svc.queries["web/gap-recommendations-actors-cell"].bind(params)
    rows = svc.run("web/gap-recommendations-actors-cell", **params).rows
    return _cell_page(svc, rows, sparql, params, "Recommendation x actor")


def _cell_page(
    svc: Services, rows: list, sparql: str, params: dict, title: str, page: Page | None = None
) -> str:
    """A cell's studies and their claims (`rows` of its query), grouped by study."""
    studies: dict[str, dict] = {}
    for row in rows:
        key = text(row.get("study"), "(no study)")
        entry = studies.setdefault(
            key,
            {
                "study": link(row.get("study"), row.get("studyLabel")),
                "href": study_href(key) if row.get("study") is not None else "",
                "year": text(row.get("year")),
                "claims": [],
            },
        )
        entry["claims"].append((text(row.get("about")), link(row["claim"], row.get("claimLabel"))))
    labels = {
        k: link(URIRef(v)) for k, v in params.items() if k in ("factor", "type", "rec", "kind")
    }
    return render_template(
        "gaps/cell.html",
        title=title,
        axes=labels,
        marks=contested_marks(svc, (URIRef(a.iri) for a in labels.values() if a is not None)),
        studies=list(studies.values()),
        total=page.total if page is not None else len(studies),
        page=page,
        sparql_href=url_for("sparql.endpoint", query=sparql),
    )


@bp.route("/map")
def gap_map() -> str:
    """The evidence gap map of any two axes, with filters, as SVG and as an accessible table."""
    svc = services()
    context = _map_context(svc)
    options: dict[str, list] = {}
    for row in svc.run("web/gap-filter-options").rows:
        options.setdefault(str(row["filter"]), []).append(
            {"value": str(row["value"]), "label": str(row["label"])}
        )
    return render_template(
        "gaps/map.html",
        options=options,
        axis_options=[link(r["axis"], r.get("axisLabel")) for r in svc.run("web/gap-axes").rows],
        **context,
    )


@bp.route("/map.<fmt>")
def gap_map_export(fmt: str) -> Response:
    """The map as a standalone SVG or a PNG drawn from it by CairoSVG."""
    if fmt not in ("svg", "png"):
        raise PageError(404, "no such export (svg, png)")
    context = _map_context(services())
    svg = render_template("gaps/map.svg", **context)
    name = f'attachment; filename="gap-map.{fmt}"'
    if fmt == "svg":
        data = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
        return Response(data, mimetype="image/svg+xml", headers={"Content-Disposition": name})
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"))
    return Response(png, mimetype="image/png", headers={"Content-Disposition": name})


def _map_context(svc: Services) -> dict:
    gap_map = build_map(svc, Filters.from_args(request.args.to_dict()))
    labels = {
        str(r["axis"]): str(r.get("axisLabel", r["axis"])) for r in svc.run("web/gap-axes").rows
    }
    axes = {
        "rows": labels.get(str(gap_map.filters.rows), str(gap_map.filters.rows)),
        "columns": labels.get(str(gap_map.filters.columns), str(gap_map.filters.columns)),
    }
    most = max((b.studies for b in gap_map.bubbles), default=0)
    return {
        "m": gap_map,
        "axes": axes,
        "most": most,
        "cell": CELL,
        "head": HEAD,
        "label_width": LABEL_WIDTH,
        "legend": LEGEND,
    }
