"""Find a quote in an extracted text as extraction leaves it, and say which normalisation it needed.

Text and quote are both read in a canonical form (NFC; whitespace runs as one space; ligatures spelt
out; curly quotes, primes and dashes folded to ASCII; soft hyphens dropped; running headers, footers and
page numbers cut out). A hyphen at a line end followed by a letter becomes a mark that matches either
nothing (a word split across lines) or a hyphen in the quote (a hyphenated compound split there).
Each canonical character keeps its offset in the extracted text and the rules that made it, so a match
maps back to the passage and names the normalisations it needed. Nothing here is fuzzy; `nearest` is
only for telling a curator where a quote that was not found comes closest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from clusterkg.kg.texts.model import SourceText, Span

NONE: frozenset[str] = frozenset()
MARK = "\ue000"  # a hyphen at a line end, followed by a letter
LIGATURES = "ligatures"
QUOTES = "quotation marks"
DASHES = "dashes"
SOFT_HYPHENS = "soft hyphens"
NBSP = "non-breaking spaces"
HYPHENATION = "hyphenation at a line end"
RUNNING = "running header or page number cut out"
RULES = (LIGATURES, QUOTES, DASHES, SOFT_HYPHENS, NBSP, HYPHENATION, RUNNING)  # the report's order
FOLDS: dict[str, tuple[str, str]] = {
    **{c: (r, LIGATURES) for c, r in zip("ﬀﬁﬂﬃﬄﬅﬆ", ("ff", "fi", "fl", "ffi", "ffl", "st", "st"))},
    **{c: ("'", QUOTES) for c in "‘’‚‛′`"},
    **{c: ('"', QUOTES) for c in "“”„‟″«»"},
    **{c: ("-", DASHES) for c in "‐‑‒–—―−⁃"},
}
LINE_END_HYPHENS = "-\u00ad\u2010\u2011"
SPECIAL_SPACES = "\u00a0\u202f\u2007"
ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True)
class Canon:
    """A canonical form: its text, and per character the offset it came from and the rules that made it."""

    text: str
    origin: tuple[int, ...]
    rules: tuple[frozenset[str], ...]

    def rules_in(self, start: int, end: int) -> frozenset[str]:
        return frozenset().union(*self.rules[start:end])

    def span(self, start: int, end: int) -> Span:
        """The source offsets of canonical characters [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def canonical(text: str, cut: tuple[Span, ...] = ()) -> Canon:
    """`text` in canonical form, the spans in `cut` (running headers) read as a line break."""
    units: list[tuple[str, int, frozenset[str]]] = []
    spans = iter(sorted(cut))
    span = next(spans, None)
    i = 0
    while i < len(text):
        if span is not None and i >= span[0]:
            units.append(("\n", span[0], frozenset({RUNNING})))
            i = max(i, span[1])
            span = next(spans, None)
            continue
        units.append((text[i], i, NONE))
        i += 1
    return _fold(units)


def _fold(units: list[tuple[str, int, frozenset[str]]]) -> Canon:
    """The canonical form of (character, source offset, rules) units: see the module docstring."""
    out: list[str] = []
    origin: list[int] = []
    rules: list[frozenset[str]] = []
    pending: frozenset[str] = NONE  # rules of dropped characters, given to the next one kept

    def emit(chars: str, at: int, tags: frozenset[str]) -> None:
        nonlocal pending
        for char in chars:
            out.append(char)
            origin.append(at)
            rules.append(tags | pending if pending else tags)
            pending = NONE

    j = 0
    while j < len(units):
        char, at, tags = units[j]
        if char.isspace():
            k = j
            while k < len(units) and units[k][0].isspace():
                k += 1
            run = units[j:k]
            run_tags = frozenset().union(*(t for _, _, t in run if t))
            if any(c in SPECIAL_SPACES for c, _, _ in run):
                run_tags |= {NBSP}
            if out:
                emit(" ", at, tags | run_tags)
            j = k
            continue
        if char in LINE_END_HYPHENS and out and out[-1].isalpha():
            k = j + 1  # hyphens and line breaks: "-\n", or a soft hyphen, a break and a hyphen
            while k < len(units) and (units[k][0].isspace() or units[k][0] in LINE_END_HYPHENS):
                k += 1
            run = units[j + 1 : k]
            if any(c == "\n" for c, _, _ in run) and k < len(units) and units[k][0].isalpha():
                emit(MARK, at, frozenset({HYPHENATION}).union(*(t for _, _, t in run)))
                j = k
                continue
        if char == "\u00ad":
            pending |= {SOFT_HYPHENS}
        elif char in FOLDS:
            replacement, rule = FOLDS[char]
            emit(replacement, at, tags | {rule})
        else:
            emit(char, at, tags)
        j += 1
    while out and out[-1] == " ":
        out.pop(), origin.pop(), rules.pop()
    return Canon("".join(out), tuple(origin), tuple(rules))


def _pattern(quote: str) -> list[str]:
    """One regular-expression piece per canonical quote character: a hyphen also matches a line-end
    hyphen, and between two letters a line-end hyphen may stand."""
    pieces = []
    for k, char in enumerate(quote):
        if char == "-" and quote[k + 1 : k + 2] == " " and pieces:
            piece = f"(?:{MARK}|- )"  # "co- operative", as a line-end hyphen reads once collapsed
        elif char == " " and quote[k - 1 : k] == "-" and pieces and pieces[-1].startswith("(?:"):
            piece = ""
        else:
            piece = f"[-{MARK}]" if char == "-" else re.escape(char)
        if char.isalpha() and k + 1 < len(quote) and quote[k + 1].isalpha():
            piece += f"{MARK}?"
        pieces.append(piece)
    return pieces


@dataclass(frozen=True)
class Found:
    """One occurrence of a quote: its span in the extracted text and the normalisations it needed."""

    start: int
    end: int
    normalisations: tuple[str, ...]


@dataclass(frozen=True)
class Nearest:
    """Where a quote that was not found comes closest: a passage, its span, and the similarity (0-100)."""

    start: int
    end: int
    similarity: float
    passage: str


class Matcher:
    """Looks quotes up in one extracted text (its canonical body is computed once)."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.body = canonical(source.text, source.running)

    def find(self, exact: str, prefix: str = "", suffix: str = "") -> list[Found]:
        """Every occurrence of `exact` in the body text, with `prefix` before and `suffix` after it."""
        quote = canonical(f"{prefix}{exact}{suffix}")
        inner = [
            k for k, o in enumerate(quote.origin) if len(prefix) <= o < len(prefix) + len(exact)
        ]
        if not inner:
            return []
        a, b = inner[0], inner[-1] + 1
        pieces = _pattern(quote.text)
        regex = "(?=({})({})({}))".format(
            "".join(pieces[:a]), "".join(pieces[a:b]), "".join(pieces[b:])
        )
        found = []
        for match in re.finditer(regex, self.body.text):
            start, end = match.span(2)
            span = self.body.span(start, end)
            found.append(Found(*span, self._needed(exact, span, self.body.rules_in(start, end))))
        return found

    def _needed(self, exact: str, span: Span, rules: frozenset[str]) -> tuple[str, ...]:
        """The normalisations that made `exact` match the passage at `span`: none when the passage
        reads as the quote once whitespace is collapsed; else each rule whose characters differ."""
        printed = self.source.text[span[0] : span[1]]
        cut = tuple(
            (s - span[0], e - span[0]) for s, e in self.source.running if span[0] <= s < span[1]
        )
        for start, end in reversed(cut):
            printed = printed[:start] + " " + printed[end:]
        passage, quote = (ASCII_SPACES.sub(" ", t).strip(" ") for t in (printed, exact))
        if passage == quote:
            return ()

        def differs(rule: str) -> bool:
            def chars(text: str) -> list[str]:
                return sorted(c for c in text if c in FOLDS and FOLDS[c][1] == rule)

            return chars(passage) != chars(quote)

        if HYPHENATION in rules:  # a line-end hyphen is hyphenation, not a dash
            passage = re.sub(
                f"(?<=\\w)[{LINE_END_HYPHENS}][{LINE_END_HYPHENS} ]* (?=\\w)", "- ", passage
            )
        needed = {rule for rule in (LIGATURES, QUOTES, DASHES) if differs(rule)}
        if passage.count("\u00ad") != quote.count("\u00ad"):
            needed.add(SOFT_HYPHENS)
        if sorted(c for c in passage if c in SPECIAL_SPACES) != sorted(
            c for c in quote if c in SPECIAL_SPACES
        ):
            needed.add(NBSP)
        if HYPHENATION in rules and passage.count("- ") + passage.count("\u00ad ") > quote.count(
            "- "
        ):
            needed.add(HYPHENATION)
        needed |= rules & {RUNNING}
        return tuple(rule for rule in RULES if rule in needed)

    def in_running_text_only(self, exact: str) -> bool:
        """Whether `exact` is found once running headers are read as text, but not in the body alone."""
        if self.find(exact) or not self.source.running:
            return False
        return Matcher(SourceText(**{**vars(self.source), "running": ()})).find(exact) != []

    def nearest(self, exact: str) -> Nearest | None:
        """The body passage most similar to `exact` (rapidfuzz partial ratio), never a match."""
        quote = canonical(exact).text
        if not quote or not self.body.text:
            return None
        body = self.body.text.replace(MARK, "-")
        alignment = fuzz.partial_ratio_alignment(quote, body)
        start, end = alignment.dest_start, max(alignment.dest_end, alignment.dest_start + 1)
        while start > 0 and body[start - 1] != " ":  # whole words
            start -= 1
        while end < len(body) and body[end] != " ":
            end += 1
        span = self.body.span(start, end)
        return Nearest(*span, round(alignment.score, 1), self.clean(*span))

    def clean(self, start: int, end: int) -> str:
        """The passage text[start:end] as a reader reads it: running headers cut out, words split at a
        line end joined, ligatures spelt out, soft hyphens dropped, whitespace collapsed; quotation marks
        and dashes kept as printed."""
        inside = tuple(
            (max(s, start) - start, min(e, end) - start)
            for s, e in self.source.running
            if s < end and e > start
        )
        canon = canonical(self.source.text[start:end], inside)
        text = self.source.text[start:end]
        out = []
        for k, char in enumerate(canon.text):
            printed = text[canon.origin[k]]
            keep = printed in FOLDS and FOLDS[printed][1] in (QUOTES, DASHES) and char != MARK
            out.append(printed if keep else ("" if char == MARK else char))
        return "".join(out)
