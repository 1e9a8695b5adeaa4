# The two commands of the README: `make run` and `make test`. Both set up what is missing first.
SHELL := /bin/bash
PY := .venv/bin/python
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
PYTEST_ARGS ?=
ifeq ($(CI),true)
  PYTEST_ARGS += --create-db
endif

.PHONY: run test lint format setup messages serve

setup:
	@bash tools/setup.sh

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@msgfmt --check-format -o $@ $<

run: setup $(MO_FILES)
	@$(PY) manage.py prepare
	@bash tools/serve.sh

test: setup $(MO_FILES)
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

format: setup
	@.venv/bin/ruff check --fix .
	@.venv/bin/ruff format .

# Refresh the translation catalogues from the code and templates (then translate the new strings).
messages: setup
	@for lang in fr nl en; do $(PY) manage.py makemessages -l $$lang --no-obsolete -i '.venv/*' -i 'tools/*' -i 'tests/*' -i 'bench/*' >/dev/null; done

# The matching benchmark on a synthetic Belgium, in its own database (bench/README.md).
.PHONY: bench-matching
bench-matching: setup
	@$(PY) bench/matching.py
