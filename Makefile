# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The editable install is redone only when pyproject.toml changes (the stamp is older), so
# `make run` on an installed machine starts the server at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(VENV)/.installed

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python scripts/bench_runner.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
