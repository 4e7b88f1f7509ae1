# Set-up and everyday commands. Each target creates .venv and installs what it needs.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: examples test clean

$(BIN)/netlint: pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Lint the bundled example models. netlint exits 1 when it reports findings (expected
# here: the examples show each rule firing) and 2 when it cannot analyze a model.
examples: $(BIN)/netlint
	$(BIN)/netlint fixtures/; test $$? -le 1

test: $(BIN)/netlint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
