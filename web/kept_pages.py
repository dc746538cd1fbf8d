"""Rendered HTML pages kept until the store's next write, like the store's answers (kg.store.answers): a
page asked for again is sent as it was rendered, without its queries or its template."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from clusterkg.kg.search.indexed import IndexedStore

# never buffered or kept: files, downloads and exports (large, or not pages)
PASSED = ("/static/", "/export/", "/exports/", "/report/report.", "/gaps/map.")
Rendered = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


class KeptPages:
    """WSGI middleware over the app: a GET or HEAD that answered 200 with HTML is kept under the app, its
    method, path, query string and Accept header, in the store's answer cache (dropped at the next write)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], store: IndexedStore) -> None:
        self.app = app
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        path = environ.get("PATH_INFO", "")
        if (
            self.store.answers is None
            or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or path.startswith(PASSED)
        ):
            return self.app(environ, start_response)
        key = (
            "page",
            id(self),  # this app's (another app over the same store may have other settings)
            environ["REQUEST_METHOD"],
            path,
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
        )
        status, headers, body = self.store.kept(key, lambda: self._render(environ), weigh=_weight)
        start_response(status, headers)
        return [body]

    def _render(self, environ: dict[str, Any]) -> Rendered:
        answer: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: object = None):
            answer["status"], answer["headers"] = status, list(headers)
            return lambda data: None  # the app writes through its return value only

        chunks = self.app(environ, start)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return answer["status"], answer["headers"], body


def _weight(page: Rendered) -> int:
    """The page's size, or -1 (not kept) unless it is a 200 answer in HTML."""
    status, headers, body = page
    html = any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
    return len(body) if status.startswith("200") and html else -1
