# The two commands of the README: `make serve` (build, validate and serve the graph) and `make test`.
# Both create .venv on first use and (re)install the project when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test wheel chromium poppler

serve: $(VENV)/.installed
	$(BIN)/clusterkg serve

test: $(VENV)/.installed-test chromium poppler
	@status=0; $(BIN)/pytest -q || status=$$?; \
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
