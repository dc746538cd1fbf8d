"""One settings object for the whole tool, read from defaults, an optional TOML file and CLUSTERKG_* variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from kg.store import BACKENDS, backend_names

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_UPDATE_TOKEN = 16  # characters; a shorter (or empty) update token is refused at start


@dataclass(frozen=True)
class Settings:
    """Where things live and which store to use. Every field can be set by `CLUSTERKG_<FIELD>`."""

    ontology_dir: Path = PROJECT_ROOT / "ontology"
    queries_dir: Path = PROJECT_ROOT / "queries"
    sources_manifest: Path = PROJECT_ROOT / "kg" / "data" / "sources.ttl"
    data_dir: Path = Path(".clusterkg")
    store: str = "embedded"  # a name in kg.store.BACKENDS
    store_path: Path | None = None  # default: <data_dir>/store
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    store_endpoint: str | None = None  # SPARQL 1.1 Graph Store Protocol endpoint
    remote_timeout: float = 30.0
    remote_retries: int = 3
    query_timeout: float = 10.0  # seconds, for the web SPARQL endpoint
    row_limit: int = 10000  # rows, for the web SPARQL endpoint
    update_token: str | None = None  # SPARQL Update on the endpoint only with this bearer token
    # Query text limits, checked before any engine sees a query or update (kg.sparql_safety):
    # over one, the endpoint answers 400.
    query_max_bytes: int = 131_072  # UTF-8 bytes of the query text
    query_max_tokens: int = 10_000  # SPARQL tokens (names, terms, operators, brackets)
    query_max_depth: int = 64  # nesting of { }, ( ) and [ ]
    query_max_path_steps: int = 64  # `/` and `|` steps in one property path
    serve_memory_copy: bool = True  # serve answers from an in-memory copy of the embedded store
    # The web validation page validates the whole store in the server's process (pyshacl needs an
    # rdflib copy of it: about 13 s and 0.5 GB at 100k quads); above this it points to the CLI instead.
    validation_page_max_quads: int = 150_000

    def __post_init__(self) -> None:
        if self.store not in BACKENDS:
            raise ValueError(
                f"setting store (CLUSTERKG_STORE): unknown store {self.store!r}: "
                f"choose {backend_names()}"
            )
        if self.update_token is not None and len(self.update_token) < MIN_UPDATE_TOKEN:
            raise ValueError(
                f"setting update_token (CLUSTERKG_UPDATE_TOKEN): an update token must have at "
                f"least {MIN_UPDATE_TOKEN} characters, this one has {len(self.update_token)}; "
                "leave it unset to keep the SPARQL endpoint read-only"
            )

    @property
    def embedded_path(self) -> Path:
        return self.store_path or self.data_dir / "store"

    @property
    def text_cache_dir(self) -> Path:
        """Where extracted full texts are cached (kg.texts.load), one file per text, keyed by its hash."""
        return self.data_dir / "texts"

    @property
    def build_dir(self) -> Path:
        """Where `clusterkg build` writes the TriG and N-Quads dumps."""
        return self.data_dir / "build"

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; None values are ignored."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _coerce(name: str, raw: object) -> object:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if raw is None:
        return None
    if "bool" in str(kind):
        text = str(raw).strip().lower()
        if text not in {"true", "false", "1", "0", "yes", "no"}:
            raise ValueError(f"setting {name} takes true or false, not {raw!r}")
        return text in {"true", "1", "yes"}
    if "Path" in str(kind):
        return Path(str(raw))
    if "float" in str(kind):
        return float(raw)  # type: ignore[arg-type]
    if "int" in str(kind):
        return int(raw)  # type: ignore[arg-type]
    return str(raw)


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Defaults, then `config_file` (TOML, `[clusterkg]` table or top level), then environment."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    path = config_file or (
        Path(environ["CLUSTERKG_CONFIG"]) if "CLUSTERKG_CONFIG" in environ else None
    )
    if path is not None:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        table = table.get("clusterkg", table)
        names = {f.name for f in fields(Settings)}
        unknown = set(table) - names
        if unknown:
            raise ValueError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
        values.update({k: _coerce(k, v) for k, v in table.items()})
    for f in fields(Settings):
        key = f"CLUSTERKG_{f.name.upper()}"
        if key in environ:
            values[f.name] = _coerce(f.name, environ[key])
    return Settings(**values)  # type: ignore[arg-type]
