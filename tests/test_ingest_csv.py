"""Evidence-table CSV ingester: one claim per row with its quote; every bad row is one line with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import CKG, CKR, FABIO, OA
from clusterkg.kg.sources.evidence_csv import EvidenceCSVSource

DATA = Path(__file__).parent / "data" / "ingest"
EVIDENCE = DATA / "evidence.csv"
HEADER = "claim_id,claim_label,study,source_document,quote_exact"
GOOD_ROW = "c-1,A claim,smith-2000,example-report,some words"
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def closure(graph: Graph, node: URIRef) -> Graph:
    """`node`'s triples and those of the blank nodes it reaches."""
    out, todo = Graph(), [node]
    while todo:
        for s, p, o in graph.triples((todo.pop(), None, None)):
            out.add((s, p, o))
            if not isinstance(o, URIRef) and not isinstance(o, Literal):
                todo.append(o)
    return out


def test_rows_become_records_with_their_start_lines() -> None:
    records = list(EvidenceCSVSource(EVIDENCE).iter_records())
    assert [(r.claim.rsplit("/", 1)[1], r.line) for r in records] == [
        ("example-trust-over-distance", 6),
        ("example-hub-firm-schedules", 7),
        ("example-hub-firm-training", 8),
        ("example-one-district", 9),
    ]
    study = CKR["study/example-handwritten-2018"]
    document = CKR["document/example-report"]
    # slug, CURIE, <IRI> and bare IRI all name the same study and document
    assert {s for r in records for s in r.studies} == {study}
    assert {r.document for r in records} == {document}
    assert records[2].subjects == (CKG.HubFirm, CKG.EducationInstitution)
    assert records[2].suffix == " also trains apprentices"
    assert records[3].exact == "The survey covers\none district only."


def test_a_row_becomes_exactly_the_expected_claim() -> None:
    graph = EvidenceCSVSource(EVIDENCE).to_graph()
    expected = Graph().parse(DATA / "claim-expected.ttl")
    assert isomorphic(closure(graph, CKR["claim/example-hub-firm-schedules"]), expected)


def test_claim_types_and_study_facts_as_the_document_cites_them() -> None:
    graph = EvidenceCSVSource(EVIDENCE).to_graph()
    types = {c.rsplit("/", 1)[1]: t for c, t in graph.subject_objects(RDF.type) if "/claim/" in c}
    assert types == {
        "example-trust-over-distance": CKG.Claim,
        "example-hub-firm-schedules": CKG.Finding,
        "example-hub-firm-training": CKG.Finding,
        "example-one-district": CKG.Limitation,
    }
    study = CKR["study/example-handwritten-2018"]
    assert set(graph.predicate_objects(study)) == {
        (CKG.citedAs, Literal("Handwritten (2018)")),
        (FABIO.hasPublicationYear, Literal("2018", datatype=GYEAR)),
    }
    assert set(graph.objects(CKR["claim/example-trust-over-distance"], DCTERMS.subject)) == {
        CKG.SocialNetworkCluster,
        CKG.SME,
    }
    assert len(set(graph.subjects(RDF.type, OA.TextQuoteSelector))) == 4


def test_a_claim_cited_to_several_studies_is_attributed_to_each(tmp_path: Path) -> None:
    """'(Giuliani & Bell, 2005; Li et al., 2013)': one claim, two studies, each with how it is cited."""
    path = write(
        tmp_path,
        f"{HEADER},study_cited_as,study_year\n"
        "c-1,A claim,giuliani-2005; li-2013,example-report,some words,"
        '"Giuliani & Bell, 2005; Li et al., 2013",2005;2013\n',
    )
    graph = EvidenceCSVSource(path).to_graph()
    giuliani, li = CKR["study/giuliani-2005"], CKR["study/li-2013"]
    assert set(graph.objects(CKR["claim/c-1"], CKG.attributedTo)) == {giuliani, li}
    assert set(graph.predicate_objects(giuliani)) == {
        (CKG.citedAs, Literal("Giuliani & Bell, 2005")),
        (FABIO.hasPublicationYear, Literal("2005", datatype=GYEAR)),
    }
    assert set(graph.predicate_objects(li)) == {
        (CKG.citedAs, Literal("Li et al., 2013")),
        (FABIO.hasPublicationYear, Literal("2013", datatype=GYEAR)),
    }


def test_a_claim_id_taken_by_another_graph_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DATA)
    source = EvidenceCSVSource(EVIDENCE, taken={CKR["claim/example-hub-firm-training"]})
    with pytest.raises(UserError) as caught:
        source.to_graph()
    assert (
        str(caught.value)
        == "evidence.csv:8: claim_id 'example-hub-firm-training' is already used by another graph"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "table.csv:1: no header row"),
        (
            "# a comment\nclaim_id,claim_label,study,source_document\n",
            "table.csv:2: missing required column(s): quote_exact",
        ),
        (f"{HEADER},page_number\n", "table.csv:1: unknown column(s): page_number"),
        (f"{HEADER},claim_id\n", "table.csv:1: duplicate column(s): claim_id"),
        (
            f"{HEADER}\n{GOOD_ROW}\n\nc-2,,smith-2000,example-report,x\n",
            "table.csv:4: empty required cell 'claim_label'",
        ),
        (f"{HEADER}\n{GOOD_ROW},extra\n", "table.csv:2: 6 cells but 5 columns"),
        (
            f"{HEADER}\nC 1,A claim,smith-2000,example-report,x\n",
            "table.csv:2: bad claim_id 'C 1': use lower-case letters, digits and '-'",
        ),
        (
            f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n",
            "table.csv:3: claim_id 'c-1' already used on line 2",
        ),
        (
            f"{HEADER},claim_type\n{GOOD_ROW},opinion\n",
            "table.csv:2: bad claim_type 'opinion': expected one of claim, finding, limitation, method",
        ),
        (
            f"{HEADER},study_cited_as\nc-1,A claim,a-2000;b-2001,example-report,w,A 2000\n",
            "table.csv:2: study_cited_as gives 1 value(s) for 2 studies",
        ),
        (
            f"{HEADER},study_year\n{GOOD_ROW},20x0\n",
            "table.csv:2: bad year '20x0': expected four digits, e.g. 1990",
        ),
        (
            f"{HEADER},study_year\n{GOOD_ROW},1990s\n",
            "table.csv:2: bad year '1990s': expected four digits, e.g. 1990",
        ),
        (
            f"{HEADER},subjects\n{GOOD_ROW},ckg:HubFirm;xyz:Thing\n",
            "table.csv:2: bad subjects: unknown prefix 'xyz' in 'xyz:Thing'",
        ),
        (
            f"{HEADER},subjects\n{GOOD_ROW},HubFirm\n",
            "table.csv:2: bad subjects: 'HubFirm' is neither an IRI nor a CURIE",
        ),
        (
            f"{HEADER}\nc-1,A claim,Smith 2000,example-report,x\n",
            "table.csv:2: bad study: 'Smith 2000' is neither an IRI nor a CURIE",
        ),
        (
            f"{HEADER}\nc-1,A claim,smith-2000,<http://ex.org/a b>,x\n",
            "table.csv:2: bad source_document: '<http://ex.org/a b>' is not a valid IRI",
        ),
        (
            f'{HEADER}\nc-1,A claim,smith-2000,example-report,"two\nlines"\nc-2,,s,d,x\n',
            "table.csv:4: empty required cell 'claim_label'",
        ),
        (
            f'{HEADER}\n{GOOD_ROW}\nc-2,"unclosed,smith-2000,example-report,x\n',
            "table.csv:3: bad CSV: unexpected end of data",
        ),
    ],
    ids=[
        "empty-file",
        "missing-column",
        "unknown-column",
        "duplicate-column",
        "empty-cell",
        "too-many-cells",
        "bad-claim-id",
        "duplicate-claim-id",
        "bad-claim-type",
        "cited-as-per-study",
        "bad-year",
        "bad-year-suffix",
        "unknown-prefix",
        "bare-word-subject",
        "bad-study",
        "bad-iri",
        "after-multi-line-row",
        "unclosed-quote",
    ],
)
def test_bad_rows_are_one_line_with_file_line_and_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as caught:
        EvidenceCSVSource(write(tmp_path, text)).to_graph()
    assert str(caught.value) == message


def test_a_utf8_byte_order_mark_as_excel_writes_it_is_accepted(tmp_path: Path) -> None:
    with_bom = tmp_path / "excel.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + EVIDENCE.read_bytes())
    assert isomorphic(
        EvidenceCSVSource(with_bom).to_graph(), EvidenceCSVSource(EVIDENCE).to_graph()
    )
    bom_header = write(tmp_path, "\ufeff" + HEADER + "\n" + GOOD_ROW + "\n")
    assert [r.label for r in EvidenceCSVSource(bom_header).iter_records()] == ["A claim"]
