"""The chain-rule pieces read off a recorded graph: node names, consumers, local derivatives.

Everything here comes from what the engine recorded: the order is
:func:`autograd_mini.topo_order` (the walk ``backward()`` uses), and each local derivative
is the op's own ``dformula`` template filled with the nodes' names, so the pictures can
never disagree with the rules that ran.
"""

from __future__ import annotations

import numbers

from autograd_mini import Value
from autograd_mini.graph import Node

from ._format import fmt_number

__all__ = ["Names", "as_roots", "consumers", "local_formula", "chain_term", "needs_grad"]


def as_roots(roots) -> list:
    """One node or an iterable of nodes, as a list (a clear error for anything else)."""
    if isinstance(roots, Node):
        return [roots]
    try:
        roots = list(roots)
    except TypeError:
        raise TypeError(f"expected a Value or Tensor (or a list of them); got {type(roots).__name__}") from None
    if not roots:
        raise ValueError("expected at least one root node; got an empty list")
    return roots


class Names:
    """The notes' names of the nodes of a graph, from their labels.

    ``symbol(node)``: the label (``w1``, ``z``, ``A1``); an unlabelled constant Value shows
    its number; any other unlabelled node is ``v<i>``, ``i`` its topological position.
    ``grad(node)``: ``d`` + the label (``dw1``, ``dZ1``), or ``dv<i>``.
    """

    __slots__ = ("order", "position", "_symbols")

    def __init__(self, order: list, precision: int = 4):
        self.order = order
        self.position = {node: i for i, node in enumerate(order)}
        self._symbols = {}
        for i, node in enumerate(order):
            if node.label:
                self._symbols[node] = str(node.label)
            elif isinstance(node, Value) and node._op is None:
                self._symbols[node] = fmt_number(node.data, precision)
            else:
                self._symbols[node] = f"v{i}"

    def symbol(self, node) -> str:
        return self._symbols[node]

    def grad(self, node) -> str:
        return f"d{node.label}" if node.label else f"dv{self.position[node]}"


def needs_grad(node) -> bool:
    """False for a Tensor made with ``requires_grad=False`` (data such as X): no gradient flows to it."""
    return getattr(node, "requires_grad", True)


def consumers(order: list) -> dict:
    """For each node, the ``(child, i)`` pairs where it is the child's i-th parent, in topological order.

    A node used twice by one op (``a * a``) appears twice, once per edge.
    """
    used_by: dict = {node: [] for node in order}
    for child in order:
        for i, parent in enumerate(child._parents):
            used_by[parent].append((child, i))
    return used_by


def _constant(ctx, precision: int) -> str:
    # ops keep their constant as ctx; mean keeps (axis, keepdims, n) and its {k} is n
    k = ctx[-1] if isinstance(ctx, tuple) else ctx
    return fmt_number(k, precision) if isinstance(k, numbers.Real) else str(k)


def local_formula(child, i: int, names: Names, precision: int = 4) -> str:
    """∂child/∂(parent i) as the op's ``dformula`` writes it, filled with the nodes' names."""
    op = child._op
    template = op.dformula[i] if i < len(op.dformula) else "?"
    parents = [names.symbol(p) for p in child._parents]
    return template.format(*parents, out=names.symbol(child), k=_constant(child._ctx, precision))


def _needs_parens(formula: str) -> bool:
    depth = 0
    for pos, ch in enumerate(formula):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and (formula.startswith((" + ", " - ", " if ", " else "), pos)):
            return True
    return False


def chain_term(dchild: str, local: str) -> str:
    """One chain-rule term: ``dchild · local`` (``dz = da · a(1 - a)``), with ``· 1`` dropped."""
    if local == "1":
        return dchild
    if local == "-1":
        return f"-{dchild}"
    return f"{dchild} · ({local})" if _needs_parens(local) else f"{dchild} · {local}"
