"""Which named queries use a term: the IRIs each query's text names, read with the SPARQL tokenizer."""

from __future__ import annotations

from collections.abc import Iterable

from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.sparql_tokens import code_tokens, iri_of, prologue

QueryTerms = list[tuple[NamedQuery, frozenset[str]]]


def terms_of(query: NamedQuery) -> frozenset[str]:
    """Every IRI the query names, written `<iri>` or `prefix:name` (expanded with its own prefixes)."""
    tokens = list(code_tokens(query.text))
    base, prefixes = prologue(tokens)
    return frozenset(iri for t in tokens if (iri := iri_of(t, base, prefixes)) is not None)


def query_terms(queries: Iterable[NamedQuery]) -> QueryTerms:
    """Each query with the IRIs it names, read once for the many terms looked up."""
    return [(q, terms_of(q)) for q in sorted(queries, key=lambda q: q.name)]


def queries_using(index: QueryTerms, iri: str) -> list[NamedQuery]:
    """The queries that name `iri`, by name."""
    return [q for q, terms in index if iri in terms]
