"""The numpy-backed n-d node :class:`Tensor` and its ops.

The forward pass follows numpy broadcasting; every backward rule hands each operand a
gradient of the operand's own shape (``_unbroadcast``): ``b`` of shape (n, 1) added to
``Z`` of shape (n, m) receives the row sums of dZ. A tensor with ``requires_grad=False``
(the data ``X``) never gets a gradient computed for it.

>>> import numpy as np
>>> W = Tensor([[1.0, 2.0]], label="W")               # (n[1], n[0]) = (1, 2)
>>> X = Tensor([[1.0, 3.0], [2.0, 4.0]], requires_grad=False)
>>> b = Tensor([[0.5]], label="b")
>>> J = (W @ X + b).sum()
>>> J.backward()
>>> W.grad                                            # dW = dZ Xᵀ with dZ = 1
array([[4., 6.]])
>>> b.grad                                            # db = Σ dZ over the m columns
array([[2.]])
>>> X.grad is None
True
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import ShapeError
from .graph import Node, Op, grad_mode, recording
from .kinks import side_of_zero

__all__ = ["Tensor", "transposed_matmul", "linear"]

_new = object.__new__
_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))

# A tensor's data is kept in Node's ``data`` slot; Tensor.data is a property over it that counts each
# assignment (``t.data = …``, also ``t.data -= …``, which numpy does in place and then assigns).
_get_data, _set_data = Node.data.__get__, Node.data.__set__
#: How many times a tensor's data has been assigned, over all tensors (the version clock). A node
#: made by an op records the clock; a parent whose data was assigned later has a larger version.
_assignments = 0


def _check_dtype(dtype) -> np.dtype:
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _FLOAT_DTYPES:
        raise TypeError(f"Tensor dtype must be float64 (the default) or float32; got {dtype!r}")
    return dt


def _as_array(data, dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data.data
    try:
        raw = np.asarray(data)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"Tensor data must be rectangular: {exc}") from None
    if raw.dtype.kind not in "iuf":
        kind = type(data).__name__ if raw.dtype.kind == "O" else f"{type(data).__name__} of {raw.dtype}"
        raise TypeError(f"Tensor() takes numbers (a list, numpy array or scalar of int or float); got {kind}")
    return np.array(raw, dtype=_check_dtype(dtype))


def _make(data: np.ndarray, op: Op, parents: tuple, ctx=None) -> "Tensor":
    """Build a result node; it records its op only when a parent needs a gradient."""
    out = _new(Tensor)
    _set_data(out, data)
    out._version = _assignments
    out.grad = None
    out._ctx = ctx
    out._seen_by = None
    for parent in parents:
        if parent.requires_grad:  # recorded only when a parent needs a gradient
            if recording.everywhere or grad_mode.enabled:
                out.requires_grad = True
                out._op = op
                out._a = parents[0]
                out._b = parents[1] if len(parents) > 1 else None
                out._rest = parents[2:]
                return out
            break
    out.requires_grad = False
    out._op = None
    out._a, out._b, out._rest = None, None, ()
    return out


def constant_view(array: np.ndarray, label: str | None = None) -> "Tensor":
    """A data Tensor (no gradient) that holds ``array`` itself, not a copy as ``Tensor()`` makes:
    for arrays already checked, such as X in the training loops."""
    out = _make(array, None, ())  # no parents: a leaf
    out.label = label
    return out


def _unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` back down to ``shape``: the backward rule of numpy broadcasting."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g


def _name(t: "Tensor", default: str) -> str:
    return t.label or default


# ---------------------------------------------------------------- ops: forward in Tensor, backward here


class _Add(Op):
    name = "+"
    formula = "{0} + {1}"
    dformula = ("1", "1")

    def vjp(self, out, g):
        # Z = A + B: dA = dZ, dB = dZ, each summed back to its own shape (db = Σ dZ over m)
        a, b = out._a, out._b
        return (_unbroadcast(g, a.data.shape) if a.requires_grad else None,
                _unbroadcast(g, b.data.shape) if b.requires_grad else None)


class _Sub(Op):
    name = "-"
    formula = "{0} - {1}"
    dformula = ("1", "-1")

    def vjp(self, out, g):
        # Z = A - B: dA = dZ, dB = -dZ
        a, b = out._a, out._b
        return (_unbroadcast(g, a.data.shape) if a.requires_grad else None,
                _unbroadcast(-g, b.data.shape) if b.requires_grad else None)


class _Mul(Op):
    name = "*"
    formula = "{0} ∗ {1}"
    dformula = ("{1}", "{0}")

    def vjp(self, out, g):
        # Z = A * B (elementwise): dA = dZ * B, dB = dZ * A
        a, b = out._a, out._b
        return (_unbroadcast(g * b.data, a.data.shape) if a.requires_grad else None,
                _unbroadcast(g * a.data, b.data.shape) if b.requires_grad else None)


class _Div(Op):
    name = "/"
    formula = "{0} / {1}"
    dformula = ("1/{1}", "-{0}/{1}²")

    def vjp(self, out, g):
        # Z = A / B: dA = dZ / B, dB = -dZ * A / B², computed as -(A/B)/B = -Z/B: B² would overflow
        # for |B| > 1e154 and underflow to 0 for |B| < 1e-154, where Z/B stays finite
        a, b = out._a, out._b
        return (_unbroadcast(g / b.data, a.data.shape) if a.requires_grad else None,
                _unbroadcast(-(out.data / b.data) * g, b.data.shape) if b.requires_grad else None)


class _Neg(Op):
    name = "neg"
    formula = "-{0}"
    dformula = ("-1",)

    def vjp(self, out, g):
        # Z = -A: dA = -dZ
        return (-g,)


class _PowConst(Op):
    """Z = A^k for a number k, with :class:`_Pow`'s rule at 0: dA = 0 for k = 0 (A^0 = 1 is a constant)."""

    name = "**"
    formula = "{0}^{k}"
    dformula = ("{k}·{0}^({k}-1)",)

    def vjp(self, out, g):
        # Z = A^k (k a number): dA = dZ * k A^(k-1); 0 for k = 0, where Z = 1 does not depend on A
        a = out._a
        k = out._ctx
        if k == 0.0:
            return (np.zeros_like(g),)
        return (g * k * a.data ** (k - 1),)


class _Pow(Op):
    """Z = A^B with both tensors; at a base of 0 the rule of Value's ``**`` (and PyTorch's), entry by entry:

    * the value is numpy's: 0^0 = 1, 0^b = 0 for b > 0, 0^b = inf for b < 0;
    * dA = dZ · B A^(B-1), and 0 wherever B = 0 (A^0 = 1 is a constant);
    * dB = dZ · A^B log A, taken as its limit 0 where A = 0 and B ≥ 0, as inf · log 0 = -inf where
      A = 0 and B < 0, and nan for a negative base. log is taken only where A > 0, so a zero in a
      broadcast base touches only its own entries of dB, and no warning is raised.
    """

    name = "**"
    formula = "{0}^{1}"
    dformula = ("{1}·{0}^({1}-1)", "{out}·log {0}")

    def vjp(self, out, g):
        # Z = A^B = exp(B log A): dA = dZ * B A^(B-1), dB = dZ * A^B log A (rules at A = 0 above)
        a, b = out._a, out._b
        da = db = None
        if a.requires_grad:
            with np.errstate(divide="ignore", invalid="ignore"):  # masked below where B = 0
                local = b.data * a.data ** (b.data - 1)
            da = _unbroadcast(g * np.where(b.data == 0, 0.0, local), a.data.shape)
        if b.requires_grad:
            base, exponent = np.broadcast_arrays(a.data, b.data)
            positive = base > 0
            log_a = np.log(np.where(positive, base, 1.0))
            at_zero = np.where(exponent >= 0, 0.0, -np.inf)
            local = np.where(positive, out.data * log_a, np.where(base == 0, at_zero, np.nan))
            db = _unbroadcast(g * local, b.data.shape)
        return (da, db)


class _Exp(Op):
    name = "exp"
    formula = "exp({0})"
    dformula = ("{out}",)

    def vjp(self, out, g):
        # A = e^Z: dZ = dA * A
        return (g * out.data,)


class _Log(Op):
    name = "log"
    formula = "log {0}"
    dformula = ("1/{0}",)

    def vjp(self, out, g):
        # A = log Z: dZ = dA / Z
        return (g / out._a.data,)


class _Sigmoid(Op):
    name = "sigmoid"
    formula = "σ({0})"
    nformula = ("{out} ∗ (1 - {out})",)
    dformula = ("{out}(1 - {out})",)

    def vjp(self, out, g):
        # A = σ(Z): dZ = dA * A(1 - A)
        a = out.data
        return (g * a * (1 - a),)


class _Tanh(Op):
    name = "tanh"
    formula = "tanh({0})"
    dformula = ("1 - {out}²",)

    def vjp(self, out, g):
        # A = tanh(Z): dZ = dA * (1 - A²)
        a = out.data
        return (g * (1 - a * a),)


class _Relu(Op):
    name = "relu"
    formula = "max(0, {0})"
    dformula = ("1 if {0} ≥ 0 else 0",)

    def vjp(self, out, g):
        # A = max(0, Z): dZ = dA where Z ≥ 0 else 0 (the notes' convention at 0). Multiplying by the 0/1 mask
        # is fast, but an infinite or NaN dA times 0 is NaN where Z < 0, where Value and PyTorch give 0: such
        # a dA has dZ chosen entry by entry instead (Σ dA² is finite only when every entry is: one BLAS dot)
        passes = out._a.data >= 0
        if np.isfinite(np.vdot(g, g)):
            return (g * passes,)
        return (np.where(passes, g, 0.0),)

    # the bend at z = 0 (see kinks): the side of 0 and |z|
    kink = staticmethod(side_of_zero)


class _LeakyRelu(Op):
    name = "leaky_relu"
    formula = "max({k}·{0}, {0})"
    dformula = ("1 if {0} ≥ 0 else {k}",)

    def vjp(self, out, g):
        # A = max(slope·Z, Z): dZ = dA where Z ≥ 0 else slope·dA (slope 0.01 in the notes)
        return (np.where(out._a.data >= 0, g, g * out._ctx),)

    # the bend at z = 0 (see kinks): the side of 0 and |z|
    kink = staticmethod(side_of_zero)


class _MatMul(Op):
    name = "@"
    formula = "{0} {1}"
    dterm = ("{g} {1}ᵀ", "{0}ᵀ {g}")
    dformula = ("{1}ᵀ (on the right)", "{0}ᵀ (on the left)")  # dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ

    def vjp(self, out, g):
        # Z = W @ A_prev: dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ  (batched: over the last two axes)
        a, b = out._a, out._b
        da = _unbroadcast(g @ np.swapaxes(b.data, -1, -2), a.data.shape) if a.requires_grad else None
        db = _unbroadcast(np.swapaxes(a.data, -1, -2) @ g, b.data.shape) if b.requires_grad else None
        return (da, db)


class _TransposedMatMul(Op):
    """wᵀX as one node, as the notes compute it (``numpy.dot(w.T, X)``): no separate wᵀ node in the graph."""

    name = "ᵀ@"
    formula = "{0}ᵀ {1}"
    dterm = ("{1} {g}ᵀ", "{0} {g}")
    dformula = ("{1} (on the left, times dZᵀ)", "{0} (on the left)")  # dw = X dZᵀ, dX = w dZ

    def vjp(self, out, g):
        # Z = wᵀX: dw = X dZᵀ (the notes' dw = (1/m) X dZᵀ, with the 1/m inside dZ here), dX = w dZ
        w, X = out._a, out._b
        dw = _unbroadcast(X.data @ np.swapaxes(g, -1, -2), w.data.shape) if w.requires_grad else None
        dX = _unbroadcast(w.data @ g, X.data.shape) if X.requires_grad else None
        return (dw, dX)


class _Linear(Op):
    """Z = W A_prev + b as one node, the notes' dense layer: the picture goes from ∂J/∂Z straight to
    dW, db and dA_prev, as the notes do, with no W A_prev node between."""

    name = "W A + b"
    formula = "{0} {1} + {2}"
    dterm = ("{g} {1}ᵀ", "{0}ᵀ {g}", "Σ_columns {g}")
    dformula = ("{1}ᵀ (on the right)", "{0}ᵀ (on the left)", "1, summed over the m columns")

    def vjp(self, out, g):
        # Z = W A_prev + b: dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ, db = Σ over the m columns of dZ (keepdims)
        W, A_prev, b = out._a, out._b, out._rest[0]
        return (g @ A_prev.data.T if W.requires_grad else None,
                W.data.T @ g if A_prev.requires_grad else None,
                g.sum(axis=1, keepdims=True) if b.requires_grad else None)


class _Sum(Op):
    name = "sum"
    formula = "Σ {0}"
    dformula = ("1",)

    def vjp(self, out, g):
        # s = Σ A: every summed entry gets ds
        a = out._a
        axis, keepdims = out._ctx
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return (np.broadcast_to(g, a.data.shape),)


class _Mean(Op):
    name = "mean"
    formula = "mean {0}"
    dformula = ("1/{k}",)

    def vjp(self, out, g):
        # μ = (1/n) Σ A: every averaged entry gets dμ / n
        a = out._a
        axis, keepdims, n = out._ctx
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        return (np.broadcast_to(g / n, a.data.shape),)


class _Transpose(Op):
    name = "transpose"
    formula = "{0}ᵀ"
    dformula = ("(transpose back)",)

    def vjp(self, out, g):
        # B = Aᵀ: dA = dBᵀ (the inverse permutation of the axes)
        axes = out._ctx
        return (np.transpose(g) if axes is None else np.transpose(g, np.argsort(axes)),)


class _Reshape(Op):
    name = "reshape"
    formula = "reshape {0}"
    dformula = ("(reshape back)",)

    def vjp(self, out, g):
        # B = A.reshape(s): dA = dB.reshape(A.shape)
        return (g.reshape(out._a.data.shape),)


class _Index(Op):
    name = "[]"
    formula = "{0}[…]"
    dformula = ("1 at the picked entries",)

    def vjp(self, out, g):
        # B = A[idx]: dA is zero except at idx, where the picked entries' gradients add up
        # (scatter-add, so an entry picked twice receives both)
        a = out._a
        index, basic = out._ctx
        da = np.zeros_like(a.data)
        if basic:
            da[index] = g
        else:
            np.add.at(da, index, g)
        return (da,)


ADD, SUB, MUL, DIV, NEG = _Add(), _Sub(), _Mul(), _Div(), _Neg()
POW_CONST, POW, EXP, LOG = _PowConst(), _Pow(), _Exp(), _Log()
SIGMOID, TANH, RELU, LEAKY_RELU = _Sigmoid(), _Tanh(), _Relu(), _LeakyRelu()
MATMUL, SUM, MEAN, TRANSPOSE, RESHAPE, INDEX = _MatMul(), _Sum(), _Mean(), _Transpose(), _Reshape(), _Index()
TRANSPOSED_MATMUL, LINEAR = _TransposedMatMul(), _Linear()


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(-z)) without overflow: e^(-|z|) never exceeds 1, so σ(±1000) is exactly 1 / 0."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _is_basic_index(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


def _index_array(t: "Tensor") -> np.ndarray:
    data = t.data
    if not np.all(np.isfinite(data)) or not np.all(data == np.round(data)):
        raise TypeError(f"an index tensor must hold whole numbers; got {data!r}")
    return data.astype(np.intp)


def _normalize_index(index):
    if isinstance(index, Tensor):
        return _index_array(index)
    if isinstance(index, tuple):
        return tuple(_index_array(i) if isinstance(i, Tensor) else i for i in index)
    return index


class Tensor(Node):
    """An n-d array node of the computational graph (float64 by default, float32 on request).

    ``Tensor(data, requires_grad=True, label=None, dtype=None)``. Parameters keep the
    default ``requires_grad=True``; data (``X``, ``Y``) is created with
    ``requires_grad=False`` and never receives a gradient. ``grad`` has the shape of
    ``data``: zeros for a parameter until ``backward()`` runs, ``None`` where no gradient
    is kept. Assigning ``data`` (``W.data -= α * W.grad``, as the optimizers do) after an op
    used the tensor makes ``backward()`` over that op's graph raise, as PyTorch's version
    counter does: the graph holds values computed from the old data.
    """

    # _ctx: the op's constant (an axis, an index, a shape; a Value's op holds its own); _version: see _assign
    __slots__ = ("_ctx", "_version")
    __array_ufunc__ = None  # make numpy defer to Tensor's reflected operators (ndarray + Tensor)

    def __init__(self, data, requires_grad: bool = True, label: str | None = None, dtype=None):
        self.data = _as_array(data, dtype)
        self.requires_grad = bool(requires_grad)
        self.grad = np.zeros_like(self.data) if self.requires_grad else None
        self.label = label
        self._op = self._a = self._b = None
        self._rest = ()
        self._ctx = None
        self._seen_by = None

    def _assign(self, array) -> None:
        global _assignments
        _assignments += 1
        _set_data(self, array)
        self._version = _assignments

    data = property(_get_data, _assign, doc="The numpy array. Assigning it (``t.data = …``, or ``t.data -= …``) "
                                             "after an op used this tensor makes backward() through that op raise.")

    @staticmethod
    def _check_unchanged(order: list) -> None:
        """Refuse a backward pass over ``order`` (a graph of Tensors) when a node's data was assigned after an op
        used it, as PyTorch's version counter does: the op's backward rule would read the new values while
        the graph holds results computed from the old ones. Writes through an index (``t.data[0] = …``) are
        not seen, as PyTorch does not see writes through its ``.data`` either."""
        for node in order:
            if node._op is None:
                continue
            made = node._version
            for parent in (node._a, node._b, *node._rest) if node._rest else (node._a, node._b):
                if parent is not None and parent._version > made:
                    what = f"{parent.label!r}" if parent.label else f"a tensor of shape {parent.data.shape}"
                    kind = "a leaf" if parent._op is None else f"made by {parent._op.name!r}"
                    raise RuntimeError(
                        f"backward(): {what} ({kind}) had its data assigned after the op {node._op.name!r} used it, "
                        "so this graph holds values computed from its old data; compute the forward pass again "
                        "from the new data, then call backward()")

    # --------------------------------------------------------------- array facts
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use (t.data > 0).any() or .all()")
        return bool(self.data.reshape(()))

    def item(self) -> float:
        """The single number of a one-element tensor."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element; this one has shape {self.shape}")
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray:
        """The data array itself (not a copy)."""
        return self.data

    def detach(self) -> "Tensor":
        """A constant (``requires_grad=False``) tensor sharing this one's data."""
        return Tensor(self.data, requires_grad=False, label=self.label, dtype=self.data.dtype)

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        return f"Tensor({body}, shape={self.shape}{name}, requires_grad={self.requires_grad})"

    # --------------------------------------------------------------- graph-core hooks
    def _seed(self, grad):
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad: no parameter leads to it")
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() on a tensor of shape {self.shape} needs grad= of that shape; "
                    "reduce it to a cost first (.sum() or .mean())")
            seed = np.empty(self.data.shape, self.data.dtype)  # np.ones's Python wrapper costs more than the array
            seed.fill(1)
            return seed
        seed = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.data.dtype)
        if seed.shape != self.shape:
            raise ShapeError(f"backward() grad has shape {seed.shape}; expected the root's shape {self.shape}")
        return seed.copy()

    def _reset_grad(self) -> None:
        self.grad = np.zeros(self.data.shape, self.data.dtype)  # not zeros_like: its Python wrapper is slower

    def _first_grad(self, contribution) -> np.ndarray:
        """A new gradient array equal to 0 + ``contribution``, in this tensor's shape and dtype (what
        ``+=`` into zeros would give; never the contribution itself, which other nodes may share)."""
        grad = np.empty(self.data.shape, self.data.dtype)
        np.copyto(grad, contribution, casting="same_kind")
        return grad

    def zero_grad(self) -> None:
        """Set this tensor's gradient to zeros (None stays None where no gradient is kept)."""
        if self.requires_grad:
            self.grad = np.zeros_like(self.data)
        self._has_grad = False

    # --------------------------------------------------------------- elementwise arithmetic
    def _lift(self, other):
        """The other operand as a constant Tensor. A plain number takes this tensor's dtype (as
        numpy treats Python scalars); an array keeps its own, so numpy's promotion decides, exactly
        as for two Tensors (float32 with float64 gives float64)."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (bool, np.bool_)):
            return None
        if isinstance(other, (numbers.Real, np.integer, np.floating)):
            return Tensor(other, requires_grad=False, dtype=self.data.dtype)
        if isinstance(other, (np.ndarray, list)):
            array = np.asarray(other)
            return Tensor(array, requires_grad=False, dtype=np.float32 if array.dtype == np.float32 else None)
        return None

    def _binary(self, other, op: Op, fn, reflected: bool = False):
        other = self._lift(other)
        if other is None:
            return NotImplemented
        a, b = (other, self) if reflected else (self, other)
        try:
            data = fn(a.data, b.data)
        except ValueError:
            raise ShapeError(
                f"cannot broadcast {_name(a, 'left operand')} of shape {a.shape} with "
                f"{_name(b, 'right operand')} of shape {b.shape} for '{op.name}'"
            ) from None
        return _make(data, op, (a, b))

    def __add__(self, other):
        return self._binary(other, ADD, np.add)

    def __radd__(self, other):
        return self._binary(other, ADD, np.add, reflected=True)

    def __sub__(self, other):
        return self._binary(other, SUB, np.subtract)

    def __rsub__(self, other):
        return self._binary(other, SUB, np.subtract, reflected=True)

    def __mul__(self, other):
        return self._binary(other, MUL, np.multiply)

    def __rmul__(self, other):
        return self._binary(other, MUL, np.multiply, reflected=True)

    def __truediv__(self, other):
        return self._binary(other, DIV, np.divide)

    def __rtruediv__(self, other):
        return self._binary(other, DIV, np.divide, reflected=True)

    def __neg__(self):
        return _make(-self.data, NEG, (self,))

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, Tensor):
            return self._binary(other, POW, np.power)
        if isinstance(other, (numbers.Real, np.integer, np.floating)) and not isinstance(other, (bool, np.bool_)):
            k = float(other)
            return _make(self.data**k, POW_CONST, (self,), k)
        return self._binary(other, POW, np.power)

    def __rpow__(self, other):
        return self._binary(other, POW, np.power, reflected=True)

    # --------------------------------------------------------------- functions of the notes
    def exp(self):
        """e^Z, elementwise."""
        return _make(np.exp(self.data), EXP, (self,))

    def log(self):
        """Natural log, elementwise; log(0) = -inf with numpy's RuntimeWarning, never an exception."""
        return _make(np.log(self.data), LOG, (self,))

    def sigmoid(self):
        """σ(Z) = 1 / (1 + e^(-Z)), stable for any Z."""
        return _make(sigmoid(self.data), SIGMOID, (self,))

    def tanh(self):
        """tanh(Z), elementwise."""
        return _make(np.tanh(self.data), TANH, (self,))

    def relu(self):
        """max(0, Z), elementwise."""
        return _make(np.maximum(self.data, 0), RELU, (self,))

    def leaky_relu(self, slope: float = 0.01):
        """max(slope·Z, Z), elementwise; the notes use slope = 0.01."""
        z = self.data
        return _make(np.where(z >= 0, z, slope * z), LEAKY_RELU, (self,), float(slope))

    # --------------------------------------------------------------- matrix product
    def __matmul__(self, other):
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return _matmul(self, other)

    def __rmatmul__(self, other):
        other = self._lift(other)
        if other is None:
            return NotImplemented
        return _matmul(other, self)

    # --------------------------------------------------------------- reductions and shape
    def sum(self, axis=None, keepdims: bool = False):
        """Σ over ``axis`` (all entries when None), as ``numpy.sum``."""
        axis = _check_axis(axis, self.ndim)
        return _make(np.sum(self.data, axis=axis, keepdims=keepdims), SUM, (self,), (axis, keepdims))

    def mean(self, axis=None, keepdims: bool = False):
        """(1/n) Σ over ``axis`` (all entries when None), as ``numpy.mean``."""
        axis = _check_axis(axis, self.ndim)
        n = self.data.size if axis is None else int(np.prod([self.shape[i] for i in np.atleast_1d(axis)]))
        return _make(np.mean(self.data, axis=axis, keepdims=keepdims), MEAN, (self,), (axis, keepdims, n))

    def transpose(self, *axes):
        """Permute the axes (reverse them when none are given); ``.T`` is the 2-D case."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        axes = axes or None
        try:
            data = np.transpose(self.data, axes)
        except ValueError as exc:
            raise ShapeError(f"transpose{axes} does not fit shape {self.shape}: {exc}") from None
        if axes is not None:
            axes = tuple(int(ax) % self.ndim for ax in axes)
        return _make(data, TRANSPOSE, (self,), axes)

    @property
    def T(self):
        return self.transpose()

    def reshape(self, *shape):
        """The same entries in a new shape (one dimension may be -1)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            data = self.data.reshape(shape)
        except ValueError:
            raise ShapeError(f"cannot reshape a tensor of shape {self.shape} ({self.size} entries) to {shape}") from None
        return _make(data, RESHAPE, (self,))

    def __getitem__(self, index):
        index = _normalize_index(index)
        try:
            data = self.data[index]
        except IndexError as exc:
            raise IndexError(f"index {index!r} does not fit shape {self.shape}: {exc}") from None
        basic = _is_basic_index(index)
        if basic:
            data = data.copy()  # a view would let later in-place updates of self.data leak into it
        return _make(data, INDEX, (self,), (index, basic))


def _check_axis(axis, ndim: int):
    """``axis`` as numpy takes it: None, an int, or a tuple of ints (a list is read as a tuple)."""
    if axis is None:
        return None
    if isinstance(axis, list):
        axis = tuple(axis)
    axes = axis if isinstance(axis, tuple) else (axis,)
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or isinstance(ax, (bool, np.bool_)):
            raise TypeError(f"axis must be an int or a tuple of ints; got {axis!r}")
        if not -ndim <= ax < ndim:
            raise ShapeError(f"axis {axis!r} is out of range for a tensor with {ndim} dimensions")
    if len({int(ax) % ndim for ax in axes}) != len(axes):
        raise ShapeError(f"axis {axis!r} names the same dimension twice (the tensor has {ndim} dimensions)")
    return axis


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    left, right = _name(a, "left operand"), _name(b, "right operand")
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeError(
            f"'@' needs 2-D (or batched) operands: {left} has shape {a.shape}, {right} has shape {b.shape}; "
            "make vectors columns of shape (n, 1)")
    if a.shape[-1] != b.shape[-2]:
        raise ShapeError(
            f"'@' shapes do not match: {left} has shape {a.shape} and {right} has shape {b.shape}; "
            f"the inner dimensions {a.shape[-1]} and {b.shape[-2]} must be equal "
            "(W[l] is (n[l], n[l-1]) and A_prev is (n[l-1], m))")
    try:
        data = np.matmul(a.data, b.data)
    except ValueError:
        raise ShapeError(f"'@' batch dimensions do not broadcast: {left} has shape {a.shape}, {right} has shape {b.shape}") from None
    return _make(data, MATMUL, (a, b))


def transposed_matmul(w, X) -> Tensor:
    """wᵀX as one node (the notes' ``Z = numpy.dot(w.T, X) + b``), whose backward rule is the notes'
    dw = X dZᵀ: w (n_x, 1) and X (n_x, m) give (1, m).

    >>> w = Tensor([[1.0], [2.0]], label="w")
    >>> X = Tensor([[1.0, 3.0], [2.0, 4.0]], requires_grad=False)
    >>> Z = transposed_matmul(w, X); Z.data
    array([[ 5., 11.]])
    >>> Z.sum().backward(); w.grad                  # dw = X dZᵀ with dZ = 1
    array([[4.],
           [6.]])
    """
    w = w if isinstance(w, Tensor) else Tensor(w, requires_grad=False)
    X = X if isinstance(X, Tensor) else Tensor(X, requires_grad=False)
    if w.ndim != 2 or X.ndim != 2 or w.shape[0] != X.shape[0]:
        raise ShapeError(f"wᵀX needs w (n_x, k) and X (n_x, m) with the same n_x; got {_name(w, 'w')} of shape "
                         f"{w.shape} and {_name(X, 'X')} of shape {X.shape}")
    return _make(w.data.T @ X.data, TRANSPOSED_MATMUL, (w, X))


def linear(W, A_prev, b) -> Tensor:
    """Z = W A_prev + b as one node, the notes' dense layer: W (n[l], n[l-1]), A_prev (n[l-1], m) and
    b (n[l], 1) give Z (n[l], m). Its backward rule is the notes': dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ,
    db = Σ over the m columns of dZ (with ∂J/∂Z for dZ, so the 1/m is inside it).

    >>> W = Tensor([[1.0, 2.0]], label="W1")
    >>> A0 = Tensor([[1.0, 3.0], [2.0, 4.0]], requires_grad=False)
    >>> Z = linear(W, A0, Tensor([[0.5]], label="b1")); Z.data
    array([[ 5.5, 11.5]])
    >>> Z.sum().backward(); W.grad, Z.parents[2].grad      # dW = dZ A_prevᵀ, db = Σ dZ with dZ = 1
    (array([[4., 6.]]), array([[2.]]))
    """
    W, A_prev, b = (t if isinstance(t, Tensor) else Tensor(t, requires_grad=False) for t in (W, A_prev, b))
    if W.ndim != 2 or A_prev.ndim != 2 or W.shape[1] != A_prev.shape[0] or b.shape != (W.shape[0], 1):
        raise ShapeError(f"Z = W A_prev + b needs W (n[l], n[l-1]), A_prev (n[l-1], m) and b (n[l], 1); got "
                         f"{_name(W, 'W')} of shape {W.shape}, {_name(A_prev, 'A_prev')} of shape {A_prev.shape} "
                         f"and {_name(b, 'b')} of shape {b.shape}")
    return _make(W.data @ A_prev.data + b.data, LINEAR, (W, A_prev, b))
