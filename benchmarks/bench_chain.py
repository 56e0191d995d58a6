"""Backward over a 1,000,000-node chain of Values: time and peak memory.

The chain is y = -(-(-(… x))), one unary node per link. The graph core walks it
iteratively, so there is no RecursionError; micrograd's recursive topological sort stops at
Python's recursion limit (about 1,000 nodes), so the reference here is a bare loop that only
follows each node's parent once: the floor for any walk over the graph.

Run: python benchmarks/bench_chain.py [--n N]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from autograd_mini import Value, collector_paused


def build_chain(n: int) -> tuple[Value, Value]:
    x = Value(1.0, label="x")
    y = x
    with collector_paused():
        for _ in range(n):
            y = -y
    return x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="nodes in the chain")
    args = parser.parse_args()

    start = time.perf_counter()
    x, y = build_chain(args.n)
    build = time.perf_counter() - start

    start = time.perf_counter()
    y.backward()
    back = time.perf_counter() - start
    assert x.grad == (-1.0) ** args.n

    start = time.perf_counter()
    node, count = y, 0
    while node._parents:
        node, count = node._parents[0], count + 1
    floor = time.perf_counter() - start

    tracemalloc.start()
    y.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"chain of {args.n:,} nodes: build {build:.2f} s, backward {back:.2f} s "
          f"({back / args.n * 1e9:.0f} ns/node)")
    print(f"a bare pointer walk over the same chain: {floor:.2f} s -> backward is {back / floor:.1f}x that floor")
    print(f"peak memory allocated by backward (tracemalloc): {peak / 2**20:.0f} MiB; "
          f"process peak RSS with the graph: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
