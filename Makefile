# Set-up and the two README commands. `make demo` runs the main job, `make test` the whole suite.
# Each installs what it needs: Debian packages (Graphviz, Chromium) when missing, then a virtualenv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APT    := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

.PHONY: demo test test-fast bench notebooks pictures system-deps venv clean

demo: system-deps venv
	$(BIN)/autograd-mini demo

test: system-deps venv
	$(BIN)/python -m pytest

test-fast: venv
	$(BIN)/python -m pytest -m "not slow"

# Run every notebook in examples/notebooks and write it back with its outputs (the plots show on GitHub);
# tests/test_notebooks.py fails when a committed output is stale. Graphviz renders notebook 01's graph.
notebooks: system-deps venv
	$(BIN)/python examples/notebooks/execute.py

# Redraw the README's pictures in docs/img from the current code (Graphviz; the step-through pages in Chromium).
pictures: system-deps venv
	$(BIN)/python docs/make_pictures.py

# Every benchmark on every Python 3.10-3.13 found (pyenv, PATH), one table of ratios per Python;
# each Python gets its own environment in .bench-venvs/. `make bench ARGS=--quick`: about 130 s.
# ARGS="--torch SPEC" installs PyTorch (a requirement or a wheel file) where it is missing.
bench:
	$(PYTHON) benchmarks/run_all.py $(ARGS)

# Graphviz's `dot` renders the graphs; librsvg's rsvg-convert draws PNG and PDF frames; Chromium + ChromeDriver
# open the step-through page in tests, and Chromium prints a PDF practice sheet (viz.practice_sheet); poppler-utils'
# pdftotext and pdfinfo read the printed sheets back in tests.
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v rsvg-convert >/dev/null 2>&1 || missing="$$missing librsvg2-bin"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -q && $(APT) $$missing; \
	  else \
	    echo "warning: missing$$missing (install them with apt-get as root)"; \
	  fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV) || { apt-get update -q && $(APT) python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) out build *.egg-info
