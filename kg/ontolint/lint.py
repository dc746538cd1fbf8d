"""Run the lint checks (`queries/checks/ontology/*.rq`) and the meta-shapes over a LintInput; return findings."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from clusterkg.kg.display import short
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import SH
from clusterkg.kg.ontolint.inputs import ROLES, LintInput, role_graph
from clusterkg.kg.queries import NamedQuery, load_queries
from clusterkg.kg.store.results import result_from_ox
from clusterkg.kg.validate import validate

LEVELS = ("error", "warn", "info")
SHACL_LEVELS = {SH.Violation: "error", SH.Warning: "warn", SH.Info: "info"}
COLUMNS = ("severity", "check", "focus", "where", "message")


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, which check, the term at fault, where it is stated, and what is wrong."""

    severity: str
    check: str
    focus: str
    where: str
    message: str


@dataclass(frozen=True)
class LintReport:
    """Every finding of one run, and how many checks ran."""

    findings: list[Finding]
    checks: int

    def fails(self, fail_on: str) -> bool:
        """Whether any finding is at least as severe as `fail_on` (error, warn or info)."""
        worst = LEVELS[: LEVELS.index(fail_on) + 1]
        return any(f.severity in worst for f in self.findings)

    def summary(self) -> str:
        counts = {level: sum(f.severity == level for f in self.findings) for level in LEVELS}
        return f"lint: {self.checks} checks, " + ", ".join(f"{n} {k}" for k, n in counts.items())

    def render(self, fmt: str) -> str:
        rows = [[getattr(f, c) for c in COLUMNS] for f in self.findings]
        if fmt == "json":
            data = {"checks": self.checks, "findings": [asdict(f) for f in self.findings]}
            return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if fmt == "tsv":
            return "".join("\t".join(r) + "\n" for r in [list(COLUMNS), *rows])
        widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS) - 1)]
        lines = [
            "  ".join(str(cell).ljust(w) for cell, w in zip(r, widths)) + "  " + r[-1]
            for r in [list(COLUMNS), *rows]
        ]
        return "\n".join([*lines, self.summary()]) + "\n"


def load_lint_checks(folder: Path) -> list[NamedQuery]:
    """Every `*.rq` of `folder`; each declares `severity`, `message` and what it `reads` (roles) in its
    header. No check at all is an error: a lint that runs nothing must not pass."""
    checks = load_queries(folder)
    if not checks:
        raise UserError("no lint checks found (expected *.rq files)", folder)
    for check in checks:
        for key in ("severity", "message", "reads"):
            if not check.meta.get(key):
                raise UserError(f"no '#+ {key}:' line in the lint check's header", check.path, 1)
        if check.meta["severity"] not in LEVELS:
            raise UserError(f"severity must be one of {', '.join(LEVELS)}", check.path, 1)
        unknown = set(_reads(check)) - set(ROLES)
        if unknown:
            raise UserError(
                f"reads names unknown roles {sorted(unknown)}: use {', '.join(ROLES)}",
                check.path,
                1,
            )
    return checks


def lint(inputs: LintInput, checks: list[NamedQuery], meta: bool = True) -> LintReport:
    """Run every check on the role graphs, then (with `meta`) the meta-shapes on the ontology and shapes.
    A check whose role graphs hold nothing (no files read, no terms) is itself an error finding."""
    dataset = inputs.dataset()
    store = ox.Store()  # Oxigraph answers the checks in a second where rdflib takes minutes
    store.load(dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    findings: list[Finding] = []
    for check in checks:
        empty = [role for role in _reads(check) if not len(dataset.graph(role_graph(role)))]
        if empty:
            findings.append(
                Finding(
                    "error",
                    check.name,
                    "",
                    _where(check),
                    f"read nothing: no {', '.join(empty)} (no files or no terms)",
                )
            )
            continue
        findings += _run(check, store, inputs)
    if meta:
        findings += _meta_findings(inputs)
    order = {level: i for i, level in enumerate(LEVELS)}
    findings.sort(key=lambda f: (order[f.severity], f.check, f.focus, f.message))
    return LintReport(findings, len(checks) + meta)


def _reads(check: NamedQuery) -> list[str]:
    return [r.strip() for r in check.meta.get("reads", "").split(",") if r.strip()]


def _where(check: NamedQuery) -> str:
    return display_path(check.path) if check.path else check.name


def _run(check: NamedQuery, store: ox.Store, inputs: LintInput) -> list[Finding]:
    found = []
    for row in check.checked(result_from_ox(store.query(check.bind()), check.kind)).rows:
        focus, detail = row.get("focus"), row.get("detail")
        message = check.meta["message"] + (f" ({detail})" if detail else "")
        found.append(
            Finding(
                check.meta["severity"], check.name, _show(focus), _located(focus, inputs), message
            )
        )
    return found


def _meta_findings(inputs: LintInput) -> list[Finding]:
    """The meta-shapes over the ontology and the shapes, as `meta-shapes` findings."""
    ontology, shapes = inputs.ontology.graph(), inputs.shapes.graph()
    if not len(inputs.meta_shapes):
        return [Finding("error", "meta-shapes", "", "", "read nothing: no meta-shapes (no files)")]
    report = validate(
        ontology + shapes + inputs.meta_shapes, inputs.meta_shapes, source="meta-shacl"
    )
    return [
        Finding(
            SHACL_LEVELS.get(r.severity, "error"),
            "meta-shapes",
            _show(r.focus_node),
            _located(r.focus_node, inputs),
            r.message + (f" ({short(r.path)})" if isinstance(r.path, URIRef) else ""),
        )
        for r in report.results
    ]


def _show(node: object) -> str:
    return short(node) if isinstance(node, URIRef) else ("" if node is None else str(node))


def _located(node: object, inputs: LintInput) -> str:
    """`file:line` where the ontology or a shapes file declares `node`; empty when none does."""
    if not isinstance(node, URIRef):
        return ""
    for sources in (inputs.ontology, inputs.shapes):
        place = sources.declared_at(node)
        if place is not None:
            return f"{display_path(place[0])}:{place[1]}"
    return ""
