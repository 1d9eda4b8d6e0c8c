# nhiemvu: every target sets itself up; `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
export HF_HUB_OFFLINE := 1

.PHONY: install demo test lint bench compare train evaluate evaluate-test evaluate-dev evaluate-split schema clean

$(BIN)/nhiemvu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,bert,spacy]"
	touch $@

install: $(BIN)/nhiemvu  ## create .venv and install nhiemvu with its test tools

demo: install  ## extract the bundled sample notice and print its tasks
	$(BIN)/nhiemvu extract data/samples --out out/demo --quiet
	$(BIN)/nhiemvu show data/samples/dongthap-skhcn-tb-2020-06.txt
	@echo
	@echo "Dataset written to out/demo/: documents.jsonl, tasks.parquet, documents.parquet, references.parquet, errors.jsonl, manifest.jsonl"
	$(BIN)/nhiemvu evaluate data/gold out/demo

test: install  ## run the test suite (tests needing ../shared skip when it is absent)
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check pipeline tests benchmarks

schema: install  ## regenerate data/schema from the models
	$(BIN)/nhiemvu schema data/schema

evaluate: install  ## extract seed + laocai into out/evaluate and score them against ../shared/gold
	$(BIN)/nhiemvu extract $(SHARED)/corpus/seed $(SHARED)/corpus/laocai --out out/evaluate --quiet
	$(BIN)/nhiemvu evaluate $(SHARED)/gold out/evaluate

compare: install  ## deadlines and citations vs dateparser and plain regexes (writes docs/COMPARISON.md)
	$(BIN)/pip install --quiet -e ".[dev,compare]"
	$(BIN)/python benchmarks/compare_time_citations.py | tee out-compare.md
	$(BIN)/python -c "import pathlib,sys; d=pathlib.Path('docs/COMPARISON.md'); t=d.read_text(encoding='utf-8'); head=t.split('<!-- table -->')[0]; d.write_text(head+'<!-- table -->\n'+pathlib.Path('out-compare.md').read_text(encoding='utf-8'), encoding='utf-8')"
	rm -f out-compare.md

bench: install  ## speed and memory against a baseline measured in the same run
	$(BIN)/python -m pipeline.bench
	$(BIN)/python benchmarks/bench_damaged.py
	$(BIN)/python benchmarks/bench_api.py

train: install  ## retrain models/ from data/annotations (seeded) and write models/metrics.json
	$(BIN)/nhiemvu train --corpus $(SHARED)/corpus

clean:
	rm -rf out .pytest_cache

evaluate-test: install  ## score the pipeline on the held-out test split of data/annotations
	$(MAKE) --no-print-directory evaluate-split SPLIT=test

evaluate-dev: install  ## score the pipeline on the dev split (the one to tune rules on)
	$(MAKE) --no-print-directory evaluate-split SPLIT=dev

evaluate-split:
	$(BIN)/nhiemvu annotations materialise out/gold-$(SPLIT) --split $(SPLIT) --corpus $(SHARED)/corpus
	rm -rf out/$(SPLIT)-sources && mkdir -p out/$(SPLIT)-sources
	$(BIN)/python -c "import json,os; [os.symlink(os.path.abspath('$(SHARED)/'+json.load(open('out/gold-$(SPLIT)/'+f))['source']), 'out/$(SPLIT)-sources/'+f[:-5]+'.txt') for f in os.listdir('out/gold-$(SPLIT)')]"
	$(BIN)/nhiemvu extract out/$(SPLIT)-sources --out out/pred-$(SPLIT) --quiet
	$(BIN)/nhiemvu evaluate out/gold-$(SPLIT) out/pred-$(SPLIT)
