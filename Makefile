# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run console test lint eval bench clean model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Migrates the database, then starts the bot (or the local console chat when no token is set).
run: install
	$(PY) -m bot run

console: install
	$(PY) -m bot console

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Lint, type-check and run every test: storage tests on SQLite, backend-dependent ones on PostgreSQL too.
test: lint
	$(VENV)/bin/pytest

# Policy Q&A accuracy per set, per kind (answered, silent, none, multi) and per language:
# the public dev set, the held-out sets written blind, then our own tuning sets.
eval: install
	$(PY) -m policy.eval tests/policy/dev_questions.tsv tests/policy/heldout_questions.tsv tests/policy/heldout2_questions.tsv tests/policy/heldout3_questions.tsv tests/policy/blindA_questions.tsv tests/policy/blindB_questions.tsv tests/policy/blindC_questions.tsv tests/policy/blindD_questions.tsv tests/policy/blindE_questions.tsv tests/policy/blindF_questions.tsv tests/policy/blindG_questions.tsv tests/policy/blindH_questions.tsv tests/policy/blindI_questions.tsv tests/policy/blindJ_questions.tsv $(sort $(wildcard tests/policy/tuning*_questions.tsv))

bench: install
	$(PY) scripts/bench_policy.py
	$(PY) scripts/bench_reminders.py
	$(PY) scripts/bench_scale.py
	$(PY) scripts/bench_updates.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Retrain the Q&A engine's learned second opinion after changing a question set (policy/learned.py).
model: install
	$(PY) scripts/train_qa.py
