"""What a teacher watches while a net trains, as numbers that :mod:`viz.plots` draws.

- :func:`layer_activations`: each layer's A[l] for some data, at initialisation and after training
  (how the spread of A[l] grows or shrinks from layer to layer: the initialisation lesson);
- :class:`GradientNorms`: ‖dW[l]‖_F of every step, layer by layer (vanishing and exploding gradients);
  :func:`gradient_norms_by_initialization` records them for one net trained from each initialisation;
- :class:`LearningCurves`: J and the accuracy on the training set and on a dev set after every epoch;
- :func:`learning_rate_sweep`: J after k epochs for each learning rate α.

The recorders plug into :func:`autograd_mini.train` (``on_step=``, ``on_epoch=``) and change nothing
in the run they watch.

>>> import numpy as np
>>> from autograd_mini import DeepNet, train
>>> X, Y = np.array([[-2.0, -1.0, 1.0, 2.0]]), np.array([[0.0, 0.0, 1.0, 1.0]])
>>> norms = GradientNorms()
>>> history = train(DeepNet([1, 3, 1], seed=0), X, Y, learning_rate=0.5, epochs=4, on_step=norms)
>>> sorted(norms.norms), len(norms.norms["dW1"])      # one ‖dW[l]‖_F per layer per step
(['dW1', 'dW2'], 4)
"""

from __future__ import annotations

import numpy as np

from .graph import no_grad
from .nn import DeepNet, as_data
from .optim import accuracy, predict, train
from .validate import check_int, check_learning_rate

__all__ = ["layer_activations", "GradientNorms", "LearningCurves", "learning_rate_sweep",
           "gradient_norms_by_initialization", "SCHEMES_COMPARED"]

#: The initialisations compared by :func:`gradient_norms_by_initialization`.
SCHEMES_COMPARED = ("small_random", "xavier", "he")


def layer_activations(model, X) -> dict:
    """A[1], …, A[L] for the examples X (n_x, m), by name, as numpy arrays (n[l], m).

    Taken in prediction mode (no dropout); a batch-norm layer normalizes with the μ and σ² of X,
    as training does, so the activations before training are the ones the first step sees.
    """
    L = len(model.layer_dims) - 1
    with no_grad(), model.evaluating(batch_statistics=bool(getattr(model, "batch_norm", ()))):
        model.forward(X)
    return {f"A{l}": model.cache[f"A{l}"].data.copy() for l in range(1, L + 1) if f"A{l}" in model.cache}


def _weight_names(model) -> list:
    """The weight matrices' names: W1, …, WL (or w for logistic regression)."""
    return [name for name in model.parameters if name[0] in "Ww"]


class GradientNorms:
    """``on_step`` recorder: after every step, the Frobenius norm ‖dW[l]‖_F of each layer's gradient.

    ``norms``: {"dW1": [one number per step], …}; ``diverged``: why the run stopped early, or "".
    """

    def __init__(self):
        self.norms: dict = {}
        self.diverged = ""

    def __call__(self, model) -> None:
        for name in _weight_names(model):
            self.norms.setdefault(f"d{name}", []).append(float(np.linalg.norm(model.parameters[name].grad)))


class LearningCurves:
    """``on_epoch`` recorder: after every epoch, the cost and the accuracy on the training set and on a
    dev set, both in prediction mode (no dropout, batch norm with its running averages).

    The cost is the cross-entropy without the L2 term, so that the two sets' curves measure the same
    thing (λ/(2m) Σ‖W[l]‖²_F depends on each set's m). ``curves``: {"train": {"cost": […], "accuracy":
    […]}, "dev": {…}}, one entry per epoch 1, 2, …; ``epochs``: those epoch numbers; ``sizes``: each set's m.
    """

    def __init__(self, model, X_train, Y_train, X_dev, Y_dev):
        checked = {"train": model.check_data(X_train, Y_train), "dev": model.check_data(X_dev, Y_dev)}
        self.data = {name: (as_data(X, model.input_label), as_data(Y, "Y")) for name, (X, Y) in checked.items()}
        self.curves = {name: {"cost": [], "accuracy": []} for name in self.data}
        self.sizes = {name: X.shape[1] for name, (X, _) in self.data.items()}
        self.epochs: list = []

    def __call__(self, model, epoch: int) -> None:
        self.epochs.append(epoch)
        for name, (X, Y) in self.data.items():
            with no_grad(), model.evaluating():
                self.curves[name]["cost"].append(float(model._cost(X, Y, 0.0).data))
            self.curves[name]["accuracy"].append(accuracy(predict(model, X.data), Y.data))


def learning_rate_sweep(make_model, X, Y, learning_rates, epochs: int, **train_options) -> dict:
    """{α: J over the training set after ``epochs`` epochs} for each α, each from a fresh
    ``make_model()``; J is inf where training diverged (:func:`~autograd_mini.train` stopped it).

    ``train_options`` go to :func:`~autograd_mini.train` (batch_size, optimizer, lambd, seed, …).
    """
    epochs = check_int(epochs, "epochs")
    rates = sorted({check_learning_rate(alpha) for alpha in learning_rates})
    if not rates:
        raise ValueError("learning_rates must hold at least one learning rate α")
    results = {}
    for alpha in rates:
        try:
            history = train(make_model(), X, Y, learning_rate=alpha, epochs=epochs, progress=False, **train_options)
            results[alpha] = history.costs[-1]
        except FloatingPointError:
            results[alpha] = float("inf")
    return results


def gradient_norms_by_initialization(layer_dims, activations, X, Y, schemes=SCHEMES_COMPARED, seed=0,
                                     **train_options) -> dict:
    """{scheme: :class:`GradientNorms`} of ``DeepNet(layer_dims, activations, scheme, seed)`` trained on
    (X, Y) with ``train_options`` (learning_rate, epochs, batch_size, …), one run per scheme.

    A run that diverges keeps the norms up to its last step and says why in ``diverged``.
    """
    runs = {}
    for scheme in schemes:
        norms = GradientNorms()
        try:
            train(DeepNet(layer_dims, activations, scheme, seed=seed), X, Y, progress=False, seed=seed,
                  on_step=norms, **train_options)
        except FloatingPointError as exc:
            norms.diverged = str(exc)
        runs[scheme] = norms
    return runs
