"""gaps pages."""

from flask import Blueprint

bp = Blueprint("gaps", __name__)


@bp.route("/gaps/")
def index() -> str:
    return "gaps"
