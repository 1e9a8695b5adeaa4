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

# The browser tests need Chromium and axe-core: setup installs them for `make test` only.
test: export WITH_BROWSER = 1
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
	@for lang in fr nl en; do $(PY) manage.py makemessages -l $$lang --no-obsolete -i '.venv/*' -i 'tools/*' -i 'tests/*' -i 'bench/*' -i 'node_modules/*' >/dev/null; done

# The matching benchmark on a synthetic Belgium, in its own database (bench/README.md).
.PHONY: bench-matching
bench-matching: setup
	@$(PY) bench/matching.py

# The load benchmark: gunicorn + locust, feed and posting beside a bare view, then a restart of
# PostgreSQL under load (bench/README.md). Not part of `make test`.
.PHONY: bench-load
bench-load: setup $(MO_FILES)
	@$(PY) -c 'import locust' 2>/dev/null || .venv/bin/pip install -q --disable-pip-version-check -e '.[dev,bench]' 2> >(grep -v "is ignored: it is neither" >&2)
	@$(PY) bench/load.py

# Schemathesis over the whole API schema with many examples per operation (tests/api/test_fuzz.py
# runs a few in `make test`). FUZZ_EXAMPLES=500 make fuzz for a longer run.
.PHONY: fuzz
FUZZ_EXAMPLES ?= 200
fuzz: setup $(MO_FILES)
	@FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/api/test_fuzz.py $(PYTEST_ARGS)
	@SCREENING_RETRAIN=all $(PY) -m pytest tests/referrals/test_screening_model.py -k retraining $(PYTEST_ARGS)
