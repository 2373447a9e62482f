"""Reads a Parquet file of string columns with pyarrow (Apache Arrow's C++ Parquet reader) and compares it with
the rows it should hold.

    python check_parquet_strings.py FILE EXPECTED.json

EXPECTED.json: `{"columns": [names], "rows": [[value, ...], ...], "min_row_groups": N}`. The file is read whole
(`pq.read_table`), batch by batch as Otter reads its images table (`ParquetFile.iter_batches`), and column by
column within each row group; every way must give exactly the expected rows in order, with the expected column
names and string types, and the file must have at least `min_row_groups` row groups.
"""

import json
import sys

import loomcheck
import pyarrow as pa
import pyarrow.parquet as pq


def main(argv):
    if len(argv) != 2:
        loomcheck.fail_usage("usage: check_parquet_strings.py FILE EXPECTED.json")
    path, expected_path = argv
    report = loomcheck.Report()
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    columns, rows = expected["columns"], [list(row) for row in expected["rows"]]
    summary = {"file": path}
    try:
        parquet = pq.ParquetFile(path)
        whole = pq.read_table(path)
        batched = [row for batch in parquet.iter_batches(batch_size=7) for row in zip(*(c.to_pylist() for c in batch.columns))]
        grouped = []
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group)
            grouped.extend(zip(*(c.to_pylist() for c in table.columns)))
    except Exception as error:
        report.add(path, None, f"pyarrow cannot read it: {type(error).__name__}: {error}")
        report.finish(summary)
    if whole.column_names != columns:
        report.add(path, None, f"columns {whole.column_names}, expected {columns}")
    for field in whole.schema:
        if field.type != pa.string():
            report.add(path, field.name, f"type {field.type}, expected string")
    read_whole = [list(row) for row in zip(*(c.to_pylist() for c in whole.columns))]
    for name, got in (("read_table", read_whole), ("iter_batches", [list(r) for r in batched]), ("read_row_group", [list(r) for r in grouped])):
        if got != rows:
            first = next((i for i, (a, b) in enumerate(zip(got, rows)) if a != b), min(len(got), len(rows)))
            report.add(path, name, f"{len(got)} rows, expected {len(rows)}; first difference at row {first}")
    if parquet.num_row_groups < expected.get("min_row_groups", 0):
        report.add(path, None, f"{parquet.num_row_groups} row groups, expected at least {expected['min_row_groups']}")
    summary.update({"rows": whole.num_rows, "row_groups": parquet.num_row_groups, "metadata": sorted(k.decode() for k in (whole.schema.metadata or {}))})
    report.finish(summary)


if __name__ == "__main__":
    main(sys.argv[1:])
