"""Check a learner's own backprop, as the course's gradient-checking exercise does.

``compare(model, X, Y, lambd, backward=fn)`` (or :func:`check_backward`) runs the learner's
gradient function on copies of the data and the parameters and sets every gradient it returns
beside autodiff (exact) and central differences:

* for :class:`~autograd_mini.LogisticRegression`, ``fn(w, b, X, Y)`` returns ``(grads, cost)``
  with ``grads["dw"]`` (n_x, 1) and ``grads["db"]`` (a number): the course's ``propagate``;
* for :class:`~autograd_mini.DeepNet`, ``fn(X, Y, parameters)`` (``parameters`` a dict of numpy
  arrays W1, b1, …) does its own forward and backward pass and returns a dict with dW1, db1, …,
  optionally with dZ1, … and dA1, …, which are checked too: they are the notes' per-example
  derivatives, so they are set beside m · ∂J/∂Z[l] and m · ∂J/∂A[l]. It may also return
  ``(grads, cost)``.

A function that takes a parameter named ``lambd`` gets λ by that name; otherwise its gradients
are checked against the cost with λ all the same (a function without the L2 term is wrong for λ > 0).

The report names every wrong gradient, the first one going back from the output, a hint for the
classic mistakes (a missing or doubled 1/m, a factor 2, a flipped sign, a transpose, a missing
(λ/m) W), and the course's single number: the relative difference ‖grad − gradapprox‖₂ /
(‖grad‖₂ + ‖gradapprox‖₂) over W1, b1, W2, b2, … flattened (row-major) and joined, with
"There is a mistake in the backward propagation!" above 2e-7. Here gradapprox is autodiff's
gradient, exact where central differences carry an error of about 1e-9 that would blur the
threshold for small gradients; the report shows central differences beside it.

ReLU′(0) is a convention (the notes: 1; the course's ``np.int64(A > 0)``: 0): a gradient that
matches the notes' formulas with either is right. Central differences are not judged at the
entries whose θ ± ε crosses a ReLU kink (:mod:`autograd_mini.kinks`); the report counts them.
"""

from __future__ import annotations

import inspect
import json
import os
import traceback
from dataclasses import asdict, dataclass, field

import numpy as np

from . import analytic
from .comparison import _pair, autodiff_gradients, numeric_gradients
from .gradcheck import MAX_NUMERIC, relative_difference
from .nn import LogisticRegression, as_data
from .validate import check_lambd, check_XY

__all__ = ["check_backward", "BackpropReport", "GradientCheck", "diagnose", "COURSE_THRESHOLD"]

#: The course's verdict: "There is a mistake in the backward propagation!" above this difference.
COURSE_THRESHOLD = 2e-7
MISTAKE = "There is a mistake in the backward propagation!"
LOOKS_RIGHT = "Your backward propagation works perfectly fine!"


@dataclass
class GradientCheck:
    """One gradient the learner returned (or should have): ``status`` is "right" or "WRONG";
    ``problem`` says what is wrong (or, for a right one, "with ReLU'(0) = 0" when it matched that slope).

    ``relative`` and ``max_abs`` compare yours with autodiff (or the closed form with the ReLU′(0) it
    matched); ``numeric`` compares yours with central differences (parameters only) over the probed
    entries, less the ``kinks`` whose θ ± ε crosses a ReLU kink.
    """

    name: str
    layer: int
    shape: tuple
    status: str
    problem: str = ""
    relative: float | None = None
    max_abs: float | None = None
    numeric: float | None = None
    entries: int = 0
    kinks: int = 0

    @property
    def wrong(self) -> bool:
        return self.status == "WRONG"


@dataclass
class BackpropReport:
    """What :func:`check_backward` found; ``passed`` when nothing is wrong and the course's number is
    at most 2e-7. ``str()`` is the report for the learner."""

    model: str
    function: str
    m: int
    lambd: float
    cost: float
    rows: list = field(default_factory=list)
    learner_cost: float | None = None
    difference: float | None = None
    numeric_difference: float | None = None
    error: str | None = None
    notes: list = field(default_factory=list)

    @property
    def wrong(self) -> list:
        """The wrong gradients, in backprop order (from the output back)."""
        return [row.name for row in self.rows if row.wrong]

    @property
    def first_wrong(self) -> GradientCheck | None:
        """Going back from the output, the first gradient that is wrong."""
        return next((row for row in self.rows if row.wrong), None)

    @property
    def passed(self) -> bool:
        return (self.error is None and not self.wrong and self.difference is not None
                and self.difference <= COURSE_THRESHOLD and not self._cost_wrong())

    def __bool__(self) -> bool:
        return self.passed

    def _cost_wrong(self) -> bool:
        return self.learner_cost is not None and not np.isclose(self.learner_cost, self.cost, rtol=1e-9, atol=1e-12)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["passed"] = self.passed
        out["wrong"] = self.wrong
        out["first_wrong"] = self.first_wrong.name if self.first_wrong else None
        for row in out["rows"]:
            row["shape"] = list(row["shape"])
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def _table(self) -> list:
        header = ["gradient", "shape", "rel. yours/autodiff", "max|Δ|", "rel. yours/central diff.", "result"]
        lines = [header]
        for row in self.rows:
            numeric = "—" if row.numeric is None and row.kinks else "" if row.numeric is None else f"{row.numeric:.2e}"
            if row.kinks:
                numeric += f" ({row.kinks} on a kink)"
            result = row.status + (f" ({row.problem})" if row.status == "right" and row.problem else
                                   f": {row.problem}" if row.problem else "")
            lines.append([row.name, "x".join(map(str, row.shape)) or "1",
                          "" if row.relative is None else f"{row.relative:.2e}",
                          "" if row.max_abs is None else f"{row.max_abs:.2e}", numeric, result])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
        return ["  ".join([cell.ljust(w) for cell, w in zip(line, widths)] + [line[-1]]).rstrip() for line in lines]

    def __str__(self) -> str:
        out = [f"Checking {self.function} against autodiff and central differences",
               f"{self.model}, m = {self.m}, λ = {self.lambd:g}, J = {self.cost:.6g}"]
        if self.error is not None:
            return "\n".join(out + ["", self.error.rstrip(), "", MISTAKE + " (it did not return gradients)"])
        if self.learner_cost is not None:
            verdict = "WRONG" if self._cost_wrong() else "right"
            out.append(f"your cost {self.learner_cost:.6g}: {verdict}")
        out += [""] + self._table() + [""]
        names = "W1, b1, W2, b2, …" if self.rows and self.rows[0].layer else "w, b"
        if self.difference is None:
            out.append(f"{MISTAKE} The course's difference cannot be computed: a gradient is missing, "
                       "has the wrong shape or is not finite (see above).")
        else:
            out.append(f"{LOOKS_RIGHT if self.passed else MISTAKE} difference = {self.difference:.3e}")
            out.append(f"  (the course's ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂) over {names} flattened "
                       f"and joined, threshold {COURSE_THRESHOLD:g};")
            out.append("   gradapprox by autodiff" + (f"; by central differences it is {self.numeric_difference:.3e})"
                                                       if self.numeric_difference is not None else ")"))
            if not self.passed and self.difference <= COURSE_THRESHOLD:
                out.append("   The number alone is under the threshold, yet what is named below is wrong: "
                           "a dZ or dA, the cost, or a gradient small beside the others.")
        if self.wrong:
            first = self.first_wrong
            where = f" (layer {first.layer})" if first.layer else ""
            out.append(f"Wrong: {', '.join(self.wrong)}. Going back from the output, the first wrong gradient is "
                       f"{first.name}{where}: look there first.")
        return "\n".join(out + self.notes)


# ---------------------------------------------------------------- recognising the classic mistakes


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-6) -> bool:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return bool(scale > 0 and np.linalg.norm(a - b) <= rtol * scale)


def _ratio_hint(yours: np.ndarray, true: np.ndarray, m: int, per_example: bool = False) -> str:
    """yours = r · true for one number r: name r."""
    denominator = float(np.vdot(true, true))
    if denominator == 0:
        return ""
    r = float(np.vdot(yours, true)) / denominator
    if not _close(yours, r * true):
        return ""
    twice = ("ratio 1/m: the notes' dZ and dA are per example, without 1/m (it goes into dW and db)"
             if per_example else "ratio 1/m: divided by m twice")
    known = [(m, "ratio m: the 1/m is missing"), (1 / m, twice),
             (2, "a factor 2 too many"), (0.5, "a factor 1/2 (half the true value)"),
             (-1, "the sign is flipped")]
    names = [text for value, text in known if np.isclose(r, value, rtol=1e-6)]
    if names:
        return " or ".join(names)
    if np.isclose(r, round(r), rtol=1e-6) and round(r) > 0:
        return f"{round(r)} × the true gradient: {round(r)}/m where the notes have 1/m?"
    return f"{r:.4g} × the true gradient"


def diagnose(yours: np.ndarray, true: np.ndarray, m: int, W: np.ndarray | None = None, lambd: float = 0.0,
             per_example: bool = False) -> str:
    """The classic mistake that turns the ``true`` gradient into ``yours``, in words; "" when none fits.

    Recognised: a transpose (the shapes swapped), a missing (λ/m) W (yours − true = −(λ/m) W), and
    yours = r · true for r = m (missing 1/m), 1/m (1/m twice), 2, 1/2, −1 (sign) or another whole
    number k (k/m for 1/m), on the whole gradient or on its part without the L2 term. ``per_example``
    for dZ and dA, which carry no 1/m.
    """
    if yours.shape != true.shape:
        if yours.shape == true.shape[::-1]:
            return f"shape {yours.shape}, expected {true.shape}: transposed? (dW[l] has the shape of W[l], (n[l], n[l-1]))"
        hint = ": keepdims=True in np.sum?" if yours.shape == true.shape[:1] else ""
        return f"shape {yours.shape}, expected {true.shape}{hint}"
    if W is not None and lambd > 0:
        penalty = (lambd / m) * W
        if _close(yours, true - penalty):
            return "the L2 term (λ/m)·W is missing (yours = true − (λ/m) W)"
        if _close(yours, true - penalty + lambd * W):
            return "the L2 term is λ·W where the notes have (λ/m)·W"
        hint = _ratio_hint(yours - penalty, true - penalty, m)
        if hint:
            return hint + " (in the part without the L2 term)"
    return _ratio_hint(yours, true, m, per_example)


# ---------------------------------------------------------------- running the learner's function


def _learner_frames(exc: BaseException, fn) -> list:
    """The traceback's frames in the learner's own file (all below this module's call when none is)."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]
    code = getattr(fn, "__code__", None)
    own = [f for f in frames if code is not None and f.filename == code.co_filename]
    return own or frames


def _function_name(fn) -> str:
    name = getattr(fn, "__name__", type(fn).__name__)
    code = getattr(fn, "__code__", None)
    return f"{name} ({os.path.basename(code.co_filename)})" if code is not None else name


def _as_gradient(value, shape: tuple) -> tuple:
    """(array, problem): the learner's value as a float64 array, or None and what is wrong with it."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"is a {type(value).__name__}; expected an array of shape {shape}"
    if shape == (1, 1) and array.size == 1 and array.ndim <= 2:
        array = array.reshape(1, 1)  # db of logistic regression is a number in the course
    if array.shape != shape:
        return array, None
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return None, f"contains NaN or inf ({int(bad.sum())} entries, the first at {first})"
    return array, None


def _call(fn, model, X: np.ndarray, Y: np.ndarray, lambd: float):
    """Run the learner's function on copies; return (grads, cost or None)."""
    parameters = {name: p.data.copy() for name, p in model.parameters.items()}
    try:
        wants_lambd = "lambd" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        wants_lambd = False
    extra = {"lambd": lambd} if wants_lambd else {}
    if isinstance(model, LogisticRegression):
        result = fn(parameters["w"], float(parameters["b"].reshape(())), X.copy(), Y.copy(), **extra)
    else:
        result = fn(X.copy(), Y.copy(), parameters, **extra)
    return result


def _split(result, logistic: bool) -> tuple:
    """(grads dict, cost or None) from what the learner's function returned, or a ValueError saying what it returned."""
    expected = "(grads, cost) with grads['dw'] and grads['db']" if logistic else "a dict of gradients dW1, db1, …"
    cost = None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict):
        result, cost = result
    if not isinstance(result, dict):
        raise ValueError(f"it returned a {type(result).__name__}; expected {expected}")
    if cost is not None:
        try:
            cost = float(np.asarray(cost, dtype=np.float64).reshape(()))
        except (TypeError, ValueError):
            raise ValueError(f"its cost is a {type(cost).__name__} of shape {np.shape(cost)}; expected a number") from None
    return result, cost


def check_backward(model, X, Y, fn, lambd: float = 0.0, max_numeric: int = MAX_NUMERIC, eps: float = 1e-6, seed=0,
                   tol: float = 1e-7, atol: float = 1e-12) -> BackpropReport:
    """Judge the learner's gradient function ``fn`` against autodiff and central differences (see the module).

    A gradient is right when its relative difference from autodiff is at most ``tol``, or no entry
    differs by more than ``atol``; where a ReLU input is exactly 0, the learner may take ReLU′(0) = 0
    (the slope on the left, ``np.int64(A > 0)``) where autodiff takes the notes' 1, and matching the
    notes' closed form with that slope is right too. The model's parameters are left as they were.
    """
    X, Y = check_XY(X, Y, model.n_x, model.n_L)
    lambd = check_lambd(lambd)
    logistic = isinstance(model, LogisticRegression)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    m = X.shape[1]
    J, autodiff, nodes = autodiff_gradients(model, X_t, Y_t, lambd)
    report = BackpropReport(repr(model), _function_name(fn), m, lambd, J)
    try:
        result = _call(fn, model, X, Y, lambd)
    except Exception as exc:  # the learner's code: show its own traceback
        frames = _learner_frames(exc, fn)
        report.error = ("Your function raised an exception:\nTraceback (most recent call last):\n"
                        + "".join(traceback.format_list(frames))
                        + "".join(traceback.format_exception_only(type(exc), exc)))
        return report
    try:
        grads, report.learner_cost = _split(result, logistic)
    except ValueError as exc:
        report.error = f"Your function's result cannot be checked: {exc}"
        return report
    numeric = numeric_gradients(model, X_t, Y_t, lambd, max_numeric, eps, seed)
    model.forward(X)  # leave model.cache holding the nodes of X, not of the last probe

    expected = _expected(model, autodiff, nodes, m, X, Y)
    left = {} if logistic else _left_at_zero(model, X, Y, lambd)
    matched = {}  # name → (yours, the reference it matched)
    for name, (layer, true, kind) in expected.items():
        row = GradientCheck(name, layer, true.shape, "right", entries=true.size)
        if name not in grads:
            if kind == "parameter":
                row.status, row.problem = "WRONG", "missing from the returned dict"
                report.rows.append(row)
            continue
        yours, problem = _as_gradient(grads[name], true.shape)
        if problem or yours.shape != true.shape:
            row.status, row.problem = "WRONG", problem or diagnose(yours, true, m)
            report.rows.append(row)
            continue
        reference = true
        row.max_abs, row.relative = _pair(yours, true)
        if not _agrees(row, tol, atol) and name in left and not np.array_equal(left[name], true):
            max_abs, relative = _pair(yours, left[name])
            if relative <= tol or max_abs <= atol:
                reference, row.max_abs, row.relative = left[name], max_abs, relative
                row.problem = "with ReLU'(0) = 0"
        if not _agrees(row, tol, atol):
            row.status = "WRONG"
            W = model.parameters[name[1:]].data if kind == "parameter" and name[1] in "Ww" else None
            row.problem = diagnose(yours, true, m, W, lambd, kind != "parameter") or "no classic mistake recognised"
        if kind == "parameter":
            leg = numeric[name[1:]]
            row.kinks = len(leg.kinks)
            probed = leg.pick(yours)[~leg.on_kink]
            if probed.size:
                row.numeric = relative_difference(probed, leg.grad[~leg.on_kink])
            matched[name] = (yours, reference)
        report.rows.append(row)

    order = [name for name, (_, _, kind) in expected.items() if kind == "parameter"]
    order.sort(key=lambda n: (expected[n][0], n[1] not in "Ww"))  # W1, b1, W2, b2, …
    if all(name in matched for name in order):
        report.difference, report.numeric_difference = _course_difference(order, matched, numeric)
    if any(row.problem == "missing from the returned dict" for row in report.rows):
        optional = ", and optionally dZ1, …, dA1, …" if not logistic else ""
        report.notes.append(f"Expected the keys {', '.join(order)}{optional}; got {', '.join(map(str, grads)) or 'none'}.")
    unknown = sorted(map(str, set(grads) - set(expected)))
    if unknown:
        report.notes.append(f"Not checked (not a gradient of this model): {', '.join(unknown)}.")
    if any(row.problem == "with ReLU'(0) = 0" for row in report.rows):
        report.notes.append("'with ReLU'(0) = 0': where a ReLU input is exactly 0, your code takes the slope on the "
                            "left (as np.int64(A > 0) does) and the notes the one on the right, g'(0) = 1; both are "
                            "right, and these gradients match the notes' formulas with ReLU'(0) = 0.")
    if any(row.kinks for row in report.rows):
        report.notes.append("'on a kink': a central difference whose θ ± ε crosses a ReLU kink measures the mean of "
                            "two slopes, not a derivative; those entries are left out of the central-difference column.")
    bad = [name for name in numeric if _autodiff_disagrees(autodiff[name], numeric[name])]
    if bad:
        report.notes.append(f"autograd_mini's autodiff disagrees with central differences at {', '.join(bad)}: "
                            "that is a bug in autograd_mini, please report it.")
    return report


def _agrees(row: GradientCheck, tol: float, atol: float) -> bool:
    return row.relative <= tol or row.max_abs <= atol


def _left_at_zero(model, X: np.ndarray, Y: np.ndarray, lambd: float) -> dict:
    """The notes' closed-form gradients with ReLU′(0) taken from the left, by the learner's names."""
    values = {name: p.data for name, p in model.parameters.items()}
    AL, caches = analytic.L_model_forward(X, values, model.activations)
    return analytic.L_model_backward(AL, Y, caches, values, model.activations, lambd, left_at_zero=True)


def _expected(model, autodiff: dict, nodes: dict, m: int, X: np.ndarray, Y: np.ndarray) -> dict:
    """Every gradient the learner may return, in backprop order: name → (layer, true value, kind)."""
    if isinstance(model, LogisticRegression):
        return {"dw": (0, autodiff["w"], "parameter"), "db": (0, autodiff["b"], "parameter")}
    L = model.L
    expected = {}
    if f"A{L}" in nodes:
        dA_L = m * nodes[f"A{L}"]
    else:  # the fused cost starts at Z[L]; the notes' dA[L] = −Y/A + (1 − Y)/(1 − A)
        values = {name: p.data for name, p in model.parameters.items()}
        A_L, _ = analytic.L_model_forward(X, values, model.activations)
        with np.errstate(divide="ignore", invalid="ignore"):
            dA_L = -Y / A_L + (1 - Y) / (1 - A_L)
    expected[f"dA{L}"] = (L, dA_L, "dA")
    for l in range(L, 0, -1):
        expected[f"dZ{l}"] = (l, m * nodes[f"Z{l}"], "dZ")
        expected[f"dW{l}"] = (l, autodiff[f"W{l}"], "parameter")
        expected[f"db{l}"] = (l, autodiff[f"b{l}"], "parameter")
        if l > 1:
            expected[f"dA{l - 1}"] = (l - 1, m * nodes[f"A{l - 1}"], "dA")
    return expected


def _course_difference(order: list, matched: dict, numeric: dict) -> tuple:
    """The course's single number over the parameters in the order W1, b1, W2, b2, … (flattened, joined):
    yours against autodiff (or the closed form with the ReLU′(0) yours matched), and against central
    differences at the probed entries not on a kink."""
    yours = [matched[name][0].ravel() for name in order]
    reference = [matched[name][1].ravel() for name in order]
    probed = [numeric[name[1:]].pick(matched[name][0])[~numeric[name[1:]].on_kink] for name in order]
    approx = [numeric[name[1:]].grad[~numeric[name[1:]].on_kink] for name in order]
    return (relative_difference(np.concatenate(yours), np.concatenate(reference)),
            relative_difference(np.concatenate(probed), np.concatenate(approx)))


def _autodiff_disagrees(autodiff: np.ndarray, leg) -> bool:
    judged = ~leg.on_kink
    first, second = leg.pick(autodiff)[judged], leg.grad[judged]
    return bool(first.size and relative_difference(first, second) > 1e-5 and np.max(np.abs(first - second)) > 1e-7)
