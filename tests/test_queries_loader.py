"""The named-query loader: header, parameters with defaults, escaped binding, errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from clusterkg.kg.config import Settings
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import CKR
from clusterkg.kg.queries import NamedQuery, adhoc_query, check_syntax, load_queries, load_query
from clusterkg.kg.rdfio import parse_into

PORTER = CKR["study/porter-1990"]


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def core_graph(core_dir: Path) -> Graph:
    graph = Graph()
    for name in ("studies.ttl", "claims.ttl"):
        parse_into(graph, core_dir / "data" / "seed" / name)
    return graph


def test_header_fields(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "claims-of-study.rq")
    assert (query.name, query.kind) == ("claims-of-study", "SELECT")
    assert query.summary == "Which claims does a study make?"
    assert query.description == "The claims attributed to one study, with their labels."
    assert query.tags == ("studies", "claims")
    assert query.meta == {}
    [param] = query.params
    assert (param.name, param.short, param.iri, param.default, param.description) == (
        "_study_iri",
        "study",
        True,
        PORTER,
        "the study",
    )


def test_a_query_runs_as_it_is_with_its_defaults(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "claims-of-study.rq")
    rows = [(row.claim, str(row.label)) for row in core_graph(core_dir).query(query.bind())]
    assert rows == [
        (CKR["claim/concentrations"], "Clusters are concentrations of interconnected companies"),
        (CKR["claim/trust"], "Trust binds a social network cluster"),
    ]


def test_literal_parameter_takes_the_default_datatype(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "studies-by-year.rq")
    assert query.params[0].default == Literal("1990", datatype=XSD.gYear)
    graph = core_graph(core_dir)
    assert [row.study for row in graph.query(query.bind({"year": "1990"}))] == [PORTER]
    assert list(graph.query(query.bind({"year": "1991"}))) == []


def test_values_are_escaped_terms_never_pasted_text(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "studies-by-year.rq")
    hostile = '1990" } ; DROP ALL ; SELECT * { "'
    bound = query.bind({"year": hostile})
    assert Literal(hostile, datatype=XSD.gYear).n3() in bound
    assert check_syntax(bound, None) == "SELECT"
    studies = load_query(core_dir / "queries" / "claims-of-study.rq")
    with pytest.raises(UserError) as caught:
        studies.bind({"study": "x> } ; DROP ALL ; <y"})
    assert str(caught.value) == "parameter study: 'x> } ; DROP ALL ; <y' is not an IRI"


def test_iri_values_as_iri_angle_brackets_or_prefixed_names(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "claims-of-study.rq")
    for given in (str(PORTER), f"<{PORTER}>", "ckr:study/porter-1990", PORTER):
        assert f"?claim ckg:attributedTo {PORTER.n3()} ;" in query.bind({"study": given})
    assert query.bind({"_study_iri": "https://example.org/s"}).count("<https://example.org/s>") == 1


def test_only_variables_in_code_are_replaced(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "#+ param: _x_iri = <https://example.org/a>\n#+ returns: s\n"
        "SELECT ?s WHERE {\n"
        "  ?s ?p ?_x_iri . # ?_x_iri in a comment\n"
        '  FILTER(STR(?s) != "?_x_iri" && ?s != <https://example.org/?_x_iri>)\n'
        "  ?s ?q $_x_iri .\n"
        "  ?s ?r ?_x_iris .\n"
        "}\n",
    )
    bound = load_query(path).bind({"x": "https://example.org/b"})
    assert bound.splitlines()[3:7] == [
        "  ?s ?p <https://example.org/b> . # ?_x_iri in a comment",
        '  FILTER(STR(?s) != "?_x_iri" && ?s != <https://example.org/?_x_iri>)',
        "  ?s ?q <https://example.org/b> .",
        "  ?s ?r ?_x_iris .",
    ]


def test_unknown_parameter_names_the_known_ones(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "claims-of-study.rq")
    with pytest.raises(UserError) as caught:
        query.bind({"year": "1990"})
    path = core_dir / "queries" / "claims-of-study.rq"
    assert str(caught.value) == (
        f"{display_path(path)}: claims-of-study: unknown parameter 'year' (this query takes: study)"
    )


def test_an_iri_parameter_with_an_unknown_prefix_is_refused(core_dir: Path) -> None:
    query = load_query(core_dir / "queries" / "claims-of-study.rq")
    assert PORTER.n3() in query.bind({"study": "ckr:study/porter-1990"})
    assert PORTER.n3() in query.bind({"study": f"<{PORTER}>"})
    assert PORTER.n3() in query.bind({"study": str(PORTER)})
    with pytest.raises(UserError) as caught:
        query.bind({"study": "rec:porter-1990"})
    assert str(caught.value) == (
        "parameter study: unknown prefix 'rec' in 'rec:porter-1990' "
        "(write a full IRI in <...>, or use a prefix of the query or of the project)"
    )


def test_a_query_without_parameters_is_left_as_it_is(tmp_path: Path) -> None:
    text = "#+ summary: everything\n#+ returns: s, p, o\nSELECT * WHERE { ?s ?p ?o }\n"
    query = load_query(write(tmp_path, text))
    assert query.params == () and query.bind() == text


@pytest.mark.parametrize(
    ("text", "line", "cause"),
    [
        (
            "SELECT ?x WHERE {\n  ?x ?p\n}\n",
            "2:3",
            "bad SPARQL: Expected SelectQuery, found '?x ?p'",
        ),
        ("SELECT ?x WHERE {\n  ?x a foo:Bar .\n}\n", 2, "bad SPARQL: undeclared prefix foo:"),
        ("#+ summary ok\nSELECT * {}\n", 1, "bad header line: expected '#+ key: value'"),
        (
            "#+ param: x = 1\nSELECT * {}\n",
            1,
            "bad param: expected 'param: _name = default [-- description]'",
        ),
        (
            "#+ param: _x_iri = 1\nSELECT ?_x_iri {}\n",
            1,
            "default of _x_iri must be an IRI, got '1'",
        ),
        (
            "#+ param: _x = <https://e.org/>\nSELECT ?_x {}\n",
            1,
            "default of _x must be a literal, got '<https://e.org/>'",
        ),
        (
            "#+ summary: s\n#+ param: _y = 1\nSELECT * { ?s ?p ?o }\n",
            2,
            "param _y does not occur in the query",
        ),
        (
            "#+ summary: s\nSELECT ?s { ?s ?p ?o }\n",
            1,
            (
                "no '#+ returns:' line: say what the query returns (its SELECT's columns, "
                "'boolean' for ASK, 'graph' for CONSTRUCT/DESCRIBE)"
            ),
        ),
        (
            (
                "#+ summary: s\n#+ returns: s, label\n"
                "SELECT ?s (SAMPLE(?l) AS ?name) { ?s ?p ?l } GROUP BY ?s\n"
            ),
            2,
            "returns says s, label but the SELECT gives s, name",
        ),
        (
            "#+ returns: s, p\nSELECT ?p ?s { ?s ?p ?o }\n",
            1,
            "returns says s, p but the SELECT gives p, s",
        ),
        (
            "#+ returns: s o\nSELECT ?s { ?s ?p ?o }\n",
            1,
            "bad returns: 's o' is not a variable name",
        ),
        ("#+ returns: s\nASK { ?s ?p ?o }\n", 1, "returns of an ASK query is 'boolean', not 's'"),
    ],
)
def test_bad_query_files_name_file_line_and_cause(
    tmp_path: Path, text: str, line: int | str, cause: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        load_query(path)
    assert str(caught.value) == f"{display_path(path)}:{line}: {cause}"


def test_adhoc_query_knows_the_project_prefixes_and_counts_from_the_text() -> None:
    query = adhoc_query("SELECT ?s WHERE { ?s a ckg:Study }")
    assert (
        query.kind == "SELECT"
        and "PREFIX ckg: <https://w3id.org/clusterkg/ontology#>" in query.text
    )
    own = adhoc_query("PREFIX ckg: <https://example.org/other#>\nASK { ?s a ckg:Study }")
    assert own.kind == "ASK" and "https://w3id.org/clusterkg/ontology#" not in own.text
    with pytest.raises(UserError) as caught:
        adhoc_query("SELECT ?s WHERE {\n ?s a ckg:Study }\n LIMIT x")
    assert str(caught.value) == "--sparql:3:2: bad SPARQL: Expected end of text, found 'LIMIT x'"
    with pytest.raises(UserError) as caught:  # the prologue the CLI adds shifts neither
        adhoc_query("SELECT ?s WHERE { ?s a ckg:Study . FILTER(?s = ) }")
    assert str(caught.value).startswith("--sparql:1:36: bad SPARQL: ")


def test_query_kinds(tmp_path: Path) -> None:
    kinds = {
        "a.rq": "#+ returns: boolean\nASK { ?s ?p ?o }",
        "c.rq": "#+ returns: graph\nCONSTRUCT WHERE { ?s ?p ?o }",
        "d.rq": "#+ returns: graph\nDESCRIBE <https://example.org/x>",
        "s.rq": "#+ returns: s, p, o\nSELECT * { ?s ?p ?o }",
    }
    for name, text in kinds.items():
        write(tmp_path, text, name)
    assert [(q.name, q.kind) for q in load_queries(tmp_path)] == [
        ("a", "ASK"),
        ("c", "CONSTRUCT"),
        ("d", "DESCRIBE"),
        ("s", "SELECT"),
    ]


def test_every_project_query_loads_with_a_summary_and_defaults() -> None:
    folder = Settings().queries_dir
    queries: list[NamedQuery] = [
        *load_queries(folder),
        *load_queries(folder / "checks"),
        *load_queries(folder / "web"),
    ]
    assert len(load_queries(folder)) >= 10 and load_queries(folder / "checks")
    for query in queries:
        assert query.summary, f"{query.name} has no summary"
        assert check_syntax(query.bind(), query.path) == query.kind
        assert all(isinstance(p.default, (URIRef, Literal)) for p in query.params)
