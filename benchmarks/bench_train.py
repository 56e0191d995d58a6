"""``train()`` as a user calls it, against the notes' closed-form loop in plain numpy.

Both run the same number of gradient-descent iterations from the same parameters; an
iteration is forward pass, cost J, backward pass and W := W − α dW (for the closed form,
``analytic``'s vectorized formulas). ``train()`` runs with its defaults (batch gradient
descent, and no progress bar: stderr is not a terminal inside the benchmark), so the ratio
holds everything around the step too: the checks, the per-epoch cost history, the loop.

1. ``LogisticRegression(2)`` on m = 209 (target ≤ 2.0x the closed form);
2. ``DeepNet([12288, 20, 7, 5, 1])`` (relu, relu, relu, sigmoid) on m = 209 (target ≤ 1.10x).

Times are medians of interleaved runs. Run: PYTHONPATH=. python benchmarks/bench_train.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ratios import report  # noqa: E402

from autograd_mini import DeepNet, LogisticRegression, analytic, train  # noqa: E402

ALPHA = 0.0075


def closed_form_logistic(X, Y, epochs):
    w, b = np.zeros((X.shape[0], 1)), 0.0
    for _ in range(epochs):
        result = analytic.logistic_vectorized(X, Y, w, b)
        w, b = w - ALPHA * result["dw"], b - ALPHA * result["db"]
    return w, b


def closed_form_deep(X, Y, parameters, activations, epochs):
    for _ in range(epochs):
        AL, caches = analytic.L_model_forward(X, parameters, activations)
        analytic.compute_cost(AL, Y)
        grads = analytic.L_model_backward(AL, Y, caches, parameters, activations)
        parameters = analytic.update_parameters(parameters, grads, ALPHA)
    return parameters


def interleaved_medians(functions: dict, repeats: int) -> tuple:
    """Median seconds of each function (each returns its own time), the runs interleaved; and
    each one's spread (min, max)."""
    times = {name: [] for name in functions}
    for fn in functions.values():
        fn()  # warm-up
    for _ in range(repeats):
        for name, fn in functions.items():
            times[name].append(fn())
    return {name: statistics.median(t) for name, t in times.items()}, {n: (min(t), max(t)) for n, t in times.items()}


def compare(title, make_model, X, Y, closed, epochs, repeats, target) -> None:
    def ours():
        model = make_model()  # fresh parameters, made outside the timed region
        with contextlib.redirect_stderr(io.StringIO()):  # as when stderr is not a terminal: no bar
            start = time.perf_counter()
            train(model, X, Y, learning_rate=ALPHA, epochs=epochs)
            return time.perf_counter() - start

    def theirs():
        start = time.perf_counter()
        closed()
        return time.perf_counter() - start

    medians, spread = interleaved_medians({"train()": ours, "closed form": theirs}, repeats)
    print(f"{title}: {epochs} iterations, median of {repeats} interleaved runs")
    for name, t in medians.items():
        lo, hi = spread[name]
        print(f"  {name:<12} {t / epochs * 1e6:9.1f} µs/iteration  (runs {lo / epochs * 1e6:.1f}–{hi / epochs * 1e6:.1f})")
    ratio = medians["train()"] / medians["closed form"]
    print(f"  train() / closed form = {ratio:.2f} (target ≤ {target:.2f})")
    report(f"train() / closed form: {title}", ratio, target, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and repeats")
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    X = rng.standard_normal((2, 209))
    Y = (rng.random((1, 209)) > 0.5).astype(np.float64)
    epochs = 300 if args.quick else 1000
    compare("LogisticRegression(2), m = 209", lambda: LogisticRegression(2), X, Y,
            lambda: closed_form_logistic(X, Y, epochs), epochs, 3 if args.quick else 9, target=2.0)

    dims, activations = [12288, 20, 7, 5, 1], ["relu", "relu", "relu", "sigmoid"]
    X = rng.random((dims[0], 209))
    Y = (rng.random((1, 209)) > 0.5).astype(np.float64)
    start = DeepNet(dims, activations, seed=1).get_parameters()

    def make_net():
        net = DeepNet(dims, activations, seed=1)
        net.set_parameters(start)
        return net

    epochs = 10 if args.quick else 30
    compare("DeepNet([12288, 20, 7, 5, 1]), m = 209", make_net, X, Y,
            lambda: closed_form_deep(X, Y, dict(start), activations, epochs), epochs, 3 if args.quick else 7,
            target=1.10)


if __name__ == "__main__":
    main()
