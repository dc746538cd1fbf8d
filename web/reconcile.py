"""The reviewer's page: candidate matches between studies, both records side by side, and accept/reject
for holders of the update token (Bearer header or form field); without it the page is read-only."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, redirect, render_template, request, url_for

from clusterkg.kg.config import PACKAGED_QUERIES
from clusterkg.kg.errors import UserError
from clusterkg.kg.reconcile.decisions import find_reconciliation, read_reconciliations
from clusterkg.kg.reconcile.review import decide
from clusterkg.kg.reconcile.view import side_by_side
from clusterkg.kg.sources.lock import write_lock
from clusterkg.web.responses import error_response
from clusterkg.web.services import services

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")
REVIEWER = "reviewer with the update token"


@bp.route("/")
def index() -> str:
    svc = services()
    found = read_reconciliations(svc.store, PACKAGED_QUERIES)
    return render_template(
        "reconcile/index.html",
        pending=[r for r in found if r.status == "pending"],
        done=[r for r in found if r.status != "pending"],
    )


@bp.route("/<rid>")
def show(rid: str) -> str | Response:
    svc = services()
    try:
        found = find_reconciliation(svc.store, PACKAGED_QUERIES, rid)
    except UserError as exc:
        return error_response(404, str(exc))
    return render_template(
        "reconcile/show.html",
        r=found,
        rows=side_by_side(svc.store, PACKAGED_QUERIES, found.incoming, found.canonical),
        can_decide=svc.settings.update_token is not None,
    )


@bp.route("/<rid>/<any(accept, reject):verb>", methods=["POST"])
def decision(rid: str, verb: str) -> Response:
    svc = services()
    token = svc.settings.update_token
    if token is None:
        return error_response(
            403,
            f"this server is read-only: decide with `clusterkg reconcile {verb} {rid}` "
            "(or start the server with an update token)",
        )
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    given = given or request.form.get("token", "")
    if not given:
        return error_response(401, "accepting or rejecting needs the update token")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return error_response(403, "the token is not the update token of this server")
    note = request.form.get("note", "").strip()
    who = request.form.get("reviewer", "").strip() or REVIEWER
    try:
        found = find_reconciliation(svc.store, PACKAGED_QUERIES, rid)
    except UserError as exc:
        return error_response(404, str(exc))
    try:
        with write_lock(svc.settings):
            decide(svc.store, svc.settings, found.id, verb == "accept", who, note)
    except UserError as exc:
        return error_response(409, str(exc).splitlines()[0])
    return redirect(url_for("reconcile.show", rid=found.id), code=303)
