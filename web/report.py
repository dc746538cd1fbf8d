"""The synthesis report as pages (/report/, a few research questions to a page, or one question) and as downloads
in HTML, Markdown and .docx of the same part."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from clusterkg.kg.config import Settings
from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.report.cite import APA, Citer
from clusterkg.kg.report.cli import load_report_library, render
from clusterkg.kg.report.gather import Report, gather
from clusterkg.kg.report.html import html_body
from clusterkg.kg.report.outline import outline
from clusterkg.web.paging import (
    Page,
    PageError,
    Paging,
    count,
    page_of,
    requested_paging,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import link_href

bp = Blueprint("report", __name__, url_prefix="/report")
DOWNLOADS = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
REPORT_PAGE_SIZE = 10  # research questions to a page of the report


@cache
def _library(queries_dir: Path) -> dict[str, NamedQuery]:
    return load_report_library(Settings(queries_dir=queries_dir))


def _part() -> tuple[Report, Page[str] | None]:
    """The part of the report the request asks for: `?question=IRI` (that question, then the matrix and the
    limitations), else the page `?page=` of the questions in their order, the last page ending with the matrix
    and the limitations; each part with the references it cites."""
    svc = services()
    library = _library(svc.settings.queries_dir)
    question = request.args.get("question") or None
    if question is not None:
        return gather(svc.store, library, [question]), None
    total = count(svc, "web/research-questions-count", {})
    page = page_of(requested_paging(REPORT_PAGE_SIZE), total, lambda p: _questions(svc, p))
    return gather(svc.store, library, page.items, closing=page.number == page.last), page


def _questions(svc: Services, paging: Paging) -> list[str]:
    rows = run_paged(svc, "web/research-questions", paging, {}).rows
    return list(dict.fromkeys(str(row["question"]) for row in rows))


@bp.route("/")
def index() -> Response:
    report, page = _part()
    body = html_body(outline(report, Citer(report.references, report.cited, APA)), link_href)
    html = render_template(
        "report/index.html",
        body=body,
        version=report.version,
        page=page,
        part=dict(request.args),
        questions=[(q.iri, q.number, q.text) for q in report.questions],
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    if page is not None and page.links:
        response.headers["Link"] = page.links
    return response


@bp.route("/report.<fmt>")
def download(fmt: str) -> Response:
    if fmt not in DOWNLOADS:
        raise PageError(404, "no such format (html, md, docx)")
    report, _ = _part()
    response = Response(render(report, fmt), mimetype=DOWNLOADS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="clusterkg-report.{fmt}"'
    return response
