"""Convolution and pooling as Tensor ops, in the notes' layout.

A_prev is (m, n_H_prev, n_W_prev, n_c_prev), W is (f, f, n_c_prev, n_c), b is (1, 1, 1, n_c);
the output Z is (m, n_H, n_W, n_c) with n_H = ⌊(n_H_prev + 2p − f)/s⌋ + 1 (and n_W alike).

The forward passes see every f × f window at once through
``numpy.lib.stride_tricks.sliding_window_view`` (a view, no copy) and contract it with one
``tensordot``; the backward passes scatter into the input with one vectorized add per
filter offset (i, j), f·f adds in all, never a loop over pixels.

>>> import numpy as np
>>> A_prev = Tensor(np.arange(16.0).reshape(1, 4, 4, 1), requires_grad=False)
>>> W = Tensor(np.ones((3, 3, 1, 1)))
>>> b = Tensor(np.zeros((1, 1, 1, 1)))
>>> Z = conv2d(A_prev, W, b, pad=1)          # a same convolution keeps n_H, n_W
>>> Z.shape
(1, 4, 4, 1)
>>> max_pool(A_prev, f=2, stride=2).data[0, :, :, 0]
array([[ 5.,  7.],
       [13., 15.]])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .errors import ShapeError
from .graph import Op
from .shapes import conv_output_size, same_padding
from .tensor import Tensor, _make

__all__ = ["conv2d", "max_pool", "avg_pool"]

_LAYOUT = "(m, n_H_prev, n_W_prev, n_c_prev)"


def _as_tensor(x, name: str) -> Tensor:
    # Arrays are data (like X): constants that get no gradient, as Tensor's operators treat them.
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x, requires_grad=False)
    raise TypeError(f"{name} must be a Tensor or a numpy array; got {type(x).__name__}")


def _check_A_prev(A_prev: Tensor, op: str) -> None:
    if A_prev.ndim != 4:
        raise ShapeError(f"{op}: A_prev has shape {A_prev.shape}; expected 4 dimensions {_LAYOUT} "
                         "— a single image needs m = 1, a grey one n_c = 1")


def _window_size(op: str, A_prev: Tensor, f: int, p: int, s: int) -> tuple[int, int]:
    """(n_H, n_W) of the output, or an error naming A_prev's shape and f, p, s."""
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    try:
        return conv_output_size(n_H_prev, f, p, s), conv_output_size(n_W_prev, f, p, s)
    except ShapeError:
        raise ShapeError(
            f"{op}: the f × f = {f} × {f} window does not fit A_prev of shape {A_prev.shape} {_LAYOUT} "
            f"with padding p = {p}: need f ≤ n_H_prev + 2p = {n_H_prev + 2 * p} and f ≤ n_W_prev + 2p = "
            f"{n_W_prev + 2 * p}") from None
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{op}: {exc}") from None


def _windows(A: np.ndarray, f: int, s: int) -> np.ndarray:
    """Every f × f window of A (m, n_H, n_W, n_c) at stride s, as a view (m, n_H', n_W', n_c, f, f)."""
    return sliding_window_view(A, (f, f), axis=(1, 2))[:, ::s, ::s]


def _scatter_back(like: np.ndarray, f: int, s: int, n_H: int, n_W: int, term) -> np.ndarray:
    """The gradient of the windowed input: for every filter offset (i, j), ``term(i, j)`` (shaped
    (m, n_H, n_W, n_c)) is added where that offset of every window lands; overlapping windows add up."""
    dA = np.zeros_like(like)
    for i in range(f):
        for j in range(f):
            dA[:, i:i + s * (n_H - 1) + 1:s, j:j + s * (n_W - 1) + 1:s] += term(i, j)
    return dA


# ---------------------------------------------------------------- convolution


class _Conv2d(Op):
    name = "conv2d"
    formula = "conv({0}, {1}) + {2}"
    dformula = ("W (each window's filter, scattered back)", "Σ windows of A_prev", "1")

    def vjp(self, out, g):
        # Z[i, h, w, c] = Σ_{di, dj, k} A_pad[i, h·s + di, w·s + dj, k] · W[di, dj, k, c] + b[c], so with dZ = g:
        #   dA_prev[window (h, w)] += Σ_c W[:, :, :, c] · dZ[i, h, w, c]   (scattered back, padding cut off)
        #   dW = Σ over windows of A_slice · dZ      (sum over m, n_H, n_W)
        #   db = Σ dZ over m, n_H, n_W
        A_prev, W, b = out._parents
        s, p = out._ctx
        f, _, _, n_c = W.data.shape
        _, n_H, n_W, _ = g.shape
        A_pad = np.pad(A_prev.data, ((0, 0), (p, p), (p, p), (0, 0))) if p else A_prev.data
        dA_prev = dW = db = None
        if A_prev.requires_grad:
            dA_pad = _scatter_back(A_pad, f, s, n_H, n_W, lambda i, j: g @ W.data[i, j].T)
            dA_prev = dA_pad[:, p:dA_pad.shape[1] - p, p:dA_pad.shape[2] - p] if p else dA_pad
        if W.requires_grad:
            # windows (m, n_H, n_W, n_c_prev, f, f) · dZ (m, n_H, n_W, n_c) → (n_c_prev, f, f, n_c)
            dW = np.tensordot(_windows(A_pad, f, s), g, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3)
        if b.requires_grad:
            db = g.sum(axis=(0, 1, 2)).reshape(1, 1, 1, n_c)
        return (dA_prev, dW, db)


CONV2D = _Conv2d()


def conv2d(A_prev, W, b, stride: int = 1, pad: int | str = 0) -> Tensor:
    """Z = A_prev * W + b: n_c filters of f × f × n_c_prev, stride s, zero padding p.

    A_prev (m, n_H_prev, n_W_prev, n_c_prev), W (f, f, n_c_prev, n_c), b (1, 1, 1, n_c) → Z
    (m, n_H, n_W, n_c) with n_H = ⌊(n_H_prev + 2p − f)/s⌋ + 1. ``pad="same"`` uses
    p = (f − 1)/2. Each output entry is Σ (A_slice ⊙ W[:, :, :, c]) + b[c], as the notes'
    conv_single_step (a cross-correlation: the filter is not flipped).
    """
    A_prev, W, b = _as_tensor(A_prev, "A_prev"), _as_tensor(W, "W"), _as_tensor(b, "b")
    _check_A_prev(A_prev, "conv2d")
    if W.ndim != 4 or W.shape[0] != W.shape[1]:
        raise ShapeError(f"conv2d: W has shape {W.shape}; expected (f, f, n_c_prev, n_c), square f × f filters")
    f, _, n_c_prev, n_c = W.shape
    if A_prev.shape[3] != n_c_prev:
        raise ShapeError(
            f"conv2d: A_prev has shape {A_prev.shape} {_LAYOUT} with n_c_prev = {A_prev.shape[3]}, but W has shape "
            f"{W.shape} (f, f, n_c_prev, n_c) with n_c_prev = {n_c_prev}; the filters' depth must equal the "
            "input's number of channels")
    if b.shape != (1, 1, 1, n_c):
        raise ShapeError(f"conv2d: b has shape {b.shape}; expected (1, 1, 1, n_c) = (1, 1, 1, {n_c}), one bias per filter")
    if pad == "same":
        try:
            pad = same_padding(f)
        except ValueError as exc:
            raise ValueError(f"conv2d: {exc}") from None
    _window_size("conv2d", A_prev, f, pad, stride)
    A_pad = np.pad(A_prev.data, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else A_prev.data
    # windows (m, n_H, n_W, n_c_prev, f, f) · W (f, f, n_c_prev, n_c) → Z (m, n_H, n_W, n_c)
    Z = np.tensordot(_windows(A_pad, f, stride), W.data, axes=([4, 5, 3], [0, 1, 2])) + b.data
    return _make(Z, CONV2D, (A_prev, W, b), (stride, pad))


# ---------------------------------------------------------------- pooling


class _MaxPool(Op):
    name = "max_pool"
    formula = "max_pool({0})"
    dformula = ("1 at each window's max, 0 elsewhere",)

    def vjp(self, out, g):
        # A[i, h, w, c] = max of the window: dA_prev gets dA at the window's (first) maximum, 0 elsewhere;
        # overlapping windows (s < f) add their contributions.
        (A_prev,) = out._parents
        f, s = out._ctx
        _, n_H, n_W, _ = g.shape
        windows = _windows(A_prev.data, f, s)
        argmax = windows.reshape(windows.shape[:4] + (f * f,)).argmax(axis=-1)
        return (_scatter_back(A_prev.data, f, s, n_H, n_W, lambda i, j: np.where(argmax == i * f + j, g, 0)),)


class _AvgPool(Op):
    name = "avg_pool"
    formula = "avg_pool({0})"
    dformula = ("1/(f·f) on each window",)

    def vjp(self, out, g):
        # A[i, h, w, c] = (1/f²) Σ window: every entry of the window gets dA / f²
        (A_prev,) = out._parents
        f, s = out._ctx
        _, n_H, n_W, _ = g.shape
        share = g / (f * f)
        return (_scatter_back(A_prev.data, f, s, n_H, n_W, lambda i, j: share),)


MAX_POOL, AVG_POOL = _MaxPool(), _AvgPool()


def _pool(A_prev, f: int, stride: int | None, op: Op, reduce) -> Tensor:
    A_prev = _as_tensor(A_prev, "A_prev")
    _check_A_prev(A_prev, op.name)
    stride = f if stride is None else stride
    _window_size(op.name, A_prev, f, 0, stride)
    return _make(reduce(_windows(A_prev.data, f, stride), axis=(4, 5)), op, (A_prev,), (f, stride))


def max_pool(A_prev, f: int, stride: int | None = None) -> Tensor:
    """The max of each f × f window, stride s (s = f by default), each channel alone.

    A_prev (m, n_H_prev, n_W_prev, n_c) → (m, n_H, n_W, n_c), n_H = ⌊(n_H_prev − f)/s⌋ + 1.
    """
    return _pool(A_prev, f, stride, MAX_POOL, np.max)


def avg_pool(A_prev, f: int, stride: int | None = None) -> Tensor:
    """The mean of each f × f window, stride s (s = f by default), each channel alone.

    A_prev (m, n_H_prev, n_W_prev, n_c) → (m, n_H, n_W, n_c), n_H = ⌊(n_H_prev − f)/s⌋ + 1.
    """
    return _pool(A_prev, f, stride, AVG_POOL, np.mean)
