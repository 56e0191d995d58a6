"""Loading a large CSV: ``datasets.load_csv`` against ``numpy.loadtxt`` on the same file.

Writes a CSV of ROWS rows × COLS numeric columns (the last one a 0/1 label; the default is
about 200 MB), then loads it in a fresh process with each loader and prints rows per second
and the peak memory the load added (peak resident size minus the size before the load), with
the ratio to the final float64 array and to numpy.loadtxt.

Run: PYTHONPATH=. python benchmarks/bench_csv.py [--rows 1240000] [--cols 21] [--keep FILE] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _ratios import report  # noqa: E402

_CHILD = r"""
import json, resource, sys, time
import numpy as np
from autograd_mini.datasets import load_csv

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()

path, how = sys.argv[1], sys.argv[2]
before = rss()
start = time.perf_counter()
if how == "load_csv":
    data = load_csv(path, target="label")
    arrays = [data.X, data.Y]
else:
    arrays = [np.loadtxt(path, delimiter=",", skiprows=1)]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "added": peak - before, "final": sum(a.nbytes for a in arrays),
                  "rows": arrays[0].shape[1] if how == "load_csv" else arrays[0].shape[0]}))
"""


def write_csv(path: str, rows: int, cols: int) -> None:
    rng = np.random.default_rng(0)
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(1, cols)) + ",label\n")
        for start in range(0, rows, 100_000):
            k = min(100_000, rows - start)
            block = np.column_stack([rng.standard_normal((k, cols - 1)), rng.integers(0, 2, k)])
            np.savetxt(f, block, delimiter=",", fmt=["%.6g"] * (cols - 1) + ["%d"])


def measure(path: str, how: str) -> dict:
    result = subprocess.run([sys.executable, "-c", _CHILD, path, how], capture_output=True, text=True, check=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_240_000)
    parser.add_argument("--cols", type=int, default=21)
    parser.add_argument("--keep", metavar="FILE", help="write the CSV here and keep it (default: a temporary file)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    args = parser.parse_args()
    if args.quick:
        args.rows = 100_000
    folder = tempfile.mkdtemp()
    path = args.keep or os.path.join(folder, "big.csv")
    if not os.path.exists(path):
        write_csv(path, args.rows, args.cols)
    print(f"{path}: {os.path.getsize(path) / 1e6:.0f} MB, {args.rows:,} rows x {args.cols} columns")
    results = {how: measure(path, how) for how in ("load_csv", "numpy.loadtxt")}
    for how, r in results.items():
        print(f"  {how:<14} {r['seconds']:6.2f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
              f"peak +{r['added'] / 2**20:,.0f} MiB = {r['added'] / r['final']:.2f} x the final float64 array")
    ours, ref = results["load_csv"], results["numpy.loadtxt"]
    print(f"  load_csv / numpy.loadtxt: time {ours['seconds'] / ref['seconds']:.2f}, "
          f"peak memory {ours['added'] / ref['added']:.2f}")
    report(f"load_csv / numpy.loadtxt time, {args.rows:,} rows", ours["seconds"] / ref["seconds"], None, False)
    report(f"load_csv / numpy.loadtxt peak memory, {args.rows:,} rows", ours["added"] / ref["added"], None, False)
    if not args.keep:
        os.remove(path)
        os.rmdir(folder)


if __name__ == "__main__":
    main()
