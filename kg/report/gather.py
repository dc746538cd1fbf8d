"""Everything a report shows, read from the store by named queries (queries/report/*.rq and the synthesis ones)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kg.errors import UserError
from kg.queries import NamedQuery
from kg.report.version import dataset_version
from kg.store.base import Store


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


def gather(store: Store, library: Mapping[str, NamedQuery], question: str | None = None) -> Report:
    """The report of every research question in the store, or of the one named `question` (an IRI)."""

    def rows(name: str, **params: object) -> list[dict[str, str]]:
        result = store.query(library[name].bind(params))
        return [{k: str(v) for k, v in row.items()} for row in result.rows]

    questions: dict[str, Question] = {}
    for row in rows("report/questions"):
        if question is not None and row["question"] != question:
            continue
        q = questions.setdefault(
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
    if question is not None and not questions:
        raise UserError(f"--question: no research question {question} in the store")
    answers = {a.iri: a for q in questions.values() for a in q.answers}
    _add_evidence(answers, rows("report/evidence"))
    for row in rows("certainty"):
        if row["item"] in answers:
            answers[row["item"]].rating = Rating(row["ratingLabel"], row["reasons"])
    for row in rows("contested"):
        if row["item"] in answers:
            answers[row["item"]].contested = (
                int(row["supportingStudies"]),
                int(row["disputingStudies"]),
            )
    kinds: dict[str, str] = {}
    covered: dict[str, dict[str, int]] = {}
    for row in rows("report/gap-actors"):
        kinds.setdefault(row["kind"], row.get("kindLabel", row["kind"]))
        if row.get("item") in answers:
            covered.setdefault(row["item"], {})[row["kind"]] = int(row["studies"])
    for iri, answer in answers.items():
        answer.gaps = [
            GapCell(kind, label, covered.get(iri, {}).get(kind, 0)) for kind, label in kinds.items()
        ]
    matrix = [
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
    limitations = [
        Limitation(
            r["limitation"],
            r.get("label", ""),
            r.get("study", ""),
            r.get("section", ""),
            r.get("quote", ""),
        )
        for r in rows("report/limitations")
    ]
    cited: list[str] = []
    for q in questions.values():
        for a in q.answers:
            for e in a.evidence:
                cited.extend(s for s in e.studies if s not in cited)
    cited.extend(r.study for r in matrix if r.study not in cited)
    cited.extend(lim.study for lim in limitations if lim.study and lim.study not in cited)
    wanted = set(cited)
    references = [r for r in rows("report/references") if r["study"] in wanted]
    return Report(
        version=dataset_version(store),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        questions=sorted(questions.values(), key=lambda q: (q.document, _number(q.number), q.iri)),
        matrix=matrix,
        limitations=limitations,
        references=references,
        cited=cited,
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
