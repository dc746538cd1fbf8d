"""The one prefix map of the project: namespaces used by the code, the queries and the pages."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, VOID, XSD

if TYPE_CHECKING:
    import curies

CKG = Namespace("https://w3id.org/clusterkg/ontology#")
CKR = Namespace("https://w3id.org/clusterkg/resource/")
CKGRAPH = Namespace("https://w3id.org/clusterkg/graph/")
OA = Namespace("http://www.w3.org/ns/oa#")
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
# schema.org terms as the data writes them (http:, as most published RDF does; rdflib's SDO is https:)
SCHEMA = Namespace("http://schema.org/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = "https://w3id.org/clusterkg/ontology"
ONTOLOGY_GRAPH = CKGRAPH["ontology"]
INFERRED_GRAPH = CKGRAPH["inferred"]

PREFIXES: dict[str, Namespace] = {
    "ckg": CKG,
    "ckr": CKR,
    "ckgraph": CKGRAPH,
    "oa": OA,
    "cito": CITO,
    "fabio": FABIO,
    "bibo": BIBO,
    "qudt": QUDT,
    "unit": UNIT,
    "sh": SH,
    "sd": SD,
    "vann": VANN,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "qb": QB,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
}


@cache
def _converter() -> curies.Converter:
    """The one IRI-to-prefixed-name converter (CLI, web, tests): the longest namespace of the map that starts
    the IRI gives the prefix, the rest is the local name as it is (our resource paths keep their `/`).
    curies (with pydantic) is imported on first use: a third of a second of every command's start."""
    import curies

    return curies.Converter.from_prefix_map({prefix: str(ns) for prefix, ns in PREFIXES.items()})


def prefixed(iri: str) -> str | None:
    """`prefix:local` for an IRI in a namespace of the map; None for any other IRI."""
    return _converter().compress(str(iri))


def sparql_prologue() -> str:
    """PREFIX lines for every namespace in the map, to put in front of a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def bind_all(graph) -> None:
    """Bind the project's prefixes on an rdflib Graph or Dataset (for readable serialisations)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
