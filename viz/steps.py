"""Forward and backward, one node at a time, as plain data: the frames of the step-through.

The forward pass computes the op nodes in :func:`autograd_mini.topo_order`; the backward
pass walks it in reverse. Backward step k names the node whose gradient is final after k
steps (every node that uses it has passed its gradient back), the chain-rule terms that
summed into it, the same terms with the numbers (a Tensor: its shapes), the result, and
where the notes have a closed form for that node, the notes' formula beside it. The terms
are the recorded ops' own rules: term value = ``op.vjp(consumer, d consumer)[i]``. Data and
constants (x1, y, X, the 3 in 3·a) take no gradient and get no backward step.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> steps = backprop_steps(L)
>>> [s.dname for s in steps]
['dL', 'da', 'dz', 'db', 'dw2', 'dw1']
>>> print(steps[2]); print("\\n".join(steps[2].lines()))
step 3/6: dz = da · a(1 - a) = -0.475
dz = da · a(1 - a)
   = (-1.905) · 0.525 · (1 - 0.525)
   = -0.475
the notes: dz = a - y = 0.525 - 1 = -0.475
>>> print("\\n".join(forward_steps(L)[0].lines()))
z = w1·x1 + w2·x2 + b
  = 0.5·1 + (-0.25)·2 + 0.1
  = 0.1
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from autograd_mini import Tensor, topo_order

from ._chain import Names, as_roots, chain_term, consumers, forward_formula, is_constant, local_formula, needs_grad
from ._format import fmt_result
from ._notes import NotesContext, forward_notes, notes_lines

__all__ = ["Term", "Step", "backprop_steps", "forward_steps", "all_steps"]


@dataclass(frozen=True)
class Term:
    """One chain-rule term of a gradient: ``d<consumer> · ∂consumer/∂node``."""

    consumer: str   # the consumer's name, z in dw1 = dz · x1
    local: str      # the local derivative ∂consumer/∂node as the op's dformula writes it
    text: str       # the term, "dz · x1"
    value: object   # its value (a float, or an array for a Tensor)
    numbers: str = ""  # the term with the numbers (a Tensor: the shapes), "(-0.475) · 1"


@dataclass(frozen=True)
class Step:
    """One frame: in the backward pass, ``dname = term_1 + term_2 + …`` = ``value``; in the forward
    pass, ``name = formula`` = ``value``."""

    index: int      # 1-based position in its pass
    total: int
    node: object
    name: str       # the node's symbol (z)
    dname: str      # its gradient's name (dz)
    terms: tuple    # the Terms that summed into it; empty for the root (the seed) and forward steps
    value: object   # backward: the gradient the engine holds, node.grad; forward: node.data
    precision: int = 4
    kind: str = "backward"
    expression: str = ""   # forward: the formula by name (w1·x1 + w2·x2 + b)
    numbers: str = ""      # the formula with the numbers (a Tensor: its shapes)
    notes: tuple = ()      # the notes' closed form for this node, where they have one

    @property
    def formula(self) -> str:
        """``dz = da · a(1 - a)``; the root reads ``dL = 1 (the seed)``; a forward step ``a = σ(z)``."""
        if self.kind == "forward":
            return f"{self.name} = {self.expression}"
        if not self.terms:
            return f"{self.dname} = 1 (the seed)"
        return f"{self.dname} = " + " + ".join(t.text for t in self.terms)

    def result(self) -> str:
        """The value (:func:`fmt_result`)."""
        if self.value is None:
            return "not computed: data takes no gradient"
        return fmt_result(self.value, self.precision)

    def lines(self) -> list[str]:
        """The frame's text: the formula, the same with the numbers (or shapes), the result, the notes."""
        pad = " " * (len(self.name if self.kind == "forward" else self.dname) + 1)
        out = [self.formula]
        is_tensor = isinstance(self.node, Tensor)
        only_scalars = is_tensor and not re.search(r"\(\d", self.numbers)  # "() + ()": nothing to learn
        if self.numbers and self.numbers != self.formula.split(" = ", 1)[-1] and not only_scalars:
            out.append(f"{pad}{'shapes: ' if is_tensor else '= '}{self.numbers}"
                       + (f" → {np.shape(self.value)}" if is_tensor else ""))
        result = self.result().split("\n")
        out.append(f"{pad}= {result[0]}")
        out += [f"{pad}  {row}" for row in result[1:]]
        return out + list(self.notes)

    def __str__(self) -> str:
        return f"step {self.index}/{self.total}: {self.formula} = {self.result().splitlines()[0]}"


def _one_root(root) -> list:
    roots = as_roots(root)
    if len(roots) != 1:
        raise ValueError(f"backprop runs from one root (the loss L); got {len(roots)} roots")
    return roots


def forward_steps(root, precision: int = 4, *, order=None, names=None) -> list[Step]:
    """The forward pass: one :class:`Step` per op node, in the order the values were computed."""
    (root,) = _one_root(root)
    order = order if order is not None else topo_order([root])
    names = names or Names(order, precision)
    computed = [node for node in order if node._op is not None]
    context = NotesContext(order, names, precision)
    steps = []
    for k, node in enumerate(computed, start=1):
        steps.append(Step(k, len(computed), node, names.symbol(node), names.grad(node), (), node.data, precision,
                          "forward", forward_formula(node, names, precision),
                          forward_formula(node, names, precision, numbers=True), tuple(forward_notes(node, context))))
    return steps


def backprop_steps(root, precision: int = 4, *, order=None, names=None, show_data: bool = False) -> list[Step]:
    """The backward pass from ``root`` as a list of :class:`Step`, in the order ``backward()`` ran.

    Needs ``root.backward()`` to have run: the steps read the gradients it recorded.
    Nodes that take no gradient (data and constants) are left out; ``show_data`` puts the data
    back in (x1, y: what their gradient would be, from the same chain rule, where the ops give
    it; a Tensor op computes nothing for data, so X's step says so). Constants never get a step.
    """
    (root,) = _one_root(root)
    if not root.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) "
                           "before stepping through backprop")
    order = order if order is not None else topo_order([root])
    names = names or Names(order, precision)
    used_by = consumers(order)
    context = NotesContext(order, names, precision)
    backward_order = [node for node in reversed(order)
                      if needs_grad(node) or (show_data and not is_constant(node))]
    steps = []
    for k, node in enumerate(backward_order, start=1):
        terms = []
        for child, i in used_by[node]:
            terms.append(Term(names.symbol(child), local_formula(child, i, names, precision),
                              chain_term(child, i, names, precision), child._op.vjp(child, child.grad)[i],
                              chain_term(child, i, names, precision, numbers=True)))
        numbers = " + ".join(t.numbers for t in terms)
        value = node.grad if needs_grad(node) else _data_gradient(terms)
        steps.append(Step(k, len(backward_order), node, names.symbol(node), names.grad(node), tuple(terms),
                          value, precision, "backward", "", numbers, tuple(notes_lines(node, context))))
    return steps


def _data_gradient(terms: list):
    """The sum of the terms a data node would receive; None where an op computed none for data."""
    if any(t.value is None for t in terms):
        return None
    return sum(t.value for t in terms)


def all_steps(root, precision: int = 4) -> list[Step]:
    """The forward steps, then the backward steps: every frame of the step-through, in order."""
    (root,) = _one_root(root)
    order = topo_order([root])
    names = Names(order, precision)
    return forward_steps(root, precision, order=order, names=names) + \
        backprop_steps(root, precision, order=order, names=names)
