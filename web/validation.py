"""validation pages."""

from flask import Blueprint

bp = Blueprint("validation", __name__)


@bp.route("/validation/")
def index() -> str:
    return "validation"
