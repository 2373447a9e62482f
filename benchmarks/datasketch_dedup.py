#!/usr/bin/env python3
"""Near-duplicate detection with datasketch (MinHash + MinHashLSH) over the same JSONL corpus as `loom-bench minhash`.

    python benchmarks/datasketch_dedup.py CORPUS [--limit N] [--permutations 128] [--threshold 0.8] [--shingle 3]
                                                 [--seed S] [--truth CORPUS.truth.jsonl]
                                                 [--normalized-out FILE]

Work, timed from the first line read to the last group made, as on Loom's side:
  - each line parsed with json.loads, its "text" normalized exactly as Loom's NormalizedText does (below), split into
    words and cut into word 3-gram shingles (a text shorter than that is one shingle of all its words);
  - one MinHash per text with datasketch's defaults (sha1_hash32, the "affine32" permutations of datasketch 2.x),
    made the way datasketch documents for many sketches (MinHash.generator: one template, copy + update_batch);
  - MinHashLSH(threshold, num_perm) with datasketch's own banding; for every text in order: query (its candidates
    are the texts before it that share a band), then insert. Every text is inserted, so the candidate pairs are all
    pairs that share a band, the same relation Loom's NearDuplicateFinder groups;
  - union-find over the candidate pairs; each record of a group of two or more, except its smallest ordinal, is a
    near-duplicate of that smallest ordinal (Loom's semantics).
Prints one JSON line with the same fields as `loom-bench minhash`. Peak memory is this process's VmHWM.
"""
import argparse
import json
import re
import sys
import time
import unicodedata

import datasketch
from datasketch import MinHash, MinHashLSH

# --- Loom's NormalizedText, rule for rule ---------------------------------------------------------------------
_SPACE = "[ \t\r\v\f]"
_MEDIA_LINE = re.compile(
    f"{_SPACE}*(?:(?:image|frame){_SPACE}*[0-9]+{_SPACE}*(?:\\([0-9][0-9.,: a-z]{{0,23}}\\){_SPACE}*)?:{_SPACE}*)*",
    re.IGNORECASE | re.ASCII)
_ASCII_DROPPED = re.compile(r"[^a-z0-9\s]+", re.ASCII)
_SEPARATORS = frozenset("\t\n\x0b\x0c\r\x85")


def normalize(text: str) -> str:
    """Comparison form: placeholders are space, media prefix lines go, letters/marks/numbers kept lowercased,
    white space separates, everything else is dropped."""
    text = text.replace("<image>", " ")
    text = "\n".join(line for line in text.split("\n") if not _MEDIA_LINE.fullmatch(line))
    if text.isascii():
        return " ".join(_ASCII_DROPPED.sub("", text.lower()).split())
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LMN":
            out.append(ch.lower())  # per character: full mapping, no final-sigma context (as Loom)
        elif category[0] == "Z" or ch in _SEPARATORS:
            out.append(" ")
    return " ".join(word for word in "".join(out).split(" ") if word)


def shingles(normal: str, size: int) -> list:
    words = normal.split(" ") if normal else []
    if not words:
        return []
    if len(words) <= size:
        return [normal.encode()]
    return [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--permutations", type=int, default=128)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--shingle", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1, help="MinHash seed (datasketch's default is 1)")
    parser.add_argument("--truth", default=None)
    parser.add_argument("--normalized-out", default=None, help="write each text's normalized form, one per line, and exit")
    args = parser.parse_args()
    limit = args.limit if args.limit > 0 else sys.maxsize

    if args.normalized_out:
        with open(args.corpus, "rb") as corpus, open(args.normalized_out, "w", encoding="utf-8") as out:
            for ordinal, line in enumerate(corpus):
                if ordinal >= limit:
                    break
                out.write(normalize(json.loads(line)["text"]) + "\n")
        return

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.permutations)
    bands, rows = lsh.b, lsh.r
    parent = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def texts():
        with open(args.corpus, "rb") as corpus:
            for ordinal, line in enumerate(corpus):
                if ordinal >= limit:
                    break
                yield shingles(normalize(json.loads(line)["text"]), args.shingle)

    count = 0
    for ordinal, minhash in enumerate(MinHash.generator(texts(), num_perm=args.permutations, seed=args.seed)):
        parent.append(ordinal)
        for other in lsh.query(minhash):
            a, b = find(ordinal), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        lsh.insert(ordinal, minhash, check_duplication=False)
        count += 1
    representative = [find(x) for x in range(count)]
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()

    flagged = sum(1 for x in range(count) if representative[x] != x)
    groups = len({representative[x] for x in range(count) if representative[x] != x})
    result = {
        "side": "datasketch",
        "datasketch": datasketch.__version__,
        "texts": count,
        "seconds": round(seconds, 3),
        "texts_per_second": round(count / seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "permutations": args.permutations,
        "threshold": args.threshold,
        "bands": bands,
        "rows": rows,
        "seed": args.seed,
        "flagged": flagged,
        "groups": groups,
    }
    if args.truth:
        result.update(score(args.truth, representative))
    print(json.dumps(result, sort_keys=True))


def score(truth_path: str, representative: list) -> dict:
    """Recall over the planted pairs inside the first len(representative) lines, overall and by true Jaccard;
    flags outside the planted groups (a record whose group's smallest ordinal is of another planted family)."""
    count = len(representative)
    family = list(range(count))
    pairs = []
    with open(truth_path) as truth:
        for line in truth:
            pair = json.loads(line)
            if pair["copy"] < count and pair["of"] < count:
                family[pair["copy"]] = pair["of"]
                pairs.append(pair)
    bins = {"1.0": [0, 0], "0.9-1.0": [0, 0], "0.8-0.9": [0, 0]}
    found = 0
    for pair in pairs:
        hit = representative[pair["copy"]] == representative[pair["of"]]
        found += hit
        key = "1.0" if pair["jaccard"] >= 1 else ("0.9-1.0" if pair["jaccard"] >= 0.9 else "0.8-0.9")
        bins[key][0] += hit
        bins[key][1] += 1
    unplanted = sum(1 for x in range(count) if representative[x] != x and family[x] != family[representative[x]])
    return {
        "planted_pairs": len(pairs),
        "found_pairs": found,
        "recall": round(found / len(pairs), 4) if pairs else None,
        "recall_by_jaccard": {k: (round(v[0] / v[1], 4) if v[1] else None) for k, v in bins.items()},
        "unplanted_flags": unplanted,
    }


if __name__ == "__main__":
    main()
