"""Measure PDF text extractors on the test PDFs: how many of the article's sentences the quote checker
finds in each one's text (with its tolerances, and with whitespace normalisation alone), and how long
extraction takes. The PDFs are printed by headless Chromium as the tests print them.

    .venv/bin/pip install -e '.[test,bench]'
    .venv/bin/python bench/extractors.py --repeat 5

Prints a Markdown table (the one in bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from clusterkg.kg.quotes import normalise
from clusterkg.kg.texts.match import Matcher
from clusterkg.kg.texts.model import SourceText
from clusterkg.kg.texts.pdf import extract_pdf
from clusterkg.kg.texts.running import running_spans
from tests.fixtures.pdfs import ARTICLE, CHROMIUM, PRINT, article_sentences, make_pdfs


def poppler(path: Path, raw: bool = False) -> list[str]:
    text, pages = extract_pdf(path, path.read_bytes(), raw)
    bounds = [*pages, len(text) + 1]
    return [text[a : b - 1] for a, b in pairwise(bounds)]


def poppler_raw(path: Path) -> list[str]:
    return poppler(path, raw=True)


def pypdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def pdfminer_pages(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(path).rstrip("\f").split("\f")


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "poppler pdftotext": poppler,
    "poppler pdftotext -raw": poppler_raw,
    "pypdf": pypdf_pages,
    "pdfminer.six": pdfminer_pages,
}


def source_text(path: Path, pages: list[str]) -> SourceText:
    pages = [unicodedata.normalize("NFC", p) for p in pages]
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    text = "\f".join(pages)
    return SourceText(path, "pdf", "", text, tuple(starts), running_spans(text, tuple(starts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="extractions timed per extractor")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        hyphenated = make_pdfs(browser, Path(tmp)).article
        page = browser.new_page()
        page.goto(ARTICLE.as_uri())
        unhyphenated = Path(tmp) / "unhyphenated.pdf"
        page.pdf(path=str(unhyphenated), **PRINT)
        browser.close()
        quotes = article_sentences()
        print(f"{len(quotes)} quotes (every sentence of the article); 3 pages A5, two columns\n")
        print(
            "| PDF | extractor | found (tolerant) | found (whitespace only) | headers seen | time |"
        )
        print("|---|---|---|---|---|---|")
        for label, pdf in (("soft hyphens", hyphenated), ("no hyphenation", unhyphenated)):
            for name, extract in EXTRACTORS.items():
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    pages = extract(pdf)
                    times.append(time.perf_counter() - start)
                source = source_text(pdf, pages)
                matcher = Matcher(source)
                tolerant = sum(1 for q in quotes if matcher.find(q))
                flat = normalise(source.text)
                plain = sum(1 for q in quotes if normalise(q) in flat)
                print(
                    f"| {label} | {name} | {tolerant}/{len(quotes)} | {plain}/{len(quotes)} | "
                    f"{len(source.running)} lines | {statistics.median(times) * 1000:.0f} ms |"
                )


if __name__ == "__main__":
    main()
