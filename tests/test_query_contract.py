"""Each query file carries its contract: `#+ returns:` says what it gives, on the seed it gives exactly that,
and code that reads a column its query does not declare fails (a renamed column breaks the page using it)."""

from __future__ import annotations

import ast
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Literal, URIRef

from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.queries import NamedQuery, QueryContractError, Row, load_query
from clusterkg.kg.store.base import QueryResult, Store

QUERY_FILES = sorted(
    subprocess.run(
        ["git", "ls-files", "*.rq"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
)


def test_the_repository_has_query_files() -> None:
    assert len(QUERY_FILES) > 80


@pytest.mark.parametrize("name", QUERY_FILES)
def test_each_query_returns_what_it_declares_on_the_seed(name: str, web_store: Store) -> None:
    query = load_query(PROJECT_ROOT / name)
    result = web_store.query(query.bind())
    if result.kind == "SELECT":
        assert tuple(result.variables) == query.returns
    elif result.kind == "ASK":
        assert query.returns == ("boolean",)
    else:
        assert query.returns == ("graph",) and result.graph is not None


def test_a_row_refuses_a_column_its_query_does_not_declare() -> None:
    query = NamedQuery(name="q", text="SELECT ?s ?label {}", kind="SELECT", returns=("s", "label"))
    result = query.checked(QueryResult("SELECT", ["s", "label"], [{"s": URIRef("urn:x")}]))
    row = result.rows[0]
    assert isinstance(row, Row)
    assert row["s"] == URIRef("urn:x") and row.get("label") is None and "label" not in row
    with pytest.raises(QueryContractError, match=r"q returns s, label: no column 'title'"):
        row.get("title")
    with pytest.raises(QueryContractError):
        _ = "title" in row


def test_bind_sets_the_one_limit_and_adds_an_offset() -> None:
    text = (
        'SELECT ?s { { SELECT ?s { ?s ?p "LIMIT 9" } ORDER BY ?s LIMIT 50 } } # LIMIT 3 OFFSET 4\n'
    )
    query = NamedQuery(name="q", text=text, kind="SELECT", returns=("s",))
    assert query.bind(limit=5, offset=10) == text.replace("LIMIT 50", "LIMIT 5 OFFSET 10")
    assert query.bind(limit=7) == text.replace("LIMIT 50", "LIMIT 7")
    both = NamedQuery(name="q", text="SELECT ?s { ?s ?p ?o } OFFSET 0 LIMIT 1", kind="SELECT")
    assert both.bind(limit=2, offset=4).endswith("OFFSET 4 LIMIT 2")
    two = NamedQuery(name="q", text="SELECT ?s { { SELECT ?s {} LIMIT 1 } } LIMIT 2", kind="SELECT")
    with pytest.raises(QueryContractError, match="exactly one 'LIMIT n' clause, the query has 2"):
        two.bind(limit=5)


def test_bind_fills_values_blocks_outside_strings_and_comments() -> None:
    text = 'SELECT ?s { VALUES ?s { UNDEF } ?s ?p "VALUES ?s { }" } # VALUES ?s { UNDEF }'
    query = NamedQuery(name="q", text=text, kind="SELECT", returns=("s",))
    bound = query.bind(values={"s": [URIRef("urn:a"), Literal("b")]})
    assert bound == text.replace("{ UNDEF } ?s", '{ <urn:a> "b" } ?s', 1)


# A column renamed in one query file (header and SELECT alike: the file still loads) breaks the page
# that reads it under its old name. (The search page reads the search index, which the project's own
# queries/web/search-index-*.rq fill whatever queries_dir says: tests/test_search_index.py.)
RENAMED = [
    ("web/studies.rq", "citedAs", "/studies/"),
    ("web/recommendations.rq", "label", "/recommendations/"),
    ("web/home-counts.rq", "evidenceLinks", "/"),
    ("web/gap-recommendations-actors.rq", "kindLabel", "/gaps/"),
    ("web/study-claims.rq", "quoteDocument", "/studies/study/porter-1990"),
    ("certainty.rq", "ratingLabel", "/synthesis/certainty"),
]


@pytest.mark.parametrize(("file", "column", "page"), RENAMED)
def test_a_renamed_column_breaks_the_page_that_reads_it(
    file: str,
    column: str,
    page: str,
    tmp_path: Path,
    make_app: Callable[..., Flask],
    caplog: pytest.LogCaptureFixture,
) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(PROJECT_ROOT / "queries", queries)
    assert make_app(queries_dir=queries).test_client().get(page).status_code == 200
    path = queries / file
    text = path.read_text(encoding="utf-8")
    assert text.count(f"?{column}") >= 1
    path.write_text(re.sub(rf"\?{column}\b", f"?{column}Renamed", text), encoding="utf-8")
    _rename_in_header(path, column)
    assert load_query(path).returns.count(f"{column}Renamed") == 1
    with caplog.at_level(logging.ERROR):
        response = make_app(queries_dir=queries).test_client().get(page)
    assert response.status_code == 500
    assert f"no column '{column}'" in caplog.text


def _rename_in_header(path: Path, column: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("#+ returns:"):
            names = [n.strip() for n in line.removeprefix("#+ returns:").split(",")]
            names = [f"{column}Renamed" if n == column else n for n in names]
            lines[i] = "#+ returns: " + ", ".join(names) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_every_query_file_the_code_names_exists() -> None:
    sources = [
        *sorted((PROJECT_ROOT / "kg").rglob("*.py")),
        *sorted((PROJECT_ROOT / "web").rglob("*.py")),
        *sorted((PROJECT_ROOT / "queries").rglob("*.rq")),
        PROJECT_ROOT / "README.md",
    ]
    cited = {
        (path.name, name)
        for path in sources
        for name in re.findall(r"\bqueries/[\w./-]+\.rq\b", path.read_text(encoding="utf-8"))
    }
    assert len(cited) > 10
    assert {(source, name) for source, name in cited if not (PROJECT_ROOT / name).exists()} == set()


# The start of a SPARQL query (SQL's `SELECT name, …` and prose do not match).
QUERY_TEXT = re.compile(
    r"^\s*(?:SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?[?$(*]|CONSTRUCT\s*(?:\{|WHERE)|ASK\s*\{|DESCRIBE\s)"
)
# Modules whose query text is made, not written: each with the reason.
MAKES_QUERIES = {
    "kg/shacl_sparql.py": "translates SHACL shapes into SPARQL violation queries",
}


def test_the_code_holds_no_query_text() -> None:
    """Queries live in .rq files (queries/, kg/sparql/) with their contract, never in Python strings; the
    SPARQL left in the code is update text made of data (INSERT DATA, DROP GRAPH) and the queries a
    translator makes (MAKES_QUERIES)."""
    found = []
    for path in sorted((PROJECT_ROOT / "kg").rglob("*.py")) + sorted(
        (PROJECT_ROOT / "web").rglob("*.py")
    ):
        if str(path.relative_to(PROJECT_ROOT)) in MAKES_QUERIES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if QUERY_TEXT.match(text):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert found == []
