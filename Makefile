# BrandPilot: `make chat` talks to the assistant, `make test` runs the quality gates and the suite.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= $(shell command -v python3.11 || command -v python3)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: chat test lint format bench eval clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(VENV)/bin/brandpilot chat

test: $(STAMP) lint
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/turn_overhead.py
	$(PY) bench/retrieval.py
	$(PY) bench/slack_ack.py
	$(PY) bench/publish_queue.py
	$(PY) bench/report.py
	$(PY) bench/monitor.py

eval: $(STAMP)
	$(PY) -m agents.routing.train --shipped --eval ../shared/data/routing_dev.jsonl
	$(PY) -m agents.routing.train --shipped --eval tests/eval/routing_holdout.jsonl
	$(PY) -m agents.routing.train --shipped --eval tests/eval/routing_holdout_2.jsonl
	$(PY) -m tools.content.compliance_eval --data ../shared/data/compliance_dev.jsonl --brand ../shared/brand/kettle-ember
	$(PY) -m knowledge.eval --pack knowledge/sample_brand --questions tests/eval/retrieval_sample.jsonl
	$(PY) -m knowledge.eval --pack ../shared/brand/kettle-ember --questions tests/eval/retrieval_kettle.jsonl
	$(PY) -m tools.sentiment.train --data ../shared/data/tweeteval_sentiment --eval-only
	$(PY) -m tools.monitor.nab_eval --data ../shared/data/nab_realtweets

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
