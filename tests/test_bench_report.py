"""bench/run.py's query tables: a query with parameters is reported with its default parameters apart from
its sampled values, on the timings of real engine jobs (raw pyoxigraph and rdflib) over the seed graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.run import (
    _cell,
    _merge_queries,
    _too_slow,
    job_pyoxigraph,
    job_rdflib,
    materialise,
    query_tables,
)

CQ06 = "cq06-recommendations-to-peoples-committee.rq"  # one IRI parameter: values are sampled
SEARCH_DETAILS = "web/search-details.rq"  # a literal parameter only: nothing to sample
BIBLIOGRAPHY = "bibliography.rq"  # no parameters
SAMPLES = 2


@pytest.fixture(scope="module")
def spec(seed_nquads: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A run of three queries on the seed graph, as run.py hands it to each engine job."""
    return {
        "scale": "10k",
        "dataset": str(seed_nquads),
        "work": str(tmp_path_factory.mktemp("bench")),
        "samples": SAMPLES,
        "seed": 42,
        "queries": [CQ06, SEARCH_DETAILS, BIBLIOGRAPHY],
        "skip": {},
        "repeat": 2,
    }


@pytest.fixture(scope="module")
def jobs(spec: dict) -> dict:
    """The pyoxigraph and rdflib jobs of `spec`, run in this process rather than a child."""
    pyoxigraph = job_pyoxigraph(spec)
    rdflib = job_rdflib(spec | {"variants": pyoxigraph["variants"]})
    return {"pyoxigraph-memory": pyoxigraph, "rdflib": rdflib}


def _table(lines: list[str], caption: str) -> tuple[list[str], dict[str, list[str]]]:
    """The Markdown table after the line starting with `caption`: its column headers after the first,
    and label -> the row's other cells."""
    header = next(i for i, line in enumerate(lines) if line.startswith(caption)) + 2
    columns = [cell.strip() for cell in lines[header].strip("|").split("|")][1:]
    rows = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return columns, rows


def test_a_query_with_parameters_has_a_row_for_its_defaults_and_one_for_its_samples(jobs: dict):
    columns, latency = _table(query_tables(jobs), "Latency")
    assert list(latency) == [
        BIBLIOGRAPHY,
        f"{CQ06}, default parameters",
        f"{CQ06}, {SAMPLES} sampled values",
        f"{SEARCH_DETAILS}, default parameters",
    ]
    pyox, rdflib = columns.index("pyox mem"), columns.index("rdflib")
    timings = jobs["pyoxigraph-memory"]["queries"][CQ06]
    assert latency[f"{CQ06}, default parameters"][pyox] == _cell(timings["default"]["iterate"])
    assert latency[f"{CQ06}, {SAMPLES} sampled values"][pyox] == _cell(
        timings["sampled"]["iterate"]
    )
    assert timings["default"]["iterate"]["runs"] == 2  # the default text alone, `repeat` times
    assert timings["sampled"]["iterate"]["runs"] == 2 * SAMPLES
    assert latency[f"{CQ06}, default parameters"][rdflib] != "–"
    assert latency[f"{CQ06}, {SAMPLES} sampled values"][rdflib] == "–"  # rdflib: defaults only


def test_the_rows_column_gives_each_variants_answer_size(jobs: dict, seed_nquads: Path):
    store = ox.Store()
    store.bulk_load(path=str(seed_nquads), format=ox.RdfFormat.N_QUADS)
    texts = jobs["pyoxigraph-memory"]["variants"][CQ06]
    sizes = [materialise(store.query(q, use_default_graph_as_union=True)) for q in texts]
    assert sizes[0] > 0 and len(sizes) == 1 + SAMPLES
    columns, latency = _table(query_tables(jobs), "Latency")
    rows = columns.index("rows")
    assert latency[f"{CQ06}, default parameters"][rows] == str(sizes[0])
    assert latency[f"{CQ06}, {SAMPLES} sampled values"][rows] == ", ".join(map(str, sizes[1:]))


def test_ratios_are_taken_within_each_row(jobs: dict):
    columns, ratios = _table(query_tables(jobs), "Ratios of medians")
    column = columns.index("rdflib / pyox mem")
    timings = {name: job["queries"][CQ06]["default"] for name, job in jobs.items()}
    expected = (
        timings["rdflib"]["rdflib"]["median_ms"]
        / timings["pyoxigraph-memory"]["iterate"]["median_ms"]
    )
    assert ratios[f"{CQ06}, default parameters"][column] == f"{expected:.2f}"
    assert ratios[f"{CQ06}, {SAMPLES} sampled values"][column] == "–"


def test_a_run_of_some_queries_keeps_the_other_queries_rows(jobs: dict, spec: dict):
    again = job_pyoxigraph(spec | {"samples": 1, "queries": [CQ06]})
    merged = _merge_queries(jobs, {"pyoxigraph-memory": again})
    assert merged["pyoxigraph-memory"]["parameters"] == {CQ06: 1, SEARCH_DETAILS: 0}
    _, latency = _table(query_tables(merged), "Latency")
    assert list(latency) == [
        BIBLIOGRAPHY,
        f"{CQ06}, default parameters",
        f"{CQ06}, 1 sampled value",
        f"{SEARCH_DETAILS}, default parameters",
    ]


def test_a_query_slow_on_its_samples_only_is_not_tried_at_a_larger_scale(jobs: dict):
    timings = jobs["pyoxigraph-memory"]["queries"][CQ06]
    slow = {**timings["sampled"]["iterate"], "median_ms": 6000.0}
    results = {
        "10k": {
            "jobs": {
                "pyoxigraph-memory": {"queries": {CQ06: {**timings, "sampled": {"iterate": slow}}}}
            }
        }
    }
    assert _too_slow(results, 100_000) == {CQ06: "not run: 6 s on raw pyoxigraph in memory at 10k"}
    assert _too_slow(results, 10_000) == {}
