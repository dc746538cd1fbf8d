"""The synthesis report as a page (/report/) and as downloads in HTML, Markdown and .docx."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from kg.config import Settings
from kg.queries import NamedQuery
from kg.report.cite import APA, Citer
from kg.report.cli import load_report_library, render
from kg.report.gather import Report, gather
from kg.report.html import html_body
from kg.report.outline import outline
from web.paging import PageError
from web.services import services
from web.terms import link_href

bp = Blueprint("report", __name__, url_prefix="/report")
DOWNLOADS = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@cache
def _library(queries_dir: Path) -> dict[str, NamedQuery]:
    return load_report_library(Settings(queries_dir=queries_dir))


def _report() -> Report:
    svc = services()
    question = request.args.get("question") or None
    return gather(svc.store, _library(svc.settings.queries_dir), question)


@bp.route("/")
def index() -> str:
    report = _report()
    body = html_body(outline(report, Citer(report.references, report.cited, APA)), link_href)
    return render_template(
        "report/index.html",
        body=body,
        version=report.version,
        question=request.args.get("question", ""),
    )


@bp.route("/report.<fmt>")
def download(fmt: str) -> Response:
    if fmt not in DOWNLOADS:
        raise PageError(404, "no such format (html, md, docx)")
    data = render(_report(), fmt)
    response = Response(data, mimetype=DOWNLOADS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="clusterkg-report.{fmt}"'
    return response
