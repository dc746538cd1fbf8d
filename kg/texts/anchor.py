"""Anchor a quote for curators: the passage as the text prints it, and the shortest `oa:prefix` and
`oa:suffix` (whole words) that make `prefix + exact + suffix` occur once."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.kg.texts.match import Found, Matcher

CONTEXT = 400  # characters of text around the passage searched for prefix and suffix words
MAX_WORDS = 12  # more than this many words either side and the passage is left ambiguous


@dataclass(frozen=True)
class Anchor:
    """A located quote: where it stands, its text as printed, and the selector cells that find it once."""

    found: Found
    exact: str
    prefix: str
    suffix: str
    unique: bool  # False when MAX_WORDS either side could not tell its occurrences apart


def anchor(matcher: Matcher, found: Found) -> Anchor:
    """The selector for the occurrence `found`: no prefix or suffix when its text occurs once."""
    exact = matcher.clean(found.start, found.end)
    text = matcher.source.text
    before = matcher.clean(max(0, found.start - CONTEXT), found.start).split()
    after = matcher.clean(found.end, min(len(text), found.end + CONTEXT)).split()
    gap_before = " " if found.start > 0 and text[found.start - 1].isspace() else ""
    gap_after = " " if found.end < len(text) and text[found.end].isspace() else ""
    if len(matcher.find(exact)) == 1:
        return Anchor(found, exact, "", "", True)
    for words in range(1, MAX_WORDS + 1):
        unique = []
        for p, s in ((words, 0), (0, words), (words, words)):
            prefix = " ".join(before[-p:]) + gap_before if p else ""
            suffix = gap_after + " ".join(after[:s]) if s else ""
            if len(matcher.find(exact, prefix, suffix)) == 1:
                unique.append((len(prefix) + len(suffix), prefix, suffix))
        if unique:
            _, prefix, suffix = min(unique)
            return Anchor(found, exact, prefix, suffix, True)
    return Anchor(found, exact, "", "", False)
