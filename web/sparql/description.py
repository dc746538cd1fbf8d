"""The SPARQL service description (sd:) and the VoID/DCAT dataset description, as RDF graphs.

The fixed part of each lives in Turtle next to this module (relative IRIs resolved against the
request's URL); the parts that depend on the data come from CONSTRUCT queries in queries/web/.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from clusterkg.kg.namespaces import bind_all
from clusterkg.kg.rdfio import parse_into
from clusterkg.kg.resources import web_data_dir

DATA_DIR = web_data_dir()


def service_description(endpoint: str, graphs: Graph, with_update: bool) -> Graph:
    """sd:Service for `endpoint`, with its named graphs (`graphs`, from queries/web/dataset-graphs.rq)."""
    description = _template("service.ttl", endpoint)
    if with_update:
        description += _template("service-update.ttl", endpoint)
    description += graphs
    return description


def dataset_description(document: str, statistics: Graph) -> Graph:
    """VoID/DCAT description of the dataset served here, at `document` (the /.well-known/void URL)."""
    description = _template("void.ttl", document)
    description += statistics
    return description


def void_url(host_url: str) -> str:
    """Where the VoID description lives on the server at `host_url` (ending in `/`)."""
    return host_url + ".well-known/void"


def dataset_iri(host_url: str) -> URIRef:
    """The IRI the VoID and service descriptions give the dataset served at `host_url`."""
    return URIRef(void_url(host_url) + "#dataset")


def _template(name: str, base: str) -> Graph:
    graph = Graph()
    bind_all(graph)
    return parse_into(graph, DATA_DIR / name, base=base)
