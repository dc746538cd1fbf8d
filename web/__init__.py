"""The ClusterKG web app: `create_app` (the app factory) and `run_server` (what `clusterkg serve` calls)."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from clusterkg.kg.config import Settings, load_settings
from clusterkg.kg.manifest import read_manifest
from clusterkg.kg.search.indexed import indexed
from clusterkg.kg.sparql_safety import disable_rdflib_fetching
from clusterkg.kg.store import MIB, open_store
from clusterkg.kg.store.base import Store
from clusterkg.kg.texts.registry import TextFiles
from clusterkg.web import (
    concepts,
    editor,
    errors,
    exports,
    gaps,
    home,
    ontology,
    recommendations,
    reconcile,
    report,
    resources,
    search,
    security,
    sources,
    studies,
    synthesis,
    validation,
)
from clusterkg.web.kept_pages import KeptPages
from clusterkg.web.services import Services, init_app, load_library
from clusterkg.web.sparql import make_sparql_blueprint

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes: a SPARQL query or form never needs more
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "SETTINGS": None,  # a kg.config.Settings; None reads the defaults, TOML file and environment
}


def create_app(config: Mapping[str, Any] | None = None, store: Store | None = None) -> Flask:
    """The app over `store` (opened from the settings when None; the caller then owns neither)."""
    disable_rdflib_fetching()
    settings: Settings = (config or {}).get("SETTINGS") or load_settings()
    # The instance folder is named: Flask would look for it beside `clusterkg`, a namespace package,
    # and find none in an editable install (pallets/flask#4602). The app keeps nothing there.
    app = Flask(__name__, instance_path=str(settings.data_dir.resolve() / "instance"))
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(config or {})
    store = indexed(store if store is not None else open_store(settings))
    store.keep_answers(settings.answer_cache_mb * MIB)
    svc = Services(
        store=store,
        settings=settings,
        queries=load_library(*settings.query_dirs),
        text_files=TextFiles(
            read_manifest(settings.sources_manifest).text_files, store, settings.text_cache_dir
        ),
    )
    init_app(app, svc)
    app.wsgi_app = KeptPages(app.wsgi_app, store)  # type: ignore[method-assign]
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(make_sparql_blueprint(svc))
    for module in (
        home,
        resources,
        recommendations,
        studies,
        concepts,
        editor,
        gaps,
        synthesis,
        report,
        search,
        validation,
        exports,
        sources,
        reconcile,
        ontology,
    ):
        app.register_blueprint(module.bp)
    return app


def run_server(
    settings: Settings, host: str = "127.0.0.1", port: int = 5000, store: Store | None = None
) -> None:
    """Serve the app on `host:port` until stopped; threaded, so a slow query never blocks the others.

    `store` is the store to serve (closed at the end); None opens the one the settings name.
    """
    store = store if store is not None else open_store(settings)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops as cleanly as Ctrl+C
    try:
        app = create_app({"SETTINGS": settings}, store=store)
        server = make_server(host, port, app, threaded=True)
        print(
            f"ClusterKG on http://{host}:{server.port}/ (store: {store.name}); Ctrl+C stops it",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
