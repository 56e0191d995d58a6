"""Forward and backward, one node at a time, as plain data: the frames of the step-through.

The forward pass computes the op nodes in :func:`autograd_mini.topo_order`. The backward pass
goes in the teacher's order (:meth:`viz._view.View.backward_order`): from the cost back, a
gradient as soon as it is final. Backward step k names the node whose gradient is final, the
chain-rule terms that summed into it (each the consumer's gradient times a local derivative),
the same terms with the numbers (a Tensor: what the products and sums do to the shapes), the
result, and where the notes have a closed form for that node, the notes' formula beside it.
The terms' values are the recorded ops' own rules: ``op.vjp(consumer, d consumer)[i]``. Data
and constants (x1, y, X, the 3 in 3·a) take no gradient and get no backward step.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> steps = backprop_steps(L)
>>> [s.dname for s in steps]
['dL', 'da', 'dz', 'dw1', 'dw2', 'db']
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

from dataclasses import dataclass

import numpy as np

from autograd_mini import Tensor

from ._chain import as_roots, forward_formula, named_by_formula, needs_grad
from ._format import fmt_inline, fmt_number, fmt_result
from ._notes import forward_notes, notes_lines
from ._rules import backward_shapes, forward_shapes, join, term
from ._view import View

__all__ = ["Term", "Step", "backprop_steps", "forward_steps", "all_steps", "step_count"]


@dataclass(frozen=True)
class Term:
    """One chain-rule term of a gradient: the consumer's gradient times ∂consumer/∂node."""

    consumer: str   # the consumer's name, z in dw1 = dz · x1
    local: str      # the local derivative ∂consumer/∂node: "x1", "a(1 - a)", "relu′(Z1)", "A0ᵀ (on the right)"
    text: str       # the term, "dz · x1" (with its sign: "-dz")
    value: object   # its value (a float, or an array for a Tensor)
    numbers: str = ""  # a Value's term with the numbers, "(-0.475) · 1"
    upstream: str = ""  # the consumer's gradient as it stands in the term ("" where ∂J/∂J = 1 is left out)
    local_numbers: str = ""  # a Value's local derivative with the numbers, "relu′(0.1) = 1"
    node: object = None  # the consumer node
    index: int = 0  # which of the consumer's parents the node is


@dataclass(frozen=True)
class Step:
    """One frame: in the backward pass, ``dname = term_1 + term_2 + …`` = ``value``; in the forward
    pass, ``name = formula`` = ``value``."""

    index: int      # 1-based position in its pass
    total: int
    node: object
    name: str       # the node's symbol (z)
    dname: str      # its gradient's symbol (dz, ∂J/∂Z1)
    terms: tuple    # the Terms that summed into it; empty for the root (the seed) and forward steps
    value: object   # backward: the gradient the engine holds, node.grad; forward: node.data
    precision: int = 4
    kind: str = "backward"
    expression: str = ""   # forward: the formula by name (w1·x1 + w2·x2 + b); backward: the terms summed
    numbers: str = ""      # a Value's formula with the numbers; a Tensor's shapes line
    notes: tuple = ()      # the notes' closed form for this node, where they have one
    where: tuple = ()      # what a function in the formula means (relu′(0.1) = 1, the pooling mask)
    filters: bool = False  # a conv layer's filter bank: its value printed as f × f grids

    @property
    def formula(self) -> str:
        """``dz = da · a(1 - a)``; the root reads ``dL = 1 (the seed)``; a forward step ``a = σ(z)``, and
        an unnamed node whose name is its formula, ``x + x``, says it once."""
        if self.kind == "forward":
            if self._product_named_by_formula:  # wᵀX = wᵀ · X: the product gets its left-hand side and its dot
                return f"{self.name} = {self.expression.replace(' ', ' · ', 1)}"
            return self.expression if self._named_by_formula else f"{self.name} = {self.expression}"
        if not self.terms:
            return f"{self.dname} = 1 (the seed)"
        return f"{self.dname} = {self.expression}"

    @property
    def shapes_line(self) -> bool:
        """Whether ``numbers`` says what happens to the shapes (a Tensor's) rather than the formula's numbers."""
        return self.numbers.startswith(("shapes", "elementwise", "column by column"))

    @property
    def head(self) -> str:
        """What the frame's formula is about: the gradient's symbol, or the node's name (or its formula)."""
        return self.formula.split(" = ", 1)[0] if self.kind == "backward" or not self._named_by_formula \
            or self._product_named_by_formula else self.expression

    @property
    def _named_by_formula(self) -> bool:
        return named_by_formula(self.name, self.expression)

    @property
    def _product_named_by_formula(self) -> bool:
        op = getattr(self.node, "_op", None)
        return self._named_by_formula and op is not None and op.name in ("@", "ᵀ@") and " " in self.expression

    @property
    def says_its_value(self) -> bool:
        """Whether the formula states the value already: the seed (dL = 1), or a gradient that is a plain number
        (∂J/∂CE = 1), whose result line would only repeat it."""
        return self.kind == "backward" and (not self.terms or not self.numbers and self.expression == self.result())

    def result(self) -> str:
        """The value (:func:`fmt_result`)."""
        if self.value is None:
            return "not computed: data takes no gradient"
        return fmt_result(self.value, self.precision, filters=self.filters)

    def lines(self) -> list[str]:
        """The frame's text: the formula, the same with the numbers (or the shapes), the result, what a
        function means, the notes."""
        pad = " " * (len(self.head) + 1)
        out = [self.formula]
        if self.numbers:
            out.append(f"{pad}{'' if self.shapes_line else '= '}{self.numbers}")
        if self.says_its_value:  # "dL = 1 (the seed)", "∂J/∂CE = 1": said once
            return out + list(self.where) + list(self.notes)
        result = self.result().split("\n")
        out.append(f"{pad}= {result[0]}")
        out += [f"{pad}  {row}" for row in result[1:]]
        return out + list(self.where) + list(self.notes)

    def __str__(self) -> str:
        if self.kind == "backward" and not self.terms:
            return f"step {self.index}/{self.total}: {self.formula}"
        return f"step {self.index}/{self.total}: {self.formula} = {self.result().splitlines()[0]}"


def _one_root(root) -> list:
    roots = as_roots(root)
    if len(roots) != 1:
        raise ValueError(f"backprop runs from one root (the loss L); got {len(roots)} roots")
    return roots


def _view(root, precision: int, view) -> View:
    (root,) = _one_root(root)
    return view if view is not None else View(root, precision)


def step_count(root, view=None) -> tuple[int, int]:
    """How many frames the step-through of ``root`` has: (forward, backward), without building them."""
    view = _view(root, 4, view)
    return sum(1 for node in view.order if node._op is not None), len(view.backward_order())


def forward_steps(root, precision: int = 4, *, view=None) -> list[Step]:
    """The forward pass: one :class:`Step` per op node, in the order the values were computed."""
    view = _view(root, precision, view)
    names = view.names
    computed = [node for node in view.order if node._op is not None]
    steps = []
    for k, node in enumerate(computed, start=1):
        scalars = all(np.ndim(p.data) == 0 for p in node._parents) and np.ndim(node.data) == 0
        if isinstance(node, Tensor) and not scalars:
            numbers = forward_shapes(node)
        else:  # a Value, or a Tensor of numbers only (J = CE + R): the formula with the numbers
            numbers = forward_formula(node, names, precision, numbers=True)
        expression = forward_formula(node, names, precision)
        where = _operands(node, view) if isinstance(node, Tensor) and not scalars else ()
        if not node.label and named_by_formula(names.symbol(node), expression):  # "x + x" alone reads as no name
            where += (f"{names.symbol(node)} has no label: the picture names the node by its formula",)
        steps.append(Step(k, len(computed), node, names.symbol(node), names.grad(node), (), node.data, precision,
                          "forward", expression, numbers, tuple(forward_notes(node, view)), where,
                          filters=node in view.filters))
    return steps


# the Tensor ops whose forward frame names its operands' numbers: the products and sums
_COMBINE = frozenset({"@", "ᵀ@", "W A + b", "+", "-", "*", "/"})


def _operands(node, view) -> tuple:
    """``with w = [0.01; -0.02], X = [1 2; 3 4]``: the numbers a product or a sum combines, each small operand
    once (a large one is on the graph, by hover or Tab)."""
    if node._op.name not in _COMBINE:
        return ()
    shown = {}
    for parent in node._parents:
        numbers = fmt_inline(parent.data, view.precision)
        shown.setdefault(view.names.symbol(parent), numbers or "on the graph (hover or Tab to it)")
    return (f"with {', '.join(f'{name} = {numbers}' for name, numbers in shown.items())}",)


def backprop_steps(root, precision: int = 4, *, view=None, show_data: bool = False) -> list[Step]:
    """The backward pass from ``root`` as a list of :class:`Step`, in the teacher's order.

    Needs ``root.backward()`` to have run: the steps read the gradients it recorded.
    Nodes that take no gradient (data and constants) are left out; ``show_data`` puts the data
    back in (x1, y: what their gradient would be, from the same chain rule, where the ops give
    it; a Tensor op computes nothing for data, so X's step says so). Constants never get a step.
    """
    (node_root,) = _one_root(root)
    if not node_root.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) "
                           "before stepping through backprop")
    return _backward_steps(_view(root, precision, view), show_data)


def _backward_steps(view, show_data: bool = False) -> list[Step]:
    """The backward steps of ``view``; a term whose consumer has no gradient yet has no value (None)."""
    names, precision = view.names, view.precision
    order = view.backward_order(show_data)
    steps = []
    for k, node in enumerate(order, start=1):
        pieces, terms = [], []
        for child, i in view.used_by[node]:
            piece = term(view, child, i)
            pieces.append(piece)
            terms.append(Term(names.symbol(child), piece.local, ("-" if piece.sign == "-" else "") + piece.text,
                              child._op.vjp(child, child.grad)[i] if child.has_grad else None,
                              piece.numbers, piece.upstream,
                              piece.local_numbers, child, i))
        if isinstance(node, Tensor):
            numbers = backward_shapes(pieces, np.shape(node.data))
        else:
            numbers = join(pieces, "numbers") if pieces else ""
            if numbers == "1" and len(pieces) == 1 and pieces[0].numbers == pieces[0].text:
                numbers = ""
            if node.has_grad and numbers.strip("()") == fmt_number(node.grad, precision):  # db = dz = -0.475
                numbers = ""
        where = tuple(dict.fromkeys(p.where for p in pieces if p.where))
        value = (node.grad if node.has_grad else None) if needs_grad(node) else _data_gradient(terms)
        steps.append(Step(k, len(order), node, names.symbol(node), names.grad(node), tuple(terms), value,
                          precision, "backward", join(pieces), numbers, tuple(notes_lines(node, view)), where,
                          node in view.filters))
    return steps


def _data_gradient(terms: list):
    """The sum of the terms a data node would receive; None where an op computed none for data."""
    if any(t.value is None for t in terms):
        return None
    return sum(t.value for t in terms)


def all_steps(root, precision: int = 4, *, view=None) -> list[Step]:
    """The forward steps, then the backward steps: every frame of the step-through, in order."""
    view = _view(root, precision, view)
    return forward_steps(root, precision, view=view) + backprop_steps(root, precision, view=view)
