"""The ontology's documentation pages, rendered for the web app or as static files: the index (modules, class
tree, diagram, properties, concept schemes, shapes) and a page per class and property of ours. The routes
live in web.ontology (the index, the diagram) and web.resources (a term's own URL, by content negotiation);
`write_site` writes the same pages for `clusterkg docs`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import current_app, render_template, url_for
from rdflib import URIRef
from rdflib.term import Identifier

from clusterkg.kg.conneg import Format
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, ONTOLOGY_IRI
from clusterkg.kg.ontodocs.diagram import class_diagram, inline, render_svg
from clusterkg.kg.ontodocs.model import MODULE_FIELDS, Model, Term, TreeNode
from clusterkg.kg.ontodocs.usage import QueryTerms, queries_using, query_terms
from clusterkg.kg.validate import load_shapes
from clusterkg.web.paging import PageError
from clusterkg.web.services import Services, services
from clusterkg.web.terms import link_href

NO_ONTOLOGY = "this dataset holds no ontology graph: run `clusterkg build`"
EXAMPLES_SHOWN = 5
SPARQL_ROWS = 100  # the rows "Open in SPARQL" asks for


@dataclass(frozen=True)
class Links:
    """Where the pages' links point: the web app's URLs, or the static site's files."""

    term: Callable[[str], str | None]  # a term's page (None: shown as text)
    index: str
    query: Callable[[str], str | None]  # a named query's page
    sparql: Callable[[str], str | None]  # SPARQL text, opened in the query editor
    layout: str  # the template the pages extend
    diagram: str  # the diagram as a file of its own


def web_links() -> Links:
    return Links(
        term=link_href,
        index=url_for("ontology.index"),
        query=lambda name: url_for("sparql.named_query", name=name),
        sparql=lambda text: url_for("sparql.endpoint", query=text),
        layout="base.html",
        diagram=url_for("ontology.diagram"),
    )


def static_links(model: Model) -> Links:
    """Our classes and properties link to their files, the ontology to the index, any other http(s) IRI
    to itself (the published IRI), anything else is text."""
    pages = {str(t): page_file(t) for t in documented(model)}

    def term(iri: str) -> str | None:
        if iri == ONTOLOGY_IRI:
            return "index.html"
        if iri in pages:
            return pages[iri]
        return iri if iri.startswith(("http://", "https://")) else None

    return Links(
        term,
        "index.html",
        lambda name: None,
        lambda text: None,
        "ontology/static.html",
        "diagram.svg",
    )


def documented(model: Model) -> list[URIRef]:
    """The terms with a page of their own: our classes and properties."""
    return [t for t in (*model.classes, *model.properties) if str(t).startswith(str(CKG))]


def page_file(iri: URIRef) -> str:
    return quote(str(iri)[len(str(CKG)) :], safe="") + ".html"


def load_model(svc: Services) -> Model:
    """The ontology graph and the reasoner's subclass links from the store, the data shapes from their files."""
    ontology = svc.run("ontology/graph").graph
    if ontology is None or not len(ontology):
        raise PageError(404, NO_ONTOLOGY)
    inferred = [
        (r["class"], r["superclass"]) for r in svc.run("ontology/inferred-superclasses").rows
    ]
    shapes = load_shapes(svc.settings.ontology_dir, svc.settings.shapes_extensions).data
    return Model(ontology, shapes, inferred)


def index_page(iri: URIRef, formats: Sequence[tuple[Format, str]], sparql_href: str) -> str:
    """The HTML of the ontology's own IRI: the index."""
    svc = services()
    return render_index(svc, load_model(svc), web_links())


def term_page(iri: URIRef, formats: Sequence[tuple[Format, str]], sparql_href: str) -> str | None:
    """The documentation page of a class or property of ours; None for any other term (the generic page)."""
    svc = services()
    model = load_model(svc)
    if not (model.is_class(iri) or model.is_property(iri)):
        return None
    return render_term(svc, model, iri, web_links(), query_terms(svc.examples), formats)


def render_index(svc: Services, model: Model, links: Links) -> str:
    try:
        svg, diagram_error = inline(render_svg(class_diagram(model, links.term))), ""
    except UserError as exc:
        svg, diagram_error = "", str(exc)
    return render_template(
        "ontology/index.html",
        links=links,
        modules=model.modules(),
        module_fields=[key for key, _ in MODULE_FIELDS],
        classes=model.tree(),
        svg=svg,
        diagram_error=diagram_error,
        object_properties=_property_rows(model, "object"),
        datatype_properties=_property_rows(model, "datatype"),
        schemes=_schemes(svc, links),
        shapes=model.node_shapes(),
    )


def render_term(
    svc: Services,
    model: Model,
    iri: URIRef,
    links: Links,
    queries: QueryTerms,
    formats: Sequence[tuple[Format, str]] = (),
) -> str:
    term = model.term(iri)
    common = {
        "links": links,
        "term": term,
        "formats": formats,
        "definition": model.definition(iri),
        "notes": model.notes(iri),
        "module": model.defined_by(iri),
        "queries": [(q, links.query(q.name)) for q in queries_using(queries, str(iri))],
    }
    if model.is_class(iri):
        examples = [
            r["instance"] for r in svc.run("ontology/class-examples", **{"class": iri}).rows
        ]
        sparql = svc.queries["ontology/class-examples"].bind({"class": iri}, limit=SPARQL_ROWS)
        return render_template(
            "ontology/class.html",
            **common,
            parents=model.parents(iri),
            children=model.children(iri),
            axioms=model.axioms(iri),
            domain_of=_property_rows(model, terms=model.domain_of(iri)),
            range_of=_property_rows(model, terms=model.range_of(iri)),
            requirements=model.requirements(iri),
            instances=int(
                svc.run("ontology/class-instance-count", **{"class": iri}).rows[0]["instances"]
            ),
            examples=_labelled(svc, examples),
            sparql_href=links.sparql(sparql),
        )
    statements = svc.run("ontology/property-examples", property=iri).rows
    sparql = svc.queries["ontology/property-examples"].bind({"property": iri}, limit=SPARQL_ROWS)
    labels = _labels(svc, [v for r in statements for v in r.values() if isinstance(v, URIRef)])
    return render_template(
        "ontology/property.html",
        **common,
        kind=model.kind(iri),
        domains=model.domains(iri),
        ranges=model.ranges(iri),
        characteristics=model.characteristics(iri),
        inverses=model.inverses(iri),
        supers=model.super_properties(iri),
        subs=model.sub_properties(iri),
        constraints=model.constraints_on(iri),
        uses=int(svc.run("ontology/property-usage-count", property=iri).rows[0]["uses"]),
        statements=[(_term(labels, r["subject"]), _term(labels, r["value"])) for r in statements],
        sparql_href=links.sparql(sparql),
    )


def write_site(svc: Services, out: Path) -> list[Path]:
    """The index, a page per class and property of ours, the diagram and the style sheet, in `out`."""
    model = load_model(svc)
    links = static_links(model)
    pages = {"index.html": render_index(svc, model, links)}
    queries = query_terms(svc.examples)
    pages.update(
        {page_file(t): render_term(svc, model, t, links, queries) for t in documented(model)}
    )
    pages["diagram.svg"] = render_svg(class_diagram(model, links.term))
    css = Path(current_app.static_folder or "") / "css" / "site.css"
    pages["site.css"] = css.read_text(encoding="utf-8")
    try:  # everything is rendered before the first file is written
        out.mkdir(parents=True, exist_ok=True)
        for name, text in pages.items():
            (out / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the documentation: {exc.strerror}", exc.filename) from None
    return [out / name for name in pages]


@dataclass(frozen=True)
class PropertyRow:
    term: Term
    domains: list[Term]
    ranges: list[Term]
    characteristics: list[str]


def _property_rows(
    model: Model, kind: str = "", terms: list[Term] | None = None
) -> list[PropertyRow]:
    chosen = model.properties_of(kind) if terms is None else terms
    return [
        PropertyRow(
            t,
            model.domains(URIRef(t.iri)),
            model.ranges(URIRef(t.iri)),
            model.characteristics(URIRef(t.iri)),
        )
        for t in chosen
    ]


def _schemes(svc: Services, links: Links) -> list[TreeNode]:
    """Each concept scheme as a tree: its concepts under their broader ones (tops at the first level)."""
    rows = svc.run("ontology/concept-schemes").rows
    labels = _labels(svc, [v for r in rows for v in r.values()])
    schemes: dict[URIRef, dict[URIRef, set[URIRef]]] = {}  # scheme -> concept -> its narrower ones
    for row in rows:
        concepts = schemes.setdefault(row["scheme"], {})
        concepts.setdefault(row["concept"], set())
        if row.get("broader") is not None:
            concepts.setdefault(row["broader"], set()).add(row["concept"])
    return [_concept_tree(scheme, concepts, labels) for scheme, concepts in schemes.items()]


def _concept_tree(
    scheme: URIRef, concepts: dict[URIRef, set[URIRef]], labels: dict[URIRef, str]
) -> TreeNode:
    has_broader = {c for children in concepts.values() for c in children}

    def grow(concept: URIRef, seen: frozenset[URIRef]) -> TreeNode:
        node = TreeNode(_term(labels, concept))
        for child in sorted(
            concepts.get(concept, ()), key=lambda c: _term(labels, c).label.lower()
        ):
            if child not in seen:
                node.children.append(grow(child, seen | {child}))
        return node

    root = TreeNode(_term(labels, scheme))
    tops = sorted(
        (c for c in concepts if c not in has_broader), key=lambda c: _term(labels, c).label.lower()
    )
    root.children = [grow(top, frozenset({top})) for top in tops]
    return root


def _labels(svc: Services, iris: list[Identifier]) -> dict[URIRef, str]:
    wanted = sorted({i for i in iris if isinstance(i, URIRef)})
    if not wanted:
        return {}
    rows = svc.run("web/labels", values={"resource": wanted}).rows
    return {r["resource"]: str(r["label"]) for r in rows}


def _labelled(svc: Services, iris: list[URIRef]) -> list[Term]:
    labels = _labels(svc, iris)
    return [_term(labels, i) for i in iris]


def _term(labels: dict[URIRef, str], node: Identifier) -> Term:
    """An IRI with its label; a literal or blank node as text (iri empty: never a link)."""
    if isinstance(node, URIRef):
        return Term(str(node), labels.get(node) or str(node))
    return Term("", str(node))
