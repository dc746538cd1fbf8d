"""The class diagram: our classes, their subclass links, the object properties between them, and the axioms of
the classes a reasoner classifies by, laid out by Graphviz `dot` as SVG with each class linked to its page."""

from __future__ import annotations

from collections.abc import Callable

import graphviz

from clusterkg.kg.errors import UserError
from clusterkg.kg.ontodocs.model import Model, Term

Href = Callable[[str], str | None]
NO_DOT = (
    "Graphviz's `dot` was not found: install Debian's graphviz package (apt-get install graphviz)"
)


def class_diagram(model: Model, href: Href) -> graphviz.Digraph:
    """The diagram as Graphviz source: a box per class of ours (`Model.own`; and each named superclass it has
    elsewhere, dashed), subclass arrows (inferred ones dashed), and an arrow per object property of ours
    from its domain to its range."""
    dot = graphviz.Digraph(
        "ontology", graph_attr={"rankdir": "RL", "ranksep": "0.6", "fontname": "sans-serif"}
    )
    dot.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fillcolor="#f4f6fb",
        fontname="sans-serif",
        fontsize="11",
    )
    dot.attr("edge", fontname="sans-serif", fontsize="9")
    own = [c for c in model.classes if model.own(c)]
    ids: dict[str, str] = {}  # IRI -> node name (an IRI's colon would read as a Graphviz port)
    defined = set(model.defined_classes())
    for cls in own:
        term = model.term(cls)
        lines = [term.label]
        if cls in defined:
            lines += [f"{a.keyword} {a.text}" for a in model.axioms(cls) if a.anonymous]
        ids[term.iri] = f"c{len(ids)}"
        dot.node(ids[term.iri], "\n".join(lines), id=f"class-{term.name}", **_link(href, term))
    for cls in own:
        for parent in model.parents(cls):
            if parent.iri not in ids:
                ids[parent.iri] = f"c{len(ids)}"
                dot.node(
                    ids[parent.iri], parent.label, style="rounded,dashed", **_link(href, parent)
                )
            style = "dashed" if parent.inferred else "solid"
            dot.edge(ids[str(cls)], ids[parent.iri], arrowhead="empty", style=style)
    for domain, prop, range_ in model.main_relations():
        if str(domain) in ids and str(range_) in ids:
            dot.edge(
                ids[str(domain)],
                ids[str(range_)],
                label=model.term(prop).name,
                color="#5b6b8c",
                fontcolor="#5b6b8c",
                constraint="false",
            )
    return dot


def render_svg(diagram: graphviz.Digraph) -> str:
    """The diagram as an SVG document, laid out by `dot`; UserError when Graphviz is not installed."""
    try:
        return diagram.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise UserError(NO_DOT) from None


def inline(svg: str) -> str:
    """The `<svg>` element of an SVG document, without its XML declaration and doctype, to put in a page."""
    return svg[svg.index("<svg") :]


def _link(href: Href, term: Term) -> dict[str, str]:
    target = href(term.iri)
    return (
        {"URL": target, "tooltip": term.iri, "target": "_top"} if target else {"tooltip": term.iri}
    )
