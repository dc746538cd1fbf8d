"""Timestamps as xsd:dateTime literals in the form every store gives back unchanged (UTC, whole seconds, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Literal
from rdflib.namespace import XSD


def timestamp(at: datetime | None = None) -> Literal:
    """`at` (default: now) as `"2026-12-05T10:00:00Z"^^xsd:dateTime`: Oxigraph keeps a dateTime's value and
    writes UTC as `Z`, so `+00:00` or microseconds would not come back as they went in."""
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
