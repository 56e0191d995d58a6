"""Batch and mini-batch gradient descent, the course's optimizers, predictions and accuracy.

One step is the notes' loop body: forward pass, cost J, backward pass, then
W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l], or the update of one of the optimizers
(:class:`Momentum`, :class:`RMSprop`, :class:`Adam`), with α = α₀ / (1 + decay_rate · epoch)
when the learning rate decays. One epoch is one pass over the training set:
one step for batch gradient descent, ⌈m / batch_size⌉ steps with mini-batches (the notes write
"chunksize" steps and a mini-batch cost with Σ_{i=1}^{l} and ‖W[2]‖; docs/notes-errata.md says
what they mean). ``History.costs`` is J over the whole training set after each epoch.

Words: here, as in the course, *batch* gradient descent takes the whole training set per step and
*mini-batch* gradient descent a mini-batch; the notes call the mini-batch version "batch gradient
descent" and the whole-set one "non-batched" (docs/notation.md).

>>> import numpy as np
>>> from autograd_mini import LogisticRegression
>>> X = np.array([[-2.0, -1.0, 1.0, 2.0]]); Y = np.array([[0.0, 0.0, 1.0, 1.0]])
>>> model = LogisticRegression(1)
>>> history = train(model, X, Y, learning_rate=0.5, epochs=200)
>>> round(history.initial_cost, 4)           # J before training: w = 0, b = 0 gives a = 1/2, J = ln 2
0.6931
>>> history.costs[-1] < history.costs[0] < history.initial_cost, accuracy(predict(model, X), Y)
(True, 1.0)
"""

from __future__ import annotations

import importlib.util
import math
import sys
from dataclasses import dataclass, field

import numpy as np

# tqdm.auto draws a widget bar in Jupyter, which needs ipywidgets; without it, importing tqdm.auto warns
# "IProgress not found" and falls back to the text bar, so the text bar is taken directly then.
if importlib.util.find_spec("ipywidgets") is not None:
    from tqdm.auto import tqdm
else:
    from tqdm import tqdm

from .errors import ShapeError
from .graph import no_grad
from .nn import as_data, from_one_hot
from .tensor import Tensor
from .validate import (check_batch_size, check_beta, check_decay_rate, check_epsilon, check_int, check_lambd,
                       check_learning_rate)

__all__ = [
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "OPTIMIZERS",
    "make_optimizer",
    "decayed_learning_rate",
    "History",
    "gradient_descent_step",
    "random_mini_batches",
    "batch_gradient_descent",
    "minibatch_gradient_descent",
    "train",
    "predict",
    "accuracy",
]

#: Runs with at least this many epochs get a progress bar when stderr is a terminal.
PROGRESS_MIN_EPOCHS = 100
#: The most epochs (or iterations) one run may take; the history keeps a cost for each.
MAX_EPOCHS = 1_000_000


def _subtract(parameter, step: np.ndarray) -> None:
    """parameter := parameter − step, in place: a Tensor's data (assigned, so a graph recorded before the
    update refuses a later backward pass) or the array itself."""
    if isinstance(parameter, Tensor):
        parameter.data -= step
    else:
        parameter -= step


def _average(store: dict, key: str, like: np.ndarray) -> np.ndarray:
    """The running average ``store[key]``, started at 0 the first time it is asked for."""
    average = store.get(key)
    if average is None:
        average = store[key] = np.zeros_like(like)
    return average


class GradientDescent:
    """W := W − α dW for every parameter (the notes' update). ``update(parameters, grads)`` changes
    the parameters in place: ``parameters`` by name (Tensors or arrays), ``grads`` as dW1, db1, …."""

    name = "gd"

    def __init__(self, learning_rate: float = 0.0075):
        self.learning_rate = check_learning_rate(learning_rate)

    def update(self, parameters: dict, grads: dict) -> None:
        alpha = self.learning_rate
        for name, p in parameters.items():
            _subtract(p, alpha * grads[f"d{name}"])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


class Momentum(GradientDescent):
    """Gradient descent with momentum: v_dW = β v_dW + (1 − β) dW, W := W − α v_dW (v starts at 0)."""

    name = "momentum"

    def __init__(self, learning_rate: float = 0.0075, beta: float = 0.9):
        super().__init__(learning_rate)
        self.beta = check_beta(beta, "beta β")
        self.v = {}

    def update(self, parameters: dict, grads: dict) -> None:
        alpha, beta = self.learning_rate, self.beta
        for name, p in parameters.items():
            dW = grads[f"d{name}"]
            v = _average(self.v, f"d{name}", dW)
            v *= beta
            v += (1 - beta) * dW
            _subtract(p, alpha * v)

    def __repr__(self) -> str:
        return f"Momentum(learning_rate={self.learning_rate:g}, beta={self.beta:g})"


class RMSprop(GradientDescent):
    """RMSprop: s_dW = β₂ s_dW + (1 − β₂) dW², W := W − α dW / (sqrt(s_dW) + ε) (s starts at 0)."""

    name = "rmsprop"

    def __init__(self, learning_rate: float = 0.0075, beta2: float = 0.999, epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta2 = check_beta(beta2, "beta2 β₂")
        self.epsilon = check_epsilon(epsilon)
        self.s = {}

    def update(self, parameters: dict, grads: dict) -> None:
        alpha, beta2, epsilon = self.learning_rate, self.beta2, self.epsilon
        for name, p in parameters.items():
            dW = grads[f"d{name}"]
            s = _average(self.s, f"d{name}", dW)
            s *= beta2
            s += (1 - beta2) * np.square(dW)
            _subtract(p, alpha * dW / (np.sqrt(s) + epsilon))

    def __repr__(self) -> str:
        return f"RMSprop(learning_rate={self.learning_rate:g}, beta2={self.beta2:g}, epsilon={self.epsilon:g})"


class Adam(GradientDescent):
    """Adam: momentum and RMSprop with bias correction at step t = 1, 2, …:
    v = β₁ v + (1 − β₁) dW, s = β₂ s + (1 − β₂) dW², v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ),
    W := W − α v̂ / (sqrt(ŝ) + ε)."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1 = check_beta(beta1, "beta1 β₁")
        self.beta2 = check_beta(beta2, "beta2 β₂")
        self.epsilon = check_epsilon(epsilon)
        self.t = 0
        self.v, self.s = {}, {}

    def update(self, parameters: dict, grads: dict) -> None:
        self.t += 1
        alpha, beta1, beta2, epsilon = self.learning_rate, self.beta1, self.beta2, self.epsilon
        correction1, correction2 = 1 - beta1 ** self.t, 1 - beta2 ** self.t
        for name, p in parameters.items():
            dW = grads[f"d{name}"]
            v = _average(self.v, f"d{name}", dW)
            s = _average(self.s, f"d{name}", dW)
            v *= beta1
            v += (1 - beta1) * dW
            s *= beta2
            s += (1 - beta2) * np.square(dW)
            _subtract(p, alpha * (v / correction1) / (np.sqrt(s / correction2) + epsilon))

    def __repr__(self) -> str:
        return (f"Adam(learning_rate={self.learning_rate:g}, beta1={self.beta1:g}, beta2={self.beta2:g}, "
                f"epsilon={self.epsilon:g})")


#: The optimizers by the name ``train(optimizer=…)`` and ``--optimizer`` take.
OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam}


def make_optimizer(name: str, learning_rate: float = 0.0075, beta1: float = 0.9, beta2: float = 0.999,
                   epsilon: float = 1e-8) -> GradientDescent:
    """The optimizer called ``name``; momentum takes its β from ``beta1`` (Adam's β₁ is that same average)."""
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid ones are: {', '.join(OPTIMIZERS)}")
    name = name.lower()
    if name == "gd":
        return GradientDescent(learning_rate)
    if name == "momentum":
        return Momentum(learning_rate, beta1)
    if name == "rmsprop":
        return RMSprop(learning_rate, beta2, epsilon)
    return Adam(learning_rate, beta1, beta2, epsilon)


def decayed_learning_rate(learning_rate: float, epoch: int, decay_rate: float) -> float:
    """α = α₀ / (1 + decay_rate · epoch), epoch counted from 0 (the first epoch uses α₀)."""
    return learning_rate / (1 + decay_rate * epoch)


@dataclass
class History:
    """What a training run went through, one cost per epoch and one per step.

    ``costs[k]``: J = −(1/m) Σ [y log a + (1 − y) log(1 − a)] + λ/(2m) Σ_l ‖W[l]‖²_F over the
    **whole training set** (all m examples, the L2 term once) with the parameters as they are at
    the end of epoch k + 1 (``per`` says "iteration" for batch gradient descent, where an epoch
    is one step, and "epoch" for mini-batches). ``initial_cost``: the same J before the first step.
    ``step_costs[t]``: the cost each step minimised, J{t} of its own mini-batch (the whole set for
    batch gradient descent), computed before that step's update. A mini-batch's J{t} carries
    the whole L2 term λ/(2·m_t) Σ‖W[l]‖²_F, so the mean of an epoch's J{t} is not J when λ > 0.

    With dropout or batch norm, ``costs`` are taken in prediction mode: no dropout, batch norm with
    its running averages of μ and σ². Those have learned nothing before the first step, so
    ``initial_cost`` of a batch-norm net normalizes with the training set's own μ and σ², as training
    does, and ``initial_cost_note`` says so (it is empty otherwise). The running averages then need
    about 1/(1 − β) = 10 steps to catch up: with batch gradient descent, the first ``costs`` of a
    batch-norm net lie above the ``step_costs``.
    """

    per: str
    costs: list = field(default_factory=list)
    step_costs: list = field(default_factory=list)
    initial_cost: float | None = None
    initial_cost_note: str = ""

    def __len__(self) -> int:
        return len(self.costs)


def gradient_descent_step(model, X: Tensor, Y: Tensor, learning_rate: float, lambd: float = 0.0,
                          optimizer=None) -> float:
    """One step of gradient descent on (X, Y), or of ``optimizer`` with its α set to ``learning_rate``;
    returns the cost J before the step. A batch-norm net then updates its running averages.

    When J is NaN or infinite the step is not applied (the training loops then stop and say where).

    X and Y (arrays or data Tensors) are taken as already checked: ``train`` checks them once,
    not on every step. Pass Tensors (``nn.as_data``) to avoid a copy of X per step.
    """
    X, Y = as_data(X), as_data(Y, "Y")
    parameters = model.parameters.values()
    for p in parameters:
        p.grad.fill(0.0)  # in place: no new array per parameter per step
    J = model._cost(X, Y, lambd)
    J.backward()
    cost = float(J.data)
    if math.isfinite(cost):  # a step whose cost is not finite is not applied
        if optimizer is None:
            for p in parameters:
                p.data -= learning_rate * p.grad
        else:
            optimizer.learning_rate = learning_rate
            optimizer.update(model.parameters, model.grads())
        model.update_running_averages()
    return cost


def random_mini_batches(X: np.ndarray, Y: np.ndarray, batch_size: int = 64, seed=None) -> list:
    """Shuffle the columns of (X, Y) together and cut them into mini-batches (X{t}, Y{t}).

    Every batch has ``batch_size`` examples except the last, which holds the m mod batch_size
    left over. ``seed`` (an int or a numpy Generator) makes the shuffle repeatable.
    """
    batch_size = check_batch_size(batch_size)
    m = X.shape[1]
    if Y.shape[1] != m:
        raise ShapeError(f"X has m = {m} examples (columns) but Y has m = {Y.shape[1]}; they must match")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    return [(X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]) for k in range(0, m, batch_size)]


def _bar(total: int, progress, desc: str):
    show = progress if progress is not None else (total >= PROGRESS_MIN_EPOCHS and sys.stderr.isatty())
    return tqdm(range(total), desc=desc, disable=not show, leave=False)


def _whole_set_cost(model, X: Tensor, Y: Tensor, lambd: float) -> float:
    """J over the whole training set at the current parameters: one forward pass, no graph recorded,
    in prediction mode (no dropout; batch norm with its running averages)."""
    with no_grad(), model.evaluating():
        return float(model._cost(X, Y, lambd).data)


#: What History.initial_cost_note says for a batch-norm net.
BATCH_NORM_INITIAL_NOTE = ("batch norm with the training set's own μ and σ², as training normalizes "
                           "(the running averages have learned nothing before the first step)")


def _start(history, model, X: Tensor, Y: Tensor, lambd: float) -> None:
    """``history.initial_cost``: J over the whole training set before the first step, without dropout;
    a batch-norm net normalizes with the set's own μ and σ² (see :class:`History`)."""
    batch_norm = bool(getattr(model, "batch_norm", ()))
    with no_grad(), model.evaluating(batch_statistics=batch_norm):
        history.initial_cost = float(model._cost(X, Y, lambd).data)
    history.initial_cost_note = BATCH_NORM_INITIAL_NOTE if batch_norm else ""


def _check_cost(cost: float, where: str, learning_rate: float) -> None:
    if not math.isfinite(cost):
        raise FloatingPointError(
            f"the cost J became {cost} at {where}; the parameters diverged: "
            f"try a smaller learning_rate α (now {learning_rate:g})")


#: Training stops when the cost J grows past this many times its first value.
DIVERGENCE_FACTOR = 10


def _check_divergence(J: float, first: float, epoch: int, learning_rate: float) -> None:
    """Stop when J is not finite or grew past DIVERGENCE_FACTOR × J before training: the
    steps overshoot the minimum, so α is too large (the parameters are not worth keeping)."""
    if not math.isfinite(J) or J > DIVERGENCE_FACTOR * first:
        raise FloatingPointError(
            f"training diverged at epoch {epoch}: J = {J:.4g}, more than {DIVERGENCE_FACTOR} × its first value "
            f"{first:.4g}; try a smaller learning rate α (now {learning_rate:g})")


def _prepare(model, X, Y, learning_rate, lambd, decay_rate=0.0):
    X, Y = model.check_data(X, Y)
    return X, Y, check_learning_rate(learning_rate), check_lambd(lambd), check_decay_rate(decay_rate)


def batch_gradient_descent(model, X, Y, learning_rate: float = 0.0075, num_iterations: int = 1000,
                           lambd: float = 0.0, progress: bool | None = None, optimizer=None,
                           decay_rate: float = 0.0, on_step=None, on_epoch=None) -> History:
    """``num_iterations`` steps on the whole training set.

    ``history.costs[i]`` is J after iteration i + 1, ``history.step_costs[i]`` J before it (the
    cost that step differentiated), so ``costs[i] == step_costs[i + 1]``: only the last costs one
    more forward pass. A net with dropout or batch norm differentiates its training-mode cost, so
    its ``costs`` take one more forward pass each, in prediction mode.

    ``optimizer``: an object of this module (None: plain gradient descent); α of iteration i is
    α₀ / (1 + decay_rate · i). ``progress``: None shows a tqdm bar for long runs when stderr is a
    terminal; True/False force it. ``on_step(model)`` and ``on_epoch(model, epoch)``: see :func:`train`.
    """
    X, Y, learning_rate, lambd, decay_rate = _prepare(model, X, Y, learning_rate, lambd, decay_rate)
    num_iterations = check_int(num_iterations, "num_iterations", 1, MAX_EPOCHS)
    X, Y = as_data(X, copy=False), as_data(Y, "Y", copy=False)  # checked above: wrapped, not copied
    history = History("iteration")
    exact = not model.has_training_mode  # the cost each step differentiates is then J itself
    if not exact:
        _start(history, model, X, Y, lambd)
    bar = _bar(num_iterations, progress, "gradient descent")
    for i in bar:
        alpha = decayed_learning_rate(learning_rate, i, decay_rate)
        cost = gradient_descent_step(model, X, Y, alpha, lambd, optimizer)
        _check_cost(cost, f"iteration {i}", alpha)
        if not exact:
            J = _whole_set_cost(model, X, Y, lambd)
            history.costs.append(J)
            _check_divergence(J, history.initial_cost, i, alpha)
        elif i == 0:
            history.initial_cost = cost
        else:
            history.costs.append(cost)  # J before step i is J after step i - 1
            _check_divergence(cost, history.initial_cost, i, alpha)
        history.step_costs.append(cost)
        if on_step is not None:
            on_step(model)
        if on_epoch is not None:
            on_epoch(model, i + 1)
        if i % 100 == 0:
            bar.set_postfix(J=f"{cost:.4f}", refresh=False)
    bar.close()
    if exact:
        history.costs.append(_whole_set_cost(model, X, Y, lambd))
    return history


def minibatch_gradient_descent(model, X, Y, learning_rate: float = 0.0075, epochs: int = 100,
                               batch_size: int = 64, lambd: float = 0.0, seed=None,
                               progress: bool | None = None, optimizer=None, decay_rate: float = 0.0,
                               on_step=None, on_epoch=None) -> History:
    """``epochs`` passes; each reshuffles (seeded by ``seed``) and steps once per mini-batch.

    ``history.costs`` has J over the whole training set at the end of each epoch (one forward
    pass per epoch, no graph recorded, in prediction mode), ``history.step_costs`` the cost of
    each mini-batch J{t}. ``optimizer``: as in :func:`batch_gradient_descent`; α of epoch k is
    α₀ / (1 + decay_rate · k). ``on_step(model)`` and ``on_epoch(model, epoch)``: see :func:`train`.
    """
    X, Y, learning_rate, lambd, decay_rate = _prepare(model, X, Y, learning_rate, lambd, decay_rate)
    epochs = check_int(epochs, "epochs", 1, MAX_EPOCHS)
    batch_size = check_batch_size(batch_size)
    if getattr(model, "batch_norm", ()) and (batch_size == 1 or X.shape[1] % batch_size == 1):
        raise ValueError(f"batch normalization needs mini-batches of at least 2 examples; batch_size = {batch_size} "
                         f"with m = {X.shape[1]} leaves a mini-batch of 1: choose another batch_size")
    rng = np.random.default_rng(seed)
    X_all, Y_all = as_data(X, copy=False), as_data(Y, "Y", copy=False)  # checked above: wrapped, not copied
    history = History("epoch")
    _start(history, model, X_all, Y_all, lambd)
    bar = _bar(epochs, progress, "mini-batch gradient descent")
    for epoch in bar:
        alpha = decayed_learning_rate(learning_rate, epoch, decay_rate)
        for t, (X_t, Y_t) in enumerate(random_mini_batches(X, Y, batch_size, rng)):
            cost = gradient_descent_step(model, as_data(X_t, copy=False), as_data(Y_t, "Y", copy=False), alpha,
                                         lambd, optimizer)
            _check_cost(cost, f"epoch {epoch}, mini-batch {t} (iteration {len(history.step_costs)})", alpha)
            history.step_costs.append(cost)
            if on_step is not None:
                on_step(model)
        J = _whole_set_cost(model, X_all, Y_all, lambd)
        history.costs.append(J)
        _check_divergence(J, history.initial_cost, epoch, alpha)
        if on_epoch is not None:
            on_epoch(model, epoch + 1)
        bar.set_postfix(J=f"{J:.4f}", refresh=False)
    bar.close()
    return history


def train(model, X, Y, learning_rate: float = 0.0075, epochs: int = 1000, batch_size: int | None = None,
          lambd: float = 0.0, seed=None, progress: bool | None = None, optimizer="gd", beta1: float = 0.9,
          beta2: float = 0.999, epsilon: float = 1e-8, decay_rate: float = 0.0, on_step=None,
          on_epoch=None) -> History:
    """Batch gradient descent when ``batch_size`` is None (one step per epoch), else mini-batches.

    ``optimizer``: "gd", "momentum" (β = ``beta1``), "rmsprop" (``beta2``, ``epsilon``) or "adam"
    (``beta1``, ``beta2``, ``epsilon``), or an optimizer object (used as it is; the β and ε
    arguments are then not read). α = ``learning_rate`` / (1 + ``decay_rate`` · epoch) is set on
    it before each epoch.

    What a teacher watches (:mod:`autograd_mini.monitor` has recorders for both):
    ``on_step(model)`` is called after every step that was applied, with that step's gradients
    still in the parameters' ``grad``; ``on_epoch(model, epoch)`` after every epoch (1, 2, …),
    with the parameters as they are at its end.
    """
    epochs = check_int(epochs, "epochs", 1, MAX_EPOCHS)
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, learning_rate, beta1, beta2, epsilon)
        if type(optimizer) is GradientDescent:
            optimizer = None  # the step's own W := W − α dW, without building the grads' dict
    elif not callable(getattr(optimizer, "update", None)):
        raise TypeError(f"optimizer must be one of {', '.join(OPTIMIZERS)} or an object with "
                        f"update(parameters, grads); got {optimizer!r}")
    if batch_size is None:
        return batch_gradient_descent(model, X, Y, learning_rate, epochs, lambd, progress, optimizer, decay_rate,
                                      on_step, on_epoch)
    return minibatch_gradient_descent(model, X, Y, learning_rate, epochs, batch_size, lambd, seed, progress,
                                      optimizer, decay_rate, on_step, on_epoch)


def predict(model, X, threshold: float = 0.5) -> np.ndarray:
    """ŷ = 1 where A[L] > 0.5, else 0, for every column of X (n_x, m); an (n_L, m) array.

    For a softmax output: the class of each column, the k of the largest a_k, as ints of shape (1, m).
    """
    A = model.predict_proba(X)
    if model.activations[-1] == "softmax":
        return from_one_hot(A)
    return (A > threshold).astype(np.float64)


def accuracy(Y_prediction, Y) -> float:
    """The fraction of examples predicted right.

    Same shapes (n_L, m): the fraction of entries where the prediction equals Y. Class indices
    (1, m) from a softmax model against one-hot Y (K, m): the fraction of columns whose class is Y's.
    """
    Y_prediction, Y = np.asarray(Y_prediction), np.asarray(Y)
    if Y_prediction.shape[:1] == (1,) and Y.ndim == 2 and Y.shape[0] > 1 and Y_prediction.shape[1:] == Y.shape[1:]:
        Y = from_one_hot(Y)
    if Y_prediction.shape != Y.shape:
        raise ShapeError(f"predictions have shape {Y_prediction.shape} but Y has shape {Y.shape}; expected "
                         "the same (n_L, m), or class indices (1, m) against one-hot Y (K, m)")
    return float(np.mean(Y_prediction == Y))
