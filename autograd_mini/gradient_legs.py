"""The gradients that :func:`~autograd_mini.compare` and :func:`~autograd_mini.backprop_check.check_backward`
set side by side: autodiff's, and central differences of J with the entries on a ReLU kink marked.

Both checks build on this module and it on neither, so the dependency runs one way
(comparison → backprop_check → gradient_legs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gradcheck import numerical_grad_with_kinks, relative_difference
from .tensor import Tensor

__all__ = ["NumericLeg", "numeric_gradients", "autodiff_gradients", "max_abs_and_relative"]


@dataclass
class NumericLeg:
    """Central differences of J for one parameter: ``grad`` at the probed entries (all of them, or the
    ``index`` drawn at random), ``on_kink`` marking those on a ReLU kink, ``kinks`` the reasons."""

    grad: np.ndarray
    index: tuple | None
    on_kink: np.ndarray
    kinks: list

    def pick(self, full: np.ndarray) -> np.ndarray:
        """The entries of a full gradient that were probed."""
        return full if self.index is None else full[self.index]

    def judged(self, shape: tuple) -> np.ndarray:
        """Over the whole gradient: False at the entries whose probe is on a kink."""
        mask = np.ones(shape, dtype=bool)
        kinked = np.flatnonzero(self.on_kink)
        if self.index is None:
            mask.flat[kinked] = False
        else:
            mask[tuple(i[kinked] for i in self.index)] = False
        return mask

    def kink_summary(self, name: str) -> str:
        return (f"d{name}: {len(self.kinks)} of {self.on_kink.size} probed entries on a kink "
                f"(e.g. {self.kinks[0]})") if self.kinks else ""


def numeric_gradients(model, X: Tensor, Y: Tensor, lambd: float, max_entries: int, eps: float, seed) -> dict:
    """:class:`NumericLeg` of J for every parameter by name; a parameter with more than ``max_entries``
    entries is probed at ``max_entries`` of them drawn at random (seeded). The parameters are restored."""
    rng = np.random.default_rng(seed)
    legs = {}
    for name, p in model.parameters.items():
        if p.size <= max_entries:
            (probe,) = numerical_grad_with_kinks(lambda _: model._cost(X, Y, lambd), [p], eps)
            legs[name] = NumericLeg(probe.grad, None, probe.on_kink, list(probe.kinks.values()))
            continue
        index = np.unravel_index(np.sort(rng.choice(p.size, size=max_entries, replace=False)), p.shape)
        original = p.data.copy()
        probe_tensor = Tensor(p.data[index], label=name)

        def cost_at(probe):
            # write the probed entries into the parameter, then evaluate J
            p.data[index] = probe.data
            return model._cost(X, Y, lambd)

        try:
            (probe,) = numerical_grad_with_kinks(cost_at, [probe_tensor], eps)
        finally:
            p.data[...] = original
        legs[name] = NumericLeg(probe.grad, index, probe.on_kink, list(probe.kinks.values()))
    return legs


def autodiff_gradients(model, X: Tensor, Y: Tensor, lambd: float) -> tuple:
    """J, then by name: the parameters' gradients, and ∂J/∂Z[l], ∂J/∂A[l] of the nodes in ``model.cache``."""
    model.zero_grad()
    J = model._cost(X, Y, lambd)
    J.backward()
    grads = {name: p.grad.copy() for name, p in model.parameters.items()}
    nodes = {name: node.grad.copy() for name, node in model.cache.items()
             if name[0] in "ZA" and node.requires_grad and node.has_grad}
    return float(J.data), grads, nodes


def max_abs_and_relative(first: np.ndarray, second: np.ndarray) -> tuple:
    """max |Δ| and the relative difference, or (None, None) for no entries."""
    if np.size(first) == 0:
        return None, None
    return float(np.max(np.abs(first - second))), relative_difference(first, second)
