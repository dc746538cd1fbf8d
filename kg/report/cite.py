"""In-text citations and the bibliography, formatted by citeproc-py with a CSL style (APA 7th edition by default)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from lxml.etree import XMLSyntaxError

from clusterkg.kg.errors import UserError
from clusterkg.kg.sources.studies import work_types

APA = Path(__file__).parent / "styles" / "apa.csl"
FORMATTERS = {"html": formatter.html, "plain": formatter.plain}


class Citer:
    """Cites studies (by IRI) in `style`: one in-text citation per study, and their bibliography."""

    def __init__(
        self,
        references: list[dict[str, str]],
        order: Iterable[str],
        style: Path = APA,
        output: str = "plain",
    ) -> None:
        items = csl_items(references)
        known = {item["id"] for item in items}
        self.order = [iri for iri in order if iri in known]
        # citeproc lower-cases item ids: the items get ids of their own, mapped back to the IRIs.
        self._ids = {iri: f"item{n}" for n, iri in enumerate(self.order)}
        iris = {key: iri for iri, key in self._ids.items()}
        items = [{**item, "id": self._ids[item["id"]]} for item in items if item["id"] in self._ids]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # citeproc warns about every CSL feature it skips
                csl = CitationStylesStyle(str(style), validate=False)
        except (OSError, XMLSyntaxError) as exc:
            raise UserError(f"--style: not a CSL style file ({exc})", style) from None
        self._bib = CitationStylesBibliography(csl, CiteProcJSON(items), FORMATTERS[output])
        self._citations = {iri: Citation([CitationItem(self._ids[iri])]) for iri in self.order}
        for citation in self._citations.values():
            self._bib.register(citation)
        self._bib.sort()  # the style's bibliography order (APA: by author, then year)
        self._iris = iris
        self._texts: dict[str, str] = {}

    def cite(self, iri: str) -> str:
        """The in-text citation of the study `iri`, e.g. "(Porter, 1990)"."""
        if iri not in self._texts:
            if iri not in self._citations:
                return ""
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._texts[iri] = str(self._bib.cite(self._citations[iri], lambda item: None))
        return self._texts[iri]

    def bibliography(self) -> list[tuple[str, str]]:
        """(study IRI, formatted entry) in the style's order."""
        for iri in self.order:
            self.cite(iri)  # citeproc lays out the bibliography of the citations it has cited
        keys = [self._iris[key] for key in self._bib.keys]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entries = [str(entry) for entry in self._bib.bibliography()]
        return list(zip(keys, entries, strict=True))


def csl_items(references: list[dict[str, str]]) -> list[dict]:
    """CSL-JSON items from rows of queries/report/references.rq: only what the graph states, so a study
    without a title has none, and one whose author list is cut short ("et al.") says so in its last name."""
    items: dict[str, dict] = {}
    authors: dict[str, dict[str, dict]] = {}
    types = _csl_types()
    for row in references:
        iri = row["study"]
        item = items.setdefault(iri, {"id": iri, "type": "document"})
        if row.get("workClass") in types:
            item["type"] = types[row["workClass"]]
        for column, key in (
            ("title", "title"),
            ("venue", "container-title"),
            ("volume", "volume"),
            ("issue", "issue"),
            ("pages", "page"),
            ("doi", "DOI"),
            ("url", "URL"),
            ("publisher", "publisher"),
        ):
            if row.get(column):
                item[key] = row[column]
        if row.get("year", "")[:4].isdigit():
            item["issued"] = {"date-parts": [[int(row["year"][:4])]]}
        if row.get("position") and row.get("creatorNotStated") != "true":
            authors.setdefault(iri, {})[row["position"]] = _name(row)
        if row.get("authorListComplete") == "false":
            item["_incomplete"] = True
    for iri, item in items.items():
        names = [authors.get(iri, {})[p] for p in sorted(authors.get(iri, {}), key=int)]
        if names and item.pop("_incomplete", False):
            last = names[-1]
            names[-1] = (
                {**last, "family": f"{last['family']} et al."}
                if "family" in last
                else {"literal": f"{last['literal']} et al."}
            )
        item.pop("_incomplete", None)
        if names:
            item["author"] = names
    return list(items.values())


def _name(row: dict[str, str]) -> dict[str, str]:
    if row.get("name"):
        return {"literal": row["name"]}
    family = row.get("family") or row.get("printed", "")
    printed = row.get("printed", "")
    given = printed[len(family) + 2 :] if printed.startswith(f"{family}, ") else ""
    return {"family": family, "given": given} if given else {"family": family}


def _csl_types() -> dict[str, str]:
    """FaBiO/BIBO class IRI -> the first CSL type that kg/sources/work-types.csv maps to it."""
    types: dict[str, str] = {}
    for (fmt, record_type), (work_class, _) in work_types().items():
        if fmt == "csl" and work_class is not None:
            types.setdefault(str(work_class), record_type)
    return types
