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


def test_the_report_is_paged_by_research_question(client: FlaskClient) -> None:
    first = client.get("/report/?size=1")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and 'rel="next"' in first.headers["Link"]
    assert '<h2 id="question-hanoi-2021-q1">' in html and 'id="question-hanoi-2021-q2"' not in html
    assert 'id="synthesis-matrix"' not in html  # the closing sections are in the last part
    assert "(Munnich et al., 1999)" not in html  # each part cites, and lists, only its own studies
    assert 'href="/report/?question=https' in html and "size=1&amp;page=2" in html
    last = client.get("/report/?size=1&page=2")
    html = last.get_data(as_text=True)
    assert 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    assert 'id="question-hanoi-2021-q2"' in html and 'id="synthesis-matrix"' in html
    assert "(Munnich et al., 1999)" in html
    assert 'href="/report/report.docx?size=1&amp;page=2"' in html
    assert client.get("/report/?size=1&page=3").status_code == 404
    assert client.get("/report/?size=0").status_code == 400


def test_one_question_part_links_back_to_the_whole_report(client: FlaskClient) -> None:
    response = client.get("/report/?question=https://w3id.org/clusterkg/resource/rq/hanoi-2021-q2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="report-part"' in html
    assert 'id="question-hanoi-2021-q2"' in html and 'id="question-hanoi-2021-q1"' not in html
    assert client.get("/report/?question=not%20an%20iri").status_code == 400
