"""Search over labels, claim texts and quotes, with facets by type, year and concept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Literal, URIRef

from kg.namespaces import CKG
from web.marks import SynthesisMark, contested_marks
from web.paging import (
    ANY,
    Paging,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
    run_paged,
)
from web.services import Services, services
from web.terms import compact, link_href, text
from web.urls import rec_href, study_href

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
    href: str | None = None  # None: no page and no safe link (shown as text)
    types: dict[str, str] = field(default_factory=dict)
    years: set[str] = field(default_factory=set)
    concepts: dict[str, str] = field(default_factory=dict)
    snippets: list[Snippet] = field(default_factory=list)
    mark: SynthesisMark | None = None  # a contested theme or recommendation


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    count: int
    active: bool
    href: str


@bp.route("/")
def index() -> Response | str:
    svc = services()
    q = request.args.get("q", "").strip()
    chosen = {name: request.args.get(name, "") for name in ("type", "year", "concept")}
    sparql = svc.queries["web/search"].bind(_params(q or "cluster", chosen))
    if not q:
        return render_template(
            "search/index.html", q=q, chosen=chosen, facets=[], sparql=sparql, page=None
        )
    hits = _hits(svc, q)
    shown = [
        h
        for h in hits.values()
        if (not chosen["type"] or chosen["type"] in h.types)
        and (not chosen["year"] or chosen["year"] in h.years)
        and (not chosen["concept"] or chosen["concept"] in h.concepts)
    ]
    paging = requested_paging()
    page = page_of(paging, len(shown), lambda p: _page_hits(svc, q, chosen, p, hits))
    body = render_template(
        "search/index.html",
        q=q,
        page=page,
        total=len(hits),
        chosen=chosen,
        facets=[
            ("Type", _facets(hits, "type", lambda h: h.types, q, chosen)),
            ("Year", _facets(hits, "year", lambda h: {y: y for y in sorted(h.years)}, q, chosen)),
            ("Concept", _facets(hits, "concept", lambda h: h.concepts, q, chosen)),
        ],
        sparql=paged_sparql(svc, "web/search", paging, _params(q, chosen)),
    )
    return paged_response(body, page)


def _params(q: str, chosen: dict[str, str]) -> dict[str, object]:
    return {
        "text": Literal(q),
        "type": chosen["type"] or ANY,
        "year": chosen["year"],
        "concept": chosen["concept"] or ANY,
    }


def _hits(svc: Services, q: str) -> dict[str, Hit]:
    """Every hit with its types, years and concepts (what the facets and totals count)."""
    hits: dict[str, Hit] = {}
    for row in svc.run("web/search-facets", text=Literal(q)).rows:
        iri = str(row["resource"])
        hit = hits.setdefault(iri, Hit(iri, compact(iri)))
        if isinstance(row.get("type"), URIRef):
            hit.types[str(row["type"])] = ""
        if row.get("year") is not None:
            hit.years.add(str(row["year"]))
        if row.get("concept") is not None:
            hit.concepts[str(row["concept"])] = ""
    values = {URIRef(k) for h in hits.values() for k in (*h.types, *h.concepts)}
    labels = {}
    if values:
        found = svc.run("web/labels", values={"resource": sorted(values)})
        labels = {str(r["resource"]): text(r.get("label")) for r in found.rows}
    for hit in hits.values():
        for named in (hit.types, hit.concepts):
            for key in named:
                named[key] = labels.get(key) or compact(key)
    return hits


def _page_hits(
    svc: Services, q: str, chosen: dict[str, str], paging: Paging, hits: dict[str, Hit]
) -> list[Hit]:
    """One page of hits (most matching fields first), each with its snippets and a link to its page."""
    page: dict[str, Hit] = {}
    for row in run_paged(svc, "web/search", paging, _params(q, chosen)).rows:
        iri = str(row["resource"])
        hit = hits[iri]
        hit.label = text(row.get("label"), compact(iri))
        page_of_type = next((PAGES[t] for t in hit.types if t in PAGES), None)
        hit.href = page_of_type(iri) if page_of_type else link_href(iri)
        page[iri] = hit
    if page:
        details = svc.run(
            "web/search-details", values={"resource": map(URIRef, page)}, text=Literal(q)
        )
        for row in details.rows:
            page[str(row["resource"])].snippets.append(
                _snippet(str(row["field"]), str(row["text"]), q)
            )
    for iri, mark in contested_marks(svc, map(URIRef, page)).items():
        page[iri].mark = mark
    return list(page.values())


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


def _facets(hits: dict[str, Hit], name: str, values, q: str, chosen: dict[str, str]) -> list[Facet]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for hit in hits.values():
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
