# The two commands of the README: `make serve` (build, validate and serve the graph) and `make test`.
# Both create .venv on first use and (re)install the project when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test wheel chromium poppler virtuoso graphviz

serve: $(VENV)/.installed
	$(BIN)/clusterkg serve

test: $(VENV)/.installed-test chromium poppler virtuoso graphviz
	@status=0; $(BIN)/pytest -q -n auto --dist worksteal || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# The installable package (README, "Your own review"): dist/clusterkg-<version>-py3-none-any.whl
wheel: | $(BIN)/python
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The browser tests drive Debian's chromium; install it when missing and we may (root).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	  else echo "make test: /usr/bin/chromium is missing: install Debian's chromium package as root" >&2; exit 1; fi; \
	fi

# Full texts in PDF are read by poppler's pdftotext (Debian poppler-utils); install it when missing and we may.
poppler:
	@if ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y poppler-utils; \
	  else echo "make test: pdftotext is missing: install Debian's poppler-utils package as root" >&2; exit 1; fi; \
	fi

# The ontology's class diagram is laid out by Graphviz's dot (Debian graphviz); install it when missing and we may.
graphviz:
	@if ! command -v dot >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y graphviz; \
	  else echo "make test: dot is missing: install Debian's graphviz package as root" >&2; exit 1; fi; \
	fi

# The remote-store tests also run against Virtuoso Open Source 7 (Debian's virtuoso-opensource-7: virtuoso-t,
# isql-vt); install it when missing and we may. The package's own service is stopped and left disabled: the
# tests start their own server on loopback ports.
virtuoso:
	@if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource-7 \
	    && { service virtuoso-opensource-7 stop || true; }; \
	  else echo "make test: virtuoso-t is missing: install Debian's virtuoso-opensource-7 package as root" >&2; exit 1; fi; \
	fi
