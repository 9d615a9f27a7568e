# The two commands of the README:
#   make book   builds the HTML book (book/_build/html/index.html), fetching sources if it can
#   make test   runs every test (pytest; corpus, etcd and Go tests skip with a reason when
#               their inputs are absent)
# Both set up what they need first (scripts/bootstrap.sh: Debian packages, .venv).

VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book test lint typecheck lock wheel setup sources clean

setup:
	@scripts/bootstrap.sh

sources: setup
	@# online: GitHub archives of the pinned commits; offline: say how, and go on
	@$(BIN)/annotate fetch --if-missing || echo "make: sources not fetched; the book builds without them (see README, 'Sources offline')"

book: sources
	@start=$$(date +%s); \
	$(BIN)/sphinx-build -b html -j auto book book/_build/html && \
	echo "make book: book/_build/html/index.html built in $$(( $$(date +%s) - start ))s"

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy

# Regenerate the hashed lock of the development environment (requirements/dev.txt) from
# pyproject.toml; scripts/bootstrap.sh and CI install from it. Run after changing dependencies.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.11 --quiet -o requirements/dev.txt

# The wheel and sdist in dist/ (what `pip install` of a release gets).
wheel: setup
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf book/_build
