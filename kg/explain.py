"""Explain an inconsistency or an unsatisfiable class: a minimal set of statements that causes it (a
justification), found black-box over the reasoner: expand a relevant module until the problem shows,
then contract it with QuickXplain (Junker 2004); printed as Turtle with each statement's file and line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import owlready2
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from clusterkg.kg.errors import display_path
from clusterkg.kg.namespaces import SH, bind_all
from clusterkg.kg.reason import ReasonerReport, classified
from clusterkg.kg.turtle_lines import SourceMap, Triple

# Declarations stay in every trial (owlready2 needs them to read an axiom); annotations never cause a
# contradiction and are left out.
DECLARATIONS = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    OWL.Ontology,
    RDFS.Datatype,
}
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SH))
LOGICAL_PREDICATES = {
    RDF.type,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.inverseOf,
    OWL.sameAs,
    OWL.differentFrom,
    OWL.complementOf,
    OWL.hasKey,
    OWL.propertyChainAxiom,
}


@dataclass(frozen=True)
class Axiom:
    """One statement: a triple with the blank-node description it needs (a restriction, a list)."""

    triples: frozenset[Triple]
    subject: URIRef | None  # the named term it is about; None for an axiom on a blank node
    terms: frozenset[URIRef]  # every named term in it, OWL's own vocabulary aside


@dataclass(frozen=True)
class Justification:
    """The problem explained, and the statements that together cause it (each with file and line)."""

    problem: str
    axioms: list[Axiom]
    trials: int  # reasoner runs it took

    def turtle(self, sources: SourceMap) -> str:
        """Each statement as Turtle, preceded by `# file:line` (or `# (given)` for one in no file)."""
        header = f"# {self.problem}: these {len(self.axioms)} statements cause it"
        blocks = [
            f"{header} (found in {self.trials} reasoner runs; remove any one and it goes away)"
        ]
        placed = sorted((_place(a, sources), _as_turtle(a)) for a in self.axioms)
        blocks += [
            f"# {display_path(path) if path else '(given)'}{f':{line}' if line else ''}\n{text}"
            for (path, line), text in placed
        ]
        return "\n".join(blocks) + "\n"


def axioms_of(graph: Graph) -> tuple[Graph, list[Axiom]]:
    """The declarations of `graph` (kept in every trial) and its logical statements as axioms."""
    background = Graph()
    axioms = []
    for s, p, o in graph:
        if isinstance(s, BNode) and next(graph.subjects(None, s), None) is not None:
            continue  # part of the description of another node
        if p == RDF.type and o in DECLARATIONS:
            background.add((s, p, o))
        elif isinstance(s, BNode) or p in LOGICAL_PREDICATES or _is_property(graph, p):
            triples = {(s, p, o)} | (_description(graph, s) if isinstance(s, BNode) else set())
            triples |= _description(graph, o)
            axioms.append(_axiom(triples, s))
    return background, sorted(set(axioms), key=lambda a: sorted(map(str, a.triples)))


def explain(
    graph: Graph,
    problem: Callable[[Graph], bool],
    seed: set[URIRef],
    label: str,
) -> Justification:
    """A minimal subset of `graph`'s axioms for which `problem` (a reasoner run) holds.

    Expand: axioms about the `seed` terms, then about the terms those name, and so on, until the problem
    shows (all axioms at the latest). Contract: QuickXplain over what the expansion gathered.
    """
    background, axioms = axioms_of(graph)
    trials = 0

    def holds(chosen: Sequence[Axiom]) -> bool:
        nonlocal trials
        trials += 1
        trial = Graph()
        trial += background
        for axiom in chosen:
            for triple in axiom.triples:
                trial.add(triple)
        return problem(trial)

    module = _expand(axioms, seed, holds)
    return Justification(label, _quickxplain([], module, holds, False), trials)


def _expand(
    axioms: list[Axiom], seed: set[URIRef], holds: Callable[[Sequence[Axiom]], bool]
) -> list[Axiom]:
    """The axioms about the seed, widened one step of relevance at a time until the problem holds."""
    signature = set(seed)
    module: list[Axiom] = []
    while True:
        added = [a for a in axioms if a not in module and _relevant(a, signature)]
        if not added:
            return module if module and holds(module) else axioms
        module += added
        signature |= {t for a in added for t in a.terms}
        if holds(module):
            return module


def _quickxplain(
    background: list[Axiom],
    candidates: list[Axiom],
    holds: Callable[[Sequence[Axiom]], bool],
    changed: bool,
) -> list[Axiom]:
    """Junker's QuickXplain: the part of `candidates` that, with `background`, makes the problem hold."""
    if changed and holds(background):
        return []
    if len(candidates) == 1:
        return list(candidates)
    half = len(candidates) // 2
    first, second = candidates[:half], candidates[half:]
    needed_second = _quickxplain(background + first, second, holds, bool(first))
    needed_first = _quickxplain(background + needed_second, first, holds, bool(needed_second))
    return needed_first + needed_second


def _relevant(axiom: Axiom, signature: set[URIRef]) -> bool:
    """An axiom about a term of the signature (its subject), or a blank-node axiom naming one, or an
    equivalence whose class expression names one (it may classify an individual into its class)."""
    if axiom.subject is None or any(p == OWL.equivalentClass for _, p, _ in axiom.triples):
        return bool(axiom.terms & signature)
    return axiom.subject in signature


def explain_report(report: ReasonerReport, ontology: Graph, data: Graph) -> list[Justification]:
    """A justification for each problem the reasoner reported: the inconsistency (from the data's terms,
    or the ontology's individuals when the ontology alone has no model), each unsatisfiable class."""
    if not report.consistent:
        graph = ontology + data if report.data_at_fault else ontology
        seed = seed_terms(data if report.data_at_fault else _assertions(ontology))
        return [explain(graph, inconsistent(report.reasoner), seed, report.message())]
    return [
        explain(
            ontology, unsatisfiable(cls, report.reasoner), {cls}, f"unsatisfiable class <{cls}>"
        )
        for cls in report.unsatisfiable
    ]


def _assertions(graph: Graph) -> Graph:
    """The class and property assertions about individuals: what an ontology's own contradiction starts from."""
    individuals = set(graph.subjects(RDF.type, OWL.NamedIndividual))
    found = Graph()
    for individual in individuals:
        found += graph.triples((individual, None, None))
    return found


def inconsistent(reasoner: str) -> Callable[[Graph], bool]:
    """The problem "the graph has no model", as one reasoner run."""

    def problem(graph: Graph) -> bool:
        try:
            with classified(graph, reasoner):
                return False
        except owlready2.OwlReadyInconsistentOntologyError:
            return True

    return problem


def unsatisfiable(cls: URIRef, reasoner: str) -> Callable[[Graph], bool]:
    """The problem "`cls` can have no instance", as one reasoner run."""

    def problem(graph: Graph) -> bool:
        try:
            with classified(graph, reasoner) as world:
                return any(str(c.iri) == str(cls) for c in world.inconsistent_classes())
        except owlready2.OwlReadyInconsistentOntologyError:
            return False

    return problem


def seed_terms(graph: Graph) -> set[URIRef]:
    """The individuals of `graph` and the terms they are described with: where a contradiction in data starts."""
    return {
        t
        for s, p, o in graph
        if not (p == RDF.type and o in DECLARATIONS)
        for t in (s, p, o)
        if isinstance(t, URIRef) and not t.startswith(BUILT_IN)
    }


def _axiom(triples: set[Triple], subject: object) -> Axiom:
    terms = frozenset(
        t
        for triple in triples
        for t in triple
        if isinstance(t, URIRef) and not str(t).startswith(BUILT_IN)
    )
    return Axiom(frozenset(triples), subject if isinstance(subject, URIRef) else None, terms)


def _description(graph: Graph, node: object) -> set[Triple]:
    """The triples describing a blank node, recursively (restrictions, lists)."""
    found: set[Triple] = set()
    frontier = [node]
    while frontier:
        current = frontier.pop()
        if not isinstance(current, BNode):
            continue
        for p, o in graph.predicate_objects(current):
            if (current, p, o) not in found:
                found.add((current, p, o))
                frontier.append(o)
    return found


def _is_property(graph: Graph, predicate: object) -> bool:
    """A property assertion: an object or datatype property of the ontology (annotations are left out)."""
    return any(
        (predicate, RDF.type, kind) in graph for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
    )


def _place(axiom: Axiom, sources: SourceMap) -> tuple[str, int]:
    """The file and line of the axiom's main triple (the one not inside a blank node's description);
    ("", 0) when no file states it."""
    roots = {t[0] for t in axiom.triples} - {t[2] for t in axiom.triples}
    main = [t for t in axiom.triples if t[0] in roots]
    for triple in sorted(main, key=lambda t: (t[1] != RDF.type, str(t[1]))):
        place = sources.where(triple)
        if place is not None:
            return str(place[0]), place[1]
    return "", 0


def _as_turtle(axiom: Axiom) -> str:
    graph = Graph()
    bind_all(graph)
    for triple in axiom.triples:
        graph.add(triple)
    text = graph.serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if line and not line.startswith("@prefix"))
