"""The SPARQL 1.1 Protocol endpoint at /sparql, its query page, the named-query pages and the dataset description.

Status codes: 400 malformed query, query over a size limit, or protocol misuse; 401/403 update
without/with a wrong token; 403 SERVICE/LOAD/non-local FROM; 405 wrong method; 406 no acceptable format;
415 wrong media type; 503 query or update time or memory limit hit, or the store failed. The checks before evaluation read tokens only
(kg.sparql_safety); syntax is the engine's to report. A SELECT answer longer than the row limit is cut,
and says so in the `X-SPARQL-MaxRows` and `Warning` headers (and on the page).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Response, render_template, request, url_for

from clusterkg.kg.conneg import (
    ASK_FORMATS,
    ERROR_FORMATS,
    GRAPH_FORMATS,
    HTML,
    RESULT_FORMATS,
    SERVICE_FORMATS,
    Format,
    format_url,
    negotiate,
)
from clusterkg.kg.errors import UserError
from clusterkg.kg.sparql_safety import (
    QueryTooLarge,
    RefusedQuery,
    check_graph_iris,
    check_query,
    check_update,
)
from clusterkg.kg.store.base import LimitExceeded, QuerySyntaxError, QueryTimeout
from clusterkg.web.errors import timeout_message
from clusterkg.web.responses import error_response, rdf_response
from clusterkg.web.services import Services
from clusterkg.web.sparql.dataset import with_dataset
from clusterkg.web.sparql.description import (
    dataset_description,
    dataset_iri,
    service_description,
    void_url,
)
from clusterkg.web.sparql.protocol import Operation, ProtocolError, read_operation
from clusterkg.web.sparql.results import truncate
from clusterkg.web.tables import Table, result_table


def make_sparql_blueprint(svc: Services) -> Blueprint:
    """The endpoint over `svc.store`, read-only unless `svc.settings.update_token` is set."""
    bp = Blueprint("sparql", __name__, template_folder="../templates")

    @bp.route("/sparql", methods=["GET", "POST"])
    def endpoint() -> Response:
        try:
            operation = read_operation(request)
        except ProtocolError as exc:
            return error_response(exc.status, exc.message, exc.allow)
        if operation is None:
            return _describe_service()
        if operation.kind == "update":
            return _update(operation)
        return _query(operation)

    @bp.route("/queries/")
    def query_list() -> str:
        return render_template("sparql/queries.html", queries=svc.examples)

    @bp.route("/queries/<path:name>")
    def named_query(name: str) -> Response | str:
        query = svc.queries.get(name)
        if query is None:
            return error_response(404, f"no query named '{name}' in queries/")
        values = {p.short: request.args.get(p.short, str(p.default)) for p in query.params}
        table, message = None, None
        try:
            text = query.bind(values)
        except UserError as exc:
            text, message = query.text, str(exc)
        if "run" in request.args and message is None:
            table, message = _run_for_page(text)
        return render_template(
            "sparql/named.html", query=query, values=values, text=text, table=table, message=message
        )

    @bp.route("/.well-known/void")
    @bp.route("/void")
    def void() -> Response:
        fmt = negotiate(
            SERVICE_FORMATS[1:], request.headers.get("Accept"), request.args.get("_format")
        )
        if fmt is None:
            return error_response(
                406, "the dataset description is available as Turtle, JSON-LD, N-Triples or RDF/XML"
            )
        document = void_url(request.host_url)
        graphs = svc.run("web/dataset-graphs", dataset=dataset_iri(request.host_url)).graph
        return rdf_response(dataset_description(document, graphs), fmt)

    def _describe_service() -> Response:
        fmt = negotiate(SERVICE_FORMATS, request.headers.get("Accept"), request.args.get("_format"))
        if fmt is None:
            return error_response(
                406,
                "GET without a query gives the query page (text/html) or the "
                "service description (Turtle, JSON-LD, N-Triples, RDF/XML)",
            )
        if fmt == HTML:
            return _page(example=request.args.get("example"))
        graphs = svc.run("web/dataset-graphs", dataset=dataset_iri(request.host_url)).graph
        description = service_description(
            request.base_url, graphs, svc.settings.update_token is not None
        )
        return rdf_response(description, fmt)

    def _query(operation: Operation) -> Response:
        try:
            check_graph_iris(
                operation.default_graphs + operation.named_graphs,
                svc.is_local_graph,
                "default-graph-uri/named-graph-uri",
            )
            text = with_dataset(operation.text, operation.default_graphs, operation.named_graphs)
            checked = check_query(text, svc.is_local_graph, svc.settings)
        except (QuerySyntaxError, QueryTooLarge) as exc:
            return _failed(400, str(exc), operation.text)
        except RefusedQuery as exc:
            return _failed(403, str(exc), operation.text)
        offers = {"SELECT": RESULT_FORMATS, "ASK": ASK_FORMATS}.get(checked.form, GRAPH_FORMATS)
        fmt = negotiate(offers, request.headers.get("Accept"), request.values.get("_format"))
        if fmt is None:
            names = ", ".join(mt for f in offers for mt in f.media_types)
            return error_response(406, f"a {checked.form} answer is available as: {names}")
        try:
            if fmt == HTML:
                result, cut = truncate(
                    svc.query(text, max_rows=_cut_after(svc)), svc.settings.row_limit
                )
            else:  # the store writes the answer, a SELECT's cut at the row limit
                body = svc.store.query_serialized(
                    text,
                    fmt.media_type,
                    timeout=svc.settings.query_timeout,
                    max_rows=svc.settings.row_limit,
                )
        except QueryTimeout:
            return _failed(503, timeout_message(svc.settings.query_timeout), operation.text)
        except QuerySyntaxError as exc:
            return _failed(400, _syntax_message(exc), operation.text)
        except LimitExceeded as exc:
            return _failed(503, str(exc), operation.text)
        if fmt == HTML:
            return _page(
                operation.text,
                table=result_table(result),
                warning=_row_limit_message(svc) if cut else None,
                form=checked.form,
            )
        response = _answer(body, fmt)
        if body.cut:
            response.headers["X-SPARQL-MaxRows"] = str(svc.settings.row_limit)
            response.headers["Warning"] = f'199 clusterkg "{_row_limit_message(svc)}"'
        return response

    def _update(operation: Operation) -> Response:
        token = svc.settings.update_token
        if token is None:
            return error_response(
                403,
                "this endpoint is read-only: SPARQL Update is switched off "
                "(start the server with an update token to allow it)",
            )
        scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":  # RFC 7235: the scheme name is case-insensitive
            response = error_response(
                401, "SPARQL Update needs the header 'Authorization: Bearer <token>'"
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="ClusterKG SPARQL Update"'
            return response
        if not _same_secret(given.strip(), token):
            return error_response(403, "the bearer token is not the update token of this server")
        if operation.default_graphs or operation.named_graphs:
            return error_response(
                400,
                "using-graph-uri/using-named-graph-uri are not supported here; "
                "write USING clauses in the update",
            )
        try:
            check_update(operation.text, svc.is_local_graph, svc.settings)
        except (QuerySyntaxError, QueryTooLarge) as exc:
            return error_response(400, str(exc))
        except RefusedQuery as exc:
            return error_response(403, str(exc))
        try:
            svc.store.update(operation.text, timeout=svc.settings.update_timeout)
        except QuerySyntaxError as exc:
            return error_response(400, _syntax_message(exc))
        except LimitExceeded as exc:
            return error_response(503, str(exc))
        return Response(status=204)

    def _run_for_page(text: str) -> tuple[Table | None, str | None]:
        try:
            check_query(text, svc.is_local_graph, svc.settings)
        except (QuerySyntaxError, QueryTooLarge, RefusedQuery) as exc:
            return None, str(exc)
        try:
            result = svc.query(text, max_rows=_cut_after(svc))
        except QueryTimeout:
            return None, timeout_message(svc.settings.query_timeout)
        except QuerySyntaxError as exc:
            return None, _syntax_message(exc)
        result, cut = truncate(result, svc.settings.row_limit)
        return result_table(result), _row_limit_message(svc) if cut else None

    def _failed(status: int, message: str, text: str) -> Response:
        """An error as text, or for a browser the query page with the query kept and the error shown."""
        if not _wants_page():
            return error_response(status, message)
        return _page(text, error=message, status=status)

    def _page(
        text: str | None = None, example: str | None = None, status: int = 200, **context
    ) -> Response:
        if text is None:
            chosen = (
                svc.queries.get(example or "web/sparql-example")
                or svc.queries["web/sparql-example"]
            )
            text = chosen.bind()
        downloads = [
            (f, format_url(request.url, f)) for f in _download_formats(context.get("form"))
        ]
        body = render_template(
            "sparql/query.html",
            text=text,
            examples=svc.examples,
            downloads=downloads,
            endpoint=url_for("sparql.endpoint", _external=True),
            **context,
        )
        return Response(body, status=status, content_type=HTML.content_type)

    return bp


def _answer(body: bytes, fmt: Format) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _wants_page() -> bool:
    """Browsers (which prefer text/html) get pages; protocol clients get plain text."""
    return negotiate(ERROR_FORMATS, request.headers.get("Accept")) == HTML


def _download_formats(form: str | None) -> tuple[Format, ...]:
    if form is None:
        return ()
    offers = {"SELECT": RESULT_FORMATS, "ASK": ASK_FORMATS}.get(form, GRAPH_FORMATS)
    return tuple(f for f in offers if f != HTML)


def _same_secret(given: str, token: str) -> bool:
    """Whether `given` is the token, compared in constant time (digests: the length leaks nothing either)."""
    digest = hashlib.sha256
    return hmac.compare_digest(digest(given.encode()).digest(), digest(token.encode()).digest())


def _syntax_message(error: QuerySyntaxError) -> str:
    return f"SPARQL syntax error: {error}"


def _cut_after(svc: Services) -> int:
    """The engine stops one row past the row limit, so that a cut answer can say so."""
    return svc.settings.row_limit + 1


def _row_limit_message(svc: Services) -> str:
    limit = svc.settings.row_limit
    return f"result cut to the first {limit} rows (the row limit); use LIMIT and OFFSET to page through it"
