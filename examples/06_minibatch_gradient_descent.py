"""Mini-batch against batch gradient descent: more steps per epoch, a noisier but faster descent.

One epoch is one pass over the training set: one step for batch gradient descent, ⌈m / batch
size⌉ steps for mini-batches (the last batch smaller). Prints the cost after each number of
epochs and plots the per-step costs.
"""

import time

import viz.plots
from _common import heading, out_dir

from autograd_mini import DeepNet, train
from autograd_mini.datasets import make_flower

out = out_dir(__doc__)
X, Y = make_flower(m=1000, seed=0)
heading(f"DeepNet([2, 10, 5, 1]) on the flower, m = {X.shape[1]}, 40 epochs, α = 0.3")
for batch_size in (None, 64):
    net = DeepNet([2, 10, 5, 1], initialization="he", seed=1)
    start = time.perf_counter()
    history = train(net, X, Y, learning_rate=0.3, epochs=40, batch_size=batch_size, seed=0, progress=False)
    seconds = time.perf_counter() - start
    name = "batch" if batch_size is None else f"mini-batch {batch_size}"
    print(f"{name:<14} {len(history.step_costs):5d} steps, J after 40 epochs {history.costs[-1]:.4f} "
          f"({seconds:.2f} s)")
    label = "batch" if batch_size is None else f"minibatch_{batch_size}"
    viz.plots.plot_cost(history.step_costs, out / f"{label}_steps.png", learning_rate=0.3)
print(f"\nwrote batch_steps.png and minibatch_64_steps.png into {out}/")
