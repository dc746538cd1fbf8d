"""home pages."""

from flask import Blueprint

bp = Blueprint("home", __name__)


@bp.route("/home/")
def index() -> str:
    return "home"
