"""Checks a Hugging Face dataset folder (Loom's `hf` export) with `datasets` and `huggingface_hub`.

    python check_hf_folder.py FOLDER EXPECTED_JSON        e.g. '{"train": 10, "validation": 2}'

Consumers and their rules:

- `datasets.load_dataset(FOLDER)` (offline, throwaway cache) must give exactly the splits of EXPECTED_JSON with
  those row counts. With a `configs` section in the card's YAML, `datasets` loads the `data_files` it lists per
  split (and nothing else in the folder); without one it would guess from file names.
- `huggingface_hub.DatasetCard.load(README.md)` must parse the card; its metadata must carry `configs` (each
  listed data file present), `license`, `task_categories` and `size_categories`; the size category must be the
  Hub's bucket for the total row count (n<1K, 1K<n<10K, 10K<n<100K, 100K<n<1M, 1M<n<10M, 10M<n<100M,
  100M<n<1B, 1B<n<10B, 10B<n<100B, 100B<n<1T, n>1T); some prose must follow the YAML header.
- The card must declare the columns' features (`dataset_info.features`), `skill` as a string: `datasets` infers
  a JSON file's features from its first 10 MiB, and a first split whose early rows all have `skill: null`
  (single-image records) would fix the column as null, so a later multi-image row fails to load ("Couldn't
  cast array of type string to null").
- Every row of every split keeps the `hf` rules of check_json_export.py (columns, user/assistant messages with
  one `<image>` per image, labels), with image paths resolved against FOLDER.
"""

import json
import os
import sys

import loomcheck
import check_json_export

BUCKETS = [
    (10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M"), (10**7, "1M<n<10M"),
    (10**8, "10M<n<100M"), (10**9, "100M<n<1B"), (10**10, "1B<n<10B"), (10**11, "10B<n<100B"),
    (10**12, "100B<n<1T"),
]
REQUIRED_METADATA = ("configs", "license", "task_categories", "size_categories")


def size_category(total):
    for limit, name in BUCKETS:
        if total < limit:
            return name
    return "n>1T"


def check_card(folder, total, report):
    """Parses README.md with DatasetCard and checks its metadata; returns {split: [data files]} or None."""
    from huggingface_hub import DatasetCard

    readme = os.path.join(folder, "README.md")
    if not os.path.isfile(readme):
        report.add(readme, None, "README.md (the dataset card) is missing")
        return None
    try:
        card = DatasetCard.load(readme)
    except Exception as error:
        report.add(readme, None, f"DatasetCard.load cannot parse it: {type(error).__name__}: {error}")
        return None
    metadata = card.data.to_dict()
    for key in REQUIRED_METADATA:
        if not metadata.get(key):
            report.add(readme, "metadata", f"`{key}` is missing or empty")
    if not card.text.strip():
        report.add(readme, "text", "no prose after the YAML header")
    sizes = metadata.get("size_categories")
    sizes = [sizes] if isinstance(sizes, str) else sizes
    wanted = size_category(total)
    if sizes and sizes != [wanted]:
        report.add(readme, "size_categories", f"{sizes} for {total} rows; the Hub's bucket is {wanted!r}")
    task_categories = metadata.get("task_categories")
    if task_categories is not None and not (
        isinstance(task_categories, list) and all(isinstance(item, str) and item for item in task_categories)
    ):
        report.add(readme, "task_categories", "must be a list of category names")
    info = metadata.get("dataset_info")
    features = info.get("features") if isinstance(info, dict) else None
    declared = {f.get("name"): f for f in features if isinstance(f, dict)} if isinstance(features, list) else {}
    if not declared:
        report.add(readme, "dataset_info", "no `features` declared: datasets infers them from the first 10 MiB")
    elif declared.get("skill", {}).get("dtype") != "string":
        report.add(readme, "dataset_info", "`skill` must be declared a string (it is null in single-image rows)")
    splits = {}
    configs = metadata.get("configs")
    if configs is not None and not isinstance(configs, list):
        report.add(readme, "configs", "must be a list of configs")
        return splits
    for config in configs or []:
        name = config.get("config_name", "?") if isinstance(config, dict) else "?"
        files = config.get("data_files") if isinstance(config, dict) else None
        if not isinstance(files, list):
            report.add(readme, f"configs[{name}]", "`data_files` must be a list of {split, path}")
            continue
        for item in files:
            split, paths = (item.get("split"), item.get("path")) if isinstance(item, dict) else (None, None)
            paths = [paths] if isinstance(paths, str) else paths
            if not split or not paths:
                report.add(readme, f"configs[{name}]", f"data_files entry {item!r} needs `split` and `path`")
                continue
            splits.setdefault(split, []).extend(paths)
            for path in paths:
                if "*" not in path and not os.path.isfile(os.path.join(folder, path)):
                    report.add(readme, f"configs[{name}].{split}", f"data file {path!r} does not exist")
    return splits


def main(argv):
    if len(argv) != 2:
        loomcheck.fail_usage("usage: check_hf_folder.py FOLDER EXPECTED_JSON")
    folder = os.path.abspath(argv[0])
    try:
        expected = json.loads(argv[1])
        assert isinstance(expected, dict) and all(isinstance(v, int) for v in expected.values())
    except (ValueError, AssertionError):
        loomcheck.fail_usage('EXPECTED_JSON must be an object of split -> row count, e.g. {"train": 10}')
    report = loomcheck.Report()
    summary = {"folder": argv[0]}

    datasets = loomcheck.quiet_datasets()
    try:
        loaded = datasets.load_dataset(folder, cache_dir=loomcheck.CACHE_DIR)
    except Exception as error:
        report.add(folder, None, f"datasets.load_dataset(folder) fails: {type(error).__name__}: {error}")
        check_card(folder, sum(expected.values()), report)
        report.finish(summary)

    counts = {split: loaded[split].num_rows for split in loaded}
    summary["splits"] = counts
    if set(counts) != set(expected):
        report.add(folder, "splits", f"load_dataset gives splits {sorted(counts)}, expected {sorted(expected)}")
    for split, rows in expected.items():
        if split in counts and counts[split] != rows:
            report.add(folder, f"split {split}", f"{counts[split]} rows, expected {rows}")
    total = sum(counts.values())
    card_splits = check_card(folder, total, report)
    if card_splits and set(card_splits) != set(counts):
        report.add(os.path.join(folder, "README.md"), "configs", f"the card lists splits {sorted(card_splits)}, load_dataset gave {sorted(counts)}")

    images = 0
    for split in loaded:
        dataset = loaded[split]
        paths = (card_splits or {}).get(split)
        label = os.path.join(argv[0], paths[0]) if paths and len(paths) == 1 else f"{argv[0]} (split {split})"
        extra = check_json_export.check_features("hf", dataset, report, label)
        if extra:
            summary.setdefault("extra_columns", {})[split] = extra
        images += check_json_export.check_rows("hf", dataset, report, label, base=folder)
    summary["total"] = total
    summary["image_files_checked"] = images
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
