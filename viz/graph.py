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
    named_by_formula, needs_grad
from ._collapse import draw_collapsed
from ._format import filter_grids, fmt_array, fmt_number, html_label_text, visible_text, wrapped_row
from ._graphviz import WRAP, auto_rankdir, dot_id, edge_label_kind, wrap
from ._layout import column_body, layer_columns
from ._rules import term
from ._style import KIND_STYLE, grad_fill, new_digraph, node_kind
from ._view import View

__all__ = ["draw_graph", "cluster_key"]

_LAYER = re.compile(r"\[?(\d+)\]?$")
_HEAD_FORMULA = 20  # a formula this short shares the name's line on a page's matrix node


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


def _cells(values, precision: int, max_entries: int = 32, stacked: bool = False, filters: bool = False) -> str:
    grids = filter_grids(values, precision, max_entries) if filters else None
    if grids:  # a filter bank: its f × f grids side by side under their names, as a teacher draws them
        gap = '<TD WIDTH="8"></TD>'
        pad = "&#160;" if stacked else ""
        head = gap.join(f'<TD COLSPAN="{len(rows[0])}" ALIGN="LEFT"><FONT COLOR="#6b7280">{title}</FONT></TD>'
                        for title, rows in grids)
        body = "".join("<TR>" + gap.join("".join(f'<TD ALIGN="RIGHT">{pad}{v}</TD>' for v in rows[r]) for _, rows in grids)
                       + "</TR>" for r in range(len(grids[0][1])))
        return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="{0 if stacked else 4}" CELLPADDING="0">'
                f"<TR>{head}</TR>{body}</TABLE>")
    cells = fmt_array(values, precision, max_entries)
    if isinstance(cells, str) and stacked:  # min, mean, max one under the other: a narrow node
        cells = [[word, number] for word, number in zip(cells.split()[::2], cells.split()[1::2])]
        rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT COLOR="#6b7280">{w}</FONT></TD>'
                       f'<TD ALIGN="RIGHT">{v}</TD></TR>' for w, v in cells)
        return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">{rows}</TABLE>'
    if isinstance(cells, str):
        return html_label_text(cells)
    if stacked:  # a long row wraps, as numpy prints it
        cells = wrapped_row(cells)
    if stacked:  # the page's matrices: rows close together, a space before each entry
        rows = "".join("<TR>" + "".join(f'<TD ALIGN="RIGHT">&#160;{v}</TD>' for v in row) + "</TR>" for row in cells)
        return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'
    rows = "".join("<TR>" + "".join(f'<TD ALIGN="RIGHT">{v}</TD>' for v in row) + "</TR>" for row in cells)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0">{rows}</TABLE>'


# the cell that opens the gradient beside a value: a rule on its left, so that the two matrices never read as one
_RULE = '<TD ALIGN="LEFT" BORDER="1" SIDES="L" COLOR="#6b7280" CELLPADDING="3">'


def _row(name: str, content: str, cell_id: str | None = None, tooltip: str = "") -> str:
    # an ID with an HREF makes Graphviz wrap the cell in <g id="a_ID">, which the step-through page toggles
    target = f' ID="{cell_id}" HREF="#" TOOLTIP="{_attribute(tooltip)}"' if cell_id else ""
    return (f'<TR><TD ALIGN="LEFT"><FONT COLOR="#6b7280">{name}</FONT></TD>'
            f'<TD ALIGN="LEFT"{target}>{content}</TD></TR>')


def _block(content: str, cell_id: str | None, tooltip: str) -> str:
    """A matrix across the node, without a caption beside it."""
    target = f' ID="{cell_id}" HREF="#" TOOLTIP="{_attribute(tooltip)}"' if cell_id else ""
    return f'<TR><TD COLSPAN="2" ALIGN="RIGHT"{target}>{content}</TD></TR>'


def _caption(text: str) -> str:
    return f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT COLOR="#6b7280">{html_label_text(text)}</FONT></TD></TR>'


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
           ids: int | None = None, side_by_side: int = 0, filters: bool = False, show_values: bool = True) -> str:
    """A node's HTML-like label; ``side_by_side`` (a page's net): in a matrix of up to that many columns the
    data and the gradient stand side by side (0: the column layout's captions are not used); ``filters``:
    a conv layer's filter bank, drawn as its f × f grids; without ``show_values`` a computed node shows no
    value (a practice sheet's graph: the learner computes them)."""
    is_tensor = isinstance(node, Tensor)
    page = ids is not None
    # the page's nodes are narrow (3 digits, min/mean/max stacked) so a net fits the window
    precision = min(precision, 3) if page and is_tensor else precision
    head = f"<B>{html_label_text(symbol)}</B>" if node.label else f'<FONT COLOR="#4b5563">{html_label_text(symbol)}</FONT>'
    formula = forward_formula(node, names, precision) if node._op is not None else ""
    heading = len(visible_text(symbol + formula))
    if page and is_tensor and formula and len(formula) <= _HEAD_FORMULA:  # a page's matrix: its formula on top
        if not named_by_formula(symbol, formula):  # Fᵀ says it once
            head += f"&#160;= {html_label_text(formula)}"
        formula = ""
    if is_tensor and np.ndim(node.data):  # a number (J) has no shape worth printing: "J ()" said nothing
        # in a net's column, a min/mean/max node is narrow: its shape goes under a long header
        under = side_by_side and np.size(node.data) > 32 and heading + len(str(node.data.shape)) > 20
        head += f'{"<BR/>" if under else " "}<FONT POINT-SIZE="11">{node.data.shape}</FONT>'
    rows = [f'<TR><TD COLSPAN="2">{head}</TD></TR>']
    # the formula as a teacher writes it, with the picture's names (σ(z), W1 A0 + b1), never the op's code name;
    # a name that is its formula (wᵀX) says it once, and the page's frames say a long one
    if formula and (names.is_short(node) or not (named_by_formula(symbol, formula) or page and len(formula) > 32)):
        for line in wrap(f"= {formula}", 32 if page else WRAP):
            rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">{html_label_text(line)}</TD></TR>')
    # up to 32 entries, every one is shown (min/mean/max beyond; every entry on hover, Tab and in the frame)
    entries = 32
    if not show_values and node._op is not None:
        return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"
    data = _cells(node.data, precision, entries, page, filters) if is_tensor else fmt_number(node.data, precision)
    rows.append(_row("data", data, f"v{ids}" if page and node._op is not None else None,
                     f"{symbol} = {_full(node.data, precision)}" if page else ""))
    if isinstance(node._op, FUSED_COSTS):
        # the fused cost computes A[L] = g(Z[L]) inside: show it, named as the notes name it
        z = names.symbol(node._parents[0])
        a = activation_name(z) if page else f"{activation_name(z)} = {fused_activation(node._op)}({z})"
        rows.append(_row(html_label_text(a), _cells(node._op.A, precision, entries, page),
                         f"a{ids}" if page else None, f"{activation_name(z)} = {_full(node._op.A, precision)}"
                         if page else ""))
    if side_by_side and page and is_tensor and show_grads and needs_grad(node) and np.ndim(node.data) \
            and _shown_columns(node.data, filters) <= side_by_side and len(rows) == 2:
        # a narrow array in a net's column (W1, b[l], a min/mean/max): data and grad side by side, so the
        # node is as short as its matrix
        grad = _cells(node.grad, precision, entries, True, filters)
        rows[0] = rows[0].replace('COLSPAN="2"', 'COLSPAN="3"')
        rows[1] = (_block(data, f"v{ids}" if node._op is not None else None,
                          f"{symbol} = {_full(node.data, precision)}")[:-len("</TR>")].replace(' COLSPAN="2"', "")
                   + _row(html_label_text(names.grad(node)), grad, f"g{ids}", f"{names.grad(node)} = "
                          f"{_full(node.grad, precision)}")[len("<TR>"):].replace(
                       '<TD ALIGN="LEFT">', _RULE, 1))
        return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"
    if side_by_side and page and is_tensor and show_grads and np.ndim(node.data) and len(rows) == 2:
        # an array in a net's column: the header names it, its entries under it, the gradient's symbol over
        # the gradient's entries (no caption column, so the node is as narrow as its matrix)
        rows[1] = _block(data, f"v{ids}" if node._op is not None else None, f"{symbol} = {_full(node.data, precision)}")
        if not needs_grad(node):
            rows.append(_caption("grad: none (data)"))
        else:
            rows.append(_caption(names.grad(node)))
            rows.append(_block(_cells(node.grad, precision, entries, True, filters), f"g{ids}",
                               f"{names.grad(node)} = {_full(node.grad, precision)}"))
        return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"
    if show_grads:
        if not needs_grad(node):
            grad = "none (data)"
        elif page:
            grad = _cells(node.grad, precision, entries, True, filters) if is_tensor else fmt_number(node.grad, precision)
        elif not grad_shown or node.grad is None:
            grad = '<FONT COLOR="#6b7280"><I>not computed yet</I></FONT>'
        else:
            grad = _cells(node.grad, precision, filters=filters) if is_tensor else fmt_number(node.grad, precision)
        rows.append(_row("grad", grad, f"g{ids}" if page and needs_grad(node) else None,
                         f"{names.grad(node)} = {_full(node.grad, precision)}" if page and needs_grad(node) else ""))
    return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>"


def _shown_columns(values, filters: bool = False) -> int:
    """How many columns a page's node shows of ``values``: its last axis (a filter bank: its grids' columns and
    the gaps between them), or 2 for min, mean, max."""
    if np.size(values) > 32:
        return 2
    shape = np.shape(values)
    return shape[1] * shape[2] * shape[3] + shape[2] * shape[3] - 1 if filters and len(shape) == 4 else shape[-1]


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
    text = name if named_by_formula(name, formula) else f"{name} = {formula}"
    return html.escape(visible_text(text), quote=True).replace("\\", "\\\\").replace("\n", "&#10;")


def draw_graph(roots, *, rankdir: str = "auto", show_grads: bool = True, edge_derivatives: bool = False,
               precision: int = 4, color_by_grad: bool = False, params=None, cluster=None,
               max_nodes: int = 500, title: str | None = None, show_values: bool = True, _page: bool = False,
               _view: tuple = (1372, 545), _note=None) -> graphviz.Digraph:
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
    * ``show_values``: False draws a computed node without its value (and, with ``show_grads=False``,
      the graph asks what a practice sheet asks: only the leaves' given numbers are drawn; a collapsed
      picture still sums up its boxes);
    * ``max_nodes``: beyond it the picture collapses to one box per neuron, else per layer
      (or per ``cluster`` group) and its title says so (``_note``, (why, advice): in the command line's words).
    """
    roots = as_roots(roots)
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int; got {max_nodes!r}")
    view = View(roots, precision)
    order, names = view.order, view.names
    keys = cluster_key(cluster, order) if cluster is not None else None
    if len(order) > max_nodes:
        why, advice = _note or (None, None)
        return draw_collapsed(order, names, keys, max_nodes, rankdir="LR" if rankdir == "auto" else rankdir,
                              precision=precision, title=title, advice=advice, why=why)
    columns = layer_columns(view) if rankdir == "auto" and keys is None else None
    if columns is not None:  # a net: a column per layer, the layers side by side
        rankdir = "TB"
    elif rankdir == "auto":  # the page's view is wide: there only a long chain goes top to bottom
        rankdir = auto_rankdir("auto", len(order), [(view.position[p], view.position[c])
                                                    for c in order for p in c._parents], 6 if _page else 2)
    g = new_digraph("computational_graph", rankdir, html_label_text(title) if title else None)
    if columns is not None:  # placed by dot column by column, then pinned; neato routes the edges
        g.graph_attr.update(layout="neato", splines="true", esep="+1")
    if _page:
        g.graph_attr.update(nodesep="0.15", ranksep="0.2")
    scale = 0.0
    if color_by_grad:
        scale = max((_magnitude(n) for n in order if n.has_grad and needs_grad(n)), default=0.0)

    position = names.position
    ids = node_ids(view)

    def node_lines_for(side: int) -> list:
        lines = []
        for i, node in enumerate(order):
            fill, border = KIND_STYLE[node_kind(node, params)]
            if color_by_grad and node.has_grad and scale > 0 and needs_grad(node):
                fill = grad_fill(_magnitude(node) / scale)
            label = _label(node, names.symbol(node), node.has_grad, show_grads, precision, names,
                           i if _page else None, side, node in view.filters, show_values)
            node_id = f' id="n{i}"' if _page else ""
            lines.append(f'\t{ids[node]} [label=<{label}> fillcolor="{fill}" color="{border}" '
                         f'tooltip="{_tooltip(view, node)}"{node_id}]\n')
        return lines

    node_lines = node_lines_for(0)
    if columns is None and keys is None:
        g.body.extend(node_lines)
    elif columns is None:
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
    edge_lines = []
    for j, child in enumerate(order):
        for i, parent in enumerate(child._parents):
            attrs = []
            if edge_derivatives and parent.requires_grad:  # no gradient flows into data: nothing to label
                attrs.append(f"{label_kind}=<{_edge_label(view, child, i)}>")
            if _page:
                attrs.append(f'id="e{position[parent]}_{j}_{i}"')
            tail = f" [{' '.join(attrs)}]" if attrs else ""
            edge_lines.append((child, parent, f"\t{ids[parent]} -> {ids[child]}{tail}\n"))
    if columns is not None and _page:
        # a page's net: its layers as columns or as rows (a conv layer's long chain), its matrices' data and
        # grad side by side or one over the other, whichever draws the text largest in the page's view
        # (``_view``, CSS px: the step-through page says how large it is on a 1400 × 900 window)
        fits = []
        for side in (1, 2, 32):
            lines = node_lines_for(side)
            for across in (True, False):
                body, (width, height) = column_body(view, columns, lines, edge_lines, g.graph_attr, across)
                fits.append((min(_view[0] / width, _view[1] / height), across, -side, body))
        g.body.extend(max(fits)[3])
    elif columns is not None:
        g.body.extend(column_body(view, columns, node_lines, edge_lines, g.graph_attr)[0])
    else:
        g.body.extend(line for _, _, line in edge_lines)
    return g
