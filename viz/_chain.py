"""The names the pictures give the nodes, who consumes each node, and the forward formulas.

Everything here comes from what the engine recorded: the order is
:func:`autograd_mini.topo_order` (the walk ``backward()`` uses), and the forward formulas are
the ops' own templates (``formula``) filled with the nodes' names or numbers.

One symbol per quantity: a node's gradient is written ``dx`` in a scalar graph (the notes' one-example
da, dz, dw1 are ∂L/∂a, ∂L/∂z, ∂L/∂w1) and for a parameter (the notes' dW[l] = ∂J/∂W[l]); an
intermediate Tensor of a cost J is written ``∂J/∂Z1``, because the notes' dZ[l] is per example,
m times larger (``∂J/∂Z1 = dZ1/m``), and keeps ``dZ1`` for itself.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> order = L.topo_order(); names = Names(order)
>>> z = L.parents[0].parents[0]
>>> forward_formula(z, names), forward_formula(z, names, numbers=True)
('w1·x1 + w2·x2 + b', '0.5·1 + (-0.25)·2 + 0.1')
>>> names.grad(z)
'dz'
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from autograd_mini import Tensor
from autograd_mini.functional import _SigmoidCrossEntropy, _SoftmaxCrossEntropy
from autograd_mini.graph import Node

from ._format import fmt_number

__all__ = ["FUSED_COSTS", "ACTIVATIONS", "fused_activation", "Names", "as_roots", "consumers", "forward_formula",
           "named_by_formula",
           "needs_grad", "is_constant", "paren", "activation_name", "subscript", "number"]

# a name that "d" or "∂" can stand before without being misread: x1, Z1, W[2], wᵀ, b, J, x₂ (not W1A0 nor w·x)
_ATOM = re.compile(r"^[^\W\d_ᵀ]+ᵀ?(\d+|\[\d+\])?[₀-₉]*$")
# a name built from its parents is kept while it stays this short; a longer one is a short name u₁, u₂, …
# shown with its formula beside it
_MAX_BUILT_NAME = 14
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: the stable costs that compute A[L] = g(Z[L]) inside, from Z[L]; their backward is dZ[L] = A[L] − Y (the notes'
#: for σ, the course's for softmax with categorical cross-entropy)
FUSED_COSTS = (_SigmoidCrossEntropy, _SoftmaxCrossEntropy)
#: the notes' activations g
ACTIVATIONS = frozenset({"sigmoid", "tanh", "relu", "leaky_relu", "softmax"})


def fused_activation(op) -> str:
    """The g of a fused cost: σ or softmax."""
    return "σ" if isinstance(op, _SigmoidCrossEntropy) else "softmax"


_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")


def activation_name(z_symbol: str) -> str:
    """The name of g(Z) beside ``Z``: Z3 → A3, Z → A, z → a; anything else: A(name)."""
    found = _INDEXED.match(z_symbol)
    head, digits = (found.group(1), found.group(2)) if found else (z_symbol, "")
    if head in ("Z", "z"):
        return ("A" if head == "Z" else "a") + digits
    return f"A({z_symbol})"


def subscript(k: int) -> str:
    """3 → ₃: the index that tells apart nodes that would otherwise share a name."""
    return str(k).translate(_SUBSCRIPTS)


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


def needs_grad(node) -> bool:
    """False for data (X, Y, x1, a constant): no gradient flows to it, and no step is shown for it."""
    return node.requires_grad


def is_constant(node) -> bool:
    """An unlabelled leaf that takes no gradient: a number written into an expression, or unnamed data."""
    return node._op is None and not node.requires_grad and not node.label


def named_by_formula(name: str, formula: str) -> bool:
    """Whether an unlabelled node's name is its formula (Fᵀ, wᵀX for wᵀ X): ``wᵀX = wᵀ X`` says nothing, so
    the pictures say it once."""
    return name.replace(" ", "") == formula.replace(" ", "")


def paren(text: str, products: bool = True) -> str:
    """``text`` in parentheses when it is a sum, a difference (or, with ``products``, a product or any
    other compound) at its top level: a factor of a product keeps its meaning. A leading minus
    sign counts as compound too, so ``2·(-x)`` never reads ``2·-x``."""
    if text.startswith("-") and products:
        return f"({text})"
    marks = (" ", "·") if products else (" + ", " - ", " − ", " if ")
    depth = 0
    for pos, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and pos > 0 and text.startswith(marks, pos):
            return f"({text})"
    return text


def number(x, precision: int) -> str:
    """A number as it stands in a formula; a negative one in parentheses, (-0.475)."""
    text = fmt_number(x, precision)
    return f"({text})" if text.startswith("-") else text


def consumers(order: list) -> dict:
    """For each node, the ``(child, i)`` pairs where it is the child's i-th parent, in topological order.

    A node used twice by one op (``a * a``) appears twice, once per edge.
    """
    used_by: dict = {node: [] for node in order}
    for child in order:
        for i, parent in enumerate(child._parents):
            used_by[parent].append((child, i))
    return used_by


class Names:
    """The names the pictures give the nodes, each unique in the picture.

    ``symbol(node)``: the label (the notes' symbols ``w1``, ``Z1``); a number written into an
    expression (or any unlabelled scalar data) shows its number; an unlabelled leaf that takes a
    gradient is named by its role (``w1, w2, …`` the left
    factor of a product, ``b1, …`` a term of a sum, ``x1, x2, …`` an input), unlabelled data
    entering a cost as labels is ``Y``, other unlabelled array data ``X``; an unlabelled op node
    gets a name built from its parents' (``w1·x1``, ``σ(z)``), or where that would be long a
    short name ``u₁, u₂, …`` that the picture shows with its formula. A name that two nodes
    would share gets an index, ``(x·y)₂``. ``grad(node)``: the gradient's symbol (see the module).
    """

    __slots__ = ("order", "position", "_symbols", "_short", "partial", "root")

    def __init__(self, order: list, precision: int = 4, used_by: dict | None = None):
        self.order = order
        self.position = {node: i for i, node in enumerate(order)}
        used_by = used_by if used_by is not None else consumers(order)
        self._symbols: dict = {}
        self._short: set = set()  # the nodes whose name is a short one, u₁: the picture shows their formula
        self.root = order[-1] if order else None
        # a Tensor graph differentiates a cost J averaged over examples: its intermediates are written ∂J/∂Z
        self.partial = isinstance(self.root, Tensor)
        taken = {str(node.label) for node in order if node.label}
        counters: dict = {}

        def numbered(word: str, sub: bool = False) -> str:
            while True:
                counters[word] = counters.get(word, 0) + 1
                name = f"{word}{subscript(counters[word]) if sub else counters[word]}"
                if name not in taken:
                    taken.add(name)
                    return name

        seen: dict = {}
        for node in order:
            if node.label:
                name = str(node.label)
            elif node._op is None:
                name = self._leaf_name(node, used_by, precision, numbered)
                if name is None:  # a number written into the expression: shown as itself, never indexed
                    data = np.asarray(node.data)
                    self._symbols[node] = fmt_number(data.reshape(()), precision)
                    continue
            else:
                name = _fill(_forward_template(node), node, self.symbol, "", _constant(node._ctx, precision))
                if node._op.name == "@":
                    name = name.replace(" ", "")
                if len(name) > _MAX_BUILT_NAME or name in taken and name in seen:
                    name = numbered("u", sub=True)
                    self._short.add(node)
            if name in seen:  # a second node of this name: both keep it, told apart by an index
                count = seen[name] = seen[name] + 1
                name = f"{name if _ATOM.match(name) else f'({name})'}{subscript(count)}"
            else:
                seen[name] = 1
            taken.add(name)
            self._symbols[node] = name

    @staticmethod
    def _leaf_name(node, used_by: dict, precision: int, numbered):
        """An unlabelled leaf's name by its role, or None for a number written into an expression."""
        uses = used_by[node]
        if node.requires_grad:
            if uses and all(c._op.name == "*" and i == 0 for c, i in uses):
                return numbered("w")
            if uses and all(c._op.name == "+" for c, i in uses):
                return numbered("b")
            return numbered("x")
        if isinstance(node, Tensor) and node.data.size > 1:
            if any(isinstance(c._op, FUSED_COSTS) and i == 1 for c, i in uses):
                return "Y"
            return _data_name(numbered)
        return None

    def symbol(self, node) -> str:
        return self._symbols[node]

    def is_short(self, node) -> bool:
        """Whether the node's name is a short one (u₁) that needs its formula beside it."""
        return node in self._short

    def grad(self, node) -> str:
        """``dz``, ``dw1``, ``d(w·x)``; in a Tensor graph ``∂J/∂Z1`` for an intermediate (module docstring)."""
        name = self._symbols[node]
        if self.partial and node._op is not None:
            return f"∂{self._symbols[self.root]}/∂{name if _ATOM.match(name) else f'({name})'}"
        return f"d{name}" if _ATOM.match(name) else f"d({name})"


def _data_name(numbered) -> str:
    first = numbered("X")
    return "X" if first == "X1" else first


def _forward_template(node) -> str:
    """The op's ``formula``, or ``name(…)`` of the parents for an op that has none."""
    op = node._op
    if op.name == "reshape":  # with the shape it makes, as numpy's reshape(P1, (4, 18)): the op's "reshape P1" does not
        return f"reshape({{0}}, {tuple(np.shape(node.data))})"
    return op.formula or f"{op.name}({', '.join('{%d}' % i for i in range(len(node._parents)))})"


def _constant(ctx, precision: int) -> str:
    # ops keep their constant as ctx; mean keeps (axis, keepdims, n) and its {k} is n
    k = ctx[-1] if isinstance(ctx, tuple) else ctx
    return fmt_number(k, precision) if isinstance(k, numbers.Real) else str(k)


def _fill(template: str, child, symbol, out: str, k: str) -> str:
    """``template`` with ``{0}``, ``{1}``, … the parents (each from ``symbol``), ``{out}`` the child, ``{k}``
    the constant; a parent that is a sum or product keeps its parentheses, and one the template already
    puts in parentheses gets no second pair."""
    # in a sum a product needs no parentheses (w·x + 1), and its first term none at all; everywhere
    # else a compound or a negative number does ((w + 1)·x, 2·(-3))
    in_sum = template.startswith(("{0} + ", "{0} - "))
    parents = []
    for i, parent in enumerate(child._parents):
        text = symbol(parent)
        if re.search(r"\(\{%d\}\)" % i, template) or (in_sum and i == 0):
            parents.append(text)
        elif in_sum:
            text = paren(text, products=False)
            parents.append(f"({text})" if text.startswith("-") else text)
        else:
            parents.append(paren(text))
    return template.format(*parents, out=out, k=k)


def forward_formula(node, names: Names, precision: int = 4, numbers: bool = False, symbol=None) -> str:
    """How ``node`` was computed from its parents (``σ(z)``, ``W1 A0``), by name (``symbol``'s, names' by
    default) or with numbers."""
    k = _constant(node._ctx, precision)
    if numbers:
        template = node._op.numbers_formula or _forward_template(node)
        return _fill(template, node, lambda n: fmt_number(n.data, precision), "", k)
    return _fill(_forward_template(node), node, symbol or names.symbol, "", k)
