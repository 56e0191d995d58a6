"""The scalar node :class:`Value` and its ops.

Each op below keeps its forward rule (in ``Value``'s method) next to its backward rule
(the op's ``vjp``), and the backward rule states the derivative in the notes' words.
Code written for micrograd's ``Value`` (``data``, ``grad``, ``backward()``, ``relu()``,
arithmetic with numbers, ``**``) runs unchanged.

>>> x1, w1, x2, w2, b = Value(2.0), Value(-3.0), Value(0.0), Value(1.0), Value(6.8813735870195432)
>>> a = (x1 * w1 + x2 * w2 + b).tanh()
>>> a.backward()
>>> round(a.data, 4), round(w1.grad, 4), round(x1.grad, 4)
(0.7071, 1.0, -1.5)
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .graph import Node, Op, grad_mode

__all__ = ["Value"]

_new = object.__new__


def _make(data: float, op: Op, parents: tuple, ctx=None) -> "Value":
    """Build a result node without re-checking ``data`` (the ops produce floats)."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = None
    out._ctx = ctx
    out.has_grad = False
    if grad_mode.enabled:
        out._op = op
        out._parents = parents
    else:
        out._op = None
        out._parents = ()
    return out


def _as_float(x) -> float:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("Value() takes an int, float or numpy scalar; got bool (use 0.0 or 1.0)")
    if isinstance(x, (numbers.Real, np.integer, np.floating)):
        return float(x)
    raise TypeError(f"Value() takes an int, float or numpy scalar; got {type(x).__name__}")


def _lift(x):
    """A Value stays itself; a plain number becomes a constant leaf; anything else: None."""
    if isinstance(x, Value):
        return x
    if isinstance(x, (numbers.Real, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)):
        return Value(x)
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
    dformula = ("1", "1")

    def vjp(self, out, g):
        # z = a + b: dz/da = 1, dz/db = 1
        return (g, g)


class _Sub(Op):
    name = "-"
    dformula = ("1", "-1")

    def vjp(self, out, g):
        # z = a - b: dz/da = 1, dz/db = -1
        return (g, -g)


class _Mul(Op):
    name = "*"
    dformula = ("{1}", "{0}")

    def vjp(self, out, g):
        # z = a * b: dz/da = b, dz/db = a   (the notes' dw1 = x1 * dz)
        a, b = out._parents
        return (g * b.data, g * a.data)


class _Div(Op):
    name = "/"
    dformula = ("1/{1}", "-{0}/{1}²")

    def vjp(self, out, g):
        # z = a / b: dz/da = 1/b, dz/db = -a/b², computed as -(a/b)/b = -z/b: b² would overflow
        # for |b| > 1e154 and underflow to 0 for |b| < 1e-154, where z/b stays finite
        a, b = out._parents
        return (_div(g, b.data), -_div(out.data, b.data) * g)


class _Neg(Op):
    name = "neg"
    dformula = ("-1",)

    def vjp(self, out, g):
        # z = -a: dz/da = -1
        return (-g,)


class _PowConst(Op):
    """z = a^k for a number k. At a = 0 the rule of :class:`_Pow` holds: a^0 = 1 is a constant, so
    dz/da = 0 for k = 0 (not 0 · 0^(-1) = nan); 0^k = inf for k < 0, with dz/da = k · 0^(k-1) = ±inf."""

    name = "**"
    dformula = ("{k}·{0}^({k}-1)",)

    def vjp(self, out, g):
        # z = a^k (k a number): dz/da = k a^(k-1); 0 for k = 0, where z = 1 does not depend on a
        (a,) = out._parents
        k = out._ctx
        if k == 0.0:
            return (0.0,)
        return (g * k * _pow(a.data, k - 1),)


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
    dformula = ("{1}·{0}^({1}-1)", "{out}·log {0}")

    def vjp(self, out, g):
        # z = a^b = exp(b log a): dz/da = b a^(b-1), dz/db = a^b log a (rules at a = 0 above)
        a, b = out._parents
        da = 0.0 if b.data == 0.0 else g * b.data * _pow(a.data, b.data - 1.0)
        if a.data > 0.0:
            db = g * out.data * math.log(a.data)
        elif a.data == 0.0:
            db = 0.0 if b.data >= 0.0 else -math.inf * g
        else:
            db = math.nan
        return (da, db)


class _Exp(Op):
    name = "exp"
    dformula = ("{out}",)

    def vjp(self, out, g):
        # a = e^z: da/dz = e^z = a
        return (g * out.data,)


class _Log(Op):
    name = "log"
    dformula = ("1/{0}",)

    def vjp(self, out, g):
        # a = log z: da/dz = 1/z  (inf at z = 0, matching log(0) = -inf)
        return (_div(g, out._parents[0].data),)


class _Sigmoid(Op):
    name = "sigmoid"
    dformula = ("{out}(1 - {out})",)

    def vjp(self, out, g):
        # a = σ(z): da/dz = a(1 - a)
        a = out.data
        return (g * a * (1.0 - a),)


class _Tanh(Op):
    name = "tanh"
    dformula = ("1 - {out}²",)

    def vjp(self, out, g):
        # a = tanh(z): da/dz = 1 - a²
        a = out.data
        return (g * (1.0 - a * a),)


class _Relu(Op):
    name = "relu"
    dformula = ("1 if {0} ≥ 0 else 0",)

    def vjp(self, out, g):
        # a = max(0, z): da/dz = 1 where z ≥ 0 else 0 (the notes' convention at 0)
        return (g if out._parents[0].data >= 0.0 else 0.0,)


class _LeakyRelu(Op):
    name = "leaky_relu"
    dformula = ("1 if {0} ≥ 0 else {k}",)

    def vjp(self, out, g):
        # a = max(slope·z, z): da/dz = slope (0.01) where z < 0 else 1
        return (g if out._parents[0].data >= 0.0 else g * out._ctx,)


class _CrossEntropy(Op):
    name = "cross_entropy"
    dformula = ("-{1}/{0} + (1 - {1})/(1 - {0})", "log(1 - {0}) - log {0}")

    def vjp(self, out, g):
        # L(a, y) = -(y log a + (1 - y) log(1 - a)):
        # da = -y/a + (1 - y)/(1 - a) (the notes' da), dy = log(1 - a) - log a
        a, y = out._parents[0].data, out._parents[1].data
        return (g * (_div(-y, a) + _div(1.0 - y, 1.0 - a)), g * (log(1.0 - a) - log(a)))


ADD, SUB, MUL, DIV, NEG = _Add(), _Sub(), _Mul(), _Div(), _Neg()
CROSS_ENTROPY = _CrossEntropy()
POW_CONST, POW, EXP, LOG = _PowConst(), _Pow(), _Exp(), _Log()
SIGMOID, TANH, RELU, LEAKY_RELU = _Sigmoid(), _Tanh(), _Relu(), _LeakyRelu()


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

    ``Value(data, label=None)``: ``data`` is an int, float or numpy scalar. Arithmetic
    with other Values or plain numbers on either side builds the graph; ``backward()``
    fills every ``grad``.

    >>> a = Value(2.0, label="a")
    >>> y = a * a + 3 * a      # dy/da = 2a + 3 = 7
    >>> y.backward()
    >>> a.grad
    7.0
    """

    __slots__ = ()
    requires_grad = True

    def __init__(self, data, label: str | None = None):
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = None
        self._parents = ()
        self._ctx = None
        self.has_grad = False

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # graph-core hooks
    def _seed(self, grad):
        if grad is None:
            return 1.0
        return _as_float(grad)

    def _reset_grad(self) -> None:
        self.grad = 0.0

    def zero_grad(self) -> None:
        """Set this node's gradient to 0."""
        self.grad = 0.0
        self.has_grad = False

    # arithmetic
    def __add__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(self.data + other.data, ADD, (self, other))

    def __radd__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(other.data + self.data, ADD, (other, self))

    def __sub__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(self.data - other.data, SUB, (self, other))

    def __rsub__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(other.data - self.data, SUB, (other, self))

    def __mul__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(self.data * other.data, MUL, (self, other))

    def __rmul__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(other.data * self.data, MUL, (other, self))

    def __truediv__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(_div(self.data, other.data), DIV, (self, other))

    def __rtruediv__(self, other):
        other = _lift(other)
        if other is None:
            return NotImplemented
        return _make(_div(other.data, self.data), DIV, (other, self))

    def __neg__(self):
        return _make(-self.data, NEG, (self,))

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, Value):
            return _make(_pow(self.data, other.data), POW, (self, other))
        k = _lift(other)
        if k is None:
            return NotImplemented
        return _make(_pow(self.data, k.data), POW_CONST, (self,), k.data)

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
        return _make(e, EXP, (self,))

    def log(self):
        """Natural log; log(0) is -inf and a negative input gives nan, each with a RuntimeWarning."""
        return _make(log(self.data), LOG, (self,))

    def sigmoid(self):
        """σ(z) = 1 / (1 + e^(-z)), stable for any z."""
        return _make(sigmoid(self.data), SIGMOID, (self,))

    def tanh(self):
        """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))."""
        return _make(math.tanh(self.data), TANH, (self,))

    def relu(self):
        """max(0, z)."""
        z = self.data
        return _make(0.0 if z <= 0.0 else z, RELU, (self,))  # nan stays nan, as numpy's maximum

    def leaky_relu(self, slope: float = 0.01):
        """max(slope·z, z); the notes use slope = 0.01."""
        z = self.data
        return _make(z if z >= 0.0 else slope * z, LEAKY_RELU, (self,), float(slope))

    def cross_entropy(self, y):
        """The notes' loss of one example, L(a, y) = -(y log a + (1 - y) log(1 - a)), as one node.

        ``self`` is the activation a; its backward rule is the notes' da = -y/a + (1 - y)/(1 - a).
        """
        y = _lift(y)
        if y is None:
            raise TypeError("cross_entropy(y) takes a Value or a number for y")
        a = self.data
        return _make(-(y.data * log(a) + (1.0 - y.data) * log(1.0 - a)), CROSS_ENTROPY, (self, y))
