# Everyday tasks. `make test` is what CI runs; `make test-deep` runs the property tests with
# many more examples (HYPOTHESIS_PROFILE=deep), for before a release or after a grammar change.

PYTHON ?= .venv/bin/python

.PHONY: test test-deep lint

test:
	$(PYTHON) -m pytest

test-deep:
	HYPOTHESIS_PROFILE=deep $(PYTHON) -m pytest tests/properties

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
