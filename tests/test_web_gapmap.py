"""The evidence gap map of any two axes (/gaps/map): axes and filters read from the graph, bubbles and gaps, the
table behind it, SVG and PNG export; on the seed and on the synthesis example (themes x actors)."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clusterkg.kg.config import Settings
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app

CKG = "https://w3id.org/clusterkg/ontology#"
CKR = "https://w3id.org/clusterkg/resource/"
THEMES = f"{CKR}scheme/example-themes"
SVG = "{http://www.w3.org/2000/svg}"
COVERED = re.compile(
    r'<td class="covered" data-studies="(\d+)"><span class="count">\d+</span> <span class="level">([^<]*)</span>'
)


def url(path: str, **args: str) -> str:
    return path + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in args.items())


def covered(html: str) -> list[tuple[str, str]]:
    return COVERED.findall(html)


@pytest.fixture(scope="module")
def example(synthesis_store: Store, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    settings = Settings(store="memory", data_dir=tmp_path_factory.mktemp("gapmap"))
    app: Flask = create_app({"SETTINGS": settings, "TESTING": True}, store=synthesis_store)
    return app.test_client()


def test_axes_and_filters_come_from_the_graph(client: FlaskClient, example: FlaskClient) -> None:
    html = client.get("/gaps/map").get_data(as_text=True)
    for axis in (
        "Porter&#39;s diamond",
        "actor",
        "industrial cluster",
        "recommendation",
        "research finding",
    ):
        assert f">{axis}</option>" in html
    assert ">Hanoi</option>" in html and ">1990</option>" in html
    assert "example" not in html
    themes = example.get("/gaps/map").get_data(as_text=True)
    assert f'<option value="{THEMES}">' in themes and ">2023</option>" in themes


def test_porter_factors_by_cluster_types_on_the_seed_are_all_gaps(client: FlaskClient) -> None:
    html = client.get("/gaps/map").get_data(as_text=True)
    assert "12 of 12 cells are gaps" in html
    assert html.count('<td class="gap" data-studies="0">gap</td>') == 12
    assert '<table class="gapmap" id="gapmap-table">' in html and "<caption>" in html


def test_recommendations_by_actors_colours_cells_by_certainty(client: FlaskClient) -> None:
    html = client.get(
        url("/gaps/map", rows=f"{CKG}Recommendation", columns=f"{CKG}Actor")
    ).get_data(as_text=True)
    assert covered(html) == [("1", "1 study, 1 claim; certainty: low")] * 3
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    circles = ElementTree.fromstring(svg).findall(f".//{SVG}circle")
    legend = {"high", "moderate", "low", "very low", "not rated"}
    assert len(circles) == 3 + len(legend)


def test_themes_by_actors_with_filters(example: FlaskClient) -> None:
    base = {"rows": THEMES, "columns": f"{CKG}Actor"}
    html = example.get(url("/gaps/map", **base)).get_data(as_text=True)
    assert sorted(covered(html)) == sorted(
        [
            ("1", "1 study, 2 claims; certainty: very low"),
            ("2", "2 studies, 2 claims; certainty: moderate"),
            ("3", "3 studies, 3 claims; certainty: very low"),
            ("2", "2 studies, 2 claims; certainty: very low"),
        ]
    )
    hanoi = example.get(url("/gaps/map", place=f"{CKR}place/hanoi", **base)).get_data(as_text=True)
    assert covered(hanoi) == [("1", "1 study, 1 claim; certainty: very low")] * 2
    years = example.get(url("/gaps/map", year_from="2020", year_to="2021", **base)).get_data(
        as_text=True
    )
    assert sorted(covered(years)) == [
        ("1", "1 study, 1 claim; certainty: very low"),
        ("2", "2 studies, 2 claims; certainty: very low"),
    ]
    kind = example.get(url("/gaps/map", study_type=f"{CKG}SourceDocument", **base)).get_data(
        as_text=True
    )
    # Only the example review (a source document) states a claim of its own on a theme.
    assert covered(kind) == [("1", "1 study, 1 claim; certainty: moderate")]
    assert "47 of 48 cells are gaps" in kind


def test_svg_and_png_export(example: FlaskClient, tmp_path: Path) -> None:
    args = {"rows": THEMES, "columns": f"{CKG}Actor"}
    svg = example.get(url("/gaps/map.svg", **args))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(svg.data)
    assert (
        root.find(f"{SVG}title").text
        == "Evidence gap map: Themes of the example synthesis (fictional) × actor"
    )  # type: ignore[union-attr]
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "gap"]) == 44
    png = example.get(url("/gaps/map.png", **args))
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.data[16:24])
    assert (width, height) == (int(root.get("width")), int(root.get("height")))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (url("/gaps/map", rows="not an iri"), 400, "is not an IRI"),
        (url("/gaps/map", year_from="last year"), 400, "is not a year"),
        ("/gaps/map.gif", 404, "no such export"),
    ],
)
def test_bad_parameters(client: FlaskClient, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_an_axis_without_members_is_said_so(client: FlaskClient) -> None:
    html = client.get(url("/gaps/map", rows="urn:x:nothing")).get_data(as_text=True)
    assert "One of the axes has no members" in html
