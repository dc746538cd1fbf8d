"""The one SPARQL tokenizer: cuts query or update text into tokens, and reads what the checks, the stores and
the query library need from them (form, prologue, dataset clauses, size), without parsing the grammar.

Tokens follow the SPARQL 1.1 terminals closely enough to tell code from strings, IRIs and comments: a keyword
is found only where the engine would see one. Text is read after expanding `\\uXXXX` / `\\UXXXXXXXX`
escapes, as the engines do before parsing (SPARQL 1.1 §19.2), so an escape cannot hide a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

_NAME_START = (
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\uFFFF"
)
_NAME = _NAME_START + r"_0-9\-\u00B7\u0300-\u036F\u203F-\u2040"
_LOCAL_ESCAPE = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][{_NAME}]+)
    | (?P<pname>(?:[{_NAME_START}](?:[{_NAME}]|\.(?=[{_NAME}]))*)?:
                (?:(?:[{_NAME}:]|{_LOCAL_ESCAPE})(?:[{_NAME}:]|{_LOCAL_ESCAPE}|\.(?=[{_NAME}:%\\]))*)?)
    | (?P<blank>_:[{_NAME}](?:[{_NAME}]|\.(?=[{_NAME}]))*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<number>[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.[0-9]*[eE][+-]?[0-9]+
                 |[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>\|\||&&|\^\^|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
OPENING, CLOSING = "{([", "})]"  # brackets that nest
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
)
# functions whose value changes from one evaluation to the next (SPARQL 1.1 §17.4)
VOLATILE_FUNCTIONS = ("NOW", "RAND", "UUID", "STRUUID", "BNODE")
_PATH_TOKENS = frozenset({"/", "|", "^", "(", ")", "*", "+", "?", "!", "a"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind (ws, comment, string, iri, var, pname, blank, lang, number, word, punct),
    its text and where it starts in the text it was cut from."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def keyword(self) -> str:
        """The upper-cased word for a bare word (keywords, `a`, function names); else ''."""
        return self.text.upper() if self.kind == "word" else ""


def iter_tokens(text: str) -> Iterator[Token]:
    """Every token of `text`, whitespace and comments included, in order (their texts add up to `text`)."""
    for match in _TOKEN.finditer(text):
        yield Token(match.lastgroup or "punct", match.group(), match.start())


def code_tokens(text: str) -> Iterator[Token]:
    """The tokens the grammar reads: no whitespace, no comments."""
    return (t for t in iter_tokens(text) if t.kind not in ("ws", "comment"))


def unescaped(text: str) -> str:
    """`text` with its `\\u` / `\\U` codepoint escapes expanded, as an engine reads it before parsing."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def first_keyword(text: str, keywords: tuple[str, ...]) -> str | None:
    """The first of `keywords` that occurs in `text` as a keyword (not in a comment, string, IRI, name)."""
    return next((t.keyword for t in code_tokens(text) if t.keyword in keywords), None)


def prologue(tokens: list[Token]) -> tuple[str | None, dict[str, str]]:
    """The BASE IRI (the last one) and the PREFIX map a query or update declares, anywhere in it."""
    base: str | None = None
    prefixes: dict[str, str] = {}
    for i, token in enumerate(tokens[:-1]):
        after = tokens[i + 1]
        if token.keyword == "BASE" and after.kind == "iri":
            base = _resolve(after.text[1:-1], base)
        elif (
            token.keyword == "PREFIX"
            and after.kind == "pname"
            and after.text.endswith(":")
            and i + 2 < len(tokens)
            and tokens[i + 2].kind == "iri"
        ):
            prefixes[after.text[:-1]] = _resolve(tokens[i + 2].text[1:-1], base)
    return base, prefixes


def iri_of(token: Token, base: str | None, prefixes: dict[str, str]) -> str | None:
    """The IRI an `<iri>` or `prefix:name` token stands for (None for another token or an unknown prefix)."""
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


@dataclass(frozen=True)
class GraphClause:
    """A FROM [NAMED] (query) or USING [NAMED] (update) clause: the token naming the graph, and its IRI
    (None when the token is no IRI or its prefix is not declared: the engine reports that)."""

    named: bool
    token: Token | None
    iri: str | None


def graph_clauses(tokens: list[Token], keyword: str = "FROM") -> list[GraphClause]:
    """The `keyword` [NAMED] clauses of a query (FROM) or an update (USING), prefixes and BASE resolved."""
    base, prefixes = prologue(tokens)
    clauses = []
    for i, token in enumerate(tokens):
        if token.keyword != keyword:
            continue
        named = i + 1 < len(tokens) and tokens[i + 1].keyword == "NAMED"
        at = i + 2 if named else i + 1
        graph = tokens[at] if at < len(tokens) else None
        clauses.append(GraphClause(named, graph, iri_of(graph, base, prefixes) if graph else None))
    return clauses


def where_group(text: str) -> tuple[int, int] | None:
    """Where the content of a query's outermost `WHERE { ... }` group starts and ends in `text` (after
    its `{`, at its `}`); None when the query has no WHERE keyword outside braces."""
    tokens = list(code_tokens(text))
    depth = 0
    for i, token in enumerate(tokens[:-1]):
        if token.text in OPENING:
            depth += 1
        elif token.text in CLOSING:
            depth -= 1
        elif depth == 0 and token.keyword == "WHERE" and tokens[i + 1].text == "{":
            inner = 0
            for closing in tokens[i + 1 :]:
                inner += (closing.text == "{") - (closing.text == "}")
                if inner == 0:
                    return tokens[i + 1].end, closing.start
            return None
    return None


def dataset_of(text: str) -> tuple[list[str], list[str]]:
    """The graphs a query's FROM and FROM NAMED clauses name: its dataset, if it gives one."""
    clauses = graph_clauses(list(code_tokens(unescaped(text))))
    return (
        [c.iri for c in clauses if not c.named and c.iri],
        [c.iri for c in clauses if c.named and c.iri],
    )


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri) else iri


@dataclass(frozen=True)
class Size:
    """How big a request is, in the measures the query limits use."""

    tokens: int
    depth: int  # deepest nesting of { }, ( ) and [ ]
    path_steps: int  # most elements joined by `/` or `|` in one run of property-path tokens


def size_of(tokens: list[Token]) -> Size:
    depth = deepest = steps = longest = 0
    for token in tokens:
        if token.text in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in CLOSING:
            depth -= 1
        if token.text in ("/", "|"):
            steps += 1
            longest = max(longest, steps + 1)
        elif token.kind not in ("iri", "pname") and token.text not in _PATH_TOKENS:
            steps = 0
    return Size(len(tokens), deepest, longest)
