"""The SPARQL page's YASGUI editor as the app serves it: its settings (/sparql/editor.json), the vendored
files pinned by their hashes and served with their licences, and the page that loads them."""

from __future__ import annotations

import hashlib

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.namespaces import PREFIXES

VENDOR = PROJECT_ROOT / "web" / "static" / "vendor" / "yasgui"
PINNED = {  # @zazuko/yasgui 4.6.2 from the npm registry (web/static/vendor/yasgui/README.md)
    "yasgui.min.js": "55034eaac74c55f55fbd1eeed008ae38a79053651cbed2b453f1fcfd895a4b75",
    "yasgui.min.css": "085b94556b97f9928981bdedb6848fd11ad4d8d950e821f0d698c58ca538fc55",
}


def test_the_editor_settings_name_the_endpoint_the_prefixes_and_the_examples(client, app):
    response = client.get("/sparql/editor.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    settings = response.get_json()
    assert settings["endpoint"] == "/sparql"
    assert settings["prefixes"] == {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    assert ["https://w3id.org/clusterkg/resource/", "/resource/"] in settings["pages"]
    assert settings["link_schemes"] == ["http", "https", "mailto"]
    examples = app.extensions["clusterkg"].examples
    assert [e["name"] for e in settings["examples"]] == [q.name for q in examples]
    cq01 = next(e for e in settings["examples"] if e["name"] == "cq01-cluster-types")
    assert cq01["summary"] == "Which cluster types exist, and which study defines them?"
    assert cq01["query"] == next(q for q in examples if q.name == "cq01-cluster-types").bind()
    assert settings["query"].startswith("#+ summary: The studies of the dataset")


def test_the_vendored_files_are_the_pinned_ones(client):
    for name, sha256 in PINNED.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha256
        response = client.get(f"/static/vendor/yasgui/{name}")
        assert response.status_code == 200
        assert hashlib.sha256(response.data).hexdigest() == sha256
    assert client.get("/static/vendor/yasgui/yasgui.min.js").content_type.startswith(
        "text/javascript"
    )
    licence = (VENDOR / "LICENSE").read_text()
    assert licence.startswith("The MIT License (MIT)")
    third_party = (VENDOR / "THIRD-PARTY-LICENSES.txt").read_text()
    for bundled in ("codemirror 5.65.21 — MIT", "dompurify 3.5.0", "datatables.net 2.3.8 — MIT"):
        assert bundled in third_party


def test_the_sparql_page_loads_yasgui_from_the_app_and_keeps_the_plain_form(client):
    text = client.get("/sparql", headers={"Accept": "text/html"}).text
    assert '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">' in text
    assert '<script src="/static/vendor/yasgui/yasgui.min.js"></script>' in text
    assert '<script src="/static/js/sparql-editor.js"></script>' in text
    assert '<div id="yasgui" hidden data-settings="/sparql/editor.json"></div>' in text
    assert '<form id="sparql-form" action="/sparql" method="get">' in text
    assert 'data-example="cq01-cluster-types"' in text


def test_other_pages_do_not_load_yasgui(client):
    assert "yasgui" not in client.get("/", headers={"Accept": "text/html"}).text
