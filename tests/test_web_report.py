"""The /report/ page and its downloads over the seed graph."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from flask.testing import FlaskClient

REC = "https://w3id.org/clusterkg/resource/recommendation/state-budget-infrastructure-investment"


def test_report_page_in_the_site_layout(client: FlaskClient) -> None:
    response = client.get("/report/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="site-nav"' in html
    assert html.count('<p class="own-analysis">') == 3
    # Our own IRIs link to this site's pages of them.
    assert '<a href="/resource/recommendation/state-budget-infrastructure-investment">' in html
    assert "Dataset version <strong>sha256:" in html
    assert "<script>" not in html


def test_report_downloads(client: FlaskClient) -> None:
    docx = client.get("/report/report.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(docx.data)).paragraphs)
    assert "Question 2: What are models and frameworks for IC development?" in text
    md = client.get(
        "/report/report.md?question=https://w3id.org/clusterkg/resource/rq/hanoi-2021-q2"
    )
    assert md.status_code == 200 and "Question 1:" not in md.get_data(as_text=True)
    assert client.get("/report/report.pdf").status_code == 404


def test_unknown_question_is_a_400(client: FlaskClient) -> None:
    response = client.get("/report/?question=urn:x:none")
    assert response.status_code == 400 and b"Traceback" not in response.data
