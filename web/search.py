"""Search over labels, claim texts and quotes, with facets by type, year and concept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, render_template, request, url_for
from rdflib import Literal

from kg.namespaces import CKG
from web.recommendations import rec_href
from web.services import Services, services
from web.studies import study_href
from web.terms import compact, local_path, text

bp = Blueprint("search", __name__, url_prefix="/search")

SNIPPET_CHARS = 90
PAGES = {
    str(CKG.Recommendation): rec_href,
    str(CKG.Study): study_href,
    str(CKG.SourceDocument): study_href,
}


@dataclass(frozen=True)
class Snippet:
    field: str
    before: str
    match: str
    after: str


@dataclass
class Hit:
    iri: str
    label: str
    href: str = ""
    types: dict[str, str] = field(default_factory=dict)
    years: set[str] = field(default_factory=set)
    concepts: dict[str, str] = field(default_factory=dict)
    snippets: list[Snippet] = field(default_factory=list)


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    count: int
    active: bool
    href: str


@bp.route("/")
def index() -> str:
    svc = services()
    q = request.args.get("q", "").strip()
    chosen = {name: request.args.get(name, "") for name in ("type", "year", "concept")}
    hits = _search(svc, q) if q else []
    shown = [
        h
        for h in hits
        if (not chosen["type"] or chosen["type"] in h.types)
        and (not chosen["year"] or chosen["year"] in h.years)
        and (not chosen["concept"] or chosen["concept"] in h.concepts)
    ]
    return render_template(
        "search/index.html",
        q=q,
        hits=shown,
        total=len(hits),
        chosen=chosen,
        facets=[
            ("Type", _facets(hits, "type", lambda h: h.types, q, chosen)),
            ("Year", _facets(hits, "year", lambda h: {y: y for y in sorted(h.years)}, q, chosen)),
            ("Concept", _facets(hits, "concept", lambda h: h.concepts, q, chosen)),
        ],
        sparql=svc.queries["web/search"].bind({"text": Literal(q or "cluster")}),
    )


def _search(svc: Services, q: str) -> list[Hit]:
    hits: dict[str, Hit] = {}
    seen: set[tuple[str, str, str]] = set()
    for row in svc.run("web/search", text=Literal(q)).rows:
        iri = str(row["resource"])
        hit = hits.setdefault(iri, Hit(iri, text(row.get("label"), compact(iri))))
        if row.get("type") is not None:
            hit.types[str(row["type"])] = text(row.get("typeLabel"), compact(str(row["type"])))
        if row.get("year") is not None:
            hit.years.add(str(row["year"]))
        if row.get("concept") is not None:
            hit.concepts[str(row["concept"])] = text(
                row.get("conceptLabel"), compact(str(row["concept"]))
            )
        key = (iri, str(row["field"]), str(row["text"]))
        if key not in seen:
            seen.add(key)
            hit.snippets.append(_snippet(str(row["field"]), str(row["text"]), q))
    for hit in hits.values():
        page = next((PAGES[t] for t in hit.types if t in PAGES), None)
        hit.href = page(hit.iri) if page else local_path(hit.iri) or hit.iri
    return sorted(hits.values(), key=lambda h: (-len(h.snippets), h.label.lower()))


def _snippet(field_name: str, value: str, q: str) -> Snippet:
    flat = " ".join(value.split())
    at = flat.lower().find(q.lower())
    if at < 0:
        return Snippet(field_name, flat[: 2 * SNIPPET_CHARS], "", "")
    start, end = max(0, at - SNIPPET_CHARS), min(len(flat), at + len(q) + SNIPPET_CHARS)
    return Snippet(
        field_name,
        ("…" if start else "") + flat[start:at],
        flat[at : at + len(q)],
        flat[at + len(q) : end] + ("…" if end < len(flat) else ""),
    )


def _facets(hits: list[Hit], name: str, values, q: str, chosen: dict[str, str]) -> list[Facet]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for hit in hits:
        for key, label in values(hit).items():
            counts[key] += 1
            labels[key] = label
    facets = []
    for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]].lower())):
        active = chosen[name] == key
        params = {k: v for k, v in chosen.items() if v} | {"q": q, name: "" if active else key}
        facets.append(
            Facet(
                key,
                labels[key],
                count,
                active,
                url_for("search.index", **{k: v for k, v in params.items() if v}),
            )
        )
    return facets
