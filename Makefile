# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test install install-test bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The editable install is redone only when pyproject.toml changes (the stamp is older), so
# `make run` on an installed machine starts the server at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# plotly.js's basic bundle for the page's charts (package.json). Without npm the page uses the
# plotly package's full bundle: the same charts, a slower first load.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error || echo "npm ci failed: the page will use plotly's full bundle"; \
	else echo "npm not found: the page will use plotly's full bundle (a slower first load)"; fi

install: $(VENV)/.installed node_modules/.package-lock.json

install-test: $(BIN)/python node_modules/.package-lock.json
	$(BIN)/pip install --quiet -e '.[test]'

run: install
	$(BIN)/streamlit run server.py --server.port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python scripts/bench_runner.py

# After adding or changing a _("...") message: the template and both catalogues, updated (then
# translate what is empty or fuzzy; tests/test_i18n.py fails until all is translated).
messages: install-test
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache node_modules
