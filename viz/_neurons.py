"""A collapsed scalar MLP on the step-through page, drawn as a teacher draws a net: a column of neurons
per layer, neuron 1 on top, under the layer's name; the inputs before the first layer, the loss after
the last, and the regulariser under the loss, with one arrow from each layer's frame (it reads every
weight and bias of the layer) rather than one from each neuron.

Graphviz's dot would reorder a layer's 16 neurons to cross fewer of the 256 arrows between two layers,
so the boxes are placed here, from the sizes dot gives them, and pinned for ``neato``, which draws
each arrow as a straight line, as in the course's pictures of a net.
"""

from __future__ import annotations

import json

from ._format import html_label_text
from ._graphviz import dot_id
from .render import _run_dot

__all__ = ["neuron_columns"]

_GAP_X = 60   # points between two columns: room for the arrows between two layers
_GAP_Y = 6    # points between two neurons of a column
_LABEL = 18   # points above a column for its layer's name


def neuron_columns(boxes, ids: dict, node_lines: dict, edges: dict, merged: dict) -> list:
    """The DOT body: every box of ``node_lines`` (box → DOT line declaring ``ids[box]``) pinned in its
    column, a frame named "layer l" around each layer, the arrows of ``edges`` ((from, to) → attributes)
    and, for the targets of ``merged`` ((box, target) → its layer's first box), one arrow from the
    layer's frame."""
    sizes = _sizes(node_lines)
    layered = [box for column in boxes.layers.values() for box in column]
    rest = [box for box in node_lines if box not in layered]
    targets = {target for _, target in merged}
    before = [box for box in rest if any(b in layered for a, b in edges if a == box)]
    after = [box for box in rest if box not in before and box not in targets]
    columns = [before] + [boxes.layers[l] for l in sorted(boxes.layers)] + [after]
    height = max(sum(sizes[box][1] + _GAP_Y for box in column) for column in columns) + _LABEL
    at, x, frames = {}, 0.0, []
    for k, column in enumerate(columns):
        if not column:
            continue
        width = max(sizes[box][0] for box in column)
        stack = sum(sizes[box][1] + _GAP_Y for box in column) - _GAP_Y
        y = _LABEL + (height - _LABEL - stack) / 2  # a column centred on the tallest
        for box in column:
            at[box] = (x + width / 2, y + sizes[box][1] / 2)
            y += sizes[box][1] + _GAP_Y
        if 0 < k < len(columns) - 1:
            frames.append((k, column, x + width / 2, at[column[0]][1] - sizes[column[0]][1] / 2 - _LABEL / 2,
                           y - _GAP_Y))
        x += width + _GAP_X
    last = max(at[box][0] for box in at)
    bottom = max(frame[4] for frame in frames)
    for box in sorted(targets, reverse=True):  # the regulariser: under the loss, level with the last neurons
        at[box] = (last, bottom - sizes[box][1] / 2)
        bottom -= sizes[box][1] + _GAP_Y
    body = []
    layers = sorted(boxes.layers)
    for k, column, cx, label_y, bottom in frames:
        l = layers[k - 1]
        lines = [_pinned(node_lines[box], at[box]) for box in column]
        lines.append(_pinned(f'\t{dot_id(f"layer {l}")} [label=<{html_label_text(f"layer {l}")}> shape=plaintext '
                             f'style="" width=0 height=0 margin=0 fontsize=12 fontcolor="#374151" '
                             f'tooltip="layer {l}" id="layer_{l}"]\n', (cx, label_y)))
        if any(merged.get((column[0], t)) == column[0] for t in targets):
            # where the arrow to the regulariser leaves the frame: it reads every weight and bias of the layer
            lines.append(_pinned(f'\t{dot_id(f"the weights and biases of layer {l}")} [shape=point width=0.01 height=0.01 '
                                 f'style=invis tooltip="the weights and biases of layer {l}"]\n', (cx, bottom + 10)))
        body.append(f'\tsubgraph cluster_layer{l} {{\n\t\tlabel="" style="rounded,dashed" color="#9ca3af" margin=4\n'
                    + "".join("\t" + line for line in lines) + "\t}\n")
    body += [_pinned(node_lines[box], at[box]) for box in node_lines if box not in layered]
    for (a, b), attrs in edges.items():
        first = merged.get((a, b))
        # an arrow leaves a box's side and enters the next column's box at its side, so that it crosses no box
        if at[a][0] == at[b][0]:
            ports = "tailport=n headport=s" if at[a][1] > at[b][1] else "tailport=s headport=n"
        else:
            ports = "tailport=e headport=w"
        if first is None:
            body.append(f"\t{ids[a]} -> {ids[b]} [{ports} {attrs}]\n")
        elif first == a:
            l = next(l for l, column in boxes.layers.items() if a in column)
            body.append(f'\t{dot_id(f"the weights and biases of layer {l}")} -> {ids[b]} [headport=w {attrs}]\n')
    return body


def _sizes(node_lines: dict) -> dict:
    """box → (width, height) in points, as dot sizes the box (dot reports the nodes in the order declared)."""
    laid = json.loads(_run_dot('digraph sizes {\n\tnode [shape=box style="rounded,filled" fontname="DejaVu Sans" '
                               'fontsize=11]\n' + "".join(node_lines.values()) + "}\n", ["json"])["json"])
    sizes = [(float(o["width"]) * 72, float(o["height"]) * 72) for o in laid.get("objects", [])]
    return dict(zip(node_lines, sizes))


def _pinned(line: str, pos: tuple) -> str:
    x, y = pos[0] / 72, -pos[1] / 72  # points from the top, down; neato reads inches, y up
    return "\t" + line.rstrip()[:-1] + f' pos="{x:.4f},{y:.4f}!"]\n'
