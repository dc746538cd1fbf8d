"""The report as Markdown: every span with an IRI is a link."""

from __future__ import annotations

from clusterkg.kg.report.outline import Block, Span

_PREFIX = {"h1": "# ", "h2": "## ", "h3": "### ", "p": "", "quote": "> ", "li": "- "}


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "table":
            header, *rows = block.rows
            out.append("| " + " | ".join(_spans(c) for c in header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(_spans(c) for c in row) + " |" for row in rows)
            out.append("")
        else:
            out.append(_PREFIX[block.kind] + _spans(block.spans))
            if block.kind != "li":
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def _spans(spans: tuple[Span, ...]) -> str:
    return "".join(_span(s) for s in spans)


def _span(span: Span) -> str:
    text = _escape(span.text)
    if span.style and text.strip():
        mark = "*" if span.style == "em" else "**"
        core = text.strip()
        text = (
            text[: len(text) - len(text.lstrip())]
            + f"{mark}{core}{mark}"
            + text[len(text.rstrip()) :]
        )
    return f"[{text}](<{span.href}>)" if span.href else text


def _escape(text: str) -> str:
    for char in "\\`*_[]|<>":
        text = text.replace(char, "\\" + char)
    return text
