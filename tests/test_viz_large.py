"""Large graphs stay readable: per-neuron and per-layer collapse, clusters, named groups."""

import re

import numpy as np

from autograd_mini import Value, topo_order
from viz import draw_graph
from viz_nets import deep_net_cost, scalar_mlp

BOX = re.compile(r"^\tg(\d+) \[label=<([^<]*)<BR/>", re.M)
EDGE = re.compile(r"^\tg(\d+) -> g(\d+)", re.M)


def test_a_scalar_mlp_over_max_nodes_is_drawn_per_neuron_and_says_so():
    L = scalar_mlp((2, 4, 4, 1))
    n = len(topo_order([L]))
    assert n == 107
    src = draw_graph(L, max_nodes=50).source
    assert f"{n} nodes exceed max_nodes=50: drawn per neuron, 12 boxes" in src
    captions = [c for _, c in BOX.findall(src)]
    # 4 + 4 + 1 neurons, the 2 inputs x (each read by 4 neurons) and the loss (a - y)²
    assert sum("neuron" in c for c in captions) == 9 and len(captions) == 12
    assert sorted(c for c in captions if c.startswith("layer 1")) == [f"layer 1, neuron {j} (tanh)" for j in range(1, 5)]
    assert "layer 3, neuron 1 (sigmoid)" in captions
    assert len(EDGE.findall(src)) == 2 * 4 + 4 * 4 + 4 + 1
    assert "not computed yet" in src


def test_beyond_the_neurons_the_picture_is_drawn_per_layer():
    L = scalar_mlp((2, 16, 16, 1), m=4)
    L.backward()
    src = draw_graph(L, max_nodes=20).source
    assert "drawn per layer, 4 boxes" in src
    boxes = dict(BOX.findall(src))
    assert list(boxes.values()) == ["layer 1", "layer 2", "layer 3", "the loss"]  # the loss is no layer
    by_name = {caption: box for box, caption in boxes.items()}
    edges = set(EDGE.findall(src))
    assert edges == {(by_name["layer 1"], by_name["layer 2"]), (by_name["layer 2"], by_name["layer 3"]),
                     (by_name["layer 3"], by_name["the loss"])}
    assert "<1024 edges>" in src  # layer 1 → layer 2: 16·16 products for each of 4 examples
    assert "not computed yet" not in src


def test_under_max_nodes_every_node_is_drawn():
    L = scalar_mlp((2, 4, 4, 1))
    src = draw_graph(L).source  # default max_nodes=500
    assert len(re.findall(r"^\t\"[^\"]+\" \[label", src, re.M)) == 107 and "exceed" not in src


def test_collapse_by_named_groups():
    L = scalar_mlp((2, 3, 1))
    order = topo_order([L])
    for node in order:  # name the activations: every other node joins the group it feeds
        if node.op is not None and node.op.name in ("tanh", "sigmoid"):
            node.label = "out.a" if node.op.name == "sigmoid" else "hidden.a"
    src = draw_graph(L, cluster="prefix", max_nodes=10).source
    assert "drawn per group" in src
    captions = [c for _, c in BOX.findall(src)]
    assert captions == ["hidden", "out", "(out.a - x3)^2 (**)"]  # the two named groups and the loss, in order


def test_neurons_are_numbered_1_to_n_in_forward_order():
    L = scalar_mlp((2, 16, 16, 1))
    src = draw_graph(L, max_nodes=60).source
    captions = [c for _, c in BOX.findall(src)]
    layer1 = [c for c in captions if c.startswith("layer 1,")]
    assert layer1 == [f"layer 1, neuron {j} (tanh)" for j in range(1, 17)]
    assert [c for c in captions if c.startswith("layer 2,")] == [f"layer 2, neuron {j} (tanh)" for j in range(1, 17)]
    # and they are drawn in that order, neuron 1 first: an invisible chain keeps them so
    box_of = {c: box for box, c in BOX.findall(src)}
    chain = " -> ".join(f"g{box_of[c]}" for c in layer1)
    assert f"{{rank=same; {chain} [style=invis]}}" in src


def test_a_layer_box_sums_up_all_its_outputs():
    L = scalar_mlp((2, 16, 16, 1), m=4)
    L.backward()
    order = topo_order([L])
    src = draw_graph(L, max_nodes=20).source
    layer1 = re.search(r"label=<layer 1<BR/>(.*?)> fillcolor", src).group(1)
    # layer 1's outputs: the tanh of its 16 neurons for each of the 4 examples, the ones layer 2 reads
    outs = np.array([n.data for n in order if n.op is not None and n.op.name == "tanh"
                     and any(p.op is not None and p.op.name == "*" and p.parents[0].op is None
                             and p.parents[1].op is None for p in n.parents[0].parents[1:2])])
    assert layer1.count("64 outputs data") == 1
    # the box's min/max are those of every tanh output of layer 1, not one neuron's value
    assert f"max {outs.max():.4g}" in layer1 and f"min {outs.min():.4g}" in layer1


def test_a_tensor_layer_is_named_by_its_nodes():
    J, _ = deep_net_cost()
    J.backward()
    src = draw_graph(J, max_nodes=8).source
    captions = [c for _, c in BOX.findall(src)]
    assert "layer 1: A1 = relu(Z1)" in captions and "layer 2: A2 = relu(Z2)" in captions
    assert not any("neuron" in c for c in captions)


def test_a_long_chain_collapses_into_a_readable_number_of_stretches():
    x = Value(1.0, label="x")
    total = x
    for _ in range(6000):
        total = total + x
    src = draw_graph(total, max_nodes=500).source
    assert "drawn per stretch, 24 boxes" in src
    captions = [c for _, c in BOX.findall(src)]
    assert captions[0] == "nodes 1–251 of 6,001" and captions[-1].endswith("–6,001 of 6,001")
    one = draw_graph(Value(1.0, label="a") * 2, max_nodes=1).source
    assert "1 box (" in one  # and never "1 boxes"
