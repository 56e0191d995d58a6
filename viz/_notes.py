"""The notes' closed forms beside autodiff: where a node of the graph is one the notes derive by hand.

Autodiff's gradient of a node is always the chain rule over what was recorded. Where the
notes have a shortcut for that node (dz = a − y, dw_i = x_i · dz, db = dz; dZ[L] = A[L] − Y,
dW[l] = (1/m) dZ[l] A[l−1]ᵀ, db[l] = (1/m) Σ dZ[l], dA[l−1] = W[l]ᵀ dZ[l], dZ[l] = dA[l] ∗ g′(Z[l])),
:func:`notes_lines` says it, in the picture's names and, for a Value, with the numbers.

The factor m: the notes' dZ[l] and dA[l] are derivatives of the per-example loss, while
autodiff differentiates the cost J = (1/m) Σ L, so the gradient on a Tensor node Z[l] is
∂J/∂Z[l] = dZ[l] / m. dW[l] and db[l] carry the 1/m in both, so they agree directly.
"""

from __future__ import annotations

import re

from autograd_mini import Tensor

from ._chain import FUSED_COSTS, Names, _number, activation_name, consumers, fused_activation
from ._format import fmt_number, fmt_result

__all__ = ["NotesContext", "notes_lines", "forward_notes"]

_ACTIVATIONS = {"sigmoid", "tanh", "relu", "leaky_relu"}
_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")


def _bracketed(symbol: str) -> str:
    """The notes write a layer index in brackets: Z1 → Z[1], A0 → A[0]."""
    found = _INDEXED.match(symbol)
    return f"{found.group(1)}[{found.group(2)}]" if found else symbol


class NotesContext:
    """What the closed forms need from the whole graph: names, consumers and m (the number of examples)."""

    def __init__(self, order: list, names: Names, precision: int = 4):
        self.names = names
        self.used_by = consumers(order)
        self.precision = precision
        self.m = next((node._ctx for node in order if isinstance(node._op, FUSED_COSTS)), None)

    def only_consumer(self, node):
        uses = self.used_by[node]
        return uses[0] if len(uses) == 1 else (None, None)


def notes_lines(node, ctx: NotesContext) -> list[str]:
    """The notes' formula for ``node``'s gradient, where the notes have one (else an empty list)."""
    return _tensor_lines(node, ctx) if isinstance(node, Tensor) else _value_lines(node, ctx)


def _value_lines(node, ctx: NotesContext) -> list[str]:
    names, p = ctx.names, ctx.precision
    child, i = ctx.only_consumer(node)
    if child is None or child._op is None:
        return []
    value = fmt_number(node.grad, p)
    if child._op.name == "cross_entropy" and i == 0:
        y = child._parents[1]
        return [f"the notes: {names.grad(node)} = -y/a + (1 - y)/(1 - a) = -{_number(y.data, p)}/{_number(node.data, p)}"
                f" + (1 - {_number(y.data, p)})/(1 - {_number(node.data, p)}) = {value}"]
    if child._op.name == "sigmoid":
        loss, _ = ctx.only_consumer(child)
        if loss is not None and loss._op is not None and loss._op.name == "cross_entropy":
            y = loss._parents[1]
            a_sym, y_sym = names.symbol(child), names.symbol(y)
            return [f"the notes: {names.grad(node)} = {a_sym} - {y_sym} = {_number(child.data, p)} - "
                    f"{_number(y.data, p)} = {value}"]
    if child._op.name == "wᵀx + b":
        if i == len(child._parents) - 1:
            return [f"the notes: {names.grad(node)} = {names.grad(child)} = {value}"]
        if i % 2 == 0:
            x = child._parents[i + 1]
            return [f"the notes: {names.grad(node)} = {names.symbol(x)} · {names.grad(child)} = "
                    f"{_number(x.data, p)} · {_number(child.grad, p)} = {value}"]
    return []


def _tensor_lines(node, ctx: NotesContext) -> list[str]:
    names, m = ctx.names, ctx.m
    uses = [(c, i) for c, i in ctx.used_by[node] if c._op.name != "L2"]
    l2 = " + (λ/m) " + _bracketed(names.symbol(node)) if len(uses) < len(ctx.used_by[node]) else ""
    child, i = uses[0] if len(uses) == 1 else (None, None)
    sym, grad = names.symbol(node), names.grad(node)
    per_example = f"m · {grad}" if m is None else f"{m} · {grad}"
    lines = []
    if child is not None and child._op is not None:
        op = child._op.name
        if isinstance(child._op, FUSED_COSTS) and i == 0:
            a_sym, y_sym = activation_name(sym), names.symbol(child._parents[1])
            lines += [f"autodiff differentiates the cost J = (1/m) Σ L: {grad} = ∂J/∂{sym} = ({a_sym} - {y_sym})/m, "
                      f"m = {m}",
                      f"the notes (a column per example, no 1/m): d{_bracketed(sym)} = {_bracketed(a_sym)} - {y_sym} "
                      f"= m · ∂J/∂{sym} = {per_example}"]
        elif op in _ACTIVATIONS and m is not None:
            a_sym = names.symbol(child)
            lines.append(f"the notes (a column per example, no 1/m): d{_bracketed(sym)} = d{_bracketed(a_sym)} ∗ "
                         f"g′({_bracketed(sym)}), g = {op}; here {grad} = ∂J/∂{sym}, so d{_bracketed(sym)} = {per_example}")
        elif op == "@" and m is not None:
            if i == 0 and node._op is None:
                z = _sum_output(child, ctx)
                a_prev = names.symbol(child._parents[1])
                if z is not None:
                    lines.append(f"the notes: d{_bracketed(sym)} = (1/m) d{_bracketed(names.symbol(z))} "
                                 f"{_bracketed(a_prev)}ᵀ{l2}, the same matrix: d{_bracketed(names.symbol(z))} = "
                                 f"m · ∂J/∂{names.symbol(z)}")
            elif i == 1:
                w = names.symbol(child._parents[0])
                z = _sum_output(child, ctx)
                if z is not None:
                    lines.append(f"the notes (a column per example, no 1/m): d{_bracketed(sym)} = {_bracketed(w)}ᵀ "
                                 f"d{_bracketed(names.symbol(z))} = {per_example}")
        elif op == "+" and node._op is None and m is not None:
            z_sym = names.symbol(child)
            if len(node.shape) == 2 and node.shape[1] == 1 and child.shape[1] != 1:
                lines.append(f"the notes: d{_bracketed(sym)} = (1/m) np.sum(d{_bracketed(z_sym)}, axis=1, keepdims=True), "
                             f"the sum over the m examples; it is Σ_columns d{z_sym} here, since "
                             f"d{_bracketed(z_sym)} = m · d{z_sym}")
    return lines


def forward_notes(node, ctx: NotesContext) -> list[str]:
    """What a forward frame adds to the formula: A[L] inside the stable cost, λ and m inside the L2 cost."""
    op = node._op
    if isinstance(op, FUSED_COSTS):
        z = ctx.names.symbol(node._parents[0])
        shown = fmt_result(op.A, ctx.precision).replace("\n", "\n   ")
        return [f"with {activation_name(z)} = {fused_activation(op)}({z}) = {shown}"]
    if op.name == "L2" and ctx.m is not None:
        squares = sum(float((W.data ** 2).sum()) for W in node._parents)
        lambd = node._ctx * ctx.m
        names = " + ".join(f"‖{ctx.names.symbol(W)}‖²" for W in node._parents)
        return [f"λ = {fmt_number(lambd, ctx.precision)}, m = {ctx.m}: R = ({fmt_number(lambd, ctx.precision)}/"
                f"(2·{ctx.m}))·({names}) = {fmt_number(lambd / (2 * ctx.m), ctx.precision)} · "
                f"{fmt_number(squares, ctx.precision)}"]
    return []


def _sum_output(product, ctx: NotesContext):
    """Z in Z = W A_prev + b: the ``+`` node that the product ``W A_prev`` feeds, if it feeds one only."""
    child, _ = ctx.only_consumer(product)
    return child if child is not None and child._op is not None and child._op.name == "+" else None
