"""Search over labels, claim texts, rationales and quotes, with facets by type, year and concept: from the
search index (kg.search) when it holds the store as it is, else (while it is rebuilt) by a SPARQL scan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Literal, URIRef

from clusterkg.kg.namespaces import CKG
from clusterkg.kg.search.index import Results
from clusterkg.kg.search.indexed import IndexedStore
from clusterkg.kg.search.snippets import Snippet, snippet
from clusterkg.kg.search.tokens import parse
from clusterkg.web.marks import ITEM_KINDS, SynthesisMark, contested_marks
from clusterkg.web.paging import (
    ANY,
    Paging,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import compact, link_href, text
from clusterkg.web.urls import rec_href, study_href

bp = Blueprint("search", __name__, url_prefix="/search")
MARKED = {str(kind) for kind in ITEM_KINDS}  # the types whose hits may carry a contested mark

PAGES = {
    str(CKG.Recommendation): rec_href,
    str(CKG.Study): study_href,
    str(CKG.SourceDocument): study_href,
}


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
    paging = requested_paging()
    store = svc.store
    found = (
        store.search(q, chosen, paging.offset, paging.size)
        if isinstance(store, IndexedStore)
        else None
    )
    if found is not None:
        page, total, facets = _from_index(found, chosen, q, paging)
    else:
        page, total, facets = _from_store(svc, q, chosen, paging)
    marks = contested_marks(  # only recommendations and themes can be: the hits' types say which
        svc, (URIRef(hit.iri) for hit in page.items if MARKED.intersection(hit.types))
    )
    for hit in page.items:
        hit.mark = marks.get(hit.iri)
    body = render_template(
        "search/index.html",
        q=q,
        page=page,
        total=total,
        chosen=chosen,
        facets=facets,
        rebuilding=found is None and isinstance(store, IndexedStore) and store.index is not None,
        sparql=paged_sparql(svc, "web/search", paging, _params(q, chosen)),
    )
    return paged_response(body, page)


def _from_index(found: Results, chosen: dict[str, str], q: str, paging: Paging):
    """The page, the number of hits and the facets, from the index's results."""
    hits = []
    for h in found.hits:
        hit = Hit(h.resource, h.label or compact(h.resource), snippets=h.snippets)
        hit.types = {key: name or compact(key) for key, name in h.types.items()}
        hit.href = _href(hit)
        hits.append(hit)
    page = page_of(paging, found.shown, lambda p: hits)
    facets = [
        (
            title,
            _facet_links(
                kind,
                [
                    (v.key, v.name or (v.key if kind == "year" else compact(v.key)), v.count)
                    for v in found.facets[kind]
                ],
                q,
                chosen,
            ),
        )
        for title, kind in (("Type", "type"), ("Year", "year"), ("Concept", "concept"))
    ]
    return page, found.total, facets


def _from_store(svc: Services, q: str, chosen: dict[str, str], paging: Paging):
    """The page, the number of hits and the facets by SPARQL substring search (while the index is rebuilt)."""
    hits = _hits(svc, q)
    shown = [
        h
        for h in hits.values()
        if (not chosen["type"] or chosen["type"] in h.types)
        and (not chosen["year"] or chosen["year"] in h.years)
        and (not chosen["concept"] or chosen["concept"] in h.concepts)
    ]
    page = page_of(paging, len(shown), lambda p: _page_hits(svc, q, chosen, p, hits))
    facets = [
        ("Type", _facets(hits, "type", lambda h: h.types, q, chosen)),
        ("Year", _facets(hits, "year", lambda h: {y: y for y in sorted(h.years)}, q, chosen)),
        ("Concept", _facets(hits, "concept", lambda h: h.concepts, q, chosen)),
    ]
    return page, len(hits), facets


def _href(hit: Hit) -> str | None:
    page_of_type = next((PAGES[t] for t in hit.types if t in PAGES), None)
    return page_of_type(hit.iri) if page_of_type else link_href(hit.iri)


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
        hit.href = _href(hit)
        page[iri] = hit
    if page:
        details = svc.run(
            "web/search-details", values={"resource": map(URIRef, page)}, text=Literal(q)
        )
        for row in details.rows:
            page[str(row["resource"])].snippets.append(
                snippet(str(row["field"]), str(row["text"]), parse(q))
            )
    return list(page.values())


def _facets(hits: dict[str, Hit], name: str, values, q: str, chosen: dict[str, str]) -> list[Facet]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for hit in hits.values():
        for key, label in values(hit).items():
            counts[key] += 1
            labels[key] = label
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]].lower()))
    return _facet_links(name, [(key, labels[key], count) for key, count in ranked], q, chosen)


def _facet_links(
    name: str, values: list[tuple[str, str, int]], q: str, chosen: dict[str, str]
) -> list[Facet]:
    """The facet values (key, label, count) in their order, each linking to the search narrowed by it."""
    facets = []
    for key, label, count in values:
        active = chosen[name] == key
        params = {k: v for k, v in chosen.items() if v} | {"q": q, name: "" if active else key}
        facets.append(
            Facet(
                key,
                label,
                count,
                active,
                url_for("search.index", **{k: v for k, v in params.items() if v}),
            )
        )
    return facets
