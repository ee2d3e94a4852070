# Everyday tasks. `make test` is what CI runs; `make test-deep` runs the property tests with
# many more examples (HYPOTHESIS_PROFILE=deep), for before a release or after a grammar change;
# `make test-slow` runs the tests marked slow (minutes of fault trials, such as the 20-signal
# trials of an interrupted apply), which `make test` leaves out;
# `make bench` runs the benchmarks of BENCHMARKS.md; `make tables` regenerates the parse tables
# (selang/syntax/_tables.py) after a change to grammar/selang.lark.

PYTHON ?= .venv/bin/python

.PHONY: test test-deep test-slow lint bench quickstart tables

test:
	$(PYTHON) -m pytest

test-deep:
	HYPOTHESIS_PROFILE=deep $(PYTHON) -m pytest tests/properties tests/analysis

test-slow:
	$(PYTHON) -m pytest -m slow

tables:
	$(PYTHON) -m selang.syntax.generate

# Each benchmark prints its ratio against a baseline measured in the same run.
bench:
	cd bench && ../$(PYTHON) startup.py
	cd bench && ../$(PYTHON) throughput.py
	cd bench && ../$(PYTHON) analysis.py
	cd bench && ../$(PYTHON) policy_cost.py
	cd bench && ../$(PYTHON) apply.py
	cd bench && ../$(PYTHON) preview.py
	cd bench && ../$(PYTHON) diff.py
	cd bench && ../$(PYTHON) lsp.py

quickstart:
	$(PYTHON) -m selang check examples/lists.sel examples/campaigns
	$(PYTHON) -m selang preview --contacts examples/contacts.parquet examples/campaigns/*.sel
	$(PYTHON) -m selang plan --sandbox examples/campaigns/*.sel
	$(PYTHON) -m selang apply --sandbox --yes examples/campaigns/*.sel

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
