"""What the benchmarks share: interleaved timing, and one line per ratio for ``benchmarks/run_all.py``.

A benchmark prints its own report for a reader, and beside it calls :func:`report` once per
ratio it measured in that run. The line starts with ``@ratio`` and carries JSON, so the runner
needs no parsing of the human-readable text.
"""

from __future__ import annotations

import json
import statistics
import time


def interleaved_medians(functions: dict, repeats: int) -> dict:
    """Median seconds of each function, its runs interleaved with the others' (after one warm-up
    each), so that the machine's noise hits all of them alike."""
    times = {name: [] for name in functions}
    for fn in functions.values():
        fn()
    for _ in range(repeats):
        for name, fn in functions.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report(name: str, ratio: float, target: float | None, higher_is_better: bool, detail: str = "") -> None:
    """Print the ratio ``name`` (e.g. "micrograd's time / ours") and whether it meets ``target``."""
    met = None if target is None else (ratio >= target if higher_is_better else ratio <= target)
    print("@ratio " + json.dumps({"name": name, "ratio": ratio, "target": target,
                                  "higher_is_better": higher_is_better, "met": met, "detail": detail}),
          flush=True)
