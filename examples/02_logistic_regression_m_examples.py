"""Logistic regression on m examples: the for-loop, the vectorized form and autodiff agree.

The notes' for-loop with accumulators J, dw1, dw2, db (each divided by m at the end), the
vectorized J = −(1/m) Σ [Y log A + (1 − Y) log(1 − A)], dw = (1/m) X dZᵀ, db = (1/m) Σ dZ, and
autodiff of J on Tensors give the same cost and the same gradients; the vectorized form is much
faster (measured below). Then a few hundred steps of batch gradient descent, with the cost curve.
"""

import time

import numpy as np
import viz.plots
from _common import heading, out_dir

from autograd_mini import LogisticRegression, accuracy, analytic, predict, train
from autograd_mini.datasets import make_moons

out = out_dir(__doc__)
X, Y = make_moons(m=2000, seed=0)
rng = np.random.default_rng(0)
w, b = rng.standard_normal((2, 1)) * 0.1, 0.2

start = time.perf_counter()
loop = analytic.logistic_loop(X, Y, w, b)
t_loop = time.perf_counter() - start
start = time.perf_counter()
repeats = 100
for _ in range(repeats):
    vectorized = analytic.logistic_vectorized(X, Y, w, b)
t_vec = (time.perf_counter() - start) / repeats

model = LogisticRegression(2)
model.set_parameters({"w": w, "b": np.array([[b]])})
J = model.cost(X, Y)
J.backward()

heading(f"the cost J and its gradients on m = {X.shape[1]} examples")
print(f"{'':<10}{'J':>14}{'dw1':>14}{'dw2':>14}{'db':>14}")
for name, cost, dw, db in [("for-loop", loop["J"], loop["dw"], loop["db"]),
                           ("vectorized", vectorized["J"], vectorized["dw"], vectorized["db"]),
                           ("autodiff", J.item(), model.parameters["w"].grad, model.parameters["b"].grad)]:
    print(f"{name:<10}{float(cost):14.10f}{dw[0, 0]:14.10f}{dw[1, 0]:14.10f}{float(np.ravel(db)[0]):14.10f}")
heading("vectorization")
print(f"for-loop {t_loop * 1e3:.1f} ms, vectorized {t_vec * 1e3:.3f} ms: {t_loop / t_vec:.0f}x faster")

heading("batch gradient descent from w = 0, b = 0: 300 iterations on all m examples, α = 1.0")
model = LogisticRegression(2)
history = train(model, X, Y, learning_rate=1.0, epochs=300, progress=False)
print(f"J before training {history.initial_cost:.4f} (a = 1/2 everywhere: ln 2), "
      f"J after 300 iterations {history.costs[-1]:.4f}")
print(f"training accuracy {accuracy(predict(model, X), Y):.1%} (logistic regression draws a straight line, and no "
      "straight line separates the two moons; it minimises J, not the number of errors, so another line can "
      "make a few fewer)")
viz.plots.plot_cost([history.initial_cost, *history.costs], out / "logistic_cost.png", learning_rate=1.0,
                    title="J on the training set, epoch 0 = before training")
viz.plots.plot_decision_boundary(model.predict_proba, X, Y, out / "logistic_boundary.png", data="training set",
                                 title="logistic regression on moons")
print(f"wrote logistic_cost.png and logistic_boundary.png into {out}/")
