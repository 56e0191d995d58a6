"""The chain-rule pieces read off a recorded graph: node names, consumers, forward and backward formulas.

Everything here comes from what the engine recorded: the order is
:func:`autograd_mini.topo_order` (the walk ``backward()`` uses), and every formula is an op's
own template (``formula``, ``dformula``, ``nformula``, ``dterm``) filled with the nodes'
names, with their numbers, or (for a Tensor) with their shapes, so the pictures can never
disagree with the rules that ran.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> order = L.topo_order(); names = Names(order)
>>> a = L.parents[0]; z = a.parents[0]
>>> chain_term(a, 0, names), chain_term(a, 0, names, numbers=True)
('da · a(1 - a)', '(-1.905) · 0.525 · (1 - 0.525)')
>>> forward_formula(z, names), forward_formula(z, names, numbers=True)
('w1·x1 + w2·x2 + b', '0.5·1 + (-0.25)·2 + 0.1')
"""

from __future__ import annotations

import numbers
import re
from collections import Counter

import numpy as np

from autograd_mini import Tensor
from autograd_mini.functional import _SigmoidCrossEntropy, _SoftmaxCrossEntropy
from autograd_mini.graph import Node

from ._format import fmt_number

__all__ = ["FUSED_COSTS", "fused_activation", "Names", "as_roots", "consumers", "local_formula", "chain_term", "forward_formula", "needs_grad",
           "summed_axes", "paren", "activation_name"]

# a name that "d" can stand before without being misread: x1, dZ1, W[2], wᵀ, b, J (not W1A0 nor w·x)
_ATOM = re.compile(r"^[^\W\d_ᵀ]+ᵀ?(\d+|\[\d+\])?$")
# a name built from its parents is kept while it stays this short; longer ones get a word and a number
_MAX_BUILT_NAME = 14
_WORDS = {"+": "sum", "-": "diff", "*": "prod", "/": "quot", "@": "prod", "**": "pow", "neg": "neg", "[]": "pick",
          "sigmoid": "σ", "leaky_relu": "lrelu"}


#: the stable costs that compute A[L] = g(Z[L]) inside, from Z[L]; their backward is the notes' dZ[L] = A[L] − Y
FUSED_COSTS = (_SigmoidCrossEntropy, _SoftmaxCrossEntropy)


def fused_activation(op) -> str:
    """The g of a fused cost: σ or softmax."""
    return "σ" if isinstance(op, _SigmoidCrossEntropy) else "softmax"


_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")


def activation_name(z_symbol: str) -> str:
    """The name of g(Z) beside ``Z``: Z3 → A3, Z → A, z → a; anything else: σ(name)."""
    found = _INDEXED.match(z_symbol)
    head, digits = (found.group(1), found.group(2)) if found else (z_symbol, "")
    if head in ("Z", "z"):
        return ("A" if head == "Z" else "a") + digits
    return f"σ({z_symbol})"


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
    """An unlabelled leaf that takes no gradient: a number written into an expression."""
    return node._op is None and not node.requires_grad and not node.label


def paren(text: str, products: bool = True) -> str:
    """``text`` in parentheses when it is a sum, a difference (or, with ``products``, a product or any
    other compound) at its top level: a factor of a product keeps its meaning."""
    marks = (" ", "·") if products else (" + ", " - ", " if ")
    depth = 0
    for pos, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and pos > 0 and text.startswith(marks, pos):
            return f"({text})"
    return text


class Names:
    """The names the pictures give the nodes: the labels (the notes' symbols), else built from the parents.

    ``symbol(node)``: the label (``w1``, ``Z1``); a constant shows its number; an unlabelled
    op node gets a name built from its parents' (``w1·x1``, ``σ(z)``), or, when that would
    be long, a word and a number (``sum3``) that the picture shows on the node; an
    unlabelled parameter is ``p1``, ``p2``, …. ``grad(node)``: ``d`` + the name (``dw1``),
    in parentheses where the name is not one symbol (``d(w1·x1)``).
    """

    __slots__ = ("order", "position", "_symbols")

    def __init__(self, order: list, precision: int = 4):
        self.order = order
        self.position = {node: i for i, node in enumerate(order)}
        self._symbols: dict = {}
        taken = {str(node.label) for node in order if node.label}
        counters: Counter = Counter()

        def numbered(word: str) -> str:
            while True:
                counters[word] += 1
                name = f"{word}{counters[word]}"
                if name not in taken:
                    return name

        for node in order:
            if node.label:
                name = str(node.label)
            elif is_constant(node):
                data = np.asarray(node.data)
                name = fmt_number(data.reshape(()), precision) if data.size == 1 else numbered("const")
            elif node._op is None:
                name = numbered("p")
            else:
                name = _built_name(node, self)
                if len(name) > _MAX_BUILT_NAME:
                    name = numbered(_WORDS.get(node._op.name, node._op.name))
            self._symbols[node] = name

    def symbol(self, node) -> str:
        return self._symbols[node]

    def grad(self, node) -> str:
        name = self._symbols[node]
        return f"d{name}" if _ATOM.match(name) else f"d({name})"


def _forward_template(node) -> str:
    """The op's ``formula``, or ``name(…)`` of the parents for an op that has none."""
    op = node._op
    return op.formula or f"{op.name}({', '.join('{%d}' % i for i in range(len(node._parents)))})"


def _built_name(node, names: Names) -> str:
    op = node._op
    template = _forward_template(node)
    if op.name == "@":
        template = template.replace(" ", "")
    return _fill(template, node, names.symbol, lambda n: "", _constant(node._ctx, 4))


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


def _number(x, precision: int) -> str:
    text = fmt_number(x, precision)
    return f"({text})" if text.startswith("-") else text


def _shape(x) -> str:
    shape = np.shape(x)
    return str(shape) if len(shape) != 1 else f"({shape[0]},)"


def _quantity(node, precision: int, which: str = "data") -> str:
    """How a node stands in a formula with the numbers: its number (a Value) or its shape (a Tensor)."""
    value = node.data if which == "data" else node.grad
    return _shape(value) if isinstance(node, Tensor) else _number(value, precision)


def _fill(template: str, child, symbol, out_symbol, k: str, g: str = "") -> str:
    """``template`` with ``{0}``, ``{1}``, … the parents, ``{out}`` the child, ``{k}`` the constant, ``{g}``
    the child's gradient; a parent that is a sum or product keeps its parentheses."""
    # in a sum a product needs no parentheses (w·x + 1); everywhere else a compound does ((w + 1)·x)
    products = not template.startswith(("{0} + ", "{0} - "))
    parents = []
    for i, parent in enumerate(child._parents):
        text = symbol(parent)
        parents.append(text if f"({{{i}}})" in template else paren(text, products))
    return template.format(*parents, out=out_symbol(child), k=k, g=g)


def _fill_as(template: str, child, names: Names, precision: int, numbers: bool, g: str = "") -> str:
    """:func:`_fill` with the nodes' names, or with their numbers (shapes)."""
    k = _constant(child._ctx, precision)
    if numbers:
        def quantity(node):
            return _quantity(node, precision)
        return _fill(template, child, quantity, quantity, k, g)
    return _fill(template, child, names.symbol, names.symbol, k, g)


def local_formula(child, i: int, names: Names, precision: int = 4, numbers: bool = False) -> str:
    """∂child/∂(parent i) as the op's ``dformula`` writes it, filled with the nodes' names (or numbers)."""
    op = child._op
    templates = op.nformula if numbers and op.nformula else op.dformula
    return _fill_as(templates[i] if i < len(templates) else "?", child, names, precision, numbers)


def summed_axes(parent_shape: tuple, out_shape: tuple) -> tuple:
    """The axes of the output that a broadcast operand's gradient is summed over (as ``_unbroadcast`` does)."""
    extra = len(out_shape) - len(parent_shape)
    axes = tuple(range(extra))
    axes += tuple(extra + i for i, n in enumerate(parent_shape) if n == 1 and out_shape[extra + i] != 1)
    return axes


def _broadcast(parent_shape: tuple, out_shape: tuple) -> bool:
    """Whether an elementwise op stretched the parent to the output's larger shape."""
    if len(parent_shape) > len(out_shape) or parent_shape == out_shape:
        return False
    try:
        return np.broadcast_shapes(parent_shape, out_shape) == out_shape
    except ValueError:
        return False


def _sum_word(axes: tuple, ndim: int) -> str:
    if ndim == 2 and axes == (1,):
        return "Σ_columns"
    if ndim == 2 and axes == (0,):
        return "Σ_rows"
    if len(axes) == ndim:
        return "Σ_all"
    return f"Σ_axes{axes}"


def chain_term(child, i: int, names: Names, precision: int = 4, numbers: bool = False) -> str:
    """The chain-rule term that ``child`` passes back to its i-th parent.

    ``dz = da · a(1 - a)`` for a Value, ``dA1 ∗ (1 - A1²)`` elementwise for a Tensor,
    ``dZ1 A0ᵀ`` for a matrix product, and ``Σ_columns dZ1`` where the parent (b1) was
    broadcast over the m columns. With ``numbers`` the same term takes each Value's
    number, or each Tensor's shape.
    """
    op = child._op
    parent = child._parents[i]
    is_tensor = isinstance(child, Tensor)
    g = _quantity(child, precision, "grad") if numbers else names.grad(child)
    if op.dterm and i < len(op.dterm) and op.dterm[i]:
        return _fill_as(op.dterm[i], child, names, precision, numbers, g)
    symbolic = local_formula(child, i, names, precision)
    local = local_formula(child, i, names, precision, numbers=True) if numbers else symbolic
    if isinstance(op, FUSED_COSTS) and not numbers:  # the fused cost keeps A[L] = g(Z[L]) inside
        z = names.symbol(child._parents[0])
        local = local.replace(f"{fused_activation(op)}({paren(z)})", activation_name(z))
    elementwise = is_tensor and np.ndim(child.data) > 0
    if symbolic == "1":
        term = g
    elif symbolic == "-1":
        term = f"-{paren(g)}"
    else:
        term = f"{g} {'∗' if elementwise else '·'} {paren(local, products=False)}"
    if is_tensor and _broadcast(np.shape(parent.data), np.shape(child.data)):
        axes = summed_axes(np.shape(parent.data), np.shape(child.data))
        if axes:
            term = f"{_sum_word(axes, np.ndim(child.data))} {paren(term)}"
    return term


def forward_formula(node, names: Names, precision: int = 4, numbers: bool = False) -> str:
    """How ``node`` was computed from its parents (``σ(z)``, ``W1 A0``), by name or with numbers (shapes)."""
    return _fill_as(_forward_template(node), node, names, precision, numbers)
