"""The quote checker: a quote passes only when it occurs in its source text, once in its context."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from clusterkg.kg.build import QuoteCheckError, build_dataset
from clusterkg.kg.config import PROJECT_ROOT, Settings
from clusterkg.kg.errors import display_path
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.namespaces import CKR, OA
from clusterkg.kg.quotes import check_quotes, normalise
from clusterkg.kg.rdfio import parse_graph

TEXT = PROJECT_ROOT / "tests" / "data" / "core" / "text" / "source.txt"
TRUST = CKR["claim/trust"]
CONCENTRATIONS = CKR["claim/concentrations"]


def claims_graph(core_dir: Path) -> Graph:
    return parse_graph(core_dir / "data" / "seed" / "claims.ttl")


def texts(core_dir: Path) -> dict[URIRef, Path]:
    return read_manifest(core_dir / "data" / "sources.ttl").text_files


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_normalise_collapses_whitespace_runs_and_strips() -> None:
    assert normalise("  a\n\n b\t c  ") == "a b c"


def test_correct_quotes_pass_whitespace_normalised(core_dir: Path) -> None:
    report = check_quotes(claims_graph(core_dir), texts(core_dir), strict=True)
    assert [(c.resource, c.status) for c in report.checks] == [
        (CONCENTRATIONS, "ok"),
        (TRUST, "ok"),
    ]
    assert report.ok
    assert report.summary() == "quotes: 2 selectors, 2 ok, 0 failed, 0 not checked"


def test_changed_quote_fails_with_resource_and_quote(core_dir: Path) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(
        claims,
        '"Trust binds the firms of a social network"',
        '"Trust binds all firms of a social network"',
    )
    graph = parse_graph(claims)
    report = check_quotes(graph, texts(core_dir), files={claims: graph})
    assert [c.status for c in report.checks] == ["ok", "mismatch"]
    assert [c.line() for c in report.failures] == [
        (
            f"{display_path(claims)}: <{TRUST}>: quote "
            f'"Trust binds all firms of a social network" not found in {display_path(TEXT)}; '
            "nearest passage (92.7% similar, line 5, character 183): "
            '"Trust binds the firms of a social network"'
        )
    ]


def test_ambiguous_quote_fails(core_dir: Path) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(claims, ';\n        oa:suffix " cluster" ]', " ]")
    report = check_quotes(parse_graph(claims), texts(core_dir))
    assert [c.line() for c in report.failures] == [
        (
            f'<{TRUST}>: quote "Trust binds the firms of a social network" is ambiguous: occurs 2 times '
            f"in {display_path(TEXT)}; add a prefix or suffix"
        )
    ]
    assert report.failures[0].status == "ambiguous"


def test_wrong_suffix_fails_although_exact_occurs(core_dir: Path) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(claims, 'oa:suffix " cluster"', 'oa:suffix " clusters"')
    report = check_quotes(parse_graph(claims), texts(core_dir))
    assert [(c.status, c.detail) for c in report.failures] == [
        ("mismatch", f"found, but not with its prefix/suffix in {display_path(TEXT)}")
    ]


def test_quote_without_source_document_fails(core_dir: Path) -> None:
    graph = claims_graph(core_dir)
    graph.remove((CKR["quote/trust"], OA.hasSource, None))
    report = check_quotes(graph, texts(core_dir))
    assert [(c.resource, c.detail) for c in report.failures] == [
        (TRUST, "has no oa:hasSource document")
    ]


def test_missing_text_is_skipped_unless_strict(core_dir: Path) -> None:
    manifest = core_dir / "data" / "sources.ttl"
    edit(manifest, '"tests/data/core/text/source.txt"', '"tests/data/core/text/absent.txt"')
    absent = PROJECT_ROOT / "tests" / "data" / "core" / "text" / "absent.txt"
    lenient = check_quotes(claims_graph(core_dir), texts(core_dir), strict=False)
    assert lenient.ok and len(lenient.skipped) == 2 and lenient.failures == []
    assert lenient.missing_texts() == [absent]
    strict = check_quotes(claims_graph(core_dir), texts(core_dir), strict=True)
    assert not strict.ok and strict.skipped == []
    assert [c.line() for c in strict.failures] == [
        (
            f'<{CONCENTRATIONS}>: quote "geographic concentrations of interconnected companies" '
            f"not checked: source text {display_path(absent)} not found"
        ),
        (
            f'<{TRUST}>: quote "Trust binds the firms of a social network" '
            f"not checked: source text {display_path(absent)} not found"
        ),
    ]


def test_document_without_text_file_is_not_checked_and_fails_when_strict(core_dir: Path) -> None:
    document = CKR["document/test"]
    detail = f"not checked: no source text for <{document}> (no ckg:textFile in the manifest)"
    lenient = check_quotes(claims_graph(core_dir), {})
    assert [(c.resource, c.status, c.detail) for c in lenient.skipped] == [
        (CONCENTRATIONS, "unregistered", detail),
        (TRUST, "unregistered", detail),
    ]
    assert lenient.ok and lenient.failures == [] and lenient.missing_texts() == []
    assert lenient.summary() == "quotes: 2 selectors, 0 ok, 0 failed, 2 not checked"
    strict = check_quotes(claims_graph(core_dir), {}, strict=True)
    assert not strict.ok and strict.skipped == []
    assert [c.line() for c in strict.failures] == [
        f'<{CONCENTRATIONS}>: quote "geographic concentrations of interconnected companies" {detail}',
        f'<{TRUST}>: quote "Trust binds the firms of a social network" {detail}',
    ]
    assert strict.summary() == "quotes: 2 selectors, 0 ok, 2 failed, 0 not checked"


def test_build_fails_on_a_changed_quote(core_settings: Settings, core_dir: Path) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(
        claims,
        "geographic concentrations of interconnected",
        "geographic concentration of interconnected",
    )
    with pytest.raises(QuoteCheckError) as caught:
        build_dataset(core_settings)
    assert str(caught.value) == (
        f"{display_path(claims)}: <{CONCENTRATIONS}>: quote "
        f'"geographic concentration of interconnected companies" not found in {display_path(TEXT)}; '
        "nearest passage (98.1% similar, line 1, character 13): "
        '"geographic concentrations of interconnected companies"'
    )


def test_build_with_missing_text_passes_unless_strict(
    core_settings: Settings, core_dir: Path
) -> None:
    edit(core_dir / "data" / "sources.ttl", "text/source.txt", "text/absent.txt")
    assert len(build_dataset(core_settings, reasoning=False).quotes.skipped) == 2
    with pytest.raises(QuoteCheckError) as caught:
        build_dataset(core_settings, strict=True, reasoning=False)
    assert len(str(caught.value).splitlines()) == 2


def test_build_with_an_unregistered_text_passes_unless_strict(
    core_settings: Settings, core_dir: Path
) -> None:
    edit(
        core_dir / "data" / "sources.ttl",
        'ckr:document\\/test ckg:textFile "tests/data/core/text/source.txt" .',
        "",
    )
    assert len(build_dataset(core_settings, reasoning=False).quotes.skipped) == 2
    with pytest.raises(QuoteCheckError) as caught:
        build_dataset(core_settings, strict=True, reasoning=False)
    assert str(caught.value).splitlines() == [
        f'{display_path(core_dir / "data" / "seed" / "claims.ttl")}: <{claim}>: quote "{exact}" '
        f"not checked: no source text for <{CKR['document/test']}> (no ckg:textFile in the manifest)"
        for claim, exact in [
            (CONCENTRATIONS, "geographic concentrations of interconnected companies"),
            (TRUST, "Trust binds the firms of a social network"),
        ]
    ]


def test_every_seed_quote_occurs_once_in_the_seed_text(tmp_path: Path) -> None:
    result = build_dataset(Settings(data_dir=tmp_path), strict=True, reasoning=False)
    selectors = set(result.dataset.subjects(OA.exact, None))
    assert result.quotes.ok and result.quotes.skipped == []
    assert len(result.quotes.passed) >= len(selectors) > 0


def test_cli_build_reports_a_changed_quote_on_one_line(
    cli: Callable, core_settings: Settings, core_dir: Path
) -> None:
    claims = core_dir / "data" / "seed" / "claims.ttl"
    edit(claims, "geographic concentrations of", "geographic concentrations in")
    result = cli(core_settings, "build")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{display_path(claims)}: <{CONCENTRATIONS}>: quote "
        f'"geographic concentrations in interconnected companies" not found in {display_path(TEXT)}; '
        "nearest passage (96.2% similar, line 1, character 13): "
        '"geographic concentrations of interconnected companies"\n'
    )
