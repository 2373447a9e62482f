"""Self-test of the consumer checkers: each must accept a valid export and reject a broken one, saying why.

    python selftest.py [--keep DIR]

Writes small hand-made exports of every layout (tiny images drawn with PIL) into a temporary folder (or DIR,
kept for inspection), runs each checker on the valid export and on broken variants of it, and asserts the
exit code and, for broken ones, a phrase of the violation message. Ends with 'N passed, M failed'.
Run it with the consumer venv's python (scripts/consumer-venv.sh prints it).
"""

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
COLORS = ["red", "green", "blue", "orange", "purple"]


# ---------------------------------------------------------------- small helpers


def image_bytes(index, form="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (8 + index, 6 + index), COLORS[index % len(COLORS)]).save(buffer, form)
    return buffer.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as handle:
        handle.write(data)


def write_json(path, value):
    write(path, json.dumps(value, indent=1))


def write_jsonl(path, rows):
    write(path, "".join(json.dumps(row) + "\n" for row in rows))


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


def read_jsonl(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def copy_variant(source, root, name):
    target = os.path.join(root, name)
    shutil.copytree(source, target)
    return target


def write_images(folder, count):
    paths = []
    for index in range(count):
        relative = f"images/img{index}.png"
        write(os.path.join(folder, relative), image_bytes(index))
        paths.append(relative)
    return paths


# Three records: one single-image, one two-image multi-turn, one text-only (formats that allow it).
TURNS = [
    [("user", "<image>\nWhat colour is the square?"), ("assistant", "Red.")],
    [("user", "Image 1: <image>\nImage 2: <image>\nAre the two squares the same colour?"), ("assistant", "No."),
     ("user", "Which one is larger?"), ("assistant", "The second.")],
    [("user", "Name a primary colour."), ("assistant", "Blue.")],
]
IMAGES_OF = [[0], [1, 2], []]


def sharegpt(turns):
    return [{"from": "human" if role == "user" else "gpt", "value": text} for role, text in turns]


def role_content(turns):
    return [{"role": role, "content": text} for role, text in turns]


def parts(text):
    """A user turn cut at its placeholders into typed parts, as Loom's TRL and OpenAI sinks do."""
    out = []
    pieces = text.split("<image>")
    for index, piece in enumerate(pieces):
        if piece.strip():
            out.append(("text", piece.strip()))
        if index < len(pieces) - 1:
            out.append(("image", None))
    return out


# ---------------------------------------------------------------- valid exports


def make_llava(folder):
    paths = write_images(folder, 1)
    rows = [
        {"id": "r0", "image": paths[0], "conversations": sharegpt(TURNS[0])},
        {"id": "r2", "conversations": sharegpt(TURNS[2])},
    ]
    write_json(os.path.join(folder, "data.json"), rows)


def make_mantis(folder):
    paths = write_images(folder, 3)
    rows = [{"id": f"r{i}", "images": [paths[j] for j in IMAGES_OF[i]], "conversations": sharegpt(TURNS[i])} for i in range(2)]
    write_json(os.path.join(folder, "data.json"), rows)


def make_mantis_hf(folder):
    paths = write_images(folder, 3)
    rows = [
        {"id": f"r{i}", "images": [{"bytes": None, "path": paths[j]} for j in IMAGES_OF[i]], "conversation": role_content(TURNS[i])}
        for i in range(2)
    ]
    write_jsonl(os.path.join(folder, "data.jsonl"), rows)
    write(os.path.join(folder, "README.md"), LOADER_CARD)


def make_llamafactory(folder):
    paths = write_images(folder, 3)
    rows = [{"messages": role_content(TURNS[i]), "images": [paths[j] for j in IMAGES_OF[i]]} for i in range(3)]
    write_json(os.path.join(folder, "train.json"), rows[:2])
    write_json(os.path.join(folder, "validation.json"), rows[2:])
    entry = {
        "formatting": "sharegpt",
        "columns": {"messages": "messages", "images": "images"},
        "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"},
    }
    write_json(os.path.join(folder, "dataset_info.json"), {
        "loom_train": dict(entry, file_name="train.json"),
        "loom_validation": dict(entry, file_name="validation.json"),
    })


def make_trl(folder):
    paths = write_images(folder, 3)
    rows = []
    for i in range(3):
        messages = []
        for role, text in TURNS[i]:
            content = [{"type": "image"} if kind == "image" else {"type": "text", "text": value} for kind, value in parts(text)]
            messages.append({"role": role, "content": content})
        rows.append({"images": [paths[j] for j in IMAGES_OF[i]], "messages": messages})
    write_jsonl(os.path.join(folder, "data.jsonl"), rows)
    write(os.path.join(folder, "README.md"), LOADER_CARD)


def data_url(index, form="PNG", mime="image/png"):
    return f"data:{mime};base64," + base64.b64encode(image_bytes(index, form)).decode()


def make_openai(folder):
    rows = []
    for i in range(3):
        images = iter(IMAGES_OF[i])
        messages = []
        for role, text in TURNS[i]:
            if role == "assistant":
                messages.append({"role": role, "content": text})
                continue
            content = []
            for kind, value in parts(text):
                if kind == "image":
                    content.append({"type": "image_url", "image_url": {"url": data_url(next(images))}})
                else:
                    content.append({"type": "text", "text": value})
            messages.append({"role": role, "content": content})
        rows.append({"messages": messages})
    rows[1]["messages"][0]["content"][1]["image_url"]["url"] = data_url(1, "JPEG", "image/jpeg")
    write_jsonl(os.path.join(folder, "data.jsonl"), rows)


# What Loom writes beside a JSON Lines export so that `load_dataset(FOLDER)` reads its rows.
LOADER_CARD = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data.jsonl
---
"""

HF_CARD = """---
license: cc-by-4.0
pretty_name: Selftest
language:
- en
task_categories:
- visual-question-answering
size_categories:
- n<1K
dataset_info:
  features:
  - name: id
    dtype: string
  - name: images
    list: string
  - name: messages
    list:
    - name: role
      dtype: string
    - name: content
      dtype: string
  - name: question_type
    dtype: string
  - name: domain
    dtype: string
  - name: skill
    dtype: string
  - name: language
    dtype: string
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.jsonl
  - split: validation
    path: data/validation.jsonl
---

# Selftest

A tiny dataset for the checker self-test.
"""


def make_hf(folder):
    paths = write_images(folder, 3)
    rows = [
        {"id": f"r{i}", "images": [paths[j] for j in IMAGES_OF[i]], "messages": role_content(TURNS[i]),
         "question_type": "short_vqa", "domain": "shapes", "skill": "comparison" if i == 1 else None, "language": "en"}
        for i in range(3)
    ]
    write_jsonl(os.path.join(folder, "data", "train.jsonl"), rows[:2])
    write_jsonl(os.path.join(folder, "data", "validation.jsonl"), rows[2:])
    write(os.path.join(folder, "README.md"), HF_CARD)


def tar_member(archive, name, data, form=tarfile.USTAR_FORMAT):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def write_shards(folder, shards, form=tarfile.USTAR_FORMAT, prefix=""):
    """shards: list of lists of (key, record, [(name, bytes)]); writes tars, indexes and the shard list."""
    shardlist = []
    for number, samples in enumerate(shards):
        name = f"{prefix}{number:05d}"
        index = []
        offset = 0
        with tarfile.open(os.path.join(folder, f"{name}.tar"), "w", format=form) as archive:
            for key, record, files in samples:
                start = offset
                members = [(f"{key}.json", json.dumps(record).encode())] + files
                for member, data in members:
                    tar_member(archive, member, data)
                    offset += 512 + (len(data) + 511) // 512 * 512
                index.append({"key": key, "id": record["id"], "offset": start, "size": offset - start})
        write_jsonl(os.path.join(folder, f"{name}.index.jsonl"), index)
        shardlist.append({"url": f"{name}.tar", "nsamples": len(samples)})
    write_json(os.path.join(folder, f"{prefix}shards.json"), {"wids_version": 1, "shardlist": shardlist})


def webdataset_samples():
    samples = []
    for i in range(3):
        key = f"{i:09d}"
        names = [f"{key}.{n}.png" for n in range(len(IMAGES_OF[i]))]
        record = {"id": f"r{i}", "images": names, "conversations": sharegpt(TURNS[i]), "question_type": "short_vqa"}
        files = [(name, image_bytes(j)) for name, j in zip(names, IMAGES_OF[i])]
        samples.append((key, record, files))
    return samples


def make_webdataset(folder, form=tarfile.USTAR_FORMAT):
    os.makedirs(folder, exist_ok=True)
    samples = webdataset_samples()
    write_shards(folder, [samples[:2], samples[2:]], form)


def make_mimicit(folder, prefix="LM"):
    os.makedirs(folder, exist_ok=True)
    data, images, train = {}, {}, {}
    number = 0
    for i in range(2):
        image_ids = [f"{prefix}_IMG_{j}" for j in IMAGES_OF[i]]
        for j in IMAGES_OF[i]:
            images[f"{prefix}_IMG_{j}"] = base64.b64encode(image_bytes(j)).decode()
        ids = []
        turns = TURNS[i]
        for start in range(0, len(turns), 2):
            number += 1
            ins_id = f"{prefix}_INS_{number:06d}"
            ids.append(ins_id)
            question = turns[start][1].replace("<image>", "").strip()
            data[ins_id] = {"instruction": question, "answer": turns[start + 1][1], "image_ids": image_ids, "rel_ins_ids": []}
        for ins_id in ids:
            data[ins_id]["rel_ins_ids"] = [other for other in ids if other != ins_id]
        examples = ids[-min(3, len(ids) // 2):] if len(ids) >= 2 else []
        for ins_id in ids:
            if ins_id not in examples:
                train[ins_id] = examples
    write_json(os.path.join(folder, f"{prefix}_instructions.json"),
               {"meta": {"version": "loom-selftest", "time": "2025-01-01T00:00:00Z", "author": "loom"}, "data": data})
    write_json(os.path.join(folder, f"{prefix}.json"), images)
    write_json(os.path.join(folder, f"{prefix}_train.json"), train)


# ---------------------------------------------------------------- broken variants


def edit_json(path, change):
    value = read_json(path)
    change(value)
    write_json(path, value)


def json_table_to_parquet(folder, index_from=None):
    """Replaces LM.json by LM.parquet as pandas writes it (index = image id, column base64); `index_from`
    changes the index to that column instead (a table whose ids are not the index)."""
    import pandas as pd

    table = read_json(f"{folder}/LM.json")
    frame = pd.DataFrame.from_dict(table, orient="index", columns=["base64"])
    if index_from:
        frame = frame.reset_index(names="image_id")
    frame.to_parquet(f"{folder}/LM.parquet", engine="pyarrow")
    os.remove(f"{folder}/LM.json")


def edit_jsonl(path, change):
    rows = read_jsonl(path)
    change(rows)
    write_jsonl(path, rows)


def set_at(container, keys, value):
    for key in keys[:-1]:
        container = container[key]
    container[keys[-1]] = value


def build(root):
    """Makes every export and its broken variants; returns the list of test cases."""
    cases = []

    def case(name, script, args, fragment=None):
        cases.append((name, script, args, fragment))

    def variant(source, name, change):
        folder = copy_variant(source, root, name)
        change(folder)
        return folder

    # llava
    llava = os.path.join(root, "llava")
    make_llava(llava)
    case("llava valid", "check_json_export.py", ["llava", f"{llava}/data.json", "2"])
    broken = variant(llava, "llava-second-turn-image", lambda f: edit_json(f"{f}/data.json", lambda rows: set_at(rows, [0, "conversations"], sharegpt([("user", "What colour?"), ("assistant", "<image> Red.")]))))
    case("llava <image> outside the first turn", "check_json_export.py", ["llava", f"{broken}/data.json", "2"], "exactly once, in the first human turn")
    broken = variant(llava, "llava-missing-image", lambda f: os.remove(f"{f}/images/img0.png"))
    case("llava missing image file", "check_json_export.py", ["llava", f"{broken}/data.json", "2"], "does not exist")
    case("llava wrong row count", "check_json_export.py", ["llava", f"{llava}/data.json", "3"], "2 rows loaded, expected 3")

    # mantis
    mantis = os.path.join(root, "mantis")
    make_mantis(mantis)
    case("mantis valid (export rules)", "check_json_export.py", ["mantis", f"{mantis}/data.json", "2"])
    case("mantis valid (Mantis loader)", "check_mantis.py", [f"{mantis}/data.json"])
    broken = variant(mantis, "mantis-extra-placeholder", lambda f: edit_json(f"{f}/data.json", lambda rows: set_at(rows, [0, "conversations", 0, "value"], "<image><image> Two?")))
    case("mantis more <image> than images (export)", "check_json_export.py", ["mantis", f"{broken}/data.json", "2"], "they must be equal")
    case("mantis more <image> than images (loader)", "check_mantis.py", [f"{broken}/data.json"], "more placeholders than images")
    broken = variant(mantis, "mantis-out-of-turn", lambda f: edit_json(f"{f}/data.json", lambda rows: set_at(rows, [1, "conversations", 2, "from"], "gpt")))
    case("mantis roles out of turn (loader)", "check_mantis.py", [f"{broken}/data.json"], "asserts user/assistant alternation")
    broken = variant(mantis, "mantis-mixed-turn-keys", lambda f: edit_json(f"{f}/data.json", lambda rows: set_at(rows, [1, "conversations"], role_content(TURNS[1]))))
    case("mantis from/value mixed with role/content (loader)", "check_mantis.py", [f"{broken}/data.json"], "KeyError")
    broken = variant(mantis, "mantis-first-empty", lambda f: edit_json(f"{f}/data.json", lambda rows: rows.insert(0, {"id": "t", "images": [], "conversations": sharegpt(TURNS[2])})))
    case("mantis first record without images (loader)", "check_mantis.py", [f"{broken}/data.json"], "IndexError")

    # mantis-hf
    mantis_hf = os.path.join(root, "mantis-hf")
    make_mantis_hf(mantis_hf)
    case("mantis-hf valid (export rules)", "check_json_export.py", ["mantis-hf", f"{mantis_hf}/data.jsonl", "2"])
    case("mantis-hf valid (Mantis loader)", "check_mantis.py", [f"{mantis_hf}/data.jsonl"])
    broken = variant(mantis_hf, "mantis-hf-bad-role", lambda f: edit_jsonl(f"{f}/data.jsonl", lambda rows: set_at(rows, [0, "conversation", 1, "role"], "system")))
    case("mantis-hf unknown role (export)", "check_json_export.py", ["mantis-hf", f"{broken}/data.jsonl", "2"], "where 'assistant' was expected")
    case("mantis-hf unknown role (loader)", "check_mantis.py", [f"{broken}/data.jsonl"], "KeyError")

    # llamafactory
    factory = os.path.join(root, "llamafactory")
    make_llamafactory(factory)
    case("llamafactory valid (file)", "check_json_export.py", ["llamafactory", f"{factory}/train.json", "2"])
    case("llamafactory valid (dataset_info)", "check_llamafactory.py", [factory])
    broken = variant(factory, "llamafactory-odd", lambda f: edit_json(f"{f}/train.json", lambda rows: rows[1]["messages"].pop()))
    case("llamafactory odd message count", "check_llamafactory.py", [broken], "Invalid message count")
    broken = variant(factory, "llamafactory-images", lambda f: edit_json(f"{f}/validation.json", lambda rows: set_at(rows, [0, "images"], ["images/img0.png"])))
    case("llamafactory images without <image>", "check_llamafactory.py", [broken], "mm_plugin raises ValueError")
    broken = variant(factory, "llamafactory-split", lambda f: edit_json(f"{f}/dataset_info.json", lambda info: set_at(info, ["loom_validation", "split"], "validation")))
    case("llamafactory entry with split=validation", "check_llamafactory.py", [broken], "datasets.load_dataset")
    broken = variant(factory, "llamafactory-system", lambda f: edit_json(f"{f}/train.json", lambda rows: rows[0]["messages"].insert(0, {"role": "system", "content": "Be brief."})))
    case("llamafactory system turn without system_tag", "check_llamafactory.py", [broken], "Invalid role tag")

    # trl
    trl = os.path.join(root, "trl")
    make_trl(trl)
    case("trl valid", "check_json_export.py", ["trl", f"{trl}/data.jsonl", "3"])
    broken = variant(trl, "trl-literal", lambda f: edit_jsonl(f"{f}/data.jsonl", lambda rows: set_at(rows, [0, "messages", 0, "content"], [{"type": "text", "text": "<image> What colour?"}])))
    case("trl literal <image> left", "check_json_export.py", ["trl", f"{broken}/data.jsonl", "3"], "literal <image> left")
    broken = variant(trl, "trl-no-card", lambda f: os.remove(f"{f}/README.md"))
    case("trl folder without its README configs", "check_json_export.py", ["trl", f"{broken}/data.jsonl", "3"], "columns ['image']")

    # openai
    openai = os.path.join(root, "openai")
    make_openai(openai)
    case("openai valid", "check_json_export.py", ["openai", f"{openai}/data.jsonl", "3"])
    broken = variant(openai, "openai-mime", lambda f: edit_jsonl(f"{f}/data.jsonl", lambda rows: set_at(rows, [0, "messages", 0, "content", 0, "image_url", "url"], data_url(0, "JPEG", "image/png"))))
    case("openai MIME type does not match", "check_json_export.py", ["openai", f"{broken}/data.jsonl", "3"], "says image/png but the image is JPEG")
    broken = variant(openai, "openai-base64", lambda f: edit_jsonl(f"{f}/data.jsonl", lambda rows: set_at(rows, [0, "messages", 0, "content", 0, "image_url", "url"], "data:image/png;base64,@@not-base64@@")))
    case("openai payload not base64", "check_json_export.py", ["openai", f"{broken}/data.jsonl", "3"], "not standard base64")

    # hf
    hf = os.path.join(root, "hf")
    make_hf(hf)
    case("hf valid (folder)", "check_hf_folder.py", [hf, '{"train": 2, "validation": 1}'])
    case("hf valid (split file)", "check_json_export.py", ["hf", f"{hf}/data/train.jsonl", "2"])
    case("hf wrong split counts", "check_hf_folder.py", [hf, '{"train": 3}'], "expected ['train']")
    broken = variant(hf, "hf-card", lambda f: write(f"{f}/README.md", HF_CARD.replace("license: cc-by-4.0\n", "").replace("n<1K", "1K<n<10K")))
    case("hf card without license, wrong size bucket", "check_hf_folder.py", [broken, '{"train": 2, "validation": 1}'], "the Hub's bucket is 'n<1K'")
    broken = variant(hf, "hf-no-features", lambda f: write(f"{f}/README.md", HF_CARD.split("dataset_info:")[0] + "configs:" + HF_CARD.split("configs:")[1]))
    case("hf card without features", "check_hf_folder.py", [broken, '{"train": 2, "validation": 1}'], "no `features` declared")
    broken = variant(hf, "hf-placeholder", lambda f: edit_jsonl(f"{f}/data/validation.jsonl", lambda rows: set_at(rows, [0, "images"], ["images/img2.png"])))
    case("hf image without <image>", "check_hf_folder.py", [broken, '{"train": 2, "validation": 1}'], "they must be equal")

    # webdataset
    wds = os.path.join(root, "webdataset")
    make_webdataset(wds)
    case("webdataset valid", "check_webdataset.py", [wds, "3"])
    split = os.path.join(root, "webdataset-splits")
    os.makedirs(split)
    samples = webdataset_samples()
    write_shards(split, [samples[:1], samples[1:2]], prefix="train-")
    write_shards(split, [samples[2:]], prefix="validation-")
    case("webdataset valid, split shard lists", "check_webdataset.py", [split, "3"])
    gnu = os.path.join(root, "webdataset-gnu")
    make_webdataset(gnu, tarfile.GNU_FORMAT)
    case("webdataset GNU tar", "check_webdataset.py", [gnu, "3"], "not POSIX ustar")

    def split_sample(folder):
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        samples = webdataset_samples()
        key, record, files = samples[1]
        write_shards(folder, [[samples[0], (key, record, files[:1])], [(key, {"id": "r1b", "images": [], "conversations": sharegpt(TURNS[2])}, files[1:]), samples[2]]])

    broken = variant(wds, "webdataset-split-sample", split_sample)
    case("webdataset sample across two shards", "check_webdataset.py", [broken, "4"], "a sample spans two shards")
    broken = variant(wds, "webdataset-index", lambda f: edit_jsonl(f"{f}/00000.index.jsonl", lambda rows: set_at(rows, [1, "offset"], rows[1]["offset"] + 512)))
    case("webdataset index offset wrong", "check_webdataset.py", [broken, "3"], "starts at byte")
    broken = variant(wds, "webdataset-nsamples", lambda f: edit_json(f"{f}/shards.json", lambda spec: set_at(spec, ["shardlist", 0, "nsamples"], 5)))
    case("webdataset nsamples wrong", "check_webdataset.py", [broken, "3"], "wids asserts they match")
    case("webdataset wrong total", "check_webdataset.py", [wds, "4"], "expected 4")

    # mimicit
    mimic = os.path.join(root, "mimicit")
    make_mimicit(mimic)
    case("mimicit valid", "check_mimicit.py", [mimic, "LM"])
    broken = variant(mimic, "mimicit-missing-image", lambda f: edit_json(f"{f}/LM.json", lambda table: table.pop("LM_IMG_1")))
    case("mimicit missing image id", "check_mimicit.py", [broken, "LM"], "not in the images table")
    broken = variant(mimic, "mimicit-query-example", lambda f: edit_json(f"{f}/LM_train.json", lambda train: train.update({"LM_INS_000003": ["LM_INS_000002"]})))
    case("mimicit query also an example", "check_mimicit.py", [broken, "LM"], "is also a query")
    broken = variant(mimic, "mimicit-urlsafe", lambda f: edit_json(f"{f}/LM.json", lambda table: table.update({"LM_IMG_0": base64.urlsafe_b64encode(b"\xfb\xff" * 40 + image_bytes(0)).decode()})))
    case("mimicit URL-safe-only base64", "check_mimicit.py", [broken, "LM"], "standard base64 decoder rejects it")
    broken = variant(mimic, "mimicit-placeholder", lambda f: edit_json(f"{f}/LM_instructions.json", lambda doc: set_at(doc, ["data", "LM_INS_000001", "instruction"], "<image> What colour?")))
    case("mimicit literal <image>", "check_mimicit.py", [broken, "LM"], "Otter inserts its own image tokens")
    parquet = variant(mimic, "mimicit-parquet", json_table_to_parquet)
    case("mimicit parquet images table", "check_mimicit.py", [parquet, "LM"])
    broken = variant(mimic, "mimicit-parquet-columns", lambda f: json_table_to_parquet(f, index_from="image_id"))
    case("mimicit parquet ids not the index", "check_mimicit.py", [broken, "LM"], "the image id must be the index")
    return cases


def run(cases):
    passed = failed = 0
    for name, script, args, fragment in cases:
        result = subprocess.run([sys.executable, os.path.join(HERE, script), *args], capture_output=True, text=True)
        expect_ok = fragment is None
        problems = []
        if expect_ok:
            if result.returncode != 0:
                problems.append(f"exit {result.returncode}, expected 0")
            else:
                try:
                    summary = json.loads(result.stdout.strip().splitlines()[-1])
                    if summary.get("ok") is not True:
                        problems.append(f"summary not ok: {summary}")
                except (ValueError, IndexError):
                    problems.append(f"last stdout line is not a JSON summary: {result.stdout!r}")
        else:
            if result.returncode != 1:
                problems.append(f"exit {result.returncode}, expected 1")
            if fragment not in result.stderr:
                problems.append(f"stderr lacks {fragment!r}")
        if problems:
            failed += 1
            print(f"FAIL {name}: {'; '.join(problems)}")
            print("  stdout: " + result.stdout.strip().replace("\n", "\n          "))
            print("  stderr: " + result.stderr.strip().replace("\n", "\n          "))
        else:
            passed += 1
            lines = result.stderr.strip().splitlines()
            first = next((line for line in lines if not line.startswith("warning:")), "")
            detail = result.stdout.strip().splitlines()[-1] if expect_ok else first
            print(f"ok   {name}: {detail[:160]}")
    return passed, failed


def main(argv):
    keep = None
    if argv[:1] == ["--keep"] and len(argv) == 2:
        keep = os.path.abspath(argv[1])
        if os.path.exists(keep):
            shutil.rmtree(keep)
        os.makedirs(keep)
    elif argv:
        print("usage: selftest.py [--keep DIR]", file=sys.stderr)
        return 2
    root = keep or tempfile.mkdtemp(prefix="loom-consumer-selftest-")
    try:
        passed, failed = run(build(root))
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
