"""Costs as Tensor ops: the fused sigmoid + cross-entropy from Z, the plain one from A, and the L2 term.

The fused op computes J from Z, never from A = σ(Z), so J stays finite when A saturates
at 0 or 1 (z = ±1000), and its backward rule is the notes' own dZ = (A − Y) / m.

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

__all__ = ["sigmoid_cross_entropy", "cross_entropy", "l2_cost"]


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
        Z, Y = out._parents
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
    formula = "(λ/2m) Σ_l ‖W[l]‖²_F"

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
