"""The reviewer's page /reconcile/ and the registry page /sources/: read-only without the update token
(naming the CLI command), accept and reject with it (Bearer header or form field), one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset

from clusterkg.kg.config import Settings
from clusterkg.kg.reconcile.decisions import read_reconciliations
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app

DATA = Path(__file__).parent / "data" / "reconcile"
TOKEN = "s3cret-token-of-the-reviewers"


@pytest.fixture
def store(web_dataset: Dataset) -> Iterator[Store]:
    store = open_store(Settings(store="memory"))
    store.load(web_dataset)
    yield store
    store.close()


def _client(store: Store, tmp_path: Path, token: str | None) -> FlaskClient:
    settings = Settings(store="memory", data_dir=tmp_path / "data", update_token=token)
    return create_app({"SETTINGS": settings, "TESTING": True}, store=store).test_client()


@pytest.fixture
def candidate(store: Store, tmp_path: Path) -> str:
    settings = Settings(store="memory", data_dir=tmp_path / "data")
    assert ingest(DATA / "porter-1990.bib", None, None, store, settings).written
    (found,) = read_reconciliations(store, settings.queries_dir)
    return found.id


def _status(store: Store, rid: str) -> str:
    (found,) = [r for r in read_reconciliations(store, Settings().queries_dir) if r.id == rid]
    return found.status


def test_read_only_without_token(store: Store, candidate: str, tmp_path: Path) -> None:
    client = _client(store, tmp_path, None)
    listing = client.get("/reconcile/").get_data(as_text=True)
    assert f'href="/reconcile/{candidate}"' in listing and "Candidates (1)" in listing
    page = client.get(f"/reconcile/{candidate}").get_data(as_text=True)
    assert f"<code>clusterkg reconcile accept {candidate}</code>" in page
    assert 'id="decide"' not in page
    assert "The Competitive Advantage of Nations [ckgraph:source/porter-1990-bib]" in page
    assert "dcterms:title [ckgraph:source/hanoi-industrial-clusters-2021]" in page
    refused = client.post(f"/reconcile/{candidate}/accept", headers={"Accept": "text/plain"})
    assert refused.status_code == 403
    assert (
        refused.get_data(as_text=True)
        .strip()
        .endswith(
            f"this server is read-only: decide with `clusterkg reconcile accept {candidate}` "
            "(or start the server with an update token)"
        )
    )
    assert _status(store, candidate) == "pending"


def test_token_checks(store: Store, candidate: str, tmp_path: Path) -> None:
    client = _client(store, tmp_path, TOKEN)
    assert 'id="decide"' in client.get(f"/reconcile/{candidate}").get_data(as_text=True)
    assert client.post(f"/reconcile/{candidate}/accept").status_code == 401
    wrong = client.post(f"/reconcile/{candidate}/accept", data={"token": "guess"})
    assert wrong.status_code == 403
    bearer = client.post(f"/reconcile/{candidate}/accept", headers={"Authorization": "Bearer nope"})
    assert bearer.status_code == 403
    assert client.post("/reconcile/ffffffff/accept", data={"token": TOKEN}).status_code == 404
    assert client.get("/reconcile/ffffffff").status_code == 404
    assert _status(store, candidate) == "pending"


def test_accept_with_form_token(store: Store, candidate: str, tmp_path: Path) -> None:
    client = _client(store, tmp_path, TOKEN)
    response = client.post(
        f"/reconcile/{candidate}/accept",
        data={"token": TOKEN, "reviewer": "Lan", "note": "same book"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/reconcile/{candidate}")
    assert _status(store, candidate) == "accepted"
    page = client.get(f"/reconcile/{candidate}").get_data(as_text=True)
    assert "accepted" in page and "Lan" in page and "same book" in page
    again = client.post(f"/reconcile/{candidate}/reject", data={"token": TOKEN})
    assert again.status_code == 409
    study = client.get("/studies/study/porter-1990").get_data(as_text=True)
    assert "The Competitive Advantage of Nations" in study


def test_reject_with_bearer_token(store: Store, candidate: str, tmp_path: Path) -> None:
    client = _client(store, tmp_path, TOKEN)
    response = client.post(
        f"/reconcile/{candidate}/reject",
        data={"note": "a different edition"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 303
    assert _status(store, candidate) == "rejected"


def test_sources_page(store: Store, candidate: str, tmp_path: Path) -> None:
    page = _client(store, tmp_path, None).get("/sources/").get_data(as_text=True)
    assert '<a href="/graph/source/porter-1990-bib">source/porter-1990-bib</a>' in page
    assert "<td>porter-1990.bib</td><td>bibtex</td><td>1</td>" in page
    assert '<span class="pill">1 pending</span>' in page


def test_sources_page_empty(web_store: Store, tmp_path: Path) -> None:
    page = _client(web_store, tmp_path, None).get("/sources/").get_data(as_text=True)
    assert 'id="no-sources"' in page
