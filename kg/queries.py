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
  A lint check (`queries/checks/ontology/`, kg.ontolint) also declares `severity: error|warn|info`,
  `message:` (what is wrong, in words) and `reads:` (the graphs it needs: ontology, shapes, data, queries).
- `returns` is required: the columns of a SELECT in the order it projects them (a note in parentheses
  may follow a name: `focus (the study)`), checked against the SELECT clause when the file is loaded;
  `boolean` for an ASK, `graph` for a CONSTRUCT or DESCRIBE. Rows read through `NamedQuery.checked`
  refuse a column the query does not declare (QueryContractError: a bug in the caller).
- `param: NAME = DEFAULT [-- description]`, once per parameter. NAME is the query variable without its
  `?`, starting with `_`; a name ending in `_iri` takes an IRI, any other a literal. DEFAULT is a Turtle
  term (`<iri>`, `prefix:name`, `"text"@en`, `"2016"^^xsd:gYear`, `42`), prefixes from the query's
  PREFIX lines or the project's prefix map. A literal value given later takes the datatype or language
  of the default.
- Binding replaces each `?NAME` / `$NAME` token outside strings, IRIs and comments by the value's
  escaped N3 form (never by pasting user text), so a parameter must not be projected by SELECT or
  bound by BIND. Without values, the defaults are bound: every query runs as it is.
- `bind(params, limit=, offset=, values=)` also sets the numbers of the query's one `LIMIT` (and its
  `OFFSET`, added when missing) and the data of its `VALUES ?var { ... }` blocks, found with the SPARQL
  tokenizer (never in strings, IRIs or comments).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier
from rdflib.util import from_n3

from clusterkg.kg import resources
from clusterkg.kg.errors import UserError, display_path
from clusterkg.kg.namespaces import PREFIXES, sparql_prologue
from clusterkg.kg.rdfio import read_text
from clusterkg.kg.sparql_parser import prepare_query
from clusterkg.kg.sparql_tokens import Token, code_tokens, iter_tokens, prologue
from clusterkg.kg.store.base import QueryResult
from clusterkg.kg.store.oxformats import parses_as_query
from clusterkg.kg.store.results import query_form

_HEADER = re.compile(r"^#\+\s*(?P<key>[A-Za-z][\w-]*)\s*:\s?(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\+\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>_\w+)\s*=\s*(?P<rest>.+)$")
_TERM = re.compile(
    r"""<[^<>"{}|^`\\\s]*>"""  # IRI
    r"""|"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?"""  # literal
    r"""|[^\s]+"""  # prefixed name, number, boolean
)
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\s]')
_KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_TOO_DEEP = "bad SPARQL: nested too deeply for rdflib's parser"
_RETURNED = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?:\([^()]*\))?$")  # `focus (the study)`
_NON_SELECT_RETURNS = {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


class QueryContractError(Exception):
    """Code read a column its query does not declare in `#+ returns:`, or bound paging or VALUES the
    query has no place for: a bug in the caller, never the user's doing."""


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
    returns: tuple[
        str, ...
    ] = ()  # a SELECT's columns, in order ("boolean" / "graph" for the others)

    def param(self, name: str) -> Param:
        """The parameter called `name` (its variable name or short name)."""
        for p in self.params:
            if name in (p.name, p.short, f"?{p.name}"):
                return p
        known = ", ".join(p.short for p in self.params) or "none"
        raise UserError(
            f"{self.name}: unknown parameter {name!r} (this query takes: {known})", self.path
        )

    def bind(
        self,
        params: Mapping[str, object] | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        values: Mapping[str, Iterable[Identifier]] | None = None,
    ) -> str:
        """The query text with every parameter replaced by its value (or default), escaped as N3; with
        `limit` (and `offset`) the numbers of its one LIMIT clause (a page: the query's subquery or the
        query itself) set, and with `values` the data of each `VALUES ?var { ... }` block replaced by the
        terms given for `var`. QueryContractError when the query has no such place."""
        given = {
            self.param(k).name: self.param(k).value(v, self._namespaces)
            for k, v in (params or {}).items()
        }
        terms = {p.name: given.get(p.name, p.default).n3() for p in self.params}
        text = (
            "".join(terms.get(var, piece) if var else piece for var, piece in self._pieces)
            if terms
            else self.text
        )
        if limit is None and offset is None and not values:
            return text
        edits = _paging_edits(self, text, limit, offset) + _values_edits(self, text, values or {})
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def checked(self, result: QueryResult) -> QueryResult:
        """`result` with rows that refuse a column this query does not declare."""
        if result.kind != "SELECT":
            return result
        declared = frozenset(self.returns)
        return replace(result, rows=[Row(row, declared, self) for row in result.rows])

    @cached_property
    def _namespaces(self) -> NamespaceManager:
        return _namespaces(self.text)

    @cached_property
    def _pieces(self) -> tuple[tuple[str | None, str], ...]:
        """The text cut into (variable name without ?/$, or None; the piece's text), once: a page
        binds the same query for every cell of a table."""
        return tuple(
            (tok.text[1:] if tok.kind == "var" else None, tok.text)
            for tok in iter_tokens(self.text)
        )


def prebind(text: str, name: str, value: Identifier) -> str:
    """SELECT query `text` with variable `name` pre-bound to `value` (SHACL-SPARQL's $this): each
    `?name`/`$name` token becomes the value's N3 form, and in the SELECT clause (before the first `{`)
    `(value AS ?name)`, so the answer still has the column."""
    pieces, body = [], False
    for tok in iter_tokens(text):
        if tok.kind == "var" and tok.text[1:] == name:
            pieces.append(value.n3() if body else f"({value.n3()} AS ?{name})")
            continue
        body = body or tok.text == "{"
        pieces.append(tok.text)
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
    returns = _returns(header, kind, text, path)
    first = {key: values[0][1] for key, values in header.items() if key not in ("param", "returns")}
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
        returns=returns,
    )


@cache
def own_query(name: str) -> NamedQuery:
    """One of the tool's own queries, `kg/sparql/NAME.rq`, loaded once."""
    return load_query(resources.own_queries_dir() / f"{name}.rq")


def load_queries(folder: Path, pattern: str = "*.rq") -> list[NamedQuery]:
    """Every query file in `folder` matching `pattern` (not recursive), sorted by name."""
    return [load_query(p) for p in sorted(folder.glob(pattern))]


def adhoc_query(text: str) -> NamedQuery:
    """A query typed by the user: prefixes of the project's map are declared for it when it lacks them."""
    declared = _declared(text)
    missing = "".join(
        line for line in sparql_prologue().splitlines(True) if not _declared(line) <= declared
    )
    offset = missing.count("\n")
    try:
        kind = check_syntax(missing + text, None)
    except UserError as exc:
        line = exc.line - offset if exc.line is not None else None
        raise UserError(exc.cause, "--sparql", line, exc.column) from None
    return NamedQuery(name="query", text=missing + text, kind=kind)


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
        parsed = prepare_query(text)
    except ParseException as exc:
        raise UserError(
            f"bad SPARQL: {exc.msg}, found {_found(exc)}", path or "query", exc.lineno, exc.col
        ) from None
    except RecursionError:
        raise UserError(_TOO_DEEP, path or "query") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exceptions for unknown prefixes
        message = str(exc)
        prefix = re.search(r"Unknown namespace prefix : (\S*)", message)
        if prefix is None:
            raise UserError(f"bad SPARQL: {message}", path or "query") from None
        line = _first_line_of(text, f"{prefix.group(1)}:")
        raise UserError(
            f"bad SPARQL: undeclared prefix {prefix.group(1)}:", path or "query", line
        ) from None
    return _KINDS[parsed.algebra.name]


def _found(exc: ParseException) -> str:
    rest = exc.line[exc.col - 1 :].strip() if exc.line else ""
    return repr(rest[:30]) if rest else "end of query"


def _first_line_of(text: str, needle: str) -> int | None:
    """The line of the first occurrence of `needle` in code (not in a string, IRI or comment)."""
    for tok in code_tokens(text):
        if tok.kind == "pname" and tok.text.startswith(needle):
            return text.count("\n", 0, tok.start) + 1
    return None


def _declared(text: str) -> set[str]:
    """The prefixes `text` declares."""
    return set(prologue(list(code_tokens(text)))[1])


def _namespaces(text: str) -> NamespaceManager:
    """The project's prefixes plus those the query declares."""
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        manager.bind(prefix, ns)
    for prefix, namespace in prologue(list(code_tokens(text)))[1].items():
        manager.bind(prefix, URIRef(namespace), override=True)
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
    return "".join(t.text for t in iter_tokens(text) if t.kind != "comment")


class Row(Mapping[str, Identifier]):
    """One solution, read by column name: a column the query declares is there or unbound (KeyError,
    so `.get` gives None); a column it does not declare is a QueryContractError."""

    __slots__ = ("_declared", "_query", "_values")

    def __init__(
        self, values: Mapping[str, Identifier], declared: frozenset[str], query: NamedQuery
    ) -> None:
        self._values, self._declared, self._query = values, declared, query

    def __getitem__(self, column: str) -> Identifier:
        if column not in self._declared:
            where = display_path(self._query.path) if self._query.path else self._query.name
            raise QueryContractError(
                f"{where} returns {', '.join(self._query.returns)}: no column {column!r}"
            )
        return self._values[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(self._values)!r})"


def _returns(
    header: dict[str, list[tuple[int, str]]], kind: str, text: str, path: Path
) -> tuple[str, ...]:
    """The `returns:` line read and checked against what the query gives (UserError: file, line)."""
    if "returns" not in header:
        raise UserError(
            "no '#+ returns:' line: say what the query returns (its SELECT's columns, "
            "'boolean' for ASK, 'graph' for CONSTRUCT/DESCRIBE)",
            path,
            1,
        )
    line, value = header["returns"][0]
    names = []
    for item in _split_outside_parentheses(value):
        match = _RETURNED.match(item.strip().lstrip("?"))
        if match is None:
            raise UserError(f"bad returns: {item.strip()!r} is not a variable name", path, line)
        names.append(match.group("name"))
    if kind in _NON_SELECT_RETURNS:
        if names != [_NON_SELECT_RETURNS[kind]]:
            raise UserError(
                f"returns of {'an' if kind == 'ASK' else 'a'} {kind} query is "
                f"'{_NON_SELECT_RETURNS[kind]}', not {value!r}",
                path,
                line,
            )
        return tuple(names)
    projected = projection(text)
    if projected is not None and projected != names:
        raise UserError(
            f"returns says {', '.join(names)} but the SELECT gives {', '.join(projected)}",
            path,
            line,
        )
    return tuple(names)


def _split_outside_parentheses(value: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in value:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [item for item in [*items, current] if item.strip()]


def projection(text: str) -> list[str] | None:
    """The variables the outermost SELECT projects, in order (None for `SELECT *`), read from tokens:
    `?v` at the clause's top level and `?v` after `AS` in `( ... AS ?v)`."""
    tokens = list(code_tokens(text))
    start = next((i for i, t in enumerate(tokens) if t.keyword == "SELECT"), None)
    if start is None:
        return []
    names: list[str] = []
    depth = 0
    for i, token in enumerate(tokens[start + 1 :], start + 1):
        if depth == 0 and (token.text == "{" or token.keyword in ("WHERE", "FROM")):
            break
        if token.text == "*" and depth == 0:
            return None
        depth += (token.text == "(") - (token.text == ")")
        if token.kind == "var" and (depth == 0 or tokens[i - 1].keyword == "AS"):
            names.append(token.text[1:])
    return names


def _paging_edits(
    query: NamedQuery, text: str, limit: int | None, offset: int | None
) -> list[tuple[int, int, str]]:
    """Where the numbers of the query's one `LIMIT n [OFFSET m]` (or `OFFSET m LIMIT n`) go."""
    if limit is None and offset is None:
        return []
    tokens = list(code_tokens(text))
    limits = _numbers_after(tokens, "LIMIT")
    if len(limits) != 1:
        raise QueryContractError(
            f"{query.name}: paging needs exactly one 'LIMIT n' clause, the query has {len(limits)}"
        )
    edits = [] if limit is None else [(limits[0].start, limits[0].end, str(int(limit)))]
    if offset is not None:
        offsets = [
            t for t in _numbers_after(tokens, "OFFSET") if _same_clause(tokens, t, limits[0])
        ]
        if offsets:
            edits.append((offsets[0].start, offsets[0].end, str(int(offset))))
        else:
            edits.append((limits[0].end, limits[0].end, f" OFFSET {int(offset)}"))
    return edits


def _numbers_after(tokens: list[Token], keyword: str) -> list[Token]:
    return [
        tokens[i + 1]
        for i, token in enumerate(tokens[:-1])
        if token.keyword == keyword and tokens[i + 1].kind == "number"
    ]


def _same_clause(tokens: list[Token], number: Token, limit: Token) -> bool:
    """Whether an OFFSET's number stands right before or after the LIMIT's (one solution modifier)."""
    at = {t.start: i for i, t in enumerate(tokens)}
    i, j = at[number.start], at[limit.start]
    return abs(i - j) == 2


def _values_edits(
    query: NamedQuery, text: str, values: Mapping[str, Iterable[Identifier]]
) -> list[tuple[int, int, str]]:
    """Where the data of each `VALUES ?var { ... }` block of the given variables goes."""
    tokens = list(code_tokens(text))
    edits = []
    for variable, terms in values.items():
        data = " ".join(term.n3() for term in terms)
        blocks = [
            (tokens[i + 2].end, _closing(tokens, i + 2).start)
            for i, token in enumerate(tokens[:-2])
            if token.keyword == "VALUES"
            and tokens[i + 1].kind == "var"
            and tokens[i + 1].text[1:] == variable
            and tokens[i + 2].text == "{"
        ]
        if not blocks:
            raise QueryContractError(f"{query.name}: no 'VALUES ?{variable} {{ ... }}' block")
        edits.extend((start, end, f" {data} ") for start, end in blocks)
    return edits


def _closing(tokens: list[Token], opening: int) -> Token:
    depth = 0
    for token in tokens[opening:]:
        depth += (token.text == "{") - (token.text == "}")
        if depth == 0:
            return token
    raise QueryContractError("a VALUES block is not closed")
