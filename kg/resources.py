"""Where the packaged data lives (ontology, shapes, query library, example source, workspace template, web
data): the one module that asks importlib.resources, so a checkout and an installed wheel read the same."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# kg/share/ontology and kg/share/queries are links to the checkout's top-level ontology/ and queries/;
# the wheel carries their content (pyproject.toml, package-data).


def _folder(package: str, *parts: str) -> Path:
    """A packaged folder as a file-system path (wheels install unpacked; rdflib and pyshacl read paths)."""
    return Path(str(files(package).joinpath(*parts))).resolve()


def ontology_dir() -> Path:
    """The umbrella ontology, its modules, rules, examples and the SHACL shapes (`shapes/`, `shapes/meta/`)."""
    return _folder("clusterkg.kg", "share", "ontology")


def queries_dir() -> Path:
    """The query library: `*.rq`, `checks/*-violation.rq`, `web/*.rq`."""
    return _folder("clusterkg.kg", "share", "queries")


def own_queries_dir() -> Path:
    """The tool's own queries (`kg/sparql/*.rq`): what the store, the validator and the CLI ask."""
    return _folder("clusterkg.kg", "sparql")


def example_manifest() -> Path:
    """The built-in example: the seed paper's graph (its full text is not packaged)."""
    return _folder("clusterkg.kg", "data", "sources.ttl")


def example_inputs_dir() -> Path:
    """Example files to ingest (a BibTeX file and an evidence table taken from the seed paper)."""
    return _folder("clusterkg.kg", "examples")


def workspace_template() -> Path:
    """The files `clusterkg init` copies into a new review workspace."""
    return _folder("clusterkg.kg", "workspace_template")


def web_data_dir() -> Path:
    """The SPARQL service description and the VoID description of the dataset."""
    return _folder("clusterkg.web", "data")
