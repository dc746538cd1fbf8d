"""exports pages."""

from flask import Blueprint

bp = Blueprint("exports", __name__)


@bp.route("/exports/")
def index() -> str:
    return "exports"
