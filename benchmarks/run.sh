#!/usr/bin/env bash
# Loom's benchmarks (`make bench`). Prints a table; BENCHMARKS.md records the figures with this command.
#
# Competitors, run in the same invocation on the same scenes:
#   - CLEVR's question generator (facebookresearch/clevr-dataset-gen, question_generation/): set
#     CLEVR_QGEN_DIR to a checkout of that folder. It is not shipped with Loom.
#   - Pillow (pip package), drawing the same single scenes.
set -euo pipefail
cd "$(dirname "$0")/.."

RECIPE=${RECIPE:-examples/quickstart.yaml}
swift build -c release --product loom >/dev/null
swift build -c release --product loom-bench >/dev/null
python3 -c "import PIL" 2>/dev/null || pip install --quiet pillow

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s#^output: .*#output: $work/run#" "$RECIPE" > "$work/recipe.yaml"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(swift --version 2>&1 | head -1)"
echo "recipe: $RECIPE"
echo

# 1. Loom end to end: draw + encode + write images, generate, check, store, export (the real CLI).
/usr/bin/time -f '%e %M' -o "$work/time" .build/release/loom run "$work/recipe.yaml" > "$work/run.log" 2>/dev/null
read -r seconds peak_kb < "$work/time"
records=$(sed -n 's/.* \([0-9][0-9]*\) records\.$/\1/p' "$work/run.log")
flagged=$(sed -n 's/^Answer check: \([0-9]*\) record.*/\1/p' "$work/run.log")
printf 'loom end to end        %6d records  %6.2f s  %8.0f records/s  peak %4d MB  disagreements %s\n' \
  "$records" "$seconds" "$(echo "$records / $seconds" | bc -l)" "$((peak_kb / 1024))" "$flagged"

# 2. Loom without drawing images (compose, generate, check, store, export).
line=$(/usr/bin/time -f '%M' -o "$work/time2" .build/release/loom-bench norender "$work/recipe.yaml")
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom rendering excluded %6d records  %6.2f s  %8d records/s  peak %4d MB' % (d['records'], d['seconds'], d['records_per_second'], int(open(sys.argv[2]).read())//1024))" "$line" "$work/time2"

# 3. Loom generation alone (compose, generate, check; in memory).
line=$(.build/release/loom-bench generate "$work/recipe.yaml")
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom generate+check    %6d records  %6.2f s  %8d records/s  peak %4d MB' % (d['records'], d['seconds'], d['records_per_second'], d['peak_rss_mb']))" "$line"

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
for threads in 1 2; do
  line=$(.build/release/loom-bench ingest "$corpus/photos" "$threads" "$work/loom-hashes.json")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom ingest     %d thread(s) %6d images  %6.2f s  %7.1f images/s  peak %4d MB' % (d['threads'], d['images'], d['seconds'], d['images_per_second'], d['peak_rss_mb']))" "$line"
done
for processes in 1 2; do
  /usr/bin/time -f '%M' -o "$work/time6" "$venv/bin/python" benchmarks/pillow_ingest.py "$corpus/photos" "$processes" "$work/pillow-hashes.json" > "$work/pillow.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('Pillow+imagehash %d process(es) %5d images  %6.2f s  %7.1f images/s  peak %4d MB (main process)' % (d['processes'], d['images'], d['seconds'], d['images_per_second'], int(open(sys.argv[2]).read())//1024))" "$work/pillow.json" "$work/time6"
done
line=$(python3 benchmarks/phash_agreement.py "$work/loom-hashes.json" "$work/pillow-hashes.json")
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('pHash agreement with imagehash.phash: mean Hamming distance %.2f bits over %d images (%d identical, %d within 6)' % (d['mean_hamming'], d['images'], d['identical'], d['within_6']))" "$line"

# 7. Ingest memory over 20,000 images (the corpus copied 10 times, each copy with other bytes).
if [ "${LOOM_BENCH_SKIP_MEMORY:-0}" != 1 ]; then
  python3 benchmarks/multiply_corpus.py "$corpus/photos" "$corpus/many" 10
  line=$(.build/release/loom-bench ingest "$corpus/many" 2)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom ingest memory %6d images  %6.1f s  %7.1f images/s  peak %4d MB' % (d['images'], d['seconds'], d['images_per_second'], d['peak_rss_mb']))" "$line"
fi

# 8. OCR (tesseract) on scenes with rendered text: character error rate against the ground truth.
line=$(OMP_THREAD_LIMIT=1 .build/release/loom-bench ocr 100)
python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('loom OCR        %d scenes  %d lines  CER %.3f  %.3f s/image' % (d['images'], d['lines'], d['cer'], d['seconds_per_image']))" "$line"
