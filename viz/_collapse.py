"""Collapse a graph too large to read: one box per neuron, or per layer, or per cluster group.

A neuron is an activation node (tanh, sigmoid, relu, leaky_relu) together with every node
used only by it (its weighted sum, its weights and bias). Walking the graph from the root,
a node whose consumers all sit in one group joins that group; a node shared by several
groups (an input x, a neuron's output) stays a group of its own. A neuron's layer is one
more than the deepest neuron feeding it.
"""

from __future__ import annotations

from collections import Counter

import graphviz
import numpy as np

from ._chain import Names, consumers
from ._format import fmt_number, html_label_text
from ._style import KIND_STYLE, new_digraph

__all__ = ["neuron_groups", "layer_groups", "draw_collapsed"]

ACTIVATIONS = frozenset({"tanh", "sigmoid", "relu", "leaky_relu"})


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
        here = layer.get(rep, 0)
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


def _summary(value, precision: int) -> str:
    if value is None:
        return "none"
    if isinstance(value, np.ndarray):
        return f"mean {fmt_number(value.mean(), precision)}" if value.size else "empty"
    return fmt_number(value, precision)


def _captions(reps: dict, layer: dict, names: Names, keys: dict | None) -> dict:
    """A box's caption: the group's key, "layer 2, neuron 3 (tanh)", or the node's own name."""
    captions, count = {}, Counter()
    for gid, rep in reps.items():
        op = rep._op.name if rep._op is not None else None
        if keys and keys.get(rep) is not None:
            captions[gid] = str(keys[rep])
        elif keys is not None or op not in ACTIVATIONS:
            captions[gid] = names.symbol(rep) if op is None else f"{names.symbol(rep)} ({op})"
        else:
            count[layer[rep]] += 1
            captions[gid] = f"layer {layer[rep]}, neuron {count[layer[rep]]} ({op})"
    return captions


def draw_collapsed(order: list, names: Names, keys: dict | None, max_nodes: int, *, rankdir: str,
                   precision: int, title: str | None) -> graphviz.Digraph:
    """The collapsed picture; its title says how many nodes were folded into how many boxes."""
    used_by = consumers(order)
    group = neuron_groups(order, used_by, keys)
    layer = layer_groups(order, group, used_by)
    how = "per group" if keys else "per neuron"
    member_of = {node: id(group[node]) for node in order}
    reps = {id(group[node]): group[node] for node in order}
    captions = _captions(reps, layer, names, keys)
    if len(reps) > max_nodes:
        member_of = {node: layer[node] for node in order}
        reps = {}
        for node in order:  # the last node of a layer stands for it
            reps[layer[node]] = node
        captions = {l: f"layer {l}" for l in reps}
        how = "per layer"
    note = (f"{len(order):,} nodes exceed max_nodes={max_nodes}: drawn {how}, "
            f"{len(reps):,} boxes (raise max_nodes to see every node)")
    heading = html_label_text(f"{title}\n{note}" if title else note)
    g = new_digraph("computational_graph_collapsed", rankdir, heading)

    ops: dict = {gid: Counter() for gid in reps}
    sizes: Counter = Counter()
    for node in order:
        gid = member_of[node]
        sizes[gid] += 1
        ops[gid][node._op.name if node._op is not None else "leaf"] += 1
    box_id = {gid: f"g{i}" for i, gid in enumerate(reps)}
    fill, border = KIND_STYLE["intermediate"]
    for gid, rep in reps.items():
        counts = ", ".join(f"{n} {op}" for op, n in ops[gid].most_common())
        text = (f"{captions[gid]}\n{sizes[gid]} node{'s' if sizes[gid] > 1 else ''}: {counts}\n"
                f"out data {_summary(rep.data, precision)}  grad "
                f"{_summary(rep.grad, precision) if rep.has_grad else 'not computed yet'}")
        g.body.append(f'\t{box_id[gid]} [label=<{html_label_text(text)}> fillcolor="{fill}" color="{border}"]\n')

    edges: Counter = Counter()
    for node in order:
        for parent in node._parents:
            a, b = member_of[parent], member_of[node]
            if a != b:
                edges[(a, b)] += 1
    for (a, b), n in edges.items():
        label = f" [label=<{n} edges>]" if n > 1 else ""
        g.body.append(f"\t{box_id[a]} -> {box_id[b]}{label}\n")
    return g
