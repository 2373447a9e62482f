# Loom: the two commands a newcomer needs are `make quickstart` and `make test`.
SWIFT ?= swift
LOOM := .build/release/loom

.PHONY: deps test-deps build quickstart test bench clean

deps:
	@./scripts/install-deps.sh

## What the tests and benchmarks need beyond the build (the ffmpeg tool, chromium and its driver, python3-venv).
test-deps:
	@./scripts/install-deps.sh --tests

build: deps
	$(SWIFT) build -c release --product loom

## Build a dataset from examples/quickstart.yaml (500 procedural samples, several thousand records).
quickstart: build
	$(LOOM) run examples/quickstart.yaml

## Run the test suite. The export tests load exports with real consumers (Hugging Face datasets, webdataset…)
## from a Python virtual environment that scripts/consumer-venv.sh builds once and caches; the review app's tests
## drive Debian's chromium through chromedriver (both installed by test-deps).
# The tests' scratch folders (stores, runs, the browser's profiles) go to .build/test-tmp, emptied at the start
# of each test run, instead of piling up in /tmp. (A tmpfs a crashed test left mounted there is skipped.)
test: test-deps
	@rm -rf .build/test-tmp 2>/dev/null || true; mkdir -p .build/test-tmp
	@python="$$(./scripts/consumer-venv.sh)" && TMPDIR="$(CURDIR)/.build/test-tmp" LOOM_CONSUMER_PYTHON="$$python" LOOM_REQUIRE_BROWSER=1 LOOM_VERIFY_CONTENT_DIGESTS=1 $(SWIFT) test

## Benchmarks; figures go to BENCHMARKS.md.
bench: test-deps
	./benchmarks/run.sh

clean:
	rm -rf .build runs
