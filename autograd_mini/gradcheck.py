"""Numerical gradients and the notes' relative difference, to check any autodiff gradient.

>>> from autograd_mini import Value
>>> result = gradcheck(lambda a, b: (a * b + b.exp()).tanh(), [Value(0.3), Value(-0.2)])
>>> result.passed
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Sequence

import numpy as np

from .errors import ShapeError
from .graph import Node, no_grad, zero_grad
from .tensor import Tensor
from .value import Value

__all__ = ["numerical_grad", "relative_difference", "gradcheck", "GradcheckResult"]


def _scalar(out) -> float:
    if isinstance(out, Value):
        return out.data
    if isinstance(out, Tensor):
        return out.item()
    if isinstance(out, (int, float, np.integer, np.floating)):
        return float(out)
    raise TypeError(f"the checked function must return a Value, a one-element Tensor or a number; got {type(out).__name__}")


def _check_inputs(inputs) -> list:
    inputs = list(inputs)
    for node in inputs:
        if not isinstance(node, (Value, Tensor)):
            raise TypeError(f"inputs must be Value or Tensor nodes; got {type(node).__name__}")
        if isinstance(node, Tensor) and node.dtype != np.float64:
            raise TypeError(f"numerical gradients need float64 inputs; got a {node.dtype} tensor of shape "
                            f"{node.shape} (a step of 1e-6 is below float32's resolution): use dtype=np.float64")
    return inputs


def numerical_grad(f: Callable, inputs: Sequence[Node], eps: float = 1e-6) -> list:
    """dθ ≈ (J(θ + ε) − J(θ − ε)) / (2ε) for every entry θ of every input.

    ``f(*inputs)`` must return a scalar (a Value, a one-element Tensor or a number).
    Returns one float per Value and one array of the input's shape per Tensor. The inputs'
    data is restored afterwards; nothing is recorded while probing.
    """
    inputs = _check_inputs(inputs)
    grads = []
    with no_grad():
        for node in inputs:
            if isinstance(node, Value):
                theta = node.data
                node.data = theta + eps
                plus = _scalar(f(*inputs))
                node.data = theta - eps
                minus = _scalar(f(*inputs))
                node.data = theta
                grads.append((plus - minus) / (2 * eps))
                continue
            data = node.data
            grad = np.zeros(data.shape, dtype=np.float64)
            for idx in np.ndindex(data.shape):
                theta = data[idx]
                data[idx] = theta + eps
                plus = _scalar(f(*inputs))
                data[idx] = theta - eps
                minus = _scalar(f(*inputs))
                data[idx] = theta
                grad[idx] = (plus - minus) / (2 * eps)
            grads.append(grad)
    return grads


def _parts(grads) -> list:
    items = grads if isinstance(grads, (list, tuple)) else [grads]
    return [np.asarray(g, dtype=np.float64) for g in items]


def _flat(grads) -> np.ndarray:
    parts = [np.ravel(g) for g in _parts(grads)]
    return np.concatenate(parts) if parts else np.zeros(0)


def relative_difference(g, g_approx) -> float:
    """The notes' check: ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂); 0 when both are zero.

    ``g`` and ``g_approx`` are numbers, arrays, or lists of them (flattened and joined); the
    two must match item by item in shape, so a transposed gradient is never compared as equal.
    """
    shapes, approx_shapes = [p.shape for p in _parts(g)], [p.shape for p in _parts(g_approx)]
    if shapes != approx_shapes:
        raise ShapeError(f"cannot compare gradients of shapes {shapes} and {approx_shapes}")
    a, b = _flat(g), _flat(g_approx)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


@dataclass
class GradcheckResult:
    """What :func:`gradcheck` found: ``passed`` when ``difference`` < ``tol``, or when every
    entry agrees within ``atol`` (the relative difference means nothing when both gradients
    are zero up to rounding)."""

    passed: bool
    difference: float
    max_abs_difference: float
    tol: float
    analytic: list = field(repr=False)
    numeric: list = field(repr=False)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"gradcheck {verdict}: relative difference {self.difference:.3e} (tolerance {self.tol:.0e}), "
                f"max |Δ| {self.max_abs_difference:.3e}")


def gradcheck(f: Callable, inputs: Sequence[Node], eps: float = 1e-6, tol: float = 1e-7,
              atol: float = 1e-8) -> GradcheckResult:
    """Compare autodiff gradients of ``f(*inputs)`` with central differences.

    The inputs' gradients are zeroed, ``f`` is run and back-propagated once, and the
    result is set against :func:`numerical_grad` by :func:`relative_difference`.
    """
    inputs = _check_inputs(inputs)
    zero_grad(inputs)
    out = f(*inputs)
    if not isinstance(out, (Value, Tensor)):
        raise TypeError(f"the checked function must return a Value or a one-element Tensor; got {type(out).__name__}")
    out.backward()
    analytic = [node.grad if isinstance(node, Value) else np.array(node.grad) for node in inputs]
    numeric = numerical_grad(f, inputs, eps)
    difference = relative_difference(analytic, numeric)
    max_abs = float(np.max(np.abs(_flat(analytic) - _flat(numeric)), initial=0.0))
    return GradcheckResult(difference < tol or max_abs <= atol, difference, max_abs, tol, analytic, numeric)
