"""The notes' closed forms beside autodiff, only on the nodes the notes derive by hand.

For the one-example graph (Values): da = −y/a + (1 − y)/(1 − a), dz = a − y, dw_i = x_i · dz,
db = dz. For a dense layer Z[l] = W[l] A[l−1] + b[l] (and the logistic model's Z = wᵀX + b),
found in the graph by its shape, not by its name: dZ[L] = A[L] − Y (for a softmax output the course's,
not the notes'), dZ[l] = dA[l] ∗ g′(Z[l]),
dW[l] = (1/m) dZ[l] A[l−1]ᵀ (+ (λ/m) W[l]), db[l] = (1/m) Σ dZ[l], dA[l−1] = W[l]ᵀ dZ[l];
the logistic model's dw = (1/m) X dZᵀ and db = (1/m) Σ dZ.

The factor m: the notes' dZ and dA are per example (one column each, no 1/m), while autodiff
differentiates the cost J = (1/m) Σ L, so ∂J/∂Z1 = dZ1/m: the two get different symbols, and
the relation is said where it matters. dW and db carry the 1/m in both and are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._chain import FUSED_COSTS, activation_name, fused_activation, number
from ._format import fmt_number, fmt_result

__all__ = ["ClosedForm", "closed_forms", "notes_lines", "forward_notes"]


@dataclass(frozen=True)
class ClosedForm:
    """The notes' closed form of one quantity: ``symbol = formula``, whose value is ``factor`` times
    autodiff's gradient of the node (m for the notes' per-example dZ and dA, 1 for dW, db and a scalar
    graph), and the frame's line that says it."""

    symbol: str     # the notes' symbol: dz, dZ3, dW3, dA2
    formula: str    # by name: a - y, A3 - Y, (1/m) dZ3 A2ᵀ
    factor: int
    line: str


def notes_lines(node, view) -> list[str]:
    """The notes' formula for ``node``'s gradient, where the notes have one (else an empty list)."""
    return [form.line for form in closed_forms(node, view)]


def closed_forms(node, view) -> list[ClosedForm]:
    """The notes' closed forms for ``node``'s gradient, where the notes have them (else an empty list)."""
    if view.names.partial:
        return _tensor_forms(node, view)
    return _value_forms(node, view)


def _only_consumer(node, view):
    uses = view.used_by[node]
    return uses[0] if len(uses) == 1 else (None, None)


def _value_forms(node, view) -> list[ClosedForm]:
    names, p = view.names, view.precision
    child, i = _only_consumer(node, view)
    if child is None or child._op is None:
        return []
    value = fmt_number(node.grad, p)
    d = names.grad(node)
    if child._op.name == "cross_entropy" and i == 0:
        y = child._parents[1]
        return [ClosedForm(d, "-y/a + (1 - y)/(1 - a)", 1,
                           f"the notes: {d} = -y/a + (1 - y)/(1 - a) = -{number(y.data, p)}/{number(node.data, p)}"
                           f" + (1 - {number(y.data, p)})/(1 - {number(node.data, p)}) = {value}")]
    if child._op.name == "sigmoid":
        loss, _ = _only_consumer(child, view)
        if loss is not None and loss._op is not None and loss._op.name == "cross_entropy":
            y = loss._parents[1]
            formula = f"{names.symbol(child)} - {names.symbol(y)}"
            return [ClosedForm(d, formula, 1, f"the notes: {d} = {formula} = "
                                              f"{number(child.data, p)} - {number(y.data, p)} = {value}")]
    if child._op.name == "wᵀx + b":
        if i == len(child._parents) - 1:
            return [ClosedForm(d, names.grad(child), 1, f"the notes: {d} = {names.grad(child)} = {value}")]
        if i % 2 == 0:
            x = child._parents[i + 1]
            formula = f"{names.symbol(x)} · {names.grad(child)}"
            return [ClosedForm(d, formula, 1, f"the notes: {d} = {formula} = "
                                              f"{number(x.data, p)} · {number(child.grad, p)} = {value}")]
    return []


def _d(name: str) -> str:
    """The notes' per-example gradient of a node named ``name``: dZ3, dA1, dZ."""
    return f"d{name}"


def _tensor_forms(node, view) -> list[ClosedForm]:
    if view.m is None:
        return []
    sym = view.names.symbol
    role = view.role.get(node)
    forms = []
    if role is not None:
        part, layer = role
        Z, dZ = sym(layer.Z), _d(sym(layer.Z))
        relation = f"{dZ} = m · {view.grad(layer.Z)}"
        if part == "Z" and layer.output:
            # the notes derive dZ[L] = A[L] − Y for a sigmoid output only; softmax with categorical
            # cross-entropy is the course's
            source = "the notes" if layer.g == "sigmoid" else f"the course's {layer.g}"
            formula = f"{activation_name(Z)} - {sym(_labels_of(layer.Z, view))}"
            # the fused cost's frame states m already (its rule's "where")
            said = any(isinstance(c._op, FUSED_COSTS) for c, _ in view.used_by[layer.Z])
            forms.append(ClosedForm(dZ, formula, view.m, f"{source}: {dZ} = {formula}, one column per "
                                    f"example (no 1/m): {view.grad(layer.Z)} = {dZ}/m"
                                    + ("" if said else f", m = {view.m}")))
        elif part == "Z" and layer.g:
            formula = f"{_d(sym(layer.A))} ∗ g′({Z})"
            forms.append(ClosedForm(dZ, formula, view.m, f"the notes: {dZ} = {formula}, g = {layer.g}, one column "
                                    f"per example: {view.grad(layer.Z)} = {dZ}/m"))
        elif part == "W" and layer.l is None:
            X = sym(layer.A_prev)
            n_x, m = layer.A_prev.data.shape
            formula = f"(1/m) {X} {dZ}ᵀ"
            forms.append(ClosedForm(view.grad(node), formula, 1, f"the notes: {view.grad(node)} = {formula}, "
                                    f"shapes (n_x, m)(m, 1) → (n_x, 1); here ({n_x}, {m})({m}, 1) → ({n_x}, 1): "
                                    f"the same vector, as {relation}"))
        elif part == "W":
            l2 = f" + (λ/m) {sym(node)}" if any(c._op.name == "L2" for c, _ in view.used_by[node]) else ""
            a_prev = sym(layer.A_prev)
            a_prev_t = a_prev[:-1] if a_prev.endswith("ᵀ") else f"{a_prev}ᵀ"
            formula = f"(1/m) {dZ} {a_prev_t}{l2}"
            forms.append(ClosedForm(view.grad(node), formula, 1, f"the notes: {view.grad(node)} = {formula}: "
                                    f"the same matrix, as {relation}"))
        elif part == "b":
            axis = ")" if layer.l is None else ", axis=1, keepdims=True)"
            formula = f"(1/m) np.sum({dZ}{axis}"
            forms.append(ClosedForm(view.grad(node), formula, 1, f"the notes: {view.grad(node)} = {formula}, the "
                                    f"sum over the m examples: the same as Σ_columns {view.grad(layer.Z)}, as "
                                    f"{relation}"))
    layer = view.feeds.get(node)
    if layer is not None and node._op is not None and layer.l is not None:
        a = sym(node)
        formula = f"{sym(layer.W)}ᵀ {_d(sym(layer.Z))}"
        forms.append(ClosedForm(_d(a), formula, view.m, f"the notes: {_d(a)} = {formula}, one column per example: "
                                f"{view.grad(node)} = {_d(a)}/m"))
    return forms


def _labels_of(Z, view):
    """Y, the labels the fused cost compares A[L] with."""
    cost, _ = view.used_by[Z][0]
    return cost._parents[1]


def forward_notes(node, view) -> list[str]:
    """What a forward frame adds: A[L] inside the stable cost, λ and m inside the L2 cost."""
    op = node._op
    names, p = view.names, view.precision
    if isinstance(op, FUSED_COSTS):
        z = names.symbol(node._parents[0])
        shown = fmt_result(op.A, p).replace("\n", "\n   ")
        return [f"with {activation_name(z)} = {fused_activation(op)}({z}) = {shown}, m = {node._ctx}"]
    if op.name == "L2" and view.m is not None:
        each = [float((W.data ** 2).sum()) for W in node._parents]
        lambd = node._ctx * view.m
        norms = " + ".join(f"‖{names.symbol(W)}‖²_F" for W in node._parents)
        lam = fmt_number(lambd, p)
        return [f"λ = {lam}, m = {view.m}: {names.symbol(node)} = ({lam}/(2·{view.m})) · ({norms}) = "
                f"({lam}/{2 * view.m}) · ({' + '.join(fmt_number(x, p) for x in each)}) = "
                f"{fmt_number(lambd / (2 * view.m), p)} · {fmt_number(sum(each), p)}"]
    if op.name == "conv2d":  # the notes' output size, with the padding and stride the shapes line leaves out
        stride, pad = node._ctx
        _, n_H, n_W, _ = np.shape(node._parents[0].data)
        f = np.shape(node._parents[1].data)[0]
        sizes = [f"{axis} = ⌊({n} + 2·{pad} - {f})/{stride}⌋ + 1 = {(n + 2 * pad - f) // stride + 1}"
                 for axis, n in (("n_H", n_H), ("n_W", n_W))]
        said = f"{sizes[0]}, n_W the same" if n_H == n_W else ", ".join(sizes)
        return [f"p = {pad}, s = {stride}, the notes' size n_H = ⌊(n_H_prev + 2p - f)/s⌋ + 1: {said}"]
    return []

