"""How long drawing takes: the DOT of a 10,000-node graph, the step-through page, the graph command.

Run by hand: ``python benchmarks/bench_viz.py [--quick]``. Prints

1. the step-through page of the 107-node scalar MLP (2-4-4-1, one example): its size and
   build time (targets ≤ 1.5 MB and ≤ 2 s; one page per frame made it 16 MB and 8.6 s);
2. the wall time of ``autograd-mini graph`` on a 60-term expression x+x+…+x, the median of 5 runs
   (target ≤ 5 s on 2 cores; 13.6 s when it rasterised its 30-megapixel PNGs, more than 300 s with
   a layout per frame), beside the sizes of the files it writes;
3. the time to refuse a render too large for Graphviz (a 10,000-node graph; target ≤ 1 s);
4. the time per node of generating the DOT source (no rendering: that is Graphviz's own work) for
  * viz.draw_graph, every node drawn (labels with data, grad, op; edges),
  * viz.draw_graph with edge_derivatives=True,
  * viz.draw_graph collapsed per neuron/layer (max_nodes=500),
and, as references in the same run, graphviz's plain Digraph.node()/edge() calls with a
one-line label, and plain f-string building of the same minimal DOT.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import graphviz
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ratios import report  # noqa: E402
from autograd_mini import Value, topo_order  # noqa: E402
from viz import GraphTooLarge, draw_graph, render, step_through  # noqa: E402


def scalar_mlp(n_nodes: int, seed: int = 0) -> Value:
    """A 2-32-32-1 MLP of Values over enough examples to pass ``n_nodes`` nodes."""
    rng = np.random.default_rng(seed)
    dims = (2, 32, 32, 1)
    params = [[([Value(w) for w in rng.normal(size=a)], Value(0.0)) for _ in range(b)] for a, b in zip(dims, dims[1:])]
    L = Value(0.0)
    while len(topo_order([L])) < n_nodes:
        A = [Value(x) for x in rng.normal(size=2)]
        for layer in params:
            A = [(sum((w * a for w, a in zip(ws, A)), b)).tanh() for ws, b in layer]
        L = L + (A[0] - 1.0) ** 2
    return L


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def graphviz_calls(order: list) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    g = graphviz.Digraph()
    for node in order:
        g.node(ids[node], label=f"{node.label or ''} {node.data:.4g} {node.grad:.4g}")
    for node in order:
        for parent in node.parents:
            g.edge(ids[parent], ids[node])
    return g.source


def string_building(order: list) -> str:
    ids = {node: i for i, node in enumerate(order)}
    lines = ["digraph {\n"]
    lines += [f'\tn{i} [label="{node.data:.4g} {node.grad:.4g}"]\n' for i, node in enumerate(order)]
    lines += [f"\tn{ids[p]} -> n{ids[node]}\n" for node in order for p in node.parents]
    lines.append("}\n")
    return "".join(lines)


def small_mlp() -> Value:
    """The 2-4-4-1 scalar MLP of one example (tanh, sigmoid output, (a - 1)²): 107 nodes."""
    rng = np.random.default_rng(0)
    dims = (2, 4, 4, 1)
    params = [[([Value(w) for w in rng.normal(size=a)], Value(0.0)) for _ in range(b)] for a, b in zip(dims, dims[1:])]
    A = [Value(x) for x in rng.normal(size=2)]
    for l, layer in enumerate(params, start=1):
        Z = [sum((w * a for w, a in zip(ws, A)), b) for ws, b in layer]
        A = [z.sigmoid() if l == len(params) else z.tanh() for z in Z]
    return (A[0] - 1.0) ** 2


def pages_and_commands() -> None:
    L = small_mlp()
    L.backward()
    t = best_of(lambda: step_through(L), repeat=3)
    page = step_through(L)
    size = len(page.html.encode()) / 1e6
    print(f"step-through page of the {len(topo_order([L]))}-node MLP ({page.frames} frames): "
          f"{size:.2f} MB (target ≤ 1.5 MB), built in {t:.2f} s (target ≤ 2 s)")
    report("step-through page of the 107-node MLP: size / 1.5 MB", size / 1.5, 1.0, False, f"{size:.2f} MB")
    report("step-through page of the 107-node MLP: build time / 2 s", t / 2, 1.0, False, f"{t:.2f} s")
    expression = "+".join(["x"] * 60)
    walls = []
    for _ in range(5):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "autograd_mini", "graph", expression, "--set", "x=2",
                                   "--out", out], capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            sizes = {path.name: path.stat().st_size for path in sorted(Path(out).iterdir())}
    wall = statistics.median(walls)
    print(f"autograd-mini graph on a 60-term sum: median {wall:.2f} s wall of {len(walls)} runs "
          f"({min(walls):.2f}–{max(walls):.2f} s), exit {done.returncode} (target ≤ 5 s)")
    print("  wrote " + ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sizes.items()))
    report("autograd-mini graph, 60-term sum: median wall time / 5 s", wall / 5, 1.0, False, f"{wall:.2f} s")
    big = scalar_mlp(10_000)
    graph = draw_graph(big, max_nodes=10**6)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        try:
            render(graph, Path(out) / "big.svg")
            refused = "rendered (not refused!)"
        except GraphTooLarge:
            refused = "refused"
        t = time.perf_counter() - start
    print(f"render of a {len(topo_order([big])):,}-node graph: {refused} in {t * 1e3:.0f} ms (target ≤ 1 s)")
    report("refusing a too-large render: time / 1 s", t, 1.0, False, f"{t * 1e3:.0f} ms, {refused}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 1,000-node graph instead of 10,000")
    args = parser.parse_args()
    pages_and_commands()
    L = scalar_mlp(1_000 if args.quick else 10_000)
    L.backward()
    order = topo_order([L])
    n = len(order)
    print(f"graph: {n:,} nodes, {sum(len(x.parents) for x in order):,} edges (scalar MLP 2-32-32-1)")
    runs = {
        "viz.draw_graph (all nodes)": lambda: draw_graph(L, max_nodes=n).source,
        "viz.draw_graph + edge derivatives": lambda: draw_graph(L, max_nodes=n, edge_derivatives=True).source,
        "viz.draw_graph collapsed (max_nodes=500)": lambda: draw_graph(L, max_nodes=500).source,
        "reference: graphviz node()/edge() calls": lambda: graphviz_calls(order),
        "reference: plain string building": lambda: string_building(order),
    }
    times = {name: best_of(fn) for name, fn in runs.items()}
    gv, plain = times["reference: graphviz node()/edge() calls"], times["reference: plain string building"]
    print(f"{'':44s} {'total':>9s} {'per node':>10s} {'vs graphviz calls':>18s} {'vs strings':>11s}")
    for name, t in times.items():
        print(f"{name:44s} {t * 1e3:7.1f} ms {t / n * 1e6:7.2f} µs {t / gv:17.2f}x {t / plain:10.2f}x")
    report(f"viz.draw_graph / graphviz node()/edge() calls, {n:,} nodes", times["viz.draw_graph (all nodes)"] / gv,
           None, False)


if __name__ == "__main__":
    main()
