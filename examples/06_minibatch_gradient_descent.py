"""Mini-batch against batch gradient descent: per epoch of progress, and per second.

One epoch is one pass over the training set: one step for batch gradient descent, ⌈m / batch
size⌉ steps with mini-batches (the last batch smaller). The notes' example: 5000 mini-batches
X{t} of 1000 examples (the 1/1000 in their J{t}), so m = 5,000,000 and an epoch is 5000 steps,
where the notes' "chunksize" gradient descent steps means m / chunk size. Mini-batches make more progress per
epoch (more steps for the same pass over the data); whether they also win per second depends on
the overhead of each small step, so the comparison is made both ways: after the same number of
epochs, and after the same time. Every J printed is the cost on the whole training set.
"""

import math
import time

import viz.plots
from _common import heading, out_dir

from autograd_mini import DeepNet, gradient_descent_step, random_mini_batches, train
from autograd_mini.datasets import make_flower
from autograd_mini.nn import as_data

out = out_dir(__doc__)

heading("the notes' arithmetic: steps per epoch = ⌈m / batch size⌉")
m_notes, chunk = 5_000_000, 1000
print(f"m = {m_notes:,} examples, mini-batches X{{t}} of {chunk} examples: "
      f"⌈{m_notes:,} / {chunk}⌉ = {math.ceil(m_notes / chunk)} steps per epoch (t = 1, ..., {m_notes // chunk}); "
      f"batch gradient descent: 1 step per epoch")
X, Y = make_flower(m=1000, seed=0)
m, batch_size, epochs, alpha = X.shape[1], 64, 40, 0.3
print(f"here: m = {m}, batch size {batch_size}: ⌈{m} / {batch_size}⌉ = {math.ceil(m / batch_size)} steps per epoch "
      f"({len(random_mini_batches(X, Y, batch_size, seed=0))} mini-batches, the last of "
      f"{m - (m // batch_size) * batch_size} examples)")

heading(f"DeepNet([2, 10, 5, 1]) on the flower, m = {m}, α = {alpha}: the same {epochs} epochs")
final = {}
for name, size in (("batch", None), (f"mini-batch {batch_size}", batch_size)):
    net = DeepNet([2, 10, 5, 1], seed=1)
    start = time.perf_counter()
    history = train(net, X, Y, learning_rate=alpha, epochs=epochs, batch_size=size, seed=0, progress=False)
    seconds = time.perf_counter() - start
    final[name] = (seconds, history.costs[-1])
    print(f"{name:<14} {len(history.step_costs):5d} steps in {seconds:.3f} s; J before training "
          f"{history.initial_cost:.4f}, J after {epochs} epochs {history.costs[-1]:.4f}")
    label = "batch" if size is None else f"minibatch_{size}"
    viz.plots.plot_cost(history.step_costs, out / f"{label}_steps.png", learning_rate=alpha, per="iteration",
                        title=f"{name}: the cost of each step's own batch")

seconds, J_mini = final[f"mini-batch {batch_size}"]
heading(f"the same time: batch gradient descent for the {seconds:.3f} s the mini-batches took")
net = DeepNet([2, 10, 5, 1], seed=1)
X_data, Y_data = as_data(X), as_data(Y, "Y")
steps, start = 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    gradient_descent_step(net, X_data, Y_data, alpha)
    steps += 1
J_batch = net.cost(X, Y).item()
print(f"batch          {steps:5d} steps ({steps} epochs) in {seconds:.3f} s; J after them {J_batch:.4f}")
per_epoch = "mini-batch" if J_mini < final["batch"][1] else "batch"
per_second = "mini-batch" if J_mini < J_batch else "batch"
print(f"lower J after the same {epochs} epochs: {per_epoch}; lower J after the same {seconds:.3f} s: {per_second} "
      f"(per second also counts each step's fixed overhead, large beside the arithmetic of a small batch; "
      f"the timings vary from run to run)")
print(f"\nwrote batch_steps.png and minibatch_64_steps.png into {out}/")
