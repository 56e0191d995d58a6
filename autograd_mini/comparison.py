"""Three ways to the same gradients: autodiff, the notes' closed form, and central differences.

``compare(model, X, Y, lambd)`` computes dW1, db1, … (or dw, db) all three ways and reports,
per parameter, the largest |Δ| between each pair and the notes' relative difference
‖g₁ − g₂‖₂ / (‖g₁‖₂ + ‖g₂‖₂).

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

import json
from dataclasses import asdict, dataclass, field

import numpy as np

from . import analytic
from .gradcheck import numerical_grad, relative_difference
from .graph import no_grad
from .nn import LogisticRegression, as_data
from .tensor import Tensor
from .validate import check_lambd, check_XY

__all__ = ["compare", "ComparisonReport", "ParameterComparison", "FACTOR_M_NOTE"]

FACTOR_M_NOTE = (
    "The notes' dZ and dA are derivatives of the per-example loss (dZ[L] = A[L] - Y); autodiff of the "
    "cost J = (1/m) sum L gives dJ/dZ = dZ / m. dW and db include the 1/m in both, so they agree directly.")

LEGEND = "auto = autodiff, closed = the notes' closed form, num = central differences"
PAIRS = (("autodiff", "closed_form"), ("autodiff", "numeric"), ("closed_form", "numeric"))


@dataclass
class ParameterComparison:
    """One parameter: its gradient's shape, max |Δ| and relative difference for each pair of methods."""

    name: str
    shape: tuple
    max_abs: dict
    relative: dict
    passed: bool
    numeric_entries: int
    sampled: bool


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

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)

    def __bool__(self) -> bool:
        return self.passed

    def to_dict(self) -> dict:
        out = asdict(self)
        out["passed"] = self.passed
        for row in out["rows"]:
            row["shape"] = list(row["shape"])
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
            entries = f"{row.numeric_entries}" + (" (sampled)" if row.sampled else "")
            lines.append([f"d{row.name}", "x".join(map(str, row.shape))]
                         + [f"{row.max_abs[p]:.2e}" for p in pairs]
                         + [f"{row.relative[p]:.2e}" for p in pairs]
                         + [entries, "pass" if row.passed else "FAIL"])
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
        return "\n".join(summary[:2] + [LEGEND] + table + summary[2:])

    def to_markdown(self) -> str:
        header, lines = self._table()
        table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        table += ["| " + " | ".join(r) + " |" for r in lines]
        summary = self._summary()
        return "\n".join([summary[0], "", summary[1], "", LEGEND, ""] + table + [""] + [f"- {n}" for n in summary[2:]]) + "\n"


def _closed_form(model, X: np.ndarray, Y: np.ndarray, lambd: float) -> tuple:
    """The notes' gradients of every parameter by name, and their per-example dZ by the name of the Z node."""
    values = {name: p.data for name, p in model.parameters.items()}
    if isinstance(model, LogisticRegression):
        result = analytic.logistic_vectorized(X, Y, values["w"], values["b"], lambd)
        return {"w": result["dw"], "b": np.full((1, 1), result["db"])}, {"Z": result["dZ"]}
    AL, caches = analytic.L_model_forward(X, values, model.activations)
    grads = analytic.L_model_backward(AL, Y, caches, values, model.activations, lambd)
    return {name: grads[f"d{name}"] for name in values}, {f"Z{l}": grads[f"dZ{l}"] for l in range(1, model.L + 1)}


def _numeric(model, X: Tensor, Y: Tensor, lambd: float, name: str, max_entries: int, rng) -> tuple:
    """Central differences for every entry of a parameter, or for ``max_entries`` of them drawn at random."""
    p = model.parameters[name]
    if p.size <= max_entries:
        return numerical_grad(lambda _: model._cost(X, Y, lambd), [p])[0], None
    flat_index = np.sort(rng.choice(p.size, size=max_entries, replace=False))
    index = np.unravel_index(flat_index, p.shape)
    original = p.data.copy()
    probe = Tensor(p.data[index], label=name)

    def cost_at(probe_tensor):
        # write the probed entries into the parameter, then evaluate J
        p.data[index] = probe_tensor.data
        return model._cost(X, Y, lambd)

    try:
        grad = numerical_grad(cost_at, [probe])[0]
    finally:
        p.data[...] = original
    return grad, index


def compare(model, X, Y, lambd: float = 0.0, max_numeric: int = 2000, eps: float = 1e-6,
            tol_closed_form: float = 1e-10, tol_numeric: float = 1e-6, atol_closed_form: float = 1e-14,
            atol_numeric: float = 1e-8, seed=0) -> ComparisonReport:
    """Every parameter's gradient by autodiff, by the notes' closed form and numerically.

    A parameter with more than ``max_numeric`` entries gets its numeric gradient at
    ``max_numeric`` entries drawn at random (seeded by ``seed``); its report row says so and the
    numeric columns cover those entries only. A parameter passes when autodiff and the closed
    form agree to ``tol_closed_form`` and autodiff and the numeric gradient to ``tol_numeric``
    (relative difference), each also passing within an absolute ``atol_*`` entry by entry: a
    gradient near zero is a sum of terms that cancel, whose rounding (about 1e-17 for the two
    exact methods, 1e-10 for central differences) swamps its relative difference.
    The model's parameters are left as they were; their grads hold J's gradient.
    """
    X, Y = check_XY(X, Y, model.n_x, model.n_L)
    lambd = check_lambd(lambd)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    m = X.shape[1]
    model.zero_grad()
    J = model._cost(X_t, Y_t, lambd)
    J.backward()
    autodiff = {name: p.grad.copy() for name, p in model.parameters.items()}
    dJ_dZ = {name: node.grad for name, node in model.cache.items() if name.startswith("Z")}
    closed, dZ = _closed_form(model, X, Y, lambd)

    report = ComparisonReport(repr(model), m, lambd, float(J.data), tol_closed_form, tol_numeric,
                              atol_closed_form, atol_numeric, notes=[FACTOR_M_NOTE])
    rng = np.random.default_rng(seed)
    with no_grad():
        for name, p in model.parameters.items():
            numeric, index = _numeric(model, X_t, Y_t, lambd, name, max_numeric, rng)
            legs = {"autodiff": autodiff[name], "closed_form": closed[name]}
            picked = {k: (v if index is None else v[index]) for k, v in legs.items()}
            picked["numeric"] = numeric
            max_abs, relative = {}, {}
            for a, b in PAIRS:
                first, second = (legs[a], legs[b]) if "numeric" not in (a, b) else (picked[a], picked[b])
                key = f"{a}-{b}"
                max_abs[key] = float(np.max(np.abs(first - second)))
                relative[key] = relative_difference(first, second)
            numeric_ok = relative["autodiff-numeric"] <= tol_numeric or max_abs["autodiff-numeric"] <= atol_numeric
            closed_ok = (relative["autodiff-closed_form"] <= tol_closed_form
                         or max_abs["autodiff-closed_form"] <= atol_closed_form)
            passed = closed_ok and numeric_ok
            report.rows.append(ParameterComparison(name, tuple(p.shape), max_abs, relative, bool(passed),
                                                   int(np.size(numeric)), index is not None))
    if any(row.sampled for row in report.rows):
        report.notes.append(f"Parameters with more than {max_numeric} entries were checked numerically at "
                            f"{max_numeric} entries drawn at random (seed {seed}); their numeric columns cover those only.")
    report.dZ_check = {f"d{name}": relative_difference(m * dJ_dZ[name], dZ[name]) for name in dZ}
    return report
