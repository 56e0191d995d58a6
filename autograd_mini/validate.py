"""Input checks shared by every entry point, so the same mistake always gets the same message.

Messages use the notes' words: X is (n_x, m) with one example per column, Y is (n_L, m).

>>> import numpy as np
>>> check_X(np.zeros((209, 3)), n_x=3)
Traceback (most recent call last):
...
autograd_mini.errors.ShapeError: X has shape (209, 3), but the model expects (n_x, m) = (3, m): it looks transposed (examples as rows); pass X.T
"""

from __future__ import annotations

import numbers
import os

import numpy as np

from .errors import ShapeError
from .tensor import Tensor

__all__ = [
    "ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "INITIALIZATIONS",
    "as_array",
    "check_X",
    "check_Y",
    "check_XY",
    "check_activation",
    "check_initialization",
    "check_layer_dims",
    "check_activations",
    "check_learning_rate",
    "check_batch_size",
    "check_lambd",
    "check_keep_prob",
    "check_beta",
    "check_epsilon",
    "check_decay_rate",
    "check_one_hot",
    "check_int",
    "MemoryLimitError",
    "memory_limit",
    "resident_memory",
    "net_bytes",
    "size_text",
    "check_bytes",
    "check_memory",
    "MAX_NAME_CHARS",
]

#: The activations g[l] of the notes.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
#: What the output layer g[L] may be besides: softmax, for n[L] > 1 classes.
OUTPUT_ACTIVATIONS = ACTIVATIONS + ("softmax",)
#: None of them is in the notes: small_random is the course's randn × 0.01, he scales by sqrt(2 / n[l-1])
#: (He et al. 2015), xavier by the course's sqrt(1 / n[l-1]) (Glorot and Bengio's is sqrt(2 / (n[l-1] + n[l]))).
INITIALIZATIONS = ("small_random", "he", "xavier", "zeros")
#: The longest name of a feature (a CSV header cell, a name stored in a model file), in characters.
MAX_NAME_CHARS = 1000


def as_array(data, name: str) -> np.ndarray:
    """``data`` (array, list or Tensor) as a float64 array; a float64 array is not copied."""
    if isinstance(data, Tensor):
        data = data.data
    try:
        array = np.asarray(data)
    except ValueError as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got an array of {array.dtype}")
    return array if array.dtype == np.float64 else array.astype(np.float64)


def _check_finite(array: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains NaN or inf ({int(bad.sum())} entries, the first at {first})")


def check_X(X, n_x: int | None = None, name: str = "X") -> np.ndarray:
    """X as a finite float64 array of shape (n_x, m); says so when X looks transposed (m, n_x)."""
    X = as_array(X, name)
    if X.ndim != 2:
        raise ShapeError(f"{name} has shape {X.shape}; expected a 2-D array (n_x, m) with one example per column")
    if n_x is not None and X.shape[0] != n_x:
        if X.shape[1] == n_x:
            raise ShapeError(
                f"{name} has shape {X.shape}, but the model expects (n_x, m) = ({n_x}, m): "
                f"it looks transposed (examples as rows); pass {name}.T")
        raise ShapeError(f"{name} has n_x = {X.shape[0]} rows, but the model expects n_x = {n_x}")
    if X.shape[1] == 0:
        raise ShapeError(f"{name} has shape {X.shape}: no examples (m = 0)")
    _check_finite(X, name)
    return X


def check_Y(Y, m: int, n_L: int | None = None, binary: bool = True) -> np.ndarray:
    """Y as a finite float64 array of shape (n_L, m), holding only 0 and 1 when ``binary``."""
    Y = as_array(Y, "Y")
    if Y.ndim != 2:
        hint = "; use Y.reshape(1, -1) for one output unit" if Y.ndim == 1 else ""
        raise ShapeError(f"Y has shape {Y.shape}; expected a 2-D array (n_L, m) with one example per column{hint}")
    if Y.shape[1] != m:
        if Y.shape[0] == m and (n_L is None or Y.shape[1] == n_L):
            raise ShapeError(f"Y has shape {Y.shape}; expected (n_L, m) with m = {m}: it looks transposed; pass Y.T")
        raise ShapeError(f"X has m = {m} examples (columns) but Y has m = {Y.shape[1]}; they must match")
    if n_L is not None and Y.shape[0] != n_L:
        raise ShapeError(f"Y has n_L = {Y.shape[0]} rows, but the model's output layer has n_L = {n_L} units")
    _check_finite(Y, "Y")
    if binary:
        outside = (Y != 0) & (Y != 1)
        if outside.any():
            raise ValueError(
                f"Y must hold only 0 and 1 for the cross-entropy cost; found {Y[outside][0]:g} "
                f"({int(outside.sum())} entries outside {{0, 1}})")
    return Y


def check_XY(X, Y, n_x: int | None = None, n_L: int | None = None, binary: bool = True) -> tuple:
    """Both checks, and that X and Y have the same m."""
    X = check_X(X, n_x)
    return X, check_Y(Y, X.shape[1], n_L, binary)


def _choice(value, valid: tuple, what: str) -> str:
    if not isinstance(value, str) or value.lower() not in valid:
        raise ValueError(f"unknown {what} {value!r}; valid ones are: {', '.join(valid)}")
    return value.lower()


def check_activation(name) -> str:
    """One of :data:`ACTIVATIONS`."""
    return _choice(name, ACTIVATIONS, "activation")


def check_initialization(name) -> str:
    """One of :data:`INITIALIZATIONS`."""
    return _choice(name, INITIALIZATIONS, "initialization")


def check_layer_dims(layer_dims) -> list:
    """``layer_dims = [n_x, n[1], …, n[L]]``: at least two positive integers."""
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims = {dims} needs at least two sizes [n_x, ..., n_L] (input and output layer)")
    for l, n in enumerate(dims):
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (numbers.Integral,)) or n < 1:
            raise ValueError(f"layer_dims[{l}] = {n!r}: every layer size n[l] must be a positive integer")
    return [int(n) for n in dims]


def check_activations(activations, L: int) -> list:
    """One activation per layer l = 1..L; softmax only for the output layer L."""
    activations = [activations] if isinstance(activations, str) else list(activations)
    if len(activations) != L:
        raise ValueError(f"got {len(activations)} activations for L = {L} layers; give one per layer l = 1..L")
    hidden = [check_activation(a) for a in activations[:-1]]
    return hidden + [_choice(activations[-1], OUTPUT_ACTIVATIONS, "output activation g[L]")]


def _positive_number(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def check_learning_rate(learning_rate) -> float:
    """α > 0."""
    alpha = _positive_number(learning_rate, "learning_rate α")
    if alpha <= 0:
        raise ValueError(f"learning_rate α must be > 0; got {learning_rate!r}")
    return alpha


def check_lambd(lambd) -> float:
    """λ ≥ 0."""
    value = _positive_number(lambd, "lambd λ")
    if value < 0:
        raise ValueError(f"lambd λ (the L2 strength) must be ≥ 0; got {lambd!r}")
    return value


def check_timeout(timeout, name: str = "timeout") -> float:
    """The seconds a learner's function may run, > 0."""
    seconds = _positive_number(timeout, name)
    if seconds <= 0:
        raise ValueError(f"{name} (the seconds your function may run) must be > 0; got {timeout!r}")
    return seconds


def _unit_interval(value, name: str, low_open: bool, high_open: bool, expected: str) -> float:
    number = _positive_number(value, name)
    too_low = number <= 0 if low_open else number < 0
    too_high = number >= 1 if high_open else number > 1
    if too_low or too_high:
        raise ValueError(f"{name} must lie in {expected}; got {value!r}")
    return number


def check_keep_prob(keep_prob, name: str = "keep_prob") -> float:
    """The probability of keeping a unit under dropout, in (0, 1] (1 keeps them all)."""
    return _unit_interval(keep_prob, name, True, False, "(0, 1] (1 keeps every unit)")


def check_beta(beta, name: str = "beta") -> float:
    """An exponentially weighted average's β, in [0, 1) (β = 1 would never let a new gradient in)."""
    return _unit_interval(beta, name, False, True, "[0, 1)")


def check_epsilon(epsilon, name: str = "epsilon ε") -> float:
    """ε > 0, the small number that keeps a division finite."""
    value = _positive_number(epsilon, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {epsilon!r}")
    return value


def check_decay_rate(decay_rate) -> float:
    """decay_rate ≥ 0 in α = α₀ / (1 + decay_rate · epoch)."""
    value = _positive_number(decay_rate, "decay_rate")
    if value < 0:
        raise ValueError(f"decay_rate must be ≥ 0 in α = α₀ / (1 + decay_rate · epoch); got {decay_rate!r}")
    return value


def check_one_hot(Y: np.ndarray) -> np.ndarray:
    """Y (n_L, m) one-hot: each column (example) holds one 1, the rest 0, as a softmax output needs."""
    if Y.shape[0] < 2:
        raise ValueError(f"Y has shape {Y.shape}; a softmax output needs one-hot Y with n_L ≥ 2 rows (classes)")
    columns = ((Y != 0) & (Y != 1)).any(axis=0) | (Y.sum(axis=0) != 1)
    if columns.any():
        i = int(np.argmax(columns))
        raise ValueError(
            f"Y must be one-hot for a softmax output (each column one 1, the rest 0); column {i} is "
            f"{np.array2string(Y[:, i], precision=3, threshold=12, separator=', ')} ({int(columns.sum())} such columns); "
            "use autograd_mini.one_hot(labels, n_classes)")
    return Y


def check_int(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number ≥ ``minimum`` (and ≤ ``maximum`` when given; a bool is refused): a count, a size, a stride."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be ≥ {minimum}; got {name} = {value}")
    if maximum is not None and value > maximum:
        shown = f"{value:,}" if len(str(value)) <= 30 else f"a number of {len(str(value))} digits"
        raise ValueError(f"{name} must be ≤ {maximum:,}; got {shown}")
    return int(value)


def check_batch_size(batch_size) -> int:
    """A mini-batch holds at least one example."""
    return check_int(batch_size, "batch_size")


class MemoryLimitError(ValueError):
    """Sizes whose arrays would not fit: the message gives the estimate and the limit."""


#: Environment variable that sets the memory limit in bytes (default: half the physical memory).
MEMORY_LIMIT_VARIABLE = "AUTOGRAD_MINI_MEMORY_LIMIT"


def memory_limit() -> int:
    """The most bytes a net (or a loaded model) may take: ``$AUTOGRAD_MINI_MEMORY_LIMIT``, else half the RAM."""
    text = os.environ.get(MEMORY_LIMIT_VARIABLE)
    if text:
        try:
            return int(float(text))
        except ValueError:
            raise ValueError(f"{MEMORY_LIMIT_VARIABLE} must be a number of bytes; got {text!r}") from None
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): a fixed 4 GiB
        return 4 << 30


def resident_memory() -> int:
    """The bytes of memory the process holds now (its resident set, from /proc/self/statm), or 0 where
    the system does not say: what a streamed input adds to must stay under :func:`memory_limit`."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def net_bytes(layer_dims, m: int = 0) -> int:
    """Bytes of float64 a net needs: each W[l], b[l] and its gradient, and for m examples
    Z[l], A[l] and their gradients dZ[l], dA[l] (4 arrays of n[l] × m per layer)."""
    dims = [int(n) for n in layer_dims]
    parameters = sum(n * (n_prev + 1) for n_prev, n in zip(dims, dims[1:]))
    units = sum(dims)
    return 8 * (2 * parameters + 4 * units * int(m))


def size_text(n: int) -> str:
    """A number of bytes for a reader: ``1.5 GiB``, ``12.0 MiB``, ``900 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n} bytes"


def check_bytes(need: int, what: str, counted: str, way_out: str) -> None:
    """Refuse ``need`` bytes for ``what`` (``counted`` says which arrays) when they exceed :func:`memory_limit`,
    before anything is allocated; the message gives the estimate, the limit and ``way_out``."""
    limit = memory_limit()
    if need > limit:
        raise MemoryLimitError(f"{what} need about {size_text(need)} ({counted}), over the memory limit of "
                               f"{size_text(limit)}; {way_out} (or set {MEMORY_LIMIT_VARIABLE} in bytes)")


def check_memory(layer_dims, m: int = 0, why: str = "") -> None:
    """Refuse ``layer_dims`` (with m examples, ``why`` says for what) whose arrays would exceed
    :func:`memory_limit`, before anything is allocated."""
    shown = str(list(layer_dims))
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    examples = f" and m = {m:,} examples{why}" if m else ""
    counted = "parameters, activations and their gradients" if m else "parameters and their gradients"
    check_bytes(net_bytes(layer_dims, m), f"layer_dims = {shown}{examples}", counted, "use smaller layers")
