"""The store protocol on every backend (memory, embedded, remote Oxigraph server): same answers, same errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKGRAPH, CKR, sparql_prologue
from clusterkg.kg.store.base import QuerySyntaxError, Store, StoreError
from clusterkg.kg.store.oxformats import GRAPH_FORMATS, RESULT_FORMATS, MediaTypeError
from clusterkg.kg.store.reads import is_empty
from clusterkg.kg.store.results import from_ox
from tests.fixtures.stores import canonical_graph

SOURCE = CKGRAPH["source/test-source"]
SEED_SOURCE = CKGRAPH["source/hanoi-industrial-clusters-2021"]
ONTOLOGY = CKGRAPH["ontology"]
PORTER = CKR["study/porter-1990"]
GORDON = CKR["study/gordon-mccann-2000"]
TITLES = (
    sparql_prologue() + "SELECT ?study ?title WHERE { ?study dcterms:title ?title } ORDER BY ?study"
)


@pytest.fixture
def sample(empty_store: Store, sample_dataset: Dataset) -> Store:
    empty_store.load(sample_dataset)
    return empty_store


def test_load_keeps_named_graphs_and_counts(sample: Store, sample_dataset: Dataset) -> None:
    assert sample.graphs() == [ONTOLOGY, SOURCE]
    assert sample.count(ONTOLOGY) == 5
    assert sample.count(SOURCE) == len(sample_dataset.graph(SOURCE)) == 36
    assert sample.count() == 41


def test_seed_dataset_loads_whole(store: Store, seed_dataset: Dataset) -> None:
    expected = {g.identifier: len(g) for g in seed_dataset.graphs() if len(g)}
    assert {g: store.count(g) for g in store.graphs()} == expected
    assert store.count() == sum(expected.values())


def test_select_gives_plain_literals_for_xsd_string(sample: Store) -> None:
    result = sample.query(TITLES)
    assert result.kind == "SELECT"
    assert result.variables == ["study", "title"]
    assert result.rows == [
        {
            "study": GORDON,
            "title": Literal(
                "Industrial clusters: complexes, agglomeration and/or social networks?"
            ),
        },
        {"study": PORTER, "title": Literal("The Competitive Advantage of Nations")},
    ]
    assert all(row["title"].datatype is None for row in result.rows)


def test_plain_literal_matches_data_typed_xsd_string(sample: Store) -> None:
    ask = sparql_prologue() + (
        'ASK { ?s dcterms:title "Industrial clusters: complexes, agglomeration and/or social networks?" }'
    )
    assert sample.query(ask).boolean is True


def test_typed_and_language_literals_and_unbound_variables(sample: Store) -> None:
    # ORDER BY STR(?label): the order of literals with different language tags is engine-defined
    result = sample.query(
        sparql_prologue()
        + """
        SELECT ?claim ?label ?confidence WHERE {
          ?claim a ckg:Claim ; rdfs:label ?label .
          OPTIONAL { ?claim ckg:confidence ?confidence FILTER(?confidence < 0.9) }
        } ORDER BY ?claim STR(?label)"""
    )
    assert result.rows == [
        {
            "claim": CKR["claim/diamond"],
            "label": Literal("Bốn yếu tố", lang="vi"),
            "confidence": Literal("0.75", datatype=XSD.decimal),
        },
        {
            "claim": CKR["claim/diamond"],
            "label": Literal("Four factors shape competitive advantage", lang="en"),
            "confidence": Literal("0.75", datatype=XSD.decimal),
        },
        {"claim": CKR["claim/types"], "label": Literal("Three types of cluster", lang="en")},
    ]


def test_default_graph_is_union_and_graphs_stay_addressable(sample: Store) -> None:
    everything = sample.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert everything.rows == [{"n": Literal(41)}]
    where = sample.query(
        sparql_prologue() + "SELECT ?g WHERE { GRAPH ?g { ?s a ckg:Study } } GROUP BY ?g"
    )
    assert where.rows == [{"g": SOURCE}]
    only = sample.query(
        f"SELECT ?s WHERE {{ GRAPH {ONTOLOGY.n3()} {{ ?s a <http://www.w3.org/2002/07/owl#Class> }} }} ORDER BY ?s"
    )
    assert only.rows == [{"s": CKG.Claim}, {"s": CKG.Study}]


def count_of(store: Store, sparql: str) -> int:
    return int(store.query(sparql).rows[0]["n"])


def test_from_and_from_named_define_the_dataset(store: Store) -> None:
    """FROM <one of our graphs> counts that graph, not the union (which the store's union option overrode)."""
    source, everything = store.count(SEED_SOURCE), store.count()
    assert 0 < source < everything
    every = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    assert count_of(store, every.format("")) == everything
    assert count_of(store, every.format(f"FROM {SEED_SOURCE.n3()}")) == source
    both = f"FROM {SEED_SOURCE.n3()} FROM {ONTOLOGY.n3()}"
    assert count_of(store, every.format(both)) == source + store.count(ONTOLOGY)
    # FROM NAMED alone: the default graph is empty, GRAPH sees only the graphs named
    assert count_of(store, every.format(f"FROM NAMED {SEED_SOURCE.n3()}")) == 0
    in_graphs = (
        f"SELECT (COUNT(*) AS ?n) FROM NAMED {ONTOLOGY.n3()} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert count_of(store, in_graphs) == store.count(ONTOLOGY)


def test_update_where_sees_the_union_as_a_query_does(store: Store) -> None:
    """INSERT … WHERE { ?a a ?t } inserts what the union has (the real default graph holds nothing)."""
    typed = "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?t WHERE {{ {} }} }}"
    expected = count_of(store, typed.format("?a a ?t"))
    assert expected > 100
    copy = URIRef("urn:x-test:types")
    store.update(
        f"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        f"INSERT {{ GRAPH {copy.n3()} {{ ?a rdf:type ?t }} }} WHERE {{ ?a a ?t }} ;\n"
        f"INSERT DATA {{ GRAPH {copy.n3()} {{ <urn:x-test:a> a <urn:x-test:T> }} }}"
    )
    assert store.count(copy) == expected + 1
    store.update(
        f"DELETE {{ GRAPH {copy.n3()} {{ ?a a <urn:x-test:T> }} }} WHERE {{ ?a a <urn:x-test:T> }}"
    )
    assert store.count(copy) == expected
    # a dataset the update names itself is kept: WITH, or USING
    in_ontology = count_of(store, typed.format(f"GRAPH {ONTOLOGY.n3()} {{ ?a a ?t }}"))
    assert 0 < in_ontology < expected
    insert = "INSERT {{ GRAPH <urn:x-test:{}> {{ ?a a ?t }} }} {} WHERE {{ ?a a ?t }}"
    with_clause = f"WITH {ONTOLOGY.n3()} " + insert.format("with", "")
    using = insert.format("using", f"USING {ONTOLOGY.n3()}")
    for update, target in ((with_clause, "urn:x-test:with"), (using, "urn:x-test:using")):
        if store.name == "remote":  # `oxigraph serve --union-default-graph` refuses both (README)
            with pytest.raises(QuerySyntaxError, match="must not be used with a SPARQL UPDATE"):
                store.update(update)
        else:
            store.update(update)
            assert store.count(URIRef(target)) == in_ontology


def test_rdf_list_and_blank_nodes_are_queryable(sample: Store) -> None:
    result = sample.query(
        sparql_prologue()
        + f"""
        SELECT ?name WHERE {{ {GORDON.n3()} bibo:authorList/rdf:rest*/rdf:first ?person . ?person foaf:name ?name }}
        ORDER BY ?name"""
    )
    assert [row["name"] for row in result.rows] == [
        Literal("Ian R. Gordon"),
        Literal("Philip McCann"),
    ]


def test_ask_construct_describe(sample: Store) -> None:
    assert sample.query("ASK { ?s ?p 'no such value' }").boolean is False
    construct = sample.query(
        sparql_prologue() + "CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s dcterms:title ?t }"
    )
    assert construct.kind == "CONSTRUCT"
    expected = Graph()
    expected.add(
        (
            PORTER,
            URIRef("http://purl.org/dc/terms/title"),
            Literal("The Competitive Advantage of Nations"),
        )
    )
    expected.add(
        (
            GORDON,
            URIRef("http://purl.org/dc/terms/title"),
            Literal("Industrial clusters: complexes, agglomeration and/or social networks?"),
        )
    )
    assert isomorphic(construct.graph, expected)
    describe = sample.query(f"DESCRIBE {PORTER.n3()}")
    assert describe.kind == "DESCRIBE"
    assert (
        PORTER,
        URIRef("http://purl.org/dc/terms/issued"),
        Literal("1990", datatype=XSD.gYear),
    ) in describe.graph


def test_syntax_error_names_line_and_column(sample: Store) -> None:
    with pytest.raises(QuerySyntaxError, match=r"line 3, column \d+"):
        sample.query("SELECT ?x\nWHERE {\n  ?x ?y }")


def test_describe_gives_quads_about_a_resource_with_their_graph(sample: Store) -> None:
    described = sample.describe(PORTER)
    quads = {(s, p, o, g) for s, p, o, g in described.quads((None, None, None, None))}
    assert len(quads) == 7
    assert {g for *_, g in quads} == {SOURCE}
    assert (CKR["claim/diamond"], CKG.attributedTo, PORTER, SOURCE) in quads
    assert (PORTER, CKG.pageCount, Literal(855), SOURCE) in quads


@pytest.mark.parametrize("media_type", sorted(RESULT_FORMATS))
def test_select_serialised_in_each_results_format(sample: Store, media_type: str) -> None:
    body = sample.query_serialized(TITLES, media_type)
    if media_type == "text/csv":
        assert body.decode().splitlines() == [
            "study,title",
            f'{GORDON},"Industrial clusters: complexes, agglomeration and/or social networks?"',
            f"{PORTER},The Competitive Advantage of Nations",
        ]
        return
    parsed = list(ox.parse_query_results(body, format=RESULT_FORMATS[media_type]))
    assert [(s["study"].value, s["title"].value) for s in parsed] == [
        (str(GORDON), "Industrial clusters: complexes, agglomeration and/or social networks?"),
        (str(PORTER), "The Competitive Advantage of Nations"),
    ]


def test_query_serialized_stops_at_max_rows_and_says_whether_rows_were_left(sample: Store) -> None:
    json_results = "application/sparql-results+json"
    cut = sample.query_serialized(TITLES, json_results, max_rows=1)
    assert [b["study"]["value"] for b in json.loads(cut)["results"]["bindings"]] == [str(GORDON)]
    assert cut.cut
    whole = sample.query_serialized(TITLES, json_results, timeout=60, max_rows=2)
    assert len(json.loads(whole)["results"]["bindings"]) == 2 and not whole.cut
    header_only = sample.query_serialized(TITLES, "text/csv", timeout=60, max_rows=0)
    assert header_only.decode().splitlines() == ["study,title"] and header_only.cut
    asked = sample.query_serialized("ASK { ?s ?p ?o }", json_results, max_rows=0)
    assert json.loads(asked)["boolean"] is True and not asked.cut
    assert not sample.query_serialized(TITLES, json_results).cut


def test_ask_serialised_as_json(sample: Store) -> None:
    body = sample.query_serialized("ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert json.loads(body) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("media_type", sorted(GRAPH_FORMATS))
def test_construct_serialised_in_each_rdf_format(sample: Store, media_type: str) -> None:
    query = sparql_prologue() + "CONSTRUCT { ?c ?p ?o } WHERE { ?c a ckg:Claim ; ?p ?o }"
    body = sample.query_serialized(query, media_type + "; charset=utf-8")
    parsed = Graph()
    for quad in ox.parse(body, format=GRAPH_FORMATS[media_type]):
        parsed.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    assert isomorphic(parsed, sample.query(query).graph)
    assert len(parsed) == 10


def test_wrong_media_type_for_the_query_form(sample: Store) -> None:
    with pytest.raises(MediaTypeError, match="text/turtle"):
        sample.query_serialized(TITLES, "text/turtle")
    with pytest.raises(MediaTypeError, match="text/csv"):
        sample.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")


def test_update_inserts_into_a_named_graph(sample: Store) -> None:
    graph = CKGRAPH["source/extra"]
    sample.update(
        f'INSERT DATA {{ GRAPH {graph.n3()} {{ {PORTER.n3()} <http://purl.org/dc/terms/title> "Second title" }} }}'
    )
    assert sample.count(graph) == 1
    assert graph in sample.graphs()
    titles = sample.query(
        f"SELECT ?t WHERE {{ {PORTER.n3()} <http://purl.org/dc/terms/title> ?t }} ORDER BY ?t"
    )
    assert [r["t"] for r in titles.rows] == [
        Literal("Second title"),
        Literal("The Competitive Advantage of Nations"),
    ]


def test_bad_update_is_a_syntax_error_and_changes_nothing(sample: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        sample.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> } }")
    assert sample.count() == 41


def test_replace_graph_swaps_one_graph_only(sample: Store) -> None:
    replacement = Graph()
    replacement.add((PORTER, URIRef("http://purl.org/dc/terms/title"), Literal("Only this")))
    sample.replace_graph(SOURCE, replacement)
    assert sample.count(SOURCE) == 1
    assert sample.count(ONTOLOGY) == 5
    assert sample.query(TITLES).rows == [{"study": PORTER, "title": Literal("Only this")}]


def test_failed_replace_graph_leaves_the_old_content(sample: Store) -> None:
    broken = Graph()
    broken.add((PORTER, URIRef("http://purl.org/dc/terms/title"), Literal("fine")))
    broken.add(
        (
            URIRef("http://example.org/not an iri"),
            URIRef("http://purl.org/dc/terms/title"),
            Literal("bad"),
        )
    )
    with pytest.raises(StoreError):
        sample.replace_graph(SOURCE, broken)
    assert sample.count(SOURCE) == 36
    assert len(sample.query(TITLES).rows) == 2


def _dataset_with_a_broken_graph() -> Dataset:
    dataset = Dataset(default_union=True)
    good = dataset.graph(CKGRAPH["source/good"])
    for i in range(5):
        good.add(
            (CKR[f"study/s{i}"], URIRef("http://purl.org/dc/terms/title"), Literal(f"Study {i}"))
        )
    bad = dataset.graph(CKGRAPH["source/zz-bad"])
    bad.add((CKR["study/ok"], URIRef("http://purl.org/dc/terms/title"), Literal("ok")))
    bad.add(
        (
            URIRef("http://example.org/has space"),
            URIRef("http://purl.org/dc/terms/title"),
            Literal("x"),
        )
    )
    return dataset


def test_failed_load_writes_nothing(sample: Store) -> None:
    with pytest.raises(StoreError):
        sample.load(_dataset_with_a_broken_graph())
    assert sample.graphs() == [ONTOLOGY, SOURCE]
    assert sample.count() == 41


@pytest.mark.server
@pytest.mark.parametrize("staging", ["graph store protocol", "insert data"])
def test_failed_staged_remote_load_writes_nothing(
    oxigraph_server, sample_dataset: Dataset, staging: str
) -> None:
    """Large writes are staged graph by graph; a failure in the second graph drops the staged first one."""
    store = oxigraph_server.remote_store(batch_triples=1)
    if staging == "insert data":
        store.store_endpoint = None
    store.clear()
    try:
        store.load(sample_dataset)
        with pytest.raises(StoreError):
            store.load(_dataset_with_a_broken_graph())
        assert store.graphs() == [ONTOLOGY, SOURCE]
        assert store.count() == 41
        fresh = Graph()
        fresh.add((PORTER, URIRef("http://purl.org/dc/terms/title"), Literal("Staged")))
        store.replace_graph(SOURCE, fresh)
        assert store.count(SOURCE) == 1
        assert store.graphs() == [ONTOLOGY, SOURCE]
    finally:
        store.clear()


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dump_round_trips(sample: Store, sample_dataset: Dataset, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"dump.{fmt}"
    sample.dump(path, fmt)
    back = Dataset(default_union=True)
    back.parse(path, format=fmt)
    for name in (ONTOLOGY, SOURCE):
        assert isomorphic(
            canonical_graph(back.graph(name)), canonical_graph(sample_dataset.graph(name))
        )


def test_dump_refuses_unknown_format(sample: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="trig"):
        sample.dump(tmp_path / "x.ttl", "turtle")


def test_clear_empties_the_store(sample: Store) -> None:
    sample.clear()
    assert sample.count() == 0
    assert sample.graphs() == []
    assert sample.query("ASK { ?s ?p ?o }").boolean is False


def test_is_empty_until_a_triple_is_loaded(empty_store: Store, sample_dataset: Dataset) -> None:
    assert is_empty(empty_store)
    empty_store.load(sample_dataset)
    assert not is_empty(empty_store)


def test_load_file_keeps_graphs_and_reports_bad_lines(empty_store: Store, tmp_path: Path) -> None:
    """Every backend loads a file the same way: named graphs kept, the default graph into the one
    named; a syntax error names file and line, and nothing of the file is stored."""
    trig = tmp_path / "two.trig"
    trig.write_text(
        f'<{PORTER}> dcterms:title "In the default graph" .\n'
        f'<{SOURCE}> {{ <{GORDON}> dcterms:title "In a named graph" . }}\n'.replace(
            "dcterms:title", "<http://purl.org/dc/terms/title>"
        )
    )
    empty_store.load_file(trig, ONTOLOGY)
    assert empty_store.graphs() == [ONTOLOGY, SOURCE]
    assert (empty_store.count(ONTOLOGY), empty_store.count(SOURCE)) == (1, 1)
    broken = tmp_path / "broken.ttl"
    broken.write_text(f'<{PORTER}> <{CKG}label> "fine" .\n<{GORDON}> <{CKG}label> "no end .\n')
    with pytest.raises(UserError) as caught:
        empty_store.load_file(broken, CKGRAPH["file/broken"])
    assert (caught.value.path, caught.value.line) == (broken, 2)
    assert caught.value.cause.startswith("bad turtle syntax: ")
    assert empty_store.graphs() == [ONTOLOGY, SOURCE]
    assert empty_store.count() == 2
