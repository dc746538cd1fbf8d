"""The report as HTML: a standalone file, or the body the web page puts in the site's layout."""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from clusterkg.kg.report.outline import Block

_ENV = Environment(
    loader=PackageLoader("clusterkg.kg.report", "templates"), autoescape=select_autoescape(["html"])
)


def to_html(blocks: list[Block], version: str) -> str:
    """A whole HTML document."""
    return _ENV.get_template("standalone.html").render(blocks=blocks, version=version, href=_same)


def html_body(blocks: list[Block], href: Callable[[str], str | None]) -> Markup:
    """The report's <article>, for a page that has its own layout; `href` says where a link to an IRI
    points (None: no link)."""
    return Markup(_ENV.get_template("body.html").render(blocks=blocks, href=href))


def _same(iri: str) -> str:
    return iri
