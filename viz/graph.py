"""The computational graph as a Graphviz picture: a node per value, edges in the forward direction.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph()
>>> g = draw_graph(L)
>>> g.source.count(" -> ")                  # 11 forward edges, w1·x1 to L
11
>>> "not computed yet" in g.source          # before L.backward()
True
"""

from __future__ import annotations

import re

import graphviz
import numpy as np

from autograd_mini import Tensor, topo_order

from ._chain import Names, as_roots, chain_term, consumers, local_formula, needs_grad
from ._collapse import draw_collapsed
from ._format import fmt_array, fmt_number, html_label_text
from ._style import HIGHLIGHT, KIND_STYLE, grad_fill, new_digraph, node_kind

__all__ = ["draw_graph", "cluster_key"]

_LAYER = re.compile(r"\[?(\d+)\]?$")


def cluster_key(cluster, order: list) -> dict:
    """The cluster of every node: ``"layer"`` (the notes' layer index l of W1, b1, Z1, A1),
    ``"prefix"`` (the label up to the first ``.`` or ``_``) or a callable ``node -> str | None``.

    An unlabelled node joins the cluster of its first consumer, so ``W1 @ X`` sits with Z1.
    """
    if callable(cluster):
        own = cluster
    elif cluster == "layer":
        def own(node):
            found = _LAYER.search(str(node.label)) if node.label else None
            return f"layer {found.group(1)}" if found else None
    elif cluster == "prefix":
        def own(node):
            return re.split(r"[._]", str(node.label), maxsplit=1)[0] if node.label else None
    else:
        raise ValueError(f"cluster must be 'layer', 'prefix' or a callable node -> name; got {cluster!r}")
    used_by = consumers(order)
    key: dict = {}
    for node in reversed(order):
        mine = own(node)
        if mine is None and not node.label and used_by[node]:
            mine = key[used_by[node][0][0]]
        key[node] = mine
    return key


def _cells(values, precision: int) -> str:
    cells = fmt_array(values, precision)
    if isinstance(cells, str):
        return html_label_text(cells)
    rows = "".join("<TR>" + "".join(f'<TD ALIGN="RIGHT">{v}</TD>' for v in row) + "</TR>" for row in cells)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0">{rows}</TABLE>'


def _row(name: str, content: str) -> str:
    return f'<TR><TD ALIGN="LEFT"><FONT COLOR="#6b7280">{name}</FONT></TD><TD ALIGN="LEFT">{content}</TD></TR>'


def _label(node, symbol: str, grad_shown: bool, show_grads: bool, precision: int) -> str:
    is_tensor = isinstance(node, Tensor)
    head = f"<B>{html_label_text(symbol)}</B>" if node.label else f'<FONT COLOR="#6b7280">{html_label_text(symbol)}</FONT>'
    if is_tensor:
        head += f' <FONT POINT-SIZE="9">{node.data.shape}</FONT>'
    rows = [f'<TR><TD COLSPAN="2">{head}</TD></TR>']
    if node._op is not None:
        rows.append(_row("op", f"<I>{html_label_text(node._op.name)}</I>"))
    rows.append(_row("data", _cells(node.data, precision) if is_tensor else fmt_number(node.data, precision)))
    if show_grads:
        if not needs_grad(node):
            grad = "none (constant)"
        elif not grad_shown or node.grad is None:
            grad = '<FONT COLOR="#9ca3af"><I>not computed yet</I></FONT>'
        else:
            grad = _cells(node.grad, precision) if is_tensor else fmt_number(node.grad, precision)
        rows.append(_row("grad", grad))
    return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"


def _magnitude(node) -> float:
    g = node.grad
    if g is None:
        return 0.0
    return float(np.mean(np.abs(g))) if isinstance(g, np.ndarray) else abs(g)


def _edge_label(child, i: int, names: Names, precision: int) -> str:
    parent = child._parents[i]
    text = f"∂{names.symbol(child)}/∂{names.symbol(parent)} = {local_formula(child, i, names, precision)}"
    if not isinstance(child, Tensor):
        # for a scalar op, the vjp of g = 1 is the local derivative itself
        try:
            value = fmt_number(child._op.vjp(child, 1.0)[i], precision)
        except (ArithmeticError, ValueError):
            value = "undefined"
        if not text.endswith(f"= {value}"):
            text += f" = {value}"
    return html_label_text(text)


def draw_graph(roots, *, rankdir: str = "LR", show_grads: bool = True, edge_derivatives: bool = False,
               precision: int = 4, color_by_grad: bool = False, params=None, cluster=None,
               max_nodes: int = 500, title: str | None = None, highlight=None,
               grad_known=None) -> graphviz.Digraph:
    """Draw the graph of ``roots`` (one Value/Tensor or several) as a :class:`graphviz.Digraph`.

    Each node shows its label (the notes' symbol), data and grad (a Tensor: its shape and
    the matrix, or min/mean/max when large) and the op that made it; edges run forward,
    parent → result. Node ids are ``n<i>`` with ``i`` the topological position, so the same
    graph always gives the same DOT.

    * ``rankdir``: ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``;
    * ``show_grads``: show the grad row (before ``backward()`` it reads "not computed yet");
    * ``edge_derivatives``: label each edge with the local derivative the chain rule
      multiplies by, ∂z/∂w1 = x1 = 2 (for a Value the value is ``op.vjp(node, 1.0)[i]``);
    * ``precision``: significant digits; ``color_by_grad``: fill colour follows |grad|;
    * ``params``: the nodes to style as parameters (default: leaves named like w1, b, W2);
    * ``cluster``: group nodes in boxes by ``"layer"``, ``"prefix"`` or a callable;
    * ``max_nodes``: beyond it the picture collapses to one box per neuron, else per layer
      (or per ``cluster`` group) and its title says so;
    * ``highlight``: a node to outline (the step-through's current node); ``grad_known``:
      a predicate ``node -> bool`` saying whose gradient to show (default ``node.has_grad``).
    """
    roots = as_roots(roots)
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int; got {max_nodes!r}")
    order = topo_order(roots)
    names = Names(order, precision)
    keys = cluster_key(cluster, order) if cluster is not None else None
    if len(order) > max_nodes:
        return draw_collapsed(order, names, keys, max_nodes, rankdir=rankdir, precision=precision, title=title)
    known = grad_known or (lambda node: node.has_grad)
    g = new_digraph("computational_graph", rankdir, html_label_text(title) if title else None)
    scale = 0.0
    if color_by_grad:
        scale = max((_magnitude(n) for n in order if known(n) and needs_grad(n)), default=0.0)

    position = names.position
    node_lines: list[str] = []
    for i, node in enumerate(order):
        shown = known(node)
        fill, border = KIND_STYLE[node_kind(node, params)]
        if color_by_grad and shown and scale > 0 and needs_grad(node):
            fill = grad_fill(_magnitude(node) / scale)
        extra = f' penwidth=3 color="{HIGHLIGHT}"' if node is highlight else f' color="{border}"'
        label = _label(node, names.symbol(node), shown, show_grads, precision)
        node_lines.append(f'\tn{i} [label=<{label}> fillcolor="{fill}"{extra}]\n')

    if keys is None:
        g.body.extend(node_lines)
    else:
        members: dict = {}
        for i, node in enumerate(order):
            members.setdefault(keys[node], []).append(node_lines[i])
        for c, (key, lines) in enumerate(members.items()):
            if key is None:
                g.body.extend(lines)
                continue
            g.body.append(f'\tsubgraph cluster_{c} {{\n\t\tlabel=<{html_label_text(key)}> style="rounded,dashed" '
                          f'color="#9ca3af"\n')
            g.body.extend("\t" + line for line in lines)
            g.body.append("\t}\n")

    for j, child in enumerate(order):
        for i, parent in enumerate(child._parents):
            attrs = []
            if edge_derivatives:
                attrs.append(f"label=<{_edge_label(child, i, names, precision)}>")
            if highlight is not None and parent is highlight:
                # the step-through's current node: the term this edge passes back to it
                if not edge_derivatives:
                    term = chain_term(names.grad(child), local_formula(child, i, names, precision))
                    attrs.append(f'label=<{html_label_text(term)}> fontcolor="{HIGHLIGHT}"')
                attrs.append(f'color="{HIGHLIGHT}" penwidth=2')
            tail = f" [{' '.join(attrs)}]" if attrs else ""
            g.body.append(f"\tn{position[parent]} -> n{j}{tail}\n")
    return g
