"""Checks a MIMIC-IT export of Loom (the Otter training format) against Otter's MIMIC-IT loader.

    python check_mimicit.py FOLDER [PREFIX]        (PREFIX defaults to LM)

Files: `P_instructions.json` (`{"meta": {version, time, author}, "data": {P_INS_…: {instruction, answer,
image_ids, rel_ins_ids}}}`), `P.parquet` or `P.json` (image id -> base64 image) and `P_train.json` (query id ->
in-context example ids).

Rules from Luodian/Otter, `pipeline/mimicit_utils/mimicit_dataset.py` (`MimicitDataset`) and
`docs/mimicit_format.md`, re-stated here:

- the instructions file is read with `orjson.loads(...)["data"]`; every instruction needs string `instruction`
  and `answer` (they are stripped and formatted into the prompt) and a list `image_ids`;
- the train config's keys are the training queries: each must be an instruction with `instruction` and `answer`
  (else Otter prints "is invalid" and exits), and each of its in-context example ids is looked up in the
  instructions the same way (a missing one raises);
- `rel_ins_ids` (used for the train config when none is given and `populate_rel_ins` is set) must name
  instructions too;
- every image id an instruction names must be in the images table; Otter decodes each value with
  `base64.urlsafe_b64decode` and opens it with PIL (`convert("RGB")`). The value must also decode with the
  standard decoder to the same bytes, so any reader works;
- the images table, `P.parquet` or `P.json` (whichever the export wrote; parquet is checked when both are there):
  Otter's main branch reads `images_path` ending in `.parquet` as it is read here
  (`pq.ParquetFile(path).iter_batches(batch_size=1000)`, each batch `to_pandas()`, `pd.concat`), and looks each
  image up with `images.loc[id]["base64"]`: the index must be the image ids (restored from the file's pandas
  metadata) and unique, the one column `base64`. `pd.read_parquet` (the format doc's way) must give the same
  table. Otter before Nov 2023 streamed `P.json` as an id -> base64 object; for that file the documented
  conversion to parquet (`DataFrame.from_dict(orient="index", columns=["base64"])`, then `to_parquet`) is run
  and looked up the same way. (Pointed at `P.json` directly, main's `.json` branch does `pd.DataFrame(object)`,
  which a flat id -> string object cannot build.)
- Otter adds its own image tokens, so no literal `<image>` may be left in an instruction or answer;
- Loom's layout: ids start with `P_INS_` / `P_IMG_`; no query is its own in-context example, and a query is
  another query's example only as an earlier exchange of the same record (a conversation's history, listed
  in order at the end of the later exchange's examples).

Warnings (exit stays 0): instructions with different numbers of images (Otter's collate stacks the images of a
batch, so a batch must agree), and instructions without images beside ones with images (an IMAGE_TEXT group
cannot take a text-only instruction).
"""

import base64
import io
import json
import os
import sys
from collections import Counter

import loomcheck
from loomcheck import IMAGE_PLACEHOLDER
from PIL import Image


def check_instructions(path, prefix, report):
    document = loomcheck.read_json(path, report)
    if document is None:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        report.add(path, None, 'must be an object with a "data" object (Otter reads ["data"])')
        return None
    meta = document.get("meta")
    if not isinstance(meta, dict) or any(key not in meta for key in ("version", "time", "author")):
        report.add(path, "meta", "`meta` must be an object with version, time and author")
    data = document["data"]
    for ins_id, ins in data.items():
        where = f"instruction {ins_id}"
        if not ins_id.startswith(f"{prefix}_INS_"):
            report.add(path, where, f"instruction id does not start with {prefix}_INS_")
        if not isinstance(ins, dict):
            report.add(path, where, "instruction must be an object")
            continue
        for field in ("instruction", "answer"):
            value = ins.get(field)
            if not isinstance(value, str) or not value.strip():
                report.add(path, where, f"`{field}` must be a non-empty string")
            elif IMAGE_PLACEHOLDER in value:
                report.add(path, where, f"literal {IMAGE_PLACEHOLDER} in `{field}`: Otter inserts its own image tokens")
        image_ids = ins.get("image_ids")
        if not isinstance(image_ids, list) or not all(isinstance(i, str) for i in image_ids):
            report.add(path, where, "`image_ids` must be a list of image ids")
            ins["image_ids"] = []
        else:
            for image_id in image_ids:
                if not image_id.startswith(f"{prefix}_IMG_"):
                    report.add(path, where, f"image id {image_id!r} does not start with {prefix}_IMG_")
        rel = ins.get("rel_ins_ids")
        if not isinstance(rel, list) or not all(isinstance(i, str) for i in rel):
            report.add(path, where, "`rel_ins_ids` must be a list of instruction ids")
        else:
            for other in rel:
                if other not in data:
                    report.add(path, where, f"rel_ins_id {other!r} is not an instruction")
    return data


def read_parquet_table(path, report):
    """The images table as Otter's main branch loads it: {id: base64}, or None after reporting why not."""
    import pandas as pd  # both come with datasets
    import pyarrow.parquet as pq

    try:
        frames = [batch.to_pandas() for batch in pq.ParquetFile(path).iter_batches(batch_size=1000)]
        images = pd.concat(frames) if frames else pd.read_parquet(path)
        documented = pd.read_parquet(path)
    except Exception as error:
        report.add(path, None, f"Otter cannot load the parquet table: {type(error).__name__}: {error}")
        return None
    if list(images.columns) != ["base64"]:
        report.add(path, None, f"the table's columns are {list(images.columns)}, not ['base64'] (the image id must be the index)")
        return None
    if not images.index.is_unique:
        report.add(path, None, "image ids repeat in the index: images.loc[id] would give several rows")
    if not images.equals(documented):
        report.add(path, None, "pd.read_parquet gives another table than Otter's batch-wise reading")
    table = {}
    for image_id, value in images["base64"].items():
        table[image_id] = value
    return table


def check_images(path, data, report):
    """Decodes every image Otter would load; returns (table size, referenced ids)."""
    table = read_parquet_table(path, report) if path.endswith(".parquet") else loomcheck.read_json(path, report)
    if table is None:
        return 0, set()
    if not isinstance(table, dict):
        report.add(path, None, "the images table must be an object of image id -> base64")
        return 0, set()
    referenced = set()
    for ins_id, ins in data.items():
        for image_id in ins.get("image_ids") or []:
            referenced.add(image_id)
            if image_id not in table:
                report.add(path, f"instruction {ins_id}", f"image id {image_id!r} is not in the images table")
    for image_id in sorted(referenced & set(table)):
        try:
            raw = loomcheck.decode_base64_both(table[image_id])
            with Image.open(io.BytesIO(raw)) as image:
                image.convert("RGB")
        except Exception as error:
            report.add(path, f"image {image_id}", f"Otter cannot load it: {error}")
    for image_id, value in table.items():
        if image_id not in referenced and not isinstance(value, str):
            report.add(path, f"image {image_id}", "value must be a base64 string")
    return len(table), referenced & set(table)


def check_parquet_route(path, referenced, report):
    """The docs' JSON -> parquet conversion and Otter main's lookup of each referenced image."""
    import pandas as pd  # both come with datasets
    import pyarrow.parquet as pq

    with open(path, "rb") as handle:
        table = json.loads(handle.read())
    parquet = os.path.join(loomcheck.WORK_DIR, "images.parquet")
    try:
        pd.DataFrame.from_dict(table, orient="index", columns=["base64"]).to_parquet(parquet, engine="pyarrow")
        frames = [batch.to_pandas() for batch in pq.ParquetFile(parquet).iter_batches(batch_size=1000)]
        images = pd.concat(frames)
    except Exception as error:
        report.add(path, None, f"the documented conversion to parquet fails: {type(error).__name__}: {error}")
        return
    for image_id in sorted(referenced):
        try:
            value = images.loc[image_id]["base64"]
            Image.open(io.BytesIO(base64.urlsafe_b64decode(value))).convert("RGB")
        except Exception as error:
            report.add(path, f"image {image_id}", f"Otter main cannot load it from the parquet table: {type(error).__name__}: {error}")


def check_train(path, data, report):
    train = loomcheck.read_json(path, report)
    if train is None:
        return {}
    if not isinstance(train, dict):
        report.add(path, None, "the train config must be an object of query id -> in-context example ids")
        return {}
    examples_of = {}
    for query, examples in train.items():
        where = f"query {query}"
        ins = data.get(query)
        if not isinstance(ins, dict) or "instruction" not in ins or "answer" not in ins:
            report.add(path, where, "query is not an instruction with instruction and answer: Otter exits")
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            report.add(path, where, "in-context examples must be a list of instruction ids")
            continue
        for example in examples:
            if example not in data:
                report.add(path, where, f"in-context example {example!r} is not an instruction (KeyError in Otter)")
        examples_of[query] = examples
    def record_of(instruction_id):
        entry = data.get(instruction_id)
        return entry.get("loom_id") if isinstance(entry, dict) else None

    for query, examples in examples_of.items():
        own = record_of(query)
        history = [e for e in examples if own is not None and record_of(e) == own]
        if history and (examples[-len(history):] != history or history != sorted(history) or history[-1] >= query):
            report.add(path, f"query {query}", "the record's earlier exchanges must close its examples, in order")
        for example in examples:
            if example == query:
                report.add(path, f"query {query}", "the query is its own in-context example")
            elif example in train and example not in history:
                report.add(path, f"query {query}", f"in-context example {example!r} is also a query")
    return train


def main(argv):
    if len(argv) not in (1, 2):
        loomcheck.fail_usage("usage: check_mimicit.py FOLDER [PREFIX]")
    folder = argv[0]
    prefix = argv[1] if len(argv) == 2 else "LM"
    report = loomcheck.Report()
    summary = {"folder": folder, "prefix": prefix}
    instructions_file = os.path.join(folder, f"{prefix}_instructions.json")
    images_file = os.path.join(folder, f"{prefix}.parquet")
    if not os.path.exists(images_file):
        images_file = os.path.join(folder, f"{prefix}.json")
    train_file = os.path.join(folder, f"{prefix}_train.json")

    data = check_instructions(instructions_file, prefix, report)
    if data is None:
        report.finish(summary)
    table_size, referenced = check_images(images_file, data, report)
    if report.ok and referenced and images_file.endswith(".json"):
        check_parquet_route(images_file, referenced, report)
    train = check_train(train_file, data, report)

    per_instruction = Counter(len(ins.get("image_ids") or []) for ins in data.values())
    if len(per_instruction) > 1:
        shares = ", ".join(f"{count} with {n}" for n, count in sorted(per_instruction.items()))
        report.warn(instructions_file, None, f"instructions differ in image count ({shares}): Otter batches only instructions with equal counts")

    summary.update({
        "instructions": len(data),
        "images": table_size,
        "queries": len(train),
        "in_context_examples": sum(len(v) for v in train.values() if isinstance(v, list)),
        "images_per_instruction": {str(n): c for n, c in sorted(per_instruction.items())},
    })
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
