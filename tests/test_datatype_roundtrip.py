"""The store gives back what was put in: every literal datatype the data, the shapes and the ontology use
comes back from every backend as the same term (same lexical form, same datatype), by query and by dump."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from clusterkg.kg.config import Settings
from clusterkg.kg.store.base import Store
from clusterkg.kg.store.embedded import EmbeddedStore
from clusterkg.kg.timestamps import timestamp
from clusterkg.kg.validate import validate_dataset, validate_store

SUBJECT = URIRef("https://w3id.org/clusterkg/resource/test/datatypes")
GRAPH = URIRef("https://w3id.org/clusterkg/graph/test/datatypes")
# A value for each datatype the shapes or the ontology name but the seed data may not hold.
SAMPLES = {
    XSD.integer: ["1", "42", "-3"],
    XSD.decimal: ["1400", "2.5"],
    XSD.gYear: ["2021", "1990"],
    XSD.date: ["2017-05-25"],
    XSD.dateTime: [str(timestamp(datetime(2026, 12, 5, 10, 0, tzinfo=UTC)))],
    XSD.boolean: ["true", "false"],
    XSD.anyURI: ["https://example.org/a"],
    XSD.duration: ["P30D"],
    XSD.string: ["text"],
    RDFS.Literal: [],
}
LANGUAGE_TAGGED = [Literal("Hà Nội", lang="vi"), Literal("industrial cluster", lang="en")]


def used_datatypes(dataset: Dataset) -> dict[URIRef, set[str]]:
    """Datatype -> lexical forms: from the literals of the built dataset, and the sh:datatype values and
    XSD ranges of the shapes and the ontology (with the sample values above)."""
    used: dict[URIRef, set[str]] = {}
    for _, _, o, _ in dataset.quads((None, None, None, None)):
        if isinstance(o, Literal) and o.datatype is not None:
            used.setdefault(o.datatype, set()).add(str(o))
    settings = Settings()
    declared = Graph()
    for path in sorted(settings.ontology_dir.rglob("*.ttl")):
        declared.parse(path, format="turtle")
    named = set(declared.objects(None, SH.datatype)) | {
        o for o in declared.objects(None, RDFS.range) if str(o).startswith(str(XSD))
    }
    for datatype in named:
        used.setdefault(datatype, set()).update(SAMPLES.get(datatype, []))
    return used


def test_the_data_and_shapes_name_only_datatypes_with_a_sample(seed_dataset: Dataset) -> None:
    used = used_datatypes(seed_dataset)
    assert XSD.integer in used and XSD.gYear in used  # the collection reads the real files
    missing = [d for d, lexicals in used.items() if not lexicals and d != RDFS.Literal]
    missing = [d for d in missing if d != RDF.langString]  # LANGUAGE_TAGGED stands for it
    assert missing == [], f"add sample values for {missing}"


def test_every_datatype_comes_back_unchanged(
    empty_store: Store, seed_dataset: Dataset, tmp_path: Path
) -> None:
    _round_trip(empty_store, seed_dataset, tmp_path)


def _round_trip(store: Store, dataset: Dataset, tmp_path: Path) -> None:
    used = used_datatypes(dataset)
    written = Graph()
    for n, (datatype, lexicals) in enumerate(sorted(used.items())):
        if datatype == RDF.langString:
            objects = LANGUAGE_TAGGED
        else:
            objects = [Literal(lexical, datatype=datatype) for lexical in lexicals]
        for literal in objects:
            written.add((SUBJECT, URIRef(f"{SUBJECT}/p{n}"), literal))
    store.replace_graph(GRAPH, written)
    rows = store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> ?p ?o }} }}").rows
    queried = {(row["p"], row["o"]) for row in rows}
    expected = {(p, o) for _, p, o in written}
    assert _typed(queried) == _typed(expected)
    dumped = Dataset()
    store.dump(tmp_path / "dump.nq", "nquads")
    dumped.parse(tmp_path / "dump.nq", format="nquads")
    from_dump = {(p, o) for _, p, o, _ in dumped.quads((SUBJECT, None, None, None))}
    assert _typed(from_dump) == _typed(expected)


def _typed(pairs: set) -> set[tuple[str, str, str]]:
    """(predicate, lexical form, datatype or language): rdflib's Literal equality compares values, not texts."""
    return {(str(p), str(o), str(o.language or o.datatype or XSD.string)) for p, o in pairs}


def test_the_seed_as_the_embedded_store_keeps_it_validates_without_violations(
    seed_dataset: Dataset, tmp_path: Path
) -> None:
    """`validate --from-store` on the built seed finds what the build finds: the data must survive the store (Oxigraph gave back
    xsd:positiveInteger values as xsd:integer, and 38 false violations followed)."""
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.load(seed_dataset)
        report = validate_store(store, Settings())
    finally:
        store.close()
    built = validate_dataset(seed_dataset, Settings())
    assert report.counts == built.counts, report.text()
    assert report.counts["Violation"] == 0, report.text()
