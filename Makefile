# CCHC Suite. `make run` serves the demo; `make test` runs the suite on SQLite and on PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYBABEL := $(BIN)/pybabel
# Reinstalled only when pyproject.toml changes (or the virtualenv is new).
STAMP := $(VENV)/.cchc-installed
DEPLOYMENT_FILE := instance/cchc.toml
LOCALES := vi en
PG_URL ?= $(or $(CCHC_TEST_PG_URL),postgresql://postgres@127.0.0.1:5432/test)
PYTEST_ARGS ?=
# The core's catalogue plus every plugin that ships a translations/ directory.
CATALOGUES := core $(patsubst %/translations,%,$(wildcard plugins/*/translations))
EXTRACT := $(PYBABEL) -q extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
	--project "CCHC Suite" --copyright-holder "CCHC Suite contributors"

.PHONY: run test bench install i18n-extract i18n-update i18n-compile clean

run: install i18n-compile $(DEPLOYMENT_FILE)
	$(BIN)/cchc db upgrade
	$(BIN)/cchc demo
	@echo "Serving CCHC Suite at http://127.0.0.1:5000 with the job runner beside it (Ctrl+C stops both)"
	@$(BIN)/cchc jobs run & runner=$$!; \
	trap 'kill $$runner 2>/dev/null' EXIT INT TERM; \
	$(BIN)/cchc serve --host 127.0.0.1 --port 5000

# Both halves always run; make fails if either fails. Any non-zero pytest status fails,
# including 5 ("no tests collected") and 4 (usage error, e.g. PostgreSQL unreachable).
test: install i18n-compile
	@sqlite=0; postgresql=0; \
	echo "== pytest on SQLite =="; \
	$(PY) -m pytest --db sqlite $(PYTEST_ARGS) || sqlite=$$?; \
	echo "== pytest on PostgreSQL ($(PG_URL)) =="; \
	$(PY) -m pytest --db postgresql --pg-url '$(PG_URL)' $(PYTEST_ARGS) || postgresql=$$?; \
	for half in sqlite postgresql; do \
	  rc=$${!half}; \
	  case $$rc in \
	    0) echo "$$half: passed";; \
	    5) echo "$$half: FAILED: no tests were collected (pytest exit 5)";; \
	    *) echo "$$half: FAILED (pytest exit $$rc)";; \
	  esac; \
	done; \
	[ $$sqlite -eq 0 ] && [ $$postgresql -eq 0 ]

bench: install
	$(PY) bench/run_all.py

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[dev]'
	touch $@

# A per-checkout deployment file with a random secret key; core/settings.py reads it when
# CCHC_CONFIG is not set. Never overwritten.
$(DEPLOYMENT_FILE): | $(PY)
	@mkdir -p $(@D)
	@umask 077 && $(PY) -c 'import secrets; print("# Written by make run for this checkout; keep it private.\n[app]\nsecret_key = \"%s\"" % secrets.token_hex(32))' > $@
	@echo "Wrote $@ with a new random secret key."

# Message catalogues: messages.pot next to each catalogue's translations/ directory.
i18n-extract: install
	@for dir in $(CATALOGUES); do \
	  mkdir -p $$dir/translations; \
	  echo "extracting $$dir -> $$dir/translations/messages.pot"; \
	  $(EXTRACT) -o $$dir/translations/messages.pot $$dir || exit 1; \
	done

i18n-update: i18n-extract
	@for dir in $(CATALOGUES); do \
	  for locale in $(LOCALES); do \
	    if [ -f $$dir/translations/$$locale/LC_MESSAGES/messages.po ]; then \
	      $(PYBABEL) update -i $$dir/translations/messages.pot -d $$dir/translations -l $$locale --ignore-obsolete || exit 1; \
	    else \
	      $(PYBABEL) init -i $$dir/translations/messages.pot -d $$dir/translations -l $$locale || exit 1; \
	    fi; \
	  done; \
	done

i18n-compile: install
	@for dir in $(CATALOGUES); do \
	  for po in $$dir/translations/*/LC_MESSAGES/messages.po; do \
	    [ -f "$$po" ] || continue; \
	    $(PYBABEL) -q compile -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	  done; \
	done

# Build artefacts only: the virtualenv and instance/ (database, secret key) are kept.
clean:
	find . -path ./$(VENV) -prune -o -name '*.mo' -type f -print -exec rm -f {} +
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name messages.pot -type f -exec rm -f {} +
	rm -rf build dist *.egg-info .pytest_cache $(STAMP)
