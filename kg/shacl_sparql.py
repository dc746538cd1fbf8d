"""Translate a SHACL shapes graph into SPARQL violation queries (SHACL Core as used here, SHACL-SPARQL as is),
so that a store validates itself: no copy of the data in Python. A feature it does not know raises.

Each `ViolationQuery` selects `?this` (the focus node) and, where the constraint has value nodes, `?value`.
The data scope is the default graph of the query: the union of `scope` (FROM clauses), or of all graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Identifier, Node

from clusterkg.kg.namespaces import SH
from clusterkg.kg.queries import prebind

# Datatypes whose lexical form Oxigraph can check by a cast: an ill-formed literal violates sh:datatype.
_CASTABLE = (XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date)
# What a shape may say besides its constraints (anything else under sh: is a feature not translated).
_NON_CONSTRAINTS = {
    SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
    SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target,
    SH.deactivated, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.defaultValue,
    SH.declare, SH.prefixes,
}  # fmt: skip
_NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
_COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
_LENGTHS = {
    SH.minLength: ("<", SH.MinLengthConstraintComponent),
    SH.maxLength: (">", SH.MaxLengthConstraintComponent),
}


class _Violation(NamedTuple):
    """A constraint's violations as a group graph pattern. `anchored`: the pattern binds the top-level
    focus `?this` itself (from the path's triples), so it is evaluated as a subquery of its own, joined
    with the target once (Oxigraph otherwise evaluates it once per focus node); else it only filters
    the target's solutions (MINUS, NOT EXISTS, a node's own value)."""

    component: URIRef
    pattern: str
    has_value: bool
    anchored: bool = False


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature the translator does not handle (validate with pyshacl instead)."""

    def __init__(self, shape: Node, feature: Node | str) -> None:
        super().__init__(
            f"shape {shape.n3()} uses {feature}, which the SPARQL fast path does not translate"
        )


@dataclass(frozen=True)
class ViolationQuery:
    """One constraint of one shape as SPARQL. `text` selects the violations, or (SHACL-SPARQL, `prebound`
    set) the focus nodes, each of which `prebound` (its $this pre-bound, see `prebind`) then checks."""

    text: str
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    messages: tuple[Literal, ...]
    prebound: str | None = None  # the sh:select of a SHACL-SPARQL constraint
    head: str = ""  # prologue, SELECT and FROM clauses around `prebound`

    def for_focus(self, focus: Identifier) -> str:
        """The SHACL-SPARQL constraint with $this pre-bound to `focus`, over the query's scope."""
        assert self.prebound is not None
        return f"{self.head} {{ {{ {prebind(self.prebound, 'this', focus)} }} }}"


def translate(shapes: Graph, scope: Sequence[URIRef] = ()) -> list[ViolationQuery]:
    """Every constraint of every targeted shape in `shapes`, as violation queries over `scope`."""
    return list(_Translator(shapes, scope).queries())


def render_path(graph: Graph, node: Node) -> str:
    """A SHACL property path (from `graph`) as SPARQL property path text."""
    if isinstance(node, URIRef):
        return node.n3()
    if (node, RDF.first, None) in graph:
        return "(" + "/".join(render_path(graph, n) for n in Collection(graph, node)) + ")"
    for key, pattern in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(node, key)
        if inner is not None:
            return pattern.format(render_path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, n) for n in Collection(graph, alternatives)) + ")"
    raise UnsupportedShape(node, "a property path of an unknown form")


class _Translator:
    def __init__(self, shapes: Graph, scope: Sequence[URIRef]) -> None:
        self.g = shapes
        self.scope = "".join(f"FROM {g.n3()}\n" for g in scope)
        self.names = count()
        self.prologue = self._prologue()

    def var(self) -> str:
        return f"?v{next(self.names)}"

    # -- the queries ------------------------------------------------------------------------------------
    def queries(self) -> Iterator[ViolationQuery]:
        for shape in sorted(self._targeted(), key=str):
            target = self._target(shape)
            yield from self._shape_queries(shape, target)
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                if not self._deactivated(prop):
                    yield from self._shape_queries(prop, target)

    def _targeted(self) -> set[Node]:
        kinds = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)
        shapes = {s for k in kinds for s in self.g.subjects(k, None)}
        shapes |= {s for s in self.g.subjects(RDF.type, SH.NodeShape) if self._is_class(s)}
        return {s for s in shapes if not self._deactivated(s)}

    def _deactivated(self, shape: Node) -> bool:
        return self.g.value(shape, SH.deactivated) == Literal(True)

    def _target(self, shape: Node) -> str:
        """A pattern binding ?this to each focus node of `shape`."""
        classes = sorted(self._classes(shape), key=str)
        parts = []
        if len(classes) == 1:
            parts.append(f"{{ ?this {_INSTANCE_OF} {classes[0].n3()} }}")
        elif classes:  # one pattern, not a UNION: Oxigraph joins a UNION with what follows per row
            name = self.var()
            listed = " ".join(c.n3() for c in classes)
            parts.append(f"{{ VALUES {name} {{ {listed} }} ?this {_INSTANCE_OF} {name} }}")
        parts += [
            f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in self.g.objects(shape, SH.targetNode)
        ]
        parts += [f"{{ ?this {p.n3()} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {p.n3()} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in self.g or select is None:
                raise UnsupportedShape(shape, "an sh:target other than an sh:SPARQLTarget")
            parts.append(f"{{ {select} }}")
        return " UNION ".join(sorted(parts))

    def _classes(self, shape: Node) -> list[Node]:
        classes = list(self.g.objects(shape, SH.targetClass))
        return classes + [shape] if self._is_class(shape) else classes

    def _is_class(self, shape: Node) -> bool:
        """A shape that is also a class targets its instances (implicit class target)."""
        return (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g

    def _prologue(self) -> str:
        """PREFIX lines for what the sh:prefixes of the shapes graph's SPARQL nodes declare."""
        lines = set()
        for owner in self.g.objects(None, SH.prefixes):
            for declaration in self.g.objects(owner, SH.declare):
                prefix, namespace = (
                    self.g.value(declaration, SH.prefix),
                    self.g.value(declaration, SH.namespace),
                )
                lines.add(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(lines))

    def _shape_queries(self, shape: Node, target: str) -> Iterator[ViolationQuery]:
        severity = self.g.value(shape, SH.severity) or SH.Violation
        path = self.g.value(shape, SH.path)
        messages = tuple(
            sorted(m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal))
        )
        prologue = self.prologue
        for component, pattern, has_value, anchored in self._violations(shape, "?this", target):
            value = " ?value" if has_value else ""
            if anchored:
                pattern = f"{{ SELECT DISTINCT ?this{value} WHERE {{ {pattern} }} }}"
            yield ViolationQuery(
                f"{prologue}SELECT DISTINCT ?this{value}\n{self.scope}WHERE {{\n  {target}\n  {pattern}\n}}",
                shape, component, severity, path, messages,
            )  # fmt: skip
        for constraint in self.g.objects(shape, SH.sparql):
            select = self.g.value(constraint, SH.select)
            if select is None or self._deactivated(constraint):
                continue
            own = tuple(
                sorted(m for m in self.g.objects(constraint, SH.message) if isinstance(m, Literal))
            )
            yield ViolationQuery(
                f"{prologue}SELECT DISTINCT ?this\n{self.scope}WHERE {{\n  {target}\n}}",
                shape, SH.SPARQLConstraintComponent, severity, path, own or messages,
                prebound=str(select), head=f"{prologue}SELECT *\n{self.scope}WHERE",
            )  # fmt: skip

    # -- constraints ----------------------------------------------------------------------------------
    def _violations(self, shape: Node, focus: str, target: str = "") -> Iterator[_Violation]:
        """Each constraint of `shape` on `focus` as a pattern that binds `?value` (top level: `focus` is
        `?this`, bound by `target`) or fresh variables, and matches once per violation."""
        g = self.g
        for predicate in set(g.predicates(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in _NON_CONSTRAINTS | _HANDLED:
                raise UnsupportedShape(shape, predicate.n3())
        path_node = g.value(shape, SH.path)
        path = render_path(g, path_node) if path_node is not None else None
        # at the top, MINUS (a hash anti-join) replaces a correlated NOT EXISTS
        top = focus == "?this"
        anchored = top and path is not None
        value = "?value" if top else self.var()

        def values(condition: str, per_value: bool = False, unless: str = "") -> str:
            """Each value node of `focus` (the focus itself for a node shape) with `condition`; with
            `per_value` (a costly condition on the value alone), at the top level the condition is
            evaluated once per distinct value of the path, not once per link, and by `unless` (MINUS
            groups equivalent to it, hash anti-joins) when given."""
            if path is None:
                return f"BIND({focus} AS {value}) FILTER({condition})"
            if per_value and top:
                distinct = f"{{ SELECT DISTINCT {value} WHERE {{ [] {path} {value} }} }}"
                check = unless or f"FILTER({condition})"
                return (
                    f"{focus} {path} {value} . {{ SELECT {value} WHERE {{ {distinct} {check} }} }}"
                )
            return self._each(focus, path_node, value, condition)

        for component, condition in self._conditions(shape, value):
            yield _Violation(component, values(condition), True, anchored)
        for cls in g.objects(shape, SH["class"]):
            if anchored:
                yield _Violation(
                    SH.ClassConstraintComponent,
                    f"{focus} {path} {value} . MINUS {{ {value} {_INSTANCE_OF} {cls.n3()} }}",
                    True,
                    True,
                )
            elif top:  # the focus node itself: the targets minus the class's instances
                yield _Violation(
                    SH.ClassConstraintComponent,
                    f"MINUS {{ ?this {_INSTANCE_OF} {cls.n3()} }} BIND(?this AS {value})",
                    True,
                )
            else:
                yield _Violation(
                    SH.ClassConstraintComponent, values(f"!{self._is_a(value, cls)}"), True
                )
        for wanted in g.objects(shape, SH.hasValue):
            if path is None:
                yield _Violation(
                    SH.HasValueConstraintComponent,
                    f"FILTER(!sameTerm({focus}, {wanted.n3()}))",
                    False,
                )
            else:
                yield _Violation(
                    SH.HasValueConstraintComponent,
                    f"{'MINUS' if top else 'FILTER NOT EXISTS'} {{ {focus} {path} {wanted.n3()} }}",
                    False,
                )
        for other in g.objects(shape, SH.equals):
            if path is None:
                raise UnsupportedShape(shape, "sh:equals on a node shape")
            if top:  # both sides bind both variables: MINUS is NOT EXISTS here
                yield _Violation(SH.EqualsConstraintComponent, (
                    f"{{ ?this {path} {value} MINUS {{ ?this {other.n3()} {value} }} }} "
                    f"UNION {{ ?this {other.n3()} {value} MINUS {{ ?this {path} {value} }} }}"
                ), True, True)  # fmt: skip
                continue
            yield _Violation(SH.EqualsConstraintComponent, (
                f"{{ {self._each(focus, path_node, value, f'NOT EXISTS {{ {focus} {other.n3()} {value} }}')} }} "
                f"UNION {{ {focus} {other.n3()} {value} . FILTER NOT EXISTS {{ {focus} {path} {value} }} }}"
            ), True)  # fmt: skip
        if path is not None:
            for n in g.objects(shape, SH.minCount):
                if int(n) > 0:
                    has = (
                        self._distinct(focus, path, int(n))
                        if int(n) > 1
                        else self._each(focus, path_node, self.var(), "true")
                    )
                    yield _Violation(
                        SH.MinCountConstraintComponent,
                        f"{'MINUS' if top else 'FILTER NOT EXISTS'} {{ {has} }}",
                        False,
                    )
            for n in g.objects(shape, SH.maxCount):
                yield _Violation(
                    SH.MaxCountConstraintComponent,
                    self._counted(path, f"> {int(n)}")
                    if top
                    else self._distinct(focus, path, int(n) + 1),
                    False,
                    anchored,
                )
            yield from self._qualified(shape, focus, path, target)
        logical = self._logical(shape, value, values, target if top and not path else "")
        for component, pattern, has_value in logical:
            yield _Violation(component, pattern, has_value, anchored)

    def _conditions(self, shape: Node, value: str) -> Iterator[tuple[URIRef, str]]:
        """(component, a test of `value` alone that is true when it violates) for each constraint of
        `shape` on a value node by itself (datatype, node kind, sh:in, pattern, lengths, ranges,
        languages)."""
        g = self.g
        for datatype in g.objects(shape, SH.datatype):
            bad = f"!isLiteral({value}) || datatype({value}) != {datatype.n3()}"
            if datatype in _CASTABLE:
                bad += f" || !COALESCE(isLiteral({datatype.n3()}(STR({value}))), false)"
            yield SH.DatatypeConstraintComponent, bad
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise UnsupportedShape(shape, f"sh:nodeKind {kind.n3()}")
            yield SH.NodeKindConstraintComponent, _NODE_KINDS[kind].format(v=value)
        for listed in g.objects(shape, SH["in"]):
            allowed = " || ".join(f"sameTerm({value}, {m.n3()})" for m in Collection(g, listed))
            yield SH.InConstraintComponent, f"!({allowed or 'false'})"
        for regex in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f"{Literal(str(regex)).n3()}" + (
                f", {Literal(str(flags)).n3()}" if flags else ""
            )
            yield SH.PatternConstraintComponent, f"isBlank({value}) || !REGEX(STR({value}), {args})"
        for key, (op, component) in _LENGTHS.items():
            for n in g.objects(shape, key):
                yield component, f"isBlank({value}) || STRLEN(STR({value})) {op} {int(n)}"
        for key, (op, component) in _COMPARISONS.items():
            for bound in g.objects(shape, key):
                yield component, f"!COALESCE({value} {op} {bound.n3()}, false)"
        for listed in g.objects(shape, SH.languageIn):
            tags = " || ".join(
                f"langMatches(lang({value}), {Literal(str(t)).n3()})" for t in Collection(g, listed)
            )
            yield SH.LanguageInConstraintComponent, f"!isLiteral({value}) || !({tags or 'false'})"

    def _logical(
        self, shape: Node, value: str, values: Callable[[str, bool, str], str], target: str
    ) -> Iterator[tuple[URIRef, str, bool]]:
        """sh:or, sh:and, sh:xone, sh:not and sh:node on each value node (`values` binds them). With
        `target` (the focus node itself, at the top), a member that is more than value tests is taken
        as the set of the target's nodes that fail it, found once (`_failing_targets`), not an EXISTS
        per node."""
        g = self.g
        bind = f"BIND(?this AS {value})"
        for listed in g.objects(shape, SH["or"]):
            members = list(Collection(g, listed))
            failing = [self._failing(s) for s in members] if target else []
            if failing and all(failing):  # the nodes that fail every member: one join of each's
                yield SH.OrConstraintComponent, "".join(
                    f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(f'{{ {p} }}' for p in f)} }} }} "
                    for f in failing
                ) + bind, True  # fmt: skip
                continue
            if target and not all(self._value_tests_only(s) for s in members):
                sets = "".join(self._failing_targets(s, target) for s in members)
                yield SH.OrConstraintComponent, f"{sets} {bind}", True
                continue
            fails = " && ".join(self._fail_test(s, value) for s in members)
            classes = [self._only_classes(s) for s in members]
            unless = (  # an sh:or of sh:class members: minus the instances of each
                "".join(
                    "MINUS { " + " ".join(f"{value} {_INSTANCE_OF} {c.n3()} ." for c in cs) + " }"
                    for cs in classes
                )
                if members and all(classes)
                else ""
            )
            yield SH.OrConstraintComponent, values(fails or "true", True, unless), True
        for listed in g.objects(shape, SH["and"]):
            fails = " || ".join(self._fail_test(s, value) for s in Collection(g, listed))
            yield SH.AndConstraintComponent, values(fails or "false", True), True
        for listed in g.objects(shape, SH.xone):
            members = list(Collection(g, listed))
            if target and not all(self._value_tests_only(s) for s in members):
                failed = " UNION ".join(  # the members each node fails, counted
                    f"{{ {self._failing_targets(s, target)} BIND({i} AS ?failed) }}"
                    for i, s in enumerate(members)
                )
                yield SH.XoneConstraintComponent, (
                    f"{{ SELECT ?this WHERE {{ {{ {target} }} OPTIONAL {{ {failed} }} }} "
                    f"GROUP BY ?this HAVING(COUNT(DISTINCT ?failed) != {len(members) - 1}) }} {bind}"
                ), True  # fmt: skip
                continue
            passing = " + ".join(f"IF({self._fail_test(s, value)}, 0, 1)" for s in members)
            yield SH.XoneConstraintComponent, values(f"({passing or '0'}) != 1", True), True
        for negated in g.objects(shape, SH["not"]):
            if target and not self._value_tests_only(negated):
                failing = self._failing_targets(negated, target)
                yield SH.NotConstraintComponent, f"MINUS {failing} {bind}", True
                continue
            yield (
                SH.NotConstraintComponent,
                values(f"!{self._fail_test(negated, value)}", True),
                True,
            )
        for nested in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, values(self._fail_test(nested, value), True), True

    def _qualified(self, shape: Node, focus: str, path: str, target: str) -> Iterator[_Violation]:
        qualified = self.g.value(shape, SH.qualifiedValueShape)
        if qualified is None:
            return
        if self.g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise UnsupportedShape(shape, "sh:qualifiedValueShapesDisjoint true")
        if focus == "?this":  # count the conforming values of every focus node at once
            value = self.var()
            conforms = f"FILTER(!{self._fail_test(qualified, value)})"
            for n in self.g.objects(shape, SH.qualifiedMinCount):
                if int(n) > 0:
                    yield _Violation(
                        SH.QualifiedMinCountConstraintComponent,
                        f"MINUS {self._counted(path, f'>= {int(n)}', value, target, conforms)}",
                        False,
                    )
            for n in self.g.objects(shape, SH.qualifiedMaxCount):
                yield _Violation(
                    SH.QualifiedMaxCountConstraintComponent,
                    self._counted(path, f"> {int(n)}", value, target, conforms),
                    False,
                    True,
                )
            return

        def conforming(n: int) -> str:
            names = [self.var() for _ in range(n)]
            triples = " ".join(
                f"{focus} {path} {v} . FILTER(!{self._fail_test(qualified, v)})" for v in names
            )
            return triples + "".join(f" FILTER(!sameTerm({a}, {b}))" for a, b in _pairs(names))

        for n in self.g.objects(shape, SH.qualifiedMinCount):
            if int(n) > 0:
                yield _Violation(
                    SH.QualifiedMinCountConstraintComponent,
                    f"FILTER NOT EXISTS {{ {conforming(int(n))} }}",
                    False,
                )
        for n in self.g.objects(shape, SH.qualifiedMaxCount):
            yield _Violation(SH.QualifiedMaxCountConstraintComponent, conforming(int(n) + 1), False)

    def _counted(
        self, path: str, test: str, value: str = "", within: str = "", condition: str = ""
    ) -> str:
        """The nodes `?this` (those of `within`, a target, when given) whose number of distinct values
        on `path` (those meeting `condition`, a FILTER) passes `test` (e.g. `> 1`): one grouped pass.
        A costly condition goes with the target first (Oxigraph joins in the order written)."""
        value = value or self.var()
        within = f"{{ {within} }}" if within else ""
        return (
            f"{{ SELECT ?this WHERE {{ {within} ?this {path} {value} . {condition} }} "
            f"GROUP BY ?this HAVING(COUNT(DISTINCT {value}) {test}) }}"
        )

    def _failing(self, shape: Node) -> list[str]:
        """Patterns that bind `?this` to each node that fails `shape`, one per constraint, when each
        constraint binds it from a path's triples (a path's counts, values, equality); else []."""
        if self._deactivated(shape) or (shape, SH.sparql, None) in self.g:
            return []
        found = list(self._violations(shape, "?this"))
        patterns = [v.pattern for v in found]
        for prop in self.g.objects(shape, SH.property):
            inner = self._failing(prop)
            if not inner:
                return []
            patterns += inner
        return patterns if patterns and all(v.anchored for v in found) else []

    def _failing_targets(self, shape: Node, target: str) -> str:
        """A subquery selecting the nodes `?this` of `target` that fail `shape`: the union of its
        constraints' top-level violations, each with the target (nested property shapes included)."""
        if self._deactivated(shape):
            return "{ SELECT ?this WHERE { FILTER(false) } }"
        patterns = []
        for _, pattern, has_value, anchored in self._violations(shape, "?this", target):
            if anchored:
                pattern = f"{{ SELECT DISTINCT ?this{' ?value' if has_value else ''} WHERE {{ {pattern} }} }}"
            patterns.append(f"{{ {{ {target} }} {pattern} }}")
        for prop in self.g.objects(shape, SH.property):
            patterns.append(f"{{ {self._failing_targets(prop, target)} }}")
        if (shape, SH.sparql, None) in self.g:
            raise UnsupportedShape(shape, "sh:sparql inside a logical or nested shape")
        union = " UNION ".join(patterns) or "FILTER(false)"
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def _value_tests_only(self, shape: Node) -> bool:
        """Whether `shape` says nothing but tests of a value by itself (see `_conditions`)."""
        said = {p for p in self.g.predicates(shape) if str(p).startswith(str(SH))}
        return not self._deactivated(shape) and said <= _VALUE_TESTS | _NON_CONSTRAINTS - {SH.path}

    def _fail_test(self, shape: Node, focus: str) -> str:
        """An expression that is true when `focus` does not conform to `shape`: the tests of its
        constraints on the node alone when it has no other (no path, property, class, logic), else an
        EXISTS of `_fails`. Each test is wrapped in COALESCE, as a failing FILTER of a UNION drops only
        its branch."""
        if not self._value_tests_only(shape):
            return f"EXISTS {{ {self._fails(shape, focus)} }}"
        tests = [f"COALESCE({test}, false)" for _, test in self._conditions(shape, focus)]
        return "(" + (" || ".join(tests) or "false") + ")"

    def _fails(self, shape: Node, focus: str) -> str:
        """A pattern that matches when `focus` does not conform to `shape` (any constraint, nested
        property shapes included)."""
        if self._deactivated(shape):
            return "FILTER(false)"
        if (shape, SH.sparql, None) in self.g:
            raise UnsupportedShape(shape, "sh:sparql inside a logical or nested shape")
        parts = [v.pattern for v in self._violations(shape, focus)]
        parts += [self._fails(p, focus) for p in self.g.objects(shape, SH.property)]
        return " UNION ".join(f"{{ {p} }}" for p in parts) if parts else "FILTER(false)"

    def _each(self, focus: str, path: Node, value: str, condition: str) -> str:
        """`value` bound to each value of `focus` on `path`, where `condition` holds. Inside EXISTS, a
        sequence path becomes one triple pattern per step, each in an EXISTS of its own: Oxigraph plans
        an EXISTS without its outer bindings, and would else evaluate a step over the whole graph for
        each focus node."""
        if focus == "?this" or (path, RDF.first, None) not in self.g:
            return f"{focus} {render_path(self.g, path)} {value} . FILTER({condition})"
        *steps, last = list(Collection(self.g, path))
        text, node = "", focus
        for step in steps:
            step_value = self.var()
            text += f"{node} {render_path(self.g, step)} {step_value} . FILTER EXISTS {{ "
            node = step_value
        return (
            text
            + f"{node} {render_path(self.g, last)} {value} . FILTER({condition})"
            + " }" * len(steps)
        )

    def _is_a(self, node: str, cls: Node) -> str:
        return f"EXISTS {{ {node} {_INSTANCE_OF} {cls.n3()} }}"

    def _only_classes(self, shape: Node) -> list[Node]:
        """The sh:class values of a shape that says nothing else (no path, property or other
        constraint, not deactivated): its value conforms when it is an instance of each; else []."""
        said = {p for p in self.g.predicates(shape) if str(p).startswith(str(SH))}
        return sorted(self.g.objects(shape, SH["class"]), key=str) if said == {SH["class"]} else []

    def _distinct(self, focus: str, path: str, n: int) -> str:
        """`focus` has at least `n` distinct values on `path`."""
        names = [self.var() for _ in range(n)]
        triples = " ".join(f"{focus} {path} {v} ." for v in names)
        return triples + "".join(f" FILTER(!sameTerm({a}, {b}))" for a, b in _pairs(names))


_INSTANCE_OF = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"


def _pairs(names: Sequence[str]) -> Iterator[tuple[str, str]]:
    return ((a, b) for i, a in enumerate(names) for b in names[i + 1 :])


_VALUE_TESTS = {  # the constraints `_conditions` tests
    SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.minLength, SH.maxLength,
    SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive, SH.languageIn,
}  # fmt: skip
_HANDLED = {
    SH.datatype, SH.nodeKind, SH["class"], SH["in"], SH.pattern, SH.flags, SH.minLength, SH.maxLength,
    SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive, SH.languageIn, SH.hasValue,
    SH.equals, SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint,
    SH["or"], SH["and"], SH.xone, SH["not"], SH.node, SH.property, SH.sparql,
}  # fmt: skip
