"""Shared helpers for the consumer checkers in this folder.

Importing this module first puts the Hugging Face libraries offline and gives them a throwaway home
(HF_HOME, caches) under a temporary folder removed at exit, so a check never touches the network or the
user's own cache. The checkers import `datasets` / `huggingface_hub` only after importing this module.

A checker collects violations in a `Report` (file, record, rule) and ends with `report.finish(summary)`:
exit 0 and one JSON line `{"ok": true, ...}` on stdout when nothing was found, otherwise exit 1 with the
violations on stderr (the first 20, then a count of the rest) and `{"ok": false, ...}` on stdout.
"""

import atexit
import base64
import io
import json
import os
import shutil
import sys
import tempfile
import warnings

WORK_DIR = tempfile.mkdtemp(prefix="loomcheck-")
atexit.register(shutil.rmtree, WORK_DIR, ignore_errors=True)

os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HOME"] = os.path.join(WORK_DIR, "hf-home")
os.environ["HF_DATASETS_CACHE"] = os.path.join(WORK_DIR, "hf-home", "datasets")
os.environ["HF_HUB_CACHE"] = os.path.join(WORK_DIR, "hf-home", "hub")
os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"] = "1"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["TQDM_DISABLE"] = "1"

# The cache_dir every datasets.load_dataset call of a checker uses.
CACHE_DIR = os.path.join(WORK_DIR, "datasets-cache")

IMAGE_PLACEHOLDER = "<image>"
VIDEO_PLACEHOLDER = "<video>"
AUDIO_PLACEHOLDER = "<audio>"

MAX_SHOWN = 20

# PIL's format name for each image file extension the exports use.
EXTENSION_FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".webp": "WEBP",
    ".gif": "GIF",
}


def quiet_datasets():
    """Imports `datasets` with its progress bars and info logging off, and returns the module."""
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    warnings.filterwarnings("ignore", category=UserWarning)
    return datasets


class Report:
    """Violations found by one checker, each naming the file, the record and the rule broken."""

    def __init__(self):
        self.violations = []
        self.warnings = []

    def add(self, file, record, rule):
        self.violations.append((str(file), str(record) if record is not None else "-", rule))

    def warn(self, file, record, note):
        self.warnings.append((str(file), str(record) if record is not None else "-", note))

    @property
    def ok(self):
        return not self.violations

    def finish(self, summary):
        """Prints the outcome and exits: 0 with a JSON summary when clean, 1 with the violations otherwise."""
        for file, record, note in self.warnings[:MAX_SHOWN]:
            print(f"warning: {file}: {record}: {note}", file=sys.stderr)
        if len(self.warnings) > MAX_SHOWN:
            print(f"warning: ... and {len(self.warnings) - MAX_SHOWN} more warnings", file=sys.stderr)
        if self.violations:
            for file, record, rule in self.violations[:MAX_SHOWN]:
                print(f"{file}: {record}: {rule}", file=sys.stderr)
            if len(self.violations) > MAX_SHOWN:
                print(f"... and {len(self.violations) - MAX_SHOWN} more violations", file=sys.stderr)
            print(json.dumps({"ok": False, "violations": len(self.violations), **summary}))
            sys.exit(1)
        print(json.dumps({"ok": True, **summary}))
        sys.exit(0)


def fail_usage(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def record_name(row, index, label="row"):
    """`row 3 (id "x")` when the row has a usable id, else `row 3` (0-based, as datasets counts)."""
    rid = row.get("id") if isinstance(row, dict) else None
    if isinstance(rid, (str, int)) and not isinstance(rid, bool):
        return f'{label} {index} (id "{rid}")'
    return f"{label} {index}"


def read_json(path, report):
    """The parsed JSON document at `path`, or None after recording why it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read())
    except FileNotFoundError:
        report.add(path, None, "file is missing")
    except (OSError, ValueError) as error:
        report.add(path, None, f"not valid JSON: {error}")
    return None


def read_json_lines(path, report):
    """(line number, object) pairs of a JSON Lines file; unreadable lines are recorded as violations."""
    rows = []
    try:
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    report.add(path, f"line {number}", "blank line in JSON Lines")
                    continue
                try:
                    rows.append((number, json.loads(line)))
                except ValueError as error:
                    report.add(path, f"line {number}", f"not valid JSON: {error}")
    except FileNotFoundError:
        report.add(path, None, "file is missing")
    return rows


def decode_image(data):
    """(PIL format, (width, height)) of image bytes after a full decode; raises when PIL cannot decode them."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.format, image.size


class ImageFiles:
    """Checks image files that records refer to by relative path: present, decodable, named for their format.

    Each file is decoded once however many records share it.
    """

    def __init__(self, report):
        self.report = report
        self.seen = {}

    def check(self, base, relative, file, record):
        """True when `relative` (resolved against the folder `base`) is a decodable image; records why not."""
        if not isinstance(relative, str) or not relative:
            self.report.add(file, record, f"image path must be a non-empty string, got {relative!r}")
            return False
        if os.path.isabs(relative) or "://" in relative or relative.startswith("~"):
            self.report.add(file, record, f"image path {relative!r} must be relative to the export folder")
            return False
        path = os.path.normpath(os.path.join(base, relative))
        if path in self.seen:
            problem = self.seen[path]
        else:
            problem = self._problem(path, relative)
            self.seen[path] = problem
        if problem:
            self.report.add(file, record, problem)
            return False
        return True

    @staticmethod
    def _problem(path, relative):
        if not os.path.isfile(path):
            return f"image {relative!r} does not exist (looked for {path})"
        try:
            with open(path, "rb") as handle:
                found, _ = decode_image(handle.read())
        except Exception as error:  # PIL raises many types for undecodable data
            return f"image {relative!r} does not decode with PIL: {error}"
        expected = EXTENSION_FORMATS.get(os.path.splitext(relative)[1].lower())
        if expected is None:
            return f"image {relative!r} has an extension no consumer maps to an image format"
        if found != expected:
            return f"image {relative!r} holds {found} data but its extension says {expected}"
        return None


def decode_base64_both(text):
    """Bytes of a base64 string that the standard decoder (strict) and the URL-safe decoder agree on.

    Raises ValueError naming the decoder that failed or the disagreement.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("base64 value must be a non-empty string")
    try:
        standard = base64.b64decode(text, validate=True)
    except (ValueError, base64.binascii.Error) as error:
        raise ValueError(f"standard base64 decoder rejects it: {error}") from None
    try:
        urlsafe = base64.urlsafe_b64decode(text)
    except (ValueError, base64.binascii.Error) as error:
        raise ValueError(f"URL-safe base64 decoder rejects it: {error}") from None
    if standard != urlsafe:
        raise ValueError("standard and URL-safe base64 decoders give different bytes")
    return standard


def alternation_problem(roles, first, second, allowed_leading=()):
    """Why a list of turn roles does not alternate first/second starting with `first`, or None.

    Roles in `allowed_leading` may stand before the first turn (e.g. a system prompt). The conversation must
    end with `second` (an answer to learn from) and hold at least one exchange.
    """
    position = 0
    while position < len(roles) and roles[position] in allowed_leading:
        position += 1
    turns = roles[position:]
    if not turns:
        return "conversation has no turns"
    for index, role in enumerate(turns):
        wanted = first if index % 2 == 0 else second
        if role != wanted:
            return f"turn {index + position} has role {role!r} where {wanted!r} was expected (roles must alternate {first}/{second}, starting with {first})"
    if turns[-1] != second:
        return f"conversation ends with a {first!r} turn; it must end with {second!r}"
    return None


def feature_shape(feature):
    """A plain description of a datasets feature: 'string', ['string'], {'role': 'string', ...}, 'json'."""
    if isinstance(feature, dict):
        return {key: feature_shape(value) for key, value in feature.items()}
    if isinstance(feature, (list, tuple)):
        return [feature_shape(feature[0])] if feature else ["null"]
    kind = type(feature).__name__
    if kind in ("List", "Sequence", "LargeList"):
        return [feature_shape(feature.feature)]
    if kind == "Value":
        return {"large_string": "string"}.get(feature.dtype, feature.dtype)
    return kind.lower()


ANY = object()


def shape_problems(actual, expected, path):
    """Differences between a feature shape and the expected one, as 'path: ...' strings.

    In `expected`, ANY accepts anything, a tuple lists alternatives, and a 'null' column (all values null)
    is accepted where a scalar was expected.
    """
    if expected is ANY:
        return []
    if isinstance(expected, tuple):
        for option in expected:
            if not shape_problems(actual, option, path):
                return []
        return [f"{path}: found {describe_shape(actual)}, expected one of {' | '.join(describe_shape(o) for o in expected)}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: found {describe_shape(actual)}, expected a struct {describe_shape(expected)}"]
        problems = []
        for key, sub in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_problems(actual[key], sub, f"{path}.{key}")
        for key in actual:
            if key not in expected:
                problems.append(f"{path}.{key}: unexpected field")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: found {describe_shape(actual)}, expected a list {describe_shape(expected)}"]
        if actual == ["null"]:
            return []
        return shape_problems(actual[0], expected[0], f"{path}[]")
    if actual == expected or actual == "null":
        return []
    return [f"{path}: found {describe_shape(actual)}, expected {describe_shape(expected)}"]


def describe_shape(shape):
    if shape is ANY:
        return "any"
    if isinstance(shape, tuple):
        return " | ".join(describe_shape(option) for option in shape)
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{key}: {describe_shape(value)}" for key, value in shape.items()) + "}"
    if isinstance(shape, list):
        return "[" + describe_shape(shape[0]) + "]"
    return str(shape)
