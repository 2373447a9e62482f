"""Checks a WebDataset export of Loom: tar shards, the wids shard list and the per-shard sample index.

    python check_webdataset.py FOLDER EXPECTED_SAMPLES

FOLDER holds one or more shard lists: `shards.json` (unsplit) and/or `SPLIT-shards.json`, each naming its shards
(`00000.tar`, … or `SPLIT-00000.tar`, …). EXPECTED_SAMPLES is the total over all lists.

Rules and where they come from:

- webdataset (the installed `webdataset` package, `tariterators.py`): the shards are read with the real
  `webdataset.WebDataset(shards, shardshuffle=False)`. A member's key is its path up to the first "." of the
  file name and the rest is its extension (`base_plus_ext`), lower-cased; consecutive members with one key make
  a sample, so a sample's members must be contiguous, and an extension twice in one sample raises; names like
  `__x__` and non-regular members are skipped. Every sample must carry `KEY.json` (the record: `id`,
  `conversations` alternating human/gpt with one `<image>` per image, `images` naming `KEY.N.ext` members), and
  every image the record lists must be in the sample and decode with PIL as the format its extension names.
  Each list is also read whole with `.decode("pil")`, webdataset's own decoders: the record must come out a
  dict and every listed image a PIL image (the image handler keys on the last extension, so `0.png` works).
- Plain POSIX ustar (read with Python's `tarfile`): every header has magic "ustar\\0" and version "00", a valid
  checksum, type regular file, and an empty `prefix` field, since wids' memory-mapped reader
  (`wids/wids_mmtar.py`) takes the name from the 100-byte name field alone; no pax or GNU extension headers.
- wids shard list (webdataset's `wids/wids_specs.py`, not shipped in the installed package, so re-stated):
  `wids_version` is 1; `shardlist` is a non-empty list of `{"url", "nsamples"}`; relative urls resolve against
  the list's folder; `nsamples` must equal the shard's sample count (wids asserts it when it opens a shard).
- Loom's own layout: shards numbered from 00000 without gaps, each tar listed in exactly one shard list, a key
  never in two shards of one list, and `NNNNN.index.jsonl` with one line per sample, in order,
  `{"key", "id", "offset", "size"}`: offset of the sample's first header, size through its last member's padding.
"""

import json
import os
import re
import sys
import tarfile

import loomcheck
from loomcheck import IMAGE_PLACEHOLDER

BLOCK = 512
KEY_PATTERN = re.compile(r"^((?:.*/|)[^.]+)[.]([^/]*)$")  # webdataset's base_plus_ext
META_PATTERN = re.compile(r"__[^/]*__($|/)")  # tar_file_iterator's skip_meta
LIST_PATTERN = re.compile(r"^(?:(.+)-)?shards\.json$")


def split_name(name):
    """(key, extension) as webdataset groups a member, or (None, None) when it has no extension."""
    match = KEY_PATTERN.match(name)
    return (match.group(1), match.group(2).lower()) if match else (None, None)


def padded(size):
    return (size + BLOCK - 1) // BLOCK * BLOCK


def scan_tar(path, report):
    """The regular members of a tar as (name, header offset, size), checking it is plain ustar."""
    members = []
    try:
        handle = open(path, "rb")
    except OSError as error:
        report.add(path, None, f"cannot open: {error}")
        return None
    with handle:
        total = os.fstat(handle.fileno()).st_size
        offset = 0
        while True:
            handle.seek(offset)
            block = handle.read(BLOCK)
            if len(block) < BLOCK:
                report.add(path, f"offset {offset}", "archive ends without the two zero end-of-archive blocks")
                break
            if block == bytes(BLOCK):
                following = handle.read(BLOCK)
                if following != bytes(BLOCK):
                    report.add(path, f"offset {offset}", "a zero block not followed by a second one (end-of-archive needs two)")
                rest = handle.read()
                if rest.strip(b"\0"):
                    report.add(path, f"offset {offset}", "non-zero bytes after the end-of-archive blocks")
                break
            try:
                info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
            except tarfile.HeaderError as error:
                report.add(path, f"offset {offset}", f"Python tarfile rejects the header: {error}")
                return None
            where = f"member {info.name!r} at offset {offset}"
            if block[257:263] != b"ustar\0" or block[263:265] != b"00":
                kind = "GNU tar" if block[257:265] == b"ustar  \0" else "pre-POSIX (v7)"
                report.add(path, where, f"header is {kind}, not POSIX ustar (magic 'ustar\\0', version '00')")
            if info.type in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK):
                report.add(path, where, f"extension header of type {info.type!r}: not plain ustar")
            elif info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
                report.add(path, where, f"member of type {info.type!r} is not a regular file; webdataset skips it")
            if block[345:500].strip(b"\0"):
                report.add(path, where, "uses the ustar prefix field (name over 100 bytes): wids' reader sees only the last part")
            end = offset + BLOCK + padded(info.size)
            if end > total:
                report.add(path, where, "member data runs past the end of the file")
                return None
            if info.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
                members.append((info.name, offset, info.size))
            offset = end
    # Python's own reader must see the same members at the same offsets.
    try:
        with tarfile.open(path, "r:") as archive:
            seen = [(m.name, m.offset, m.size) for m in archive.getmembers() if m.isreg()]
            if any(m.pax_headers for m in archive.getmembers()):
                report.add(path, None, "pax headers present: not plain ustar")
    except tarfile.TarError as error:
        report.add(path, None, f"Python tarfile cannot read it as an uncompressed tar: {error}")
        return None
    if seen != members:
        report.add(path, None, "Python tarfile lists other members or offsets than the header walk")
    return members


def group_samples(path, members, report):
    """Samples as webdataset groups them: [(key, {ext: (name, offset, size)}, start, end)]."""
    samples = []
    done = set()
    for name, offset, size in members:
        if META_PATTERN.match(name) or ("/" not in name and name.startswith("__") and name.endswith("__")):
            report.add(path, f"member {name!r}", "webdataset skips names of the form __x__")
            continue
        key, ext = split_name(name)
        if key is None:
            report.add(path, f"member {name!r}", "no extension: webdataset ignores this file")
            continue
        end = offset + BLOCK + padded(size)
        if samples and samples[-1][0] == key:
            sample = samples[-1]
            if ext in sample[1]:
                report.add(path, f"sample {key!r}", f"extension {ext!r} twice in one sample: webdataset raises ValueError")
            sample[1][ext] = (name, offset, size)
            samples[-1] = (key, sample[1], sample[2], end)
            continue
        if key in done:
            report.add(path, f"sample {key!r}", "the key's members are not contiguous: webdataset reads two samples")
        done.add(key)
        samples.append((key, {ext: (name, offset, size)}, offset, end))
    return samples


def check_index(shard, samples, report, records):
    """NNNNN.index.jsonl: one line per sample in order, with key, id, offset and size."""
    index_file = shard[: -len(".tar")] + ".index.jsonl"
    if not os.path.isfile(index_file):
        report.add(index_file, None, "the shard's index file is missing")
        return
    lines = loomcheck.read_json_lines(index_file, report)
    if len(lines) != len(samples):
        report.add(index_file, None, f"{len(lines)} index lines for {len(samples)} samples in the shard")
    for (number, line), (key, _members, start, end) in zip(lines, samples):
        where = f"line {number}"
        if not isinstance(line, dict):
            report.add(index_file, where, "index line is not an object")
            continue
        if line.get("key") != key:
            report.add(index_file, where, f"key {line.get('key')!r}, but sample {number} of the shard is {key!r}")
            continue
        if line.get("offset") != start:
            report.add(index_file, where, f"offset {line.get('offset')!r}, but sample {key!r} starts at byte {start}")
        if line.get("size") != end - start:
            report.add(index_file, where, f"size {line.get('size')!r}, but sample {key!r} spans {end - start} bytes")
        record = records.get(key)
        if isinstance(record, dict) and line.get("id") != record.get("id"):
            report.add(index_file, where, f"id {line.get('id')!r}, but the sample's record has id {record.get('id')!r}")


def check_record(shard, key, sample, report, counts):
    """The sample's JSON record and the images it lists, as webdataset hands them over; returns the record."""
    where = f"sample {key!r}"
    if "json" not in sample:
        report.add(shard, where, f"no {key}.json member")
        return None
    try:
        record = json.loads(sample["json"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        report.add(shard, where, f"{key}.json is not valid JSON: {error}")
        return None
    if not isinstance(record, dict):
        report.add(shard, where, f"{key}.json is not an object")
        return None
    if not isinstance(record.get("id"), str) or not record.get("id"):
        report.add(shard, where, "the record needs a non-empty string `id`")
    images = record.get("images")
    if not isinstance(images, list) or not all(isinstance(name, str) for name in images):
        report.add(shard, where, "the record's `images` must be a list of member names")
        images = []
    listed = {"json"}
    for name in images:
        if not name.startswith(key + "."):
            report.add(shard, where, f"listed image {name!r} does not carry the sample key {key!r}")
            continue
        ext = name[len(key) + 1:].lower()
        listed.add(ext)
        if ext not in sample:
            report.add(shard, where, f"listed image {name!r} is not in the sample (webdataset sees {sorted(k for k in sample if not k.startswith('__'))})")
            continue
        expected = loomcheck.EXTENSION_FORMATS.get(os.path.splitext(name)[1].lower())
        try:
            found, _ = loomcheck.decode_image(sample[ext])
        except Exception as error:
            report.add(shard, where, f"image {name!r} does not decode with PIL: {error}")
            continue
        if found != expected:
            report.add(shard, where, f"image {name!r} holds {found} data but its extension says {expected}")
        counts["images"] += 1
    for ext in sample:
        if not ext.startswith("__") and ext not in listed:
            report.warn(shard, where, f"member {key}.{ext} is not listed in the record")
    turns = record.get("conversations")
    if not isinstance(turns, list) or not turns or not all(isinstance(t, dict) for t in turns):
        report.add(shard, where, "the record's `conversations` must be a non-empty list of turns")
        return record
    texts = [turn.get("value") for turn in turns]
    if not all(isinstance(text, str) for text in texts):
        report.add(shard, where, "every turn needs a string `value`")
        return record
    problem = loomcheck.alternation_problem([turn.get("from") for turn in turns], "human", "gpt")
    if problem:
        report.add(shard, where, f"`conversations`: {problem}")
    placeholders = sum(text.count(IMAGE_PLACEHOLDER) for text in texts)
    if placeholders != len(images):
        report.add(shard, where, f"{placeholders} {IMAGE_PLACEHOLDER} placeholder(s) for {len(images)} image(s)")
    return record


def decoded_pass(folder, list_name, shards, report, webdataset):
    """Reads all shards of a list with `.decode("pil")`: the record must come out a dict, its images PIL images."""
    from PIL import Image

    list_file = os.path.join(folder, list_name)
    count = 0
    try:
        stream = webdataset.WebDataset([path for path, _ in shards], shardshuffle=False, empty_check=False).decode("pil")
        for sample in stream:
            count += 1
            key, record = sample["__key__"], sample.get("json")
            if not isinstance(record, dict):
                continue  # already reported by the per-shard pass
            for name in record.get("images") or []:
                ext = name[len(key) + 1:].lower() if isinstance(name, str) and name.startswith(key + ".") else None
                if ext in sample and not isinstance(sample[ext], Image.Image):
                    report.add(sample["__url__"], f"sample {key!r}", f'.decode("pil") leaves {name!r} undecoded ({type(sample[ext]).__name__})')
    except Exception as error:
        report.add(list_file, None, f'webdataset.WebDataset(...).decode("pil") fails: {type(error).__name__}: {error}')
    return count


def read_shard_list(folder, list_name, report):
    """The shard paths of one wids shard list, checked against the wids rules and Loom's numbering."""
    list_file = os.path.join(folder, list_name)
    spec = loomcheck.read_json(list_file, report)
    if spec is None:
        return None
    if not isinstance(spec, dict):
        report.add(list_file, None, "the shard list must be an object")
        return None
    if spec.get("wids_version") != 1:
        report.add(list_file, "wids_version", f"must be 1 (wids asserts it), got {spec.get('wids_version')!r}")
    shardlist = spec.get("shardlist")
    if not isinstance(shardlist, list) or not shardlist:
        report.add(list_file, "shardlist", "must be a non-empty list (wids: 'No shards found')")
        return None
    prefix = LIST_PATTERN.match(list_name).group(1)
    shards = []
    for position, entry in enumerate(shardlist):
        where = f"shardlist[{position}]"
        if not isinstance(entry, dict) or "url" not in entry or "nsamples" not in entry:
            report.add(list_file, where, "each shard needs `url` and `nsamples`")
            continue
        url, nsamples = entry["url"], entry["nsamples"]
        if not isinstance(nsamples, int) or isinstance(nsamples, bool) or nsamples < 0:
            report.add(list_file, where, f"`nsamples` must be a count, got {nsamples!r}")
            nsamples = None
        if not isinstance(url, str) or os.path.isabs(url) or "://" in url:
            report.add(list_file, where, f"`url` must be a path relative to the list's folder, got {url!r}")
            continue
        wanted = f"{prefix + '-' if prefix else ''}{position:05d}.tar"
        if url != wanted:
            report.add(list_file, where, f"shard {url!r} where {wanted!r} was expected (numbered from 00000, no gaps)")
        path = os.path.normpath(os.path.join(folder, url))
        if not os.path.isfile(path):
            report.add(list_file, where, f"shard {url!r} does not exist")
            continue
        shards.append((path, nsamples))
    return shards


def main(argv):
    if len(argv) != 2:
        loomcheck.fail_usage("usage: check_webdataset.py FOLDER EXPECTED_SAMPLES")
    folder = os.path.abspath(argv[0])
    try:
        expected = int(argv[1])
    except ValueError:
        loomcheck.fail_usage(f"EXPECTED_SAMPLES must be an integer, got {argv[1]!r}")
    report = loomcheck.Report()
    summary = {"folder": argv[0]}
    if not os.path.isdir(folder):
        report.add(folder, None, "folder is missing")
        report.finish(summary)
    lists = sorted(name for name in os.listdir(folder) if LIST_PATTERN.match(name))
    if not lists:
        report.add(folder, None, "no shards.json (or SPLIT-shards.json) shard list")
        report.finish(summary)

    import webdataset

    listed_tars = set()
    total = 0
    counts = {"images": 0}
    per_list = {}
    for list_name in lists:
        shards = read_shard_list(folder, list_name, report)
        if not shards:
            continue
        keys_seen = {}
        for path, nsamples in shards:
            if path in listed_tars:
                report.add(os.path.join(folder, list_name), None, f"shard {os.path.basename(path)} is listed twice")
            listed_tars.add(path)
            members = scan_tar(path, report)
            if members is None:
                continue
            samples = group_samples(path, members, report)
            if nsamples is not None and nsamples != len(samples):
                report.add(os.path.join(folder, list_name), os.path.basename(path), f"nsamples {nsamples}, but the shard holds {len(samples)} samples (wids asserts they match)")
            for key, *_ in samples:
                if key in keys_seen and keys_seen[key] != path:
                    report.add(path, f"sample {key!r}", f"key also in {os.path.basename(keys_seen[key])}: a sample spans two shards")
                keys_seen[key] = path
            shard_records = {}
            # Read the shard the way a consumer does, then hold the index against the records it gave.
            try:
                stream = webdataset.WebDataset([path], shardshuffle=False, empty_check=False)
                yielded = []
                for sample in stream:
                    key = sample["__key__"]
                    yielded.append(key)
                    shard_records[key] = check_record(path, key, sample, report, counts)
            except Exception as error:
                report.add(path, None, f"webdataset.WebDataset fails reading it: {type(error).__name__}: {error}")
                continue
            if yielded != [key for key, *_ in samples]:
                report.add(path, None, "webdataset yields other samples than the tar's members group into")
            check_index(path, samples, report, shard_records)
        # The whole list through one WebDataset with webdataset's own decoders, as a trainer would open it.
        count = decoded_pass(folder, list_name, shards, report, webdataset)
        per_list[list_name] = {"shards": len(shards), "samples": count}
        total += count

    for name in sorted(os.listdir(folder)):
        if name.endswith(".tar") and os.path.join(folder, name) not in listed_tars:
            report.add(os.path.join(folder, name), None, "tar file not listed in any shard list")
    if total != expected:
        report.add(folder, None, f"{total} samples in all shards, expected {expected}")
    summary.update({"lists": per_list, "samples": total, "images": counts["images"]})
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
