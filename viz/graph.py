"""The computational graph as a Graphviz picture: a node per value, edges in the forward direction.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph()
>>> g = draw_graph(L)
>>> g.source.count(" -> ")                  # 8 forward edges: w1, x1, w2, x2, b → z → a; a, y → L
8
>>> "not computed yet" in g.source          # before L.backward()
True
"""

from __future__ import annotations

import html
import re

import graphviz
import numpy as np

from autograd_mini import Tensor

from ._chain import _ATOM, FUSED_COSTS, Names, activation_name, as_roots, consumers, forward_formula, fused_activation, \
    needs_grad
from ._collapse import draw_collapsed
from ._format import fmt_array, fmt_number, html_label_text, visible_text
from ._graphviz import auto_rankdir, dot_id, edge_label_kind, wrap
from ._rules import term
from ._style import KIND_STYLE, grad_fill, new_digraph, node_kind
from ._view import View

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


def _cells(values, precision: int, max_entries: int = 32, stacked: bool = False) -> str:
    cells = fmt_array(values, precision, max_entries)
    if isinstance(cells, str) and stacked:  # min, mean, max one under the other: a narrow node
        cells = [[word, number] for word, number in zip(cells.split()[::2], cells.split()[1::2])]
        rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT COLOR="#6b7280">{w}</FONT></TD>'
                       f'<TD ALIGN="RIGHT">{v}</TD></TR>' for w, v in cells)
        return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">{rows}</TABLE>'
    if isinstance(cells, str):
        return html_label_text(cells)
    rows = "".join("<TR>" + "".join(f'<TD ALIGN="RIGHT">{v}</TD>' for v in row) + "</TR>" for row in cells)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0">{rows}</TABLE>'


def _row(name: str, content: str, cell_id: str | None = None, tooltip: str = "") -> str:
    # an ID with an HREF makes Graphviz wrap the cell in <g id="a_ID">, which the step-through page toggles
    target = f' ID="{cell_id}" HREF="#" TOOLTIP="{_attribute(tooltip)}"' if cell_id else ""
    return (f'<TR><TD ALIGN="LEFT"><FONT COLOR="#6b7280">{name}</FONT></TD>'
            f'<TD ALIGN="LEFT"{target}>{content}</TD></TR>')


def _attribute(text: str) -> str:
    """Text for an attribute of an HTML-like label (a tooltip): escaped, line breaks as entities."""
    return html.escape(visible_text(text), quote=True).replace("\\", "\\\\").replace("\n", "&#10;")


def _full(values, precision: int) -> str:
    """Every entry, for a tooltip (cut past 1,500 characters)."""
    if not isinstance(values, np.ndarray):
        return fmt_number(values, precision)
    text = np.array2string(np.asarray(values), precision=precision, threshold=2000, max_line_width=100)
    return text if len(text) <= 1500 else text[:1500] + " …"


def _label(node, symbol: str, grad_shown: bool, show_grads: bool, precision: int, names: Names,
           ids: int | None = None) -> str:
    is_tensor = isinstance(node, Tensor)
    page = ids is not None
    # the page's nodes are narrow (3 digits, min/mean/max stacked) so a net fits the window
    precision = min(precision, 3) if page and is_tensor else precision
    head = f"<B>{html_label_text(symbol)}</B>" if node.label else f'<FONT COLOR="#4b5563">{html_label_text(symbol)}</FONT>'
    if is_tensor:
        head += f' <FONT POINT-SIZE="11">{node.data.shape}</FONT>'
    rows = [f'<TR><TD COLSPAN="2">{head}</TD></TR>']
    if node._op is not None and names.is_short(node):  # a short name says what it stands for
        for line in wrap(f"= {forward_formula(node, names, precision)}", 32):
            rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">{html_label_text(line)}</TD></TR>')
    elif node._op is not None and not (page and len(node._op.name) > 14):  # the page's frames say a long one
        rows.append(_row("op", f"<I>{html_label_text(node._op.name)}</I>"))
    # the page's nodes show up to 6 entries (min/mean/max beyond, every entry on hover, Tab and in the frame)
    entries = 6 if page else 32
    data = _cells(node.data, precision, entries, page) if is_tensor else fmt_number(node.data, precision)
    rows.append(_row("data", data, f"v{ids}" if page and node._op is not None else None,
                     f"{symbol} = {_full(node.data, precision)}" if page else ""))
    if isinstance(node._op, FUSED_COSTS):
        # the fused cost computes A[L] = g(Z[L]) inside: show it, named as the notes name it
        z = names.symbol(node._parents[0])
        a = activation_name(z) if page else f"{activation_name(z)} = {fused_activation(node._op)}({z})"
        rows.append(_row(html_label_text(a), _cells(node._op.A, precision, entries, page),
                         f"a{ids}" if page else None, f"{activation_name(z)} = {_full(node._op.A, precision)}"
                         if page else ""))
    if show_grads:
        if not needs_grad(node):
            grad = "none (data)"
        elif page:
            grad = _cells(node.grad, precision, entries, True) if is_tensor else fmt_number(node.grad, precision)
        elif not grad_shown or node.grad is None:
            grad = '<FONT COLOR="#6b7280"><I>not computed yet</I></FONT>'
        else:
            grad = _cells(node.grad, precision) if is_tensor else fmt_number(node.grad, precision)
        rows.append(_row("grad", grad, f"g{ids}" if page and needs_grad(node) else None,
                         f"{names.grad(node)} = {_full(node.grad, precision)}" if page and needs_grad(node) else ""))
    return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"


def _magnitude(node) -> float:
    g = node.grad
    if g is None:
        return 0.0
    return float(np.mean(np.abs(g))) if isinstance(g, np.ndarray) else abs(g)


def _partial(name: str) -> str:
    return name if _ATOM.match(name) else f"({name})"


def _edge_label(view, child, i: int) -> str:
    names, precision = view.names, view.precision
    parent = child._parents[i]
    local = term(view, child, i).local
    text = f"∂{_partial(names.symbol(child))}/∂{_partial(names.symbol(parent))} = {local}"
    if not isinstance(child, Tensor):
        # for a scalar op, the vjp of g = 1 is the local derivative itself
        try:
            value = fmt_number(child._op.vjp(child, 1.0)[i], precision)
        except (ArithmeticError, ValueError):
            value = "undefined"
        if not text.endswith(f"= {value}"):
            text += f" = {value}"
    return html_label_text(text)


def node_ids(view) -> dict:
    """Each node's DOT name: its name in the picture (Graphviz's hover title), told apart where two
    constants show the same number."""
    ids, taken = {}, set()
    for node in view.order:
        name = view.names.symbol(node)
        k = 1
        candidate = name
        while candidate in taken:
            k += 1
            candidate = f"{name} #{k}"
        taken.add(candidate)
        ids[node] = dot_id(candidate)
    return ids


def _tooltip(view, node) -> str:
    name = view.names.symbol(node)
    formula = forward_formula(node, view.names, view.precision) if node._op is not None else name
    text = name if formula == name else f"{name} = {formula}"
    return html.escape(visible_text(text), quote=True).replace("\\", "\\\\").replace("\n", "&#10;")


def draw_graph(roots, *, rankdir: str = "auto", show_grads: bool = True, edge_derivatives: bool = False,
               precision: int = 4, color_by_grad: bool = False, params=None, cluster=None,
               max_nodes: int = 500, title: str | None = None, _page: bool = False) -> graphviz.Digraph:
    """Draw the graph of ``roots`` (one Value/Tensor or several) as a :class:`graphviz.Digraph`.

    Each node shows its label (the notes' symbol), data and grad (a Tensor: its shape and
    the matrix entry by entry up to 32 entries, else min/mean/max) and the op that made it;
    edges run forward, parent → result. A node's DOT name is its name in the picture, which
    Graphviz shows as the hover title; hovering a node shows its formula.

    * ``rankdir``: ``"auto"`` (left to right unless that would be more than about twice as wide as
      tall, then top to bottom), ``"LR"``, ``"TB"``, ``"RL"`` or ``"BT"``;
    * ``show_grads``: show the grad row (before ``backward()`` it reads "not computed yet");
    * ``edge_derivatives``: label each edge with the local derivative the chain rule
      multiplies by, ∂z/∂w1 = x1 = 2 (for a Value the value is ``op.vjp(node, 1.0)[i]``);
    * ``precision``: significant digits; ``color_by_grad``: fill colour follows |grad|;
    * ``params``: the nodes to style as parameters (default: leaves named like w1, b, W2);
    * ``cluster``: group nodes in boxes by ``"layer"``, ``"prefix"`` or a callable;
    * ``max_nodes``: beyond it the picture collapses to one box per neuron, else per layer
      (or per ``cluster`` group) and its title says so.
    """
    roots = as_roots(roots)
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int; got {max_nodes!r}")
    view = View(roots, precision)
    order, names = view.order, view.names
    keys = cluster_key(cluster, order) if cluster is not None else None
    if len(order) > max_nodes:
        return draw_collapsed(order, names, keys, max_nodes, rankdir="LR" if rankdir == "auto" else rankdir,
                              precision=precision, title=title)
    if rankdir == "auto":  # the page's view is wide: there only a long chain goes top to bottom
        rankdir = auto_rankdir("auto", len(order), [(view.position[p], view.position[c])
                                                    for c in order for p in c._parents], 6 if _page else 2)
    g = new_digraph("computational_graph", rankdir, html_label_text(title) if title else None)
    if _page:
        g.graph_attr.update(nodesep="0.15", ranksep="0.2")
    scale = 0.0
    if color_by_grad:
        scale = max((_magnitude(n) for n in order if n.has_grad and needs_grad(n)), default=0.0)

    position = names.position
    ids = node_ids(view)
    node_lines: list[str] = []
    for i, node in enumerate(order):
        fill, border = KIND_STYLE[node_kind(node, params)]
        if color_by_grad and node.has_grad and scale > 0 and needs_grad(node):
            fill = grad_fill(_magnitude(node) / scale)
        label = _label(node, names.symbol(node), node.has_grad, show_grads, precision, names, i if _page else None)
        node_id = f' id="n{i}"' if _page else ""
        node_lines.append(f'\t{ids[node]} [label=<{label}> fillcolor="{fill}" color="{border}" '
                          f'tooltip="{_tooltip(view, node)}"{node_id}]\n')

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

    label_kind = edge_label_kind(g, len(order)) if edge_derivatives else "label"
    for j, child in enumerate(order):
        for i, parent in enumerate(child._parents):
            attrs = []
            if edge_derivatives and parent.requires_grad:  # no gradient flows into data: nothing to label
                attrs.append(f"{label_kind}=<{_edge_label(view, child, i)}>")
            if _page:
                attrs.append(f'id="e{position[parent]}_{j}_{i}"')
            tail = f" [{' '.join(attrs)}]" if attrs else ""
            g.body.append(f"\t{ids[parent]} -> {ids[child]}{tail}\n")
    return g
