"""search pages."""

from flask import Blueprint

bp = Blueprint("search", __name__)


@bp.route("/search/")
def index() -> str:
    return "search"
