"""The derivative graph: the backward pass drawn as a graph of its own.

Nodes are the gradients dL, da, dz, dw1, ... (named from the labels); an edge d(child) →
d(parent) carries the chain-rule term that the child passed back, the op's ``dformula``
filled with the nodes' names (dz = da · a(1 - a); dw1 = dz · x1). Nodes appear in the
order ``backward()`` visited them, the reverse of :func:`autograd_mini.topo_order`.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> src = draw_derivative_graph(L).source
>>> "dz = da · a(1 - a)" in src and "dw1 = dz · x1" in src
True
"""

from __future__ import annotations

import graphviz
import numpy as np

from autograd_mini import topo_order

from ._chain import Names, chain_term, consumers, is_constant, needs_grad
from ._format import fmt_value, html_label_text
from ._style import KIND_STYLE, new_digraph, node_kind
from .graph import _EDGE_LABELS_IN_LAYOUT
from .steps import _one_root

__all__ = ["draw_derivative_graph"]


def draw_derivative_graph(root, *, rankdir: str = "LR", precision: int = 4, show_values: bool = True,
                          title: str | None = None, show_data: bool = False) -> graphviz.Digraph:
    """Draw the backward pass of ``root`` (the loss L) as a graph of dL, da, dz, dw1, ...

    Each node shows its formula (``dz = da · a(1 - a)``, a sum where a value is used more
    than once; for a Tensor the engine's rule in the notes' words: ``db1 = Σ_columns dZ1``,
    ``dW1 = d(W1A0) A0ᵀ``, ``dA1 = W2ᵀ d(W2A1)``), its shape, and, once ``backward()`` has
    run and ``show_values`` is set, its value. Data (X, x1, y) takes no gradient and is left out,
    unless ``show_data`` asks for its formula too (constants never get a node).
    """
    (root,) = _one_root(root)
    order = topo_order([root])
    names = Names(order, precision)
    used_by = consumers(order)
    g = new_digraph("derivative_graph", rankdir, html_label_text(title) if title else None)
    position = {}
    for node in reversed(order):
        if not needs_grad(node) and not (show_data and not is_constant(node)):
            continue
        position[node] = len(position)
        terms = [chain_term(child, i, names, precision) for child, i in used_by[node]]
        formula = f"{names.grad(node)} = " + (" + ".join(terms) if terms else "1 (the seed)")
        head = f"<B>{html_label_text(names.grad(node))}</B>"
        if isinstance(node.data, np.ndarray) and node.data.ndim:
            head += f' <FONT POINT-SIZE="9">{node.data.shape}</FONT>'
        rows = [head, html_label_text(formula)]
        if show_values and not needs_grad(node):
            value = "none: data takes no gradient"
            rows.append(f'<FONT COLOR="#6b7280">{html_label_text(value)}</FONT>')
        elif show_values:
            value = fmt_value(node.grad, precision) if node.has_grad else "not computed yet"
            rows.append(f'<FONT COLOR="#6b7280">= {html_label_text(value)}</FONT>')
        fill, border = KIND_STYLE[node_kind(node)]
        # a row per line, padded, so a line's underscore (Σ_columns) never runs into the next
        table = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
        g.body.append(f'\td{position[node]} [label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" '
                      f'CELLPADDING="1">{table}</TABLE>> fillcolor="{fill}" color="{border}"]\n')
    label_kind = "label" if len(position) <= _EDGE_LABELS_IN_LAYOUT else "xlabel"
    if label_kind == "xlabel":
        g.graph_attr["forcelabels"] = "true"
    for child in reversed(order):
        if child not in position:
            continue
        for i, parent in enumerate(child._parents):
            if parent in position:
                term = chain_term(child, i, names, precision)
                g.body.append(f"\td{position[child]} -> d{position[parent]} [{label_kind}=<{html_label_text(term)}>]\n")
    return g
