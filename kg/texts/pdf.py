"""Extract the text of a PDF with poppler's `pdftotext` (chosen by measuring: bench/RESULTS.md), page by
page, and refuse what has no usable text: not a PDF, truncated, encrypted, or scanned without a text layer."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from clusterkg.kg.errors import UserError

PDFTOTEXT = "pdftotext"
TIMEOUT = 300  # seconds for one file
TAIL = 2048  # bytes at the end of a PDF in which %%EOF must stand
MIN_LETTERS_PER_PAGE = 20  # fewer, on average, and the PDF has no real text layer


def extract_pdf(path: Path, data: bytes, raw: bool = True) -> tuple[str, tuple[int, ...]]:
    """The text of the PDF `path` (its bytes `data`, NFC) and the offset at which each page starts.

    `raw` keeps the text in the order the PDF draws it (`pdftotext -raw`), which read two justified
    columns right where the default reading-order analysis mixed them up (bench/RESULTS.md).
    """
    if not data.startswith(b"%PDF-"):
        raise UserError("not a PDF (it does not start with %PDF-)", path)
    if b"%%EOF" not in data[-TAIL:]:
        raise UserError("truncated PDF: it does not end with %%EOF", path)
    if shutil.which(PDFTOTEXT) is None:
        raise UserError("pdftotext not found: install poppler-utils (Debian) to read PDFs", path)
    try:
        done = subprocess.run(
            [PDFTOTEXT, *(["-raw"] if raw else []), "-q", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UserError(f"pdftotext took more than {TIMEOUT} s", path) from None
    if done.returncode != 0:
        raise UserError(_failure(data, done.returncode), path)
    text = done.stdout.decode("utf-8", errors="replace")
    pages = [unicodedata.normalize("NFC", page) for page in text.split("\f")]
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    letters = sum(1 for char in text if char.isalpha())
    if letters < MIN_LETTERS_PER_PAGE * max(1, len(pages)):
        raise UserError(
            f"no text layer ({letters} letters on {len(pages)} page(s)): a scanned PDF needs OCR "
            "first, e.g. `ocrmypdf --sidecar`",
            path,
        )
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    return "\f".join(pages), tuple(starts)


def _failure(data: bytes, code: int) -> str:
    """Why pdftotext refused the file; its exit codes: 1 cannot open (or wrong password), 3 permissions."""
    if code == 3:
        return "encrypted PDF: its permissions forbid copying text"
    if re.search(rb"/Encrypt\s", data):  # the trailer names an encryption dictionary
        return "encrypted PDF: it needs a password to open"
    return f"cannot read the PDF (pdftotext exit {code}): damaged or not a PDF"
