"""recommendations pages."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)


@bp.route("/recommendations/")
def index() -> str:
    return "recommendations"
