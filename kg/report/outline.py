"""The report as a list of blocks (headings, paragraphs, quotes, list items, tables) of linked spans, which
the html, markdown and docx writers lay out; every statement's span links to its resource's IRI."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.kg.report.cite import Citer
from clusterkg.kg.report.gather import Answer, Report


@dataclass(frozen=True)
class Span:
    text: str
    href: str = ""
    style: str = ""  # "" | "em" | "strong"


@dataclass(frozen=True)
class Block:
    kind: str  # h1 | h2 | h3 | p | quote | li | table
    spans: tuple[Span, ...] = ()
    rows: tuple[tuple[tuple[Span, ...], ...], ...] = ()  # a table's rows, the first is its header
    anchor: str = ""  # a unique id (the HTML id)
    css: str = ""  # a class (own-analysis, gap-map, contested)


def outline(report: Report, citer: Citer) -> list[Block]:
    blocks = [
        Block("h1", (Span("Synthesis report"),)),
        Block(
            "p",
            (
                Span("Dataset version "),
                Span(report.version, style="strong"),
                Span(
                    f", generated {report.date}. The version is the SHA-256 of the store's quads "
                    "(sorted N-Quads, blank nodes unlabelled): a report can be matched to the graph it came from."
                ),
            ),
            anchor="dataset-version",
        ),
    ]
    for q in report.questions:
        title = f"Question {q.number}: {q.text}" if q.number else q.text
        blocks.append(
            Block(
                "h2",
                (Span(title, q.iri),),
                anchor="question-" + q.iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1],
            )
        )
        if not q.answers:
            blocks.append(Block("p", (Span("Nothing in the dataset answers this question."),)))
        for answer in q.answers:
            blocks.extend(_answer(answer, citer))
    if report.closing:
        blocks.extend(_closing(report, citer))
    blocks.append(Block("h2", (Span("References"),), anchor="references"))
    for iri, entry in citer.bibliography():
        blocks.append(Block("p", (Span(entry, iri),)))
    return blocks


def _closing(report: Report, citer: Citer) -> list[Block]:
    """The synthesis matrix and the limitations the sources state."""
    blocks = [Block("h2", (Span("Synthesis matrix"),), anchor="synthesis-matrix")]
    contested = report.contested_themes
    if report.matrix:
        header = (Span("Theme"), Span("Study"), Span("Stance"), Span("Claim"))
        rows = tuple(
            (
                (
                    Span(r.theme_label, r.theme),
                    *((Span(" contested", r.theme, "strong"),) if r.theme in contested else ()),
                ),
                (Span(citer.cite(r.study) or r.study, r.study),),
                (Span(r.stance_label, r.stance),),
                (Span(r.claim_label, r.claim),),
            )
            for r in report.matrix
        )
        blocks.append(Block("table", rows=(tuple((s,) for s in header), *rows)))
    else:
        blocks.append(Block("p", (Span("No claim in the dataset takes a stance on a theme."),)))
    blocks.append(Block("h2", (Span("Limitations stated by the sources"),), anchor="limitations"))
    for lim in report.limitations:
        blocks.append(
            Block(
                "li",
                (
                    Span(lim.label, lim.iri),
                    Span(": "),
                    Span(f"“{lim.quote}”", lim.iri, "em"),
                    *((Span(" "), Span(citer.cite(lim.study), lim.study)) if lim.study else ()),
                ),
            )
        )
    if not report.limitations:
        blocks.append(Block("p", (Span("No source states a limitation."),)))
    return blocks


def _answer(answer: Answer, citer: Citer) -> list[Block]:
    kind = answer.kind.capitalize() or "Answer"
    blocks = [Block("h3", (Span(f"{kind}: "), Span(answer.label, answer.iri)))]
    if answer.quote:
        blocks.append(Block("quote", (Span(f"“{answer.quote}”", answer.iri, "em"),)))
    if answer.rating:
        blocks.append(
            Block(
                "p",
                (
                    Span("Certainty: ", style="strong"),
                    Span(
                        f"{answer.rating.label[:1].upper()}{answer.rating.label[1:]}: {answer.rating.reasons}",
                        answer.iri,
                    ),
                ),
            )
        )
    if answer.own_analysis:
        blocks.append(
            Block(
                "p",
                (
                    Span("Rests on the paper's own analysis: ", style="strong"),
                    Span("no study it cites supports it.", answer.iri),
                ),
                css="own-analysis",
            )
        )
    if answer.contested:
        supporting, disputing = answer.contested
        blocks.append(
            Block(
                "p",
                (
                    Span("Contested: ", style="strong"),
                    Span(
                        f"supported by {supporting} and disputed by {disputing} stud"
                        f"{'y' if disputing == 1 else 'ies'}.",
                        answer.iri,
                    ),
                ),
                css="contested",
            )
        )
    if answer.basis:
        blocks.append(
            Block("p", (Span("Why it answers the question: "), Span(answer.basis, answer.iri)))
        )
    for e in answer.evidence:
        cites: list[Span] = []
        for study in e.studies:
            cites += [Span(" "), Span(citer.cite(study) or study, study)]
        own = [Span(" (the document's own statement)")] if e.own_statement else []
        blocks.append(
            Block(
                "li",
                (
                    Span(f"{e.kind_label or 'evidence'}: ", e.link, "strong"),
                    Span(e.claim_label, e.claim),
                    *([Span(" — "), Span(f"“{e.quote}”", e.claim, "em")] if e.quote else []),
                    *cites,
                    *own,
                    *(
                        [Span(". Rationale (the curators'): "), Span(e.rationale, e.link)]
                        if e.rationale
                        else []
                    ),
                ),
            )
        )
    if not answer.evidence:
        blocks.append(Block("p", (Span("No evidence link points to it."),)))
    if answer.gaps:
        covered = [g for g in answer.gaps if g.studies]
        gaps = [g for g in answer.gaps if not g.studies]
        spans: list[Span] = [Span("Evidence gap map (kinds of actor): ", style="strong")]
        for g in covered:
            spans += [
                Span(g.column_label, g.column),
                Span(f" {g.studies} stud{'y' if g.studies == 1 else 'ies'}; "),
            ]
        spans.append(Span(f"gaps ({len(gaps)}): "))
        for i, g in enumerate(gaps):
            spans += [Span(", " if i else ""), Span(g.column_label, g.column)]
        blocks.append(Block("p", tuple(s for s in spans if s.text), css="gap-map"))
    return blocks
