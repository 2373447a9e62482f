"""In-context linking by image similarity with faiss, the competitor of `loom-bench link-images`.

    python faiss_link.py HASHES.jsonl K THREADS OUT.jsonl

HASHES.jsonl is what `loom-bench link-hashes` writes: {"id", "hash" (64-bit perceptual hash, hex), "pool"} per
line, `pool` marking the records set aside as in-context examples (Loom's seeded choice, so both sides split
alike). The work timed is what Loom's linker does for single-image records: for each query, the K pool records
whose hashes are nearest in Hamming distance, exactly (faiss.IndexBinaryFlat, a brute-force scan with popcounts,
on THREADS OpenMP threads). The similarity written is 1 - distance / 64, as Loom writes it. Prints one JSON line.
"""

import json
import resource
import sys
import time

import faiss
import numpy as np


def main():
    path, k, threads, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    # Big-endian bytes of each hash: faiss compares codes bit for bit, so any fixed byte order gives the same distances.
    codes = np.array([list(int(row["hash"], 16).to_bytes(8, "big")) for row in rows], dtype=np.uint8)
    pool = np.array([row["pool"] for row in rows])
    faiss.omp_set_num_threads(threads)
    started = time.perf_counter()
    pool_rows = np.flatnonzero(pool)
    query_rows = np.flatnonzero(~pool)
    index = faiss.IndexBinaryFlat(64)
    index.add(codes[pool_rows])
    distances, indices = index.search(codes[query_rows], k)
    seconds = time.perf_counter() - started
    with open(out, "w", encoding="utf-8") as handle:
        for position, row in enumerate(query_rows):
            examples = [rows[pool_rows[i]]["id"] for i in indices[position] if i >= 0]
            scores = [1 - float(d) / 64 for d, i in zip(distances[position], indices[position]) if i >= 0]
            handle.write(json.dumps({"id": rows[row]["id"], "examples": examples, "scores": scores}) + "\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "scenario": "faiss-link-images", "records": len(rows), "queries": len(query_rows), "pool": len(pool_rows),
        "k": k, "threads": threads, "seconds": round(seconds, 3), "peak_rss_mb": int(peak),
    }, sort_keys=True))


if __name__ == "__main__":
    main()
