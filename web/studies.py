"""The bibliography (sortable, filterable by year and concept) and a page per study: claims, concepts, evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import URIRef

from clusterkg.web.bibliography import bibliography
from clusterkg.web.marks import contested_marks
from clusterkg.web.paging import (
    ANY,
    count,
    page_of,
    paged_response,
    paged_sparql,
    requested_paging,
)
from clusterkg.web.quotes import QuoteView, quote_from_row
from clusterkg.web.responses import error_response
from clusterkg.web.services import Services, services
from clusterkg.web.terms import NOT_AN_IRI, TermView, compact, iri_for_path, link, text, unique

bp = Blueprint("studies", __name__, url_prefix="/studies")

RECORD_FIELDS = ("year", "title", "venue", "volume", "issue", "issn", "doi", "pages")
SORTS = ("year", "cited", "claims")  # see queries/web/studies.rq


@dataclass
class ClaimView:
    claim: TermView
    section: str
    subjects: list[TermView] = field(default_factory=list)
    quote: QuoteView | None = None


@bp.route("/")
def index() -> Response:
    svc = services()
    year = request.args.get("year", "")
    concept = request.args.get("concept", "")
    sort = request.args.get("sort", "year")
    sort = sort if sort in SORTS else "year"
    filters = {"year": year, "concept": concept or ANY}
    paging = requested_paging()
    matching = count(svc, "web/studies-count", filters)
    page = page_of(paging, matching, lambda p: bibliography(svc, p, sort=sort, **filters))
    unfiltered = count(svc, "web/studies-count", {}) if year or concept else matching
    concepts = _concept_options(svc)
    body = render_template(
        "studies/index.html",
        page=page,
        studies=page.items,
        matching=matching,
        total=unfiltered,
        years=[text(r.get("year")) for r in svc.run("web/study-years").rows],
        year=year,
        concepts=concepts,
        concept=concept,
        concept_label=concepts.get(concept, compact(concept)) if concept else "",
        sort=sort,
        sparql=paged_sparql(svc, "web/studies", paging, filters | {"sort": sort}),
    )
    return paged_response(body, page)


def _concept_options(svc: Services) -> dict[str, str]:
    """Concept IRI -> label, for every concept some study is about (the filter's choices)."""
    labels = {
        str(row["concept"]): text(row.get("conceptLabel"), compact(str(row["concept"])))
        for row in svc.run("web/study-concept-options").rows
    }
    return dict(sorted(labels.items(), key=lambda kv: kv[1].lower()))


@bp.route("/<path:path>")
def show(path: str):
    svc = services()
    iri = iri_for_path("resource", path)
    if iri is None:
        return error_response(404, NOT_AN_IRI)
    record = svc.run("web/study", study=iri).rows
    if not record:
        return error_response(404, f"no study <{iri}> in this dataset")
    first = record[0]
    authors = [text(r.get("name")) for r in svc.run("web/study-authors", study=iri).rows]
    given_by, not_stated_by = _sources_of_fields(svc, iri)
    evidence = [
        {
            "kind": text(r.get("kindLabel"), "evidence"),
            "kind_key": text(r.get("kind")).rsplit("#", 1)[-1].lower(),
            "claim": link(r["claim"], r.get("claimLabel")),
            "target": link(r["target"], r.get("targetLabel")),
        }
        for r in svc.run("web/study-evidence", study=iri).rows
    ]
    return render_template(
        "studies/show.html",
        iri=str(iri),
        label=text(first.get("citedAs"), text(first.get("label"), compact(str(iri)))),
        record={key: text(first.get(key)) for key in RECORD_FIELDS},
        et_al=text(first.get("completeAuthors")) == "false",
        authors=authors,
        not_stated=sorted({compact(str(r["notStated"])) for r in record if "notStated" in r}),
        given_by=given_by,
        not_stated_by=not_stated_by,
        several_sources=len(
            {g for names in given_by.values() for g in names}
            | {g for names in not_stated_by.values() for g in names}
        )
        > 1,
        cited_by=unique(link(r.get("citedBy"), r.get("citedByLabel")) for r in record),
        claims=_claims(svc, iri),
        evidence=evidence,
        marks=contested_marks(svc, (URIRef(e["target"].iri) for e in evidence)),
        resource_href=url_for("resources.resource", path=path),
        sparql=svc.queries["web/study-claims"].bind({"study": iri}),
    )


def _sources_of_fields(
    svc: Services, iri: URIRef
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per field of the record (title, year, ...): the sources that state it, and those that say they
    do not state it; a source is named by its label, else the file it was ingested from, else its IRI."""
    given: dict[str, list[str]] = {}
    silent: dict[str, list[str]] = {}
    for row in svc.run("web/study-sources", study=iri).rows:
        name = text(row.get("graphLabel"), text(row.get("file"), compact(str(row["graph"]))))
        field_name = compact(str(row["property"]))
        table = silent if row["notStated"].toPython() else given
        if name not in table.setdefault(field_name, []):
            table[field_name].append(name)
    return given, silent


def _claims(svc: Services, iri: URIRef) -> list[ClaimView]:
    claims: dict[str, ClaimView] = {}
    for row in svc.run("web/study-claims", study=iri).rows:
        key = str(row["claim"])
        if key not in claims:
            claims[key] = ClaimView(
                link(row["claim"], row.get("claimLabel")),
                text(row.get("section")),
                quote=quote_from_row(row, svc.text_files),
            )
        subject = link(row.get("subject"), row.get("subjectLabel"))
        if subject is not None and subject not in claims[key].subjects:
            claims[key].subjects.append(subject)
    return list(claims.values())
