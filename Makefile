# LEA-dashboard — `make run` starts the dashboard, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501

.PHONY: run test demo init check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

run: $(STAMP)
	@test -f data/lea.sqlite || LEA_APP_URL=http://localhost:$(PORT) $(VENV)/bin/lea demo $(if $(DEMO_PASSWORD),--password '$(DEMO_PASSWORD)')
	$(VENV)/bin/lea init
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(TEST_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(VENV)/bin/lea demo

init: $(STAMP)
	$(VENV)/bin/lea init

check: $(STAMP)
	$(VENV)/bin/lea check

bench: $(TEST_STAMP)
	$(PY) -m bench --tier region

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
