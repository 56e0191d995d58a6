"""Backprop one node at a time, as plain data: the steps of the reverse topological order.

Step k names the node whose gradient is final after k steps (every node that uses it has
already passed its gradient back), the chain-rule terms that summed into it and its value.
The terms are the recorded ops' own rules: term value = ``op.vjp(consumer, d consumer)[i]``.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> steps = backprop_steps(L)
>>> print(steps[0]); print(steps[3])
step 1/12: dL = 1 (the seed) = 1
step 4/12: dz = da · a(1 - a) = -0.475
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd_mini import topo_order

from ._chain import Names, as_roots, chain_term, consumers, local_formula, needs_grad
from ._format import fmt_value

__all__ = ["Term", "Step", "backprop_steps"]


@dataclass(frozen=True)
class Term:
    """One chain-rule term of a gradient: ``d<consumer> · ∂consumer/∂node``."""

    consumer: str   # the consumer's name, z in dw1 = dz · x1
    local: str      # the local derivative ∂consumer/∂node as the op's dformula writes it
    text: str       # the term, "dz · x1"
    value: object   # its value (a float, or an array for a Tensor)


@dataclass(frozen=True)
class Step:
    """The gradient of ``node`` is final: ``dname = term_1 + term_2 + ...`` = ``value``."""

    index: int      # 1-based position in the backward pass
    total: int
    node: object
    name: str       # the node's symbol (z)
    dname: str      # its gradient's name (dz)
    terms: tuple    # the Terms that summed into it; empty for the root (the seed)
    value: object   # the gradient the engine holds, node.grad
    precision: int = 4

    @property
    def formula(self) -> str:
        """``dz = da · a(1 - a)``; the root reads ``dL = 1 (the seed)``."""
        if not self.terms:
            return f"{self.dname} = 1 (the seed)"
        return f"{self.dname} = " + " + ".join(t.text for t in self.terms)

    def __str__(self) -> str:
        return f"step {self.index}/{self.total}: {self.formula} = {fmt_value(self.value, self.precision)}"


def backprop_steps(root, precision: int = 4) -> list[Step]:
    """The backward pass from ``root`` as a list of :class:`Step`, in the order ``backward()`` ran.

    Needs ``root.backward()`` to have run: the steps read the gradients it recorded.
    Nodes that take no gradient (a Tensor made with ``requires_grad=False``) are left out.
    """
    (root,) = _one_root(root)
    if not root.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) "
                           "before stepping through backprop")
    order = topo_order([root])
    names = Names(order, precision)
    used_by = consumers(order)
    backward_order = [node for node in reversed(order) if needs_grad(node)]
    steps = []
    for k, node in enumerate(backward_order, start=1):
        terms = []
        for child, i in used_by[node]:
            local = local_formula(child, i, names, precision)
            dchild = names.grad(child)
            terms.append(Term(names.symbol(child), local, chain_term(dchild, local),
                              child._op.vjp(child, child.grad)[i]))
        steps.append(Step(k, len(backward_order), node, names.symbol(node), names.grad(node),
                          tuple(terms), node.grad, precision))
    return steps


def _one_root(root) -> list:
    roots = as_roots(root)
    if len(roots) != 1:
        raise ValueError(f"backprop runs from one root (the loss L); got {len(roots)} roots")
    return roots
