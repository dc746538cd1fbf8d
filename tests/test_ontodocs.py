"""The ontology's documentation: /ontology/ and the class and property pages (over the seed plus a fourth
cluster type added in Turtle only, tests/data/ontodocs/workspace), `clusterkg docs` with a link check,
and the class diagram."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from defusedxml.ElementTree import fromstring
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from rdflib.namespace import OWL, RDF

from clusterkg.kg.build import build_dataset
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.namespaces import CKG, INFERRED_GRAPH, ONTOLOGY_GRAPH
from clusterkg.kg.ontodocs.manchester import Axiom, class_axioms
from clusterkg.kg.ontology import load_ontology
from clusterkg.kg.store import open_store
from clusterkg.web import create_app
from tests.html_reading import read_page

WORKSPACE = PROJECT_ROOT / "tests" / "data" / "ontodocs" / "workspace"
CORE_MODULES = sorted((PROJECT_ROOT / "ontology" / "modules").glob("*.ttl"))
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def fourth_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The packaged project with the fixture workspace, whose ontology adds a fourth cluster type."""
    return Settings(
        store="memory", data_dir=tmp_path_factory.mktemp("ontodocs"), workspace=WORKSPACE
    )


@pytest.fixture(scope="module")
def fourth_dataset(fourth_settings: Settings) -> Dataset:
    return build_dataset(fourth_settings).dataset


@pytest.fixture(scope="module")
def docs(fourth_settings: Settings, fourth_dataset: Dataset) -> Iterator[FlaskClient]:
    store = open_store(fourth_settings)
    store.load(fourth_dataset)
    yield create_app({"SETTINGS": fourth_settings, "TESTING": True}, store=store).test_client()
    store.close()


def core_classes() -> list[str]:
    """The local names of the classes the core modules declare in our namespace."""
    graph = Graph()
    for path in CORE_MODULES:
        graph.parse(path)
    names = sorted(
        str(c)[len(str(CKG)) :]
        for c in graph.subjects(RDF.type, OWL.Class)
        if str(c).startswith(str(CKG))
    )
    assert len(names) > 50  # a glob or parse that finds nothing must not pass
    return names


def test_axioms_in_manchester_syntax() -> None:
    ontology = load_ontology(PROJECT_ROOT / "ontology")
    assert class_axioms(ontology, CKG.SocialNetworkCluster) == [
        Axiom("SubClassOf", "IndustrialCluster"),
        Axiom("SubClassOf", "heldTogetherBy value SocialCapitalAndMutualTrust", True),
        Axiom(
            "EquivalentTo",
            "IndustrialCluster and (organisedAround value InterFirmAndInterPersonalRelationships)",
            True,
        ),
        Axiom("DisjointWith", "IndustrialComplex"),
        Axiom("DisjointWith", "MarshallianIndustrialDistrict"),
    ]
    assert class_axioms(ontology, CKG.Study) == [Axiom("SubClassOf", "fabio:Work")]


def test_index_shows_modules_tree_properties_schemes_and_shapes(docs: FlaskClient) -> None:
    response = docs.get("/ontology/")
    assert response.status_code == 200
    page = read_page(response.text)
    head, *rows = page.tables["module-table"]
    assert head[:7] == [
        "Module",
        "Title",
        "Version IRI",
        "Version info",
        "Licence",
        "Prior version",
        "Modified",
    ]
    modules = {row[0]: row for row in rows}
    assert modules["ClusterKG ontology"][1:7] == [
        "ClusterKG ontology",
        "https://w3id.org/clusterkg/ontology/0.2.0",
        "0.2.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://w3id.org/clusterkg/ontology/0.1.0",
        "2026-12-05",
    ]
    assert modules["ClusterKG test module: the hub-and-spoke district"][3] == "0.0.1-test"
    # the tree: each class with subclasses is a <details> whose summary is the class
    tree = response.text[
        response.text.index('id="class-tree"') : response.text.index('id="diagram"')
    ]
    cluster = details_of(tree, '<summary><a class="iri" href="/ontology/IndustrialCluster"')
    for name in (
        "HubAndSpokeDistrict",
        "MarshallianIndustrialDistrict",
        "IndustrialComplex",
        "SocialNetworkCluster",
    ):
        assert f'href="/ontology/{name}"' in cluster
    for name in core_classes():
        assert f'href="/ontology/{name}"' in tree, name
    objects = {row[0]: row[1:] for row in page.tables["object-properties-table"][1:]}
    assert objects["organised around"] == ["industrial cluster", "organising principle", ""]
    assert objects["mutually reinforcing"][2] == "symmetric"
    data = {row[0]: row[1:] for row in page.tables["datatype-properties-table"][1:]}
    assert data["hub firm count"] == ["hub-and-spoke district", "xsd:integer", ""]
    assert data["author position"][2] == "functional"
    schemes = response.text[
        response.text.index('id="schemes"') : response.text.index('id="shapes"')
    ]
    assert "Porter" in schemes and "factor-conditions" in schemes
    shapes = {row[0].split()[-1]: row for row in page.tables["shape-table"][1:]}
    assert shapes["ClaimShape"][1] == "class claim"
    assert "shape-ClaimShape" in page.ids


def details_of(html: str, summary: str) -> str:
    """The <details> element whose summary starts with `summary`, nested ones included."""
    start = html.index(summary)
    depth = 1
    for tag in re.finditer(r"<(/?)details\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start : start + tag.start()]
    raise AssertionError("unclosed <details>")


def test_fourth_type_page_axioms_instances_and_inferred_subclass(docs: FlaskClient) -> None:
    text = docs.get("/ontology/HubAndSpokeDistrict").text
    assert "<h1>hub-and-spoke district</h1>" in text
    assert "EquivalentTo: IndustrialCluster and (organisedAround value HubFirmRequirements)" in text
    hierarchy = {row[0]: row[1] for row in read_page(text).tables["hierarchy"]}
    assert hierarchy == {
        "Superclasses": "industrial cluster",
        "Subclasses": "port hub district inferred",
    }
    assert "<strong>1</strong> instance, those of its subclasses included" in text
    assert 'href="/resource/cluster/example-hub-and-spoke"' in text
    domain = read_page(text).tables["domain-of"]
    assert domain[1:] == [["hub firm count", "xsd:integer"]]  # by schema:domainIncludes
    port = {
        row[0]: row[1]
        for row in read_page(docs.get("/ontology/PortHubDistrict").text).tables["hierarchy"]
    }
    assert port["Superclasses"] == "industrial cluster, hub-and-spoke district inferred"


def test_inferred_links_come_from_the_inferred_graph(
    fourth_dataset: Dataset, docs: FlaskClient
) -> None:
    inferred = fourth_dataset.graph(INFERRED_GRAPH)
    assert (CKG.PortHubDistrict, None, CKG.HubAndSpokeDistrict) in inferred
    assert (CKG.PortHubDistrict, None, CKG.HubAndSpokeDistrict) not in fourth_dataset.graph(
        ONTOLOGY_GRAPH
    )


def test_class_page_shape_table(docs: FlaskClient, fourth_dataset: Dataset) -> None:
    text = docs.get("/ontology/Claim").text
    rows = read_page(text).tables["shape-requirements"]
    assert rows[0] == ["Path", "Cardinality", "Datatype or class", "Severity", "Message", "Shape"]
    assert rows[1] == [
        "attributedTo",
        "1..*",
        "study",
        "Violation",
        (
            "A claim needs ckg:attributedTo a ckg:Study: the cited study it is reported from, or the "
            "source document itself for its own statements."
        ),
        "claim",
    ]
    inherited = {row[0]: row for row in rows[1:] if row[5].endswith("(of sourced entity)")}
    assert inherited["reportedIn"][1:4] == ["1..1", "source document", "Violation"]
    assert inherited["section"][1:3] == ["0..1", "xsd:string"]
    assert "SubClassOf: SourcedEntity" in text
    assert "<strong>75</strong> instances" in text  # tests/test_query_library.py counts them
    listed = text[text.index("Queries that use it") :]
    # claim-quotes names ckg:Claim; concept-cooccurrence only in a comment, which does not count
    assert re.findall(r'href="/queries/([^"]+)"', listed) == ["claim-quotes"]
    assert 'class="sparql-link" href="/sparql?query=' in text


def test_property_page(docs: FlaskClient, fourth_dataset: Dataset) -> None:
    text = docs.get("/ontology/attributedTo").text
    facts = {row[0]: row[1] for row in read_page(text).tables["property-facts"]}
    assert facts == {
        "Domain": "claim",
        "Range": "study",
        "Characteristics": "—",
        "Inverse": "none",
        "Super-properties": "prov:wasAttributedTo",
        "Sub-properties": "none",
    }
    constraints = read_page(text).tables["constraints"]
    assert constraints[1][:4] == ["class claim", "attributedTo", "1..*", "study"]
    uses = len(set(fourth_dataset.subject_objects(CKG.attributedTo)))
    assert f"Used in <strong>{uses}</strong> statements" in text
    functional = read_page(docs.get("/ontology/hasQuote").text).tables["property-facts"]
    assert ["Characteristics", "functional"] in functional


def test_term_iris_negotiate_between_docs_and_rdf(docs: FlaskClient) -> None:
    html = docs.get("/ontology/Claim", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "What the shapes require" in html.text
    assert 'rel="alternate"; type="text/turtle"' in html.headers["Link"]
    turtle = docs.get("/ontology/Claim", headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle")
    assert (CKG.Claim, RDF.type, OWL.Class) in Graph().parse(data=turtle.text, format="turtle")
    individual = docs.get(
        "/ontology/HubFirmRequirements"
    ).text  # not a class or property: the generic page
    assert 'id="outgoing"' in individual
    assert docs.get("/ontology/NoSuchTerm").status_code == 404
    assert "Modules" in docs.get("/ontology").text  # the ontology's own IRI shows the index


def test_diagram_has_every_core_class_linked_to_its_page(docs: FlaskClient) -> None:
    response = docs.get("/ontology/diagram.svg")
    assert response.content_type.startswith("image/svg+xml")
    svg = fromstring(response.data)
    links = {a.get(XLINK) for a in svg.iter("{http://www.w3.org/2000/svg}a")}
    for name in [*core_classes(), "HubAndSpokeDistrict"]:
        assert f"/ontology/{name}" in links, name
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "EquivalentTo IndustrialCluster and (organisedAround value HubFirmRequirements)" in texts
    assert "SubClassOf heldTogetherBy value TightAssociation" in texts
    assert "organisedAround" in texts  # an object property between two classes, as an edge label
    index = docs.get("/ontology/").text
    assert index.count('xlink:href="/ontology/HubAndSpokeDistrict"') == 1  # inline on the index


def test_static_docs_have_no_broken_internal_link(
    cli, fourth_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    settings = fourth_settings.with_overrides(data_dir=tmp_path / ".clusterkg")
    result = cli(settings, "docs", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in out.glob("*.html"))
    assert (
        "index.html" in pages
        and "HubAndSpokeDistrict.html" in pages
        and "attributedTo.html" in pages
    )
    for name in core_classes():
        assert f"{name}.html" in pages
    assert broken_links(out) == []
    assert "<svg" in (out / "index.html").read_text() and (out / "diagram.svg").exists()
    svg = fromstring((out / "diagram.svg").read_bytes())
    assert "Claim.html" in {a.get(XLINK) for a in svg.iter("{http://www.w3.org/2000/svg}a")}
    # the check itself finds a broken link, and a broken anchor
    (out / "extra.html").write_text(
        '<a href="Nowhere.html">x</a> <a href="index.html#no-such-id">y</a>'
    )
    assert broken_links(out) == [
        "extra.html -> Nowhere.html",
        "extra.html -> index.html#no-such-id",
    ]


def broken_links(site: Path) -> list[str]:
    """Every relative link of the site's pages whose file, or whose #id in that file, does not exist."""
    pages = {p.name: read_page(p.read_text(encoding="utf-8")) for p in sorted(site.glob("*.html"))}
    assert pages
    broken = []
    for name, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # a published IRI, not part of the site
            target = unquote(parts.path) or name
            exists = (site / target).is_file()
            anchored = not parts.fragment or (
                target in pages and parts.fragment in pages[target].ids
            )
            if not (exists and anchored):
                broken.append(f"{name} -> {link}")
    return broken


def test_docs_without_an_ontology_graph_say_so(cli, tmp_path: Path) -> None:
    data = tmp_path / "only-data.ttl"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    settings = Settings(data_dir=tmp_path / ".clusterkg")
    assert cli(settings, "load", str(data)).exit_code == 0
    result = cli(settings, "docs", "-o", str(tmp_path / "site"))
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "this dataset holds no ontology graph: run `clusterkg build`"
    )


def test_docs_into_a_folder_that_cannot_be_made_is_one_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("not a folder\n")
    result = cli(
        Settings(store="memory", data_dir=tmp_path / ".clusterkg"),
        "docs",
        "-o",
        str(blocker / "site"),
    )
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    assert last == f"{blocker / 'site'}: cannot write the documentation: Not a directory"


def test_no_class_name_is_written_in_the_code() -> None:
    """Generic: nothing in the documentation's code names a class of the ontology."""
    code = [
        *(PROJECT_ROOT / "kg" / "ontodocs").glob("*.py"),
        PROJECT_ROOT / "web" / "ontology.py",
        PROJECT_ROOT / "web" / "ontodocs.py",
    ]
    code += list((PROJECT_ROOT / "web" / "templates" / "ontology").glob("*.html"))
    assert len(code) >= 8
    for path in code:
        text = path.read_text(encoding="utf-8")
        for name in core_classes():
            assert not re.search(rf"\b{name}\b", text), f"{path.name} names {name}"
