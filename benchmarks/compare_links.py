"""Compares the neighbours two linkers chose for the same queries.

    python compare_links.py LOOM.jsonl SKLEARN.jsonl

Per query: the same examples in the same order ("identical"); or, where similarities tie, the same list of
scores to 1e-9 with other members of a tie ("same scores"); or different. Prints one line.
"""

import json
import sys


def load(path):
    return {row["id"]: row for row in map(json.loads, open(path, encoding="utf-8"))}


def main():
    loom, other = load(sys.argv[1]), load(sys.argv[2])
    identical = same_scores = different = 0
    worst = 0.0
    for query, row in loom.items():
        theirs = other.get(query)
        if theirs is None:
            different += 1
            continue
        if row["examples"] == theirs["examples"]:
            identical += 1
        elif len(row["scores"]) == len(theirs["scores"]) and all(
                abs(a - b) < 1e-9 for a, b in zip(row["scores"], theirs["scores"])):
            same_scores += 1
        else:
            different += 1
        for a, b in zip(row["scores"], theirs["scores"]):
            worst = max(worst, abs(a - b))
    missing = len(set(other) - set(loom))
    print(f"    {len(loom)} queries: {identical} identical, {same_scores} the same scores with ties ordered otherwise, "
          f"{different} different, {missing} missing; largest score difference {worst:.2e}")


if __name__ == "__main__":
    main()
