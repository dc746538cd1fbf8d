"""Building the dataset: named graphs, local imports, one-line errors for broken input, dumps, the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from clusterkg.kg.build import BuildResult, build_dataset, write_dumps
from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, INFERRED_GRAPH, ONTOLOGY_GRAPH, SH
from clusterkg.kg.ontology import load_ontology, read_catalog
from clusterkg.kg.rdfio import parse_graph, parse_into
from clusterkg.kg.store import open_store

TEST_SOURCE = CKGRAPH["source/test"]
SEED_SOURCE = CKGRAPH["source/hanoi-industrial-clusters-2021"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_core_build_has_one_graph_per_source_plus_ontology_and_inferred(
    core_settings: Settings,
) -> None:
    result = build_dataset(core_settings, strict=True)
    assert result.counts == {ONTOLOGY_GRAPH: 63, TEST_SOURCE: 29, INFERRED_GRAPH: 2}
    source = result.dataset.graph(TEST_SOURCE)
    assert (TEST_SOURCE, RDF.type, CKG.SourceGraph) in source  # the manifest describes its graph
    assert (CKR["study/porter-1990"], RDF.type, CKG.Study) in source
    assert set(result.dataset.graph(INFERRED_GRAPH)) == {
        (CKG.Agglomeration, RDFS.subClassOf, CKG.IndustrialCluster),
        (CKG.SocialNetworkCluster, RDFS.subClassOf, CKG.IndustrialCluster),
    }
    assert result.reasoner is not None and result.reasoner.ok


def test_build_without_reasoning_has_no_inferred_graph(core_settings: Settings) -> None:
    result = build_dataset(core_settings, reasoning=False)
    assert result.reasoner is None
    assert result.counts == {ONTOLOGY_GRAPH: 63, TEST_SOURCE: 29}


def test_shapes_are_not_data(core_settings: Settings, built: BuildResult) -> None:
    for result in (build_dataset(core_settings, reasoning=False), built):
        assert not list(result.dataset.subjects(RDF.type, SH.NodeShape))


def test_imports_resolve_through_each_module_ontology_iri(core_dir: Path) -> None:
    ontology = load_ontology(core_dir / "ontology")
    assert read_catalog(core_dir / "ontology") == {}
    assert (
        URIRef("https://w3id.org/clusterkg/ontology/test-core"),
        RDF.type,
        OWL.Ontology,
    ) in ontology
    assert (CKG.Claim, RDF.type, OWL.Class) in ontology


def test_imports_resolve_through_the_catalog(settings: Settings) -> None:
    catalog = read_catalog(settings.ontology_dir)
    assert (
        catalog[URIRef("https://w3id.org/clusterkg/ontology/clusters")]
        == (settings.ontology_dir / "modules" / "clusters.ttl").resolve()
    )
    ontology = load_ontology(settings.ontology_dir)
    every_module = Graph()
    for path in [
        settings.ontology_dir / "clusterkg.ttl",
        *sorted((settings.ontology_dir / "modules").glob("*.ttl")),
        *sorted((settings.ontology_dir / "rules").glob("*.ttl")),
    ]:
        parse_into(every_module, path)
    assert isomorphic(ontology, every_module)


def test_an_import_without_a_local_file_is_an_error(core_dir: Path) -> None:
    umbrella = core_dir / "ontology" / "clusterkg.ttl"
    edit(umbrella, "ontology/test-core>", "ontology/test-core>, <https://example.org/elsewhere>")
    with pytest.raises(UserError) as caught:
        load_ontology(core_dir / "ontology")
    assert str(caught.value) == (
        f"{display_path(umbrella.resolve())}: owl:imports <https://example.org/elsewhere> has no local file "
        "(add it to catalog-v001.xml)"
    )


def test_broken_turtle_names_file_line_and_cause(core_settings: Settings, core_dir: Path) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(
        claims,
        "    ckg:attributedTo ckr:study\\/porter-1990 ;\n    ckg:hasQuote ckr:quote\\/trust .",
        "    foo:attributedTo ckr:study\\/porter-1990 ;\n    ckg:hasQuote ckr:quote\\/trust .",
    )
    with pytest.raises(UserError) as caught:
        build_dataset(core_settings)
    assert str(caught.value) == (
        f'{display_path(claims)}:18: bad turtle syntax: Prefix "foo:" not bound '
        'near "foo:attributedTo ckr:study\\/porter-1990"'
    )


def test_broken_turtle_in_an_ontology_module(core_settings: Settings, core_dir: Path) -> None:
    module = core_dir / "ontology" / "modules" / "core.ttl"
    edit(
        module,
        'ckg:Claim a owl:Class ; rdfs:label "claim"@en .',
        'ckg:Claim a owl:Class ; rdfs:label "claim@en .',
    )
    with pytest.raises(UserError) as caught:
        build_dataset(core_settings)
    assert (
        str(caught.value)
        == f"{display_path(module.resolve())}:13: bad turtle syntax: newline found in string literal"
    )


def test_broken_manifest_and_missing_data_file(core_settings: Settings, core_dir: Path) -> None:
    manifest = core_dir / "data" / "sources.ttl"
    edit(manifest, '"seed/claims.ttl"', '"seed/nowhere.ttl"')
    with pytest.raises(UserError) as caught:
        build_dataset(core_settings)
    assert (
        str(caught.value)
        == f"{display_path(core_dir / 'data' / 'seed' / 'nowhere.ttl')}: file not found"
    )
    edit(manifest, "ckg:dataFile", "ckg:dataFile ckg:dataFile")
    with pytest.raises(UserError) as caught:
        read_manifest(manifest)
    assert caught.value.path == manifest and caught.value.line == 8


def test_bad_nquads_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.nq"
    path.write_text(
        '<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> "x <http://g> .\n'
    )
    with pytest.raises(UserError) as caught:
        parse_into(Dataset(), path)
    assert (
        str(caught.value)
        == f'{display_path(path)}:2: bad nquads statement: "<http://a> <http://b> "x <http://g> ."'
    )


def test_unknown_rdf_file_type(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        parse_graph(tmp_path / "data.txt")
    assert caught.value.cause.startswith(
        "unknown RDF file type '.txt'; expected one of .jsonld, .nq, .nt"
    )


def test_inconsistent_data_fails_the_build(core_settings: Settings, core_dir: Path) -> None:
    edit(
        core_dir / "data" / "seed" / "studies.ttl",
        "ckg:Study ;",
        "ckg:Study, ckg:Trust, ckg:Proximity ;",
    )
    with pytest.raises(UserError) as caught:
        build_dataset(core_settings)
    assert str(caught.value) == (
        "inconsistent (HermiT): the data contradicts the ontology (the ontology alone is consistent)"
    )


def test_dumps_hold_every_quad(core_settings: Settings, tmp_path: Path) -> None:
    result = build_dataset(core_settings)
    trig, nquads = write_dumps(result.dataset, tmp_path / "out")
    assert (trig.name, nquads.name) == ("clusterkg.trig", "clusterkg.nq")
    for path in (trig, nquads):
        back = parse_into(Dataset(), path)
        assert {g.identifier for g in back.graphs() if len(g)} == set(result.counts)
        for name, count in result.counts.items():
            assert isomorphic(back.graph(name), result.dataset.graph(name))
            assert len(back.graph(name)) == count
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "clusterkg.nq",
        "clusterkg.trig",
    ]


def test_cli_build_loads_the_store_and_a_broken_build_leaves_it_intact(
    cli: Callable, core_settings: Settings, core_dir: Path
) -> None:
    first = cli(core_settings, "build", "--strict")
    assert first.exit_code == 0, first.output
    dumps = core_settings.build_dir
    assert sorted(p.name for p in dumps.iterdir()) == ["clusterkg.nq", "clusterkg.trig"]
    before = (dumps / "clusterkg.trig").read_bytes()
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(claims, "ckg:hasQuote ckr:quote\\/trust .", "ckg:hasQuote ckr:quote\\/trust")
    second = cli(core_settings, "build")
    assert second.exit_code == 2
    assert second.stderr == (
        f"{display_path(claims)}:21: bad turtle syntax: expected '.' or '}}' or ']' at end of statement "
        'near "ckr:quote\\/trust a oa:SpecificResource ;"\n'
    )
    assert "Traceback" not in second.output
    assert (dumps / "clusterkg.trig").read_bytes() == before
    store = open_store(core_settings)
    try:
        assert store.count() == 94
        assert sorted(store.graphs()) == sorted([ONTOLOGY_GRAPH, TEST_SOURCE, INFERRED_GRAPH])
    finally:
        store.close()


def test_seed_build_graphs(built: BuildResult) -> None:
    assert (
        {ONTOLOGY_GRAPH, SEED_SOURCE}
        <= set(built.counts)
        <= {ONTOLOGY_GRAPH, SEED_SOURCE, INFERRED_GRAPH}
    )
    assert built.reasoner is not None and built.reasoner.ok
    assert built.quotes.ok
    assert all(count > 0 for count in built.counts.values())
