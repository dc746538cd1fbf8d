"""The report as a Word document (python-docx): every span with an IRI is a hyperlink."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from clusterkg.kg.report.outline import Block, Span

_STYLE = {
    "h1": "Title",
    "h2": "Heading 1",
    "h3": "Heading 2",
    "p": None,
    "quote": "Quote",
    "li": "List Bullet",
}


def to_docx(blocks: list[Block]) -> bytes:
    document = Document()
    for block in blocks:
        if block.kind == "table":
            header, *rows = block.rows
            table = document.add_table(rows=0, cols=len(header))
            table.style = "Table Grid"
            for row in (header, *rows):
                cells = table.add_row().cells
                for cell, spans in zip(cells, row, strict=True):
                    _add_spans(cell.paragraphs[0], spans)
        else:
            _add_spans(document.add_paragraph(style=_STYLE[block.kind]), block.spans)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _add_spans(paragraph: Paragraph, spans: tuple[Span, ...]) -> None:
    for span in spans:
        if not span.href:
            run = paragraph.add_run(span.text)
            run.bold = span.style == "strong" or None
            run.italic = span.style == "em" or None
            continue
        rel = paragraph.part.relate_to(span.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        props.append(style)
        for flag, on in (("w:b", span.style == "strong"), ("w:i", span.style == "em")):
            if on:
                props.append(OxmlElement(flag))
        run.append(props)
        text = OxmlElement("w:t")
        text.text = span.text
        text.set(qn("xml:space"), "preserve")
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
