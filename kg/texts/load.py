"""Read a full text once: extract it by its format and cache the result under the data directory, keyed by
the file's SHA-256 (a changed file is extracted again)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unicodedata
from pathlib import Path

from clusterkg.kg.errors import UserError
from clusterkg.kg.texts.html import extract_html
from clusterkg.kg.texts.model import SourceText
from clusterkg.kg.texts.pdf import extract_pdf
from clusterkg.kg.texts.running import running_spans

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
CACHE_VERSION = 1  # bump when extraction changes, so cached texts are extracted again


def text_kind(path: Path) -> str:
    """The format of a full-text file, from its extension."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise UserError(
            f"unknown full-text format {path.suffix or '(none)'!r}; expected one of {known}", path
        )
    return kind


def load_text(path: Path, cache_dir: Path | None = None) -> SourceText:
    """The extracted text of `path`, from the cache in `cache_dir` when the file is unchanged."""
    kind = text_kind(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("full text not found", path) from None
    except IsADirectoryError:
        raise UserError("full text is a directory", path) from None
    sha = hashlib.sha256(data).hexdigest()
    entry = cache_entry(path, cache_dir) if cache_dir is not None else None
    if entry is not None and entry.is_file():
        cached = json.loads(entry.read_text(encoding="utf-8"))
        if cached["sha256"] == sha and cached["version"] == CACHE_VERSION:
            return SourceText(
                path,
                kind,
                sha,
                cached["text"],
                tuple(cached["pages"]),
                tuple((s, e) for s, e in cached["running"]),
            )
    source = extract(path, kind, data, sha)
    if entry is not None:
        _write(entry, source)
    return source


def cache_entry(path: Path, cache_dir: Path) -> Path:
    """The cache file of a full text: one per file path, holding the hash it was extracted from."""
    return cache_dir / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]}.json"


def extract(path: Path, kind: str, data: bytes, sha: str) -> SourceText:
    """Extract `data` (the bytes of `path`) as `kind`."""
    if kind == "pdf":
        text, pages = extract_pdf(path, data)
        return SourceText(path, kind, sha, text, pages, running_spans(text, pages))
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", path) from None
    if kind == "html":
        decoded = extract_html(decoded)
    return SourceText(path, kind, sha, unicodedata.normalize("NFC", decoded))


def _write(entry: Path, source: SourceText) -> None:
    """Write a cache entry atomically (a reader never sees half of one)."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "version": CACHE_VERSION,
        "path": str(source.path),
        "sha256": source.sha256,
        "kind": source.kind,
        "text": source.text,
        "pages": list(source.pages),
        "running": [list(span) for span in source.running],
    }
    handle, tmp = tempfile.mkstemp(dir=entry.parent, prefix=f".{entry.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(tmp, entry)
    finally:
        Path(tmp).unlink(missing_ok=True)
