"""Certainty, computed in the open: the seed's ratings and reasons, the example's, one rule per concern, a rule
changed in a copy of the Turtle changing a rating (no Python touched), and reviewers' overrides kept beside
the computed rating (CLI, store, page)."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from rdflib import Dataset, Literal, URIRef

from clusterkg.kg.build import BuildResult, build_dataset
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKR
from clusterkg.kg.overrides import OVERRIDES_GRAPH, record_override
from clusterkg.kg.queries import load_query
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store
from clusterkg.web import create_app

QUERIES = PROJECT_ROOT / "queries"
RULES = PROJECT_ROOT / "ontology" / "rules" / "certainty.ttl"
SEED_RECOMMENDATIONS = (
    "cluster-development-planning-contents",
    "cluster-development-planning-procedure",
    "state-budget-infrastructure-investment",
)
OWN_ANALYSIS = "rests on the paper's own analysis; no cited study"
Cli = Callable[..., Result]


def ratings(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """item (short) -> (rating label, reasons), from queries/certainty.rq."""
    result = dataset.query(load_query(QUERIES / "certainty.rq").bind())
    return {
        str(r.item).removeprefix(str(CKR)): (str(r.ratingLabel), str(r.reasons))  # type: ignore[union-attr]
        for r in result
    }


# -- the seed --------------------------------------------------------------------------------------------


def test_the_seeds_three_recommendations_are_low_because_they_rest_on_the_papers_own_analysis(
    built: BuildResult,
) -> None:
    assert ratings(built.dataset) == {
        "recommendation/cluster-development-planning-contents": (
            "low",
            f"{OWN_ANALYSIS}; no dispute; first-hand evidence only; its setting is not stated",
        ),
        "recommendation/cluster-development-planning-procedure": (
            "low",
            (
                f"{OWN_ANALYSIS}; no dispute; no supporting claim to judge first- or second-hand; "
                "its setting is not stated"
            ),
        ),
        "recommendation/state-budget-infrastructure-investment": (
            "low",
            f"{OWN_ANALYSIS}; no dispute; first-hand evidence only; evidence from the same setting",
        ),
    }


# -- the example ------------------------------------------------------------------------------------------


def test_example_ratings_and_reasons(synthesis_dataset: Dataset) -> None:
    found = ratings(synthesis_dataset)
    assert {k: v for k, v in found.items() if "example" in k or "theme" in k} == {
        "recommendation/example-coordinator-for-new-clusters": (
            "very low",
            (
                "rests on one cited study; disputed by at least one claim; all supporting claims "
                "second-hand (attributed to a study, reported in another document); its setting is not stated"
            ),
        ),
        "recommendation/example-fund-a-broker": (
            "very low",
            (
                "rests on one cited study; disputed by at least one claim; all supporting claims "
                "second-hand (attributed to a study, reported in another document); evidence from the same setting"
            ),
        ),
        "concept/theme/coordinators-help-new-clusters": (
            "moderate",
            "two independent sources; no dispute; part of the evidence second-hand; its setting is not stated",
        ),
        "concept/theme/coordinators-raise-trust": (
            "very low",
            (
                "rests on one cited study; disputed by at least one claim; all supporting claims "
                "second-hand (attributed to a study, reported in another document); its setting is not stated"
            ),
        ),
        "concept/theme/hub-firms-broker-knowledge": (
            "very low",
            (
                "two independent sources; disputed by at least one claim; all supporting claims "
                "second-hand (attributed to a study, reported in another document); its setting is not stated"
            ),
        ),
        "concept/theme/hub-firms-guard-know-how": (
            "very low",
            (
                "rests on one cited study; disputed by at least one claim; all supporting claims "
                "second-hand (attributed to a study, reported in another document); its setting is not stated"
            ),
        ),
    }


def test_evidence_from_another_place_lowers_the_context(synthesis_dataset: Dataset) -> None:
    """The broker recommendation is set in Hanoi; if Alpha's claim were about Example Valley instead, its
    only supporting evidence would come from elsewhere."""
    copy = Dataset(default_union=True)
    copy.addN(synthesis_dataset.quads((None, None, None, None)))
    graph = copy.graph(URIRef("https://w3id.org/clusterkg/graph/source/synthesis-example"))
    alpha = CKR["claim/example-alpha-hub-firms-pass-know-how"]
    graph.remove((alpha, URIRef("http://purl.org/dc/terms/subject"), CKR["place/hanoi"]))
    graph.add((alpha, URIRef("http://purl.org/dc/terms/subject"), CKR["place/example-valley"]))
    _, reasons = ratings(copy)["recommendation/example-fund-a-broker"]
    assert reasons.endswith("; evidence only from other settings")


def test_every_item_gets_exactly_one_rule_per_concern(synthesis_dataset: Dataset) -> None:
    texts = {str(o) for o in parse_graph(RULES).objects(None, CKG.reasonText)}
    result = synthesis_dataset.query(load_query(QUERIES / "certainty.rq").bind())
    assert len(result) == 9  # 5 recommendations, 4 themes
    for row in result:
        for concern in ("adequacy", "coherence", "relevance", "context"):
            assert str(row[concern]) in texts, (row.item, concern, row[concern])  # type: ignore[index]


# -- the rules are data -------------------------------------------------------------------------------------


@pytest.fixture
def ontology_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ontology"
    shutil.copytree(PROJECT_ROOT / "ontology", target)
    return target


def edit_rule(rules: Path, rule: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the block of `rule` in a copy of the rule table."""
    text = rules.read_text(encoding="utf-8")
    start = text.index(f"rule:{rule} a ")
    end = text.index(" .\n", start)
    block = text[start:end]
    assert old in block
    rules.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")


def test_changing_one_rule_in_the_turtle_changes_the_seed_ratings(
    ontology_copy: Path, built: BuildResult
) -> None:
    rules = ontology_copy / "rules" / "certainty.ttl"
    edit_rule(rules, "adequacy-own-analysis-only", "ckg:downgradeSteps 2", "ckg:downgradeSteps 1")
    edit_rule(rules, "adequacy-own-analysis-only", "no cited study", "no cited study (edited rule)")
    # Only the rule table differs from the project's ontology: no code, no query changed.
    diff = filecmp.dircmp(PROJECT_ROOT / "ontology", ontology_copy)
    assert diff.subdirs["rules"].diff_files == ["certainty.ttl"]
    assert not diff.diff_files and all(
        not sub.diff_files for name, sub in diff.subdirs.items() if name != "rules"
    )
    rebuilt = build_dataset(Settings(ontology_dir=ontology_copy), reasoning=False).dataset
    before, after = ratings(built.dataset), ratings(rebuilt)
    for slug in SEED_RECOMMENDATIONS:
        item = f"recommendation/{slug}"
        assert before[item][0] == "low"
        assert after[item][0] == "moderate"
        assert after[item][1].startswith(
            "rests on the paper's own analysis; no cited study (edited rule); no dispute"
        )


def test_changing_a_condition_in_the_turtle_changes_a_theme(
    ontology_copy: Path, synthesis_dataset: Dataset
) -> None:
    """Two independent sources count as enough: the coordinators theme rises from moderate to high."""
    rules = ontology_copy / "rules" / "certainty.ttl"
    edit_rule(rules, "adequacy-two-sources", "ckg:downgradeSteps 1", "ckg:downgradeSteps 0")
    ontology = build_dataset(Settings(ontology_dir=ontology_copy), reasoning=False).dataset
    copy = Dataset(default_union=True)
    copy.addN(
        q for q in synthesis_dataset.quads((None, None, None, None)) if "ontology" not in str(q[3])
    )
    copy.addN(
        q for q in ontology.quads((None, None, None, None)) if str(q[3]).endswith("/ontology")
    )
    assert (
        ratings(synthesis_dataset)["concept/theme/coordinators-help-new-clusters"][0] == "moderate"
    )
    assert ratings(copy)["concept/theme/coordinators-help-new-clusters"][0] == "high"


# -- overrides --------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_store(synthesis_dataset: Dataset) -> Iterator[Store]:
    store = open_store(Settings(store="memory"))
    store.load(synthesis_dataset)
    yield store
    store.close()


def overrides(store: Store) -> list[dict[str, object]]:
    result = store.query(load_query(QUERIES / "certainty-overrides.rq").bind())
    return [{v: row.get(v) for v in result.variables} for row in result.rows]


def test_an_override_is_stored_with_provenance_beside_the_computed_rating(
    fresh_store: Store,
) -> None:
    rec = CKR["recommendation/state-budget-infrastructure-investment"]
    at = datetime(2026, 12, 5, 1, 2, 3, tzinfo=UTC)
    made = record_override(fresh_store, rec, "moderate", "Decree 68 backs it.", "Ann Reviewer", at)
    rows = overrides(fresh_store)
    assert len(rows) == 1
    row = rows[0]
    assert row["override"] == made and row["item"] == rec
    assert row["level"] == CKG.ModerateCertainty
    assert row["justification"] == Literal("Decree 68 backs it.")
    assert row["reviewerLabel"] == Literal("Ann Reviewer", lang="en")
    assert row["time"] == Literal(
        "2026-12-05T01:02:03+00:00", datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    )
    assert row["graph"] == OVERRIDES_GRAPH
    # The computed rating is untouched.
    result = fresh_store.query(load_query(QUERIES / "certainty.rq").bind())
    computed = {r["item"]: str(r["ratingLabel"]) for r in result.rows}
    assert computed[rec] == "low"
    # A second override adds to the graph; the first stays.
    record_override(
        fresh_store, rec, "high", "On second thoughts.", "Bo Reviewer", at.replace(hour=2)
    )
    assert [str(r["levelLabel"]) for r in overrides(fresh_store)] == ["moderate", "high"]


@pytest.mark.parametrize(
    ("item", "level", "justification", "reviewer", "cause"),
    [
        ("recommendation/nowhere", "low", "x", "A", "is no recommendation or theme of this store"),
        (
            "claim/porter-1990-mutually-reinforcing",
            "low",
            "x",
            "A",
            "is no recommendation or theme",
        ),
        (
            "recommendation/state-budget-infrastructure-investment",
            "medium",
            "x",
            "A",
            "unknown level 'medium'",
        ),
        (
            "recommendation/state-budget-infrastructure-investment",
            "low",
            " ",
            "A",
            "needs a justification",
        ),
        (
            "recommendation/state-budget-infrastructure-investment",
            "low",
            "x",
            " ",
            "reviewer's name",
        ),
    ],
)
def test_a_bad_override_is_refused_and_nothing_is_written(
    fresh_store: Store, item: str, level: str, justification: str, reviewer: str, cause: str
) -> None:
    with pytest.raises(UserError, match=cause.replace("(", r"\(")):
        record_override(fresh_store, CKR[item], level, justification, reviewer)
    assert OVERRIDES_GRAPH not in fresh_store.graphs()


def test_the_override_command_records_and_the_page_shows_it_beside_the_rating(
    cli: Cli, tmp_path: Path, synthesis_dataset: Dataset
) -> None:
    settings = Settings(data_dir=tmp_path / ".clusterkg")
    store = open_store(settings)
    store.load(synthesis_dataset)
    store.close()
    bad = cli(
        settings,
        "override",
        "ckr:recommendation/state-budget-infrastructure-investment",
        "--level",
        "great",
        "--justification",
        "x",
        "--reviewer",
        "A",
    )
    assert bad.exit_code == 2
    assert bad.stderr.strip().endswith(
        "unknown level 'great': expected one of high, low, moderate, very low"
    )
    done = cli(
        settings,
        "override",
        "ckr:recommendation/state-budget-infrastructure-investment",
        "--level",
        "moderate",
        "--justification",
        "Decree No. 68/2017/ND-CP already requires it.",
        "--reviewer",
        "Ann Reviewer",
    )
    assert done.exit_code == 0, done.output
    assert f"<{OVERRIDES_GRAPH}>" in done.output
    store = open_store(settings)
    try:
        app = create_app({"SETTINGS": settings, "TESTING": True}, store=store)
        page = app.test_client().get("/recommendations/state-budget-infrastructure-investment")
        html = page.get_data(as_text=True)
    finally:
        store.close()
    assert page.status_code == 200
    computed = html.index("Certainty (computed):")
    override = html.index("Reviewer's override:")
    assert computed < override
    assert "Low: rests on the paper&#39;s own analysis; no cited study; no dispute" in html
    assert "Decree No. 68/2017/ND-CP already requires it." in html and "Ann Reviewer" in html
