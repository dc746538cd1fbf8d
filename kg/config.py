"""One settings object for the whole tool, read from defaults, an optional TOML file and CLUSTERKG_* variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where things live and which store to use. Every field can be set by `CLUSTERKG_<FIELD>`."""

    ontology_dir: Path = PROJECT_ROOT / "ontology"
    queries_dir: Path = PROJECT_ROOT / "queries"
    sources_manifest: Path = PROJECT_ROOT / "kg" / "data" / "sources.ttl"
    data_dir: Path = Path(".clusterkg")
    store: str = "embedded"  # embedded | memory | remote
    store_path: Path | None = None  # default: <data_dir>/store
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    store_endpoint: str | None = None  # SPARQL 1.1 Graph Store Protocol endpoint
    remote_timeout: float = 30.0
    remote_retries: int = 3
    query_timeout: float = 10.0  # seconds, for the web SPARQL endpoint
    row_limit: int = 10000  # rows, for the web SPARQL endpoint
    update_token: str | None = None  # SPARQL Update on the endpoint only with this bearer token
    serve_memory_copy: bool = True  # serve answers from an in-memory copy of the embedded store
    # The web validation page validates the whole store from the server's process (the shapes as SPARQL
    # queries in the store, as `validate --from-store`: 8.7 s and 0.27 GB at 100k quads on the shared
    # 2-core machine, bench/RESULTS.md); above this it points to the CLI instead.
    validation_page_max_quads: int = 150_000

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
