"""Content negotiation as a pure table: `?_format=` first, then `Accept`, then the first offer (HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    """One representation: a short `?_format=` key, its media types (canonical first), a serialiser name."""

    key: str
    media_types: tuple[str, ...]
    label: str
    serializer: str | None = None  # rdflib plugin name; None for HTML
    extension: str = ""

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types carry a charset)."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


HTML = Format("html", ("text/html", "application/xhtml+xml"), "HTML")
TEXT = Format("text", ("text/plain",), "Plain text")
TURTLE = Format("ttl", ("text/turtle", "application/x-turtle"), "Turtle", "turtle", "ttl")
JSONLD = Format(
    "jsonld", ("application/ld+json", "application/json"), "JSON-LD", "json-ld", "jsonld"
)
NTRIPLES = Format("nt", ("application/n-triples",), "N-Triples", "nt", "nt")
TRIG = Format("trig", ("application/trig",), "TriG", "trig", "trig")
NQUADS = Format("nq", ("application/n-quads",), "N-Quads", "nquads", "nq")
RDFXML = Format("rdf", ("application/rdf+xml",), "RDF/XML", "xml", "rdf")

RESULTS_JSON = Format(
    "json", ("application/sparql-results+json", "application/json"), "SPARQL JSON", "json", "srj"
)
RESULTS_XML = Format(
    "xml",
    ("application/sparql-results+xml", "application/xml", "text/xml"),
    "SPARQL XML",
    "xml",
    "srx",
)
RESULTS_CSV = Format("csv", ("text/csv",), "CSV", "csv", "csv")
RESULTS_TSV = Format("tsv", ("text/tab-separated-values",), "TSV", "tsv", "tsv")

#: What a resource page offers, HTML first (the default).
RESOURCE_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, TRIG)
#: What the SPARQL endpoint offers for SELECT and ASK; SPARQL JSON is the default for `*/*`.
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV, HTML)
#: What the SPARQL endpoint offers for ASK (CSV and TSV define no boolean form).
ASK_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, HTML)
#: What the SPARQL endpoint offers for CONSTRUCT and DESCRIBE; Turtle is the default for `*/*`.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
#: What the endpoint offers for a GET without a query: the query page, or the service description.
SERVICE_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
#: How errors are told: plain text, or a page for browsers.
ERROR_FORMATS: tuple[Format, ...] = (TEXT, HTML)
#: Whole-dataset exports (named graphs kept, except in Turtle which merges them).
DATASET_FORMATS: tuple[Format, ...] = (TRIG, NQUADS, TURTLE)


def find_format(offers: Sequence[Format], name: str) -> Format | None:
    """The offer whose key or one of whose media types is `name` (case-insensitive)."""
    name = name.strip().lower()
    for fmt in offers:
        if name == fmt.key or name in fmt.media_types:
            return fmt
    return None


def negotiate(
    offers: Sequence[Format], accept: str | None, format_param: str | None = None
) -> Format | None:
    """Pick a representation: `format_param` wins, else the best `Accept` match, else `offers[0]`.

    Returns None when nothing offered is acceptable (the caller answers 406).
    """
    if format_param:
        return find_format(offers, format_param)
    if not accept or not accept.strip():
        return offers[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    candidates = [mt for fmt in offers for mt in fmt.media_types]
    best = parsed.best_match(candidates)
    return find_format(offers, best) if best else None


def alternate_links(base_url: str, offers: Sequence[Format], chosen: Format | None = None) -> str:
    """A `Link` header value advertising every offer except `chosen` as `rel="alternate"`."""
    return ", ".join(
        f'<{format_url(base_url, fmt)}>; rel="alternate"; type="{fmt.media_type}"'
        for fmt in offers
        if fmt != chosen
    )


def format_url(base_url: str, fmt: Format) -> str:
    """`base_url` with `_format=<key>` added to its query string."""
    joiner = "&" if "?" in base_url else "?"
    return f"{base_url}{joiner}{urlencode({'_format': fmt.key})}"
