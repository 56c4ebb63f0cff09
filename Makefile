# Every target creates .venv and installs what it needs, so each works on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config/syndicator.yaml
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast lint format typecheck check feeds bench clean chromium screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,demo,postgres,apprise]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/syndicator run -c $(CONFIG) --out public

demo: $(STAMP)
	$(BIN)/syndicator demo -c config/demo.yaml

check: $(STAMP)
	$(BIN)/syndicator check -c $(CONFIG)

feeds: $(STAMP)
	$(BIN)/syndicator feeds -c $(CONFIG) --out public

lint: $(STAMP)
	$(BIN)/ruff check syndicator tests bench scripts
	$(BIN)/ruff format --check syndicator tests bench scripts
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format syndicator tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy --strict syndicator

# Tests run in a time zone that is neither UTC nor Asia/Shanghai to catch naive times.
test: $(STAMP) chromium
	bash scripts/system-deps.sh
	$(MAKE) lint typecheck
	TZ=America/New_York SYNDICATOR_REQUIRE_TOOLS=1 $(BIN)/python -m pytest -q

# The fast tier: no PostgreSQL, no process started (a test that starts one fails here).
test-fast: $(STAMP)
	TZ=America/New_York SYNDICATOR_FAST=1 $(BIN)/python -m pytest -q -m "not slow"

# Headless Chromium, for tests/web/test_browser.py and scripts/screenshots.py.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: install it (Debian: apt-get install chromium) for the browser tests" >&2; fi

# docs/*.png; CJK text needs a CJK font (Debian: fonts-noto-cjk).
screenshots: $(STAMP) chromium
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
