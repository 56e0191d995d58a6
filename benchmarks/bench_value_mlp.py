"""Scalar-Value MLP training step: autograd_mini against micrograd, in the same run.

micrograd's own demo setting: 2 inputs, two hidden layers of 16 (relu), 1 linear output,
100 two-moons points, mean SVM max-margin loss + 1e-4·Σp², forward + loss + zero grads +
backward + update. The same model code runs on both engines' ``Value`` (it only uses
micrograd's public API). Each engine runs as a plain loop (the collector on, as users run
it: the ratio that counts) and with Python's cycle collector paused during the step (for
autograd_mini that is its opt-in ``collector_paused()``; ``backward()`` pauses it for its
own walk in every mode). With the collector paused the previous step's graph is freed outside
the timed step on both sides (micrograd's garbage is cyclic and waits for the collector); in the
plain loops each engine pays for freeing its own garbage, as a user's loop does.

Run: PYTHONPATH=. python benchmarks/bench_value_mlp.py [--steps N]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ratios import report  # noqa: E402

from autograd_mini import Value, collector_paused, topo_order  # noqa: E402
from autograd_mini.datasets import make_moons  # noqa: E402


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


def time_engines(engines: dict, Xrows, y, steps: int, block: int = 3) -> dict:
    """Median seconds per step of each (engine, collector paused?) configuration.

    The configurations take turns in blocks of ``block`` consecutive steps, as a user's loop
    runs them (so an engine pays for its own garbage, not another's), with the first step of
    each block untimed; the turns are interleaved so that machine noise hits all alike.
    """
    models = {name: MLP(Value_, [2, 16, 16, 1]) for name, (Value_, _) in engines.items()}
    times = {name: [] for name in engines}
    totals = {}
    while min(len(t) for t in times.values()) < steps:
        for name, (Value_, paused) in engines.items():
            gc.collect()  # every block starts from the same clean heap
            for k in range(block):
                if paused:
                    # engine work only, on both sides: micrograd's cyclic garbage waits for the collector,
                    # so ours (freed by reference counting) is freed here, untimed; the plain loops pay both
                    totals.pop(name, None)
                start = time.perf_counter()
                with collector_paused() if paused else contextlib.nullcontext():
                    totals[name] = step(Value_, models[name], Xrows, y)
                if k:
                    times[name].append(time.perf_counter() - start)
    spread = {name: (min(t), max(t)) for name, t in times.items()}
    return {name: float(np.median(t)) for name, t in times.items()}, spread, totals


# The targets for the plain loop, per Python (micrograd's lead shrinks on newer ones).
PLAIN_TARGET = {(3, 11): 8.0, (3, 12): 5.0, (3, 13): 5.0}
PAUSED_TARGET = 2.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8, help="timed training steps per configuration (median reported)")
    parser.add_argument("--quick", action="store_true", help="one timed step per configuration, in blocks of two")
    args = parser.parse_args()
    block = 2 if args.quick else 3
    if args.quick:
        args.steps = 1

    X, Y = make_moons(m=100, noise=0.1, seed=1)
    Xrows = X.T.tolist()
    y = (2 * Y[0] - 1).tolist()  # the SVM loss wants labels in {-1, +1}

    engines = {"autograd_mini, plain loop": (Value, False), "autograd_mini, collector_paused()": (Value, True)}
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError:
        MicroValue = None
        print("micrograd is not installed (pip install micrograd): no ratio")
    else:
        engines.update({"micrograd, plain loop": (MicroValue, False), "micrograd, collector paused": (MicroValue, True)})
    times, spread, totals = time_engines(engines, Xrows, y, args.steps, block)
    nodes = len(topo_order([totals["autograd_mini, plain loop"]]))
    print(f"Python {sys.version.split()[0]}; graph: {nodes} nodes per step; median of {args.steps} steps each, interleaved")
    for name, t in times.items():
        lo, hi = spread[name]
        print(f"  {name:<36} {t * 1e3:8.1f} ms/step  (runs {lo * 1e3:.0f}–{hi * 1e3:.0f}; {nodes / t / 1e6:.2f} M nodes/s)")
    if MicroValue is None:
        return
    assert abs(totals["micrograd, plain loop"].data - totals["autograd_mini, plain loop"].data) < 1e-9, \
        "the two engines disagree on the loss"
    plain = times["micrograd, plain loop"] / times["autograd_mini, plain loop"]
    paused = times["micrograd, collector paused"] / times["autograd_mini, collector_paused()"]
    ours_paused_vs_plain = times["micrograd, plain loop"] / times["autograd_mini, collector_paused()"]
    target = PLAIN_TARGET.get(sys.version_info[:2])
    print("speed-ups (micrograd's time / ours):")
    print(f"  both plain loops (collector on, as users run them): {plain:5.1f}x"
          + (f"   (target ≥ {target:g}x)" if target else ""))
    print(f"  both with the collector paused:                     {paused:5.1f}x   (target ≥ {PAUSED_TARGET:g}x)")
    print(f"  ours in collector_paused() vs micrograd's plain loop: {ours_paused_vs_plain:5.1f}x")
    def ms(name):
        lo, hi = spread[name]
        return f"{times[name] * 1e3:.0f} ms [{lo * 1e3:.0f}–{hi * 1e3:.0f}]"

    report("micrograd / ours, both plain loops (collector on)", plain, target, True,
           f"{ms('autograd_mini, plain loop')} vs {ms('micrograd, plain loop')}")
    report("micrograd / ours, both with the collector paused", paused, PAUSED_TARGET, True,
           f"{ms('autograd_mini, collector_paused()')} vs {ms('micrograd, collector paused')}")
    report("micrograd plain / ours in collector_paused()", ours_paused_vs_plain, None, True,
           f"{ms('autograd_mini, collector_paused()')} vs {ms('micrograd, plain loop')}")


if __name__ == "__main__":
    main()
