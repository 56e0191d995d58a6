"""Numerical gradients and the course's relative difference, to check any autodiff gradient.

Central differences are not judged where the function bends within θ ± ε: a ReLU or leaky-ReLU input
at 0, a tie in a max_pool window, a branch of the function's own Python code (:mod:`autograd_mini.kinks`):
there they measure the mean of two slopes, not a derivative.

>>> from autograd_mini import Value
>>> result = gradcheck(lambda a, b: (a * b + b.exp()).tanh(), [Value(0.3), Value(-0.2)])
>>> result.passed
True
>>> print(gradcheck(lambda z: z.relu() * 3, [Value(0.0)]))
gradcheck not judged: all 1 entries sit on a kink (relu input #1 = 0 at θ crosses 0 between θ − ε and θ + ε); central differences measure no derivative there
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence

import numpy as np

from .errors import ShapeError
from .graph import Node, no_grad, zero_grad
from .kinks import Kink, find_kink, kink_reading
from .tensor import Tensor
from .value import Value

__all__ = ["numerical_grad", "numerical_grad_with_kinks", "NumericGradient", "relative_difference", "gradcheck",
           "GradcheckResult", "MAX_NUMERIC", "central_difference_cost"]

#: A parameter of more entries is checked numerically at this many of them, drawn at random (``compare``).
MAX_NUMERIC = 2000
# Seconds one forward pass of a net's central differences took on the development machine (the kink
# watch included): a fixed part, per entry of the Z[l] and A[l] it computes, per multiply-add of W[l] A[l-1].
_PASS_SECONDS, _ENTRY_SECONDS, _MULTIPLY_ADD_SECONDS = 3e-4, 1.5e-8, 2e-10


def central_difference_cost(layer_dims, m: int, max_numeric: int = MAX_NUMERIC) -> tuple[int, float]:
    """The forward passes that the central differences of every W[l] and b[l] of ``layer_dims`` take on
    m examples (two per probed entry, at most ``max_numeric`` entries per parameter), and an estimate of
    their seconds at the development machine's measured rates."""
    dims = [int(n) for n in layer_dims]
    probed = sum(min(n * n_prev, max_numeric) + min(n, max_numeric) for n_prev, n in zip(dims, dims[1:]))
    passes = 2 * probed
    entries = 2 * sum(dims[1:]) * m
    multiply_adds = sum(n * n_prev for n_prev, n in zip(dims, dims[1:])) * m
    return passes, passes * (_PASS_SECONDS + _ENTRY_SECONDS * entries + _MULTIPLY_ADD_SECONDS * multiply_adds)


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


@dataclass
class NumericGradient:
    """Central differences for one input: ``grad`` (a float for a Value, an array of the input's
    shape for a Tensor) and ``kinks``, the entries on a kink by index (``()`` for a Value)."""

    grad: object
    kinks: dict = field(default_factory=dict)

    @property
    def on_kink(self) -> np.ndarray:
        """True at the entries whose central difference is not a derivative."""
        mask = np.zeros(np.shape(self.grad), dtype=bool)
        for index in self.kinks:
            mask[index] = True
        return mask


def _central_differences(f: Callable, inputs: list, eps: float, watch_kinks: bool) -> list:
    """dθ ≈ (J(θ + ε) − J(θ − ε)) / (2ε) for every entry θ; with ``watch_kinks`` the graph is
    recorded at each point and read by :func:`~autograd_mini.kinks.find_kink`."""

    def evaluate():
        out = f(*inputs)
        return _scalar(out), (kink_reading(out) if watch_kinks else None)

    results = []
    with contextlib.nullcontext() if watch_kinks else no_grad():
        centre = evaluate()[1]
        for node in inputs:
            is_value = isinstance(node, Value)
            data = None if is_value else node.data
            grad = np.zeros(() if is_value else data.shape, dtype=np.float64)
            kinks = {}
            for idx in np.ndindex(grad.shape):
                theta = node.data if is_value else data[idx]
                points = []
                for shifted in (theta + eps, theta - eps):
                    if is_value:
                        node.data = shifted
                    else:
                        data[idx] = shifted
                    points.append(evaluate())
                if is_value:
                    node.data = theta
                else:
                    data[idx] = theta
                (plus, z_plus), (minus, z_minus) = points
                grad[idx] = (plus - minus) / (2 * eps)
                kink = find_kink(z_minus, centre, z_plus, eps) if watch_kinks else None
                if kink is not None:
                    kinks[idx] = kink
            results.append(NumericGradient(float(grad) if is_value else grad, kinks))
    return results


def numerical_grad(f: Callable, inputs: Sequence[Node], eps: float = 1e-6) -> list:
    """dθ ≈ (J(θ + ε) − J(θ − ε)) / (2ε) for every entry θ of every input.

    ``f(*inputs)`` must return a scalar (a Value, a one-element Tensor or a number).
    Returns one float per Value and one array of the input's shape per Tensor. The inputs'
    data is restored afterwards; nothing is recorded while probing.
    """
    return [result.grad for result in _central_differences(f, _check_inputs(inputs), eps, False)]


def numerical_grad_with_kinks(f: Callable, inputs: Sequence[Node], eps: float = 1e-6) -> list:
    """:func:`numerical_grad`, and for each input the entries on a kink (a :class:`NumericGradient`
    per input). ``f`` is run with the graph recorded, so that its kinks and branches can be read."""
    return _central_differences(f, _check_inputs(inputs), eps, True)


def _parts(grads) -> list:
    items = grads if isinstance(grads, (list, tuple)) else [grads]
    return [np.asarray(g, dtype=np.float64) for g in items]


def _flat(grads) -> np.ndarray:
    parts = [np.ravel(g) for g in _parts(grads)]
    return np.concatenate(parts) if parts else np.zeros(0)


def relative_difference(g, g_approx) -> float:
    """The course's gradient-checking difference ‖g − g_approx‖₂ / (‖g‖₂ + ‖g_approx‖₂); 0 when both are zero.

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
    """What :func:`gradcheck` found.

    ``difference`` and ``max_abs_difference`` cover the ``judged`` entries, those not on a kink;
    ``kinks`` lists the others with the reason. ``verdict`` is "FAILED" when the judged entries
    disagree (``difference`` ≥ ``tol`` and some entry differs by more than ``atol``: the relative
    difference means nothing when both gradients are zero up to rounding), "not judged" when no entry
    was judged (every entry on a kink, or no entries), else "passed". ``passed`` (and ``bool()``) is
    True for "passed" only: a check that judged nothing has shown nothing.
    """

    passed: bool
    difference: float
    max_abs_difference: float
    tol: float
    analytic: list = field(repr=False)
    numeric: list = field(repr=False)
    judged: int = 0
    kinks: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def verdict(self) -> str:
        if self.judged == 0:
            return "not judged"
        return "passed" if self.passed else "FAILED"

    def __str__(self) -> str:
        total = self.judged + len(self.kinks)
        if self.judged == 0:
            if not self.kinks:
                return "gradcheck not judged: the inputs have no entries"
            return (f"gradcheck not judged: all {total} entries sit on a kink ({self.kinks[0]}); "
                    "central differences measure no derivative there")
        text = (f"gradcheck {self.verdict}: relative difference {self.difference:.3e} (tolerance {self.tol:.0e}), "
                f"max |Δ| {self.max_abs_difference:.3e}")
        if self.kinks:
            text += f"; {len(self.kinks)} of {total} entries on a kink not judged ({self.kinks[0]})"
        return text


def gradcheck(f: Callable, inputs: Sequence[Node], eps: float = 1e-6, tol: float = 1e-7,
              atol: float = 1e-8) -> GradcheckResult:
    """Compare autodiff gradients of ``f(*inputs)`` with central differences.

    The inputs' gradients are zeroed, ``f`` is run and back-propagated once, and the result is
    set against :func:`numerical_grad_with_kinks` by :func:`relative_difference`, leaving out the
    entries on a kink (:mod:`autograd_mini.kinks`).
    """
    inputs = _check_inputs(inputs)
    zero_grad(inputs)
    out = f(*inputs)
    if not isinstance(out, (Value, Tensor)):
        raise TypeError(f"the checked function must return a Value or a one-element Tensor; got {type(out).__name__}")
    out.backward()
    analytic = [node.grad if isinstance(node, Value) else np.array(node.grad) for node in inputs]
    probes = numerical_grad_with_kinks(f, inputs, eps)
    numeric = [probe.grad for probe in probes]
    judged = ~np.concatenate([probe.on_kink.ravel() for probe in probes]) if probes else np.zeros(0, dtype=bool)
    a, b = _flat(analytic)[judged], _flat(numeric)[judged]
    difference = relative_difference(a, b)
    max_abs = float(np.max(np.abs(a - b), initial=0.0))
    kinks: list[Kink] = [kink for probe in probes for kink in probe.kinks.values()]
    passed = bool(judged.any()) and (difference < tol or max_abs <= atol)
    return GradcheckResult(passed, difference, max_abs, tol, analytic, numeric, int(judged.sum()), kinks)
