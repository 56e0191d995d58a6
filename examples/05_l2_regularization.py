"""L2 regularization: J + λ/(2m) Σ‖W[l]‖²_F makes the weights smaller and the model smoother.

Trains the same over-sized net on a small noisy training set with λ = 0 and with λ > 0,
then compares the weights' Frobenius norms and the train/test accuracy gap.
"""

import numpy as np
import viz.plots
from _common import heading, out_dir

from autograd_mini import DeepNet, accuracy, predict, train
from autograd_mini.datasets import make_moons, train_test_split

out = out_dir(__doc__)
X, Y = make_moons(m=400, noise=0.35, seed=3)
X_train, Y_train, X_test, Y_test = train_test_split(X, Y, test_fraction=0.8, seed=3)

heading(f"DeepNet([2, 64, 64, 1]) on {X_train.shape[1]} training and {X_test.shape[1]} test examples")
print(f"{'λ':>5} {'Σ‖W‖²_F':>10} {'train':>7} {'test':>7} {'gap':>7}")
for lambd in (0.0, 0.7):
    net = DeepNet([2, 64, 64, 1], initialization="he", seed=0)
    history = train(net, X_train, Y_train, learning_rate=0.3, epochs=3000, lambd=lambd, progress=False)
    norm = sum(float(np.sum(W.data ** 2)) for W in net.weights())
    train_acc, test_acc = accuracy(predict(net, X_train), Y_train), accuracy(predict(net, X_test), Y_test)
    print(f"{lambd:5.1f} {norm:10.2f} {train_acc:7.1%} {test_acc:7.1%} {train_acc - test_acc:7.1%}")
    viz.plots.plot_decision_boundary(net.predict_proba, X_train, Y_train, out / f"l2_lambda_{lambd:g}.png",
                                     title=f"λ = {lambd:g}")
print(f"\nwrote l2_lambda_0.png and l2_lambda_0.7.png into {out}/")
