#!/usr/bin/env bash
# Builds (once, then reuses) a Python virtual environment holding the real consumer
# libraries Loom's exports are checked against (scripts/consumers/requirements.txt),
# and prints that venv's python as the last line of stdout. Everything else goes to stderr.
#
#   python=$(scripts/consumer-venv.sh | tail -n 1)
#   "$python" scripts/consumers/selftest.py
#
# Where: $LOOM_CONSUMER_VENV if set, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/loom/consumer-venv-<sha256(requirements.txt)[:12]>
# so a change to the pins builds a new venv beside the old one.
# Needs python3 with the venv module (Debian: python3-venv) and access to PyPI on the
# first run. $LOOM_CONSUMER_BASE_PYTHON picks the interpreter the venv is made from (default: python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/consumers/requirements.txt"
python="${LOOM_CONSUMER_BASE_PYTHON:-python3}"

if [ ! -f "$requirements" ]; then
  echo "consumer-venv: missing $requirements" >&2
  exit 1
fi

hash="$(sha256sum "$requirements" | cut -c1-12)"
venv="${LOOM_CONSUMER_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/loom/consumer-venv-$hash}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac  # callers get an absolute python path
# The marker records which requirements the venv was completed with; a venv without it
# (an interrupted build) or with other contents is built again from nothing.
marker="$venv/.loom-consumer-venv-complete"

ready() { [ -x "$venv/bin/python" ] && [ -f "$marker" ] && cmp -s "$marker" "$requirements"; }

if ready; then
  echo "$venv/bin/python"
  exit 0
fi

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "consumer-venv: $python lacks the venv/ensurepip modules (Debian: apt-get install python3-venv)" >&2
  exit 1
fi

mkdir -p "$(dirname "$venv")"
# One build at a time for a given venv; a second caller waits, then finds it ready.
exec 9>"$venv.lock"
flock 9
if ready; then
  echo "$venv/bin/python"
  exit 0
fi

# Only ever delete what is recognisably a (half-built) venv of ours.
if [ -e "$venv" ] && [ -n "$(ls -A "$venv" 2>/dev/null)" ] && [ ! -f "$venv/pyvenv.cfg" ]; then
  echo "consumer-venv: $venv exists and is not a venv; refusing to replace it" >&2
  exit 1
fi

echo "consumer-venv: building $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  -r "$requirements" >&2
# Prove the libraries import before declaring the venv complete.
"$venv/bin/python" -c 'import datasets, webdataset, PIL, huggingface_hub, yaml' >&2
cp "$requirements" "$marker"
echo "consumer-venv: ready" >&2
echo "$venv/bin/python"
