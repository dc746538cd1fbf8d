"""Snippets: a window of a matching text around its first match, with the matching words marked."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.kg.search.tokens import Term, marked, nfc

CONTEXT = 90  # characters shown on each side of the first match


@dataclass(frozen=True)
class Snippet:
    """One matching text of a hit: its field and its pieces, each marked or not (the page escapes them)."""

    field: str
    parts: tuple[tuple[str, bool], ...]


def snippet(field: str, text: str, terms: list[Term]) -> Snippet:
    flat = " ".join(nfc(text).split())
    spans = marked(flat, terms)
    if not spans:
        return Snippet(field, ((_cut(flat, 0, 2 * CONTEXT), False),))
    start = max(0, spans[0][0] - CONTEXT)
    end = min(len(flat), spans[0][1] + CONTEXT)
    parts: list[tuple[str, bool]] = [("…" if start else "", False)]
    at = start
    for s, e in spans:
        if s >= end:
            break
        parts += [(flat[at:s], False), (flat[s : min(e, end)], True)]
        at = min(e, end)
    parts.append((flat[at:end] + ("…" if end < len(flat) else ""), False))
    return Snippet(field, tuple((p, m) for p, m in parts if p))


def _cut(text: str, start: int, end: int) -> str:
    return text[start:end] + ("…" if end < len(text) else "")
