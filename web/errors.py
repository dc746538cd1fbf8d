"""The app's one error handler: each exception type a view may raise has its status and its one-line message.

Views raise; they do not catch. The answer is a page in the site's style for browsers and one line of
`text/plain` for everyone else (`web.responses.error_response`). What a user can cause (a bad parameter,
an unknown path, a query past the time limit, a store that is down) is logged in one line, never with a
traceback; only a bug (any other exception) is logged with its traceback, and answered with a plain 500.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from clusterkg.kg.errors import UserError
from clusterkg.kg.store.base import QuerySyntaxError, QueryTimeout, StoreError
from clusterkg.web.paging import PageError
from clusterkg.web.responses import error_response
from clusterkg.web.services import services

STORE_DOWN = "the store did not answer; try again later (the server log has the cause)"


def timeout_message(timeout: float) -> str:
    """What a page or query past the time limit answers with."""
    return f"query stopped: it ran longer than the time limit of {timeout:g} s (simplify it, or add LIMIT)"


def init_app(app: Flask) -> None:
    """Register the handlers on `app`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(PageError, _page_error)
    app.register_error_handler(UserError, _user_error)
    app.register_error_handler(QueryTimeout, _timeout)
    # A page's own query (the user's text never reaches a page's query unescaped): a bug.
    app.register_error_handler(QuerySyntaxError, _bug)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(Exception, _bug)


def _http_error(exc: HTTPException) -> Response:
    """404 for an unknown path, 405, 413 and the like, in the site's style instead of Werkzeug's page."""
    status = exc.code or 500
    allow = tuple(getattr(exc, "valid_methods", None) or ())
    return error_response(status, _one_line(exc.description or exc.name), allow)


def _page_error(exc: PageError) -> Response:
    return error_response(exc.status, exc.message)


def _user_error(exc: UserError) -> Response:
    return error_response(400, _one_line(str(exc)))


def _timeout(exc: QueryTimeout) -> Response:
    message = timeout_message(services().settings.query_timeout)
    _log_one_line(503, message)
    return error_response(503, message)


def _store_error(exc: StoreError) -> Response:
    """The cause (which may name an internal server) goes to the log; the user learns it is ours."""
    _log_one_line(503, f"the store failed: {_one_line(str(exc))}")
    return error_response(503, STORE_DOWN)


def _bug(exc: Exception) -> Response:
    """A bug of ours: the traceback goes to the log, the user gets one line."""
    current_app.logger.error("%s %s: unexpected error", request.method, request.path, exc_info=exc)
    return error_response(
        500, "internal error: this is a bug in ClusterKG (the server log has the details)"
    )


def _log_one_line(status: int, message: str) -> None:
    current_app.logger.warning("%s %s: %d %s", request.method, request.path, status, message)


def _one_line(text: str) -> str:
    return " ".join(text.split())
