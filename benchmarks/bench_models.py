"""One gradient-descent iteration: autodiff against the notes' closed form, in the same run.

1. ``DeepNet([12288, 20, 7, 5, 1])`` (relu, relu, relu, sigmoid) on m = 209 random examples
   (target: autodiff ≤ 1.10x the closed form, which is the floor numpy can reach);
2. logistic regression with n_x = 2 and m = 209 (target ≤ 2.0x: there the graph's bookkeeping
   is all the overhead there is);
3. a softmax net ``DeepNet([64, 64, 10])`` (relu, softmax) on the 1797 digits, a gradient-descent
   step against the closed form with the categorical cost (target ≤ 1.2x);
4. the same net, one Adam step: autodiff with the ``Adam`` object against the closed form with
   ``analytic.update_parameters_with_adam`` (target ≤ 1.2x).

An iteration is forward pass, cost J, backward pass and the update (W := W − α dW, or Adam's) for both.
When PyTorch is installed its time for the same net is printed beside them.
Each figure is the median of interleaved repeats.

Run: python benchmarks/bench_models.py [--repeats N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ratios import interleaved_medians, report as report_ratio  # noqa: E402

from autograd_mini import Adam, DeepNet, LogisticRegression, analytic, gradient_descent_step  # noqa: E402
from autograd_mini.datasets import load_dataset, standardization, standardize  # noqa: E402
from autograd_mini.nn import as_data

ALPHA = 0.0075


def closed_form_deep_step(parameters: dict, X, Y, activations) -> tuple:
    AL, caches = analytic.L_model_forward(X, parameters, activations)
    J = analytic.compute_cost(AL, Y)
    grads = analytic.L_model_backward(AL, Y, caches, parameters, activations)
    return analytic.update_parameters(parameters, grads, ALPHA), J


def closed_form_logistic_step(w, b, X, Y) -> tuple:
    result = analytic.logistic_vectorized(X, Y, w, b)
    return w - ALPHA * result["dw"], b - ALPHA * result["db"], result["J"]


def torch_step(layers, X, Y):
    import torch

    A = X
    for i, (W, b) in enumerate(layers):
        Z = W @ A + b
        A = torch.relu(Z) if i < len(layers) - 1 else Z
    J = torch.nn.functional.binary_cross_entropy_with_logits(A, Y, reduction="sum") / X.shape[1]
    for W, b in layers:
        W.grad = b.grad = None
    J.backward()
    with torch.no_grad():
        for W, b in layers:
            W -= ALPHA * W.grad
            b -= ALPHA * b.grad
    return J.item()



def deep_net(repeats: int) -> None:
    dims, activations = [12288, 20, 7, 5, 1], ["relu", "relu", "relu", "sigmoid"]
    rng = np.random.default_rng(0)
    X = rng.random((dims[0], 209))
    Y = (rng.random((1, 209)) > 0.5).astype(np.float64)
    net = DeepNet(dims, activations, seed=1)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    state = {"params": net.get_parameters()}

    def closed():
        state["params"], _ = closed_form_deep_step(state["params"], X, Y, activations)

    values = net.get_parameters()
    times = interleaved_medians({"autodiff": lambda: gradient_descent_step(net, X_t, Y_t, ALPHA),
                          "closed form": closed}, repeats)
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        # timed on its own, after the others: interleaved, its idle worker threads slow numpy's next call
        layers = [(torch.tensor(values[f"W{l}"], requires_grad=True), torch.tensor(values[f"b{l}"], requires_grad=True))
                  for l in range(1, 5)]
        X_torch, Y_torch = torch.tensor(X), torch.tensor(Y)
        times.update(interleaved_medians({"PyTorch (float64)": lambda: torch_step(layers, X_torch, Y_torch)}, repeats))
    report("DeepNet([12288, 20, 7, 5, 1]) relu, relu, relu, sigmoid; m = 209", times, target=1.10)


def logistic(repeats: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 209))
    Y = (rng.random((1, 209)) > 0.5).astype(np.float64)
    model = LogisticRegression(2)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    state = {"w": np.zeros((2, 1)), "b": 0.0}

    def closed():
        state["w"], state["b"], _ = closed_form_logistic_step(state["w"], state["b"], X, Y)

    times = interleaved_medians({"autodiff": lambda: gradient_descent_step(model, X_t, Y_t, ALPHA),
                          "closed form": closed}, repeats)
    report("LogisticRegression(n_x = 2); m = 209", times, target=2.0)


def closed_form_softmax_grads(parameters: dict, X, Y, activations) -> tuple:
    AL, caches = analytic.L_model_forward(X, parameters, activations)
    J = analytic.compute_cost_softmax(AL, Y)
    grads = analytic.L_model_backward(AL, Y, caches, parameters, activations)
    return grads, J


def digits_net():
    X, Y = load_dataset("digits")
    X = standardize(X, *standardization(X))
    return DeepNet([64, 64, 10], ["relu", "softmax"], seed=1), X, Y


def softmax_net(repeats: int) -> None:
    net, X, Y = digits_net()
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    state = {"params": net.get_parameters()}

    def closed():
        grads, _ = closed_form_softmax_grads(state["params"], X, Y, net.activations)
        state["params"] = analytic.update_parameters(state["params"], grads, ALPHA)

    times = interleaved_medians({"autodiff": lambda: gradient_descent_step(net, X_t, Y_t, ALPHA),
                          "closed form": closed}, repeats)
    report("DeepNet([64, 64, 10]) relu, softmax; the digits, m = 1797", times, target=1.2)


def adam_step(repeats: int) -> None:
    net, X, Y = digits_net()
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    adam = Adam(0.001)
    values = net.get_parameters()
    v, s = analytic.initialize_adam(values)
    state = {"params": values, "v": v, "s": s, "t": 0}

    def closed():
        grads, _ = closed_form_softmax_grads(state["params"], X, Y, net.activations)
        state["t"] += 1
        state["params"], state["v"], state["s"] = analytic.update_parameters_with_adam(
            state["params"], {f"d{name}": grads[f"d{name}"] for name in state["params"]}, state["v"], state["s"],
            state["t"], 0.001)

    times = interleaved_medians({"autodiff": lambda: gradient_descent_step(net, X_t, Y_t, 0.001, optimizer=adam),
                          "closed form": closed}, repeats)
    report("one Adam step of DeepNet([64, 64, 10]) relu, softmax; the digits, m = 1797", times, target=1.2)


def report(title: str, times: dict, target: float) -> None:
    floor = times["closed form"]
    print(title)
    for name, t in times.items():
        print(f"  {name:<18} {t * 1e6:10.1f} µs   {t / floor:5.2f}x the closed form")
    ratio = times["autodiff"] / floor
    print(f"  autodiff / closed form = {ratio:.2f} (target ≤ {target:.2f}: {'met' if ratio <= target else 'MISSED'})")
    report_ratio(f"one step, autodiff / closed form: {title.split(';')[0].split(' relu')[0]}", ratio, target, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50, help="timed iterations of each (median reported)")
    args = parser.parse_args()
    deep_net(args.repeats)
    logistic(args.repeats * 40)
    softmax_net(args.repeats * 4)
    adam_step(args.repeats * 4)


if __name__ == "__main__":
    main()
