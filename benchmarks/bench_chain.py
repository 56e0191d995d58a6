"""Backward over a 1,000,000-node chain of Values: time and peak memory.

The chain is y = -(-(-(… x))), one unary node per link. The graph core walks it
iteratively, so there is no RecursionError; micrograd's recursive topological sort stops at
Python's recursion limit (about 1,000 nodes), so the reference here is a bare loop that only
follows each node's parent once: the floor for any walk over the graph. The two run
interleaved, and the medians are compared.

Run: PYTHONPATH=. python benchmarks/bench_chain.py [--n N] [--repeats R]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ratios import report  # noqa: E402

from autograd_mini import Value, collector_paused  # noqa: E402


# the targets: ≤ 8x on 3.11, ≤ 13x on the other Pythons
TARGET = {(3, 11): 8.0}


def build_chain(n: int) -> tuple[Value, Value]:
    x = Value(1.0, label="x")
    y = x
    with collector_paused():
        for _ in range(n):
            y = -y
    return x, y


def pointer_walk(y: Value) -> int:
    """Follow each node's first parent down to the leaf: the cheapest walk over the graph there is."""
    node, count = y, 0
    while node._a is not None:  # the slot that holds a node's first parent
        node, count = node._a, count + 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="nodes in the chain")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each, interleaved (median reported)")
    args = parser.parse_args()

    start = time.perf_counter()
    x, y = build_chain(args.n)
    build = time.perf_counter() - start

    backward_times, walk_times = [], []
    for _ in range(args.repeats):
        x.grad = 0.0
        start = time.perf_counter()
        y.backward()
        backward_times.append(time.perf_counter() - start)
        assert x.grad == (-1.0) ** args.n
        start = time.perf_counter()
        assert pointer_walk(y) == args.n
        walk_times.append(time.perf_counter() - start)
    back, floor = statistics.median(backward_times), statistics.median(walk_times)

    tracemalloc.start()
    y.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Python {sys.version.split()[0]}; chain of {args.n:,} nodes: build {build:.2f} s, backward {back:.2f} s "
          f"({back / args.n * 1e9:.0f} ns/node; runs {min(backward_times):.2f}–{max(backward_times):.2f} s)")
    target = TARGET.get(sys.version_info[:2], 13.0)
    print(f"a bare pointer walk over the same chain: {floor:.3f} s (runs {min(walk_times):.3f}–{max(walk_times):.3f})"
          f" -> backward is {back / floor:.1f}x that floor (target ≤ {target:g}x)")
    print(f"peak memory allocated by backward (tracemalloc): {peak / 2**20:.0f} MiB; "
          f"process peak RSS with the graph: {rss:.0f} MiB")
    report("backward / a bare pointer walk, 1,000,000-node chain" if args.n == 1_000_000
           else f"backward / a bare pointer walk, {args.n:,}-node chain", back / floor, target, False,
           f"{back:.2f} s vs {floor:.3f} s; backward's peak {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
