"""The evidence gap map: Porter factors x cluster types and recommendations x actors; empty cells are gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request, url_for
from rdflib import Literal, URIRef

from kg.namespaces import CKR
from web.recommendations import rec_href
from web.services import services
from web.studies import study_href
from web.tables import result_table
from web.terms import TermView, link, text

bp = Blueprint("gaps", __name__, url_prefix="/gaps")

PORTER_SCHEME = CKR["scheme/porter-diamond"]


@dataclass(frozen=True)
class Cell:
    count: int
    detail: str  # a second figure or note shown under the count
    href: str  # the cell's studies
    sparql_href: str  # the query that computes the cell
    marked: bool = False  # e.g. the recommendation is addressed to this kind of actor

    @property
    def css(self) -> str:
        return "gap" if self.count == 0 else "covered strong" if self.count > 1 else "covered"


@dataclass
class Matrix:
    rows: list[TermView] = field(default_factory=list)
    columns: list[TermView] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def add(self, row: TermView, column: TermView, cell: Cell) -> None:
        if row not in self.rows:
            self.rows.append(row)
        if column not in self.columns:
            self.columns.append(column)
        self.cells[(row.iri, column.iri)] = cell

    @property
    def grid(self) -> list[tuple[TermView, list[Cell | None]]]:
        return [(r, [self.cells.get((r.iri, c.iri)) for c in self.columns]) for r in self.rows]

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.count == 0)


@bp.route("/")
def index() -> str:
    svc = services()
    with_sources = request.args.get("cited_only") != "1"
    flag = Literal(with_sources)
    porter = Matrix()
    for row in svc.run(
        "web/gap-porter-cluster-types", scheme=PORTER_SCHEME, with_sources=flag
    ).rows:
        params = {"factor": row["factor"], "type": row["type"], "with_sources": flag}
        count = int(row["studies"])
        porter.add(
            link(row["factor"], row["factorLabel"]),
            link(row["type"], row["typeLabel"]),
            Cell(
                count,
                f"stud{'y' if count == 1 else 'ies'}",
                url_for(
                    "gaps.porter_cell",
                    factor=str(row["factor"]),
                    type=str(row["type"]),
                    cited_only="" if with_sources else "1",
                ),
                url_for(
                    "sparql.endpoint",
                    query=svc.queries["web/gap-porter-cluster-types-cell"].bind(params),
                ),
            ),
        )
    actors = Matrix()
    for row in svc.run("web/gap-recommendations-actors").rows:
        params = {"rec": row["rec"], "kind": row["kind"]}
        claims, studies = int(row["claims"]), int(row["studies"])
        rec = link(row["rec"], row["recLabel"])
        actors.add(
            link(row["kind"], row["kindLabel"]),
            TermView("iri", rec.text, rec_href(rec.iri), iri=rec.iri),
            Cell(
                claims,
                f"claim{'' if claims == 1 else 's'}, {studies} stud{'y' if studies == 1 else 'ies'}",
                url_for("gaps.actor_cell", rec=str(row["rec"]), kind=str(row["kind"])),
                url_for(
                    "sparql.endpoint",
                    query=svc.queries["web/gap-recommendations-actors-cell"].bind(params),
                ),
                marked=int(row["addressed"]) > 0,
            ),
        )
    return render_template(
        "gaps/index.html",
        porter=porter,
        actors=actors,
        cited_only=not with_sources,
        queries={
            "porter": svc.queries["web/gap-porter-cluster-types"].bind(
                {"scheme": PORTER_SCHEME, "with_sources": flag}
            ),
            "actors": svc.queries["web/gap-recommendations-actors"].bind(),
        },
    )


@bp.route("/porter-cluster-types")
def porter_cell() -> str:
    params = {
        "factor": URIRef(request.args.get("factor", "")),
        "type": URIRef(request.args.get("type", "")),
        "with_sources": Literal(request.args.get("cited_only") != "1"),
    }
    return _cell_page("web/gap-porter-cluster-types-cell", params, "Porter factor x cluster type")


@bp.route("/recommendations-actors")
def actor_cell() -> str:
    params = {
        "rec": URIRef(request.args.get("rec", "")),
        "kind": URIRef(request.args.get("kind", "")),
    }
    return _cell_page("web/gap-recommendations-actors-cell", params, "Recommendation x actor")


def _cell_page(query: str, params: dict, title: str) -> str:
    svc = services()
    sparql = svc.queries[query].bind(params)
    result = svc.query(sparql)
    studies: dict[str, dict] = {}
    for row in result.rows:
        key = text(row.get("study"), "(no study)")
        entry = studies.setdefault(
            key,
            {
                "study": link(row.get("study"), row.get("studyLabel")),
                "href": study_href(key) if row.get("study") is not None else "",
                "year": text(row.get("year")),
                "claims": [],
            },
        )
        entry["claims"].append((text(row.get("about")), link(row["claim"], row.get("claimLabel"))))
    labels = {k: link(v) for k, v in params.items() if isinstance(v, URIRef)}
    return render_template(
        "gaps/cell.html",
        title=title,
        axes=labels,
        studies=list(studies.values()),
        table=result_table(result),
        sparql_href=url_for("sparql.endpoint", query=sparql),
    )
