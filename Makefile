# Set-up and everyday commands. Each target creates .venv and installs what it needs.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: examples test clean

$(BIN)/netlint: pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Lint the bundled example models. netlint exits 1 when it reports findings (expected
# here: the examples show each rule firing) and 2 when it cannot analyze a model.
examples: $(BIN)/netlint
	$(BIN)/netlint fixtures/; test $$? -le 1

# The tests lint with a real plug-in: tests/plugin_example, installed as users install one
# (not editable, so that it also loads where the interpreter runs without site hooks).
PLUGIN_EXAMPLE = $(VENV)/.plugin-example-installed
$(PLUGIN_EXAMPLE): $(BIN)/netlint $(wildcard tests/plugin_example/pyproject.toml tests/plugin_example/*/*.py)
	$(BIN)/pip install --quiet --no-deps ./tests/plugin_example
	touch $@

# The HTML report's tests draw with Graphviz's dot and render the page in headless Chromium:
# Debian's packages, installed when missing (as root, or through sudo).
SYSTEM_TOOLS = /usr/bin/dot /usr/bin/chromium
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)
$(SYSTEM_TOOLS):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		graphviz chromium fonts-dejavu-core >/dev/null

# On every core, a test file per worker (tests of one file share their slow builds).
test: $(BIN)/netlint $(PLUGIN_EXAMPLE) $(SYSTEM_TOOLS)
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=25

# The README's picture: the HTML report of a fixture, as headless Chromium renders it.
docs/report.png: $(BIN)/netlint $(SYSTEM_TOOLS) $(wildcard netlint/picture/*.py netlint/report/html_format.py)
	$(BIN)/netlint fixtures/rules/nl201/pix2pix_unet_batchnorm.py --output-format html -o build/report.html; test $$? -le 1
	$(BIN)/python tests/browser.py build/report.html $@ 1280 1700

clean:
	rm -rf $(VENV) build *.egg-info
