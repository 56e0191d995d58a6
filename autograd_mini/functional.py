"""Costs as Tensor ops: the fused sigmoid and softmax cross-entropies from Z, the plain one from A,
the L2 term, and the softmax output itself.

The fused ops compute J from Z, never from A = σ(Z) or A = softmax(Z), so J stays finite when A
saturates at 0 or 1 (z = ±1000), and their backward rule is ∂J/∂Z = (A − Y) / m: the per-example
dZ = A − Y (the notes' for the sigmoid; for softmax, which is not in the notes, the course's) over m.

>>> import numpy as np
>>> from autograd_mini import Tensor
>>> Z = Tensor([[1000.0, -1000.0]], label="Z")
>>> Y = Tensor([[0.0, 1.0]], requires_grad=False)
>>> J = sigmoid_cross_entropy(Z, Y)
>>> float(J.data)                    # both examples are wrong by 1000: J = (1000 + 1000) / 2
1000.0
>>> J.backward()
>>> Z.grad                           # dZ / m = (A − Y) / m with A = (1, 0)
array([[ 0.5, -0.5]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .graph import Op
from .tensor import Tensor, _make

__all__ = ["sigmoid_cross_entropy", "softmax", "softmax_cross_entropy", "cross_entropy", "l2_cost"]


class _SigmoidCrossEntropy(Op):
    """J = -(1/m) Σ [Y log σ(Z) + (1 − Y) log(1 − σ(Z))], one node; keeps A = σ(Z) for its backward."""

    __slots__ = ("A",)
    name = "sigmoid_cross_entropy"
    formula = "-(1/{k}) Σ [{1} log σ({0}) + (1 - {1}) log(1 - σ({0}))]"
    dformula = ("(σ({0}) - {1})/{k}", "-{0}/{k}")

    def __init__(self, A: np.ndarray):
        self.A = A

    def vjp(self, out, g):
        # the notes: dZ = A − Y per example, so ∂J/∂Z = (A − Y) / m; and ∂J/∂Y = −Z / m
        Z, Y = out._a, out._b
        m = out._ctx
        return ((g / m) * (self.A - Y.data) if Z.requires_grad else None,
                (g / m) * -Z.data if Y.requires_grad else None)


def sigmoid_cross_entropy(Z: Tensor, Y: Tensor) -> Tensor:
    """The cross-entropy cost J of A = σ(Z) against Y, computed from Z (mean over the m columns).

    Per entry, −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|)),
    which never takes the log of 0 nor overflows. Backward: dZ = (A − Y) / m.
    ``Z`` and ``Y`` are (n_L, m); with n_L > 1 the losses of all output units are summed.
    """
    z, y = Z.data, Y.data
    if z.shape != y.shape or z.ndim != 2:
        raise ValueError(f"Z has shape {z.shape} and Y has shape {y.shape}; both must be (n_L, m)")
    m = z.shape[1]
    e = np.exp(-np.abs(z))  # ≤ 1, shared by the loss and by A = σ(z) = (1 or e) / (1 + e)
    losses = np.maximum(z, 0) - z * y + np.log1p(e)
    A = np.where(z >= 0, 1.0, e) / (1 + e)
    return _make(np.asarray(losses.sum() / m), _SigmoidCrossEntropy(A), (Z, Y), m)


def _softmax_and_log(z: np.ndarray) -> tuple:
    """softmax(z) and log softmax(z) per column, from z − max (every exponent ≤ 0, so no e^z overflows):
    a = e^(z − max) / Σ e^(z − max), log a = z − max − log Σ e^(z − max)."""
    shifted = z - z.max(axis=0, keepdims=True)
    E = np.exp(shifted)
    total = E.sum(axis=0, keepdims=True)
    E /= total
    shifted -= np.log(total)
    return E, shifted


class _Softmax(Op):
    """A = softmax(Z) per column (example): a_k = e^(z_k) / Σ_j e^(z_j); the columns of A sum to 1."""

    name = "softmax"
    formula = "softmax({0})"
    dformula = ("diag({out}) - {out} {out}ᵀ",)
    dterm = ("{out} ∗ ({g} - Σ_k {out} ∗ {g})",)

    def vjp(self, out, g):
        # ∂a_k/∂z_j = a_k (δ_kj − a_j), so dZ = A ∗ (dA − Σ_k A ∗ dA), the sum over the classes of each column
        A = out.data
        return (A * (g - (A * g).sum(axis=0, keepdims=True)),)


SOFTMAX = _Softmax()


def softmax(Z: Tensor) -> Tensor:
    """A = softmax(Z) over each column of Z (n_L, m), computed as e^(log softmax) so |z| = 1000 is finite."""
    if Z.ndim != 2:
        raise ValueError(f"Z has shape {Z.shape}; softmax needs (n_L, m)")
    return _make(_softmax_and_log(Z.data)[0], SOFTMAX, (Z,))


class _SoftmaxCrossEntropy(Op):
    """J = −(1/m) Σ_i Σ_k Y log softmax(Z), one node; keeps A = softmax(Z) and log A for its backward."""

    __slots__ = ("A", "log_A")
    name = "softmax_cross_entropy"
    formula = "-(1/{k}) Σ {1} log softmax({0})"
    dformula = ("(softmax({0}) - {1})/{k}", "-log softmax({0})/{k}")

    def __init__(self, A: np.ndarray, log_A: np.ndarray):
        self.A, self.log_A = A, log_A

    def vjp(self, out, g):
        # as for the sigmoid: dZ = A − Y per example (Σ_k y_k = 1, checked when J was built), ∂J/∂Z = (A − Y) / m;
        # and ∂J/∂Y = −log A / m
        Z, Y = out._a, out._b
        m = out._ctx
        return ((g / m) * (self.A - Y.data) if Z.requires_grad else None,
                (g / m) * -self.log_A if Y.requires_grad else None)


def _check_distributions(y: np.ndarray) -> None:
    """Each column of Y (n_L, m) must be a distribution over the classes (entries ≥ 0 summing to 1; one-hot
    for labels): the backward rule dZ = A − Y uses Σ_k y_k = 1, and for other columns ∂J/∂Z would be
    (Σ_k y_k) A − Y instead."""
    tolerance = 8 * y.shape[0] * np.finfo(y.dtype if y.dtype.kind == "f" else np.float64).eps
    bad = (y < 0).any(axis=0) | ~(np.abs(y.sum(axis=0) - 1) <= tolerance)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"Y must hold one distribution over the n_L = {y.shape[0]} classes per column (entries ≥ 0 summing "
            f"to 1, one-hot for labels) for the softmax cross-entropy, whose gradient A − Y needs Σ_k y_k = 1; "
            f"column {i} is {np.array2string(y[:, i], precision=3, threshold=12, separator=', ')}, summing to "
            f"{y[:, i].sum():.6g} ({int(bad.sum())} such columns); use autograd_mini.one_hot(labels, n_classes)")


def softmax_cross_entropy(Z: Tensor, Y: Tensor) -> Tensor:
    """The categorical cross-entropy J = −(1/m) Σ_i Σ_k y_k log a_k of A = softmax(Z), from Z.

    log a_k = z_k − max_j z_j − log Σ_j e^(z_j − max_j z_j) (log-sum-exp): finite for any finite Z,
    so J stays finite at |z| = 1000. Backward: dZ = (A − Y) / m. ``Z`` and ``Y`` are (n_L, m); each column
    of Y is one-hot, or a distribution over the classes (entries ≥ 0 summing to 1); any other Y is a
    ValueError, as A − Y would not be the gradient of this J.
    """
    z, y = Z.data, Y.data
    if z.shape != y.shape or z.ndim != 2:
        raise ValueError(f"Z has shape {z.shape} and Y has shape {y.shape}; both must be (n_L, m)")
    _check_distributions(y)
    return checked_softmax_cross_entropy(Z, Y)


def checked_softmax_cross_entropy(Z: Tensor, Y: Tensor) -> Tensor:
    """:func:`softmax_cross_entropy` of a Z and Y already checked (a net checks its one-hot Y once before
    training, not at every step)."""
    m = Z.data.shape[1]
    A, log_A = _softmax_and_log(Z.data)
    return _make(np.asarray(-np.vdot(Y.data, log_A) / m), _SoftmaxCrossEntropy(A, log_A), (Z, Y), m)


def cross_entropy(A: Tensor, Y: Tensor) -> Tensor:
    """J = −(1/m) Σ [Y log A + (1 − Y) log(1 − A)] from the activations A (any output in (0, 1)).

    Built from plain Tensor ops, so its graph shows the notes' da = −y/a + (1 − y)/(1 − a);
    prefer :func:`sigmoid_cross_entropy` when A = σ(Z): this one is infinite when A hits 0 or 1.
    """
    if A.shape != Y.shape or A.ndim != 2:
        raise ValueError(f"A has shape {A.shape} and Y has shape {Y.shape}; both must be (n_L, m)")
    m = A.shape[1]
    return -(Y * A.log() + (1.0 - Y) * (1.0 - A).log()).sum() / m


class _L2(Op):
    __slots__ = ("dformula", "nformula")
    name = "L2"
    formula = "λ/(2m) Σ_l ‖W[l]‖²_F"

    def __init__(self, n_weights: int):
        # one parent per W[l]; {k} is λ/m
        self.dformula = tuple(f"(λ/m) {{{i}}}" for i in range(n_weights))
        self.nformula = tuple(f"{{k}}·{{{i}}}" for i in range(n_weights))

    def vjp(self, out, g):
        # d/dW[l] of λ/(2m) Σ ‖W[l]‖²_F is (λ/m) W[l]
        scale = g * out._ctx
        return tuple(scale * W.data if W.requires_grad else None for W in out._parents)


def l2_cost(weights: Sequence[Tensor], m: int, lambd: float) -> Tensor:
    """The notes' L2 regularization cost λ/(2m) Σ_l ‖W[l]‖²_F, one node over all the weights.

    Every layer's W[l] once, with m the examples of the (mini-)batch (the notes' mini-batch cost
    writes ‖W[2]‖ inside the sum: docs/notes-errata.md).
    """
    weights = tuple(weights)
    total = sum(float(np.vdot(W.data, W.data)) for W in weights)
    return _make(np.asarray(lambd / (2 * m) * total), _L2(len(weights)), weights, lambd / m)
