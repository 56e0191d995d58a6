"""The classic mistakes of a learner's backprop, recognised from the gradient they produce.

:func:`diagnose` compares a learner's gradient with the true one and names the slip that turns one into
the other, or says nothing: a hint is given only when the numbers fit it, never as a guess.
"""

from __future__ import annotations

import numpy as np

__all__ = ["diagnose", "ratio_hint", "SUM_OVER_EXAMPLES"]

#: How the notes sum dZ over the m examples for db.
SUM_OVER_EXAMPLES = "np.sum(dZ, axis=1, keepdims=True)"

#: What each gradient's shape is, for a transposed one (logistic regression's dw is the notes' dw).
SHAPE_OF = {
    "dW": "dW[l] has the shape of W[l], (n[l], n[l-1])",
    "dw": "dw has the shape of w, (n_x, 1)",
    "db": "db[l] has the shape of b[l], (n[l], 1)",
    "dZ": "dZ[l] has the shape of Z[l], (n[l], m)",
    "dA": "dA[l] has the shape of A[l], (n[l], m)",
}


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-6) -> bool:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return bool(scale > 0 and np.linalg.norm(a - b) <= rtol * scale)


def ratio_hint(yours: np.ndarray, true: np.ndarray, m: int, per_example: bool = False,
               keep_prob: float | None = None) -> str:
    """yours = r · true for a recognised slip r: m, 1/m, 2, ½, −1, keep_prob, 1/keep_prob, or (on a
    gradient of several entries, where being proportional is itself evidence) a whole k ≥ 3 for k/m;
    "" otherwise. One entry is always some multiple of another, so another ratio says nothing."""
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
    if keep_prob is not None:
        known += [(keep_prob, "ratio keep_prob: the division by keep_prob is missing, dA ∗ D / keep_prob"),
                  (1 / keep_prob, "ratio 1/keep_prob: divided by keep_prob once too often")]
    names = [text for value, text in known if np.isclose(r, value, rtol=1e-6)]
    if names:
        return " or ".join(names)
    k = round(r)
    if yours.size > 1 and k >= 3 and np.isclose(r, k, rtol=1e-6):
        return f"{k} × the true gradient: {k}/m where the notes have 1/m?"
    return ""


def _shape_hint(yours: np.ndarray, true: np.ndarray, kind: str, logistic: bool) -> str:
    got = f"shape {yours.shape}, expected {true.shape}"
    if kind == "db" and not logistic:
        if yours.shape == true.shape[:1]:
            return f"{got}: keepdims=True in np.sum? {SUM_OVER_EXAMPLES}"
        if yours.ndim < 2 or yours.shape[0] == 1:
            return f"{got}: summed over the wrong axis: {SUM_OVER_EXAMPLES}"
    if yours.shape == true.shape[::-1]:
        return f"{got}: transposed? ({SHAPE_OF['dw' if logistic and kind == 'dW' else kind]})"
    return got


def _l2_hint(yours: np.ndarray, true: np.ndarray, W: np.ndarray, m: int, lambd: float, logistic: bool) -> str:
    penalty = (lambd / m) * W
    # logistic regression's weights are the vector w, and its L2 term the notes' (λ/m)·W[l] written for w
    w, notes = ("w", "the notes' (λ/m)·W[l] gives (λ/m)·w") if logistic else ("W", "the notes have (λ/m)·W")
    slips = [(true - penalty, f"the L2 term (λ/m)·{w} is missing (yours = true − (λ/m) {w})"),
             (true - penalty / 2, f"the L2 term is (λ/(2m))·{w} where {notes}: the derivative of "
                                  f"(λ/(2m))·{w}² is (λ/m)·{w}"),
             (true - penalty + lambd * W, f"the L2 term is λ·{w} where {notes}"),
             (true - penalty + penalty * W, f"the L2 term is (λ/m)·{w}² where {notes}")]
    for value, text in slips:
        if _close(yours, value):
            return text
    hint = ratio_hint(yours - penalty, true - penalty, m)
    return hint + " (in the part without the L2 term)" if hint else ""


def diagnose(yours: np.ndarray, true: np.ndarray, m: int, kind: str = "dW", *, logistic: bool = False,
             W: np.ndarray | None = None, b: np.ndarray | None = None, lambd: float = 0.0,
             keep_prob: float | None = None, per_example: bool = False, slips=()) -> str:
    """The classic mistake that turns the ``true`` gradient into ``yours``, in words; "" when none fits.

    ``kind`` is "dW" (logistic regression's dw with ``logistic``), "db", "dZ" or "dA". Recognised: a
    wrong shape (db summed over the wrong axis or without keepdims, a transpose), a square dW that is the
    transpose of the true one, the ``slips`` the caller computed as (the gradient it gives, what it is)
    (dA[l−1] = W[l] dZ[l] for W[l]ᵀ dZ[l], g′ computed from Z), for dW with λ > 0 (``W``) a missing
    (λ/m) W, (λ/(2m)) W, λ W or (λ/m) W², for db with λ > 0 (``b``) an L2 term on b, and the ratios of
    :func:`ratio_hint`.
    ``per_example`` for dZ and dA, which carry no 1/m; ``keep_prob`` where the layer drops units.
    """
    if yours.shape != true.shape:
        return _shape_hint(yours, true, kind, logistic)
    if kind == "dW" and true.ndim == 2 and true.shape[0] == true.shape[1] > 1 and not _close(true, true.T) \
            and _close(yours, true.T):
        return "yours is the true gradient transposed: A[l−1] dZ[l]ᵀ where the notes have dZ[l] A[l−1]ᵀ?"
    for value, text in slips:
        if not _close(value, true) and _close(yours, value):
            return text
    if kind == "dW" and W is not None and lambd > 0:
        hint = _l2_hint(yours, true, W, m, lambd, logistic)
        if hint:
            return hint
    if kind == "db" and b is not None and lambd > 0 and np.any(b) and _close(yours, true + (lambd / m) * b):
        return "an L2 term (λ/m)·b in db: the notes' L2 term penalises W only, so db has none"
    return ratio_hint(yours, true, m, per_example, keep_prob)
