"""concepts pages."""

from flask import Blueprint

bp = Blueprint("concepts", __name__)


@bp.route("/concepts/")
def index() -> str:
    return "concepts"
