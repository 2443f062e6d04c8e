"""Reads an event log written as Parquet with pyarrow (Arrow's reference reader) and checks
that it holds exactly the rows of the same log written as CSV: every column, every row,
with times compared bit for bit. Used by tests/trace_parquet.rs.

Usage: python parquet_matches_csv.py LOG.parquet LOG.csv
Prints the row count and exits 0 when they match; prints the first difference and exits 1.
"""
import csv
import sys

import pyarrow.parquet as pq


def main(parquet_path, csv_path):
    meta = pq.ParquetFile(parquet_path)
    table = meta.read()
    names = [f.name for f in table.schema]
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != names:
            print(f"columns differ: parquet {names} csv {header}")
            return 1
        columns = {n: table.column(n).to_pylist() for n in names}
        kinds = {f.name: str(f.type) for f in table.schema}
        rows = 0
        for i, row in enumerate(reader):
            if i >= table.num_rows:
                print(f"the CSV has more rows than the Parquet log's {table.num_rows}")
                return 1
            for n, text in zip(names, row):
                got = columns[n][i]
                kind = kinds[n]
                if kind.startswith("timestamp"):
                    # pandas-free ISO text, to the millisecond, as the CSV writes it.
                    want = text
                    got = got.strftime("%Y-%m-%dT%H:%M:%S.") + f"{got.microsecond // 1000:03d}"
                elif kind == "double":
                    want = float(text)
                    if got != want or got.hex() != want.hex():
                        print(f"row {i + 2}, {n}: parquet {got!r} csv {text}")
                        return 1
                    continue
                elif kind.startswith("int"):
                    want = int(text) if text != "" else None
                else:
                    want = text if text != "" else None
                if got != want:
                    print(f"row {i + 2}, {n}: parquet {got!r} csv {text!r}")
                    return 1
            rows += 1
        if rows != table.num_rows:
            print(f"the Parquet log has {table.num_rows} rows, the CSV {rows}")
            return 1
    print(f"{rows} rows match in {meta.metadata.num_row_groups} row groups")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
