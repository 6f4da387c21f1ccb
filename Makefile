# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make demo   set up, then run the demo on a SQLite file at http://127.0.0.1:8000
#   make test   set up, then run the whole test suite (see README.md)
.PHONY: setup demo test lint messages benchmark clean html-checker

# uv from PATH, else installed into .tools/ (which then goes on PATH, for the wheel test too).
export PATH := $(CURDIR)/.tools/bin:$(PATH)
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=
# The W3C Nu Html Checker the browser tests run (tests/browser/fixtures/html.py): npm's
# vnu-jar, pinned, in .tools/vnu/; it needs Java, which .ci/run installs when missing.
VNU_VERSION := 26.9.27
VNU_PACKAGE := .tools/vnu/node_modules/vnu-jar/package.json

setup: $(UV)
	$(UV) sync --locked
	$(UV) run pybabel compile -d locales -D messages --statistics

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

demo: setup
	$(UV) run chorus demo

test: setup html-checker
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run python -m tests.run $(PYTEST_ARGS)

# Without npm the HTML check is skipped, with a notice (tests/run.py).
html-checker:
	@if grep -qs '"version": "$(VNU_VERSION)"' $(VNU_PACKAGE); then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --prefix .tools/vnu --no-audit --no-fund --ignore-scripts --silent vnu-jar@$(VNU_VERSION); \
	else echo "notice: npm is missing: the browser tests' HTML check will be skipped"; fi

messages:
	$(UV) run python scripts/catalogs.py

benchmark: setup
	$(UV) run python -m benchmarks.home
	$(UV) run python -m benchmarks.anonymity
	$(UV) run python -m benchmarks.tally
	$(UV) run python -m benchmarks.closing
	$(UV) run python -m benchmarks.voting
	$(UV) run python -m benchmarks.pages
	$(UV) run python -m benchmarks.sign_in

clean:
	rm -rf .venv .tools var dist
