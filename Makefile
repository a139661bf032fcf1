# Two commands on a fresh machine: `make demo` (set up, run the main job offline) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := media/samples/batch-your-content.md

.PHONY: install demo test lint docs bench lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,transcribe,faces]'
	@# the `realmodel` tests' llama.cpp server: llama-cpp-python builds from source (about 10 minutes on 2 cores
	@# the first time; pip keeps the wheel). GGML_NATIVE=OFF: the native build (AVX-512 here) crashed on any
	@# prompt longer than one token. Not fatal: without it those tests skip with the reason.
	@echo "building llama-cpp-python for the realmodel tests (about 10 minutes the first time)..."
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip install --quiet -e '.[realmodel]' \
	  > $(VENV)/realmodel-install.log 2>&1 \
	  || echo "note: llama-cpp-python could not be built (see $(VENV)/realmodel-install.log); the realmodel tests will skip"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/repurpose $(SAMPLE) --out out/demo
	@echo "Outputs are in out/demo/ (one folder per pillar)."

test: install
	$(BIN)/python -m pytest -q

# ruff (rules in pyproject.toml) and mypy --strict on the package
lint: install
	$(BIN)/ruff check workbench tests benchmarks setup.py
	$(BIN)/mypy workbench setup.py

# the README's quoted outputs (cog blocks) regenerated from the program; tests/test_docs.py checks them
docs: install
	$(BIN)/cog -r README.md

lab: install
	$(BIN)/workbench init workspace
	$(BIN)/jupyter lab workspace/notebooks/

bench: install
	$(BIN)/python benchmarks/offline_throughput.py
	$(BIN)/python benchmarks/llm_tokens.py
	$(BIN)/python benchmarks/llm_concurrency.py
	$(BIN)/python benchmarks/score_speed.py
	$(BIN)/python benchmarks/score_eval.py --data ../shared/eval/drafts-labelled.jsonl
	$(BIN)/python benchmarks/quality_eval.py --data ../shared/eval/editor-ratings.jsonl
	$(BIN)/python benchmarks/queue_ops.py
	$(BIN)/python benchmarks/media_cut.py
	$(BIN)/python benchmarks/reel_tracking.py
	$(BIN)/python benchmarks/transcribe_speed.py
	$(BIN)/python benchmarks/ingest_worst.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis .mypy_cache .ruff_cache build dist
