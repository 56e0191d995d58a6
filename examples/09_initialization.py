"""Initialisations on a deep ReLU net: how each one spreads the activations and how it trains.

The notes have no initialisation; the scales come from the course and the papers:
small_random = randn × 0.01 (the course's first example), xavier = randn × sqrt(1/n[l-1]) (the
course's variant for tanh; Glorot's own is sqrt(2/(n[l-1] + n[l]))), he = randn × sqrt(2/n[l-1])
(He et al. 2015, for ReLU), and DeepNet's default, which picks he or xavier per layer from the
layer's activation. On DeepNet([2, 20, 20, 20, 20, 1]) with relu hidden layers, the example
prints the spread (standard deviation over units and examples) of each layer's activations A[l]
at the start, then trains each net and prints J before and after and plots the cost curves.
"""

import numpy as np
from _common import heading, out_dir
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograd_mini import DeepNet, accuracy, predict, train
from autograd_mini.atomic import atomic_open
from autograd_mini.datasets import make_flower

out = out_dir(__doc__)
X, Y = make_flower(m=500, seed=0)
layer_dims = [2, 20, 20, 20, 20, 1]
L = len(layer_dims) - 1
schemes = {"small_random": "small_random", "xavier": "xavier", "he": "he", "default (by activation)": None}
iterations, alpha = 300, 0.3

heading(f"DeepNet({layer_dims}), relu hidden layers, sigmoid output: the spread of each A[l] at the start")
print(f"{'initialization':<26}" + "".join(f"{f'std A{l}':>11}" for l in range(1, L + 1)))
nets, spreads = {}, {}
for name, scheme in schemes.items():
    net = DeepNet(layer_dims, initialization=scheme, seed=0)
    net.predict_proba(X)
    spreads[name] = [float(np.std(net.cache[f"A{l}"].data)) for l in range(1, L + 1)]
    nets[name] = net
    print(f"{name:<26}" + "".join(f"{s:11.2e}" for s in spreads[name]))
print(f"(the default is {nets['default (by activation)'].initialization})")

heading(f"batch gradient descent, {iterations} iterations, α = {alpha}: J on the whole training set")
histories = {}
for name, net in nets.items():
    histories[name] = history = train(net, X, Y, learning_rate=alpha, epochs=iterations, progress=False)
    print(f"{name:<26} J before training {history.initial_cost:.4f}, J after {iterations} iterations "
          f"{history.costs[-1]:.4f}, training accuracy {accuracy(predict(net, X), Y):.1%}")

fig = Figure(figsize=(11, 4), dpi=100)
FigureCanvasAgg(fig)
costs_ax, spread_ax = fig.subplots(1, 2)
for name, history in histories.items():
    costs_ax.plot(range(iterations + 1), [history.initial_cost, *history.costs], label=name)
    spread_ax.semilogy(range(1, L + 1), spreads[name], marker="o", label=name)
costs_ax.set(xlabel="iteration", ylabel="cost J", title=f"J while training (α = {alpha})")
spread_ax.set(xlabel="layer l", ylabel="std of A[l] at the start", title="spread of the activations")
spread_ax.set_xticks(range(1, L + 1))
for ax in (costs_ax, spread_ax):
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
with atomic_open(out / "initializations.png", "wb") as f:
    fig.savefig(f, format="png", bbox_inches="tight")
print(f"\nwrote initializations.png into {out}/")
