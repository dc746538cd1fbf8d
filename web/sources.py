"""The registry of sources as a page: every ingested file with its provenance and reconciliations."""

from __future__ import annotations

from flask import Blueprint, render_template

from clusterkg.kg.config import PACKAGED_QUERIES
from clusterkg.kg.reconcile.decisions import read_reconciliations
from clusterkg.kg.sources.registry import read_sources
from clusterkg.web.services import services

bp = Blueprint("sources", __name__, url_prefix="/sources")


@bp.route("/")
def index() -> str:
    svc = services()
    entries = read_sources(svc.store, PACKAGED_QUERIES)
    reconciliations = read_reconciliations(svc.store, PACKAGED_QUERIES)
    counts = {
        s.graph: {
            status: sum(1 for r in reconciliations if r.source == s.graph and r.status == status)
            for status in ("merged", "pending", "accepted", "rejected")
        }
        for s in entries
    }
    return render_template(
        "sources/index.html",
        sources=entries,
        counts=counts,
        dangling=[r for r in reconciliations if r.dangling],
    )
