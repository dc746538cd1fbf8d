"""Load the ontology: the umbrella file plus its modules and rule tables, with owl:imports resolved from local files only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as parse_xml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from clusterkg.kg.errors import UserError
from clusterkg.kg.namespaces import bind_all
from clusterkg.kg.rdfio import parse_graph

UMBRELLA = "clusterkg.ttl"
CATALOG = "catalog-v001.xml"
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


def read_catalog(ontology_dir: Path) -> dict[URIRef, Path]:
    """Ontology IRI -> local file, from `catalog-v001.xml` (OASIS XML catalog, as Protege writes it)."""
    path = ontology_dir / CATALOG
    if not path.exists():
        return {}
    try:
        root = parse_xml(path).getroot()  # defused: a DTD entity or external reference is refused
    except ParseError as exc:
        raise UserError(f"bad XML catalog: {exc.msg}", path, exc.position[0]) from None
    except DefusedXmlException as exc:
        raise UserError(
            f"XML catalog refused: DTD entities and external references are not read ({exc})", path
        ) from None
    return {
        URIRef(el.attrib["name"]): (ontology_dir / el.attrib["uri"]).resolve()
        for el in root.iter(f"{_CATALOG_NS}uri")
        if "name" in el.attrib and "uri" in el.attrib
    }


def ontology_files(ontology_dir: Path, extensions: Sequence[Path] = ()) -> list[Path]:
    """The umbrella file, every module file, every rule table (`rules/*.ttl`), then each extension
    folder's `*.ttl` (a review workspace's own modules), umbrella first."""
    umbrella = ontology_dir / UMBRELLA
    if not umbrella.exists():
        raise UserError("ontology umbrella file not found", umbrella)
    return [
        umbrella,
        *sorted((ontology_dir / "modules").glob("*.ttl")),
        *sorted((ontology_dir / "rules").glob("*.ttl")),
        *(path for folder in extensions for path in sorted(folder.glob("*.ttl"))),
    ]


def load_ontology(ontology_dir: Path, extensions: Sequence[Path] = ()) -> Graph:
    """One graph of the umbrella and all modules; every owl:imports must name a local file.

    Imports resolve through the catalog, then through the ontology IRI (or version IRI) each local file
    declares. An import with no local file is an error: nothing is ever fetched over the network.
    """
    files = [p.resolve() for p in ontology_files(ontology_dir, extensions)]
    parsed = {path: parse_graph(path) for path in files}
    local = read_catalog(ontology_dir)
    for path, graph in parsed.items():
        for onto in graph.subjects(RDF.type, OWL.Ontology):
            local.setdefault(URIRef(onto), path)
            for version in graph.objects(onto, OWL.versionIRI):
                local.setdefault(URIRef(version), path)
    pending = list(files)
    while pending:
        path = pending.pop()
        for imported in sorted(parsed[path].objects(None, OWL.imports)):
            target = local.get(URIRef(imported))
            if target is None:
                raise UserError(
                    f"owl:imports <{imported}> has no local file (add it to {CATALOG})", path
                )
            if target not in parsed:
                parsed[target] = parse_graph(target)
                pending.append(target)
    ontology = Graph()
    bind_all(ontology)
    for graph in parsed.values():
        ontology += graph
    return ontology
