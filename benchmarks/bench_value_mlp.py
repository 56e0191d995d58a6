"""Scalar-Value MLP training step: autograd_mini against micrograd, in the same run.

micrograd's own demo setting: 2 inputs, two hidden layers of 16 (relu), 1 linear output,
100 two-moons points, mean SVM max-margin loss + 1e-4·Σp², forward + loss + zero grads +
backward + update. The same model code runs on both engines' ``Value`` (it only uses
micrograd's public API). Each engine runs as a plain loop (the collector on, as users run
it) and with Python's cycle collector paused during the step (for autograd_mini that is its
opt-in ``collector_paused()``; ``backward()`` pauses it for its own walk in both modes).

Run: python benchmarks/bench_value_mlp.py [--steps N]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import time

import numpy as np

from autograd_mini import Value, collector_paused, topo_order
from autograd_mini.datasets import make_moons


class Neuron:
    def __init__(self, Value, n_in, nonlin, rng):
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class MLP:
    def __init__(self, Value, sizes, seed=1337):
        rng = random.Random(seed)
        self.layers = [[Neuron(Value, sizes[i], i != len(sizes) - 2, rng) for _ in range(sizes[i + 1])]
                       for i in range(len(sizes) - 1)]

    def __call__(self, x):
        for layer in self.layers:
            x = [n(x) for n in layer]
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]


def step(Value, model, Xrows, y, lr=0.01, alpha=1e-4):
    inputs = [list(map(Value, row)) for row in Xrows]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    for p in model.parameters():
        p.grad = 0.0
    total.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return total


def time_engine(Value, Xrows, y, steps, pause_collector):
    model = MLP(Value, [2, 16, 16, 1])
    times = []
    for _ in range(steps):
        if pause_collector:
            context = collector_paused()
            gc.collect()  # the paused step starts clean; the plain loop runs exactly as a user's would
        else:
            context = contextlib.nullcontext()
        start = time.perf_counter()
        with context:
            total = step(Value, model, Xrows, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), total, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="training steps timed per engine (median reported)")
    args = parser.parse_args()

    X, Y = make_moons(m=100, noise=0.1, seed=1)
    Xrows = X.T.tolist()
    y = (2 * Y[0] - 1).tolist()  # the SVM loss wants labels in {-1, +1}

    ours, total, _ = time_engine(Value, Xrows, y, args.steps, pause_collector=False)
    nodes = len(topo_order([total]))
    ours_paused, _, _ = time_engine(Value, Xrows, y, args.steps, pause_collector=True)
    print(f"graph: {nodes} nodes per step")
    print(f"autograd_mini, plain loop            {ours * 1e3:8.1f} ms/step  ({nodes / ours / 1e6:.2f} M nodes/s)")
    print(f"autograd_mini, collector_paused()    {ours_paused * 1e3:8.1f} ms/step  ({nodes / ours_paused / 1e6:.2f} M nodes/s)")
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError:
        print("micrograd is not installed (pip install micrograd): no ratio")
        return
    micro, micro_total, _ = time_engine(MicroValue, Xrows, y, args.steps, pause_collector=False)
    micro_paused, _, _ = time_engine(MicroValue, Xrows, y, args.steps, pause_collector=True)
    assert abs(micro_total.data - total.data) < 1e-9, "the two engines disagree on the loss"
    print(f"micrograd                            {micro * 1e3:8.1f} ms/step")
    print(f"micrograd, collector paused          {micro_paused * 1e3:8.1f} ms/step")
    print("speed-ups (micrograd's time / ours):")
    print(f"  ours in collector_paused() vs micrograd as users run it:  {micro / ours_paused:5.1f}x   (target ≥ 10x)")
    print(f"  ours in collector_paused() vs micrograd, collector paused: {micro_paused / ours_paused:5.1f}x   (target > 1x)")
    print(f"  ours, plain loop vs micrograd as users run it:             {micro / ours:5.1f}x")
    print(f"  ours, plain loop vs micrograd, collector paused:           {micro_paused / ours:5.1f}x")

if __name__ == "__main__":
    main()
