"""The validation page: the SHACL report of the data in the store, grouped by severity, linked to focus nodes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request

from clusterkg.kg.validate import SEVERITIES, ValidationReport, validate_store
from clusterkg.web.services import Services, services
from clusterkg.web.terms import TermView, term_view

bp = Blueprint("validation", __name__, url_prefix="/validation")
CACHE = "clusterkg-validation"


@dataclass(frozen=True)
class ResultView:
    focus: TermView | None
    path: TermView | None
    value: TermView | None
    message: str
    shape: TermView | None
    source: str


@dataclass(frozen=True)
class SeverityGroup:
    name: str
    key: str
    results: list[ResultView]


@bp.route("/")
def index() -> str:
    svc = services()
    triples = svc.store.count()
    if triples > svc.settings.validation_page_max_quads:
        return render_template(
            "validation/too-large.html",
            triples=triples,
            limit=svc.settings.validation_page_max_quads,
        )
    report = validation_report(svc, triples, refresh=request.args.get("refresh") == "1")
    groups = [
        SeverityGroup(
            str(severity).rsplit("#", 1)[-1],
            str(severity).rsplit("#", 1)[-1].lower(),
            [
                _view(r)
                for r in sorted(report.results, key=lambda r: (str(r.focus_node), r.message))
                if r.severity == severity
            ],
        )
        for severity in SEVERITIES
    ]
    return render_template("validation/index.html", report=report, groups=groups, triples=triples)


def validation_report(svc: Services, triples: int, refresh: bool = False) -> ValidationReport:
    """The report for the store's current data (`triples` quads), computed once per data size (pyshacl
    takes seconds)."""
    cache = current_app.extensions.setdefault(CACHE, {"lock": threading.Lock()})
    with cache["lock"]:
        if refresh or cache.get("triples") != triples:
            cache["report"] = validate_store(svc.store, svc.settings)
            cache["triples"] = triples
        return cache["report"]


def _view(result) -> ResultView:
    def view(node):
        return None if node is None else term_view(node)

    return ResultView(
        view(result.focus_node),
        view(result.path),
        view(result.value),
        result.message,
        view(result.shape),
        result.source,
    )
