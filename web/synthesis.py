"""Synthesis pages: the themes x studies matrix (page and CSV), certainty with its reasons and overrides, contested marks."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template
from rdflib import URIRef

from clusterkg.kg.conneg import RESULTS_CSV
from clusterkg.web.marks import ITEM_KINDS, SynthesisMark, synthesis_marks
from clusterkg.web.paging import (
    Paging,
    count,
    list_page,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import TermView, link, text

bp = Blueprint("synthesis", __name__, url_prefix="/synthesis")

MATRIX_PAGE_SIZE = 20  # themes per page of the matrix


@dataclass
class Cell:
    stance: str
    claim: TermView


@dataclass
class MatrixRow:
    theme: TermView
    mark: SynthesisMark
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # study IRI -> its claims' stances


@dataclass
class Matrix:
    """One page of themes (the rows) and every study with a stance on one of them (the columns, by year)."""

    rows: list[MatrixRow]
    studies: list[TermView]


def matrix(svc: Services, paging: Paging) -> Matrix:
    themes = {
        str(r["theme"]): link(r["theme"], r.get("label"))
        for r in run_paged(svc, "web/synthesis-themes", paging, {}).rows
    }
    iris = list(map(URIRef, themes))
    marks = synthesis_marks(svc, iris)
    rows = {iri: MatrixRow(theme, marks[iri]) for iri, theme in themes.items() if theme}
    studies: dict[str, tuple[str, TermView]] = {}
    if iris:
        for r in svc.run("synthesis-matrix", values={"theme": iris}).rows:
            study = str(r["study"])
            view = link(r["study"], r.get("studyCitedAs") or r.get("studyLabel"))
            studies.setdefault(study, (text(r.get("studyYear")), view))  # type: ignore[arg-type]
            cell = Cell(text(r.get("stanceLabel")), link(r["claim"], r.get("claimLabel")))  # type: ignore[arg-type]
            rows[str(r["theme"])].cells.setdefault(study, []).append(cell)
    columns = sorted(studies.values(), key=lambda s: (s[0], s[1].text, s[1].iri))
    return Matrix(list(rows.values()), [view for _, view in columns])


@bp.route("/matrix")
def matrix_page() -> Response:
    svc = services()
    paging = requested_paging(MATRIX_PAGE_SIZE)
    pages: list[Matrix] = []

    def rows(p: Paging) -> list[MatrixRow]:
        pages.append(matrix(svc, p))
        return pages[-1].rows

    page = page_of(paging, count(svc, "web/synthesis-themes-count", {}), rows)
    body = render_template(
        "synthesis/matrix.html",
        page=page,
        studies=pages[-1].studies if pages else [],
        sparql=paged_sparql(svc, "web/synthesis-themes", paging, {}),
        matrix_query=svc.queries["synthesis-matrix"].text,
    )
    return paged_response(body, page)


@bp.route("/matrix.csv")
def matrix_csv() -> Response:
    """Every cell of the matrix, one row per stance: the query's columns, IRIs in full."""
    svc = services()
    result = svc.run("synthesis-matrix")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([text(row.get(v)) for v in result.variables])
    response = Response(out.getvalue().encode("utf-8"), content_type=RESULTS_CSV.content_type)
    response.headers["Content-Disposition"] = (
        'attachment; filename="clusterkg-synthesis-matrix.csv"'
    )
    return response


@dataclass
class RatedItem:
    item: TermView
    kind: str
    mark: SynthesisMark


@bp.route("/certainty")
def certainty_page() -> Response:
    svc = services()
    return list_page(
        svc,
        "synthesis/certainty.html",
        "web/certainty-items-count",
        "web/certainty-items",
        lambda p: rated_items(svc, p),
        certainty_query=svc.queries["certainty"].text,
    )


def rated_items(svc: Services, paging: Paging) -> list[RatedItem]:
    rows = run_paged(svc, "web/certainty-items", paging, {}).rows
    marks = synthesis_marks(svc, (r["item"] for r in rows))
    return [
        RatedItem(
            link(r["item"], r.get("label")),  # type: ignore[arg-type]
            ITEM_KINDS[r["itemType"]],
            marks[str(r["item"])],
        )
        for r in rows
    ]
