"""Collapse a graph too large to read: one box per neuron, per layer, per cluster group, or per stretch.

A scalar MLP (:mod:`viz._mlp` finds its neurons from the graph's shape) collapses to one box per
neuron shared by every example ("layer 2, neuron 5: a = relu(w·a[1] + b)"), its parameters
counted apart from its activations, beside a box for the inputs, one for the loss and one for the
regulariser, each with the formula it computes; past ``max_nodes`` boxes, one box per layer. On the
step-through page (:mod:`viz._neurons`) a box shows its name and formula, a column of neurons per layer
under the layer's name; its numbers are in its frames, on hover and under Tab.

Any other graph: a neuron is an activation node (tanh, sigmoid, relu, leaky_relu) together with every node
used only by it (its weighted sum, its weights and bias). Walking the graph from the root,
a node whose consumers all sit in one group joins that group; a node shared by several
groups (an input x, a neuron's output) stays a group of its own. A neuron's layer is one
more than the deepest neuron feeding it. A Tensor activation is a whole layer (Z1 → A1).
When the neurons are still too many, the picture is drawn per layer; when a graph has no
layers to speak of (a long chain of sums), it is cut into stretches of consecutive nodes, each captioned
with its formulas (``s58 = s57 + x``), laid out in rows like text, and an input every stretch uses (x)
gets a box of its own, so its gradient is never summed up with theirs.
Each box says what it holds, and sums up its outputs' values and gradients (min/mean/max).
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from dataclasses import dataclass

import graphviz
import numpy as np

from autograd_mini import Tensor

from ._chain import Names, consumers, forward_formula
from ._format import fmt_number, html_label_text, html_text
from ._graphviz import dot_id
from ._mlp import ACTIVATIONS, MLP, find_mlp
from ._neurons import neuron_columns
from ._style import KIND_STYLE, new_digraph
from .render import MAX_RENDER_NODES

__all__ = ["neuron_groups", "layer_groups", "Collapsed", "collapse", "draw_collapsed"]

#: a graph without layers is cut into at most this many stretches of consecutive nodes
STRETCHES = 24


def neuron_groups(order: list, used_by: dict, keys: dict | None = None) -> dict:
    """node → group representative (the neuron's activation node, or the node itself).

    With ``keys`` (a cluster key per node), a node with a key starts or joins that key's group.
    """
    group: dict = {}
    by_key: dict = {}
    for node in reversed(order):
        key = keys.get(node) if keys else None
        if key is not None:
            group[node] = by_key.setdefault(key, node)
            continue
        if node._op is not None and node._op.name in ACTIVATIONS and keys is None:
            group[node] = node
            continue
        targets = {id(group[c]): group[c] for c, _ in used_by[node]}
        group[node] = next(iter(targets.values())) if len(targets) == 1 else node
    return group


def layer_groups(order: list, group: dict, used_by: dict) -> dict:
    """node → layer index l, from the neuron groups.

    A neuron sits one layer after the deepest neuron feeding it; a leaf shared by several
    neurons (an input x, a weight used for every example) joins the first layer that reads it.
    """
    layer: dict = {}
    for node in order:  # a group's members all precede its representative
        rep = group[node]
        here = layer.get(rep, 1 if rep._op is not None and rep._op.name in ACTIVATIONS else 0)
        for parent in node._parents:
            prep = group[parent]
            if prep is not rep:
                step = 1 if rep._op is not None and rep._op.name in ACTIVATIONS else 0
                here = max(here, layer.get(prep, 0) + step)
        layer[rep] = here
    for node in order:
        if group[node] is node and node._op is None and used_by[node]:
            layer[node] = min(layer[group[c]] for c, _ in used_by[node])
    return {node: layer[group[node]] for node in order}


@dataclass
class Collapsed:
    """The boxes of a collapsed graph: which box each node is in, each box's caption and outputs."""

    how: str            # "per neuron", "per group", "per layer" or "per stretch"
    box_of: dict        # node -> box index (0, 1, …, in the order the forward pass completes them)
    captions: list      # box index -> caption
    members: list       # box index -> its nodes, in topological order
    outputs: list       # box index -> the nodes whose values leave the box (or its last node)
    layers: dict        # layer l -> its neuron boxes, neuron 1 first (per neuron only)
    details: list = None  # box index -> lines under the caption (what it holds, what its symbols mean)
    values: list = None   # box index -> (what, its gradient's name, nodes): the values it sums up
    edge_counts: bool = True  # label an arrow with how many edges it stands for (an MLP's: one per example)
    in_layer: dict = None  # box index -> its caption inside its layer's frame ("neuron 5: a = relu(w·a[1] + b)")


def _ordered_boxes(order: list, key_of: dict) -> dict:
    """Box indices 0, 1, … in the order the forward pass completes each box (its last node)."""
    last = {}
    for i, node in enumerate(order):
        last[key_of[node]] = i
    return {key: k for k, key in enumerate(sorted(last, key=last.get))}


def _neuron_caption(rep, layer: int, number: int, names: Names) -> str:
    op = rep._op.name
    if isinstance(rep, Tensor):  # a Tensor activation is a whole layer: name it by its nodes
        return f"layer {layer}: {names.symbol(rep)} = {op}({names.symbol(rep._parents[0])})"
    return f"layer {layer}, neuron {number} ({op})"


def collapse(order: list, names: Names, keys: dict | None, max_nodes: int) -> Collapsed:
    """Group ``order`` into at most about ``max_nodes`` boxes (see the module docstring)."""
    used_by = consumers(order)
    net = find_mlp(order, used_by) if keys is None else None
    if net is not None:
        return _collapse_mlp(order, names, net, used_by, max_nodes)
    group = neuron_groups(order, used_by, keys)
    layer = layer_groups(order, group, used_by)
    reps = {id(group[node]): group[node] for node in order}
    how = "per group" if keys else "per neuron"
    key_of = {node: id(group[node]) for node in order}
    if len(reps) > max_nodes:
        # a layer's neurons (with the leaves they read) in one box; what comes after a layer and is
        # no neuron (the loss, a regularizer) in a box of its own
        def layer_key(node):
            rep = group[node]
            neuron = rep._op is None or rep._op.name in ACTIVATIONS
            return ("layer" if neuron else "after", layer[node])
        how, key_of = "per layer", {node: layer_key(node) for node in order}
    if len(set(key_of.values())) < 3 and len(order) > 2 * STRETCHES and how != "per group":
        # no layers to speak of (a chain of sums is one box): stretches of consecutive nodes
        return _collapse_chain(order, names, used_by, max_nodes)
    index = _ordered_boxes(order, key_of)
    box_of = {node: index[key_of[node]] for node in order}
    members: list = [[] for _ in index]
    for node in order:
        members[box_of[node]].append(node)
    outputs = []
    for box, nodes in enumerate(members):
        leaving = [n for n in nodes if not used_by[n] or any(box_of[c] != box for c, _ in used_by[n])]
        outputs.append(leaving or nodes[-1:])
    captions = []
    neuron_number: Counter = Counter()
    layers: dict = {}
    for box, nodes in enumerate(members):
        key = key_of[nodes[0]]
        if how == "per layer" and key[0] == "layer":
            captions.append(f"layer {key[1]}")
        elif how == "per layer":
            captions.append("the loss" if order[-1] in nodes else f"after layer {key[1]}")
        else:
            rep = reps[key]
            if keys and keys.get(rep) is not None:
                captions.append(str(keys[rep]))
            elif rep._op is not None and rep._op.name in ACTIVATIONS and keys is None:
                neuron_number[layer[rep]] += 1  # boxes go in forward order, so neurons count 1..n
                captions.append(_neuron_caption(rep, layer[rep], neuron_number[layer[rep]], names))
                layers.setdefault(layer[rep], []).append(box)
            else:
                op = rep._op.name if rep._op is not None else None
                captions.append(names.symbol(rep) if op is None else f"{names.symbol(rep)} ({op})")
    values = [[(what, "grad", outs)] for outs in outputs
              for what in ["out" if len(outs) == 1 else f"{len(outs)} outputs"]]
    details = [[f"{len(nodes):,} node{'s' if len(nodes) > 1 else ''}: {_op_counts(nodes)}"] for nodes in members]
    return Collapsed(how, box_of, captions, members, outputs, layers, details, values)


def _collapse_chain(order: list, names: Names, used_by: dict, max_nodes: int) -> Collapsed:
    """Stretches of consecutive nodes, each captioned with its formulas (``s58 = s57 + x``: s58 is what
    node 58 computes), and a box of its own for each input that several stretches use (x of x + x + …),
    so that its gradient, the sum of every term it gets, is never summed up with a stretch's."""
    chain = [n for n in order if n._op is not None or len(used_by[n]) < 2]
    size = -(-len(chain) // min(STRETCHES, max_nodes))
    stretch = {node: i // size for i, node in enumerate(chain)}
    key_of = {node: ("stretch", stretch[node]) if node in stretch else ("input", names.position[node])
              for node in order}
    index = _ordered_boxes(order, key_of)
    box_of = {node: index[key_of[node]] for node in order}
    members: list = [[] for _ in index]
    for node in order:
        members[box_of[node]].append(node)

    def name(node):  # an unlabelled node by its number in the forward pass, so that a stretch reads as a chain
        return names.symbol(node) if node.label or node._op is None else f"s{names.position[node] + 1}"

    def grad(node):
        return names.grad(node) if node.label or node._op is None else f"d{name(node)}"

    captions, details, values = [], [], []
    inputs = 0
    for nodes in members:
        if key_of[nodes[0]][0] == "input":
            (leaf,) = nodes
            inputs += 1
            uses, users = len(used_by[leaf]), len({id(c) for c, _ in used_by[leaf]})
            captions.append(f"the input {name(leaf)}")
            details.append([f"used {uses:,} times, by {users:,} nodes: {grad(leaf)} is the sum of the {uses:,} terms "
                            "they pass back"])
            values.append([(name(leaf), grad(leaf), [leaf])])
            continue
        computed = [n for n in nodes if n._op is not None]
        formulas = [f"{name(n)} = {forward_formula(n, names, symbol=name)}" for n in computed]
        captions.append(", ".join(formulas) if len(formulas) <= 3 else f"{formulas[0]} … {formulas[-1]}")
        first, last = names.position[nodes[0]] + 1, names.position[nodes[-1]] + 1
        details.append([f"nodes {first:,}–{last:,} of {len(order):,}: {_op_counts(nodes)}"]
                       + ["sk: what node k computes"] * (len(captions) == 1 + inputs))  # said on the first stretch
        shown = [(name(n), grad(n), [n]) for n in nodes if n.label or n._op is not None]
        if len(shown) > 3:  # the first and the last, the ones between summed up
            between = (f"{shown[1][0]} … {shown[-2][0]}", f"{shown[1][1]} … {shown[-2][1]}",
                       [n for _, _, (n,) in shown[1:-1]])
            shown = [shown[0], between, shown[-1]]
        values.append(shown)
    outputs = [[n for n in nodes if not used_by[n] or any(box_of[c] != box for c, _ in used_by[n])] or nodes[-1:]
               for box, nodes in enumerate(members)]
    return Collapsed("per stretch", box_of, captions, members, outputs, {}, details, values)


def _op_counts(nodes: list) -> str:
    ops = Counter(node._op.name if node._op is not None else "leaf" for node in nodes)
    return ", ".join(f"{n} {op}" for op, n in ops.most_common())


def _collapse_mlp(order: list, names: Names, net: MLP, used_by: dict, max_nodes: int) -> Collapsed:
    """One box per neuron (or per layer past ``max_nodes`` boxes), the inputs, the loss, the regulariser."""
    def part_key(node):
        neuron = net.neuron_of.get(node)
        return ("neuron", neuron.layer, neuron.number) if neuron is not None else (net.part[node],)

    key_of = {node: part_key(node) for node in order}
    how = "per neuron"
    if len(set(key_of.values())) > max_nodes:
        how = "per layer"
        key_of = {node: key[:2] if key[0] == "neuron" else key for node, key in key_of.items()}
    index = _ordered_boxes(order, key_of)
    box_of = {node: index[key_of[node]] for node in order}
    members: list = [[] for _ in index]
    for node in order:
        members[box_of[node]].append(node)
    by_layer: dict = {}
    for neuron in net.neurons:
        by_layer.setdefault(neuron.layer, []).append(neuron)
    m = net.examples
    shared = f"shared by the {m} examples" if m > 1 else "for the one example"
    captions, details, values, outputs = [], [], [], []
    layers: dict = {}
    in_layer: dict = {}
    for box, nodes in enumerate(members):
        key = key_of[nodes[0]]
        if key[0] == "neuron" and how == "per neuron":
            neuron = net.neuron_of[nodes[0]]
            out = "a" if neuron.g else "z"
            captions.append(f"layer {neuron.layer}, neuron {neuron.number}: {neuron.formula()}")
            in_layer[box] = f"neuron {neuron.number}: {neuron.formula()}"
            details.append([f"{neuron.counts()} (its parameters), {shared}"])
            values.append([(f"{out} ({m} example{'s' if m > 1 else ''})", f"d{out}", neuron.outputs),
                           (", ".join(("w", "b")[:1 + (neuron.bias is not None)]),
                            ", ".join(("dw", "db")[:1 + (neuron.bias is not None)]), neuron.params)])
            outputs.append(neuron.outputs)
            layers.setdefault(neuron.layer, []).append(box)
        elif key[0] == "neuron":
            neurons = by_layer[key[1]]
            l, first = key[1], neurons[0]
            out = "A" if first.g else "Z"
            source = "X" if l == 1 else f"A[{l - 1}]"
            z = f"W[{l}] {source}" + (f" + b[{l}]" if first.bias is not None else "")
            formula = f"A[{l}] = {first.g}({z})" if first.g else f"Z[{l}] = {z}"
            params = [p for n in neurons for p in n.params]
            captions.append(f"layer {l}: {formula}")
            details.append([f"{len(neurons)} neuron{'s' if len(neurons) > 1 else ''}, {len(params)} parameters, {shared}"])
            acts = [o for n in neurons for o in n.outputs]
            values.append([(f"{out}[{l}] ({len(acts)} entries)", f"d{out}[{l}]", acts),
                           (f"W[{l}], b[{l}]" if first.bias is not None else f"W[{l}]",
                            f"dW[{l}], db[{l}]" if first.bias is not None else f"dW[{l}]", params)])
            outputs.append(acts)
        elif key[0] == "inputs":
            leaves = [n for n in nodes if n.op is None]
            captions.append("the inputs x")
            per = len(leaves) // m if m and len(leaves) % m == 0 else None
            details.append([f"{per} per example, {m} examples" if per and m > 1 else f"{len(leaves)} numbers"])
            values.append([("x", "dx", leaves)])
            outputs.append(leaves)
        else:
            root = net.reg_root if key[0] == "reg" else net.loss_root
            if root is None or root not in nodes:
                root = nodes[-1]
            formula = net.box_formula(root, root.label or "J")  # an unlabelled cost is the notes' J
            head = formula.split(" = ")[0]
            captions.append(f"the {'regulariser' if key[0] == 'reg' else 'loss'}: {formula}")
            lines = net.box_where()
            if "p²" in formula:
                lines.append(f"p: each of the {net.n_params} parameters")
            details.append(lines)
            values.append([(head, f"d{head}", [root])])
            outputs.append([root])
    return Collapsed(how, box_of, captions, members, outputs, layers, details, values, edge_counts=False,
                     in_layer=in_layer)


def _summary(values: list, precision: int) -> str:
    """One number, or min/mean/max over every entry of several values."""
    values = [v for v in values if v is not None]
    if not values:
        return "none"
    flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values])
    if flat.size == 1:
        return fmt_number(flat[0], precision)
    return (f"min {fmt_number(flat.min(), precision)}  mean {fmt_number(flat.mean(), precision)}  "
            f"max {fmt_number(flat.max(), precision)}")


def box_texts(boxes: Collapsed, box: int, precision: int, hide_unknown: bool = False) -> tuple:
    """(what the box holds, its values, their gradients) as text; ``hide_unknown``: a gradient
    backward() has not computed yet reads so."""
    held = "\n".join([boxes.captions[box], *boxes.details[box]])
    data, grad = [], []
    for what, dname, nodes in boxes.values[box]:
        old_style = dname == "grad"  # "out data …", "out grad …"
        data.append(f"{what}{' data' if old_style else ':'} {_summary([n.data for n in nodes], precision)}")
        label = f"{what} grad" if old_style else f"{dname}:"
        grads = [n.grad for n in nodes if n.requires_grad]
        if not grads:
            grad.append(f"{label} none (data)")
        elif hide_unknown and not any(n.has_grad for n in nodes):
            grad.append(f"{label} not computed yet")
        else:
            grad.append(f"{label} {_summary(grads, precision)}")
    return held, "\n".join(data), "\n".join(grad)


def every_node(nodes: int, call: str) -> str:
    """How to see every node of a graph of ``nodes`` nodes, where that works: ``call`` (such as
    "draw_graph(…, max_nodes=5,432)"), or, past the render cap, that this view is the one to read."""
    if nodes <= MAX_RENDER_NODES:
        return f"{call} draws every node"
    return (f"drawing all {nodes:,} nodes is past the render cap of {MAX_RENDER_NODES:,} nodes that Graphviz lays "
            "out in a few seconds, so this view is the one to read")


def draw_collapsed(order: list, names: Names, keys: dict | None, max_nodes: int, *, rankdir: str,
                   precision: int, title: str | None, _page: bool = False, advice: str | None = None,
                   why: str | None = None) -> graphviz.Digraph:
    """The collapsed picture; its title says why it is collapsed (``why``: the node count past
    ``max_nodes`` by default), how many nodes were folded into how many boxes and how to see every node
    (``advice``; draw_graph's by default)."""
    boxes = collapse(order, names, keys, max_nodes)
    count = len(boxes.members)
    advice = advice or every_node(len(order), f"draw_graph(…, max_nodes={len(order)})")
    why = why or f"{len(order):,} nodes exceed max_nodes={max_nodes}"
    note = f"{why}: drawn {boxes.how}, {count:,} box{'es' if count != 1 else ''} ({advice})"
    if _page:  # the page's title is a paragraph, not one line as wide as the whole drawing
        if boxes.how == "per stretch":  # many small boxes of formulas: how to read them
            note += (". Zoom in (+, the wheel or a pinch) to read the boxes: with follow on, each frame pans to its "
                     "box, and its text says what the box computes")
        note = "\n".join(textwrap.wrap(note, 140))
    g = new_digraph("computational_graph_collapsed", rankdir, html_label_text(f"{title}\n{note}" if title else note))
    fill, border = KIND_STYLE["intermediate"]
    ids = _box_ids(boxes)
    framed = _page and boxes.in_layer
    lines = {}
    for box in range(count):
        held, data, grad = box_texts(boxes, box, precision, hide_unknown=not _page)
        if _page:  # the page: a box's name and formula; its numbers are in its frames and on hover and Tab
            name = boxes.in_layer.get(box, boxes.captions[box]) if framed else boxes.captions[box]
            wrapped = name.split(", ") if boxes.how == "per stretch" else textwrap.wrap(name, 44)  # a formula a line
            label = html_label_text("\n".join(wrapped))
            lines[box] = (f'\t{ids[box]} [label=<{label}> tooltip="{html_text(held)}" fillcolor="{fill}" '
                          f'color="{border}" height=0.25 margin="0.08,0.03" id="n{box}"]\n')
        else:
            if boxes.how == "per stretch":  # a formula a line, as on the page
                held = held.replace(", ", "\n", boxes.captions[box].count(", "))
            lines[box] = (f'\t{ids[box]} [label=<{html_label_text(chr(10).join((held, data, grad)))}> '
                          f'fillcolor="{fill}" color="{border}"]\n')
    edges = {}
    for (a, b), n in box_edges(order, boxes).items():
        attrs = [f"label=<{n} edges>"] if n > 1 and boxes.edge_counts else []
        if _page:
            attrs.append(f'id="e{a}_{b}_0"')
        edges[(a, b)] = " ".join(attrs)
    if framed:  # a net drawn as a teacher draws one: a column of neurons per layer, pinned for neato
        g.graph_attr.update(layout="neato", splines="line")
        g.body.extend(neuron_columns(boxes, ids, lines, edges, _from_frames(boxes, edges)))
        return g
    g.body.extend(lines.values())
    if boxes.how == "per stretch":
        g.graph_attr["rankdir"] = "TB"
        g.body.extend(_rows(boxes, ids, edges))
    for column in boxes.layers.values():
        if len(column) > 1:  # a layer's neurons side by side, 1 to n, as the picture numbers them
            chain = " -> ".join(ids[box] for box in column)
            g.body.append(f"\t{{rank=same; {chain} [style=invis]}}\n")
    if not boxes.edge_counts and not _page:  # an MLP's arrows from every neuron to the next layer's: merged
        g.graph_attr["concentrate"] = "true"
    g.body.extend(f"\t{ids[a]} -> {ids[b]}" + (f" [{attrs}]" if attrs else "") + "\n" for (a, b), attrs in edges.items())
    return g


def _rows(boxes: Collapsed, ids: list, edges: dict) -> list:
    """Stretches in rows read left to right, line by line, like text (top to bottom, each row's first
    box under the one above); an arrow to the next row or from a shared input does not pull boxes
    out of their row. Returns the rows' DOT lines; ``edges``' attributes are updated."""
    chain = [box for box in range(len(boxes.members)) if any(n._op is not None for n in boxes.members[box])]
    per_row = math.ceil(math.sqrt(1.2 * len(chain)))
    rows = [chain[start:start + per_row] for start in range(0, len(chain), per_row)]
    row_of = {box: r for r, row in enumerate(rows) for box in row}
    for (a, b), attrs in edges.items():
        if a not in row_of or row_of[a] != row_of[b]:
            edges[(a, b)] = " ".join(filter(None, (attrs, "constraint=false" if a in row_of else "weight=0")))
    out = [f"\t{{rank=same; {'; '.join(ids[box] for box in row)}}}\n" for row in rows]
    out += [f"\t{ids[above[0]]} -> {ids[below[0]]} [style=invis weight=10]\n" for above, below in zip(rows, rows[1:])]
    return out


def _box_ids(boxes: Collapsed) -> list:
    """Each box's DOT name: its caption (Graphviz's hover title), never an internal number."""
    ids, taken = [], set()
    for caption in boxes.captions:
        name, k = caption, 1
        while name in taken:
            k += 1
            name = f"{caption} #{k}"
        taken.add(name)
        ids.append(dot_id(name))
    return ids


def _from_frames(boxes: Collapsed, edges) -> dict:
    """(box, target) → the layer's first box, for a target outside the layers that every box of a layer
    feeds (the regulariser reads every parameter): drawn as one arrow from the layer's frame."""
    merged = {}
    inside = {box for column in boxes.layers.values() for box in column}
    for column in boxes.layers.values():
        if len(column) == 1:
            continue
        for target in {b for a, b in edges if a == column[0] and b not in inside}:
            if all((a, target) in edges for a in column):
                merged.update({(a, target): column[0] for a in column})
    return merged


def box_edges(order: list, boxes: Collapsed) -> Counter:
    """(from box, to box) → how many graph edges run between them."""
    edges: Counter = Counter()
    for node in order:
        for parent in node._parents:
            a, b = boxes.box_of[parent], boxes.box_of[node]
            if a != b:
                edges[(a, b)] += 1
    return edges
