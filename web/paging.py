"""Server-side paging for the list pages: `?page=` and `?size=` checked, the page bound as LIMIT/OFFSET, prev/next links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Response, make_response, render_template, request, url_for
from rdflib import RDFS

from clusterkg.kg.store.base import QueryResult
from clusterkg.web.services import Services

PAGE_SIZE = 50  # rows per page unless ?size= says otherwise
MAX_PAGE_SIZE = 200
ANY = RDFS.Resource  # what a list query's IRI filter (type, concept) takes for "any"

T = TypeVar("T")


class PageError(Exception):
    """A request for a page that cannot be given: 400 (bad page or size) or 404 (past the end).
    Views let it rise: web.errors answers it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Paging:
    """Which page of a list: its number (1-based) and size."""

    number: int = 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it is, how many rows there are in all, links to its neighbours."""

    items: list[T]
    paging: Paging
    total: int
    prev_href: str = ""
    next_href: str = ""

    @property
    def number(self) -> int:
        return self.paging.number

    @property
    def last(self) -> int:
        """The number of the last page (1 for an empty list)."""
        return max(1, -(-self.total // self.paging.size))

    @property
    def first_row(self) -> int:
        return self.paging.offset + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        return self.paging.offset + len(self.items)

    @property
    def links(self) -> str:
        """The `Link` header: rel="prev" and rel="next" where there are such pages."""
        return ", ".join(
            f'<{href}>; rel="{rel}"'
            for href, rel in ((self.prev_href, "prev"), (self.next_href, "next"))
            if href
        )


def requested_paging(default_size: int = PAGE_SIZE, prefix: str = "") -> Paging:
    """The page the request asks for (`?page=`, `?size=`; `prefix` names a second list on the same page)."""
    number = _int_arg(f"{prefix}page", 1)
    size = _int_arg(f"{prefix}size", default_size)
    if number < 1:
        raise PageError(400, f"{prefix}page must be 1 or more, not {number}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise PageError(400, f"{prefix}size must be between 1 and {MAX_PAGE_SIZE}, not {size}")
    return Paging(number, size)


def page_of(
    paging: Paging, total: int, rows: Callable[[Paging], list[T]], prefix: str = ""
) -> Page[T]:
    """The page `paging` of a list of `total` rows; `rows` fetches them (not called past the end: 404)."""
    page: Page[T] = Page([], paging, total)
    if paging.number > page.last:
        raise PageError(404, f"no page {paging.number}: the list has {page.last} page(s)")
    return Page(
        rows(paging),
        paging,
        total,
        prev_href=_page_href(prefix, paging.number - 1) if paging.number > 1 else "",
        next_href=_page_href(prefix, paging.number + 1) if paging.number < page.last else "",
    )


def paged_sparql(svc: Services, name: str, paging: Paging, params: Mapping[str, object]) -> str:
    """The named query with `params` bound, its one LIMIT (the page's subquery) set to `paging` (shown
    on the page)."""
    return svc.queries[name].bind(params, limit=paging.size, offset=paging.offset)


def run_paged(
    svc: Services, name: str, paging: Paging, params: Mapping[str, object]
) -> QueryResult:
    """Run the named query, its one LIMIT (the page's subquery) set to `paging`."""
    return svc.run(name, limit=paging.size, offset=paging.offset, **params)


def count(svc: Services, name: str, params: Mapping[str, object]) -> int:
    """The `?total` of a counting query."""
    rows = svc.run(name, **params).rows
    return int(rows[0]["total"]) if rows else 0


def list_page(
    svc: Services,
    template: str,
    count_query: str,
    list_query: str,
    rows: Callable[[Paging], list[T]],
    **context: object,
) -> Response:
    """A page that is one list: the requested page of it (`rows` fetches its items), the total from
    `count_query`, rendered with `page` and `sparql` (`list_query` limited to the page)."""
    paging = requested_paging()
    page = page_of(paging, count(svc, count_query, {}), rows)
    sparql = paged_sparql(svc, list_query, paging, {})
    return paged_response(render_template(template, page=page, sparql=sparql, **context), page)


def paged_response(body: str, *pages: Page) -> Response:
    """An HTML response with the `Link` headers of `pages`."""
    response = make_response(body)
    links = ", ".join(page.links for page in pages if page.links)
    if links:
        response.headers["Link"] = links
    return response


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise PageError(400, f"{name} must be a whole number, not {raw!r}") from None


def _page_href(prefix: str, number: int) -> str:
    args = request.args.to_dict(flat=False)
    args.pop(f"{prefix}page", None)
    if number > 1:
        args[f"{prefix}page"] = [str(number)]
    return url_for(request.endpoint or "", **(request.view_args or {}), **args)
