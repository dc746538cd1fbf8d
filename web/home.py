"""The start page: what the dataset is, its sources and counts, the research questions and their answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template
from rdflib import URIRef

from clusterkg.web.marks import SynthesisMark, contested_marks
from clusterkg.web.paging import (
    Paging,
    count,
    list_page,
    page_of,
    run_paged,
)
from clusterkg.web.services import Services, services
from clusterkg.web.terms import TermView, link, text
from clusterkg.web.urls import rec_href

bp = Blueprint("home", __name__)

HOME_QUESTIONS = 10  # research questions on the start page; /questions/ lists them all


@dataclass
class Question:
    question: TermView
    number: str
    answers: list[tuple[str, TermView, SynthesisMark | None]] = field(
        default_factory=list
    )  # (kind, answer, its contested mark)


HOME_COUNTS = ("studies", "claims", "recommendations", "evidenceLinks", "quotes")  # the cards


@bp.route("/")
def index() -> str:
    svc = services()
    counts = svc.run("web/home-counts").rows
    sources = [
        {
            "graph": link(row["graph"], row.get("graphLabel")),
            "document": link(row["document"], row.get("documentLabel")),
            "cited_as": text(row.get("citedAs")),
            "year": text(row.get("year")),
            "triples": int(row["triples"]),
        }
        for row in svc.run("web/home-sources").rows
    ]
    total = count(svc, "web/research-questions-count", {})
    first = Paging(1, HOME_QUESTIONS)
    return render_template(
        "home/index.html",
        counts={name: int(counts[0][name]) for name in HOME_COUNTS} if counts else {},
        triples=svc.store.count(),
        sources=sources,
        questions=page_of(first, total, lambda p: research_questions(svc, p)),
    )


@bp.route("/questions/")
def questions() -> Response:
    """Every research question with what answers it, paged."""
    svc = services()
    return list_page(
        svc,
        "home/questions.html",
        "web/research-questions-count",
        "web/research-questions",
        lambda p: research_questions(svc, p),
    )


def research_questions(svc: Services, paging: Paging) -> list[Question]:
    """One page of research questions (by source and number), each with its answers."""
    questions: dict[str, Question] = {}
    for row in run_paged(svc, "web/research-questions", paging, {}).rows:
        key = str(row["question"])
        question = questions.setdefault(
            key, Question(link(row["question"], row["questionLabel"]), text(row.get("number")))
        )
        answer = link(row.get("answer"), row.get("answerLabel"))
        if answer is not None:
            kind = text(row.get("answerKind"))
            if kind == "recommendation":
                answer = TermView("iri", answer.text, rec_href(answer.iri), iri=answer.iri)
            question.answers.append((kind, answer, None))
    marks = contested_marks(
        svc, (URIRef(a.iri) for q in questions.values() for _, a, _ in q.answers if a.iri)
    )
    for q in questions.values():
        q.answers = [(kind, a, marks.get(a.iri)) for kind, a, _ in q.answers]
    return list(questions.values())
