"""Initialisations on a deep ReLU net: how each one spreads the activations and the gradients, and how it trains.

The notes have no initialisation; the scales come from the course and the papers:
small_random = randn × 0.01 (the course's first example), xavier = randn × sqrt(1/n[l-1]) (the
course's variant for tanh; Glorot's own is sqrt(2/(n[l-1] + n[l]))), he = randn × sqrt(2/n[l-1])
(He et al. 2015, for ReLU), and DeepNet's default, which picks he or xavier per layer from the
layer's activation. On DeepNet([2, 20, 20, 20, 20, 1]) with relu hidden layers, the example
prints the spread (standard deviation over units and examples) of each layer's activations A[l]
at the start, draws them and each layer's gradient norm ‖dW[l]‖_F over training, then trains each
net at two learning rates and prints J before and after, with the cost curves.
"""

import numpy as np
import viz.plots
from _common import heading, out_dir
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograd_mini import DeepNet, accuracy, predict, train
from autograd_mini.atomic import atomic_open
from autograd_mini.datasets import make_flower
from autograd_mini.monitor import gradient_norms_by_initialization, layer_activations

out = out_dir(__doc__)
X, Y = make_flower(m=500, seed=0)
layer_dims = [2, 20, 20, 20, 20, 1]
L = len(layer_dims) - 1
schemes = {"small_random": "small_random", "xavier": "xavier", "he": "he", "default (by activation)": None}
iterations, alphas = 300, (0.1, 0.3)

heading(f"DeepNet({layer_dims}), relu hidden layers, sigmoid output: the spread of each A[l] at the start")
print(f"{'initialization':<26}" + "".join(f"{f'std A{l}':>11}" for l in range(1, L + 1)))
for name, scheme in schemes.items():
    net = DeepNet(layer_dims, initialization=scheme, seed=0)
    spread = [float(np.std(A)) for A in layer_activations(net, X).values()]
    print(f"{name:<26}" + "".join(f"{s:11.2e}" for s in spread))
print(f"(the default is {DeepNet(layer_dims, seed=0).initialization}; small_random shrinks A[l] about "
      f"0.01·sqrt(20/2) = 1/{1 / (0.01 * np.sqrt(10)):.0f} per ReLU layer)")
viz.plots.plot_activation_histograms(
    {f"with {scheme}": layer_activations(DeepNet(layer_dims, initialization=scheme, seed=0), X)
     for scheme in ("small_random", "he")}, out / "activations_at_the_start.png",
    title=f"A[l] of DeepNet({layer_dims}) at the start, on the {X.shape[1]} training examples")

heading(f"‖dW[l]‖_F at every step of batch gradient descent, α = {alphas[1]}, {iterations} iterations")
runs = gradient_norms_by_initialization(layer_dims, None, X, Y, learning_rate=alphas[1], epochs=iterations)
for name, run in runs.items():
    print(f"{name:<26} at the first step " + ", ".join(f"‖dW{l}‖ {run.norms[f'dW{l}'][0]:.1e}" for l in (1, L)))
viz.plots.plot_gradient_norms(runs, out / "gradient_norms.png",
                              title=f"‖dW[l]‖_F at every step, {layer_dims}, α = {alphas[1]}")

finals, curves = {}, {}
for alpha in alphas:
    heading(f"batch gradient descent, {iterations} iterations, α = {alpha}: J on the whole training set")
    for name, scheme in schemes.items():
        net = DeepNet(layer_dims, initialization=scheme, seed=0)
        history = train(net, X, Y, learning_rate=alpha, epochs=iterations, progress=False)
        finals[alpha, name] = history.costs[-1]
        curves.setdefault(alpha, {})[f"{name}, α = {alpha}"] = [history.initial_cost, *history.costs]
        print(f"{name:<26} J before training {history.initial_cost:.4f}, J after {iterations} iterations "
              f"{history.costs[-1]:.4f}, training accuracy {accuracy(predict(net, X), Y):.1%}")

heading("what holds and what does not")
lower = {alpha: min(("xavier", "he"), key=lambda name: finals[alpha, name]) for alpha in alphas}
print("small_random does not learn at either α: its activations and gradients vanish from the first step.")
print(f"which of xavier and he ends lower depends on α: {lower[alphas[0]]} at α = {alphas[0]}, "
      f"{lower[alphas[1]]} at α = {alphas[1]}; one run is no verdict between them.")
for alpha in alphas:  # a spike: one step raises J by more than a fifth
    spikes = {name: int(np.sum(np.diff(costs) > 0.2 * np.asarray(costs[:-1]))) for name, costs in curves[alpha].items()}
    print(f"α = {alpha}: steps that raise J by more than a fifth (they overshoot the minimum, then J comes back "
          "down): " + ", ".join(f"{name.split(',')[0]} {count}" for name, count in spikes.items()))

fig = Figure(figsize=(11, 4), dpi=100)
FigureCanvasAgg(fig)
for ax, alpha in zip(fig.subplots(1, len(alphas), sharey=True), alphas):
    viz.plots.plot_costs(curves[alpha], per="iteration", ax=ax, title=f"J on the training set, α = {alpha}")
fig.tight_layout()
with atomic_open(out / "initializations.png", "wb") as f:
    fig.savefig(f, format="png", bbox_inches="tight")
print(f"\nwrote activations_at_the_start.png, gradient_norms.png and initializations.png into {out}/")
