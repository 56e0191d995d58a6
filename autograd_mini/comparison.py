"""Three ways to the same gradients: autodiff, the notes' closed form, and central differences.

``compare(model, X, Y, lambd)`` computes dW1, db1, … (or dw, db) all three ways and reports,
per parameter, the largest |Δ| between each pair and the course's gradient-checking difference
‖g₁ − g₂‖₂ / (‖g₁‖₂ + ‖g₂‖₂). ``compare(model, X, Y, lambd, backward=fn)`` checks a learner's own
backprop instead (:mod:`autograd_mini.backprop_check`).

Central differences are not judged at the entries whose probe crosses a ReLU or leaky-ReLU kink
(:mod:`autograd_mini.kinks`); the report counts them per parameter and says why.

Softmax outputs, dropout and batch normalization are covered too: a net with dropout has its
masks D[l] drawn once and held fixed (:meth:`DeepNet.fixed_masks`), so all three legs see the same
network; a batch-norm net is compared in training mode (μ and σ² of the m examples given), its
γ[l] and β[l] beside W[l].

The factor m: the notes' dZ[l] and dA[l] are derivatives of the per-example loss
(dZ[L] = A[L] − Y), while autodiff of the cost J = (1/m) Σ L gives ∂J/∂Z[l] = dZ[l] / m at the
intermediate nodes. dW[l] and db[l] already carry the 1/m, so they agree directly. The report
also checks m · ∂J/∂Z[l] against the notes' dZ[l] to show this.

>>> import numpy as np
>>> from autograd_mini import DeepNet
>>> rng = np.random.default_rng(0)
>>> X, Y = rng.standard_normal((3, 8)), (rng.random((1, 8)) > 0.5).astype(float)
>>> report = compare(DeepNet([3, 4, 1], ["tanh", "sigmoid"], seed=1), X, Y, lambd=0.1)
>>> report.passed, [row.name for row in report.rows]
(True, ['W1', 'b1', 'W2', 'b2'])
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field

import numpy as np

from . import analytic
from .backprop_check import check_backward
from .gradcheck import MAX_NUMERIC, relative_difference
from .gradient_legs import autodiff_gradients, max_abs_and_relative, numeric_gradients
from .nn import LogisticRegression, as_data
from .validate import check_lambd

__all__ = ["compare", "ComparisonReport", "ParameterComparison", "FACTOR_M_NOTE"]

FACTOR_M_NOTE = (
    "The notes' dZ and dA are derivatives of the per-example loss (dZ = A - Y for a sigmoid output); autodiff of "
    "the cost J = (1/m) sum L gives dJ/dZ = dZ / m. dW and db include the 1/m in both, so they agree directly.")

LEGEND = ("auto = autodiff, closed = the notes' closed form, num = central differences (— : every entry on a kink); "
          "the symbols: docs/notation.md")


def legend(model) -> str:
    """:data:`LEGEND`, naming the course as the source of the closed forms the notes do not have."""
    beyond = [name for name, used in (("softmax", model.activations[-1] == "softmax"),
                                      ("dropout", bool(getattr(model, "keep_prob", None))),
                                      ("batch normalization", bool(getattr(model, "batch_norm", ()))))
              if used]
    if not beyond:
        return LEGEND
    return LEGEND.replace("the notes' closed form", f"the closed form of analytic (the notes' formulas; {', '.join(beyond)}: "
                                                    "the course's, not in the notes)")


def _markdown_cell(text: str) -> str:
    """A table cell's text with its | escaped, so that max|Δ| stays one cell."""
    return text.replace("|", "\\|")
KINK_NOTE = ("ReLU kinks: where a ReLU or leaky-ReLU input z crosses 0 within θ ± ε (or comes within rounding of it), "
             "a central difference measures the mean of the two slopes (1/2 for ReLU), not the notes' g'(0) = 1; "
             "those entries are left out of the numeric judgement.")
PAIRS = (("autodiff", "closed_form"), ("autodiff", "numeric"), ("closed_form", "numeric"))


@dataclass
class ParameterComparison:
    """One parameter: its gradient's shape, max |Δ| and relative difference for each pair of methods.

    The pairs with the numeric leg cover the ``numeric_entries`` probed less the ``kinks`` entries on a
    ReLU kink (``kink_reason`` gives the first); they are None when every probed entry is on a kink,
    and ``verdict`` is then "on a kink" instead of "pass" (autodiff and the closed form are still judged).
    """

    name: str
    shape: tuple
    max_abs: dict
    relative: dict
    passed: bool
    numeric_entries: int
    sampled: bool
    kinks: int = 0
    kink_reason: str = ""

    @property
    def verdict(self) -> str:
        if not self.passed:
            return "FAIL"
        return "on a kink" if self.kinks == self.numeric_entries else "pass"


def _number(x) -> str:
    return "—" if x is None else f"{x:.2e}"


@dataclass
class ComparisonReport:
    """What :func:`compare` found; ``passed`` when every parameter passed."""

    model: str
    m: int
    lambd: float
    cost: float
    tol_closed_form: float
    tol_numeric: float
    atol_closed_form: float
    atol_numeric: float
    rows: list = field(default_factory=list)
    dZ_check: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    legend: str = LEGEND

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict:
        out = asdict(self)
        out["passed"] = self.passed
        for row, source in zip(out["rows"], self.rows):
            row["shape"] = list(row["shape"])
            row["verdict"] = source.verdict
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def _table(self) -> tuple:
        short = {"autodiff": "auto", "closed_form": "closed", "numeric": "num"}
        header = ["parameter", "shape"] + [f"max|Δ| {short[a]}/{short[b]}" for a, b in PAIRS] + \
                 [f"rel {short[a]}/{short[b]}" for a, b in PAIRS] + ["numeric entries", "result"]
        lines = []
        for row in self.rows:
            pairs = [f"{a}-{b}" for a, b in PAIRS]
            entries = f"{row.numeric_entries}" + (" (sampled)" if row.sampled else "") + \
                      (f", {row.kinks} on a kink" if row.kinks else "")
            lines.append([f"d{row.name}", "x".join(map(str, row.shape))]
                         + [_number(row.max_abs[p]) for p in pairs]
                         + [_number(row.relative[p]) for p in pairs]
                         + [entries, row.verdict])
        return header, lines

    def _summary(self) -> list:
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"gradient comparison {verdict}: {self.model}, m = {self.m}, λ = {self.lambd:g}, J = {self.cost:.6g}",
                 f"tolerances (relative difference): closed form {self.tol_closed_form:.0e} "
                 f"(or max|Δ| ≤ {self.atol_closed_form:.0e}), "
                 f"numeric {self.tol_numeric:.0e} (or max|Δ| ≤ {self.atol_numeric:.0e})"]
        if self.dZ_check:
            worst = max(self.dZ_check.values())
            lines.append(f"m · (autodiff ∂J/∂Z[l]) vs the notes' dZ[l]: largest relative difference {worst:.2e}")
        return lines + self.notes

    def __str__(self) -> str:
        header, lines = self._table()
        widths = [max(len(r[i]) for r in [header] + lines) for i in range(len(header))]
        table = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)) for r in [header] + lines]
        summary = self._summary()
        return "\n".join(summary[:2] + [self.legend] + table + summary[2:])

    def to_markdown(self) -> str:
        header, lines = self._table()
        table = ["| " + " | ".join(map(_markdown_cell, r)) + " |" for r in [header] + lines]
        table.insert(1, "|" + "---|" * len(header))
        summary = self._summary()
        return "\n".join([summary[0], "", summary[1], "", self.legend, ""] + table + [""]
                         + [f"- {n}" for n in summary[2:]]) + "\n"


DROPOUT_NOTE = ("Dropout: the masks D[l] were drawn once and held fixed, so autodiff, the closed form and "
                "central differences all differentiate the same thinned network.")


def _closed_form(model, X: np.ndarray, Y: np.ndarray, lambd: float, masks: dict) -> tuple:
    """The notes' gradients of every parameter by name, and their per-example dZ by the name of the Z node."""
    values = {name: p.data for name, p in model.parameters.items()}
    if isinstance(model, LogisticRegression):
        result = analytic.logistic_vectorized(X, Y, values["w"], values["b"], lambd)
        return {"w": result["dw"], "b": np.full((1, 1), result["db"])}, {"Z": result["dZ"]}
    AL, caches = analytic.L_model_forward(X, values, model.activations, masks, model.keep_prob)
    grads = analytic.L_model_backward(AL, Y, caches, values, model.activations, lambd, keep_prob=model.keep_prob)
    return {name: grads[f"d{name}"] for name in values}, {f"Z{l}": grads[f"dZ{l}"] for l in range(1, model.L + 1)}


def compare(model, X, Y, lambd: float = 0.0, max_numeric: int = MAX_NUMERIC, eps: float = 1e-6,
            tol_closed_form: float = 1e-10, tol_numeric: float = 1e-6, atol_closed_form: float = 1e-14,
            atol_numeric: float = 1e-8, seed=0, backward=None, keys: str = "notes", per_example: bool | None = None,
            timeout: float = 60.0):
    """Every parameter's gradient by autodiff, by the notes' closed form and numerically.

    A parameter with more than ``max_numeric`` entries gets its numeric gradient at
    ``max_numeric`` entries drawn at random (seeded by ``seed``); its report row says so and the
    numeric columns cover those entries only. Entries whose probe θ ± ε crosses a ReLU kink
    (:mod:`autograd_mini.kinks`) are left out of the numeric columns and counted; a parameter whose
    every probed entry is on a kink gets the verdict "on a kink". A parameter passes when autodiff
    and the closed form agree to ``tol_closed_form`` and autodiff and the numeric gradient to
    ``tol_numeric`` (relative difference), each also passing within an absolute ``atol_*`` entry by
    entry: a gradient near zero is a sum of terms that cancel, whose rounding (about 1e-17 for the
    two exact methods, 1e-10 for central differences) swamps its relative difference.
    The model's parameters are left as they were; their grads hold J's gradient.

    With ``backward=fn`` the learner's own backprop is checked instead, against autodiff and central
    differences, and a :class:`~autograd_mini.backprop_check.BackpropReport` is returned: see
    :func:`autograd_mini.backprop_check.check_backward` for what ``fn`` takes and returns, and for
    ``keys``, ``per_example`` and ``timeout`` (the seconds ``fn`` may run).
    """
    if backward is not None:
        return check_backward(model, X, Y, backward, lambd=lambd, max_numeric=max_numeric, eps=eps, seed=seed,
                              keys=keys, per_example=per_example, timeout=timeout)
    X, Y = model.check_data(X, Y)
    lambd = check_lambd(lambd)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    m = X.shape[1]
    masks = model.draw_masks(m) if getattr(model, "keep_prob", None) else {}
    with contextlib.ExitStack() as stack:
        if masks:
            stack.enter_context(model.fixed_masks(masks))
        J, autodiff, nodes = autodiff_gradients(model, X_t, Y_t, lambd)
        closed, dZ = _closed_form(model, X, Y, lambd, masks)
        numeric = numeric_gradients(model, X_t, Y_t, lambd, max_numeric, eps, seed)
        model.forward(X)  # leave model.cache holding the nodes of X, not of the last probe

    report = ComparisonReport(repr(model), m, lambd, J, tol_closed_form, tol_numeric,
                              atol_closed_form, atol_numeric, notes=[FACTOR_M_NOTE] + ([DROPOUT_NOTE] if masks else []),
                              legend=legend(model))
    for name, p in model.parameters.items():
        leg = numeric[name]
        judged = ~leg.on_kink
        legs = {"autodiff": autodiff[name], "closed_form": closed[name]}
        probed = {k: leg.pick(v)[judged] for k, v in legs.items()}
        probed["numeric"] = leg.grad[judged]
        max_abs, relative = {}, {}
        for a, b in PAIRS:
            first, second = (legs[a], legs[b]) if "numeric" not in (a, b) else (probed[a], probed[b])
            max_abs[f"{a}-{b}"], relative[f"{a}-{b}"] = max_abs_and_relative(first, second)
        numeric_ok = (relative["autodiff-numeric"] is None or relative["autodiff-numeric"] <= tol_numeric
                      or max_abs["autodiff-numeric"] <= atol_numeric)
        closed_ok = (relative["autodiff-closed_form"] <= tol_closed_form
                     or max_abs["autodiff-closed_form"] <= atol_closed_form)
        report.rows.append(ParameterComparison(name, tuple(p.shape), max_abs, relative, bool(closed_ok and numeric_ok),
                                               int(leg.grad.size), leg.index is not None, len(leg.kinks),
                                               str(leg.kinks[0]) if leg.kinks else ""))
    if any(row.sampled for row in report.rows):
        report.notes.append(f"Parameters with more than {max_numeric} entries were checked numerically at "
                            f"{max_numeric} entries drawn at random (seed {seed}); their numeric columns cover those only.")
    if any(row.kinks for row in report.rows):
        report.notes.append(KINK_NOTE)
        report.notes += [numeric[row.name].kink_summary(row.name) + (": not judged numerically" if row.verdict == "on a kink" else "")
                         for row in report.rows if row.kinks]
    report.dZ_check = {f"d{name}": relative_difference(m * nodes[name], dZ[name]) for name in dZ}
    return report
