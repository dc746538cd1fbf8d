"""Agreement and dispute: the new evidence kinds, themes and stances, contested items (both sides), the matrix.

The seed has no disputes, so these run on the seed plus the FICTIONAL example of tests/data/synthesis/ (built
with its quotes checked against its own texts), on the memory and embedded stores and the Oxigraph server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.namespaces import CKG, CKR, prefixed
from clusterkg.kg.queries import load_query
from clusterkg.kg.store.base import Store
from clusterkg.kg.validate import validate_dataset
from tests.fixtures.stores import BACKENDS, open_backend
from tests.fixtures.synthesis import EXAMPLE_GRAPH

QUERIES = PROJECT_ROOT / "queries"
EV = Namespace(CKR["evidence/"])
Rows = list[dict[str, object]]


def short(term: object) -> object:
    if isinstance(term, URIRef):  # the project's converter, without `ckr:` and `ckg:`
        return (prefixed(term) or str(term)).removeprefix("ckr:").removeprefix("ckg:")
    if isinstance(term, Literal):
        return term.toPython() if isinstance(term.toPython(), int) else str(term)
    return term


def run(store: Store, name: str, **params: object) -> Rows:
    query = load_query(QUERIES / f"{name}.rq")
    result = store.query(query.bind(params))
    return [{v: short(row.get(v)) for v in result.variables} for row in result.rows]


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    synthesis_dataset: Dataset,
) -> Iterator[Store]:
    """Each backend once per module, holding the seed and the example."""
    store = open_backend(request.param, request, tmp_path_factory.mktemp("synthesis"))
    try:
        store.load(synthesis_dataset)
        yield store
    finally:
        if store.name == "remote":
            store.clear()
        store.close()


def edited(dataset: Dataset, change: Callable[[Dataset], None]) -> Dataset:
    """A copy of `dataset` with `change` applied to the copy's example graph."""
    copy = Dataset(default_union=True)
    copy.addN(dataset.quads((None, None, None, None)))
    change(copy)
    return copy


def contested_in(dataset: Dataset) -> set[object]:
    result = dataset.query(load_query(QUERIES / "contested.rq").bind())
    return {short(row.item) for row in result}  # type: ignore[union-attr]


# -- the example data is honest: quotes checked, shapes pass ------------------------------------------------


def test_example_quotes_are_verbatim_from_its_fictional_texts(example_build: BuildResult) -> None:
    checks = example_build.quotes.checks
    assert len(checks) == 10  # 7 claims, 2 recommendations, 1 research question
    assert example_build.quotes.ok and not example_build.quotes.missing_texts()


def test_seed_with_example_conforms_to_the_shapes(synthesis_dataset: Dataset) -> None:
    report = validate_dataset(synthesis_dataset, Settings())
    assert not report.fails("violation"), report.text()


def test_a_stance_on_a_recommendation_or_of_an_unknown_kind_is_a_violation(
    synthesis_dataset: Dataset,
) -> None:
    def change(copy: Dataset) -> None:
        graph = copy.graph(EXAMPLE_GRAPH)
        graph.set((EV["example-guard-theme-beta"], CKG.evidenceKind, CKG.Illustrates))
        graph.set(
            (
                EV["example-guard-theme-alpha"],
                CKG.evidenceFor,
                CKR["recommendation/example-fund-a-broker"],
            )
        )

    report = validate_dataset(edited(synthesis_dataset, change), Settings())
    found = {(r.focus_node, r.path) for r in report.results if r.severity.endswith("Violation")}
    assert found == {
        (EV["example-guard-theme-beta"], CKG.evidenceKind),
        (EV["example-guard-theme-alpha"], CKG.evidenceFor),
    }


# -- contested: both sides ----------------------------------------------------------------------------------


def test_contested_items_have_support_and_dispute_from_different_studies(store: Store) -> None:
    assert run(store, "contested") == [
        {
            "item": "recommendation/example-fund-a-broker",
            "itemLabel": "The city funds a broker who links hub firms with small workshops (fictional)",
            "itemType": "Recommendation",
            "supportingStudies": 1,
            "disputingStudies": 1,
        },
        {
            "item": "concept/theme/hub-firms-broker-knowledge",
            "itemLabel": "Hub firms broker knowledge among cluster SMEs",
            "itemType": "Theme",
            "supportingStudies": 1,
            "disputingStudies": 1,
        },
        {
            "item": "concept/theme/hub-firms-guard-know-how",
            "itemLabel": "Hub firms guard their know-how",
            "itemType": "Theme",
            "supportingStudies": 1,
            "disputingStudies": 1,
        },
    ]


def test_not_contested_one_study_both_ways_no_dispute_or_the_seed(store: Store) -> None:
    contested = {row["item"] for row in run(store, "contested")}
    for item in (
        "recommendation/example-coordinator-for-new-clusters",  # Delta supports and disputes it
        "concept/theme/coordinators-raise-trust",  # Delta supports and disputes it
        "concept/theme/coordinators-help-new-clusters",  # supported, never disputed
        "recommendation/state-budget-infrastructure-investment",  # the seed: no dispute at all
    ):
        assert item not in contested


def test_contested_query_binds_one_item(store: Store) -> None:
    text = load_query(QUERIES / "contested.rq").text.replace(
        "VALUES ?item { UNDEF }",
        f"VALUES ?item {{ <{CKR['recommendation/example-fund-a-broker']}> }}",
    )
    assert [short(r["item"]) for r in store.query(text).rows] == [
        "recommendation/example-fund-a-broker"
    ]


def test_a_dispute_from_another_study_makes_an_item_contested(synthesis_dataset: Dataset) -> None:
    lowered = CKR["claim/example-delta-coordinator-lowered-trust"]

    def change(copy: Dataset) -> None:
        copy.graph(EXAMPLE_GRAPH).set(
            (lowered, CKG.attributedTo, CKR["study/example-epsilon-2022"])
        )

    assert contested_in(edited(synthesis_dataset, change)) == contested_in(synthesis_dataset) | {
        "recommendation/example-coordinator-for-new-clusters",
        "concept/theme/coordinators-raise-trust",
    }


def test_without_its_dispute_an_item_is_no_longer_contested(synthesis_dataset: Dataset) -> None:
    def change(copy: Dataset) -> None:
        copy.graph(EXAMPLE_GRAPH).set(
            (EV["example-broker-disputed-by-beta"], CKG.evidenceKind, CKG.Qualifies)
        )

    assert contested_in(edited(synthesis_dataset, change)) == contested_in(synthesis_dataset) - {
        "recommendation/example-fund-a-broker"
    }


def test_two_studies_merged_into_one_node_no_longer_contest(synthesis_dataset: Dataset) -> None:
    """Reconciliation rewrites merged studies to one IRI: Beta's claims become Alpha's, so Alpha both
    supports and disputes, which is no contest."""
    beta, alpha = CKR["study/example-beta-2020"], CKR["study/example-alpha-2019"]

    def change(copy: Dataset) -> None:
        graph = copy.graph(EXAMPLE_GRAPH)
        for claim in list(graph.subjects(CKG.attributedTo, beta)):
            graph.set((claim, CKG.attributedTo, alpha))

    # Each of the three contested items was Alpha against Beta; Gamma's mixed stance contests nothing.
    assert contested_in(edited(synthesis_dataset, change)) == set()


def test_a_claim_supports_one_theme_and_disputes_another(store: Store) -> None:
    rows = run(store, "synthesis-matrix")
    alpha = {
        (r["theme"], r["stance"])
        for r in rows
        if r["claim"] == "claim/example-alpha-hub-firms-pass-know-how"
    }
    assert alpha == {
        ("concept/theme/hub-firms-broker-knowledge", "Supports"),
        ("concept/theme/hub-firms-guard-know-how", "Disputes"),
    }


# -- the synthesis matrix --------------------------------------------------------------------------------


def test_matrix_one_row_per_stance_themes_by_label_studies_by_year(store: Store) -> None:
    rows = run(store, "synthesis-matrix")
    assert [(r["theme"].rsplit("/", 1)[1], r["studyCitedAs"], r["stanceLabel"]) for r in rows] == [
        ("coordinators-raise-trust", "Delta (2018)", "disputes"),
        ("coordinators-raise-trust", "Delta (2018)", "supports"),
        ("coordinators-help-new-clusters", "Example Field Study 2022", "supports"),
        ("coordinators-help-new-clusters", "Epsilon (2022)", "supports"),
        ("hub-firms-broker-knowledge", "Alpha (2019)", "supports"),
        ("hub-firms-broker-knowledge", "Beta (2020)", "disputes"),
        ("hub-firms-broker-knowledge", "Gamma (2021)", "mixed"),
        ("hub-firms-guard-know-how", "Alpha (2019)", "disputes"),
        ("hub-firms-guard-know-how", "Beta (2020)", "supports"),
    ]
    beta = next(r for r in rows if r["link"] == "evidence/example-hub-firms-theme-beta")
    assert beta["claim"] == "claim/example-beta-hub-firms-keep-know-how"
    assert (
        beta["claimLabel"]
        == "Hub firms in Example Valley keep their know-how to themselves (fictional)"
    )
    assert beta["study"] == "study/example-beta-2020" and beta["studyYear"] == "2020"


def test_merged_studies_are_one_column(synthesis_dataset: Dataset) -> None:
    beta, alpha = CKR["study/example-beta-2020"], CKR["study/example-alpha-2019"]

    def change(copy: Dataset) -> None:
        graph = copy.graph(EXAMPLE_GRAPH)
        for claim in list(graph.subjects(CKG.attributedTo, beta)):
            graph.set((claim, CKG.attributedTo, alpha))

    result = edited(synthesis_dataset, change).query(
        load_query(QUERIES / "synthesis-matrix.rq").bind()
    )
    assert {short(r.study) for r in result} == {  # type: ignore[union-attr]
        "study/example-alpha-2019",
        "study/example-gamma-2021",
        "study/example-delta-2018",
        "study/example-epsilon-2022",
        "document/example-field-study",
    }


def test_themes_are_concepts_in_their_own_scheme_linked_to_porter_and_actors(
    synthesis_dataset: Dataset,
) -> None:
    graph = synthesis_dataset.graph(EXAMPLE_GRAPH)
    themes = set(graph.subjects(RDF.type, CKG.Theme))
    assert len(themes) == 4
    assert {graph.value(t, SKOS.inScheme) for t in themes} == {CKR["scheme/example-themes"]}
    subjects = set(graph.objects(CKR["concept/theme/hub-firms-broker-knowledge"], DCTERMS.subject))
    assert subjects == {
        CKG.HubFirm,
        CKG.SME,
        CKR["concept/porter/related-and-supporting-industries"],
    }


def test_seed_alone_has_no_contested_item_and_no_theme(built: BuildResult) -> None:
    assert contested_in(built.dataset) == set()
    assert len(built.dataset.query(load_query(QUERIES / "synthesis-matrix.rq").bind())) == 0
