"""The query library (queries/*.rq): every file runs as it is, and answers exactly, and alike, on every backend.

Expected answers are read off the seed paper (../shared/seed/000_a9070600d8d8c5ce.txt) and its encoding in
kg/data/seed/. Each answer is checked on the memory, embedded and remote (Oxigraph server) stores, each
loaded once per module with the dataset `clusterkg build` makes. (That every query gives the same solutions
on every backend, term by term, is tested for the whole library in test_store_queries.py.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.term import Identifier

from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import PROJECT_ROOT
from clusterkg.kg.namespaces import CKG, CKR, ONTOLOGY_GRAPH, prefixed
from clusterkg.kg.queries import NamedQuery, load_query
from clusterkg.kg.store.base import Store
from tests.fixtures.stores import BACKENDS, open_backend

QUERIES = PROJECT_ROOT / "queries"
FILES = sorted(QUERIES.glob("*.rq"))
COMPETENCY_QUESTIONS = [
    "cq01-cluster-types",
    "cq02-porter-diamond",
    "cq03-hub-firm-evidence",
    "cq04-hanoi-cluster-figures",
    "cq05-governing-legal-instrument",
    "cq06-recommendations-to-peoples-committee",
    "cq07-infrastructure-policies",
    "cq08-research-questions-answers",
    "cq09-evidence-gaps",
    "cq10-evidence-chain",
]
# Queries whose answer on the seed graph is empty, and why; tests/test_synthesis.py and test_certainty.py
# assert their answers on the fictional example of tests/data/synthesis/.
EMPTY_ON_SEED = {
    "contested": "the seed paper has no disputing claim",
    "synthesis-matrix": "the seed graph has no themes",
    "certainty-overrides": "no reviewer has overridden a rating",
}
# IRIs are shown as the project's one converter writes them (kg.namespaces.prefixed: ckg:Term, unit:HA,
# rdf:type), resources by kind/slug without their `ckr:`.
DOCUMENT = "document/hanoi-industrial-clusters-2021"
NUMERIC = {XSD.integer, XSD.decimal, XSD.boolean}
Ask = Callable[..., list[dict[str, object]]]


def short(term: Identifier | None) -> object:
    """A term as the expected answers write it: short IRI, Python number or boolean, else the lexical form."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        name = prefixed(term)
        return str(term) if name is None else name.removeprefix("ckr:")
    if isinstance(term, Literal) and term.datatype in NUMERIC:
        return term.toPython()
    return str(term)


def returns(query: NamedQuery) -> list[str]:
    """The columns the header's `returns:` line promises."""
    return list(query.returns)


@pytest.fixture
def ask(library_store: Store) -> Ask:
    """ask(name, **params): the rows of query `name` on the store (defaults bound), columns shortened."""

    def run(name: str, **params: Identifier) -> list[dict[str, object]]:
        query = load_query(QUERIES / f"{name}.rq")
        text = query.bind(params)
        result = library_store.query(text)
        assert result.variables == returns(query)
        return [{v: short(row.get(v)) for v in result.variables} for row in result.rows]

    return run


def pick(rows: list[dict[str, object]], *columns: str) -> list[tuple]:
    return [tuple(row[c] for c in columns) for row in rows]


@pytest.fixture(scope="module", params=BACKENDS)
def library_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, built: BuildResult
) -> Iterator[Store]:
    """Each backend once per module, holding the built seed dataset."""
    store = open_backend(request.param, request, tmp_path_factory.mktemp("library"))
    try:
        store.load(built.dataset)
        yield store
    finally:
        if store.name == "remote":
            store.clear()
        store.close()


# -- every file -----------------------------------------------------------------------------------------


def test_library_holds_the_ten_competency_questions() -> None:
    assert [p.stem for p in FILES if p.stem.startswith("cq")] == COMPETENCY_QUESTIONS
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_header_says_what_the_query_asks_and_returns(path: Path) -> None:
    query = load_query(path)
    assert query.kind == "SELECT"
    assert query.summary and query.description and query.tags
    assert returns(query)
    for param in query.params:
        assert param.description, f"{param.name} has no description"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_query_runs_as_it_is_and_returns_its_columns(path: Path, built: BuildResult) -> None:
    query = load_query(path)
    result = built.dataset.query(query.bind())
    assert [str(v) for v in result.vars] == returns(query)
    assert (len(result) == 0) == (path.stem in EMPTY_ON_SEED)


# -- the ten competency questions -----------------------------------------------------------------------


def test_cq01_three_cluster_types_defined_by_gordon_and_mccann(ask: Ask) -> None:
    rows = ask("cq01-cluster-types")
    assert pick(rows, "type", "typeLabel", "study", "studyCitedAs", "claim") == [
        (
            "ckg:MarshallianIndustrialDistrict",
            "Marshallian industrial district",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-industrial-district",
        ),
        (
            "ckg:MarshallianIndustrialDistrict",
            "Marshallian industrial district",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-three-types",
        ),
        (
            "ckg:IndustrialComplex",
            "industrial complex",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-industrial-complex",
        ),
        (
            "ckg:IndustrialComplex",
            "industrial complex",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-three-types",
        ),
        (
            "ckg:SocialNetworkCluster",
            "social network cluster",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-social-network",
        ),
        (
            "ckg:SocialNetworkCluster",
            "social network cluster",
            "study/gordon-mccann-2000",
            "Gordon and McCann (2000)",
            "claim/gordon-mccann-2000-three-types",
        ),
    ]
    assert dict(pick(rows, "type", "definition")) == {
        "ckg:MarshallianIndustrialDistrict": "The canonical Marshallian 'industrial district': a densely "
        "concentrated agglomeration of various actors, who draw mutual benefit from tight association with "
        "other cluster members.",
        "ckg:IndustrialComplex": "An 'industrial complex': a cluster designed and oriented around the material "
        "and service requirements of a small number of end-market producers.",
        "ckg:SocialNetworkCluster": "A 'social network': a cluster defined by inter-firm and inter-personal "
        "relationships, where social capital and mutual trust is more relevant than mere geographic proximity.",
    }
    assert dict(pick(rows, "claim", "quote")) == {
        "claim/gordon-mccann-2000-three-types": "In a more expansive view on the nature of industrial clusters, "
        "Gordon and McCann (2000), identified three distinct types:",
        "claim/gordon-mccann-2000-industrial-district": "(1) The canonical Marshallian ‘industrial district,’ a "
        "densely concentrated agglomeration of various actors, who draw mutual benefit from tight association "
        "with other cluster members",
        "claim/gordon-mccann-2000-industrial-complex": "(2) ‘industrial complexes,’ designed and oriented around "
        "the material and service requirements of a small number of end-market producers",
        "claim/gordon-mccann-2000-social-network": "(3) ‘social networks,’ defined by inter-firm and "
        "inter-personal relationships, where social capital and mutual trust is more relevant than mere "
        "geographic proximity.",
    }


def test_cq02_four_porter_factors_with_elements_cited_to_porter_and_bergman_feser(ask: Ask) -> None:
    rows = ask("cq02-porter-diamond")
    cited = [
        ("cited study", "study/bergman-feser-2020", "Bergman and Feser, 2020"),
        ("cited study", "study/porter-1990", "Porter, 1990"),
    ]
    porter = "concept/porter/"
    assert pick(rows, "factorLabel", "kind", "item", "itemLabel") == [
        *[("demand conditions", *c) for c in cited],
        (
            "demand conditions",
            "element",
            porter + "consumer-demand-for-foreign-versus-domestic-goods",
            "consumer demand for foreign versus domestic goods",
        ),
        (
            "demand conditions",
            "element",
            porter + "local-industrial-demand-for-intermediate-goods",
            "local industrial demand for intermediate goods",
        ),
        *[("factor conditions", *c) for c in cited],
        (
            "factor conditions",
            "element",
            porter + "educated-and-skilled-labour",
            "educated and skilled labour",
        ),
        (
            "factor conditions",
            "element",
            porter + "industrial-transportation-or-communication-infrastructure",
            "industrial, transportation, or communication infrastructure",
        ),
        ("factor conditions", "element", porter + "natural-resources", "natural resources"),
        (
            "factor conditions",
            "element",
            porter + "technical-and-research-expertise",
            "technical and research expertise",
        ),
        *[("firm strategy, structure, and rivalry", *c) for c in cited],
        (
            "firm strategy, structure, and rivalry",
            "element",
            porter + "attitudes-regarding-inter-firm-competition-rivalry-and-cooperation",
            "attitudes regarding inter-firm competition, rivalry, and cooperation",
        ),
        (
            "firm strategy, structure, and rivalry",
            "element",
            porter
            + "historical-and-cultural-norms-regarding-relations-between-government-labour-and-private-enterprise",
            "historical and cultural norms regarding relations between government, labour, and private enterprise",
        ),
        *[("related and supporting industries", *c) for c in cited],
        (
            "related and supporting industries",
            "element",
            porter + "potential-collaborators-such-as-suppliers-and-service-firms",
            "potential collaborators such as suppliers and service firms",
        ),
        (
            "related and supporting industries",
            "element",
            porter + "successful-competitors-and-rivals",
            "successful competitors and rivals",
        ),
    ]
    assert {row["factor"] for row in rows} == {
        porter + f
        for f in (
            "factor-conditions",
            "demand-conditions",
            "firm-strategy-structure-and-rivalry",
            "related-and-supporting-industries",
        )
    }


def test_cq03_hub_firm_evidence_separates_batterink_from_the_papers_own_statements(
    ask: Ask,
) -> None:
    rows = ask("cq03-hub-firm-evidence")
    assert pick(rows, "study", "studyLabel", "year", "ownStatement", "claim", "quote") == [
        (
            "study/batterink-et-al-2014",
            "Batterink et al., 2014",
            "2014",
            False,
            "claim/batterink-et-al-2014-focus-on-hub-firms",
            "Extant studies on industry cluster development and innovation have focused on hub firms.",
        ),
        (
            "study/batterink-et-al-2014",
            "Batterink et al., 2014",
            "2014",
            False,
            "claim/batterink-et-al-2014-most-contacts",
            "They are the companies that have the largest number of contacts with other member firms in the cluster",
        ),
        (
            "study/batterink-et-al-2014",
            "Batterink et al., 2014",
            "2014",
            False,
            "claim/batterink-et-al-2014-social-exchange",
            "Hub firms play a valuable role in facilitating social exchange within a cluster network.",
        ),
        (
            DOCUMENT,
            "Seed paper: industrial clusters in Hanoi (Webology 18(2), 2021)",
            "2021",
            True,
            "claim/hanoi-2021-hub-firm-business-model",
            (
                "In addition, by working with new enterprises that already have relationships with existing partners, "
                "the hub firm can create a new business model to adapt to the future or even enhance the structure and "
                "promote the overall dynamic development of the cluster network."
            ),
        ),
        (
            DOCUMENT,
            "Seed paper: industrial clusters in Hanoi (Webology 18(2), 2021)",
            "2021",
            True,
            "claim/hanoi-2021-hub-firms-local-suppliers",
            "Trade relationships can also be found between hub firms and local suppliers.",
        ),
        (
            DOCUMENT,
            "Seed paper: industrial clusters in Hanoi (Webology 18(2), 2021)",
            "2021",
            True,
            "claim/hanoi-2021-hub-firms-network-performance",
            (
                "By building new and promising relationships, hub firms can enhance network performance through "
                "existing relationships."
            ),
        ),
    ]


def test_cq03_with_another_subject_lists_its_claims(ask: Ask) -> None:
    rows = ask("cq03-hub-firm-evidence", subject=CKG.ClusterCoordinator)
    assert pick(rows, "study", "ownStatement", "claim") == [
        ("study/bembenek-kowalska-2016", False, "claim/bembenek-kowalska-2016-adelante"),
        (
            "study/bembenek-kowalska-2016",
            False,
            "claim/bembenek-kowalska-2016-coordinator-involvement",
        ),
        ("study/bembenek-kowalska-2016", False, "claim/bembenek-kowalska-2016-coordinator-role"),
    ]


def test_cq04_seventy_clusters_nearly_1400_hectares_more_than_1000_businesses(ask: Ask) -> None:
    rows = ask("cq04-hanoi-cluster-figures")
    measure = "concept/measure/"
    assert [tuple(row.values()) for row in rows] == [
        (
            measure + "operating-industrial-clusters",
            "number of operating industrial clusters",
            70,
            "ckg:AsStated",
            "as stated",
            "unit:NUM",
            "industrial clusters",
            "70 industrial clusters",
            "currently",
            "Hanoi currently has 70 industrial clusters operating",
        ),
        (
            measure + "operating-cluster-area",
            "total area of operating industrial clusters",
            1400,
            "ckg:Nearly",
            "nearly",
            "unit:HA",
            "hectares",
            "nearly 1,400 hectares",
            "currently",
            "on a total area of nearly 1,400 hectares",
        ),
        (
            measure + "businesses-attracted",
            "businesses attracted into production and business",
            1000,
            "ckg:MoreThan",
            "more than",
            "unit:NUM",
            "businesses",
            "more than 1,000 businesses",
            "currently",
            "attracting more than 1,000 businesses into production and business",
        ),
    ]


def test_cq05_decree_68_2017_nd_cp_issued_25_may_2017(ask: Ask) -> None:
    rows = ask("cq05-governing-legal-instrument")
    assert [tuple(row.values()) for row in rows] == [
        (
            "legal/decree-68-2017-nd-cp",
            "Decree No. 68/2017/ND-CP",
            "68/2017/ND-CP",
            "2017-05-25",
            "actor/the-government",
            "the Government",
            "cluster management and development",
            "Decree No. 68/2017/ND-CP dated May 25, 2017 of the Government on management. , developing CCN.",
        ),
    ]


def test_cq06_peoples_committee_funds_two_items_from_the_state_budget(ask: Ask) -> None:
    rows = ask("cq06-recommendations-to-peoples-committee")
    recommendation = "recommendation/state-budget-infrastructure-investment"
    label = "The City People's Committee allocates state-budget investment capital to cluster infrastructure"
    assert [tuple(row.values()) for row in rows] == [
        (
            recommendation,
            label,
            "concept/topic/state-budget",
            "state budget",
            "a",
            recommendation + "-item-a",
            "Invest in infrastructure outside the fence of the industrial clusters before their establishment",
            (
                "a) Invest in the construction of infrastructure outside the fence of the industrial clusters before "
                "its establishment;"
            ),
        ),
        (
            recommendation,
            label,
            "concept/topic/state-budget",
            "state budget",
            "b",
            recommendation + "-item-b",
            "Support investment in building infrastructure in industrial clusters",
            "b) Support investment in building infrastructure in industrial clusters",
        ),
    ]


def test_cq07_seven_policies_affect_industrial_infrastructure_from_an_open_list(ask: Ask) -> None:
    rows = ask("cq07-infrastructure-policies")
    assert pick(rows, "policy", "quote") == [
        ("policy/cluster-development-planning", "CCN development planning"),
        ("policy/credit", "Credit policy"),
        (
            "policy/detailed-infrastructure-construction-planning",
            "Detailed planning on construction of industrial infrastructure",
        ),
        (
            "policy/land-fund-acquisition",
            "Policy on acquiring land fund for construction of industrial infrastructure",
        ),
        ("policy/construction-quality-management", "Policy on construction quality management"),
        ("policy/development-of-industrial-zones", "Policy on development of industrial zones"),
        (
            "policy/preferential-infrastructure-investment",
            "Preferential policies for investment in the construction of industrial infrastructure",
        ),
    ]
    assert {(row["listedIn"], row["openList"]) for row in rows} == {
        ("claim/hanoi-2021-main-policies", True)
    }
    assert [row["policyLabel"] for row in rows] == [row["quote"] for row in rows]


def test_cq08_two_research_questions_and_what_answers_them(ask: Ask) -> None:
    rows = ask("cq08-research-questions-answers")
    q1 = "What are recommendations for industrial clusters (IC) to grow in future?"
    q2 = "What are models and frameworks for IC development?"
    assert pick(rows, "question", "number", "questionText", "kind", "answer") == [
        ("rq/hanoi-2021-q1", 1, q1, "finding", "claim/hanoi-2021-finding-infrastructure"),
        ("rq/hanoi-2021-q1", 1, q1, "finding", "claim/hanoi-2021-finding-planning-contents"),
        (
            "rq/hanoi-2021-q1",
            1,
            q1,
            "recommendation",
            "recommendation/state-budget-infrastructure-investment",
        ),
        (
            "rq/hanoi-2021-q1",
            1,
            q1,
            "recommendation",
            "recommendation/cluster-development-planning-contents",
        ),
        (
            "rq/hanoi-2021-q1",
            1,
            q1,
            "recommendation",
            "recommendation/cluster-development-planning-procedure",
        ),
        ("rq/hanoi-2021-q2", 2, q2, "finding", "claim/hanoi-2021-finding-models-and-frameworks"),
        ("rq/hanoi-2021-q2", 2, q2, "finding", "claim/hanoi-2021-finding-porter-ecosystem"),
    ]
    assert all(row["basis"] for row in rows)


def test_cq09_all_three_recommendations_rest_on_no_cited_study(ask: Ask) -> None:
    rows = ask("cq09-evidence-gaps")
    assert [tuple(row.values()) for row in rows] == [
        (
            1,
            "recommendation/state-budget-infrastructure-investment",
            "The City People's Committee allocates state-budget investment capital to cluster infrastructure",
            True,
            3,
            2,
        ),
        (
            2,
            "recommendation/cluster-development-planning-contents",
            (
                "The cluster development planning project contains legal bases, situation analysis, orientation, "
                "solutions, environmental assessment and planning maps"
            ),
            True,
            1,
            2,
        ),
        (
            3,
            "recommendation/cluster-development-planning-procedure",
            (
                "Cluster development planning is formulated, approved and managed under current regulations and "
                "announced within 30 days of approval"
            ),
            True,
            0,
            0,
        ),
    ]


def test_cq10_evidence_chain_of_the_state_budget_recommendation(ask: Ask) -> None:
    rows = ask("cq10-evidence-chain")
    assert {(row["recommendationLabel"], row["recommendationQuote"]) for row in rows} == {
        (
            "The City People's Committee allocates state-budget investment capital to cluster infrastructure",
            (
                "Based on the local budget capacity, the City People & Committee shall stipulate the level and "
                "allocate investment capital from the state budget to:"
            ),
        ),
    }
    assert pick(rows, "link", "kindLabel", "claim", "study", "ownStatement", "quote") == [
        (
            "evidence/state-budget-rests-on-clusters-needing-improvement",
            "supports",
            "claim/hanoi-2021-remaining-clusters-need-improvement",
            DOCUMENT,
            True,
            (
                "The remaining 54 CCNs still need to be further improved in the synchronization of infrastructure, "
                "wastewater treatment systems, fire prevention and fighting, trees..."
            ),
        ),
        (
            "evidence/state-budget-rests-on-critical-investment",
            "supports",
            "claim/hanoi-2021-infrastructure-critical-investment",
            DOCUMENT,
            True,
            (
                "If the infrastructure does not make the critical investment in terms of capital, capacity, output, "
                "and quality, it will limit the effect of infrastructure, causing significant damage to the economy."
            ),
        ),
        (
            "evidence/state-budget-rests-on-large-capital",
            "supports",
            "claim/hanoi-2021-infrastructure-large-capital",
            DOCUMENT,
            True,
            (
                "CCN infrastructure has a large investment capital, which is beyond the capacity of a production and "
                "business establishment in the CCN, the time to recover the investment capital in the CCN "
                "infrastructure is also long, so it is necessary to build the CCN infrastructure. The state plays an "
                "important role in investment, encouraging investment and creating it."
            ),
        ),
        (
            "evidence/state-budget-in-context-of-corruption-risk",
            "contextualises",
            "claim/hanoi-2021-infrastructure-corruption",
            DOCUMENT,
            True,
            (
                "In the absence of tight financial and economic institutions, infrastructure is an area with high "
                "potential for loss and corruption."
            ),
        ),
        (
            "evidence/state-budget-in-context-of-porter",
            "contextualises",
            "claim/porter-1990-mutually-reinforcing",
            "study/porter-1990",
            False,
            (
                "Crucially, Porter frames these four elements as being mutually reinforcing and interdependent, "
                "underlining the point that a successful cluster requires a broad ecosystem of actors, as well as "
                "material resources and policy support"
            ),
        ),
    ]
    assert all(row["rationale"] and row["claimLabel"] and row["studyLabel"] for row in rows)


def test_cq10_chain_of_another_recommendation(ask: Ask) -> None:
    rows = ask(
        "cq10-evidence-chain",
        recommendation=CKR["recommendation/cluster-development-planning-contents"],
    )
    assert pick(rows, "link", "kindLabel", "claim", "study", "quote") == [
        (
            "evidence/planning-contents-rest-on-approved-planning",
            "supports",
            "claim/hanoi-2021-approved-planning-basis",
            DOCUMENT,
            (
                "The approved industrial park development planning is the basis for considering and deciding on the "
                "establishment of industrial zones, calling for investment in infrastructure construction, planning to "
                "relocate polluting enterprises and production facilities or there is a risk of polluting out of craft "
                "villages, residential areas and mobilizing and attracting investment in production and business in "
                "industrial zones."
            ),
        ),
        (
            "evidence/planning-contents-illustrated-by-2020",
            "illustrates",
            "claim/hanoi-2021-planning-land-resolved",
            DOCUMENT,
            (
                "investment was deployed quite smoothly because problems in planning and land were resolved by "
                "departments and branches advising the City People's Committee."
            ),
        ),
        (
            "evidence/planning-contents-in-context-of-local-policy",
            "contextualises",
            "claim/hanoi-2021-local-policy-influence",
            DOCUMENT,
            "Local policies have a positive or negative influence on the development of CCNs.",
        ),
    ]


def test_cq10_recommendation_without_links_gives_one_row_without_a_chain(ask: Ask) -> None:
    rows = ask(
        "cq10-evidence-chain",
        recommendation=CKR["recommendation/cluster-development-planning-procedure"],
    )
    assert len(rows) == 1
    assert rows[0]["recommendationQuote"].startswith(
        "The order of formulation, approval and management"
    )
    assert [column for column, value in rows[0].items() if value is not None] == [
        "recommendationLabel",
        "recommendationQuote",
    ]


# -- the researcher's queries ---------------------------------------------------------------------------


def test_studies_per_porter_factor(ask: Ask) -> None:
    rows = ask("studies-per-porter-factor")
    assert pick(rows, "factorLabel", "studies", "claims") == [
        ("demand conditions", 2, 2),
        ("factor conditions", 2, 2),
        ("firm strategy, structure, and rivalry", 2, 2),
        ("related and supporting industries", 2, 2),
    ]


def test_studies_per_actor_kind(ask: Ask) -> None:
    rows = ask("studies-per-actor-kind")
    assert pick(rows, "kind", "studies", "citedClaims", "ownClaims") == [
        ("ckg:Actor", 11, 25, 10),
        ("ckg:Firm", 9, 16, 6),
        ("ckg:SME", 3, 7, 0),
        ("ckg:Employee", 2, 2, 0),
        ("ckg:Supplier", 2, 1, 1),
        ("ckg:Competitor", 2, 1, 0),
        ("ckg:ServiceFirm", 2, 1, 0),
        ("ckg:HubFirm", 1, 3, 3),
        ("ckg:ClusterCoordinator", 1, 3, 0),
        ("ckg:Industry", 1, 3, 0),
        ("ckg:GovernmentBody", 1, 2, 4),
        ("ckg:EducationInstitution", 1, 2, 0),
        ("ckg:ClusterStakeholder", 1, 1, 1),
        ("ckg:BusinessSupportInstitution", 1, 1, 0),
        ("ckg:ExternalInstitution", 1, 1, 0),
        ("ckg:ProjectManager", 1, 1, 0),
        ("ckg:ResearchInstitution", 1, 1, 0),
        ("ckg:LocalStateManagementAgency", 0, 0, 2),
        ("ckg:BusinessEstablishment", 0, 0, 2),
        ("ckg:CoreEnterprise", 0, 0, 1),
        ("ckg:InnovationActor", 0, 0, 1),
        ("ckg:Investor", 0, 0, 1),
        ("ckg:PeoplesCommittee", 0, 0, 0),
    ]


def test_claims_per_cluster_type(ask: Ask) -> None:
    rows = ask("claims-per-cluster-type")
    assert pick(rows, "type", "claims", "citedClaims", "studies") == [
        ("ckg:IndustrialCluster", 18, 14, 5),
        ("ckg:MarshallianIndustrialDistrict", 3, 2, 1),
        ("ckg:IndustrialComplex", 3, 2, 1),
        ("ckg:SocialNetworkCluster", 3, 2, 1),
    ]


def test_bibliography_one_row_per_author_in_order(ask: Ask) -> None:
    rows = ask("bibliography")
    assert pick(rows, "study", "citedAs", "year", "position", "author", "authorListComplete") == [
        ("study/unattributed-2005", "2005", "2005", None, "not stated", None),
        (
            "study/alsaadi-norhayatizakuan-2021",
            "Alsaadi & Norhayatizakuan 2021",
            "2021",
            1,
            "Alsaadi",
            True,
        ),
        (
            "study/alsaadi-norhayatizakuan-2021",
            "Alsaadi & Norhayatizakuan 2021",
            "2021",
            2,
            "Norhayatizakuan",
            True,
        ),
        ("study/batterink-et-al-2014", "Batterink et al., 2014", "2014", 1, "Batterink", False),
        ("study/bembenek-kowalska-2016", "Bembenek & Kowalska 2016", "2016", 1, "Bembenek", True),
        ("study/bembenek-kowalska-2016", "Bembenek & Kowalska 2016", "2016", 2, "Kowalska", True),
        ("study/bergman-feser-2020", "Bergman and Feser, 2020", "2020", 1, "Bergman", True),
        ("study/bergman-feser-2020", "Bergman and Feser, 2020", "2020", 2, "Feser", True),
        ("study/darwish-et-al-2021", "Darwish et al 2021", "2021", 1, "Darwish", False),
        ("study/giuliani-bell-2005", "Giuliani & Bell, 2005", "2005", 1, "Giuliani", True),
        ("study/giuliani-bell-2005", "Giuliani & Bell, 2005", "2005", 2, "Bell", True),
        ("study/gordon-mccann-2000", "Gordon and McCann (2000)", "2000", 1, "Gordon", True),
        ("study/gordon-mccann-2000", "Gordon and McCann (2000)", "2000", 2, "McCann", True),
        ("study/li-et-al-2013", "Li et al., 2013", "2013", 1, "Li", False),
        ("study/morosini-2004", "Morosini, P 2004", "2004", 1, "Morosini, P", True),
        ("study/munnich-et-al-1999", "Munnich et al (1999)", "1999", 1, "Munnich", False),
        ("study/narula-2004", "Narula 2004", "2004", 1, "Narula", True),
        ("study/porter-1990", "Porter, 1990", "1990", 1, "Porter", True),
        ("study/roberts-enright-2004", "Roberts and Enright 2004", "2004", 1, "Roberts", True),
        ("study/roberts-enright-2004", "Roberts and Enright 2004", "2004", 2, "Enright", True),
        (
            DOCUMENT,
            "Webology (ISSN: 1735-188X) Volume 18, Number 2, 2021",
            "2021",
            None,
            "not stated",
            None,
        ),
    ]
    assert {row["title"] for row in rows} == {"not stated"}
    assert pick(
        [r for r in rows if r["study"] == DOCUMENT], "venue", "issn", "volume", "issue", "doi"
    ) == [("Webology", "1735-188X", "18", "2", None)]


def test_concept_cooccurrence(ask: Ask, built: BuildResult) -> None:
    rows = ask("concept-cooccurrence")
    assert pick(rows[:3], "subjectA", "subjectB", "claims", "studies") == [
        (
            "concept/topic/industrial-infrastructure",
            "concept/topic/infrastructure-investment",
            4,
            1,
        ),
        ("ckg:HubFirm", "concept/topic/interfirm-networks", 3, 2),
        ("ckg:SME", "concept/topic/sme-development", 3, 2),
    ]
    pairs = {(row["subjectA"], row["subjectB"]): (row["claims"], row["studies"]) for row in rows}
    assert pairs[("ckg:HubFirm", "ckg:Supplier")] == (1, 1)
    assert pairs[("ckg:Supplier", "concept/porter/related-and-supporting-industries")] == (1, 2)
    assert len(rows) == 135
    # Each claim with k subjects makes k(k-1)/2 pairs: the counts add up to that over all claims.
    claims = [CKR[row["claim"]] for row in ask("claim-quotes")]
    sizes = [len(set(built.dataset.objects(claim, DCTERMS.subject))) for claim in claims]
    assert sum(row["claims"] for row in rows) == sum(k * (k - 1) // 2 for k in sizes)


def test_statistics_with_qualifiers(ask: Ask) -> None:
    rows = ask("statistics-with-qualifiers")
    assert pick(
        rows,
        "statistic",
        "value",
        "qualifierLabel",
        "unit",
        "valueAsStated",
        "placeLabel",
        "period",
    ) == [
        (
            "statistic/hanoi-state-budget-payments",
            None,
            "order of magnitude only",
            None,
            "tens of thousands of billions of dong",
            "Hanoi",
            "annually",
        ),
        (
            "statistic/hanoi-businesses-attracted",
            1000,
            "more than",
            "unit:NUM",
            "more than 1,000 businesses",
            "Hanoi",
            "currently",
        ),
        (
            "statistic/hanoi-clusters-needing-improvement",
            54,
            "as stated",
            "unit:NUM",
            "54 CCNs",
            "Hanoi",
            "so far",
        ),
        (
            "statistic/hanoi-developed-clusters",
            16,
            "about",
            "unit:NUM",
            "about 16 developed CCNs",
            "Hanoi",
            "so far",
        ),
        (
            "statistic/hanoi-clusters-decided-2018-2020",
            43,
            "as stated",
            "unit:NUM",
            "43 industrial clusters (CCNs)",
            "Hanoi",
            "2018 - 2020",
        ),
        (
            "statistic/hanoi-parks-established-2020",
            25,
            "as stated",
            "unit:NUM",
            "25 industrial parks",
            "Hanoi",
            "2020",
        ),
        (
            "statistic/hanoi-operating-clusters",
            70,
            "as stated",
            "unit:NUM",
            "70 industrial clusters",
            "Hanoi",
            "currently",
        ),
        (
            "statistic/hanoi-established-park-area-2020",
            Decimal("497.4"),
            "as stated",
            "unit:HA",
            "497.4ha",
            "Hanoi",
            "2020",
        ),
        (
            "statistic/hanoi-operating-cluster-area",
            1400,
            "nearly",
            "unit:HA",
            "nearly 1,400 hectares",
            "Hanoi",
            "currently",
        ),
    ]
    assert {row["reportedIn"] for row in rows} == {DOCUMENT}
    assert all(row["quote"] for row in rows)


def test_claims_of_a_study(ask: Ask) -> None:
    rows = ask("claims-of-study")
    assert pick(rows, "claim", "reportedIn", "ownStatement", "section") == [
        (
            f"claim/batterink-et-al-2014-{slug}",
            DOCUMENT,
            False,
            "2. THEORETICAL BACKGROUND AND PREVIOUS STUDIES",
        )
        for slug in ("focus-on-hub-firms", "interfirm-networks", "most-contacts", "social-exchange")
    ]
    assert (
        rows[1]["quote"]
        == "Therefore, interfirm networks are crucial to SMEs’ innovation processes."
    )
    unattributed = ask("claims-of-study", study=CKR["study/unattributed-2005"])
    assert pick(unattributed, "claim", "quote") == [
        (
            "claim/unattributed-2005-allocation",
            (
                "Therefore, this industry pattern can promote rational allocation of technology, talent and capital, "
                "and stimulates technique progress and management innovation effectively by exemplary function."
            ),
        ),
        (
            "claim/unattributed-2005-specialisation",
            (
                "Theoretically, industrial cluster can reinforce specialized division and give full play to industry "
                "association and cooperation."
            ),
        ),
    ]


def test_concept_profile(ask: Ask) -> None:
    skos = "skos:"
    porter = "concept/porter/"
    others = [
        "demand-conditions",
        "firm-strategy-structure-and-rivalry",
        "related-and-supporting-industries",
    ]
    elements = [
        "educated-and-skilled-labour",
        "industrial-transportation-or-communication-infrastructure",
        "natural-resources",
        "technical-and-research-expertise",
    ]
    rows = ask("concept-profile")
    assert pick(rows, "direction", "property", "other") == [
        ("out", "rdf:type", skos + "Concept"),
        ("out", "rdfs:label", "factor conditions"),
        ("out", skos + "inScheme", "scheme/porter-diamond"),
        *[("out", skos + "narrower", porter + e) for e in elements],
        ("out", skos + "prefLabel", "factor conditions"),
        (
            "out",
            skos + "scopeNote",
            "One of the four elements of Porter's diamond, as the seed paper lists it.",
        ),
        ("out", skos + "topConceptOf", "scheme/porter-diamond"),
        *[("out", "ckg:mutuallyReinforcing", porter + o) for o in others],
        ("in", "dcterms:subject", "claim/hanoi-2021-finding-porter-ecosystem"),
        (
            "in",
            "dcterms:subject",
            "claim/porter-1990-bergman-feser-2020-factor-conditions",
        ),
        ("in", "dcterms:subject", "claim/porter-1990-mutually-reinforcing"),
        *[("in", skos + "broader", porter + e) for e in elements],
        ("in", skos + "hasTopConcept", "scheme/porter-diamond"),
        *[("in", "ckg:mutuallyReinforcing", porter + o) for o in others],
    ]
    hub = ask("concept-profile", concept=CKG.HubFirm)
    assert [r["other"] for r in hub if r["direction"] == "in"] == [
        "claim/batterink-et-al-2014-focus-on-hub-firms",
        "claim/batterink-et-al-2014-most-contacts",
        "claim/batterink-et-al-2014-social-exchange",
        "claim/hanoi-2021-hub-firm-business-model",
        "claim/hanoi-2021-hub-firms-local-suppliers",
        "claim/hanoi-2021-hub-firms-network-performance",
    ]


def test_recommendation_evidence_summary(ask: Ask) -> None:
    rows = ask("recommendation-evidence-summary")
    assert pick(
        rows,
        "position",
        "recommendation",
        "supports",
        "illustrates",
        "contextualises",
        "citedStudies",
        "restsOnOwnAnalysis",
    ) == [
        (1, "recommendation/state-budget-infrastructure-investment", 3, 0, 2, 1, True),
        (2, "recommendation/cluster-development-planning-contents", 1, 1, 1, 0, True),
        (3, "recommendation/cluster-development-planning-procedure", 0, 0, 0, 0, True),
    ]


def test_infrastructure_requirements_characteristics_and_risks(ask: Ask) -> None:
    rows = ask("infrastructure-requirements-and-risks")
    claim = "claim/hanoi-2021-infrastructure-"
    assert pick(rows, "kind", "claim") == [
        *[
            ("requirement", claim + s)
            for s in (
                "capital-allocation",
                "humanistic-content",
                "sustainable-basis",
                "synchronicity",
                "systematicity",
            )
        ],
        *[
            ("characteristic", claim + s)
            for s in ("large-capital", "large-works", "operation-limitation", "significance")
        ],
        *[
            ("risk", claim + s)
            for s in ("corruption", "critical-investment", "formalism", "lacking-system")
        ],
    ]
    assert {(row["study"], row["section"]) for row in rows} == {
        (DOCUMENT, "4.2 Infrastructures building for Industrial clusters development in Hanoi city")
    }
    assert dict(pick(rows, "claim", "quote"))[claim + "formalism"] == (
        "if too much emphasis is placed on ostentatiousness beyond its limits, it will fall into formalism, "
        "creating low efficient infrastructure, causing waste, reducing actual production capacity, affect "
        "overall growth."
    )


def test_every_claim_has_its_quote(ask: Ask) -> None:
    rows = ask("claim-quotes")
    assert len(rows) == 75
    assert [row["claim"] for row in rows if not row["exact"]] == []
    assert {row["source"] for row in rows} == {DOCUMENT}
    quotes = dict(pick(rows, "claim", "exact"))
    assert quotes["claim/hanoi-2021-limitation-csr"] == (
        "Our study can expand to other areas for development of CSR in the business community."
    )
    assert pick([r for r in rows if r["prefix"] or r["suffix"]], "claim", "prefix", "suffix") == [
        ("claim/hanoi-2021-finding-planning-contents", "policy support. Next, ", None),
    ]


# -- the synthesis ---------------------------------------------------------------------------------------


def test_certainty_of_the_seeds_recommendations_rests_on_its_own_analysis(ask: Ask) -> None:
    rows = ask("certainty")
    own = "rests on the paper's own analysis; no cited study"
    assert pick(rows, "item", "itemType", "rating", "ratingLabel", "steps", "reasons") == [
        (
            "recommendation/cluster-development-planning-contents",
            "ckg:Recommendation",
            "ckg:LowCertainty",
            "low",
            2,
            f"{own}; no dispute; first-hand evidence only; its setting is not stated",
        ),
        (
            "recommendation/cluster-development-planning-procedure",
            "ckg:Recommendation",
            "ckg:LowCertainty",
            "low",
            2,
            f"{own}; no dispute; no supporting claim to judge first- or second-hand; its setting is not stated",
        ),
        (
            "recommendation/state-budget-infrastructure-investment",
            "ckg:Recommendation",
            "ckg:LowCertainty",
            "low",
            2,
            f"{own}; no dispute; first-hand evidence only; evidence from the same setting",
        ),
    ]
    assert {row["adequacy"] for row in rows} == {own}
    assert {row["coherence"] for row in rows} == {"no dispute"}


@pytest.mark.parametrize("name", sorted(EMPTY_ON_SEED))
def test_synthesis_queries_find_nothing_on_the_seed(ask: Ask, name: str) -> None:
    assert ask(name) == []


# -- the ontology pages' queries (queries/ontology/) ----------------------------------------------------


def test_ontology_graph_is_the_ontology_as_built(library_store: Store, built: BuildResult) -> None:
    query = load_query(QUERIES / "ontology" / "graph.rq")
    assert query.returns == ("graph",)
    graph = library_store.query(query.bind()).graph
    assert isomorphic(graph, built.dataset.graph(ONTOLOGY_GRAPH))


def test_ontology_inferred_superclasses_on_the_seed(ask: Ask) -> None:
    # every subclass link between the seed ontology's named classes is asserted: the reasoner adds none
    # (tests/test_ontodocs.py shows one it adds, on a fourth cluster type)
    assert ask("ontology/inferred-superclasses") == []


def test_ontology_class_instances_and_examples(ask: Ask, built: BuildResult) -> None:
    kinds = {
        CKG.Claim,
        *built.dataset.subjects(RDFS.subClassOf, CKG.Claim),
    }  # its subclasses are leaves
    claims = sorted({s for kind in kinds for s in built.dataset.subjects(RDF.type, kind)})
    assert len(claims) == 75  # 54 plain claims, 21 findings, requirements, risks, limitations, ...
    assert ask("ontology/class-instance-count", **{"class": CKG.Claim}) == [{"instances": 75}]
    examples = ask("ontology/class-examples", **{"class": CKG.Claim})
    assert examples == [{"instance": short(c)} for c in claims[:5]]
    assert ask("ontology/class-instance-count", **{"class": CKG.IndustrialComplex}) == [
        {"instances": 0}
    ]


def test_ontology_property_usage_and_examples(ask: Ask, built: BuildResult) -> None:
    pairs = sorted(set(built.dataset.subject_objects(CKG.attributedTo)))
    assert len(pairs) == 80  # 75 claims, of which some are attributed to two studies
    assert ask("ontology/property-usage-count") == [{"uses": 80}]
    rows = ask("ontology/property-examples")
    assert pick(rows, "subject", "value") == [(short(s), short(o)) for s, o in pairs[:5]]


def test_ontology_concept_schemes_porter_diamond_hierarchy(ask: Ask) -> None:
    rows = [r for r in ask("ontology/concept-schemes") if r["scheme"] == "scheme/porter-diamond"]
    tops = {r["concept"] for r in rows if r["broader"] is None}
    assert tops == {
        "concept/porter/factor-conditions",
        "concept/porter/demand-conditions",
        "concept/porter/firm-strategy-structure-and-rivalry",
        "concept/porter/related-and-supporting-industries",
    }
    assert {r["concept"] for r in rows if r["broader"] == "concept/porter/factor-conditions"} == {
        "concept/porter/natural-resources",
        "concept/porter/educated-and-skilled-labour",
        "concept/porter/technical-and-research-expertise",
        "concept/porter/industrial-transportation-or-communication-infrastructure",
    }
    # every element has exactly one broader factor, and every concept of the scheme is listed
    elements = [r["concept"] for r in rows if r["broader"] is not None]
    assert len(elements) == len(set(elements)) and len(rows) == len(tops) + len(elements)
