"""Whether two MIMIC-IT parquet images tables hold the same images under the same ids, as Otter reads them.

    python compare_images_tables.py A.parquet B.parquet
"""

import sys

import pandas as pd
import pyarrow.parquet as pq


def otter_read(path):
    frames = [batch.to_pandas() for batch in pq.ParquetFile(path).iter_batches(batch_size=1000)]
    return pd.concat(frames)["base64"].to_dict()


a, b = otter_read(sys.argv[1]), otter_read(sys.argv[2])
print(f"    tables equal as Otter reads them (ids and base64): {a == b} ({len(a)} and {len(b)} images)")
