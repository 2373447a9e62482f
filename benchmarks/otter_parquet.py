"""Otter's documented way to its parquet images table: the JSON object {id: base64} loaded whole and written with
pandas/pyarrow (docs/mimicit_format.md in Luodian/Otter converts with dask's from_pandas; dask only partitions
the same DataFrame, so this is its single-partition form).

    python otter_parquet.py LM.json LM.parquet

Prints one JSON line: seconds, peak resident memory (VmHWM) and rows.
"""

import json
import sys
import time

import pandas as pd


def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def main(source, target):
    started = time.perf_counter()
    with open(source, "r") as handle:
        table = json.load(handle)
    frame = pd.DataFrame.from_dict(table, orient="index", columns=["base64"])
    frame.to_parquet(target, engine="pyarrow")
    print(json.dumps({"seconds": round(time.perf_counter() - started, 3), "peak_rss_mb": peak_mb(), "rows": len(frame)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
