"""Load named SPARQL queries (`queries/*.rq`) with their comment header, check them, and bind parameters.

Header format (grlc-style decorators; every line is a SPARQL comment, so the file stays valid SPARQL):

    #+ summary: Which studies are evidence about hub firms?
    #+ description: Studies with a claim about hub firms that some evidence link cites,
    #+   with the recommendation it supports.        (an indented line continues the previous key)
    #+ tags: competency-question, actors
    #+ returns: study, title, year
    #+ param: _actor_iri = <https://w3id.org/clusterkg/resource/actor/hub-firm> -- the actor
    #+ param: _year = "2016"^^xsd:gYear -- the year of publication

- `summary` is one line; `tags` is a comma-separated list; any other `key: value` is kept in `meta`.
- `param: NAME = DEFAULT [-- description]`, once per parameter. NAME is the query variable without its
  `?`, starting with `_`; a name ending in `_iri` takes an IRI, any other a literal. DEFAULT is a Turtle
  term (`<iri>`, `prefix:name`, `"text"@en`, `"2016"^^xsd:gYear`, `42`), prefixes from the query's
  PREFIX lines or the project's prefix map. A literal value given later takes the datatype or language
  of the default.
- Binding replaces each `?NAME` / `$NAME` token outside strings, IRIs and comments by the value's
  escaped N3 form (never by pasting user text), so a parameter must not be projected by SELECT or
  bound by BIND. Without values, the defaults are bound: every query runs as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Identifier
from rdflib.util import from_n3

from kg.errors import UserError
from kg.namespaces import PREFIXES, sparql_prologue
from kg.rdfio import read_text
from kg.store.oxformats import parses_as_query
from kg.store.results import query_form

_HEADER = re.compile(r"^#\+\s*(?P<key>[A-Za-z][\w-]*)\s*:\s?(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\+\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>_\w+)\s*=\s*(?P<rest>.+)$")
_TERM = re.compile(
    r"""<[^<>"{}|^`\\\s]*>"""  # IRI
    r"""|"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?"""  # literal
    r"""|[^\s]+"""  # prefixed name, number, boolean
)
_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)"""
    r'''|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)"""
    r"""|(?P<other>[^#"'<?$]+|.)""",
    re.DOTALL,
)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\s]')
_KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True)
class Param:
    """A query parameter: the variable it replaces, whether it takes an IRI, and its default."""

    name: str  # e.g. "_study_iri"
    iri: bool
    default: Identifier
    description: str = ""

    @property
    def short(self) -> str:
        """The name a user types: `_study_iri` -> `study`."""
        return self.name.strip("_").removesuffix("_iri")

    def value(self, raw: object, namespaces: NamespaceManager | None = None) -> Identifier:
        """The RDF term for a user-given value (an RDF term, or text: a number counts as its digits),
        checked: an IRI for `_iri` parameters, else a literal."""
        if isinstance(raw, Identifier):
            return raw
        text = str(raw).strip()
        if self.iri:
            if text.startswith("<") and text.endswith(">"):
                text = text[1:-1]
            elif ":" in text and "://" not in text and not text.startswith("urn:"):
                prefix = text.split(":", 1)[0]
                known = dict(namespaces.namespaces()) if namespaces is not None else {}
                if prefix not in known:
                    raise UserError(
                        f"parameter {self.short}: unknown prefix {prefix!r} in {raw!r} "
                        "(write a full IRI in <...>, or use a prefix of the query or of the project)"
                    )
                text = str(namespaces.expand_curie(text))
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or _BAD_IRI_CHARS.search(text):
                raise UserError(f"parameter {self.short}: {raw!r} is not an IRI")
            return URIRef(text)
        default = self.default if isinstance(self.default, Literal) else Literal("")
        if default.language:
            return Literal(text, lang=default.language)
        return Literal(text, datatype=default.datatype)


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header: what it asks, what it returns, which parameters it takes."""

    name: str
    text: str
    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    path: Path | None = None
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param:
        """The parameter called `name` (its variable name or short name)."""
        for p in self.params:
            if name in (p.name, p.short, f"?{p.name}"):
                return p
        known = ", ".join(p.short for p in self.params) or "none"
        raise UserError(
            f"{self.name}: unknown parameter {name!r} (this query takes: {known})", self.path
        )

    def bind(self, values: Mapping[str, object] | None = None) -> str:
        """The query text with every parameter replaced by its value (or default), escaped as N3."""
        given = {
            self.param(k).name: self.param(k).value(v, self._namespaces)
            for k, v in (values or {}).items()
        }
        terms = {p.name: given.get(p.name, p.default).n3() for p in self.params}
        if not terms:
            return self.text
        return "".join(terms.get(var, piece) if var else piece for var, piece in self._pieces)

    @cached_property
    def _namespaces(self) -> NamespaceManager:
        return _namespaces(self.text)

    @cached_property
    def _pieces(self) -> tuple[tuple[str | None, str], ...]:
        """The text cut into (variable name without ?/$, or None; the piece's text), once: a page
        binds the same query for every cell of a table."""
        return tuple(
            (tok.group("var")[1:] if tok.group("var") else None, tok.group(0))
            for tok in _TOKENS.finditer(self.text)
        )


def prebind(text: str, name: str, value: Identifier) -> str:
    """SELECT query `text` with variable `name` pre-bound to `value` (SHACL-SPARQL's $this): each
    `?name`/`$name` token becomes the value's N3 form, and in the SELECT clause (before the first `{`)
    `(value AS ?name)`, so the answer still has the column."""
    pieces, body = [], False
    for tok in _TOKENS.finditer(text):
        if tok.group("var") and tok.group("var")[1:] == name:
            pieces.append(value.n3() if body else f"({value.n3()} AS ?{name})")
            continue
        body = body or bool(tok.group("other") and "{" in tok.group("other"))
        pieces.append(tok.group(0))
    return "".join(pieces)


def load_query(path: Path) -> NamedQuery:
    """Read one `.rq` file: header, parameters, and a syntax check (UserError: file, line, cause)."""
    text = read_text(path, "query file")
    header = _read_header(text, path)
    namespaces = _namespaces(text)
    code = _code(text)
    params = tuple(
        _parse_param(value, path, line, namespaces, code) for line, value in header.get("param", [])
    )
    kind = check_syntax(text, path)
    first = {key: values[0][1] for key, values in header.items() if key != "param"}
    return NamedQuery(
        name=path.stem,
        text=text,
        kind=kind,
        path=path,
        summary=first.pop("summary", ""),
        description=first.pop("description", ""),
        tags=tuple(t.strip() for t in first.pop("tags", "").split(",") if t.strip()),
        params=params,
        meta=first,
    )


def load_queries(folder: Path, pattern: str = "*.rq") -> list[NamedQuery]:
    """Every query file in `folder` matching `pattern` (not recursive), sorted by name."""
    return [load_query(p) for p in sorted(folder.glob(pattern))]


def adhoc_query(text: str) -> NamedQuery:
    """A query typed by the user: prefixes of the project's map are declared for it when it lacks them."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    prologue = "".join(
        line for line in sparql_prologue().splitlines(True) if _prefix_of(line) not in declared
    )
    offset = prologue.count("\n")
    try:
        kind = check_syntax(prologue + text, None)
    except UserError as exc:
        raise UserError(
            exc.cause, "--sparql", exc.line - offset if exc.line is not None else None
        ) from None
    return NamedQuery(name="query", text=prologue + text, kind=kind)


def check_syntax(text: str, path: Path | None) -> str:
    """The query's kind (SELECT, ASK, ...) if `text` is SPARQL 1.1; else UserError with line and cause.

    Oxigraph's parser answers first (about 0.2 ms a query against rdflib's 20 ms, which is what lets
    `serve` start fast); only a query it rejects, or an ASK (which Oxigraph evaluates at once), goes to
    rdflib's parser, whose messages name the line and the cause.
    """
    form = query_form(text)
    if form in ("SELECT", "CONSTRUCT", "DESCRIBE") and parses_as_query(text):
        return form
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        raise UserError(
            f"bad SPARQL: {exc.msg}, found {_found(exc)}", path or "query", exc.lineno
        ) from None
    try:
        translateQuery(parsed)
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exceptions for unknown prefixes
        message = str(exc)
        prefix = re.search(r"Unknown namespace prefix : (\S*)", message)
        if prefix is None:
            raise UserError(f"bad SPARQL: {message}", path or "query") from None
        line = _first_line_of(text, f"{prefix.group(1)}:")
        raise UserError(
            f"bad SPARQL: undeclared prefix {prefix.group(1)}:", path or "query", line
        ) from None
    return _KINDS[parsed[1].name]


def _found(exc: ParseException) -> str:
    rest = exc.line[exc.col - 1 :].strip() if exc.line else ""
    return repr(rest[:30]) if rest else "end of query"


def _first_line_of(text: str, needle: str) -> int | None:
    """The line of the first occurrence of `needle` in code (not in a string, IRI or comment)."""
    for tok in _TOKENS.finditer(text):
        if tok.group("other") and needle in tok.group(0):
            start = tok.start() + tok.group(0).index(needle)
            return text.count("\n", 0, start) + 1
    return None


def _prefix_of(line: str) -> str:
    match = _PREFIX_DECL.match(line)
    return (match.group(1) or "") if match else ""


def _namespaces(text: str) -> NamespaceManager:
    """The project's prefixes plus those the query declares."""
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        manager.bind(prefix, ns)
    for match in re.finditer(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", text, re.IGNORECASE):
        manager.bind(match.group(1) or "", URIRef(match.group(2)), override=True)
    return manager


def _read_header(text: str, path: Path) -> dict[str, list[tuple[int, str]]]:
    """`#+ key: value` lines (with indented continuations) -> key -> [(line, value)]."""
    header: dict[str, list[tuple[int, str]]] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            last = None
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and last is not None:
            line_no, value = header[last][-1]
            header[last][-1] = (line_no, f"{value} {continuation.group('value').strip()}")
            continue
        match = _HEADER.match(line)
        if match is None:
            raise UserError("bad header line: expected '#+ key: value'", path, number)
        last = match.group("key").lower()
        header.setdefault(last, []).append((number, match.group("value").strip()))
    return header


def _parse_param(
    value: str, path: Path, line: int, namespaces: NamespaceManager, code: str
) -> Param:
    match = _PARAM.match(value)
    if match is None:
        raise UserError("bad param: expected 'param: _name = default [-- description]'", path, line)
    name, rest = match.group("name"), match.group("rest").strip()
    term_match = _TERM.match(rest)
    term_text = term_match.group(0) if term_match else ""
    description = rest[len(term_text) :].strip().removeprefix("--").strip()
    try:
        default = from_n3(term_text, nsm=namespaces)
    except Exception as exc:  # noqa: BLE001 - from_n3 raises assorted errors for bad terms
        raise UserError(f"bad default for {name}: {exc}", path, line) from None
    is_iri = name.endswith("_iri")
    if is_iri != isinstance(default, URIRef) or not isinstance(default, (URIRef, Literal)):
        wanted = "an IRI" if is_iri else "a literal"
        raise UserError(f"default of {name} must be {wanted}, got {term_text!r}", path, line)
    if not re.search(rf"[?$]{re.escape(name)}(?![\w])", code):
        raise UserError(f"param {name} does not occur in the query", path, line)
    return Param(name=name, iri=is_iri, default=default, description=description)


def _code(text: str) -> str:
    """The query text without its comments (where parameters are looked for)."""
    return "".join(t.group(0) for t in _TOKENS.finditer(text) if not t.group("comment"))
