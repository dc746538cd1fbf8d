"""The start page: what the dataset is, its sources and counts, the research questions and their answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template

from web.recommendations import rec_href
from web.services import services
from web.terms import TermView, link, text

bp = Blueprint("home", __name__)


@dataclass
class Question:
    question: TermView
    number: str
    answers: list[tuple[str, TermView]] = field(default_factory=list)  # (kind, answer)


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
    questions: dict[str, Question] = {}
    for row in svc.run("web/research-questions").rows:
        key = str(row["question"])
        question = questions.setdefault(
            key, Question(link(row["question"], row["questionLabel"]), text(row.get("number")))
        )
        answer = link(row.get("answer"), row.get("answerLabel"))
        if answer is not None:
            kind = text(row.get("answerKind"))
            if kind == "recommendation":
                answer = TermView("iri", answer.text, rec_href(answer.iri), iri=answer.iri)
            question.answers.append((kind, answer))
    return render_template(
        "home/index.html",
        counts={k: int(v) for k, v in counts[0].items()} if counts else {},
        sources=sources,
        questions=list(questions.values()),
    )
