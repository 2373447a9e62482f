#!/usr/bin/env bash
# Loom's benchmarks (`make bench`). Prints a table; BENCHMARKS.md records the figures with this command.
#
# Competitors, run in the same invocation on the same scenes:
#   - CLEVR's question generator (facebookresearch/clevr-dataset-gen, question_generation/): set
#     CLEVR_QGEN_DIR to a checkout of that folder. It is not shipped with Loom.
#   - Pillow (pip package), drawing the same single scenes.
#   - datasketch (pip package, in the venv), MinHash LSH near-duplicate detection over the same JSONL corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

RECIPE=${RECIPE:-examples/quickstart.yaml}
swift build -c release --product loom >/dev/null
swift build -c release --product loom-bench >/dev/null
python3 -c "import PIL" 2>/dev/null || pip install --quiet pillow

work=$(mktemp -d)
mock_pid=""  # the mock model endpoint of section 9, while one runs

# On a virtual machine the hypervisor may run other guests on "our" cores: the time it takes away (steal, the 8th
# field of /proc/stat's cpu line) slows every figure, and two-thread programs more than one-thread ones. Printed at
# the end so that figures from a run with much steal are not compared with a quiet run's.
cpu_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $6 + $7 + $8; print busy, $5, $9 }' /proc/stat 2>/dev/null || echo "0 0 0"; }
read -r start_busy start_idle start_steal < <(cpu_ticks)
report_steal() {
  local busy idle steal
  read -r busy idle steal < <(cpu_ticks)
  local total=$(( busy - start_busy + idle - start_idle + steal - start_steal ))
  [ "$total" -gt 0 ] && printf 'hypervisor steal during this run: %d%% of CPU time\n' $(( 100 * (steal - start_steal) / total ))
}
trap 'report_steal || true; [ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT
sed "s#^output: .*#output: $work/run#" "$RECIPE" > "$work/recipe.yaml"

# 9. The model client (issue 4), defined here so that `benchmarks/run.sh llm` runs it alone: Loom's OpenAIClient
#    (`loom-bench llm`) against the official `openai` package's AsyncOpenAI on asyncio
#    (benchmarks/openai_client_bench.py), each against the same mock endpoint process (`loom-mock-model`, one
#    event-loop thread of its own) at the same number of requests in flight. Every request: a system message and a
#    user message with ~300 characters of text and one 18 KB JPEG as a base64 data URL. CPU time and peak memory
#    are the client process's own (getrusage, VmHWM), measured inside it. LOOM_BENCH_LLM_PYTHON_MEMORY=1 also runs
#    Python over the 100,000 requests of (c) (about 8 minutes).
llm_bench() {
  local venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
  local concurrency=${LOOM_BENCH_LLM_CONCURRENCY:-64}
  local requests=${LOOM_BENCH_LLM_REQUESTS:-20000}
  swift build -c release --product loom-mock-model >/dev/null
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import openai" 2>/dev/null || "$venv/bin/pip" install --quiet openai
  local image="$work/llm-image.jpg" mock_url=""
  .build/release/loom-bench llm-image "$image" >/dev/null

  mock_start() {  # $1: latency in seconds
    .build/release/loom-mock-model --port 0 --latency "$1" --threads 1 > "$work/mock.out" &
    mock_pid=$!
    for _ in $(seq 100); do grep -q '^listening' "$work/mock.out" && break; sleep 0.1; done
    mock_url=$(sed -n 's/^listening on //p' "$work/mock.out")
    echo "  \$ .build/release/loom-mock-model --port 0 --latency $1 --threads 1   # $mock_url"
  }
  mock_stop() { kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""; }
  client() {  # $1: label, then the command; prints the command and the result line, keeps the JSON in $work/$1.json
    local label=$1; shift
    echo "  \$ $*"
    "$@" > "$work/$label.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('    %-8s %7d requests %4d in flight  %7.2f s  %8.1f req/s  CPU %.3f ms/request  peak %5.1f MB  failures %d' % (sys.argv[2], d['requests'], d['concurrency'], d['seconds'], d['requests_per_second'], d['cpu_ms_per_request'], d['peak_rss_mb'], d['failures']))" "$work/$label.json" "${label%%-*}"
  }
  ratio() {  # loom vs python of one scenario
    python3 -c "import json,sys; l=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); print('    Loom/Python: %.1fx the requests/s, %.1fx less CPU per request' % (l['requests_per_second']/p['requests_per_second'], p['cpu_ms_per_request']/l['cpu_ms_per_request']))" "$work/$1.json" "$work/$2.json"
  }

  echo
  echo "model client: loom-bench llm vs openai $("$venv/bin/python" -c 'import openai; print(openai.__version__)') AsyncOpenAI, $(stat -c %s "$image")-byte JPEG per request"
  echo "(a) zero latency, $concurrency in flight"
  mock_start 0
  client loom-a .build/release/loom-bench llm "$mock_url" "$requests" "$concurrency" "$image"
  client python-a "$venv/bin/python" benchmarks/openai_client_bench.py "$mock_url" "$requests" "$concurrency" "$image"
  ratio loom-a python-a
  mock_stop

  echo "(b) 1 s latency, 512 in flight, $((512 * 20)) requests (ideal: 512 requests/s)"
  mock_start 1
  client loom-b .build/release/loom-bench llm "$mock_url" $((512 * 20)) 512 "$image"
  client python-b "$venv/bin/python" benchmarks/openai_client_bench.py "$mock_url" $((512 * 20)) 512 "$image"
  python3 -c "import json,sys; l=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); print('    of the ideal 512 requests/s: Loom %.1f%%, Python %.1f%%' % (l['requests_per_second']/5.12, p['requests_per_second']/5.12))" "$work/loom-b.json" "$work/python-b.json"
  mock_stop

  echo "(c) memory over 100,000 requests, zero latency, $concurrency in flight"
  mock_start 0
  client loom-c .build/release/loom-bench llm "$mock_url" 100000 "$concurrency" "$image"
  if [ "${LOOM_BENCH_LLM_PYTHON_MEMORY:-0}" = 1 ]; then
    client python-c "$venv/bin/python" benchmarks/openai_client_bench.py "$mock_url" 100000 "$concurrency" "$image"
  fi
  mock_stop
}

# 10. Near-duplicate instructions by MinHash LSH (issue: quality), defined here so that `benchmarks/run.sh minhash`
#     runs it alone: `loom-bench minhash` (LoomQuality's NormalizedText, MinHasher on all cores, NearDuplicateFinder)
#     against datasketch's MinHash + MinHashLSH (benchmarks/datasketch_dedup.py) on the same JSONL file, with the same
#     normalization, word 3-gram shingles, 128 permutations and threshold 0.8 (both band it 9 x 13). The corpus
#     (1,000,000 instruction texts, 10% planted near-duplicates with their true Jaccard similarity in
#     CORPUS.truth.jsonl) is written once by `loom-bench minhash-corpus` and kept. Python runs on the first
#     LOOM_BENCH_MINHASH_PYTHON_LIMIT texts (100,000 by default; 0 for all), Loom on those and on all.
minhash_bench() {
  local venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
  local corpus=${LOOM_BENCH_MINHASH_CORPUS:-/tmp/loom-bench-minhash/corpus.jsonl}
  local texts=${LOOM_BENCH_MINHASH_TEXTS:-1000000}
  local subset=${LOOM_BENCH_MINHASH_PYTHON_LIMIT:-100000}
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import datasketch" 2>/dev/null || "$venv/bin/pip" install --quiet datasketch
  mkdir -p "$(dirname "$corpus")"
  if [ ! -s "$corpus.truth.jsonl" ] || [ "$(wc -l < "$corpus")" -ne "$texts" ]; then
    echo "  \$ .build/release/loom-bench minhash-corpus $corpus $texts"
    .build/release/loom-bench minhash-corpus "$corpus" "$texts" >/dev/null
  fi
  [ "$subset" -gt 0 ] && [ "$subset" -lt "$texts" ] || subset=$texts

  echo
  echo "near-duplicates: loom-bench minhash vs datasketch $("$venv/bin/python" -c 'import datasketch; print(datasketch.__version__)') MinHash + MinHashLSH, $texts texts in $corpus"
  # The two normalizations must agree, or the comparison is not like for like.
  .build/release/loom-bench minhash-normalized --corpus "$corpus" --limit 20000 --out "$work/loom-normal.txt"
  "$venv/bin/python" benchmarks/datasketch_dedup.py "$corpus" --limit 20000 --normalized-out "$work/python-normal.txt"
  if cmp -s "$work/loom-normal.txt" "$work/python-normal.txt"; then
    echo "  normalization: identical on the first 20000 texts"
  else
    echo "  normalization: DIFFERS on the first 20000 texts"
  fi
  side() {  # $1: label, then the command; prints the command and the result line, keeps the JSON in $work/$1.json
    local label=$1; shift
    echo "  \$ $*"
    "$@" > "$work/$label.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r=d.get('recall_by_jaccard',{}); print('    %-10s %8d texts  %7.2f s  %9.0f texts/s  peak %6.0f MB  bands %dx%d  flagged %6d  groups %6d  recall %.4f (J=1 %.3f, 0.9-1 %.3f, 0.8-0.9 %.3f) of %d planted  unplanted flags %d' % (sys.argv[2], d['texts'], d['seconds'], d['texts_per_second'], d['peak_rss_mb'], d['bands'], d['rows'], d['flagged'], d['groups'], d['recall'], r['1.0'], r['0.9-1.0'], r['0.8-0.9'], d['planted_pairs'], d['unplanted_flags']))" "$work/$label.json" "$label"
  }
  side loom-all .build/release/loom-bench minhash --corpus "$corpus"
  side loom-subset .build/release/loom-bench minhash --corpus "$corpus" --limit "$subset"
  side datasketch "$venv/bin/python" benchmarks/datasketch_dedup.py "$corpus" --limit "$subset" --truth "$corpus.truth.jsonl"
  python3 -c "import json,sys; l=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); print('    Loom/datasketch on the same %d texts: %.1fx the texts/s, %.1fx less peak memory' % (p['texts'], l['texts_per_second']/p['texts_per_second'], p['peak_rss_mb']/l['peak_rss_mb']))" "$work/loom-subset.json" "$work/datasketch.json"
}

# 11. Exports (issue 6), defined here so that `benchmarks/run.sh export` runs it alone: `loom export --format trl
#     --images hardlink` against benchmarks/python_export.py (sqlite3 + json.dumps + os.link, standard library) over
#     the same run store, writing the same TRL JSONL. The store (LOOM_BENCH_EXPORT_CORPUS, default
#     /tmp/loom-bench-export) holds about LOOM_BENCH_EXPORT_RECORDS (1,000,000) records made from the quickstart
#     recipe without drawing; `loom-bench export-corpus` writes it once and it is kept. Times and peak memory are
#     /usr/bin/time's (wall seconds, max RSS): the two run in turn LOOM_BENCH_EXPORT_ROUNDS (3) times, each after
#     a `sync` (so that neither pays for writing back the other's files), after one untimed read of the store, and
#     the medians are compared; both outputs are compared line by line as parsed JSON.
export_bench() {
  local corpus=${LOOM_BENCH_EXPORT_CORPUS:-/tmp/loom-bench-export}
  local records=${LOOM_BENCH_EXPORT_RECORDS:-1000000}
  local rounds=${LOOM_BENCH_EXPORT_ROUNDS:-3}
  if [ ! -f "$corpus/loom.sqlite" ]; then
    echo "  \$ .build/release/loom-bench export-corpus examples/quickstart.yaml $corpus $records"
    .build/release/loom-bench export-corpus examples/quickstart.yaml "$corpus" "$records" >/dev/null
  fi
  echo
  echo "exports: loom export --format trl --images hardlink vs Python json.dumps, $(sqlite3 "$corpus/loom.sqlite" 'SELECT COUNT(*) FROM records' 2>/dev/null || echo "$records") records in $corpus, $rounds rounds"
  run_export() {  # $1: label, $2: round, then the command
    local label=$1 round=$2; shift 2
    rm -rf "$work/export-$label"
    sync
    [ "$round" = 1 ] && echo "  \$ $*"
    /usr/bin/time -f '%e %M' -o "$work/time-$label" "$@" > /dev/null
    read -r seconds peak < "$work/time-$label"
    local lines
    lines=$(wc -l < "$work/export-$label/data.jsonl")
    printf '    %-7s %8d records  %6.2f s  %8.0f records/s  peak %4d MB\n' "$label" "$lines" "$seconds" "$(echo "$lines / $seconds" | bc -l)" "$((peak / 1024))"
    echo "$seconds $lines $peak" >> "$work/rounds-$label"
  }
  rm -f "$work/rounds-loom" "$work/rounds-python"
  # Read the store once untimed: otherwise whichever runs first pays for a cold page cache.
  cat "$corpus/loom.sqlite" > /dev/null
  for round in $(seq "$rounds"); do
    run_export loom "$round" .build/release/loom export "$corpus" --format trl --images hardlink --out "$work/export-loom"
    run_export python "$round" python3 benchmarks/python_export.py "$corpus" "$work/export-python"
  done
  python3 - "$work/export-loom/data.jsonl" "$work/export-python/data.jsonl" "$work/rounds-loom" "$work/rounds-python" <<'PY'
import json, statistics, sys
with open(sys.argv[1], encoding="utf-8") as a, open(sys.argv[2], encoding="utf-8") as b:
    same = all(json.loads(x) == json.loads(y) for x, y in zip(a, b))
print("    outputs equal as JSON, line by line:", same)
medians = {}
for label, path in (("loom", sys.argv[3]), ("python", sys.argv[4])):
    rows = [line.split() for line in open(path)]
    seconds = statistics.median(float(row[0]) for row in rows)
    lines = int(rows[0][1])
    peak = max(int(row[2]) for row in rows) // 1024
    medians[label] = seconds
    print(f"    median  {label:<7} {seconds:6.2f} s  {lines / seconds:8.0f} records/s  peak {peak:4d} MB")
print(f"    Loom/Python (medians): {medians['python'] / medians['loom']:.2f}x the records/s")
PY
}

# 12. The review app (issue 7): LOOM_BENCH_REVIEW_ANNOTATORS (50) simulated annotators, each signed in with its own
#     session, against `loom review serve` over a store of about 1,000,000 records (the export corpus's store,
#     copied afresh to /tmp/loom-bench-review for every run). Each loops with no think time: the review screen
#     (every 20th record), the next record (GET /api/next: claim with a lease, read, render), accept (POST verdict: the
#     save). Latencies are measured by the client (`loom-bench review-load`), from request sent to body read.
review_bench() {
  local corpus=${LOOM_BENCH_EXPORT_CORPUS:-/tmp/loom-bench-export}
  local store=${LOOM_BENCH_REVIEW_STORE:-/tmp/loom-bench-review}
  local annotators=${LOOM_BENCH_REVIEW_ANNOTATORS:-50}
  local seconds=${LOOM_BENCH_REVIEW_SECONDS:-30}
  if [ ! -f "$corpus/loom.sqlite" ]; then
    .build/release/loom-bench export-corpus examples/quickstart.yaml "$corpus" "${LOOM_BENCH_EXPORT_RECORDS:-1000000}" >/dev/null
  fi
  # A fresh copy every time: the passes an earlier run saved would make each claim walk past more reviewed
  # records, and the figures would depend on how often the benchmark had run before.
  mkdir -p "$store"
  rm -f "$store/loom.sqlite" "$store/loom.sqlite-wal" "$store/loom.sqlite-shm"
  cp "$corpus/loom.sqlite" "$store/loom.sqlite"
  local batch
  batch=$(.build/release/loom-bench review-setup "$store" "$annotators")
  .build/release/loom review serve "$store" --port 0 > "$work/review.out" 2>&1 &
  local server=$!
  for _ in $(seq 300); do grep -q '^Review app:' "$work/review.out" && break; sleep 0.1; done
  local url
  url=$(sed -n 's#^Review app: \(http://[^ ]*\)/ .*#\1#p' "$work/review.out")
  echo
  echo "review app: $annotators annotators, ${seconds} s, $(sqlite3 "$store/loom.sqlite" 'SELECT COUNT(*) FROM records' 2>/dev/null || echo '~1,000,000') records"
  echo "  \$ .build/release/loom review serve $store --port 0   # $url"
  local think line
  # (a) no think time: the server's saturation; (b) 1 s of reading before each accept and after it (a very fast
  # human; people take 5 to 30 s per record).
  for think in 0 1000; do
    echo "  \$ .build/release/loom-bench review-load $url $annotators $seconds $batch $think"
    line=$(.build/release/loom-bench review-load "$url" "$annotators" "$seconds" "$batch" "$think")
    python3 - "$line" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
for kind in ("screen", "next", "save"):
    k = d[kind]
    print("    %-7s %7d requests  p50 %7.2f ms  p99 %7.2f ms  max %8.2f ms  failures %d%s" % (
        kind, k["requests"], k["p50_ms"], k["p99_ms"], k["max_ms"], k["failures"],
        ("  (first: %s)" % k["first_failure"]) if "first_failure" in k else ""))
print("    think %d ms: %.1f saves per second" % (d["think_ms"], d["saves_per_second"]))
PY
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

# 13. In-context linking by text similarity (issue 8), defined here so that `benchmarks/run.sh link` runs it alone:
#     `loom-bench link` (LoomLinking's TF-IDF and exact top-5 cosine search on 2 threads) against scikit-learn's
#     TfidfVectorizer + NearestNeighbors (cosine, brute force, n_jobs=2; benchmarks/sklearn_link.py) on the same
#     100,000 texts split into the same example pool (20%) and queries. Two corpora: Loom's own records (the
#     first 100,000 unflagged records of the export benchmark's store, their user turns) and the MinHash
#     benchmark's varied model-style texts. Times are the linking alone, inside each process (reading and writing
#     files excluded); benchmarks/compare_links.py checks that both chose the same neighbours.
link_bench() {
  local venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
  local store=${LOOM_BENCH_EXPORT_CORPUS:-/tmp/loom-bench-export}
  local corpus=${LOOM_BENCH_MINHASH_CORPUS:-/tmp/loom-bench-minhash/corpus.jsonl}
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import sklearn" 2>/dev/null || "$venv/bin/pip" install --quiet scikit-learn
  if [ ! -f "$store/loom.sqlite" ]; then
    .build/release/loom-bench export-corpus examples/quickstart.yaml "$store" 1000000 >/dev/null
  fi
  [ -s "$corpus" ] || .build/release/loom-bench minhash-corpus "$corpus" 1000000 >/dev/null
  echo
  echo "in-context linking: loom-bench link vs scikit-learn $("$venv/bin/python" -c 'import sklearn; print(sklearn.__version__)') TfidfVectorizer + NearestNeighbors, 100000 texts, top 5"
  .build/release/loom-bench link-texts "$store" "$work/records.jsonl" 100000
  .build/release/loom-bench link-texts-jsonl "$corpus" "$work/varied.jsonl" 100000
  for texts in records varied; do
    echo "  $texts:"
    link_round "$work/$texts" link "$venv" sklearn_link.py scikit-learn
  done
}

# One linking comparison over $1.jsonl, top 5 on 2 threads: `loom-bench $2` against the competitor script
# benchmarks/$4 (named $5) run with the venv $3's Python; their times, memory and whether they chose the same
# neighbours ($1-loom.out, $1-<name>.out).
link_round() {
  local base=$1 subcommand=$2 venv=$3 script=$4 label=$5
  local name=${script%_link.py}
  echo "  \$ .build/release/loom-bench $subcommand $base.jsonl 5 2 $base-loom.out"
  .build/release/loom-bench "$subcommand" "$base.jsonl" 5 2 "$base-loom.out" > "$base-loom.json"
  echo "  \$ $venv/bin/python benchmarks/$script $base.jsonl 5 2 $base-$name.out"
  "$venv/bin/python" "benchmarks/$script" "$base.jsonl" 5 2 "$base-$name.out" > "$base-$name.json"
  python3 -c "import json,sys; l=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2])); n=sys.argv[3]; print('    loom %7.2f s  peak %5d MB   %s %7.2f s  peak %5d MB   %d queries, pool %d   Loom/%s: %.1fx faster' % (l['seconds'], l['peak_rss_mb'], n, p['seconds'], p['peak_rss_mb'], l['queries'], l['pool'], n, p['seconds']/l['seconds']))" "$base-loom.json" "$base-$name.json" "$label"
  python3 benchmarks/compare_links.py "$base-loom.out" "$base-$name.out"
}

# 13b. In-context linking by image similarity, `benchmarks/run.sh link-images` alone (also part of link_bench):
#     `loom-bench link-images` (LoomLinking's exact nearest perceptual hashes, POPCNT kernels of CHamming, 2
#     threads) against faiss's IndexBinaryFlat (exact Hamming k-NN, 2 OpenMP threads; benchmarks/faiss_link.py)
#     on the same single-image records' hashes (bursts of near-duplicates, `loom-bench link-hashes`), split into
#     the same example pool (20%) and queries, top 5. Times are the linking alone, inside each process.
link_images_bench() {
  local venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import faiss" 2>/dev/null || "$venv/bin/pip" install --quiet faiss-cpu
  echo
  echo "in-context linking by image: loom-bench link-images vs faiss $("$venv/bin/python" -c 'import faiss; print(faiss.__version__)') IndexBinaryFlat, top 5"
  for count in ${LOOM_BENCH_LINK_IMAGES:-200000 1000000}; do
    .build/release/loom-bench link-hashes "$work/images-$count.jsonl" "$count" 1
    echo "  $count records:"
    link_round "$work/images-$count" link-images "$venv" faiss_link.py faiss
  done
}

# 6b. HEIC photos (`benchmarks/run.sh heic` alone): the ingest of phone-format photos, Loom (libheif 1.15 from
#     Debian, HEVC through libde265) against Pillow + imagehash with pillow-heif (its own libheif and libde265),
#     on HEIC copies of the first 200 photos of the ingest corpus (benchmarks/make_heic_corpus.py).
heic_bench() {
  local corpus=${LOOM_BENCH_CORPUS:-/tmp/loom-bench-corpus}
  local venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import PIL, imagehash, numpy, pillow_heif" 2>/dev/null || "$venv/bin/pip" install --quiet pillow imagehash numpy pillow-heif
  "$venv/bin/python" benchmarks/make_photo_corpus.py "$corpus/photos" "${LOOM_BENCH_IMAGES:-2000}"
  "$venv/bin/python" benchmarks/make_heic_corpus.py "$corpus/photos" "$corpus/heic" "${LOOM_BENCH_HEIC_IMAGES:-200}"
  echo
  echo "HEIC ingest: Loom (libheif $(pkg-config --modversion libheif)) vs Pillow + imagehash + pillow-heif $("$venv/bin/python" -c 'import pillow_heif; print(pillow_heif.__version__, "(libheif", pillow_heif.libheif_info()["libheif"] + ")")')"
  ingest_against_pillow "$corpus/heic" "$venv" heic
}

# Loom's ingest (1 and 2 threads) and Pillow + imagehash (1 and 2 processes) over folder $1 with the venv $2's
# Python, then how far their pHashes are apart; $3 names the scratch files.
ingest_against_pillow() {
  local folder=$1 venv=$2 name=$3 line
  for threads in 1 2; do
    line=$(.build/release/loom-bench ingest "$folder" "$threads" "$work/loom-$name-hashes.json")
    python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom ingest     %d thread(s) %6d images  %6.2f s  %7.1f images/s  peak %4d MB' % (d['threads'], d['images'], d['seconds'], d['images_per_second'], d['peak_rss_mb']))" "$line"
  done
  for processes in 1 2; do
    /usr/bin/time -f '%M' -o "$work/time-$name" "$venv/bin/python" benchmarks/pillow_ingest.py "$folder" "$processes" "$work/pillow-$name-hashes.json" > "$work/pillow-$name.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('Pillow+imagehash %d process(es) %5d images  %6.2f s  %7.1f images/s  peak %4d MB (main process)' % (d['processes'], d['images'], d['seconds'], d['images_per_second'], int(open(sys.argv[2]).read())//1024))" "$work/pillow-$name.json" "$work/time-$name"
  done
  line=$(python3 benchmarks/phash_agreement.py "$work/loom-$name-hashes.json" "$work/pillow-$name-hashes.json")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('pHash agreement with imagehash.phash: mean Hamming distance %.2f bits over %d images (%d identical, %d within 6)' % (d['mean_hamming'], d['images'], d['identical'], d['within_6']))" "$line"
}

# 14c. MIMIC-IT's images table for Otter (`benchmarks/run.sh mimicit` alone): `loom export --format mimicit`,
#      which writes LM.parquet itself (ParquetStringTable, streaming), against the way Otter documents: the JSON
#      table (`--images-table json`), then its conversion to parquet with pandas/pyarrow
#      (benchmarks/otter_parquet.py, the consumers' pinned venv). Over the quickstart's drawn images; the two
#      tables are compared as Otter reads them.
mimicit_bench() {
  local python
  python=$(scripts/consumer-venv.sh | tail -n 1)
  if [ ! -f "$work/run/loom.sqlite" ]; then
    .build/release/loom run "$work/recipe.yaml" > /dev/null 2>&1
  fi
  echo
  echo "MIMIC-IT images table: loom export (parquet) vs JSON export + Otter's documented conversion (pandas $("$python" -c 'import pandas; print(pandas.__version__)'), pyarrow $("$python" -c 'import pyarrow; print(pyarrow.__version__)'))"
  sync
  echo "  \$ .build/release/loom export $work/run --format mimicit --out $work/mimic-parquet"
  /usr/bin/time -f '%e %M' -o "$work/time-mp" .build/release/loom export "$work/run" --format mimicit --out "$work/mimic-parquet" > /dev/null
  read -r loom_seconds loom_peak < "$work/time-mp"
  echo "  \$ .build/release/loom export $work/run --format mimicit --images-table json --out $work/mimic-json"
  /usr/bin/time -f '%e %M' -o "$work/time-mj" .build/release/loom export "$work/run" --format mimicit --images-table json --out "$work/mimic-json" > /dev/null
  read -r json_seconds json_peak < "$work/time-mj"
  echo "  \$ $python benchmarks/otter_parquet.py $work/mimic-json/LM.json $work/mimic-json/LM.parquet"
  "$python" benchmarks/otter_parquet.py "$work/mimic-json/LM.json" "$work/mimic-json/LM.parquet" > "$work/otter-parquet.json"
  "$python" -c "
import json, sys
c = json.load(open(sys.argv[5]))
ls, lp, js, jp = float(sys.argv[1]), int(sys.argv[2]) // 1024, float(sys.argv[3]), int(sys.argv[4]) // 1024
print('    loom export, parquet        %6.2f s  peak %5d MB' % (ls, lp))
print('    loom export, json           %6.2f s  peak %5d MB' % (js, jp))
print('    Otter conversion to parquet %6.2f s  peak %5d MB  (%d images)' % (c['seconds'], c['peak_rss_mb'], c['rows']))
print('    parquet straight from Loom: %.1fx faster than JSON + conversion' % ((js + c['seconds']) / ls))
" "$loom_seconds" "$loom_peak" "$json_seconds" "$json_peak" "$work/otter-parquet.json"
  ls -l "$work/mimic-parquet/LM.parquet" "$work/mimic-json/LM.parquet" | awk '{printf "    %s %d bytes\n", $NF, $5}'
  "$python" benchmarks/compare_images_tables.py "$work/mimic-parquet/LM.parquet" "$work/mimic-json/LM.parquet"
}

# 14b. A portrait phone video carried by an export (`benchmarks/run.sh normalize` alone): `loom export --videos`
#      re-encodes a rotated video upright (NormalizedVideos: libavcodec decoding, libswscale to RGB, turned,
#      libswscale back, libx264 veryfast CRF 18, libavcodec's threads on every core) against the ffmpeg
#      command-line tool doing the same (its autorotate filter, libx264 veryfast CRF 18), with its default threads
#      and with one decoder and one encoder thread. The clip: 10 s of testsrc2 at 1920x1080, 30 fps, H.264, tagged
#      rotate=90 as a phone stores a portrait video.
normalize_bench() {
  local dir="$work/normalize"
  mkdir -p "$dir/clips"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=duration=10:size=1920x1080:rate=30 -c:v libx264 -preset fast -pix_fmt yuv420p "$dir/landscape.mp4"
  ffmpeg -hide_banner -loglevel error -y -i "$dir/landscape.mp4" -c copy -metadata:s:v:0 rotate=90 "$dir/clips/portrait.mp4"
  echo '{"portrait.mp4": {"segments": [{"start": 0, "end": 4, "text": "A pattern moves."}, {"start": 5, "end": 9, "text": "It keeps moving."}]}}' > "$dir/clips.json"
  printf 'name: normalize\noutput: run\nsources:\n  videos:\n    - folder: clips\n      annotations: clips.json\n' > "$dir/recipe.yaml"
  .build/release/loom run "$dir/recipe.yaml" > /dev/null 2>&1
  echo
  echo "a rotated 1080p video carried by an export: loom export --videos vs ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3)"
  echo "  \$ .build/release/loom export $dir/run --format llamafactory --videos --out $dir/export"
  /usr/bin/time -f '%e %M' -o "$dir/time-loom" .build/release/loom export "$dir/run" --format llamafactory --videos --out "$dir/export" > /dev/null
  echo "  \$ ffmpeg -i portrait.mp4 -an -c:v libx264 -preset veryfast -crf 18 upright.mp4   # and with -threads 1 on both sides"
  /usr/bin/time -f '%e %M' -o "$dir/time-ffmpeg" ffmpeg -hide_banner -loglevel error -y -i "$dir/clips/portrait.mp4" -an -c:v libx264 -preset veryfast -crf 18 "$dir/upright.mp4"
  /usr/bin/time -f '%e %M' -o "$dir/time-ffmpeg-1" ffmpeg -hide_banner -loglevel error -y -threads 1 -i "$dir/clips/portrait.mp4" -an -c:v libx264 -preset veryfast -crf 18 -threads 1 "$dir/upright-1.mp4"
  local loom_file
  loom_file=$(ls "$dir/export/videos/"*.mp4)
  for side in loom ffmpeg ffmpeg-1; do
    local file=$loom_file
    [ "$side" = ffmpeg ] && file="$dir/upright.mp4"
    [ "$side" = ffmpeg-1 ] && file="$dir/upright-1.mp4"
    read -r seconds kilobytes < "$dir/time-$side"
    printf '    %-9s %6.2f s  peak %5d MB  %s, %s bytes\n' "$side" "$seconds" $((kilobytes / 1024)) \
      "$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,nb_frames -of csv=p=0 "$file")" "$(stat -c %s "$file")"
  done
  echo "  (a second export reuses the re-encoded file: $( { /usr/bin/time -f '%e' .build/release/loom export "$dir/run" --format llamafactory --videos --out "$dir/export2" > /dev/null; } 2>&1 ) s)"
}

# 14. Frames sampled from 1080p video (issue 8), defined here so that `benchmarks/run.sh frames` runs it alone:
#     `loom-bench frames` (LoomVideo: libavformat/libavcodec decoding front to back, libswscale to RGB) against
#     the ffmpeg command-line tool extracting the same number of frames as raw RGB (`fps` filter for the rate,
#     `select` of the same frame numbers for uniform), both with one decoder thread. The videos (20 s of
#     testsrc2 at 1920x1080, 30 fps, H.264 and MPEG-4 Part 2) are made once in $work.
frames_bench() {
  local video
  echo
  echo "frames: loom-bench frames vs $(ffmpeg -version | head -1 | cut -d' ' -f1-3), 20 s of 1920x1080 at 30 fps, one decoder thread"
  for codec in libx264 mpeg4; do
    video="$work/video-$codec.mp4"
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=20 -c:v "$codec" \
      $([ "$codec" = libx264 ] && echo "-preset veryfast -pix_fmt yuv420p" || echo "-q:v 3") "$video"
    for sampling in uniform:16 rate:1 rate:5; do
      echo "  \$ .build/release/loom-bench frames $video $sampling 1"
      .build/release/loom-bench frames "$video" "$sampling" 1 > "$work/frames.json"
      local filter
      case $sampling in
        uniform:16) filter=$(python3 -c 'print("select=" + "+".join("eq(n\\,%d)" % int(600 * (i + 0.5) / 16) for i in range(16)))') ;;
        rate:*) filter="fps=${sampling#rate:}" ;;
      esac
      local start end
      start=$(date +%s.%N)
      ffmpeg -hide_banner -loglevel error -threads 1 -filter_threads 1 -i "$video" -vf "$filter" -vsync vfr -f rawvideo -pix_fmt rgb24 -y /dev/null
      end=$(date +%s.%N)
      python3 -c "import json,sys; d=json.load(open(sys.argv[1])); f=float(sys.argv[3])-float(sys.argv[2]); print('    %-7s %-10s loom %3d frames %6.2f s %7.1f frames/s (%4d decoded/s)   ffmpeg CLI %6.2f s   Loom/ffmpeg: %.2fx' % (sys.argv[4], d['sampling'], d['frames'], d['seconds'], d['frames_per_second'], d['video_frames_per_second'], f, f/d['seconds']))" "$work/frames.json" "$start" "$end" "$codec"
    done
  done
  # A long video sampled sparsely (ActivityNet clips run about 2 minutes): Loom seeks to the keyframe before each
  # target more than 5 s ahead. Against ffmpeg two ways: one pass with `select` (decodes everything), and one
  # input-seeking call per frame (`-ss T -i VIDEO -frames:v 1`, the usual script), both one decoder thread.
  video="$work/video-long.mp4"
  [ -f "$video" ] || ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=120 \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p "$video"
  echo "  2 min of 1920x1080 at 30 fps, H.264 (keyframe at most every 250 frames), uniform 16"
  echo "  \$ .build/release/loom-bench frames $video uniform:16 1"
  .build/release/loom-bench frames "$video" uniform:16 1 > "$work/frames.json"
  local times select start end start2 end2
  times=$(python3 -c 'print(" ".join("%.6f" % (120 * (i + 0.5) / 16) for i in range(16)))')
  select=$(python3 -c 'print("select=" + "+".join("eq(n\,%d)" % int(3600 * (i + 0.5) / 16) for i in range(16)))')
  start=$(date +%s.%N)
  ffmpeg -hide_banner -loglevel error -threads 1 -filter_threads 1 -i "$video" -vf "$select" -vsync vfr -f rawvideo -pix_fmt rgb24 -y /dev/null
  end=$(date +%s.%N)
  start2=$(date +%s.%N)
  for t in $times; do
    ffmpeg -hide_banner -loglevel error -threads 1 -ss "$t" -i "$video" -frames:v 1 -f rawvideo -pix_fmt rgb24 -y /dev/null
  done
  end2=$(date +%s.%N)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); f=float(sys.argv[3])-float(sys.argv[2]); g=float(sys.argv[5])-float(sys.argv[4]); print('    H.264   uniform:16 loom %3d frames %6.2f s %7.1f frames/s (%4d decoded)   ffmpeg select %6.2f s (%.2fx)   ffmpeg -ss per frame %6.2f s (%.2fx)' % (d['frames'], d['seconds'], d['frames_per_second'], d.get('decoded', -1), f, f/d['seconds'], g, g/d['seconds']))" "$work/frames.json" "$start" "$end" "$start2" "$end2"
}

# `loom-bench norender RECIPE [no-quality]` ROUNDS times; prints the median round (by rate), the range and the peak.
norender_median() {
  local recipe=$1 variant=$2 rounds=$3 label=$4
  # Each round's line goes to a file and is read after the round: a reader piped to it would start its Python
  # beside the measured process, and on 2 cores that interpreter's start took 20-30 ms from a 0.12 s round.
  for i in $(seq "$rounds"); do
    /usr/bin/time -f '%M' -o "$work/time2" .build/release/loom-bench norender "$recipe" $variant 2>/dev/null > "$work/round.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[2])); print(d['records'], d['seconds'], d['records_per_second'], int(open(sys.argv[1]).read())//1024)" "$work/time2" "$work/round.json"
  done > "$work/norender-rounds"
  python3 -c "
import sys
rows = [line.split() for line in open(sys.argv[1])]
rates = sorted(int(r[2]) for r in rows)
median = sorted(rows, key=lambda r: int(r[2]))[len(rows) // 2]
print('loom rendering excluded, %-12s %6s records  %6.2f s  %8d records/s (median of %d: %d-%d)  peak %4d MB' % (sys.argv[2], median[0], float(median[1]), int(median[2]), len(rows), rates[0], rates[-1], max(int(r[3]) for r in rows)))
" "$work/norender-rounds" "$label"
}

# 1.-3. The foundation issue's figures (issue 2), defined here so that `benchmarks/run.sh foundation` runs them alone.
foundation_bench() {
  # 1. Loom end to end: draw + encode + write images, generate, check, store, export (the real CLI).
  /usr/bin/time -f '%e %M' -o "$work/time" .build/release/loom run "$work/recipe.yaml" > "$work/run.log" 2>/dev/null
  read -r seconds peak_kb < "$work/time"
  records=$(sed -n 's/.* \([0-9][0-9]*\) records\.$/\1/p' "$work/run.log")
  # The run's report names disagreements with the ground truth only when there are some.
  flagged=$(grep -o '[0-9]* disagrees\? with the ground truth' "$work/run.log" | cut -d' ' -f1 || true)
  flagged=${flagged:-0}
  printf 'loom end to end        %6d records  %6.2f s  %8.0f records/s  peak %4d MB  disagreements %s\n' \
    "$records" "$seconds" "$(echo "$records / $seconds" | bc -l)" "$((peak_kb / 1024))" "$flagged"

  # 2. Loom without drawing images: compose, generate, check, store, export (the foundation issue's pipeline, quality
  #    stage left out), then the same with the quality stage that runs by default. Sub-second, so the median of 7.
  #    The end-to-end run above leaves ~100 MB of images for the kernel to write back; `sync` waits for that, so
  #    that the kernel's flushing does not share the 2 cores with the rounds below.
  sync
  norender_median "$work/recipe.yaml" no-quality 7 "no-quality"
  norender_median "$work/recipe.yaml" "" 7 "with-quality"

  # 2b. The same pipeline at ten times the quickstart's samples: the rate should hold as a run grows (before the
  #     export index was built after the records, it fell by half at this size). Median of 3.
  sed -E 's/(singles|pairs): ([0-9]+)/\1: \20/; s/count: ([0-9]+)/count: \10/g' "$work/recipe.yaml" > "$work/recipe-x10.yaml"
  norender_median "$work/recipe-x10.yaml" no-quality 3 "x10 samples"

  # 3. Loom generation alone (compose, generate, check; in memory).
  line=$(.build/release/loom-bench generate "$work/recipe.yaml")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom generate+check    %6d records  %6.2f s  %8d records/s  peak %4d MB' % (d['records'], d['seconds'], d['records_per_second'], d['peak_rss_mb']))" "$line"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1)"
if [ "${1:-}" = llm ]; then
  llm_bench
  exit 0
fi
if [ "${1:-}" = minhash ]; then
  minhash_bench
  exit 0
fi
if [ "${1:-}" = export ]; then
  export_bench
  exit 0
fi
if [ "${1:-}" = review ]; then
  review_bench
  exit 0
fi
if [ "${1:-}" = link ]; then
  link_bench
  link_images_bench
  exit 0
fi
if [ "${1:-}" = link-images ]; then
  link_images_bench
  exit 0
fi
if [ "${1:-}" = normalize ]; then
  normalize_bench
  exit 0
fi
if [ "${1:-}" = foundation ]; then
  echo "recipe: $RECIPE"
  foundation_bench
  exit 0
fi
if [ "${1:-}" = heic ]; then
  heic_bench
  exit 0
fi
if [ "${1:-}" = mimicit ]; then
  mimicit_bench
  exit 0
fi
if [ "${1:-}" = frames ]; then
  frames_bench
  exit 0
fi
echo "recipe: $RECIPE"
echo

foundation_bench

# 4. CLEVR's question generator over the same single scenes (10 templates per image, as CLEVR shipped).
if [ -n "${CLEVR_QGEN_DIR:-}" ] && [ -f "$CLEVR_QGEN_DIR/generate_questions.py" ]; then
  scenes=$(python3 benchmarks/loom_to_clevr_scenes.py "$work/run/loom.sqlite" "$work/clevr_scenes.json")
  ( cd "$CLEVR_QGEN_DIR" && /usr/bin/time -f '%e %M' -o "$work/time3" python3 generate_questions.py \
      --input_scene_file "$work/clevr_scenes.json" --output_questions_file "$work/clevr_questions.json" \
      --templates_per_image 10 --instances_per_template 1 > /dev/null 2>&1 )
  read -r cseconds cpeak < "$work/time3"
  questions=$(python3 -c "import json; print(len(json.load(open('$work/clevr_questions.json'))['questions']))")
  printf 'CLEVR generate_questions %4d questions %6.2f s  %8.0f questions/s  peak %4d MB  (%s scenes, 1 process)\n' \
    "$questions" "$cseconds" "$(echo "$questions / $cseconds" | bc -l)" "$((cpeak / 1024))" "$scenes"
else
  echo "CLEVR generate_questions: skipped (set CLEVR_QGEN_DIR to clevr-dataset-gen/question_generation)"
fi

# 5. Drawing: Loom (cairo + libpng) against Pillow on the same single scenes, all cores each.
line=$(.build/release/loom-bench render "$work/recipe.yaml")
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom draw+encode       %6d images   %6.2f s  %8d images/s' % (d['records'], d['seconds'], d['records_per_second']))" "$line"
line=$(python3 benchmarks/pillow_render.py "$work/run/loom.sqlite")
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('Pillow draw+encode     %6d images   %6.2f s  %8d images/s  (flat fills, no anti-aliasing)' % (d['images'], d['seconds'], d['images_per_second']))" "$line"

# 6. Ingest: Loom against Pillow + imagehash doing the same work on the same photographic JPEGs
#    (read, SHA-256, decode, EXIF orientation, pHash, 512-px JPEG, 160-px thumbnail).
#    The corpus (2,000 JPEGs of 1600x1200 and 2048x1536) is made once and kept in $LOOM_BENCH_CORPUS.
corpus=${LOOM_BENCH_CORPUS:-/tmp/loom-bench-corpus}
venv=${LOOM_BENCH_VENV:-/tmp/loom-bench-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import PIL, imagehash, numpy" 2>/dev/null || "$venv/bin/pip" install --quiet pillow imagehash numpy
"$venv/bin/python" benchmarks/make_photo_corpus.py "$corpus/photos" "${LOOM_BENCH_IMAGES:-2000}"
echo
ingest_against_pillow "$corpus/photos" "$venv" photos

# 6b. HEIC photos against Pillow with pillow-heif (defined above, as heic_bench).
heic_bench

# 7. Ingest memory over 20,000 images (the corpus copied 10 times, each copy with other bytes).
if [ "${LOOM_BENCH_SKIP_MEMORY:-0}" != 1 ]; then
  python3 benchmarks/multiply_corpus.py "$corpus/photos" "$corpus/many" 10
  line=$(.build/release/loom-bench ingest "$corpus/many" 2)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom ingest memory %6d images  %6.1f s  %7.1f images/s  peak %4d MB' % (d['images'], d['seconds'], d['images_per_second'], d['peak_rss_mb']))" "$line"
fi

# 8. OCR (tesseract) on scenes with rendered text: character error rate against the ground truth.
line=$(OMP_THREAD_LIMIT=1 .build/release/loom-bench ocr 100)
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom OCR        %d scenes  %d lines  CER %.3f  %.3f s/image' % (d['images'], d['lines'], d['cer'], d['seconds_per_image']))" "$line"

# 9. The model client against the openai package (defined above, as llm_bench).
llm_bench

# 10. Near-duplicate instructions: MinHash LSH against datasketch (defined above, as minhash_bench).
minhash_bench

# 11. Exports against Python json.dumps (defined above, as export_bench).
export_bench

# 12. The review app under 50 simulated annotators (defined above, as review_bench).
review_bench

# 13. In-context linking against scikit-learn (defined above, as link_bench), and by image against faiss
#     (link_images_bench).
link_bench
link_images_bench

# 14. Frames sampled from 1080p video against the ffmpeg command-line tool (defined above, as frames_bench), and a
#     rotated video re-encoded upright for an export (normalize_bench).
frames_bench
normalize_bench

# 14c. MIMIC-IT's images table written as parquet, against JSON and Otter's documented conversion (mimicit_bench).
mimicit_bench
