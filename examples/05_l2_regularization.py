"""L2 regularization: J + λ/(2m) Σ_l ‖W[l]‖²_F makes the weights smaller and the model smoother.

First the notes' Frobenius-norm example, ‖A‖²_F = 25, with the library's L2 cost. Then the same
over-sized net trained on a small noisy training set with λ = 0 and with λ > 0, comparing the
weights' Σ‖W[l]‖²_F, the two parts of J, and the train/test accuracy gap.
"""

import numpy as np
import viz.plots
from _common import heading, out_dir

from autograd_mini import DeepNet, Tensor, accuracy, analytic, l2_cost, predict, train
from autograd_mini.datasets import make_moons, train_test_split

out = out_dir(__doc__)

heading("the notes' Frobenius norm: ‖A‖_F² is the sum of the squares of A's entries")
A = np.array([[1.0, 2.0, 1.0], [-1.0, 2.0, -3.0], [0.0, 1.0, -2.0]])
print("A =\n" + str(A))
print("‖A‖_F² = 1² + 2² + 1² + (-1)² + 2² + (-3)² + 0² + 1² + (-2)² = "
      f"{analytic.l2_regularization_cost([A], m=1, lambd=2.0):g}  (the notes' loop with λ/(2m) = 1)")
print(f"the same through the graph: l2_cost([A], m=1, λ=2) = {l2_cost([Tensor(A)], m=1, lambd=2.0).item():g}; "
      f"‖A‖_F = √25 = {np.linalg.norm(A):g}")

X, Y = make_moons(m=400, noise=0.35, seed=3)
X_train, Y_train, X_test, Y_test = train_test_split(X, Y, test_fraction=0.8, seed=3)
m = X_train.shape[1]
heading(f"DeepNet([2, 64, 64, 1]) on m = {m} training and {X_test.shape[1]} test examples, "
        "3000 iterations of batch gradient descent, α = 0.3")
print(f"{'λ':>5} {'Σ‖W‖²_F':>10} {'cross-entropy':>14} {'λ/(2m)Σ‖W‖²_F':>15} {'train':>7} {'test':>7} {'gap':>7}")
for lambd in (0.0, 0.7):
    net = DeepNet([2, 64, 64, 1], seed=0)
    history = train(net, X_train, Y_train, learning_rate=0.3, epochs=3000, lambd=lambd, progress=False)
    norm = sum(float(np.sum(W.data ** 2)) for W in net.weights())
    l2_term = lambd / (2 * m) * norm
    train_acc, test_acc = accuracy(predict(net, X_train), Y_train), accuracy(predict(net, X_test), Y_test)
    print(f"{lambd:5.1f} {norm:10.2f} {history.costs[-1] - l2_term:14.4f} {l2_term:15.4f} "
          f"{train_acc:7.1%} {test_acc:7.1%} {train_acc - test_acc:7.1%}")
    viz.plots.plot_decision_boundary(net.predict_proba, X_train, Y_train, out / f"l2_lambda_{lambd:g}.png",
                                     data="training set", X_test=X_test, Y_test=Y_test, title=f"λ = {lambd:g}")
print("(J after training = cross-entropy + λ/(2m) Σ‖W‖²_F, over the whole training set)")
print(f"\nwrote l2_lambda_0.png and l2_lambda_0.7.png into {out}/")
