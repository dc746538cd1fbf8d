"""The seed's own synthesis table as a round trip: kg/examples/seed-section-2.csv and -studies.bib, ingested into
a store that holds no claim and no study, give the same studies and claims as the hand-encoded seed graph.

"The same" is graph isomorphism of the claim subgraph (the 31 claims of section 2 with their quotes, the studies
they are attributed to, their ordered authorships and persons) once two things the ingester decides for itself
are set aside: the IRIs it mints for studies, persons and authorships (study/bembenek-2016 where the curators
wrote study/bembenek-kowalska-2016), which become blank nodes on both sides, and the display labels it composes
for them (rdfs:label "Bembenek and Kowalska 2016" where the curators used the citation, "Bembenek & Kowalska
2016"). Every fact of the literature (claim texts, quotes, subjects, sections, attributions, how each study is
cited, years, authors in order as printed, incomplete author lists, what is not stated) must match.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS

from clusterkg.kg.build import BuildResult
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.namespaces import CITO, CKG, CKGRAPH, CKR, ONTOLOGY_GRAPH
from clusterkg.kg.rdfio import parse_graph
from clusterkg.kg.sources.ingest import ingest
from clusterkg.kg.store import open_store
from clusterkg.kg.store.base import Store

EXAMPLES = PROJECT_ROOT / "kg" / "examples"
SEED = PROJECT_ROOT / "kg" / "data" / "seed"
SECTION_2 = Literal("2. THEORETICAL BACKGROUND AND PREVIOUS STUDIES")
SEED_GRAPH = CKGRAPH["source/hanoi-industrial-clusters-2021"]
DOCUMENT = CKR["document/hanoi-industrial-clusters-2021"]
MINTED = tuple(str(CKR[f"{kind}/"]) for kind in ("study", "person", "authorship"))


def closure(graph: Graph, roots: set[URIRef]) -> Graph:
    """`roots` with everything they reach, stopping at IRIs that are not roots and not minted by ingest."""
    out, todo, seen = Graph(), list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(MINTED)):
                todo.append(o)
    return out


def claim_subgraph(graph: Graph) -> Graph:
    """The section-2 claims and what they reach: quotes, studies (not the seed document), authorships, persons."""
    return closure(graph, set(graph.subjects(CKG.section, SECTION_2)))  # type: ignore[arg-type]


def without_minted_names(graph: Graph) -> Graph:
    """Minted study, person and authorship IRIs as blank nodes; the labels ingest composes for them dropped."""
    names: dict[URIRef, BNode] = {}

    def rename(term):  # type: ignore[no-untyped-def]
        if isinstance(term, URIRef) and str(term).startswith(MINTED):
            return names.setdefault(term, BNode())
        return term

    out = Graph()
    for s, p, o in graph:
        if p == RDFS.label and isinstance(s, URIRef) and str(s).startswith(MINTED):
            continue
        out.add((rename(s), p, rename(o)))
    return out


@pytest.fixture(scope="module")
def store(built: BuildResult) -> Iterator[Store]:
    """A store with the ontology and the seed's document and vocabulary (concepts, places, actors): no claim of
    section 2, no cited study, no recommendation."""
    store = open_store(Settings(store="memory"))
    context = Graph()
    for name in ("document", "concepts", "hanoi"):
        context += parse_graph(SEED / f"{name}.ttl")
    # The document's list of the studies it cites names the curators' study IRIs; three of them are the IRIs
    # ingest mints (study/morosini-2004, ...), and a cited study needs its ckg:citedAs, which only the evidence
    # table brings: with the list in place the BibTeX batch would be refused before the table could come.
    context.remove((DOCUMENT, CITO.cites, None))
    assert not set(context.subjects(CKG.section, SECTION_2))
    assert set(context.subjects(RDF.type, CKG.Study)) | set(
        context.subjects(RDF.type, CKG.SourceDocument)
    ) == {DOCUMENT}
    store.replace_graph(ONTOLOGY_GRAPH, built.dataset.graph(ONTOLOGY_GRAPH))
    store.replace_graph(CKGRAPH["test/seed-context"], context)
    yield store
    store.close()


@pytest.fixture(scope="module")
def ingested(store: Store) -> Graph:
    """The BibTeX, then the evidence table, ingested as a user would (quotes checked, batch validated)."""
    settings = Settings(store="memory")
    batches = Graph()
    for name in ("seed-section-2-studies.bib", "seed-section-2.csv"):
        result = ingest(EXAMPLES / name, None, None, store, settings)
        assert result.written, result.validation.text() + "\n".join(
            c.line() for c in result.quotes.failures
        )
        batches += result.graph
    return batches


def test_every_quote_of_the_table_is_verbatim_from_the_seed(ingested: Graph, store: Store) -> None:
    assert len(set(ingested.subjects(CKG.section, SECTION_2))) == 31
    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c <https://w3id.org/clusterkg/ontology#hasQuote> ?q } "
        f"FILTER(?g = {CKGRAPH['source/seed-section-2-csv'].n3()}) }}"
    ).rows
    assert int(rows[0]["n"]) == 31


def test_ingested_claims_and_studies_are_the_hand_encoded_ones(
    ingested: Graph, built: BuildResult
) -> None:
    expected = without_minted_names(claim_subgraph(built.dataset.graph(SEED_GRAPH)))
    found = without_minted_names(claim_subgraph(ingested))
    assert len(expected) > 400  # 31 claims, 10 studies, their authorships and persons
    if not isomorphic(expected, found):
        _, only_seed, only_ingest = graph_diff(to_isomorphic(expected), to_isomorphic(found))
        pytest.fail(
            "only in the seed:\n"
            + only_seed.serialize(format="nt")
            + "\nonly from the ingest:\n"
            + only_ingest.serialize(format="nt")
        )


def test_the_same_claim_iris_studies_and_attributions(ingested: Graph, built: BuildResult) -> None:
    seed = built.dataset.graph(SEED_GRAPH)
    claims = set(seed.subjects(CKG.section, SECTION_2))
    assert set(ingested.subjects(CKG.section, SECTION_2)) == claims
    cited_as = {
        str(seed.value(s, CKG.citedAs))
        for c in claims
        for s in seed.objects(c, CKG.attributedTo)
        if s != DOCUMENT
    }
    assert {str(o) for o in ingested.objects(None, CKG.citedAs)} == cited_as
    assert len(cited_as) == 10
    joint = CKR["claim/giuliani-bell-2005-li-et-al-2013-knowledge-transfer"]
    assert {
        str(ingested.value(s, CKG.citedAs)) for s in ingested.objects(joint, CKG.attributedTo)
    } == {
        "Giuliani & Bell, 2005",
        "Li et al., 2013",
    }


def test_a_changed_quote_breaks_the_round_trip(
    tmp_path: Path, ingested: Graph, store: Store
) -> None:
    table = (EXAMPLES / "seed-section-2.csv").read_text(encoding="utf-8")
    changed = tmp_path / "seed-section-2-changed.csv"
    changed.write_text(
        table.replace(
            "sources of sustainable competitive advantage.", "sources of lasting advantage."
        ),
        encoding="utf-8",
    )
    graph = CKGRAPH["source/seed-section-2-csv"]
    before = store.count(graph)
    result = ingest(changed, None, graph, store, Settings(store="memory"), replace=True)
    assert not result.written and not result.quotes.ok
    assert len(result.quotes.failures) == 1
    assert store.count(graph) == before
