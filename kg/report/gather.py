"""Everything a report shows, read from the store by named queries (queries/report/*.rq and the synthesis ones)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import NamedNode
from rdflib import URIRef

from clusterkg.kg.errors import UserError
from clusterkg.kg.queries import NamedQuery
from clusterkg.kg.report.version import dataset_version
from clusterkg.kg.store.base import Store


@dataclass(frozen=True)
class Evidence:
    link: str
    kind: str
    kind_label: str
    rationale: str
    claim: str
    claim_label: str
    quote: str
    studies: tuple[
        str, ...
    ]  # IRIs of the studies the claim is attributed to, cited through `Report.cite`
    own_statement: bool  # the claim is reported in the study it is attributed to


@dataclass(frozen=True)
class Rating:
    label: str
    reasons: str


@dataclass(frozen=True)
class GapCell:
    column: str
    column_label: str
    studies: int


@dataclass
class Answer:
    iri: str
    kind: str  # finding | recommendation
    label: str
    quote: str
    basis: str
    own_analysis: bool
    evidence: list[Evidence] = field(default_factory=list)
    rating: Rating | None = None
    contested: tuple[int, int] | None = None  # (supporting studies, disputing studies)
    gaps: list[GapCell] = field(default_factory=list)


@dataclass
class Question:
    iri: str
    document: str
    number: str
    text: str
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class MatrixRow:
    theme: str
    theme_label: str
    study: str
    stance: str
    stance_label: str
    claim: str
    claim_label: str


@dataclass(frozen=True)
class Limitation:
    iri: str
    label: str
    study: str
    section: str
    quote: str


@dataclass
class Report:
    version: str
    date: str
    questions: list[Question]
    matrix: list[MatrixRow]
    limitations: list[Limitation]
    references: list[dict[str, str]]  # rows of queries/report/references.rq for the cited studies
    cited: list[str] = field(default_factory=list)  # study IRIs in order of first citation
    closing: bool = (
        True  # with the synthesis matrix and the limitations (the last part of a paged report)
    )
    contested_themes: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # theme IRI -> (supporting studies, disputing studies), for the matrix's contested themes


def gather(
    store: Store,
    library: Mapping[str, NamedQuery],
    questions: Sequence[str] | None = None,
    closing: bool = True,
) -> Report:
    """The report of every research question in the store, or, as one part of it, of `questions` (IRIs): then
    every query is bound to that part's questions, answers and cited studies, so a part costs what it shows.
    `closing`: with the synthesis matrix and the stated limitations (a paged report has them once)."""

    def rows(name: str, values: Mapping[str, Iterable[str]] | None = None) -> list[dict[str, str]]:
        bound = None if values is None else {k: [URIRef(v) for v in vs] for k, vs in values.items()}
        result = store.query(library[name].bind(values=bound))
        return [{k: str(v) for k, v in row.items()} for row in result.rows]

    def selected(name: str, iris: Iterable[str]) -> Mapping[str, Iterable[str]] | None:
        return None if questions is None else {name: list(iris)}

    for iri in questions or ():
        try:
            NamedNode(iri)
        except ValueError:
            raise UserError(f"--question: {iri!r} is not an IRI") from None
    found: dict[str, Question] = {}
    for row in rows("report/questions", selected("question", questions or ())):
        q = found.setdefault(
            row["question"],
            Question(
                row["question"],
                row.get("document", ""),
                row.get("number", ""),
                row.get("questionText", ""),
            ),
        )
        if "answer" in row and row["answer"] not in {a.iri for a in q.answers}:
            q.answers.append(
                Answer(
                    row["answer"],
                    row.get("kind", ""),
                    row.get("answerLabel", ""),
                    row.get("quote", ""),
                    row.get("basis", ""),
                    row.get("ownAnalysis") == "true",
                )
            )
    missing = [q for q in questions or () if q not in found]
    if missing:
        raise UserError(f"--question: no research question {missing[0]} in the store")
    answers = {a.iri: a for q in found.values() for a in q.answers}
    items = selected("item", answers)
    _add_evidence(answers, rows("report/evidence", items))
    for row in rows("certainty", items):
        if row["item"] in answers:
            answers[row["item"]].rating = Rating(row["ratingLabel"], row["reasons"])
    for row in rows("contested", items):
        if row["item"] in answers:
            answers[row["item"]].contested = (
                int(row["supportingStudies"]),
                int(row["disputingStudies"]),
            )
    kinds: dict[str, str] = {}
    covered: dict[str, dict[str, int]] = {}
    for row in rows("report/gap-actors", items):
        kinds.setdefault(row["kind"], row.get("kindLabel", row["kind"]))
        if row.get("item") in answers:
            covered.setdefault(row["item"], {})[row["kind"]] = int(row["studies"])
    for iri, answer in answers.items():
        answer.gaps = [
            GapCell(kind, label, covered.get(iri, {}).get(kind, 0)) for kind, label in kinds.items()
        ]
    matrix = (
        [
            MatrixRow(
                r["theme"],
                r.get("themeLabel", ""),
                r["study"],
                r["stance"],
                r.get("stanceLabel", ""),
                r["claim"],
                r.get("claimLabel", ""),
            )
            for r in rows("synthesis-matrix")
        ]
        if closing
        else []
    )
    limitations = (
        [
            Limitation(
                r["limitation"],
                r.get("label", ""),
                r.get("study", ""),
                r.get("section", ""),
                r.get("quote", ""),
            )
            for r in rows("report/limitations")
        ]
        if closing
        else []
    )
    themes = list(dict.fromkeys(r.theme for r in matrix))
    contested_themes = {
        row["item"]: (int(row["supportingStudies"]), int(row["disputingStudies"]))
        for row in (rows("contested", {"item": themes}) if themes else [])
    }
    cited: list[str] = []
    for q in found.values():
        for a in q.answers:
            for e in a.evidence:
                cited.extend(s for s in e.studies if s not in cited)
    cited.extend(r.study for r in matrix if r.study not in cited)
    cited.extend(lim.study for lim in limitations if lim.study and lim.study not in cited)
    wanted = set(cited)
    references = [
        r for r in rows("report/references", selected("study", cited)) if r["study"] in wanted
    ]
    return Report(
        version=dataset_version(store),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        questions=sorted(found.values(), key=lambda q: (q.document, _number(q.number), q.iri)),
        matrix=matrix,
        limitations=limitations,
        references=references,
        cited=cited,
        closing=closing,
        contested_themes=contested_themes,
    )


def _add_evidence(answers: dict[str, Answer], rows: list[dict[str, str]]) -> None:
    """One Evidence per link of an answer, with all the studies its claim is attributed to."""
    by_link: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row["item"] not in answers:
            continue
        entry = by_link.setdefault((row["item"], row["link"]), {**row, "studies": []})
        if "study" in row and row["study"] not in entry["studies"]:
            entry["studies"].append(row["study"])
        entry["own"] = entry.get("own", False) or row.get("ownStatement") == "true"
    for (item, link), e in by_link.items():
        answers[item].evidence.append(
            Evidence(
                link,
                e.get("kind", ""),
                e.get("kindLabel", ""),
                e.get("rationale", ""),
                e["claim"],
                e.get("claimLabel", ""),
                e.get("quote", ""),
                tuple(e["studies"]),
                e["own"],
            )
        )


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 1 << 30
