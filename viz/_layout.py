"""A net laid out per layer: a column per layer, top to bottom inside it, the layers side by side.

Drawn left to right, a net of three layers is one strip ten nodes long; drawn top to bottom, a
tower. The page and a slide are wider than tall, so a net is cut where the notes count its layers:
each layer's W[l] A[l−1] → Z[l] → A[l] runs down its own column (a dashed box named "layer l"), the
columns stand left to right in the layers' order, and the edge A[l] → W[l+1] A[l] crosses to the next.
"""

from __future__ import annotations

import json
import re

from ._format import html_label_text
from ._graphviz import dot_id
from .render import _run_dot

__all__ = ["layer_columns", "column_body"]

PT_TO_PX = 4 / 3  # Graphviz writes sizes in points; a page shows them at their size in CSS pixels
_LAYER_DIGITS = re.compile(r"(\d+)$")
_COLUMN_GAP = 10  # points between two columns' (or rows') nodes: their boxes' margins and a gap


def layer_columns(view) -> dict | None:
    """The column of every node, or None for a graph of no dense layer or only one column (logistic regression).

    A dense layer's product W[l] A[l−1] opens a new column after its computed parents' (the first one,
    fed by data only, opens column 0); every other computed node joins its latest parent's column
    (column 0 when fed by data only, as a conv layer before the dense ones); W[l] and b[l] join their
    layer's; any other leaf (X, Y) joins its first consumer's.
    """
    if not view.layers:
        return None
    products = {layer.product: layer for layer in view.layers}
    column: dict = {}
    weights = {part for layer in view.layers for part in (layer.W, layer.b)}
    later: set = set()
    for node in view.order:
        if node._op is None:
            continue
        known = [column[p] for p in node._parents if p in column]
        if node in products:
            column[node] = max(known) + 1 if known else 0
            layer = products[node]
            column.setdefault(layer.W, column[node])
            column.setdefault(layer.b, column[node])
        elif known:
            column[node] = max(known)
        elif all(p in weights or p in later for p in node._parents):
            later.add(node)  # fed by parameters only (an L2 term's ‖W[l]‖²): beside W[l], once it is placed
        else:
            column[node] = 0  # fed by data only, as a conv layer before the dense ones
    for node in view.order:
        if node in later:
            column[node] = max((column[p] for p in node._parents if p in column), default=0)
    for node in reversed(view.order):
        if node not in column:
            uses = [column[c] for c, _ in view.used_by[node] if c in column]
            column[node] = min(uses) if uses else 0
    return column if len(set(column.values())) > 1 else None


def _cost_nodes(view) -> set:
    """The nodes of the cost rather than of a layer: every computed node that is no layer's part and feeds
    none (J, the cross-entropy CE, the L2 term R), and the leaves only they use (the labels Y)."""
    parts = {part for layer in view.layers for part in (layer.Z, layer.product, layer.W, layer.b, layer.A)
             if part is not None}
    feeds = set()  # the nodes a layer's part is computed from
    for node in reversed(view.order):
        if any(c in parts or c in feeds for c, _ in view.used_by[node]):
            feeds.add(node)
    cost = {node for node in view.order if node._op is not None and node not in parts and node not in feeds}
    return cost | {node for node in view.order if node._op is None and node not in parts and view.used_by[node]
                   and all(c in cost for c, _ in view.used_by[node])}


def column_body(view, column: dict, node_lines: list, edge_lines: list, spacing: dict, across: bool = True) -> tuple:
    """The DOT body: a cluster per column (named "layer l" after the dense layer it holds), every node
    pinned where ``dot`` put it when laying that column out on its own, the columns side by side in the
    layers' order with their tops level, and every edge, for ``neato`` to route around the pinned nodes.
    With ``across`` false each group is a row instead, drawn left to right, the rows one under the other
    (a conv layer's long chain over the dense layer after it).

    Laid out by ``dot`` together, the columns come out of order (dot moves a column to cross fewer edges)
    and share their rows (a tall W2 makes the row of A0 as tall), so each is laid out alone. Also returns
    the drawing's size in CSS px (width, height)."""
    names = {column[layer.product]: f"layer {layer.l}" for layer in view.layers if layer.l is not None}
    for W in view.filters:  # a conv layer's column is named after its filter bank W[l], as the notes count layers
        found = _LAYER_DIGITS.search(str(W.label or ""))
        for conv, _ in view.used_by[W]:
            names.setdefault(column[conv], f"layer {found.group(1)} (conv)" if found else "a conv layer")
    columns = sorted(set(column.values()))
    cost = _cost_nodes(view)
    members = {c: [node_lines[k] for k, node in enumerate(view.order) if column[node] == c and node not in cost]
               for c in columns}
    # the cost (and a regulariser over every layer's W) is no part of a layer: in its column, outside the box
    apart = {c: [node_lines[k] for k, node in enumerate(view.order) if column[node] == c and node in cost]
             for c in columns}

    def cluster(c: str, label: str, lines, outside=()) -> str:
        return (f'\tsubgraph cluster_{c} {{\n\t\tstyle="rounded,dashed" color="#9ca3af" margin=4{label}\n'
                + "".join(lines) + "\t}\n" + "".join(outside))

    ids = {node: node_lines[k].split(" [", 1)[0].strip() for k, node in enumerate(view.order)}
    inside = [(column[child], line) for child, parent, line in edge_lines if column[child] == column[parent]]
    if across:
        inside += _placement_hints(view, column, ids)
    for c in columns:  # under the layer's box, not beside it: invisible edges from the box to the cost's first nodes
        first = [n for n in view.order if column[n] == c and n in cost and not any(p in cost for p in n._parents)]
        boxed = [n for n in view.order if column[n] == c and n not in cost]
        inside += [(c, f"\t{ids[b]} -> {ids[n]} [style=invis]\n") for b in boxed for n in first[:1]]
        # and one under the other (Y, CE, R, J), so that the column grows no wider
        chain = [n for n in view.order if column[n] == c and n in cost]
        inside += [(c, f"\t{ids[a]} -> {ids[b]} [style=invis]\n") for a, b in zip(chain, chain[1:])]
    laid_out = []
    for c in columns:  # each column on its own, so a tall node in one leaves the others' rows alone
        body = cluster(c, f" label=<{html_label_text(names[c])}>" if c in names else "",
                       ["\t" + line for line in members[c]], apart[c])
        laid_out.append(json.loads(_run_dot(f"digraph column {{\n\tgraph [rankdir={'TB' if across else 'LR'} "
                                            f"nodesep={spacing['nodesep']} ranksep={spacing['ranksep']}]\n"
                                            '\tnode [shape=box fontname="DejaVu Sans" fontsize=11]\n' + body
                                            + "".join(line for k, line in inside if k == c) + "}\n",
                                            ["json"])["json"]))
    at, label_at, offset = {}, {}, 0.0
    extents = [_extent(laid) for laid in laid_out]
    for laid, (x0, y0, x1, y1) in zip(laid_out, extents):
        # across: left to right, their tops level (y = 0); else top to bottom (dot's y grows upwards), lefts level
        dx, dy = (offset - x0, -y1) if across else (-x0, -offset - y1)
        for o in laid.get("objects", []):
            if "pos" in o:
                at[dot_id(o["name"])] = _moved(o["pos"], dx, dy)
            if "lp" in o:
                label_at[o["name"]] = _moved(o["lp"], dx, dy)
        offset += (x1 - x0 if across else y1 - y0) + _COLUMN_GAP
    breadth = max((y1 - y0 if across else x1 - x0) for x0, y0, x1, y1 in extents)
    size = (offset - _COLUMN_GAP, breadth) if across else (breadth, offset - _COLUMN_GAP)

    def pinned(line: str, pos: str) -> str:
        x, y = (float(v) / 72 for v in pos.split(","))  # dot's points; neato reads inches
        return "\t" + line.rstrip()[:-1] + f' pos="{x:.4f},{y:.4f}!"]\n'

    body = []
    for c in columns:
        lines = [pinned(line, at[line.split(" [", 1)[0].strip()]) for line in members[c]]
        outside = [pinned(line, at[line.split(" [", 1)[0].strip()]) for line in apart[c]]
        if c in names:  # neato reserves no room for a cluster's label: it is a node, where dot put the label
            lines.append(pinned(f'\t{dot_id(names[c])} [label=<{html_label_text(names[c])}> shape=plaintext width=0 height=0 margin=0 '
                                f'style="" fontsize=12 fontcolor="#374151" tooltip="{names[c]}" id="layer_{c}"]',
                                label_at[f"cluster_{c}"]))
        body.append(cluster(c, "", lines, outside))
    body.extend(line for _, _, line in edge_lines)
    return body, (size[0] * PT_TO_PX, size[1] * PT_TO_PX)


def _extent(laid: dict) -> tuple:
    """The box (points) around a column's nodes and its label: what neato draws the column's box around."""
    boxes = []
    for o in laid.get("objects", []):
        if "pos" in o and "width" in o:
            x, y = (float(v) for v in o["pos"].split(","))
            w, h = float(o["width"]) * 36, float(o["height"]) * 36  # half the size, inches to points
            boxes.append((x - w, y - h, x + w, y + h))
        if "lp" in o:
            x, y = (float(v) for v in o["lp"].split(","))
            boxes.append((x, y - 8, x, y + 8))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _moved(pos: str, dx: float, dy: float) -> str:
    x, y = (float(v) for v in pos.split(","))
    return f"{x + dx},{y + dy}"


def _placement_hints(view, column: dict, ids: dict) -> list:
    """Invisible edges for the columns' layout only, so that a column is no wider than its widest matrix:
    a layer's data input A_prev (X, A0) sits above W[l] and b[l] rather than beside them, and data that a
    cost compares with (Y) sits between Z[L] and the cost rather than beside Z[L]."""
    lines = []  # (column, DOT line)
    for layer in view.layers:
        A_prev = layer.A_prev
        if A_prev._op is None and not A_prev.requires_grad and column.get(A_prev) == column.get(layer.Z):
            lines += [(column[A_prev], f"\t{ids[A_prev]} -> {ids[part]} [style=invis]\n") for part in (layer.W, layer.b)]
    for node in view.order:
        uses = view.used_by[node]
        if node._op is None and not node.requires_grad and node not in view.feeds and len(uses) == 1 \
                and uses[0][1] > 0 and column.get(uses[0][0]) == column.get(node):
            first = uses[0][0]._parents[0]
            lines.append((column[node], f"\t{ids[first]} -> {ids[node]} [style=invis]\n"))
    return lines
