"""Check a learner's own backprop, as the course's gradient-checking exercise does.

``compare(model, X, Y, lambd, backward=fn)`` (or :func:`check_backward`) runs the learner's
gradient function on copies of the data and the parameters and sets every gradient it returns
beside autodiff (exact) and central differences:

* for :class:`~autograd_mini.LogisticRegression`, ``fn(w, b, X, Y)`` returns ``(grads, cost)``
  with ``grads["dw"]`` (n_x, 1) and ``grads["db"]`` (a number): the course's ``propagate``;
* for :class:`~autograd_mini.DeepNet`, ``fn(X, Y, parameters)`` (``parameters`` a dict of numpy
  arrays W1, b1, …) does its own forward and backward pass and returns a dict with dW1, db1, …,
  optionally with dZ1, … and dA1, …, which are checked too. It may also return ``(grads, cost)``.
* For a net with dropout (``keep_prob``), the masks are drawn once and held for autodiff, the closed
  form and every central difference, and the learner gets them: ``fn(X, Y, parameters, masks)``, with
  ``masks`` a dict D1, D2, … of 0/1 arrays of the shapes of A1, A2, … (A[l] = A[l] ∗ D[l] / keep_prob).

A function with a parameter named ``lambd`` (or ``**kwargs``) gets λ by that name; with λ ≠ 0 a function
without one is refused before it runs (:class:`~autograd_mini.learner_code.LearnerCallError`, a ValueError),
as is one whose parameters do not take what the check passes. One with a parameter named ``keep_prob``
gets the keep_prob (one number, or a dict by layer when the layers differ).

Conventions, all accepted, each said in the report:

* dZ[l] and dA[l] are the notes' per-example derivatives (dZ[L] = A[L] − Y), set beside
  m · ∂J/∂Z[l]; returned as ∂J/∂Z[l] (with the 1/m, every dZ and dA alike) they are accepted with a
  note, or asked for with ``per_example=False``.
* Under dropout, dA[l] after the mask and the 1/keep_prob (the course's backward_propagation_with_dropout)
  or before them (W[l+1]ᵀ dZ[l+1], the gradient of the thinned A[l]).
* ReLU′(0) (the notes: 1; the course's ``np.int64(A > 0)``: 0; ½ between): gradients that differ from
  the notes' only through entries of Z that are exactly 0 are right ("a subgradient choice, not a bug").
* ``keys="2017"``: the 2017 notebook's names, where ``grads["dA3"]`` holds dA[2] (keys one layer off);
  with the default ``keys="notes"`` such keys are recognised and named, not judged.

A row is right when its relative difference from autodiff is at most ``tol`` or every entry is within
rounding of it (1e-12 of the sum of the absolute terms the gradient adds up); a gradient whose
entries are all below 1e-10 of the largest gradient, or that is zero up to rounding, is "too small to
judge" (a factor 2 on it would not show); a wrong one is named with the classic mistake it fits
(:mod:`autograd_mini.mistakes`) and the line of the learner's code that computes it.

The report's verdict is "right" (``passed``), "WRONG", or "not judged": nothing wrong, but something
could not be judged (a gradient too small, keys one layer off, or weights with identical rows, which
make the units' gradients identical and hide bugs, or m = 1, where a missing or extra 1/m cannot show).
The course's single number is the relative
difference ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂) over W1, b1, W2, b2, … flattened
(row-major) and joined, with "There is a mistake in the backward propagation!" above 2e-7. The course's
gradapprox is the central-difference estimate; here autodiff's exact gradient stands in its place, since
central differences carry an error of about 1e-9 that would blur the threshold for small gradients, and
the number with the course's gradapprox (central differences) is shown beside it. When both are zero up
to rounding the number means nothing and is not held against the learner.
Central differences are not judged at the entries whose θ ± ε crosses a kink (:mod:`autograd_mini.kinks`).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field

import numpy as np

from . import analytic
from .gradcheck import MAX_NUMERIC, relative_difference
from .gradient_legs import autodiff_gradients, max_abs_and_relative, numeric_gradients
from .learner_code import LearnerError, as_gradient, call_learner, find_lines, function_name, read_result
from .mistakes import diagnose, ratio_hint
from .nn import LogisticRegression, as_data
from .validate import check_lambd, check_timeout

__all__ = ["check_backward", "BackpropReport", "GradientCheck", "diagnose", "COURSE_THRESHOLD", "KEYS"]

#: The course's verdict: "There is a mistake in the backward propagation!" above this difference.
COURSE_THRESHOLD = 2e-7
MISTAKE = "There is a mistake in the backward propagation!"
LOOKS_RIGHT = "Your backward propagation works perfectly fine!"
NOT_JUDGED = "No mistake found, but the check could not judge everything:"
#: The headline when the learner's function ran but gave nothing to compare (verdict WRONG all the same).
NO_GRADIENTS = "Your function did not return gradients, so no gradient was compared (see above)."
SINGLE_EXAMPLE = ("With m = 1 example a missing or extra factor 1/m cannot show (1/m = 1), so this check cannot "
                  "vouch for your code: check it again with --m 2 or more (compare() with m ≥ 2 examples).")
#: A difference within this share of the sum of |terms| a gradient adds up is rounding: a correct
#: computation in another order differs by a few u = 2.2e-16 times it, this leaves room for thousands.
ROUNDING = 1e-12
#: A gradient whose entries are all below this share of the largest gradient is too small to judge.
VANISHING = 1e-10
#: The key conventions: the notes' (dA1 is dA[1]) and the 2017 notebook's (dA1 is dA[0]).
KEYS = ("notes", "2017")

RIGHT, WRONG, SMALL, UNJUDGED = "right", "WRONG", "too small to judge", "not judged"
KEYS_OFF = "keys one layer off"
NOTES_KEYS = "keys as the notes name them"


@dataclass
class GradientCheck:
    """One gradient the learner returned (or should have): ``status`` is "right", "WRONG", "too small
    to judge" or "not judged" (its key is one layer off); ``problem`` says what is wrong, why it cannot be
    judged, or for a right one the convention it matched. ``layer`` is the step of backprop that computes it (layer l's
    step computes dZ[l], dW[l], db[l] and dA[l−1]), ``formula`` how the notes compute it there;
    ``lines``, for a wrong one, the lines of the learner's code that compute it.

    ``relative`` and ``max_abs`` compare yours with the reference it was judged against (autodiff, or
    the closed form with the convention it matched); ``numeric`` compares yours with central
    differences (parameters only) over the probed entries, less the ``kinks`` whose θ ± ε crosses a kink.
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
    lines: list = field(default_factory=list)
    formula: str = ""

    @property
    def wrong(self) -> bool:
        return self.status == WRONG


@dataclass
class BackpropReport:
    """What :func:`check_backward` found. ``verdict`` is "right", "WRONG" or "not judged" (see the
    module); ``passed`` when it is "right". ``str()`` is the report for the learner."""

    model: str
    function: str
    m: int
    lambd: float
    cost: float
    rows: list = field(default_factory=list)
    learner_cost: float | None = None
    cost_hint: str = ""
    difference: float | None = None
    numeric_difference: float | None = None
    zero_gradients: bool = False
    error: str | None = None
    symmetric: list = field(default_factory=list)
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
    def not_judged(self) -> list:
        """The gradients that could not be judged (too small, or keys one layer off)."""
        return [row.name for row in self.rows if row.status in (SMALL, UNJUDGED)]

    def cost_wrong(self) -> bool:
        return self.learner_cost is not None and not np.isclose(self.learner_cost, self.cost, rtol=1e-9, atol=1e-12)

    def _difference_fails(self) -> bool:
        return self.difference is None or (self.difference > COURSE_THRESHOLD and not self.zero_gradients)

    @property
    def verdict(self) -> str:
        if self.error is not None or self.wrong or self.cost_wrong() or self._difference_fails():
            return WRONG
        return UNJUDGED if self.not_judged or self.symmetric or self.m == 1 else RIGHT

    @property
    def passed(self) -> bool:
        return self.verdict == RIGHT

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict:
        out = asdict(self)
        out["verdict"] = self.verdict
        out["passed"] = self.passed
        out["wrong"] = self.wrong + (["cost"] if self.cost_wrong() else [])
        out["not_judged"] = self.not_judged
        out["first_wrong"] = self.first_wrong.name if self.first_wrong else None
        for row in out["rows"]:
            row["shape"] = list(row["shape"])
            row["lines"] = [list(line) for line in row["lines"]]
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
            result = row.status + (f" ({row.problem})" if row.status != WRONG and row.problem else
                                   f": {row.problem}" if row.problem else "")
            lines.append([row.name, "x".join(map(str, row.shape)) or "1",
                          "" if row.relative is None else f"{row.relative:.2e}",
                          "" if row.max_abs is None else f"{row.max_abs:.2e}", numeric, result])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
        return ["  ".join([cell.ljust(w) for cell, w in zip(line, widths)] + [line[-1]]).rstrip() for line in lines]

    def _headline(self) -> str:
        return {RIGHT: LOOKS_RIGHT, WRONG: MISTAKE, UNJUDGED: NOT_JUDGED}[self.verdict]

    def _wrong_lines(self) -> list:
        named = self.wrong + ([f"your cost ({self.learner_cost:.6g}; J = {self.cost:.6g})"] if self.cost_wrong() else [])
        if not named:
            if self._difference_fails() and self.difference is not None:
                return ["No gradient is wrong by itself, yet together they are further from autodiff than the "
                        "course's threshold allows."]
            return []
        out = [f"Wrong: {', '.join(named)}."]
        first = self.first_wrong
        if first is not None:
            where = f", computed in layer {first.layer}'s step" if first.layer else ", computed"
            where = where + f" as {first.formula}" if first.formula else where if first.layer else ""
            text = f"Going back from the output, the first wrong gradient is {first.name}{where}"
            if first.lines:
                shown = "; ".join(f"line {number}: {code}" for number, _, code in first.lines)
                text += f"; your code computes it in {first.lines[0][1]}, {shown}"
            out.append(text + ": look there first.")
        return out

    def __str__(self) -> str:
        out = [f"Checking {self.function} against autodiff and central differences",
               f"{self.model}, m = {self.m}, λ = {self.lambd:g}, J = {self.cost:.6g}"]
        if self.error is not None:
            return "\n".join(out + ["", self.error.rstrip(), "", NO_GRADIENTS])
        if self.learner_cost is not None:
            verdict = "WRONG" + (f": {self.cost_hint}" if self.cost_hint else "") if self.cost_wrong() else "right"
            out.append(f"your cost {self.learner_cost:.6g}: {verdict}")
        out += [""] + self._table() + [""]
        names = "W1, b1, W2, b2, …" if self.rows and self.rows[0].layer else "w, b"
        if self.difference is None:
            out.append(f"{MISTAKE} The course's difference cannot be computed: a gradient is missing, "
                       "has the wrong shape, is not real or is not finite (see above).")
        else:
            out.append(f"{self._headline()} difference = {self.difference:.3e}")
            out.append(f"  (the course's ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂) over {names} flattened "
                       f"and joined, threshold {COURSE_THRESHOLD:g},")
            out.append("   with autodiff's exact gradient in place of gradapprox" + (
                f"; with the course's gradapprox, central differences, it is {self.numeric_difference:.3e})"
                if self.numeric_difference is not None else ")"))
            if self.zero_gradients:
                out.append(f"   Both your gradients and autodiff's are zero up to rounding (each below {ROUNDING:g} of "
                           "the terms it sums), so this number compares rounding with rounding and is not held "
                           "against you.")
        out += self._wrong_lines()
        small = {}
        for row in self.rows:
            if row.status == SMALL:
                small.setdefault(row.problem, []).append(row.name)
        if small:
            out.append("Too small to judge: " + "; ".join(f"{', '.join(names)} ({why})" for why, names in small.items())
                       + ". A gradient this small would look the same with a factor 2 or a flipped sign in it.")
            if any(why.startswith("vanishing") for why in small):
                out.append("   Its entries are below 1e-10 of the largest gradient: small weights in a deep net make "
                           "the early layers' gradients vanish. Check with --init he (initialization=\"he\").")
        keys_off = [row for row in self.rows if row.status == UNJUDGED and row.problem.endswith(KEYS_OFF)]
        notes_keys = [row for row in self.rows if row.status == UNJUDGED and row.problem.endswith(NOTES_KEYS)]
        if notes_keys:
            out.append(f"Keys as the notes name them: {', '.join(row.name for row in notes_keys)} hold dA[l] under "
                       "\"dA\" + str(l), not the next layer down's dA as the 2017 notebook names them. Check them so "
                       "without --keys 2017 (keys=\"notes\").")
        if keys_off:
            out.append(f"Keys one layer off: {', '.join(row.name for row in keys_off)} hold the next layer down's dA, "
                       "as the 2017 notebook names them (grads[\"dA\" + str(l)] = dA_prev). Check them so with "
                       "--keys 2017 (keys=\"2017\"), or store dA[l−1] under \"dA\" + str(l − 1).")
        if self.m == 1 and self.verdict == UNJUDGED:
            out.append(SINGLE_EXAMPLE)
        if self.symmetric:
            out.append(f"Warning: {', '.join(self.symmetric)} {'has' if len(self.symmetric) == 1 else 'have'} identical "
                       "rows, so the units of a layer compute the same thing and get the same gradients (with zero "
                       "weights most gradients are 0): symmetric weights hide bugs, and this check cannot vouch for "
                       "your code. Check it with random weights: --init he (initialization=\"he\").")
        return "\n".join(out + self.notes)


# ---------------------------------------------------------------- what the learner may return


@dataclass
class _Expected:
    """One gradient the learner may return: ``kind`` dW, db, dZ or dA; ``references`` the values it may
    equal, each (value, rounding allowance per entry, the convention's note or ""), the notes' first."""

    layer: int
    kind: str
    references: list
    W: np.ndarray | None = None
    b: np.ndarray | None = None
    keep_prob: float | None = None
    slips: list = field(default_factory=list)

    @property
    def true(self) -> np.ndarray:
        return self.references[0][0]


def _closed_forms(model, X, Y, lambd, masks) -> tuple:
    """The forward caches and the notes' gradients, by ReLU′(0) (1: the notes; 0 and ½: other subgradients)."""
    values = {name: p.data for name, p in model.parameters.items()}
    AL, caches = analytic.L_model_forward(X, values, model.activations, masks, model.keep_prob)
    grads = {t: analytic.L_model_backward(AL, Y, caches, values, model.activations, lambd, t, model.keep_prob)
             for t in (1.0, 0.0, 0.5)}
    return caches, grads


def _term_scales(model, caches, Y, lambd) -> dict:
    """Per gradient, the sum of the absolute values of the terms it adds up: the notes' backward pass run on
    |A[L]| + |Y|, |A[l]| and |W[l]| (every g′ is ≥ 0 and ReLU′(0) is taken as 1, the largest slope)."""
    values = {name: np.abs(p.data) for name, p in model.parameters.items()}
    absolute = {name: np.abs(value) if name[0] == "A" else value for name, value in caches.items()}
    L = model.L
    start = absolute[f"A{L}"] + np.abs(Y)
    return analytic.L_model_backward(start, np.zeros_like(Y), absolute, values, model.activations, lambd,
                                     1.0, model.keep_prob)


def _output_dA(model, A_L: np.ndarray, Y: np.ndarray) -> tuple:
    """The notes' dA[L] and the sum of the absolute values of its terms: −Y/A + (1 − Y)/(1 − A), or −Y/A
    for softmax with the categorical cross-entropy."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if model.activations[-1] == "softmax":
            return -Y / A_L, np.abs(Y / A_L)
        return -Y / A_L + (1 - Y) / (1 - A_L), np.abs(Y / A_L) + np.abs((1 - Y) / (1 - A_L))


def _kinked(model, caches) -> dict:
    """The number of entries of Z[l] exactly at a ReLU kink, by hidden layer l (with a ReLU-family g[l])."""
    return {l: int(np.count_nonzero(caches[f"Z{l}"] == 0)) for l in range(1, model.L)
            if model.activations[l - 1] in ("relu", "leaky_relu")}


#: g′ computed from Z instead of A = g(Z): what it gives, and the slip in words.
_PRIME_FROM_Z = {"sigmoid": (lambda Z: Z * (1 - Z), "σ′ computed from Z, Z(1 − Z), where the notes have A(1 − A)"),
                 "tanh": (lambda Z: 1 - Z ** 2, "tanh′ computed from Z, 1 − Z², where the notes have 1 − A²")}


#: Dropout's source: the notes do not cover it, the course's programming exercise does.
_INVERTED_DROPOUT = "inverted dropout, as the course's backward_propagation_with_dropout has it; the notes have no dropout"


def _mask_not_applied(l: int) -> str:
    return f"dropout's mask not applied to dA[{l}]: dA[{l}] = dA[{l}] ∗ D[{l}] / keep_prob ({_INVERTED_DROPOUT})"


_MASKS_IGNORED = ("the masks are not applied at all: this is the gradient of the net without dropout. Apply them in "
                  "the forward pass, A[l] = A[l] ∗ D[l] / keep_prob, and in the backward pass, dA[l] = dA[l] ∗ D[l] / "
                  f"keep_prob ({_INVERTED_DROPOUT})")


def _dropout_slips(model, X, Y, lambd, caches, closed) -> dict:
    """For a net with dropout, by gradient name: what the two classic dropout slips give, each (value, text).
    dA[l]'s mask forgotten in the backward pass (with or without the 1/keep_prob): dZ[l] = dA[l] ∗ g′(Z[l])
    from the unmasked dA[l], and the dW[l], db[l] that follow from it (the gradient first wrong going back);
    the masks ignored altogether: every gradient of the net without dropout."""
    values = {name: p.data for name, p in model.parameters.items()}
    m = X.shape[1]
    slips = {}
    for l, keep_prob in model.keep_prob.items():
        g_prime = analytic.g_prime(model.activations[l - 1], caches[f"Z{l}"], caches[f"A{l}_before_dropout"])
        unmasked = closed[f"dA{l}"]  # W[l+1]ᵀ dZ[l+1], before the mask
        for dA in (unmasked, unmasked / keep_prob):
            dZ = dA * g_prime
            slips.setdefault(f"dZ{l}", []).append((dZ, _mask_not_applied(l)))
            slips.setdefault(f"dW{l}", []).append((dZ @ caches[f"A{l - 1}"].T / m + (lambd / m) * values[f"W{l}"],
                                                   f"follows from a dZ[{l}] with {_mask_not_applied(l)}"))
            slips.setdefault(f"db{l}", []).append((np.sum(dZ, axis=1, keepdims=True) / m,
                                                   f"follows from a dZ[{l}] with {_mask_not_applied(l)}"))
        slips.setdefault(f"dA{l}", []).append((unmasked / keep_prob, _mask_not_applied(l)))
    AL, plain = analytic.L_model_forward(X, values, model.activations)
    without = {**analytic.L_model_backward(AL, Y, plain, values, model.activations, lambd),
               f"dA{model.L}": _output_dA(model, AL, Y)[0]}
    for name, value in without.items():
        slips.setdefault(name, []).append((value, _MASKS_IGNORED))
    return slips


def _deep_expected(model, X, Y, lambd, masks, autodiff, nodes) -> tuple:
    """Every gradient a net's learner may return, in backprop order; and dA[0], to recognise keys one layer off."""
    m, L = X.shape[1], model.L
    caches, closed = _closed_forms(model, X, Y, lambd, masks)
    noise = {name: ROUNDING * value for name, value in _term_scales(model, caches, Y, lambd).items()}
    kinked = _kinked(model, caches)
    W = {l: model.parameters[f"W{l}"].data for l in range(1, L + 1)}
    dropped = {l: masks[f"D{l}"] / k for l, k in model.keep_prob.items()}  # D[l] / keep_prob
    dropout = _dropout_slips(model, X, Y, lambd, caches, closed[1.0]) if masks else {}

    def references(name, notes_value, step, scale):
        """The notes' value, then the other ReLU′(0) subgradients where a Z at or above layer ``step`` is 0."""
        zeros = sum(k for l, k in kinked.items() if l >= step)
        out = [(notes_value, scale, "")]
        if zeros:
            text = f"differs only at Z = 0 exactly ({zeros} entries): a subgradient choice, not a bug"
            out += [(closed[t][name], scale, f"{text}; your ReLU'(0) = {t:g}") for t in (0.0, 0.5)]
        return out

    expected = {}
    dA_L, dA_L_scale = _output_dA(model, caches[f"A{L}"], Y)
    expected[f"dA{L}"] = _Expected(L, "dA", [(dA_L, ROUNDING * dA_L_scale, "")], slips=dropout.get(f"dA{L}", []))
    for l in range(L, 0, -1):
        g = model.activations[l - 1]
        # dZ[l] = dA[l] * g′(Z[l]), dA[l] after dropout's mask: what a g′ computed from Z would give instead
        dA = dA_L if l == L else closed[1.0][f"dA{l}"] * dropped.get(l, 1.0)
        slips = [(dA * _PRIME_FROM_Z[g][0](caches[f"Z{l}"]), _PRIME_FROM_Z[g][1])] if g in _PRIME_FROM_Z else []
        expected[f"dZ{l}"] = _Expected(l, "dZ", references(f"dZ{l}", m * nodes[f"Z{l}"], l, noise[f"dZ{l}"]),
                                       slips=slips + dropout.get(f"dZ{l}", []))
        expected[f"dW{l}"] = _Expected(l, "dW", references(f"dW{l}", autodiff[f"W{l}"], l, noise[f"dW{l}"]), W=W[l],
                                       slips=dropout.get(f"dW{l}", []))
        expected[f"db{l}"] = _Expected(l, "db", references(f"db{l}", autodiff[f"b{l}"], l, noise[f"db{l}"]),
                                       b=model.parameters[f"b{l}"].data, slips=dropout.get(f"db{l}", []))
        if l == 1:
            continue
        dA_prev = references(f"dA{l - 1}", m * nodes[f"A{l - 1}"], l, noise[f"dA{l - 1}"])
        dZ = m * nodes[f"Z{l}"]
        slips = []
        if W[l].shape[0] == W[l].shape[1]:  # only a square W[l] lets W[l] dZ[l] pass for W[l]ᵀ dZ[l]
            slips = [(W[l] @ dZ * mask, "W[l] dZ[l] where the notes have W[l]ᵀ dZ[l]")
                     for mask in ([1.0, dropped[l - 1]] if l - 1 in dropped else [1.0])]
        if l - 1 in dropped:  # the course returns dA[l-1] after the mask and the 1/keep_prob
            course = f"dA{l - 1} is taken after dropout, as the course returns it"
            dA_prev = [(value, scale, f"dA{l - 1} is taken before dropout's mask (W{l}ᵀ dZ{l})" if not note else note)
                       for value, scale, note in dA_prev] + \
                      [(value * dropped[l - 1], scale / model.keep_prob[l - 1], f"{course}; {note}" if note else course)
                       for value, scale, note in dA_prev]
        expected[f"dA{l - 1}"] = _Expected(l, "dA", dA_prev, keep_prob=model.keep_prob.get(l - 1),
                                           slips=slips + dropout.get(f"dA{l - 1}", []))
    return expected, W[1].T @ (m * nodes["Z1"])


def _logistic_expected(model, X, Y, lambd, autodiff) -> dict:
    values = {name: p.data for name, p in model.parameters.items()}
    m = X.shape[1]
    A = analytic.logistic_vectorized(X, Y, values["w"], values["b"], lambd)["A"]
    dZ_scale = np.abs(A) + np.abs(Y)
    w_scale = np.abs(X) @ dZ_scale.T / m + (lambd / m) * np.abs(values["w"])
    b_scale = np.full((1, 1), dZ_scale.sum() / m)
    return {"dw": _Expected(0, "dW", [(autodiff["w"], ROUNDING * w_scale, "")], W=values["w"]),
            "db": _Expected(0, "db", [(autodiff["b"], ROUNDING * b_scale, "")])}


# ---------------------------------------------------------------- judging one gradient


def _matches(yours: np.ndarray, reference: np.ndarray, noise: np.ndarray, tol: float) -> str:
    """"relative" when yours is within ``tol`` of the reference, "rounding" when every entry is within
    rounding of it, "" when neither."""
    if relative_difference(yours, reference) <= tol:
        return "relative"
    with np.errstate(invalid="ignore"):
        return "rounding" if bool(np.all(np.abs(yours - reference) <= noise)) else ""


def _judge(row: GradientCheck, yours: np.ndarray, expected: _Expected, scale: float, tol: float, m: int,
           lambd: float, logistic: bool, per_example: bool) -> np.ndarray:
    """Set the row's status and numbers; return the reference it was judged against."""
    factor = 1.0 if per_example or expected.kind not in ("dZ", "dA") else 1.0 / m
    for value, noise, note in expected.references:
        how = _matches(yours, factor * value, factor * noise, tol)
        if how:
            reference = factor * value
            row.max_abs, row.relative = max_abs_and_relative(yours, reference)
            if how == "rounding" or np.all(np.abs(reference) <= factor * noise):
                row.status, row.problem = SMALL, "zero up to rounding"
            elif np.max(np.abs(reference)) < VANISHING * scale:
                row.status, row.problem = SMALL, f"vanishing gradient at layer {int(row.name[2:] or 0)}"
            else:
                row.problem = note
            return reference
    true = factor * expected.true
    row.max_abs, row.relative = max_abs_and_relative(yours, true)
    row.status = WRONG
    hint = diagnose(yours, true, m, expected.kind, logistic=logistic, W=expected.W, b=expected.b, lambd=lambd,
                    keep_prob=expected.keep_prob, per_example=expected.kind in ("dZ", "dA") and per_example,
                    slips=[(factor * value, text) for value, text in expected.slips])
    if not hint and expected.kind in ("dZ", "dA") and len(expected.references) > 1:
        hint = _ratio_with_conventions(yours, expected, factor, m)
    row.problem = hint or "no classic mistake recognised"
    return true


def _ratio_with_conventions(yours: np.ndarray, expected: _Expected, factor: float, m: int) -> str:
    """A ratio hint against the other conventions' values (a dropout dA without 1/keep_prob, …)."""
    for value, _, note in expected.references[1:]:
        hint = ratio_hint(yours, factor * value, m, True, expected.keep_prob)
        if hint:
            return f"{hint}; compared with {note.replace(' is taken', ' taken')}" if note else hint
    return ""


def _one_layer_off(yours, name: str, expected: dict, below: np.ndarray, m: int, tol: float) -> bool:
    """Whether the learner's ``dA{l}`` is the notes' dA[l−1], in either dZ scale."""
    l = int(name[2:])
    values = [below] if l == 1 else [value for value, _, _ in expected[f"dA{l - 1}"].references]
    return any(value.shape == yours.shape and (relative_difference(yours, value) <= tol
                                               or relative_difference(yours, value / m) <= tol) for value in values)


def _notes_keyed(yours, key: str, expected: dict, m: int, tol: float) -> bool:
    """Under keys="2017": whether the learner's ``dA{l}`` is the notes' dA[l] (keys as the notes name them),
    in either dZ scale."""
    values = [value for value, _, _ in expected[key].references] if key in expected else []
    return any(value.shape == yours.shape and (relative_difference(yours, value) <= tol
                                               or relative_difference(yours, value / m) <= tol) for value in values)


# ---------------------------------------------------------------- the check


@contextlib.contextmanager
def _held(model, masks: dict):
    """Dropout's masks held for every forward pass inside (none to hold without dropout)."""
    if masks:
        with model.fixed_masks(masks):
            yield
    else:
        yield


def _symmetric(model) -> list:
    """The weights W[l] (n[l] ≥ 2) whose rows are all the same: units that compute the same thing."""
    if isinstance(model, LogisticRegression):
        return []
    weights = {f"W{l}": model.parameters[f"W{l}"].data for l in range(1, model.L + 1)}
    return [name for name, W in weights.items() if W.shape[0] > 1 and (W == W[:1]).all()]


def _read_key(grads: dict, name: str, keys: str) -> tuple:
    """(the learner's key for the notes' gradient ``name``, whether it is there): under keys="2017" the
    notes' dA[l] is stored as "dA" + str(l + 1)."""
    key = f"dA{int(name[2:]) + 1}" if keys == "2017" and name.startswith("dA") else name
    return key, key in grads


def _parameter_order(expected: dict) -> list:
    """The parameters' gradients in the course's order: dW1, db1, dW2, db2, …"""
    return sorted((name for name, exp in expected.items() if exp.kind in ("dW", "db")),
                  key=lambda name: (expected[name].layer, name[1] not in "Ww"))


def check_backward(model, X, Y, fn, lambd: float = 0.0, max_numeric: int = MAX_NUMERIC, eps: float = 1e-6, seed=0,
                   tol: float = 1e-7, keys: str = "notes", per_example: bool | None = None,
                   timeout: float = 60.0) -> BackpropReport:
    """Judge the learner's gradient function ``fn`` against autodiff and central differences (see the module).

    ``keys`` is "notes" (dA1 is dA[1]) or "2017" (dA1 is dA[0], the 2017 notebook's names);
    ``per_example`` True holds dZ and dA to the notes' per-example values, False to ∂J/∂Z and ∂J/∂A,
    None (the default) accepts either when all of them follow it. ``fn`` may run for ``timeout`` seconds;
    then it is stopped and the report says so. The model's parameters are left as they were; the model's
    own dropout generator draws the masks.
    """
    if getattr(model, "batch_norm", ()):
        raise ValueError("check_backward checks nets without batch normalization (the course's exercise); "
                         "compare(net, X, Y) sets autodiff beside the closed form for a batch-norm net")
    if keys not in KEYS:
        raise ValueError(f"keys must be one of {', '.join(map(repr, KEYS))}; got {keys!r}")
    if per_example not in (None, True, False):
        raise ValueError(f"per_example must be True, False or None; got {per_example!r}")
    X, Y = model.check_data(X, Y)
    lambd = check_lambd(lambd)
    timeout = check_timeout(timeout)
    logistic = isinstance(model, LogisticRegression)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    m = X.shape[1]
    keep_prob = {} if logistic else model.keep_prob
    masks = model.draw_masks(m) if keep_prob else {}
    with _held(model, masks):
        J, autodiff, nodes = autodiff_gradients(model, X_t, Y_t, lambd)
        report = BackpropReport(repr(model), function_name(fn), m, lambd, J, symmetric=_symmetric(model))
        try:
            result, executed = call_learner(fn, {n: p.data for n, p in model.parameters.items()}, X, Y,
                                            logistic=logistic, lambd=lambd, masks=masks, keep_prob=keep_prob,
                                            timeout=timeout)
            grads, report.learner_cost = read_result(result, logistic)
        except LearnerError as exc:
            report.error = str(exc)
            return report
        numeric = numeric_gradients(model, X_t, Y_t, lambd, max_numeric, eps, seed)
        model.forward(X)  # leave model.cache holding the nodes of X, not of the last probe
    if logistic:
        expected, below = _logistic_expected(model, X, Y, lambd, autodiff), None
    else:
        expected, below = _deep_expected(model, X, Y, lambd, masks, autodiff, nodes)
    per_example = _convention(grads, expected, keys, m, tol) if per_example is None else per_example
    _judge_all(report, grads, expected, below, numeric, keys, per_example, m, lambd, logistic, tol,
               lambda key, step: find_lines(fn, key, step, 0 if logistic else model.L, executed))
    _cost_hint(report, model, m)
    _add_notes(report, grads, expected, keys, per_example, masks, numeric, autodiff, logistic)
    return report


def _formula(name: str, L: int, lambd: float) -> str:
    """How the notes compute the gradient ``name`` (dW2, dA1, …; dw, db for logistic regression, L = 0)."""
    kind, k = name[:2], int(name[2:] or 0)
    if not L:
        return "dw = (1/m) X dZᵀ" + (" + (λ/m) w" if lambd else "") if kind == "dw" else "db = (1/m) Σ dZ"
    if kind == "dZ":
        return f"dZ[{k}] = A[{k}] − Y" if k == L else f"dZ[{k}] = dA[{k}] ∗ g′(Z[{k}])"
    if kind == "dW":
        return f"dW[{k}] = (1/m) dZ[{k}] A[{k - 1}]ᵀ" + (f" + (λ/m) W[{k}]" if lambd else "")
    if kind == "db":
        return f"db[{k}] = (1/m) Σ dZ[{k}]"
    return f"dA[{k}] = W[{k + 1}]ᵀ dZ[{k + 1}]" if k < L else ""


def _convention(grads: dict, expected: dict, keys: str, m: int, tol: float) -> bool:
    """Per example (the notes) unless every dZ and dA the learner returned is ∂J/∂Z (1/m of it) instead."""
    scales = []
    for name, exp in expected.items():
        key, present = _read_key(grads, name, keys)
        if exp.kind not in ("dZ", "dA") or not present:
            continue
        yours, problem = as_gradient(grads[key], exp.true.shape)
        if problem or yours.shape != exp.true.shape:
            continue
        per = any(_matches(yours, value, noise, tol) for value, noise, _ in exp.references)
        total = any(_matches(yours, value / m, noise / m, tol) for value, noise, _ in exp.references)
        if per != total:
            scales.append(per)
    return not scales or any(scales)


def _judge_all(report, grads, expected, below, numeric, keys, per_example, m, lambd, logistic, tol, locate) -> None:
    L = max(exp.layer for exp in expected.values())  # 0 for logistic regression
    groups = {}  # the largest gradient among the parameters' and among the per-example ones
    for exp in expected.values():
        group = exp.kind in ("dW", "db")
        groups[group] = max(groups.get(group, 0.0), float(np.max(np.abs(exp.true), initial=0.0)))
    matched = {}  # parameter name → (yours, the reference it was judged against)
    for name, exp in expected.items():
        key, present = _read_key(grads, name, keys)
        row = GradientCheck(key, exp.layer, exp.true.shape, RIGHT, entries=exp.true.size,
                            formula=_formula(name, L, lambd))
        if not present:
            if exp.kind in ("dW", "db"):
                row.status, row.problem = WRONG, "missing from the returned dict"
                report.rows.append(row)
            continue
        yours, problem = as_gradient(grads[key], exp.true.shape)
        if problem or yours.shape != exp.true.shape:
            row.status = WRONG
            row.problem = problem or diagnose(yours, exp.true, m, exp.kind, logistic=logistic)
        else:
            scale = groups[exp.kind in ("dW", "db")] * (1.0 if per_example or exp.kind in ("dW", "db") else 1.0 / m)
            reference = _judge(row, yours, exp, scale, tol, m, lambd, logistic, per_example)
            if exp.kind in ("dW", "db"):
                leg = numeric[name[1:]]
                row.kinks = len(leg.kinks)
                probed = leg.pick(yours)[~leg.on_kink]
                if probed.size:
                    row.numeric = relative_difference(probed, leg.grad[~leg.on_kink])
                matched[name] = (yours, reference)
        if row.wrong and exp.kind == "dA" and keys == "notes" and yours is not None \
                and _one_layer_off(yours, name, expected, below, m, tol):
            row.status = UNJUDGED
            row.problem = f"your {key} is dA[{int(key[2:]) - 1}]: {KEYS_OFF}"
        if row.wrong and exp.kind == "dA" and keys == "2017" and yours is not None \
                and _notes_keyed(yours, key, expected, m, tol):
            row.status = UNJUDGED
            row.problem = f"your {key} is dA[{int(key[2:])}]: {NOTES_KEYS}"
        if row.wrong:
            row.lines = locate(key, exp.layer)
        report.rows.append(row)
    order = _parameter_order(expected)
    if all(name in matched for name in order):
        report.difference, report.numeric_difference = _course_difference(order, matched, numeric)
        yours = np.concatenate([matched[n][0].ravel() for n in order])
        reference = np.concatenate([matched[n][1].ravel() for n in order])
        rounding = np.linalg.norm(np.concatenate([expected[n].references[0][1].ravel() for n in order]))
        report.zero_gradients = bool(np.linalg.norm(yours) <= rounding and np.linalg.norm(reference) <= rounding)


def _cost_hint(report: BackpropReport, model, m: int) -> None:
    """For a wrong cost: the L2 term missing or doubled, or a recognised ratio."""
    if not report.cost_wrong():
        return
    l2 = report.lambd / (2 * m) * sum(float(np.sum(np.square(W.data))) for W in model.weights())
    if l2 and np.isclose(report.learner_cost, report.cost - l2, rtol=1e-9):
        report.cost_hint = "the L2 cost " + ("(λ/(2m))‖w‖² is missing" if isinstance(model, LogisticRegression)
                                             else "λ/(2m) Σ‖W[l]‖²_F is missing")
    elif report.cost:
        report.cost_hint = ratio_hint(np.array([report.learner_cost]), np.array([report.cost]), m)


def _add_notes(report, grads, expected, keys, per_example, masks, numeric, autodiff, logistic) -> None:
    if any(row.problem == "missing from the returned dict" for row in report.rows):
        optional = ", and optionally dZ1, …, dA1, …" if not logistic else ""
        report.notes.append(f"Expected the keys {', '.join(_parameter_order(expected))}{optional}; "
                            f"got {', '.join(map(str, grads)) or 'none'}.")
    known = {_read_key(grads, name, keys)[0] for name in expected}
    unknown = sorted(map(str, set(grads) - known))
    notes_keyed = any(row.problem.endswith(NOTES_KEYS) for row in report.rows)
    if unknown:
        below = "" if keys != "2017" or "dA1" not in unknown else \
            " (dA1 as the notes name it, dA[1]: check it without --keys 2017)" if notes_keyed else \
            " (under keys=\"2017\", dA1 is dA[0], a gradient for X, which nothing needs)"
        report.notes.append(f"Not checked (not a gradient of this model): {', '.join(unknown)}{below}.")
    if keys == "2017" and not notes_keyed:
        report.notes.append("Keys as the 2017 notebook names them: your dA[l + 1] key holds dA[l] (dA2 is read as dA[1]).")
    if not per_example and any(exp.kind in ("dZ", "dA") and _read_key(grads, n, keys)[1] for n, exp in expected.items()):
        report.notes.append("Your dZ and dA are ∂J/∂Z and ∂J/∂A, with the 1/m in them (autodiff's); the notes' dZ[l] and "
                            "dA[l] are per example (dZ[L] = A[L] − Y) and put the 1/m into dW and db. Both are right; "
                            "yours were checked as ∂J/∂Z.")
    for after, text in ((True, "taken after dropout, as the course returns {}"),
                        (False, "taken before dropout's mask (W[l+1]ᵀ dZ[l+1])")):
        names = sorted(row.name for row in report.rows if row.status == RIGHT
                       and row.problem.startswith(f"{row.name} is taken {'after' if after else 'before'}"))
        if names:
            verb, pronoun = ("is", "it") if len(names) == 1 else ("are", "them")
            report.notes.append(f"{', '.join(names)} {verb} {text.format(pronoun)}.")
    if masks:
        report.notes.append(f"Dropout: the masks {', '.join(masks)} were drawn once and held fixed for your function, "
                            "autodiff and every central difference, so all differentiate the same thinned network.")
    if any("subgradient" in row.problem for row in report.rows):
        report.notes.append("'differs only at Z = 0 exactly': where a ReLU input is exactly 0, your code takes another "
                            "slope than the notes' g'(0) = 1 (np.int64(A > 0) takes 0); any slope between the left and "
                            "the right one is a valid subgradient, and these gradients match the notes' formulas with it.")
    if any(row.kinks for row in report.rows):
        report.notes.append("'on a kink': a central difference whose θ ± ε crosses a ReLU kink measures the mean of "
                            "two slopes, not a derivative; those entries are left out of the central-difference column.")
    bad = [name for name in numeric if _autodiff_disagrees(autodiff[name], numeric[name])]
    if bad:
        report.notes.append(f"autograd_mini's autodiff disagrees with central differences at {', '.join(bad)}: "
                            "that is a bug in autograd_mini, please report it.")


def _course_difference(order: list, matched: dict, numeric: dict) -> tuple:
    """The course's single number over the parameters in the order W1, b1, W2, b2, … (flattened, joined):
    yours against autodiff (or the closed form with the convention yours matched), and against central
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
