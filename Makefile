# Two commands matter: `make run` and `make test`. Both build .venv on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# The CPU wheel of torch lies on this machine's disk; installing it first keeps pip from
# resolving a multi-GB CUDA build when sentence-transformers asks for torch.
TORCH  := torch==2.13.0

.PHONY: setup run test ask index bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH)
	$(PIP) install -q -e '.[test]'
	$(PY) -m indexer.onnx_embedding  # export the bundled model to ONNX once, so no command waits for torch
	touch $@

setup: $(VENV)/.installed

run: setup
	$(VENV)/bin/privacy-bot serve

test: setup
	$(PY) -m pytest -q

ask: setup
	$(VENV)/bin/privacy-bot ask "$(Q)"

index: setup
	$(VENV)/bin/privacy-bot index

bench: setup
	$(PY) bench/bench_core.py

clean:
	rm -rf $(VENV) .data
