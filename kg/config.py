"""One settings object for the whole tool, read from defaults, an optional TOML file (a review workspace's
`clusterkg.toml`, found upward from the working folder) and CLUSTERKG_* variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from clusterkg.kg import resources
from clusterkg.kg.store import BACKENDS, backend_names

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout (…/clusterkg when installed)
WORKSPACE_FILE = "clusterkg.toml"
PACKAGED_ONTOLOGY = resources.ontology_dir()
PACKAGED_QUERIES = resources.queries_dir()
EXAMPLE_MANIFEST = resources.example_manifest()
MIN_UPDATE_TOKEN = 16  # characters; a shorter (or empty) update token is refused at start


@dataclass(frozen=True)
class Settings:
    """Where things live and which store to use. Every field can be set by `CLUSTERKG_<FIELD>`."""

    ontology_dir: Path = PACKAGED_ONTOLOGY
    queries_dir: Path = PACKAGED_QUERIES
    sources_manifest: Path = EXAMPLE_MANIFEST
    data_dir: Path = Path(".clusterkg")
    # A review workspace (`clusterkg init`): its ontology/, shapes/ and queries/ add to the packaged ones.
    workspace: Path | None = None
    store: str = "embedded"  # a name in kg.store.BACKENDS
    store_path: Path | None = None  # default: <data_dir>/store
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    store_endpoint: str | None = None  # SPARQL 1.1 Graph Store Protocol endpoint
    remote_timeout: float = 30.0
    remote_retries: int = 3
    remote_user: str | None = (
        None  # for the update and Graph Store endpoints (digest or basic auth)
    )
    remote_password: str | None = None
    query_timeout: float = 10.0  # seconds, for the web SPARQL endpoint
    row_limit: int = 10000  # rows, for the web SPARQL endpoint
    # The server's limits on memory (MiB) and work; with the in-memory copy serve keeps, they fit a
    # 24 GB machine: 4 queries x 2 GiB + a 2 GiB update + the store (2 GB per 10M triples, twice).
    query_memory_limit: int = 2048  # what one query of the server may allocate, beyond the store
    parallel_queries: int = 4  # queries of the server evaluated at once; the others wait their turn
    update_timeout: float = 60.0  # seconds, for SPARQL Update on the web endpoint
    update_memory_limit: int = (
        2048  # how much one update of the server may grow the store's process
    )
    update_token: str | None = None  # SPARQL Update on the endpoint only with this bearer token
    # Query text limits, checked before any engine sees a query or update (kg.sparql_safety):
    # over one, the endpoint answers 400.
    query_max_bytes: int = 131_072  # UTF-8 bytes of the query text
    query_max_tokens: int = 10_000  # SPARQL tokens (names, terms, operators, brackets)
    query_max_depth: int = 64  # nesting of { }, ( ) and [ ]
    query_max_path_steps: int = 64  # `/` and `|` steps in one property path
    serve_memory_copy: bool = True  # serve answers from an in-memory copy of the embedded store
    # The server keeps its answers to reads until the store's next write, up to this many MiB (0: off);
    # never for a remote store (kg.store.answers, README "Pages under load").
    answer_cache_mb: int = 256
    # The web validation page validates the whole store from the server's process (the shapes as SPARQL
    # queries in the store, as `validate --from-store` does: that command as a process, its store worker
    # included, took 6.6 s and 0.21 GB at 100k quads on the shared 2-core machine, 12.0-12.6 s and 0.56 GB
    # at 1M with nothing else running (43-46 s at a load of 6), bench/RESULTS.md); above this it points to
    # the CLI instead.
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

    @property
    def ontology_extensions(self) -> tuple[Path, ...]:
        """Folders whose `*.ttl` modules extend the ontology: the workspace's `ontology/`."""
        return self._in_workspace("ontology")

    @property
    def shapes_extensions(self) -> tuple[Path, ...]:
        """Folders whose `*.ttl` shapes add to the packaged data shapes: the workspace's `shapes/`."""
        return self._in_workspace("shapes")

    @property
    def query_dirs(self) -> tuple[Path, ...]:
        """The query library, then the workspace's `queries/` (a query of the same name wins)."""
        return (self.queries_dir, *self._in_workspace("queries"))

    @property
    def checks_extensions(self) -> tuple[Path, ...]:
        """Folders whose `*-violation.rq` checks add to the packaged ones: the workspace's `queries/checks/`."""
        return self._in_workspace("queries/checks")

    def _in_workspace(self, folder: str) -> tuple[Path, ...]:
        if self.workspace is None or not (self.workspace / folder).is_dir():
            return ()
        return (self.workspace / folder,)

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; None values are ignored."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


EXPECTED = {"bool": "true or false", "float": "a number", "int": "a whole number"}


def _coerce(name: str, raw: object, base: Path | None = None) -> object:
    """`raw` as the type of setting `name`; a relative path is taken from `base` (a TOML file's folder)."""
    kind = str({f.name: f.type for f in fields(Settings)}[name])
    text = str(raw).strip()
    try:
        if "bool" in kind:
            if text.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(text)
            return text.lower() in {"true", "1", "yes"}
        if "Path" in kind:
            return base / text if base is not None else Path(text)
        if "float" in kind:
            return float(text)
        if "int" in kind:
            return int(text)
    except ValueError:
        expected = next(v for k, v in EXPECTED.items() if k in kind)
        raise ValueError(f"expected {expected}") from None
    return text


def find_workspace(start: Path) -> Path | None:
    """The nearest folder from `start` upward that holds a `clusterkg.toml`, as git finds `.git`."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    return None


def load_settings(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    project: Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Defaults, then a TOML file (`[clusterkg]` table or top level), then `CLUSTERKG_*` variables.

    The TOML file is `config_file`, else `$CLUSTERKG_CONFIG`, else the `clusterkg.toml` of the workspace
    `project` or of the nearest workspace from `cwd` upward. Paths in a TOML file are relative to its
    folder. In a workspace, the store and the sources manifest default to the workspace's own.
    """
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    path = config_file or (
        Path(environ["CLUSTERKG_CONFIG"]) if "CLUSTERKG_CONFIG" in environ else None
    )
    if path is None:
        workspace = project if project is not None else find_workspace(cwd or Path.cwd())
        if workspace is not None:
            path = workspace / WORKSPACE_FILE
            values.update(
                workspace=workspace.resolve(),
                data_dir=workspace.resolve() / ".clusterkg",
                sources_manifest=workspace.resolve() / "sources.ttl",
            )
    if path is not None:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        table = table.get("clusterkg", table)
        names = {f.name for f in fields(Settings)}
        unknown = set(table) - names
        if unknown:
            raise ValueError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
        base = path.resolve().parent
        for key, raw in table.items():
            try:
                values[key] = _coerce(key, raw, base)
            except ValueError as exc:
                raise ValueError(f"{path}: setting {key} = {raw!r}: {exc}") from None
    for f in fields(Settings):
        key = f"CLUSTERKG_{f.name.upper()}"
        if key in environ:
            try:
                values[f.name] = _coerce(f.name, environ[key])
            except ValueError as exc:
                raise ValueError(f"{key}={environ[key]}: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]
