"""Large graphs stay readable: per-neuron and per-layer collapse, clusters, named groups."""

import re

from autograd_mini import topo_order
from viz import draw_graph
from viz_nets import scalar_mlp

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
    assert "drawn per layer, 3 boxes" in src
    boxes = dict(BOX.findall(src))
    assert sorted(boxes.values()) == ["layer 1", "layer 2", "layer 3"]
    by_name = {caption: box for box, caption in boxes.items()}
    edges = set(EDGE.findall(src))
    assert edges == {(by_name["layer 1"], by_name["layer 2"]), (by_name["layer 2"], by_name["layer 3"])}
    assert "<1024 edges>" in src  # layer 1 → layer 2: 16·16 products for each of 4 examples
    assert "not computed yet" not in src


def test_under_max_nodes_every_node_is_drawn():
    L = scalar_mlp((2, 4, 4, 1))
    src = draw_graph(L).source  # default max_nodes=500
    assert len(re.findall(r"^\tn\d+ \[", src, re.M)) == 107 and "exceed" not in src


def test_collapse_by_named_groups():
    L = scalar_mlp((2, 3, 1))
    order = topo_order([L])
    for node in order:  # name the activations: every other node joins the group it feeds
        if node.op is not None and node.op.name in ("tanh", "sigmoid"):
            node.label = "out.a" if node.op.name == "sigmoid" else "hidden.a"
    src = draw_graph(L, cluster="prefix", max_nodes=10).source
    assert "drawn per group" in src
    captions = [c for _, c in BOX.findall(src)]
    assert captions == ["out", "hidden", "pow1 (**)"]  # the two named groups and the loss
