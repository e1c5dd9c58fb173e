# The two commands from a fresh clone: `make run` and `make test` (and `make bench`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench lint messages stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

## run: start SalesOps with the demo tenant on http://127.0.0.1:8000 (Ctrl-C stops it)
run: $(INSTALLED)
	$(BIN)/python -m salesops.launcher run

## test: run the whole suite on real PostgreSQL, Redis, Celery and Chromium
test: $(INSTALLED)
	$(BIN)/python -m salesops.launcher test $(PYTEST_ARGS)

## bench: generate the 20,000-agent tenant `bench` in its own database and print the benchmark table (docs/benchmarks.md)
bench: $(INSTALLED)
	$(BIN)/python -m salesops.launcher bench $(BENCH_ARGS)

## lint: ruff check and format check, mypy on services and selectors
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## messages: re-extract the translation catalogue (needs GNU gettext) and compile it
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore '.data/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python -m salesops.i18n_compile

## stop: stop embedded servers left running by manage.py commands
stop: $(INSTALLED)
	$(BIN)/python -m salesops.embedded stop

## clean: remove the virtualenv and the embedded servers' data
clean:
	-$(BIN)/python -m salesops.embedded stop
	rm -rf $(VENV) .data staticfiles
