"""A Campbell-style evidence gap map of any two axes read from the graph: bubbles sized by studies, coloured
by the highest certainty of the recommendations and themes behind the cell; laid out for SVG and a table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKR
from clusterkg.web.marks import SynthesisMark, contested_marks
from clusterkg.web.services import Services
from clusterkg.web.terms import TermView, link

DEFAULT_ROWS = CKR["scheme/porter-diamond"]
DEFAULT_COLUMNS = CKG.IndustrialCluster
NOT_RATED = ("not rated", "#9aa5b1")
HIGH, LOW = (27, 120, 55), (215, 48, 39)  # the colours of the highest and the lowest certainty rank
# Layout of the SVG, in pixels.
LABEL_WIDTH, CELL, HEAD, LEGEND = 340, 96, 150, 70


@dataclass(frozen=True)
class Filters:
    rows: URIRef = DEFAULT_ROWS
    columns: URIRef = DEFAULT_COLUMNS
    year_from: int = 0
    year_to: int = 0
    place: str = ""
    study_type: str = ""

    @classmethod
    def from_args(cls, args: dict[str, str]) -> Filters:
        years = {}
        for name in ("year_from", "year_to"):
            value = args.get(name, "").strip()
            if value and not (value.isdigit() and len(value) <= 4):
                raise UserError(f"{name}: {value!r} is not a year")
            years[name] = int(value or 0)
        return cls(
            URIRef(args.get("rows") or DEFAULT_ROWS),
            URIRef(args.get("columns") or DEFAULT_COLUMNS),
            place=args.get("place", ""),
            study_type=args.get("study_type", ""),
            **years,
        )

    @property
    def params(self) -> dict[str, object]:
        """The gap-map query's parameters."""
        return {
            "rows": str(self.rows),  # text, so that the query checks it is an IRI
            "columns": str(self.columns),
            "year_from": Literal(self.year_from),
            "year_to": Literal(self.year_to),
            "place": Literal(self.place),
            "study_type": Literal(self.study_type),
        }

    @property
    def args(self) -> dict[str, str]:
        """The URL query that gives these filters (empty ones left out)."""
        values = {
            "rows": str(self.rows),
            "columns": str(self.columns),
            "year_from": self.year_from or "",
            "year_to": self.year_to or "",
            "place": self.place,
            "study_type": self.study_type,
        }
        return {k: str(v) for k, v in values.items() if v}


@dataclass(frozen=True)
class Level:
    label: str
    colour: str


@dataclass(frozen=True)
class Bubble:
    row: TermView
    column: TermView
    studies: int
    claims: int
    level: Level
    x: float
    y: float
    r: float

    @property
    def gap(self) -> bool:
        return self.studies == 0

    @property
    def summary(self) -> str:
        if self.gap:
            return "gap: no study"
        plural = "y" if self.studies == 1 else "ies"
        return f"{self.studies} stud{plural}, {self.claims} claim{'' if self.claims == 1 else 's'}; certainty: {self.level.label}"


@dataclass
class GapMap:
    filters: Filters
    rows: list[TermView] = field(default_factory=list)
    columns: list[TermView] = field(default_factory=list)
    bubbles: list[Bubble] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    sparql: str = ""
    marks: dict[str, SynthesisMark] = field(default_factory=dict)  # contested members of the axes

    @property
    def width(self) -> int:
        return (
            LABEL_WIDTH + CELL * max(len(self.columns), 1) + 160
        )  # room for the last slanted label

    @property
    def height(self) -> int:
        return HEAD + CELL * max(len(self.rows), 1) + LEGEND

    @property
    def gaps(self) -> int:
        return sum(1 for b in self.bubbles if b.gap)

    def cell(self, row: TermView, column: TermView) -> Bubble:
        return next(b for b in self.bubbles if b.row == row and b.column == column)

    def column_x(self, index: int) -> float:
        return LABEL_WIDTH + CELL * index + CELL / 2

    def row_y(self, index: int) -> float:
        return HEAD + CELL * index + CELL / 2


def build_map(svc: Services, filters: Filters) -> GapMap:
    """The map of `filters.rows` x `filters.columns`: every pair of members, a gap where no study is."""
    gap_map = GapMap(filters, sparql=svc.queries["web/gap-map"].bind(filters.params))
    levels = svc.run("web/certainty-levels").rows
    ranks = [int(r["rank"]) for r in levels]
    colour_of = {
        str(r["level"]): Level(str(r.get("label", r["level"])), _colour(int(r["rank"]), ranks))
        for r in levels
    }
    gap_map.levels = [*colour_of.values(), Level(*NOT_RATED)]
    rating: dict[str, tuple[int, str]] = {}
    for r in svc.run("certainty").rows:
        rating[str(r["item"])] = (-int(r["steps"]), str(r["rating"]))
    rows = svc.query(gap_map.sparql).rows
    most = max((int(r["studies"]) for r in rows), default=0) or 1
    for r in rows:
        row, column = link(r["row"], r.get("rowLabel")), link(r["column"], r.get("columnLabel"))
        if row not in gap_map.rows:
            gap_map.rows.append(row)
        if column not in gap_map.columns:
            gap_map.columns.append(column)
        rated = [rating[i] for i in str(r["items"]).split() if i in rating]
        level = colour_of[max(rated)[1]] if rated else Level(*NOT_RATED)
        studies = int(r["studies"])
        gap_map.bubbles.append(
            Bubble(
                row,
                column,
                studies,
                int(r["claims"]),
                level,
                gap_map.column_x(gap_map.columns.index(column)),
                gap_map.row_y(gap_map.rows.index(row)),
                (CELL / 2 - 6)
                * math.sqrt(studies / most),  # area proportional to the number of studies
            )
        )
    gap_map.marks = contested_marks(svc, (URIRef(t.iri) for t in gap_map.rows + gap_map.columns))
    return gap_map


def _colour(rank: int, ranks: list[int]) -> str:
    """The colour of a certainty rank: from HIGH (highest rank) to LOW (lowest), in between by rank."""
    top, bottom = max(ranks), min(ranks)
    share = 0.0 if top == bottom else (top - rank) / (top - bottom)
    return "#" + "".join(
        f"{round(h + (l - h) * share):02x}" for h, l in zip(HIGH, LOW, strict=True)
    )
