"""studies pages."""

from flask import Blueprint

bp = Blueprint("studies", __name__)


@bp.route("/studies/")
def index() -> str:
    return "studies"
