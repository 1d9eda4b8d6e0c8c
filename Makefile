# nhiemvu: every target sets itself up; `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
export HF_HUB_OFFLINE := 1

.PHONY: install demo test lint bench train evaluate schema clean

$(BIN)/nhiemvu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/nhiemvu  ## create .venv and install nhiemvu with its test tools

demo: install  ## extract the bundled sample notice and print its tasks
	$(BIN)/nhiemvu extract data/samples --out out/demo --quiet
	$(BIN)/nhiemvu show data/samples/dongthap-skhcn-tb-2020-06.txt
	@echo
	@echo "Dataset written to out/demo/: documents.jsonl, tasks.parquet, documents.parquet, references.parquet, errors.jsonl"
	$(BIN)/nhiemvu evaluate data/gold out/demo

test: install  ## run the test suite (tests needing ../shared skip when it is absent)
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check pipeline tests

schema: install  ## regenerate data/schema from the models
	$(BIN)/nhiemvu schema data/schema

evaluate: install  ## score the pipeline on the gold files in ../shared/gold
	$(BIN)/nhiemvu extract $(SHARED)/corpus/seed $(SHARED)/corpus/laocai --out out/corpus --quiet
	$(BIN)/nhiemvu evaluate $(SHARED)/gold out/corpus

bench: install  ## speed and memory against a baseline measured in the same run
	$(BIN)/python -m pipeline.bench

train: install
	@echo "No trained model yet: the pipeline is rule-based (see issue 'Trained models')."

clean:
	rm -rf out .pytest_cache
