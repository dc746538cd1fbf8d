"""Reads a SPARQL 1.1 Protocol request (query or update via GET/POST) into one value, or a protocol error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class ProtocolError(Exception):
    """The request breaks the protocol; `status` is the HTTP status the protocol prescribes."""

    def __init__(self, status: int, message: str, allow: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.allow = allow


@dataclass(frozen=True)
class Operation:
    """A query or an update with the graphs the protocol names for its dataset."""

    kind: Literal["query", "update"]
    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_operation(request: Request) -> Operation | None:
    """The operation a request carries; None for a GET without `query` (the page or the description)."""
    if request.method == "GET":
        if "update" in request.args:
            raise ProtocolError(405, "SPARQL Update must be sent with POST", allow=("POST",))
        if "query" not in request.args:
            return None
        return _from_params(request.args, "query")
    mimetype = request.mimetype
    if mimetype == FORM:
        params = request.form
        if "query" in params and "update" in params:
            raise ProtocolError(400, "send either a query or an update, not both")
        if "query" in params:
            return _from_params(_merged(request.args, params), "query")
        if "update" in params:
            return _from_params(_merged(request.args, params), "update")
        raise ProtocolError(400, "the form carries neither a 'query' nor an 'update' parameter")
    if mimetype in (SPARQL_QUERY, SPARQL_UPDATE):
        kind = "query" if mimetype == SPARQL_QUERY else "update"
        text = _decode(request.get_data(cache=False))
        return _with_graphs(kind, text, request.args)
    raise ProtocolError(
        415,
        f"unsupported media type '{mimetype or '(none)'}': POST {FORM}, {SPARQL_QUERY} "
        f"or {SPARQL_UPDATE}",
    )


def _from_params(params: MultiDict, kind: Literal["query", "update"]) -> Operation:
    values = params.getlist(kind)
    if len(values) != 1:
        raise ProtocolError(400, f"exactly one '{kind}' parameter is allowed, got {len(values)}")
    if not values[0].strip():
        raise ProtocolError(400, f"the '{kind}' parameter is empty")
    return _with_graphs(kind, values[0], params)


def _with_graphs(kind: Literal["query", "update"], text: str, params: MultiDict) -> Operation:
    default, named = (
        ("default-graph-uri", "named-graph-uri")
        if kind == "query"
        else ("using-graph-uri", "using-named-graph-uri")
    )
    return Operation(kind, text, tuple(params.getlist(default)), tuple(params.getlist(named)))


def _merged(args: MultiDict, form: MultiDict) -> MultiDict:
    """URL parameters and form fields together (graph IRIs may come in either)."""
    merged = MultiDict(args)
    for key, value in form.items(multi=True):
        merged.add(key, value)
    return merged


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not UTF-8: {exc}") from None
