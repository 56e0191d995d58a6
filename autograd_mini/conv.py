"""Convolution and pooling as Tensor ops, in the notes' conv layout (pooling is not in the notes: the course's).

A_prev is (m, n_H_prev, n_W_prev, n_c_prev), W is (f, f, n_c_prev, n_c), b is (1, 1, 1, n_c);
the output Z is (m, n_H, n_W, n_c) with n_H = ⌊(n_H_prev + 2p − f)/s⌋ + 1 (and n_W alike).

conv2d lays every f × f window out as one column of a matrix (f·f block copies, one per filter
offset (i, j), channels first) and multiplies it with W, a few examples at a time so that the
matrix stays in the processor's cache. Max pooling takes the elementwise maximum of the f·f
shifted views of the input, one per offset (i, j); average pooling the mean of a
``numpy.lib.stride_tricks.sliding_window_view`` (a view, no copy). The backward passes scatter
into the input with one vectorized operation per filter offset (i, j), f·f in all, never a loop
over pixels.

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


def _scatter_back(shape: tuple, dtype, f: int, s: int, n_H: int, n_W: int, term) -> np.ndarray:
    """The gradient of the windowed input (of ``shape``): for every filter offset (i, j), ``term(i, j)``
    (shaped (m, n_H, n_W, n_c)) is added where that offset of every window lands; overlapping windows add up."""
    dA = np.zeros(shape, dtype)
    for i in range(f):
        for j in range(f):
            dA[:, i:i + s * (n_H - 1) + 1:s, j:j + s * (n_W - 1) + 1:s] += term(i, j)
    return dA


# ---------------------------------------------------------------- convolution


# A window matrix is built and multiplied a few examples at a time, each piece about this size, so that
# the product reads it from the processor's cache instead of from memory (about twice as fast).
_PIECE_BYTES = 1 << 20


def _pieces(A_pad: np.ndarray, f: int, s: int, n_H: int, n_W: int):
    """For each group of examples: (their slice of m, their window matrix).

    ``A_pad`` is the padded input channels first, (n_c_prev, m, n_H_prev + 2p, n_W_prev + 2p). Row
    (i, j, k) of a window matrix holds channel k at offset (i, j) of each window of those examples, one
    column per window (h, w) in order: f·f block copies. The matrix is only valid until the next one.
    """
    n_c_prev, m = A_pad.shape[:2]
    per_example = f * f * n_c_prev * n_H * n_W
    step = max(1, _PIECE_BYTES // (per_example * A_pad.itemsize))
    buffer = np.empty(per_example * min(step, m), A_pad.dtype)
    for start in range(0, m, step):
        examples = slice(start, min(start + step, m))
        n = examples.stop - start
        cols = buffer[:per_example * n].reshape(f, f, n_c_prev, n, n_H, n_W)
        for i in range(f):
            for j in range(f):
                cols[i, j] = A_pad[:, examples, i:i + s * (n_H - 1) + 1:s, j:j + s * (n_W - 1) + 1:s]
        yield examples, cols.reshape(f * f * n_c_prev, n * n_H * n_W)


class _Conv2d(Op):
    """Keeps the padded input, channels first: dW needs the window matrices again."""

    __slots__ = ("A_pad",)
    name = "conv2d"
    formula = "conv({0}, {1}) + {2}"
    dformula = ("W (each window's filter, scattered back)", "Σ windows of A_prev", "1")

    def __init__(self, A_pad: np.ndarray):
        self.A_pad = A_pad

    def vjp(self, out, g):
        # Z[i, h, w, c] = Σ_{di, dj, k} A_pad[i, h·s + di, w·s + dj, k] · W[di, dj, k, c] + b[c], that is
        # Zᵀ = Wᵀ · A_cols as matrices (A_cols: one row per (di, dj, k), one column per window), so with
        # dZ = g as a matrix (one row per window, one column per filter, as the notes lay it out):
        #   dW = A_cols · dZ       (Σ over the windows of A_slice · dZ)
        #   dA_cols = W · dZᵀ, each window's column added back onto that window of A_prev (overlaps add up,
        #   the padding is cut off)
        #   db = Σ dZ over m, n_H, n_W
        A_prev, W, b = out._parents
        s, p = out._ctx
        f, _, n_c_prev, n_c = W.data.shape
        m, n_H, n_W, _ = g.shape
        dZ = g.reshape(m * n_H * n_W, n_c)
        dA_prev = dW = db = None
        if A_prev.requires_grad:
            # channels first, as in the forward pass: the rows (i, j, ·) of dA_cols, W[i, j] · dZᵀ, land on the
            # (i, j) offset of every window in one vectorized add
            _, n_H_prev, n_W_prev, _ = A_prev.data.shape
            dA_pad = np.zeros((n_c_prev, m, n_H_prev + 2 * p, n_W_prev + 2 * p), np.result_type(W.data, g))
            rows = np.empty((n_c_prev, m * n_H * n_W), dA_pad.dtype)  # one buffer for the f·f products
            for i in range(f):
                for j in range(f):
                    np.matmul(W.data[i, j], dZ.T, out=rows)
                    dA_pad[:, :, i:i + s * (n_H - 1) + 1:s, j:j + s * (n_W - 1) + 1:s] += \
                        rows.reshape(n_c_prev, m, n_H, n_W)
            dA_prev = dA_pad[:, :, p:p + n_H_prev, p:p + n_W_prev].transpose(1, 2, 3, 0)
        if W.requires_grad:
            dW = np.zeros((f * f * n_c_prev, n_c), np.result_type(self.A_pad, g))
            for examples, A_cols in _pieces(self.A_pad, f, s, n_H, n_W):
                dW += A_cols @ dZ[examples.start * n_H * n_W:examples.stop * n_H * n_W]
            dW = dW.reshape(f, f, n_c_prev, n_c)
        if b.requires_grad:
            db = dZ.sum(axis=0).reshape(1, 1, 1, n_c)
        return (dA_prev, dW, db)


def conv2d(A_prev, W, b, stride: int = 1, pad: int | str = 0) -> Tensor:
    """Z = A_prev * W + b: n_c filters of f × f × n_c_prev, stride s, zero padding p.

    A_prev (m, n_H_prev, n_W_prev, n_c_prev), W (f, f, n_c_prev, n_c), b (1, 1, 1, n_c) → Z
    (m, n_H, n_W, n_c) with n_H = ⌊(n_H_prev + 2p − f)/s⌋ + 1. ``pad="same"`` uses
    p = (f − 1)/2. Each output entry is Σ (A_slice ⊙ W[:, :, :, c]) + b[c], as the course's
    conv_single_step computes it (a cross-correlation: the filter is not flipped); the notes write the
    layer as g(a[l−1] ∗ W[l] + b) and give its shapes.
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
    n_H, n_W = _window_size("conv2d", A_prev, f, pad, stride)
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    # Channels first, (n_c_prev, m, n_H_prev + 2p, n_W_prev + 2p), with the zero padding: the matrix
    # products below then run on long contiguous rows, faster than on the notes' channels-last layout.
    A_pad = A_prev.data.transpose(3, 0, 1, 2)
    if pad:
        A_pad = np.zeros((n_c_prev, m, n_H_prev + 2 * pad, n_W_prev + 2 * pad), A_pad.dtype)
        A_pad[:, :, pad:pad + n_H_prev, pad:pad + n_W_prev] = A_prev.data.transpose(3, 0, 1, 2)
    # Zᵀ = Wᵀ · A_cols, (n_c, f·f·n_c_prev) · (f·f·n_c_prev, m·n_H·n_W), a few examples at a time
    Z = np.empty((n_c, m * n_H * n_W), np.result_type(A_pad, W.data, b.data))
    W_T = W.data.reshape(f * f * n_c_prev, n_c).T
    for examples, A_cols in _pieces(A_pad, f, stride, n_H, n_W):
        np.matmul(W_T, A_cols, out=Z[:, examples.start * n_H * n_W:examples.stop * n_H * n_W])
    Z += b.data.reshape(n_c, 1)
    Z = Z.reshape(n_c, m, n_H, n_W)
    # back to the notes' (m, n_H, n_W, n_c), as a view: no copy
    return _make(Z.transpose(1, 2, 3, 0), _Conv2d(A_pad), (A_prev, W, b), (stride, pad))


# ---------------------------------------------------------------- pooling


class _MaxPool(Op):
    name = "max_pool"
    formula = "max_pool({0})"
    dformula = ("1 at each window's max, 0 elsewhere",)

    def vjp(self, out, g):
        # A[i, h, w, c] = max of the window: dA_prev gets dA at the window's first maximum (in the window's
        # row-major order (i, j), as argmax takes it; a window holding NaN has its first NaN as maximum),
        # 0 elsewhere; overlapping windows (s < f) add their contributions.
        A_prev = out._a
        f, s = out._ctx
        m, n_H, n_W, n_c = g.shape
        A, A_max = A_prev.data, out.data
        nan_windows = np.isnan(A_max)
        has_nan = nan_windows.any()
        if s == f:
            # windows side by side: A's covered part, viewed as (m, n_H, f, n_W, f, n_c), is compared
            # with each window's max in one broadcast, and dA is written in one broadcast product
            blocks = A[:, :n_H * f, :n_W * f].reshape(m, n_H, f, n_W, f, n_c)
            at_max = blocks == A_max[:, :, None, :, None, :]
            if has_nan:
                at_max |= np.isnan(blocks) & nan_windows[:, :, None, :, None, :]
            _keep_first(at_max[:, :, i, :, j, :] for i in range(f) for j in range(f))
            covered = n_H * f == A.shape[1] and n_W * f == A.shape[2]
            dA = (np.empty if covered else np.zeros)(A.shape, np.result_type(A, g))
            np.multiply(at_max, g[:, :, None, :, None, :], out=dA[:, :n_H * f, :n_W * f].reshape(at_max.shape))
            return (dA,)
        dA = np.zeros(A.shape, np.result_type(A, g))
        at = [(slice(None), slice(i, i + s * (n_H - 1) + 1, s), slice(j, j + s * (n_W - 1) + 1, s))
              for i in range(f) for j in range(f)]
        at_max = [A[k] == A_max for k in at]
        if has_nan:
            for k, mask in zip(at, at_max):
                mask |= nan_windows & np.isnan(A[k])
        _keep_first(at_max)
        for k, mask in zip(at, at_max):
            if s > f:  # windows apart: each entry of A_prev lies in one window at most
                np.multiply(mask, g, out=dA[k])
            else:
                dA[k] += mask * g
        return (dA,)

    @staticmethod
    def kink(A_prev, ctx):
        # the bend where two entries of a window tie (see kinks): per window, which entry is the first
        # maximum (the one backward picks) and the maximum less the runner-up
        f, s = ctx
        windows = _windows(A_prev, f, s)
        windows = windows.reshape(*windows.shape[:4], f * f)
        if f == 1:  # a window of one entry never ties
            margin = np.full(windows.shape[:4], np.inf)
            return margin, np.zeros(margin.shape, np.intp), margin
        top_two = np.partition(windows, -2, axis=-1)[..., -2:]
        margin = top_two[..., 1] - top_two[..., 0]
        return margin, np.argmax(windows, axis=-1), margin


def _keep_first(masks) -> None:
    """Of boolean masks of the same shape, taken in order, keep in each place only the first True."""
    taken = None
    for mask in masks:
        if taken is None:
            taken = mask.copy()
        else:
            np.greater(mask, taken, out=mask)  # True only where no earlier mask was
            taken |= mask


class _AvgPool(Op):
    name = "avg_pool"
    formula = "avg_pool({0})"
    dformula = ("1/(f·f) on each window",)

    def vjp(self, out, g):
        # A[i, h, w, c] = (1/f²) Σ window: every entry of the window gets dA / f²
        A_prev = out._a
        f, s = out._ctx
        _, n_H, n_W, _ = g.shape
        share = g / (f * f)
        return (_scatter_back(A_prev.data.shape, g.dtype, f, s, n_H, n_W, lambda i, j: share),)


MAX_POOL, AVG_POOL = _MaxPool(), _AvgPool()


def _pool(A_prev, f: int, stride: int | None, op: Op, reduce) -> Tensor:
    A_prev = _as_tensor(A_prev, "A_prev")
    _check_A_prev(A_prev, op.name)
    stride = f if stride is None else stride
    n_H, n_W = _window_size(op.name, A_prev, f, 0, stride)
    return _make(reduce(A_prev.data, f, stride, n_H, n_W), op, (A_prev,), (f, stride))


def _window_max(A: np.ndarray, f: int, s: int, n_H: int, n_W: int) -> np.ndarray:
    """The max of every f × f window at stride s: the elementwise maximum of the f·f shifted views of A,
    one per filter offset (i, j) (NaN wins, as in np.max)."""
    offsets = [A[:, i:i + s * (n_H - 1) + 1:s, j:j + s * (n_W - 1) + 1:s] for i in range(f) for j in range(f)]
    out = offsets[0].copy()
    for shifted in offsets[1:]:
        np.maximum(out, shifted, out=out)
    return out


def _window_mean(A: np.ndarray, f: int, s: int, n_H: int, n_W: int) -> np.ndarray:
    """The mean of every f × f window at stride s."""
    return np.mean(_windows(A, f, s), axis=(4, 5))


def max_pool(A_prev, f: int, stride: int | None = None) -> Tensor:
    """The max of each f × f window, stride s (s = f by default), each channel alone.

    A_prev (m, n_H_prev, n_W_prev, n_c) → (m, n_H, n_W, n_c), n_H = ⌊(n_H_prev − f)/s⌋ + 1.
    """
    return _pool(A_prev, f, stride, MAX_POOL, _window_max)


def avg_pool(A_prev, f: int, stride: int | None = None) -> Tensor:
    """The mean of each f × f window, stride s (s = f by default), each channel alone.

    A_prev (m, n_H_prev, n_W_prev, n_c) → (m, n_H, n_W, n_c), n_H = ⌊(n_H_prev − f)/s⌋ + 1.
    """
    return _pool(A_prev, f, stride, AVG_POOL, _window_mean)
