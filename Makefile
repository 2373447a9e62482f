# Loom: the two commands a newcomer needs are `make quickstart` and `make test`.
SWIFT ?= swift
LOOM := .build/release/loom

.PHONY: deps build quickstart test bench clean

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product loom

## Build a dataset from examples/quickstart.yaml (500 procedural samples, several thousand records).
quickstart: build
	$(LOOM) run examples/quickstart.yaml

## Run the test suite. The export tests load exports with real consumers (Hugging Face datasets, webdataset…)
## from a Python virtual environment that scripts/consumer-venv.sh builds once and caches; the review app's tests
## drive Debian's chromium through chromedriver (both installed by deps).
test: deps
	@python="$$(./scripts/consumer-venv.sh)" && LOOM_CONSUMER_PYTHON="$$python" LOOM_REQUIRE_BROWSER=1 $(SWIFT) test

## Benchmarks; figures go to BENCHMARKS.md.
bench: deps
	./benchmarks/run.sh

clean:
	rm -rf .build runs
