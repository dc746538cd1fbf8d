"""Validate data with SHACL (pyshacl, on plain rdflib graphs) and violation queries; return a typed report.

Shapes live in `ontology/shapes/*.ttl` (data shapes: validate the data, with the ontology mixed in) and
`ontology/shapes/meta/*.ttl` (meta-shapes: validate the ontology and the shapes themselves). Every
`queries/checks/*-violation.rq` is a check: each row it returns is a violation. A folder with no
shapes or no checks fails: a check that finds nothing to run must not pass.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF
from rdflib.term import Node

from clusterkg.kg.config import Settings
from clusterkg.kg.display import short
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, SH, bind_all
from clusterkg.kg.queries import NamedQuery, load_queries, own_query
from clusterkg.kg.rdfio import parse_into
from clusterkg.kg.shacl_sparql import UnsupportedShape, ViolationQuery, translate
from clusterkg.kg.store.base import QueryResult, Store
from clusterkg.kg.store.oxgraph import OxGraph

SEVERITIES: tuple[URIRef, ...] = (SH.Violation, SH.Warning, SH.Info)
FailOn = TypingLiteral["violation", "warning", "info"]
CHECK_PATTERN = "*-violation.rq"
HOPS = 3  # how far validate_focus looks out from a focus node
READERS = 2  # queries validate_store has the store evaluate at once (one per core here)


@dataclass(frozen=True)
class ValidationResult:
    """One finding: the node, the path and value at fault, the constraint and shape, severity and message."""

    focus_node: Node | None
    severity: URIRef
    message: str
    path: Node | None = None
    value: Node | None = None
    constraint: Node | None = None  # sh:sourceConstraintComponent
    shape: Node | None = None  # sh:sourceShape
    source: str = "shacl"  # "shacl", "meta-shacl", or the check query's file name

    @property
    def severity_name(self) -> str:
        return str(self.severity).rsplit("#", 1)[-1]

    def to_json(self, show: Show) -> dict[str, str | None]:
        """The result as JSON, its nodes as `show` (see `_shower`) writes them."""
        return {
            "severity": self.severity_name,
            "focusNode": show(self.focus_node),
            "resultPath": show(self.path),
            "value": show(self.value),
            "sourceConstraintComponent": show(self.constraint),
            "sourceShape": show(self.shape),
            "message": self.message,
            "source": self.source,
        }


GraphPart = Graph | Callable[[], Graph]
Show = Callable[[Node | None], str | None]


@dataclass
class ValidationReport:
    """Every result of one validation run, with the SHACL results graphs they came from: merged, and a
    deferred part built, only when `graph` is first read (the summary, text and JSON output never read
    it: at 1M triples the results graph holds half a million triples)."""

    results: list[ValidationResult] = field(default_factory=list)
    parts: tuple[GraphPart, ...] = ()

    @cached_property
    def graph(self) -> Graph:
        """The SHACL results graph of every result (the Turtle output)."""
        return _union([part if isinstance(part, Graph) else part() for part in self.parts])

    @cached_property
    def names(self) -> Graph:
        """What showing a node reads (prefixes, the blank nodes of paths): the parts built so far."""
        return _union([part for part in self.parts if isinstance(part, Graph)])

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not break conformance)."""
        return not any(_is_violation(r) for r in self.results)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.severity_name for r in self.results)
        return {
            str(s).rsplit("#", 1)[-1]: counted.get(str(s).rsplit("#", 1)[-1], 0) for s in SEVERITIES
        }

    def fails(self, fail_on: FailOn = "violation") -> bool:
        """Whether any result is at least as severe as `fail_on`."""
        levels = SEVERITIES[: ("violation", "warning", "info").index(fail_on) + 1]
        return any(r.severity in levels for r in self.results)

    def only_about(self, nodes: Collection[Node]) -> ValidationReport:
        """The results whose focus node is in `nodes`, with their part of the results graph (the report
        node's sh:conforms recomputed for them), built only when read: an ingest at 1M triples drops
        thousands of results about the nodes around its batch, and never prints the graph."""
        kept = [r for r in self.results if r.focus_node in nodes]
        names = Graph()  # the prefixes, and the blank-node paths the kept results name
        for prefix, namespace in self.names.namespaces():
            names.bind(prefix, namespace)
        for path in {r.path for r in kept if isinstance(r.path, BNode)}:
            names += self.names.cbd(path)
        return ValidationReport(kept, (names, partial(self._graph_about, nodes, kept)))

    def _graph_about(self, nodes: Collection[Node], kept: list[ValidationResult]) -> Graph:
        graph = Graph()
        for prefix, namespace in self.graph.namespaces():
            graph.bind(prefix, namespace)
        for report in self.graph.subjects(RDF.type, SH.ValidationReport):
            graph.add((report, RDF.type, SH.ValidationReport))
            graph.add((report, SH.conforms, Literal(not any(_is_violation(r) for r in kept))))
        for result in self.graph.subjects(RDF.type, SH.ValidationResult):
            if self.graph.value(result, SH.focusNode) in nodes:
                graph += self.graph.cbd(result)
                graph += self.graph.triples((None, SH.result, result))
        return graph

    def merge(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.results + other.results, self.parts + other.parts)

    def summary(self) -> str:
        c = self.counts
        return (
            f"validation: {c['Violation']} violations, {c['Warning']} warnings, {c['Info']} infos"
        )

    def text(self) -> str:
        """Readable text: a summary line, then the results grouped by severity."""
        lines, show = [self.summary()], _shower(self.names)
        for severity in SEVERITIES:
            group = sorted(
                (r for r in self.results if r.severity == severity),
                key=lambda r: (str(r.focus_node), str(r.path), r.message),
            )
            if group:
                lines.append("")
                lines.append(f"{str(severity).rsplit('#', 1)[-1]}s ({len(group)}):")
                lines.extend(f"  {_line(r, show)}" for r in group)
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")

    def json(self) -> str:
        """One JSON object: conforms, counts, and the results, one to a line (written by the C encoder:
        indented, 76,000 results took 2 s more)."""
        show = _shower(self.names)
        head = json.dumps({"conforms": self.conforms, "counts": self.counts}, ensure_ascii=False)
        lines = ",\n".join(
            "  " + json.dumps(r.to_json(show), ensure_ascii=False) for r in self.results
        )
        return f'{head[:-1]}, "results": [' + (f"\n{lines}\n]}}\n" if lines else "]}\n")


@dataclass(frozen=True)
class Shapes:
    """The SHACL shapes: for the data, and for the ontology itself."""

    data: Graph
    meta: Graph


def load_shapes(ontology_dir: Path, extensions: Sequence[Path] = ()) -> Shapes:
    """`<ontology_dir>/shapes/*.ttl` (data) and `shapes/meta/*.ttl` (meta), then each extension folder's
    `*.ttl` (a review workspace's own data shapes); no data shapes is an error."""
    folder = ontology_dir / "shapes"
    data_files = sorted(folder.glob("*.ttl"))
    if not data_files:
        raise UserError("no SHACL shapes found (expected *.ttl files)", folder)
    data, meta = Graph(), Graph()
    for path in [*data_files, *(p for ext in extensions for p in sorted(ext.glob("*.ttl")))]:
        parse_into(data, path)
    for path in sorted((folder / "meta").glob("*.ttl")):
        parse_into(meta, path)
    return Shapes(data, meta)


def load_checks(checks_dir: Path, extensions: Sequence[Path] = ()) -> list[NamedQuery]:
    """Every `*-violation.rq` in `checks_dir`, then in each extension folder (a workspace's
    `queries/checks/`); a `checks_dir` without any is an error."""
    checks = load_queries(checks_dir, CHECK_PATTERN)
    if not checks:
        raise UserError(f"no violation queries found (expected {CHECK_PATTERN} files)", checks_dir)
    return checks + [q for ext in extensions for q in load_queries(ext, CHECK_PATTERN)]


def validate(
    data_graph: Graph,
    shapes_graph: Graph,
    ont_graph: Graph | None = None,
    checks: Sequence[NamedQuery] = (),
    checks_target: Graph | None = None,
    source: str = "shacl",
) -> ValidationReport:
    """SHACL-validate `data_graph` (with `ont_graph` mixed in) and run `checks` over `checks_target`
    (default: that same mix).

    pyshacl runs on a private copy (so in place) as a plain rdflib Graph, with SHACL-SPARQL enabled and
    no inference (sh:class and targets follow rdfs:subClassOf in the mixed-in ontology). Every node is
    validated: to validate a few, see `validate_focus`. Nothing is printed.
    """
    target = Graph()
    target += data_graph
    if ont_graph is not None:
        target += ont_graph
    import pyshacl  # only here: ingest and whole-store validation run the shapes as SPARQL

    _, results_graph, _ = pyshacl.validate(
        target,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    bind_all(results_graph)
    for prefix, namespace in shapes_graph.namespaces():
        results_graph.bind(prefix, namespace, override=False)
    report = ValidationReport(_shacl_results(results_graph, source), (results_graph,))
    if checks:
        report = report.merge(
            run_checks(checks, target if checks_target is None else checks_target)
        )
    return report


def run_checks(checks: Sequence[NamedQuery], target: Queryable) -> ValidationReport:
    """Run violation queries on `target`, a store, or an rdflib Graph (a Dataset: its union) copied into
    Oxigraph in memory first (rdflib's engine took minutes on an ingest batch): each row is a violation,
    focused on `?focus` (or the first IRI)."""
    engine = OxGraph(target) if isinstance(target, Graph) else target
    return _check_report(checks, [_rows(engine, check.bind()) for check in checks])


def _check_report(
    checks: Sequence[NamedQuery], answers: Iterable[list[dict[str, Node]]]
) -> ValidationReport:
    """The results of `checks` from their `answers` (their rows, in the same order)."""
    graph = Graph()
    bind_all(graph)
    results = []
    for check, rows in zip(checks, answers, strict=True):
        for values in rows:
            focus = values.get("focus") or next(
                (v for v in values.values() if isinstance(v, URIRef)), None
            )
            message = str(values.get("message") or check.summary or check.name)
            results.append(
                ValidationResult(
                    focus,
                    SH.Violation,
                    message,
                    constraint=SH.SPARQLConstraintComponent,
                    source=f"{check.name}.rq",
                )
            )
            _add_check_result(graph, results[-1], check)
    return ValidationReport(results, (graph,))


def validate_dataset(
    dataset: Dataset, settings: Settings, shapes: Shapes | None = None
) -> ValidationReport:
    """The whole built dataset: data shapes over the source graphs (ontology mixed in), meta-shapes over
    the ontology graph and the shapes (data and meta), and the violation queries over the dataset
    (default graph: union of all)."""
    shapes = shapes or load_shapes(settings.ontology_dir, settings.shapes_extensions)
    checks = load_checks(settings.queries_dir / "checks", settings.checks_extensions)
    ontology, data = split_dataset(dataset)
    union = Dataset(default_union=True)
    union.addN(dataset.quads((None, None, None, None)))
    report = validate(data, shapes.data, ontology, checks, checks_target=union)
    if len(shapes.meta):
        linted = ontology + shapes.data + shapes.meta  # a shape naming a misspelt ckg: term fails
        report = report.merge(validate(linted, shapes.meta, source="meta-shacl"))
    return report


def validate_files(files: Sequence[Path], settings: Settings, ontology: Graph) -> ValidationReport:
    """Given data files (Turtle, TriG, ...) validated against `ontology`, as if they were the data."""
    data = Dataset(default_union=True)
    for path in files:
        parse_into(data, path)
    ontology_graph = data.graph(ONTOLOGY_GRAPH)
    ontology_graph += ontology
    return validate_dataset(data, settings)


def validate_store(store: Store, settings: Settings) -> ValidationReport:
    """What `store` holds, validated like a built dataset, in the store: the data shapes as SPARQL
    violation queries (`kg.shacl_sparql`) over every graph but the inferred one, and the checks over
    all, `READERS` at a time; meanwhile, in this thread, the meta-shapes (pyshacl) over the ontology
    graph and the shapes. Shapes the translator does not handle fall back to pyshacl on a copy of the
    store, with a note on stderr."""
    shapes = load_shapes(settings.ontology_dir, settings.shapes_extensions)
    graphs = store.graphs()
    scope = [g for g in graphs if g != INFERRED_GRAPH] if INFERRED_GRAPH in graphs else []
    try:
        queries = translate(shapes.data, scope)
    except UnsupportedShape as exc:
        print(f"note: {exc}; validating with pyshacl on a copy of the store", file=sys.stderr)
        return _validate_store_copy(store, settings, shapes)
    checks = load_checks(settings.queries_dir / "checks", settings.checks_extensions)
    ontology = store.query(own_query("graph-triples").bind({"graph": ONTOLOGY_GRAPH})).graph
    with ThreadPoolExecutor(READERS, thread_name_prefix="ckg-validate") as pool:
        # the checks first: the dangling-reference check is the slowest query of all
        check_answers = pool.map(partial(_rows, store), [c.bind() for c in checks])
        answers = pool.map(partial(_rows, store), [q.text for q in queries])
        linting = ValidationReport()
        if len(
            shapes.meta
        ):  # their SPARQL constraints focus on blank nodes, which no query can name
            linted = (ontology or Graph()) + shapes.data + shapes.meta
            linting = validate(linted, shapes.meta, source="meta-shacl")
        report = run_violation_queries(store, queries, shapes.data, answers)
        report = report.merge(_check_report(checks, check_answers))
    return report.merge(linting)


def run_violation_queries(
    store: Queryable,
    queries: Sequence[ViolationQuery],
    shapes: Graph,
    answers: Iterable[list[dict[str, Node]]] = (),
) -> ValidationReport:
    """Run the shapes translated from `shapes` on `store` (or take their `answers`, in the same order):
    each row is a result, as pyshacl would report it."""
    # prefixes (the project's, then the shapes'), and the blank-node paths and shapes results name
    names = Graph()
    bind_all(names)
    for prefix, namespace in shapes.namespaces():
        names.bind(prefix, namespace, override=False)
    results: list[ValidationResult] = []
    described: set[Node] = set()
    rows = answers or (_rows(store, query.text) for query in queries)
    for query, found_rows in zip(queries, rows, strict=True):
        for row in found_rows:
            focus = row["this"]
            found = (
                [
                    (focus, r.get("value", focus if query.path is None else None), r.get("path"))
                    for r in _rows(store, query.for_focus(focus))
                ]
                if query.prebound is not None
                else [(focus, row.get("value"), None)]
            )
            for focus_node, value, path in found:
                this = (  # as pyshacl writes it: an IRI in full
                    str(focus_node)
                    if isinstance(focus_node, URIRef)
                    else _show(focus_node, names) or ""
                )
                message = "; ".join(str(m).replace("{$this}", this) for m in query.messages)
                result = ValidationResult(
                    focus_node, query.severity, message, path or query.path, value,
                    query.component, query.shape,
                )  # fmt: skip
                results.append(result)
                for node in (result.path, result.shape):  # described, as pyshacl's results are
                    if isinstance(node, BNode) and node not in described:
                        described.add(node)
                        names += shapes.cbd(node)
    return ValidationReport(results, (names, partial(_results_graph, results, names)))


def _results_graph(results: Sequence[ValidationResult], names: Graph) -> Graph:
    """`results` in the SHACL results vocabulary, as pyshacl writes them, with `names` (their paths)."""
    graph = Graph()
    for prefix, namespace in names.namespaces():
        graph.bind(prefix, namespace)
    graph += names
    report_node = BNode()
    graph.add((report_node, RDF.type, SH.ValidationReport))
    graph.add((report_node, SH.conforms, Literal(not any(_is_violation(r) for r in results))))
    for result in results:
        _add_result(graph, report_node, result)
    return graph


def _union(graphs: Sequence[Graph]) -> Graph:
    """One graph of `graphs` (itself when it is the only one), the prefixes of each bound."""
    if len(graphs) == 1:
        return graphs[0]
    union = Graph()
    for graph in graphs:
        for prefix, namespace in graph.namespaces():
            union.bind(prefix, namespace, override=False)
        union += graph
    return union


def _validate_store_copy(store: Store, settings: Settings, shapes: Shapes) -> ValidationReport:
    """The reference path: pyshacl on an rdflib copy of the store (slow at scale)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.nq"
        store.dump(path, "nquads")
        dataset = parse_into(Dataset(default_union=True), path)
    return validate_dataset(dataset, settings, shapes)


def _rows(source: Queryable, sparql: str) -> list[dict[str, Node]]:
    """The rows of a SELECT on a Store (QueryResult) or an rdflib Graph (Result)."""
    answer = source.query(sparql)
    if isinstance(answer, QueryResult):
        return answer.rows
    return [{k: v for k, v in row.asdict().items() if v is not None} for row in answer]


def split_dataset(dataset: Dataset) -> tuple[Graph, Graph]:
    """(ontology graph, every other graph but the inferred one merged) of a built dataset."""
    ontology, data = Graph(), Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name == ONTOLOGY_GRAPH:
            ontology.add((s, p, o))
        elif name != INFERRED_GRAPH:
            data.add((s, p, o))
    return ontology, data


def _is_violation(result: ValidationResult) -> bool:
    return result.severity == SH.Violation


def _shacl_results(graph: Graph, source: str) -> list[ValidationResult]:
    results = []
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        v = partial(graph.value, node)
        messages = sorted(str(m) for m in graph.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                focus_node=v(SH.focusNode),
                severity=v(SH.resultSeverity) or SH.Violation,
                message="; ".join(messages),
                path=v(SH.resultPath),
                value=v(SH.value),
                constraint=v(SH.sourceConstraintComponent),
                shape=v(SH.sourceShape),
                source=source,
            )
        )
    return results


def _add_result(graph: Graph, report: BNode, result: ValidationResult) -> None:
    """Record a translated shape's result in the SHACL results vocabulary (as pyshacl writes it)."""
    node = BNode()
    graph.add((report, SH.result, node))
    graph.add((node, RDF.type, SH.ValidationResult))
    for key, value in (
        (SH.focusNode, result.focus_node),
        (SH.resultSeverity, result.severity),
        (SH.resultPath, result.path),
        (SH.value, result.value),
        (SH.sourceConstraintComponent, result.constraint),
        (SH.sourceShape, result.shape),
    ):
        if value is not None:
            graph.add((node, key, value))
    if result.message:
        graph.add((node, SH.resultMessage, Literal(result.message)))


def _add_check_result(graph: Graph, result: ValidationResult, check: NamedQuery) -> None:
    """Record a check's row in the SHACL results vocabulary, so Turtle output shows it too."""
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationResult))
    if result.focus_node is not None:
        graph.add((node, SH.focusNode, result.focus_node))
    graph.add((node, SH.resultSeverity, result.severity))
    graph.add((node, SH.resultMessage, Literal(result.message)))
    graph.add((node, SH.sourceConstraintComponent, result.constraint))
    graph.add(
        (node, DCTERMS.source, Literal(display_path(check.path) if check.path else check.name))
    )


def _show(node: Node | None, graph: Graph, depth: int = 1) -> str | None:
    """A node as a short readable string: prefixed name, literal, or a blank node's first level."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        shown = short(node)
        return node.n3(graph.namespace_manager) if shown.startswith("<") else shown
    if not isinstance(node, BNode):
        return node.n3(graph.namespace_manager)
    if depth == 0:
        return "[…]"
    pairs = sorted(
        f"{short(p)} {_show(o, graph, depth - 1)}"
        for p, o in graph.predicate_objects(node)
        if p in _SHOWN_BNODE_PREDICATES
    )
    return "[" + " ; ".join(pairs) + "]" if pairs else "[]"


_SHOWN_BNODE_PREDICATES = {
    SH.path,
    SH.inversePath,
    SH.alternativePath,
    SH.zeroOrMorePath,
    RDF.first,
    RDF.type,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.intersectionOf,
}


def _shower(graph: Graph) -> Show:
    """`_show` on `graph`, each node worked out once (a report names the same shapes, paths and nodes
    many times: 76,000 results at 1M triples)."""
    shown: dict[Node | None, str | None] = {}

    def show(node: Node | None) -> str | None:
        if node not in shown:
            shown[node] = _show(node, graph)
        return shown[node]

    return show


def _line(result: ValidationResult, show: Show) -> str:
    parts = [show(result.focus_node) or "(no focus node)"]
    if result.path is not None:
        parts.append(f"{show(result.path)}:")
    parts.append(result.message or "(no message)")
    if result.value is not None:
        parts.append(f"[value {show(result.value)}]")
    origin = show(result.shape) if isinstance(result.shape, URIRef) else result.source
    parts.append(f"({origin})")
    return " ".join(parts)


class _Answer(Protocol):
    @property
    def graph(self) -> Graph | None: ...


class Queryable(Protocol):
    """What `validate_focus` reads from: a Store, an rdflib Graph or Dataset, or a view such as ingest's
    store-with-batch; a CONSTRUCT's answer carries `.graph`."""

    def query(self, sparql: str, /) -> _Answer: ...


def validate_focus(
    source: Queryable,
    focus_nodes: Sequence[URIRef],
    shapes: Shapes,
    ontology: Graph | None = None,
    checks: Sequence[NamedQuery] = (),
    hops: int = HOPS,
) -> ValidationReport:
    """Validate `focus_nodes` (e.g. an ingest batch) on their neighbourhood, not the whole graph.

    The neighbourhood (see `neighbourhood`, with `ontology` mixed in; by default the source's ontology
    graph) is validated in full, and the results (check rows included) that concern the focus nodes are
    kept: those whose focus node is a focus node, or a class or property the focus nodes use (the
    declared-term shapes report the undeclared term itself). pyshacl's own `focus_nodes` option is not
    used: it also skips the nested shapes (sh:or, sh:node, qualified value shapes) of value nodes outside
    the list, which lets wrong values pass. The cost follows the batch, not the whole graph.
    """
    if not focus_nodes:
        return ValidationReport()

    def fetch(query: str) -> Graph | None:
        return source.query(query).graph

    if ontology is None:
        ontology = fetch(own_query("graph-triples").bind({"graph": ONTOLOGY_GRAPH}))
    return validate_around(neighbourhood(fetch, focus_nodes, hops), focus_nodes, shapes, ontology, checks)


def validate_around(
    data: Graph,
    focus_nodes: Sequence[URIRef],
    shapes: Shapes,
    ontology: Graph | None,
    checks: Sequence[NamedQuery] = (),
) -> ValidationReport:
    """`validate_focus` on a neighbourhood already fetched (`data`)."""
    report = _validate_in_oxigraph(data, shapes.data, ontology, checks)
    return report.only_about(_concerning(data, focus_nodes))


def _validate_in_oxigraph(
    data: Graph, shapes_graph: Graph, ontology: Graph | None, checks: Sequence[NamedQuery]
) -> ValidationReport:
    """What `validate` finds, from the shapes translated to SPARQL (`kg.shacl_sparql`, equal to pyshacl's
    results: tests/test_shacl_sparql.py) and the checks, run on `data` and `ontology` copied into Oxigraph
    in memory: 0.9 s of CPU against pyshacl's 5.2 s for a batch of 1,000 BibTeX records. pyshacl when a
    shape uses what the translation does not handle."""
    try:
        queries = translate(shapes_graph, [])
    except UnsupportedShape:
        return validate(data, shapes_graph, ontology, checks)
    target = Graph()
    target += data
    if ontology is not None:
        target += ontology
    engine = OxGraph(target)
    report = run_violation_queries(engine, queries, shapes_graph)
    return report.merge(run_checks(checks, engine)) if checks else report


def _concerning(data: Graph, focus_nodes: Sequence[URIRef]) -> set[Node]:
    """The focus nodes, and the classes and properties their own triples in `data` use."""
    nodes: set[Node] = set(focus_nodes)
    for node in focus_nodes:
        for predicate, value in data.predicate_objects(node):
            nodes.add(predicate)
            if predicate == RDF.type:
                nodes.add(value)
    return nodes


def neighbourhood(
    fetch: Callable[[str], Graph | None], focus_nodes: Sequence[URIRef], hops: int = HOPS
) -> Graph:
    """The triples around `focus_nodes`, fetched with CONSTRUCT queries (`fetch` runs one and returns its
    graph): what the shapes can reach from a focus node, i.e. its triples and those of the nodes `hops`
    steps out (blank nodes followed two levels deeper), the triples pointing at it, and the types of
    every node reached."""
    graph = Graph()
    seen: set[URIRef] = set()
    frontier = set(focus_nodes)
    for _ in range(hops):
        graph += _construct(fetch, "neighbourhood-outgoing", frontier)
        seen |= frontier
        frontier = {o for o in graph.objects() if isinstance(o, URIRef) and o not in seen}
    graph += _construct(fetch, "neighbourhood-incoming", set(focus_nodes))
    reached = {n for n in graph.all_nodes() if isinstance(n, URIRef)} - seen
    graph += _construct(fetch, "neighbourhood-types", reached)
    return graph


_BATCH = 400  # IRIs per VALUES block


def _construct(fetch: Callable[[str], Graph | None], name: str, nodes: set[URIRef]) -> Graph:
    """The graph of query `kg/sparql/NAME.rq` for `nodes`, bound in its `VALUES ?n` block in batches."""
    query, graph = own_query(name), Graph()
    ordered = sorted(nodes)
    for start in range(0, len(ordered), _BATCH):
        result = fetch(query.bind(values={"n": ordered[start : start + _BATCH]}))
        if result is not None:
            graph += result
    return graph
