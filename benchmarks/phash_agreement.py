"""Compares Loom's perceptual hashes with imagehash's on the same files.

    python3 phash_agreement.py LOOM.json IMAGEHASH.json
Prints one JSON line: {"images", "mean_hamming", "identical", "within_6"}.
"""
import json
import sys

loom, reference = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
common = sorted(set(loom) & set(reference))
distances = [bin(int(loom[name], 16) ^ int(reference[name], 16)).count("1") for name in common]
print(json.dumps({
    "images": len(common),
    "mean_hamming": round(sum(distances) / max(1, len(distances)), 2),
    "identical": sum(d == 0 for d in distances),
    "within_6": sum(d <= 6 for d in distances),
}))
