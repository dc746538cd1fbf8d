"""The one tokenizer of the search index: words folded to lower case without diacritics (đ→d), used
for indexing, for queries and for highlighting; and the query syntax (words, "phrases", prefix*)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")  # letters and digits; everything else separates words
QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')  # a "phrase" (closing quote optional) or one chunk
LETTERS = str.maketrans(
    {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o"}
)


@lru_cache(maxsize=1 << 16)  # words repeat: the texts of a page, of an index rebuild
def fold(word: str) -> str:
    """`word` in lower case, without accents and with the letters that have none mapped: Nội → noi."""
    decomposed = unicodedata.normalize("NFKD", word.translate(LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """Each word of `text` (NFC) as (start, end, folded form)."""
    for match in WORD.finditer(text):
        folded = fold(match.group())
        if folded:
            yield match.start(), match.end(), folded


def indexed_text(text: str) -> str:
    """What the index stores for `text`: its folded words, space-separated."""
    return " ".join(w for _, _, w in words(nfc(text)))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Term:
    """One thing a hit must contain: a word, a phrase (several words in a row), or a word prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """The term in FTS5 query syntax (the words are letters and digits only, so quoting is safe)."""
        return '"' + " ".join(self.words) + '"' + (" *" if self.prefix else "")


def parse(query: str) -> list[Term]:
    """The terms of a user's query: `"hub firm"` a phrase, `clust*` a prefix, any other word a word.
    Every term must match (AND); characters that are not letters or digits separate words."""
    terms: list[Term] = []
    for match in QUERY_PART.finditer(nfc(query)):
        phrase, chunk = match.groups()
        if phrase is not None:
            folded = tuple(w for _, _, w in words(phrase))
            if folded:
                terms.append(Term(folded))
            continue
        parts = tuple(w for _, _, w in words(chunk))  # hub-firm: the words in a row, like a phrase
        if parts:
            terms.append(Term(parts, prefix=chunk.endswith("*")))
    return terms


def fts_query(terms: list[Term]) -> str:
    """The FTS5 MATCH expression for `terms` (all of them)."""
    return " AND ".join(t.fts() for t in terms)


def marked(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """The spans of `text` (NFC) that match a term: whole phrases, words, prefixes of words."""
    found = list(words(text))
    return _merged(text, [span for term in terms for span in _spans(found, term)])


def matches(text: str, terms: list[Term]) -> bool:
    """Whether `text` (NFC) holds every term, as the index's MATCH of `fts_query(terms)` finds it."""
    found = list(words(text))
    return all(_spans(found, term) for term in terms)


def _spans(found: list[tuple[int, int, str]], term: Term) -> list[tuple[int, int]]:
    """Where `term` occurs among the words `found` (start of its first word, end of its last)."""
    *head, last = term.words
    spans = []
    for i in range(len(found) - len(head)):
        end = found[i + len(head)][2]
        if (end.startswith(last) if term.prefix else end == last) and all(
            found[i + j][2] == word for j, word in enumerate(head)
        ):
            spans.append((found[i][0], found[i + len(head)][1]))
    return spans


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` in order, those that overlap or only spaces part joined: "70 industrial clusters"."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and (start <= out[-1][1] or not text[out[-1][1] : start].strip()):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
