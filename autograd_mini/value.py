"""The scalar node :class:`Value` and its ops.

Each op below keeps its forward rule (in ``Value``'s method) next to its backward rule
(the op's ``vjp``), and the backward rule states the derivative in the notes' words. A rule
computes the local derivative first and multiplies it by g, (dz/da) · g, as microgpt's engine
does: a model then gives the same floats on both engines, to the last bit. Code written for
micrograd's or microgpt's ``Value`` (``data``, ``grad``, ``backward()``, ``relu()``,
arithmetic with numbers, ``**``) runs unchanged.

>>> x1, w1, x2, w2, b = Value(2.0), Value(-3.0), Value(0.0), Value(1.0), Value(6.8813735870195432)
>>> a = (x1 * w1 + x2 * w2 + b).tanh()
>>> a.backward()
>>> round(a.data, 4), round(w1.grad, 4), round(x1.grad, 4)
(0.7071, 1.0, -1.5)
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings

import numpy as np

from .graph import Node, Op, grad_mode, recording
from .kinks import side_of_zero

__all__ = ["Value", "weighted_sum"]

_new = object.__new__


def _make(data: float, op: Op, a: "Value", b: "Value | None" = None, rest: tuple = ()) -> "Value":
    """The result ``data`` of ``op`` on the parents ``a`` (, ``b``, ``*rest``): the one constructor every
    op calls. It sets only what every node needs (the ops produce floats, so ``data`` is not re-checked)."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._seen_by = None
    # recorded only when a parent needs a gradient: an op on data alone is data again
    if (a.requires_grad or (b is not None and b.requires_grad) or (rest and any(p.requires_grad for p in rest))) \
            and (recording.everywhere or grad_mode.enabled):
        out.requires_grad = True
        out._op = op
        out._a = a
        out._b = b
        out._rest = rest
    else:
        out.requires_grad = False
        out._op = out._a = out._b = None
        out._rest = ()
    return out


def _as_float(x) -> float:
    if type(x) is float or type(x) is int:  # the common case, without the slower checks of numbers.Real
        return float(x)
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("Value() takes an int, float or numpy scalar; got bool (use 0.0 or 1.0)")
    if isinstance(x, (numbers.Real, np.integer, np.floating)):
        return float(x)
    raise TypeError(f"Value() takes an int, float or numpy scalar; got {type(x).__name__}")


def _lift(x):
    """A Value stays itself; a plain number becomes a constant leaf (no gradient); anything else: None."""
    if isinstance(x, Value):
        return x
    if type(x) is float or type(x) is int or \
            (isinstance(x, (numbers.Real, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))):
        return Value(x, None, False)  # requires_grad=False, passed by position: a keyword costs more here
    return None


# Python's float arithmetic raises where numpy's gives IEEE ±inf or nan with a RuntimeWarning;
# Value follows numpy, so a Value and a one-entry Tensor always agree. The fast path is plain float.


def _div(a: float, b: float) -> float:
    """a / b; at b = 0 IEEE's ±inf (nan for 0/0) with numpy's RuntimeWarning, never ZeroDivisionError."""
    try:
        return a / b
    except ZeroDivisionError:
        return float(np.divide(np.float64(a), np.float64(b)))


def _pow(a: float, k: float) -> float:
    """a ** k as numpy computes it: 0 ** -1 is inf, overflow is inf, a negative base with a
    non-integer exponent is nan, each with a RuntimeWarning (never an exception or a complex number)."""
    try:
        result = a**k
    except (ZeroDivisionError, OverflowError):
        result = None
    if result is None or isinstance(result, complex):
        return float(np.power(np.float64(a), np.float64(k)))
    return result


# ---------------------------------------------------------------- ops: forward in Value, backward here


class _Add(Op):
    name = "+"
    formula = "{0} + {1}"
    dformula = ("1", "1")

    def vjp(self, out, g):
        # z = a + b: dz/da = 1, dz/db = 1
        return (g, g)


class _Sub(Op):
    name = "-"
    formula = "{0} - {1}"
    dformula = ("1", "-1")

    def vjp(self, out, g):
        # z = a - b: dz/da = 1, dz/db = -1
        return (g, -g)


class _Mul(Op):
    name = "*"
    formula = "{0}·{1}"
    dformula = ("{1}", "{0}")

    def vjp(self, out, g):
        # z = a * b: dz/da = b, dz/db = a   (the notes' dw1 = x1 * dz)
        a, b = out._a, out._b
        return (g * b.data, g * a.data)


class _Div(Op):
    name = "/"
    formula = "{0}/{1}"
    dformula = ("1/{1}", "-{0}/{1}²")

    def vjp(self, out, g):
        # z = a / b: dz/da = 1/b, dz/db = -a/b², computed as -(a/b)/b = -z/b: b² would overflow
        # for |b| > 1e154 and underflow to 0 for |b| < 1e-154, where z/b stays finite
        b = out._b.data
        return (_div(1.0, b) * g, -_div(out.data, b) * g)


class _Neg(Op):
    name = "neg"
    formula = "-{0}"
    dformula = ("-1",)

    def vjp(self, out, g):
        # z = -a: dz/da = -1
        return (-g,)


class _PowConst(Op):
    """z = a^k for a number k: one op per exponent, which holds k (``ctx``). At a = 0 the rule of
    :class:`_Pow` holds: a^0 = 1 is a constant, so dz/da = 0 for k = 0 (not 0 · 0^(-1) = nan);
    0^k = inf for k < 0, with dz/da = k · 0^(k-1) = ±inf."""

    __slots__ = ("ctx",)
    name = "**"
    formula = "{0}^{k}"
    nformula = ("{k} · {0}^({k}-1)",)
    dformula = ("{k}·{0}^({k}-1)",)

    def __init__(self, k: float):
        self.ctx = k

    def vjp(self, out, g):
        # z = a^k (k a number): dz/da = k a^(k-1); 0 for k = 0, where z = 1 does not depend on a
        k = self.ctx
        if k == 0.0:
            return (0.0,)
        return (k * _pow(out._a.data, k - 1) * g,)


class _Pow(Op):
    """z = a^b with both a node. One rule at a base of 0, the same for Value and Tensor (and PyTorch):

    * the value is numpy's: 0^0 = 1, 0^b = 0 for b > 0, 0^b = inf for b < 0;
    * dz/da = b a^(b-1), and 0 wherever b = 0 (a^0 = 1 is a constant): so 0^0 gives dz/da = 0,
      0^(-1) gives dz/da = -1 · 0^(-2) = -inf;
    * dz/db = a^b log a, taken as its limit 0 where a = 0 and b ≥ 0 (0^0 gives 0), as
      inf · log 0 = -inf where a = 0 and b < 0 (0^(-1) gives -inf), and nan for a negative base,
      where log a is undefined.
    """

    name = "**"
    formula = "{0}^{1}"
    dformula = ("{1}·{0}^({1}-1)", "{out}·log {0}")

    def vjp(self, out, g):
        # z = a^b = exp(b log a): dz/da = b a^(b-1), dz/db = a^b log a (rules at a = 0 above)
        a, b = out._a, out._b
        da = 0.0 if b.data == 0.0 else b.data * _pow(a.data, b.data - 1.0) * g
        if a.data > 0.0:
            db = out.data * math.log(a.data) * g
        elif a.data == 0.0:
            db = 0.0 if b.data >= 0.0 else -math.inf * g
        else:
            db = math.nan
        return (da, db)


class _Exp(Op):
    name = "exp"
    formula = "exp({0})"
    dformula = ("{out}",)

    def vjp(self, out, g):
        # a = e^z: da/dz = e^z = a
        return (g * out.data,)


class _Log(Op):
    name = "log"
    formula = "log {0}"
    numbers_formula = "log({0})"
    dformula = ("1/{0}",)

    def vjp(self, out, g):
        # a = log z: da/dz = 1/z  (inf at z = 0, matching log(0) = -inf)
        return (_div(1.0, out._a.data) * g,)


class _Sigmoid(Op):
    name = "sigmoid"
    formula = "σ({0})"
    nformula = ("{out} · (1 - {out})",)
    dformula = ("{out}(1 - {out})",)

    def vjp(self, out, g):
        # a = σ(z): da/dz = a(1 - a)
        a = out.data
        return (a * (1.0 - a) * g,)


class _Tanh(Op):
    name = "tanh"
    formula = "tanh({0})"
    dformula = ("1 - {out}²",)

    def vjp(self, out, g):
        # a = tanh(z): da/dz = 1 - a²
        a = out.data
        return (g * (1.0 - a * a),)


class _Relu(Op):
    name = "relu"
    formula = "max(0, {0})"
    dformula = ("1 if {0} ≥ 0 else 0",)

    def vjp(self, out, g):
        # a = max(0, z): da/dz = 1 where z ≥ 0 else 0 (the notes' convention at 0)
        return (g if out._a.data >= 0.0 else 0.0,)

    # the bend at z = 0 (see kinks): the side of 0 and |z|
    kink = staticmethod(side_of_zero)


class _LeakyRelu(Op):
    """a = max(slope·z, z): one op per slope, which holds it (``ctx``)."""

    __slots__ = ("ctx",)
    name = "leaky_relu"
    formula = "max({k}·{0}, {0})"
    dformula = ("1 if {0} ≥ 0 else {k}",)

    def __init__(self, slope: float):
        self.ctx = slope

    def vjp(self, out, g):
        # a = max(slope·z, z): da/dz = slope (0.01) where z < 0 else 1
        return (g if out._a.data >= 0.0 else g * self.ctx,)

    # the bend at z = 0 (see kinks): the side of 0 and |z|
    kink = staticmethod(side_of_zero)


class _CrossEntropy(Op):
    name = "cross_entropy"
    formula = "-({1} log {0} + (1 - {1}) log(1 - {0}))"
    numbers_formula = "-({1} · log({0}) + (1 - {1}) · log(1 - {0}))"
    dformula = ("-{1}/{0} + (1 - {1})/(1 - {0})", "log(1 - {0}) - log {0}")

    def vjp(self, out, g):
        # L(a, y) = -(y log a + (1 - y) log(1 - a)):
        # da = -y/a + (1 - y)/(1 - a) (the notes' da), dy = log(1 - a) - log a
        a, y = out._a.data, out._b.data
        return (g * (_div(-y, a) + _div(1.0 - y, 1.0 - a)), g * (log(1.0 - a) - log(a)))


ADD, SUB, MUL, DIV, NEG = _Add(), _Sub(), _Mul(), _Div(), _Neg()
CROSS_ENTROPY = _CrossEntropy()
POW, EXP, LOG = _Pow(), _Exp(), _Log()
SIGMOID, TANH, RELU = _Sigmoid(), _Tanh(), _Relu()


# an op with a constant is made once per constant and shared by every node that uses it
_pow_const = functools.lru_cache(maxsize=256)(_PowConst)
_leaky_relu = functools.lru_cache(maxsize=256)(_LeakyRelu)


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^(-z)), computed without overflow: σ(±1000) is exactly 1.0 / 0.0."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log(z: float) -> float:
    """Natural log with the library's rule at the edge: log(0) = -inf and log(z < 0) = nan,
    each with a RuntimeWarning (as numpy does), never an exception."""
    if z > 0.0:
        return math.log(z)
    if z == 0.0:
        warnings.warn("log(0) is -inf", RuntimeWarning, stacklevel=3)
        return -math.inf
    if math.isnan(z):
        return math.nan
    warnings.warn(f"log({z}) of a negative number is nan", RuntimeWarning, stacklevel=3)
    return math.nan


class Value(Node):
    """A scalar (float64) node of the computational graph.

    ``Value(data, label=None, requires_grad=True)``: ``data`` is an int, float or numpy
    scalar. Arithmetic with other Values or plain numbers on either side builds the graph;
    ``backward()`` fills every ``grad``. Data that nothing differentiates (the notes' x1,
    x2, y) is made with ``requires_grad=False``: no gradient flows into it, and the
    pictures and the step-through leave it out of the backward pass. Plain numbers in an
    expression (the 3 in ``3 * a``) are such constants.

    >>> a = Value(2.0, label="a")
    >>> y = a * a + 3 * a      # dy/da = 2a + 3 = 7
    >>> y.backward()
    >>> a.grad
    7.0
    >>> x = Value(4.0, label="x", requires_grad=False)
    >>> z = a * x; z.backward()
    >>> x.grad, (x * 2).requires_grad
    (0.0, False)
    """

    __slots__ = ()
    _zero_grad = 0.0  # a float is immutable: backward() resets every intermediate gradient to this one

    def __init__(self, data, label: str | None = None, requires_grad: bool = True):
        self.data = data if type(data) is float else _as_float(data)
        self.requires_grad = bool(requires_grad)
        self.grad = 0.0
        self._op = self._a = self._b = self._seen_by = None
        self._rest = ()
        if label is not None:
            self._label = label

    @property
    def _ctx(self):
        # a Value's constant (an exponent, a slope) is held by its op
        return getattr(self._op, "ctx", None)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # graph-core hooks
    def _seed(self, grad):
        if grad is None:
            return 1.0
        return _as_float(grad)

    def zero_grad(self) -> None:
        """Set this node's gradient to 0."""
        self.grad = 0.0
        self._has_grad = False

    # arithmetic
    def __add__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(self.data + other.data, ADD, self, other)

    def __radd__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(other.data + self.data, ADD, other, self)

    def __sub__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(self.data - other.data, SUB, self, other)

    def __rsub__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(other.data - self.data, SUB, other, self)

    def __mul__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(self.data * other.data, MUL, self, other)

    def __rmul__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(other.data * self.data, MUL, other, self)

    def __truediv__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(_div(self.data, other.data), DIV, self, other)

    def __rtruediv__(self, other):
        if type(other) is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        return _make(_div(other.data, self.data), DIV, other, self)

    def __neg__(self):
        return _make(-self.data, NEG, self)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, Value):
            return _make(_pow(self.data, other.data), POW, self, other)
        k = _lift(other)
        if k is None:
            return NotImplemented
        return _make(_pow(self.data, k.data), _pow_const(k.data), self)

    def __rpow__(self, other):
        base = _lift(other)
        if base is None:
            return NotImplemented
        return base.__pow__(self)

    # functions of the notes
    def exp(self):
        """e^z; past z ≈ 709.78 float64 overflows to inf, with numpy's RuntimeWarning."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            e = float(np.exp(np.float64(self.data)))
        return _make(e, EXP, self)

    def log(self):
        """Natural log; log(0) is -inf and a negative input gives nan, each with a RuntimeWarning."""
        return _make(log(self.data), LOG, self)

    def sigmoid(self):
        """σ(z) = 1 / (1 + e^(-z)), stable for any z."""
        return _make(sigmoid(self.data), SIGMOID, self)

    def tanh(self):
        """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))."""
        return _make(math.tanh(self.data), TANH, self)

    def relu(self):
        """max(0, z)."""
        z = self.data
        return _make(0.0 if z <= 0.0 else z, RELU, self)  # nan stays nan, as numpy's maximum

    def leaky_relu(self, slope: float = 0.01):
        """max(slope·z, z); the notes use slope = 0.01."""
        z = self.data
        return _make(z if z >= 0.0 else slope * z, _leaky_relu(float(slope)), self)

    def cross_entropy(self, y):
        """The notes' loss of one example, L(a, y) = -(y log a + (1 - y) log(1 - a)), as one node.

        ``self`` is the activation a; its backward rule is the notes' da = -y/a + (1 - y)/(1 - a).
        """
        y = _lift(y)
        if y is None:
            raise TypeError("cross_entropy(y) takes a Value or a number for y")
        a = self.data
        return _make(-(y.data * log(a) + (1.0 - y.data) * log(1.0 - a)), CROSS_ENTROPY, self, y)


class _WeightedSum(Op):
    """z = wᵀx + b = w1·x1 + … + wn·xn + b as one node, its parents (w1, x1, …, wn, xn, b)."""

    __slots__ = ("formula", "dformula")
    name = "wᵀx + b"

    def __init__(self, n: int):
        self.formula = " + ".join(f"{{{2 * i}}}·{{{2 * i + 1}}}" for i in range(n)) + f" + {{{2 * n}}}"
        # dz/dw_i = x_i, dz/dx_i = w_i (each other's position), dz/db = 1
        self.dformula = tuple(f"{{{i + 1 if i % 2 == 0 else i - 1}}}" for i in range(2 * n)) + ("1",)

    def vjp(self, out, g):
        # the notes: dw_i = x_i · dz, db = dz
        parents = out._parents
        grads = [g * parents[i ^ 1].data for i in range(len(parents) - 1)]
        grads.append(g)
        return grads


def weighted_sum(w, x, b) -> Value:
    """The notes' z = wᵀx + b for one example, as one node whose parents are w1, x1, …, wn, xn, b.

    ``w`` and ``x`` are sequences of Values (or numbers) of the same length n_x; the graph then
    reads as the notes draw it, x1, w1, …, b → z, and its backward rule is dw_i = x_i · dz, db = dz.

    >>> w1, w2, b = Value(0.5, label="w1"), Value(-0.25, label="w2"), Value(0.1, label="b")
    >>> z = weighted_sum([w1, w2], [1.0, 2.0], b); z.backward()
    >>> z.data, w1.grad, w2.grad, b.grad
    (0.1, 1.0, 2.0, 1.0)
    """
    w, x = list(w), list(x)
    if len(w) != len(x) or not w:
        raise ValueError(f"w and x must have the same number n_x ≥ 1 of entries; got {len(w)} and {len(x)}")
    parents = []
    for wi, xi in zip(w, x):
        parents += [_lift(wi), _lift(xi)]
    parents.append(_lift(b))
    if any(p is None for p in parents):
        raise TypeError("weighted_sum takes Values or numbers for w, x and b")
    z = math.fsum(parents[i].data * parents[i + 1].data for i in range(0, len(parents) - 1, 2)) + parents[-1].data
    return _make(z, _WeightedSum(len(w)), parents[0], parents[1], rest=tuple(parents[2:]))
