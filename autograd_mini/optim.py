"""Batch and mini-batch gradient descent, predictions and accuracy.

One step is the notes' loop body: forward pass, cost J, backward pass, then
W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l]. One epoch is one pass over the training set:
one step for batch gradient descent, ⌈m / batch_size⌉ steps with mini-batches (the notes write
"chunksize" steps and a mini-batch cost with Σ_{i=1}^{l} and ‖W[2]‖; docs/notes-errata.md says
what they mean). ``History.costs`` is J over the whole training set after each epoch.

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

import math
import sys
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from .errors import ShapeError
from .graph import no_grad
from .nn import as_data
from .tensor import Tensor
from .validate import check_batch_size, check_int, check_lambd, check_learning_rate, check_XY

__all__ = [
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
    """

    per: str
    costs: list = field(default_factory=list)
    step_costs: list = field(default_factory=list)
    initial_cost: float | None = None

    def __len__(self) -> int:
        return len(self.costs)


def gradient_descent_step(model, X: Tensor, Y: Tensor, learning_rate: float, lambd: float = 0.0) -> float:
    """One step of gradient descent on (X, Y); returns the cost J before the step.

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
        for p in parameters:
            p.data -= learning_rate * p.grad
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
    """J over the whole training set at the current parameters: one forward pass, no graph recorded."""
    with no_grad():
        return float(model._cost(X, Y, lambd).data)


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


def _prepare(model, X, Y, learning_rate, lambd):
    X, Y = check_XY(X, Y, model.n_x, model.n_L)
    return X, Y, check_learning_rate(learning_rate), check_lambd(lambd)


def batch_gradient_descent(model, X, Y, learning_rate: float = 0.0075, num_iterations: int = 1000,
                           lambd: float = 0.0, progress: bool | None = None) -> History:
    """``num_iterations`` steps on the whole training set.

    ``history.costs[i]`` is J after iteration i + 1, ``history.step_costs[i]`` J before it (the
    cost that step differentiated), so ``costs[i] == step_costs[i + 1]``: only the last costs one
    more forward pass.

    ``progress``: None shows a tqdm bar for long runs when stderr is a terminal; True/False force it.
    """
    X, Y, learning_rate, lambd = _prepare(model, X, Y, learning_rate, lambd)
    num_iterations = check_int(num_iterations, "num_iterations")
    X, Y = as_data(X, copy=False), as_data(Y, "Y", copy=False)  # checked above: wrapped, not copied
    history = History("iteration")
    bar = _bar(num_iterations, progress, "gradient descent")
    for i in bar:
        cost = gradient_descent_step(model, X, Y, learning_rate, lambd)
        _check_cost(cost, f"iteration {i}", learning_rate)
        if i == 0:
            history.initial_cost = cost
        else:
            history.costs.append(cost)  # J before step i is J after step i - 1
            _check_divergence(cost, history.initial_cost, i, learning_rate)
        history.step_costs.append(cost)
        if i % 100 == 0:
            bar.set_postfix(J=f"{cost:.4f}", refresh=False)
    bar.close()
    history.costs.append(_whole_set_cost(model, X, Y, lambd))
    return history


def minibatch_gradient_descent(model, X, Y, learning_rate: float = 0.0075, epochs: int = 100,
                               batch_size: int = 64, lambd: float = 0.0, seed=None,
                               progress: bool | None = None) -> History:
    """``epochs`` passes; each reshuffles (seeded by ``seed``) and steps once per mini-batch.

    ``history.costs`` has J over the whole training set at the end of each epoch (one forward
    pass per epoch, no graph recorded), ``history.step_costs`` the cost of each mini-batch J{t}.
    """
    X, Y, learning_rate, lambd = _prepare(model, X, Y, learning_rate, lambd)
    epochs = check_int(epochs, "epochs")
    batch_size = check_batch_size(batch_size)
    rng = np.random.default_rng(seed)
    X_all, Y_all = as_data(X, copy=False), as_data(Y, "Y", copy=False)  # checked above: wrapped, not copied
    history = History("epoch", initial_cost=_whole_set_cost(model, X_all, Y_all, lambd))
    bar = _bar(epochs, progress, "mini-batch gradient descent")
    for epoch in bar:
        for t, (X_t, Y_t) in enumerate(random_mini_batches(X, Y, batch_size, rng)):
            cost = gradient_descent_step(model, as_data(X_t, copy=False), as_data(Y_t, "Y", copy=False),
                                         learning_rate, lambd)
            _check_cost(cost, f"epoch {epoch}, mini-batch {t} (iteration {len(history.step_costs)})", learning_rate)
            history.step_costs.append(cost)
        J = _whole_set_cost(model, X_all, Y_all, lambd)
        history.costs.append(J)
        _check_divergence(J, history.initial_cost, epoch, learning_rate)
        bar.set_postfix(J=f"{J:.4f}", refresh=False)
    bar.close()
    return history


def train(model, X, Y, learning_rate: float = 0.0075, epochs: int = 1000, batch_size: int | None = None,
          lambd: float = 0.0, seed=None, progress: bool | None = None) -> History:
    """Batch gradient descent when ``batch_size`` is None (one step per epoch), else mini-batches."""
    epochs = check_int(epochs, "epochs")
    if batch_size is None:
        return batch_gradient_descent(model, X, Y, learning_rate, epochs, lambd, progress)
    return minibatch_gradient_descent(model, X, Y, learning_rate, epochs, batch_size, lambd, seed, progress)


def predict(model, X, threshold: float = 0.5) -> np.ndarray:
    """ŷ = 1 where A[L] > 0.5, else 0, for every column of X (n_x, m); an (n_L, m) array."""
    return (model.predict_proba(X) > threshold).astype(np.float64)


def accuracy(Y_prediction, Y) -> float:
    """The fraction of entries where the prediction equals Y (both (n_L, m))."""
    Y_prediction, Y = np.asarray(Y_prediction), np.asarray(Y)
    if Y_prediction.shape != Y.shape:
        raise ShapeError(f"predictions have shape {Y_prediction.shape} but Y has shape {Y.shape}")
    return float(np.mean(Y_prediction == Y))
