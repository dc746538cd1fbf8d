"""Which named queries use a term: the IRIs a query's text names, read with the SPARQL tokenizer."""

from __future__ import annotations

from collections.abc import Iterable

from kg.queries import NamedQuery
from kg.sparql_tokens import code_tokens, iri_of, prologue


def terms_of(query: NamedQuery) -> set[str]:
    """Every IRI the query names, written `<iri>` or `prefix:name` (expanded with its own prefixes)."""
    tokens = list(code_tokens(query.text))
    base, prefixes = prologue(tokens)
    return {iri for token in tokens if (iri := iri_of(token, base, prefixes)) is not None}


def queries_using(queries: Iterable[NamedQuery], iri: str) -> list[NamedQuery]:
    """The queries that name `iri`, by name."""
    return sorted((q for q in queries if iri in terms_of(q)), key=lambda q: q.name)
