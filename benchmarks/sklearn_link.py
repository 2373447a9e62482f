"""In-context linking by text similarity with scikit-learn, the competitor of `loom-bench link`.

    python sklearn_link.py TEXTS.jsonl K JOBS OUT.jsonl

TEXTS.jsonl is what `loom-bench link-texts` writes: {"id", "sample", "language", "text", "pool"} per line, where
`pool` marks the records set aside as in-context examples (Loom's seeded choice, so both sides split alike).
The work timed is what Loom's linker does: TF-IDF vectors of all texts (TfidfVectorizer, defaults), then for each
query the K pool records with the highest cosine similarity (NearestNeighbors, metric cosine, brute force, JOBS
processes). Neighbours with similarity 0 are dropped, as Loom drops them. Prints one JSON line.
"""

import json
import resource
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors


def main():
    path, k, jobs, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    texts = [row["text"] for row in rows]
    pool = np.array([row["pool"] for row in rows])
    started = time.perf_counter()
    vectors = TfidfVectorizer().fit_transform(texts)
    pool_rows = np.flatnonzero(pool)
    query_rows = np.flatnonzero(~pool)
    search = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute", n_jobs=jobs).fit(vectors[pool_rows])
    distances, indices = search.kneighbors(vectors[query_rows])
    seconds = time.perf_counter() - started
    with open(out, "w", encoding="utf-8") as handle:
        for position, row in enumerate(query_rows):
            examples, scores = [], []
            for distance, index in zip(distances[position], indices[position]):
                score = 1.0 - float(distance)
                if score > 1e-12:
                    examples.append(rows[pool_rows[index]]["id"])
                    scores.append(score)
            handle.write(json.dumps({"id": rows[row]["id"], "examples": examples, "scores": scores}) + "\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "scenario": "sklearn-link", "records": len(rows), "queries": len(query_rows), "pool": len(pool_rows), "k": k,
        "jobs": jobs, "seconds": round(seconds, 3), "peak_rss_mb": int(peak),
    }, sort_keys=True))


if __name__ == "__main__":
    main()
