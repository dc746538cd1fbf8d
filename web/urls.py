"""Where the pages about a resource live: the one place views ask for such links, so blueprints never
import each other (Datasette's url_builder in spirit)."""

from __future__ import annotations

from flask import url_for

from clusterkg.kg.namespaces import CKR


def rec_href(iri: str) -> str:
    """The page of a recommendation."""
    return url_for("recommendations.show", slug=iri.removeprefix(str(CKR["recommendation/"])))


def study_href(iri: str) -> str:
    """The page of a study."""
    return url_for("studies.show", path=iri.removeprefix(str(CKR)))
