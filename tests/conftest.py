"""Shared pytest fixtures, one plugin module per area: core pipeline, stores, web."""

pytest_plugins = [
    "tests.fixtures.core",
    "tests.fixtures.stores",
    "tests.fixtures.virtuoso",
    "tests.fixtures.web",
    "tests.fixtures.pdfs",
    "tests.fixtures.synthesis",
]
