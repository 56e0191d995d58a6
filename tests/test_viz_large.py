"""Large graphs stay readable: per-neuron and per-layer collapse, clusters, named groups."""

import re

import numpy as np

from autograd_mini import Value, topo_order
from viz import draw_graph
from viz_nets import deep_net_cost, scalar_mlp

# a box's DOT name is its caption (the hover title), quoted
BOX = re.compile(r'^\t("[^"]*") \[label=<([^<]*)<BR/>', re.M)
EDGE = re.compile(r'^\t("[^"]*") -> ("[^"]*")', re.M)


def test_a_scalar_mlp_over_max_nodes_is_drawn_per_neuron_and_says_so():
    L = scalar_mlp((2, 4, 4, 1))
    n = len(topo_order([L]))
    assert n == 107
    src = draw_graph(L, max_nodes=50).source
    assert f"{n} nodes exceed max_nodes=50: drawn per neuron, 11 boxes" in src
    captions = [c for _, c in BOX.findall(src)]
    # 4 + 4 + 1 neurons, the inputs x and the loss (a - y)²
    assert sum("neuron" in c for c in captions) == 9 and len(captions) == 11
    assert sorted(c for c in captions if c.startswith("layer 1")) == [
        f"layer 1, neuron {j}: a = tanh(w·x + b)" for j in range(1, 5)]
    assert "layer 3, neuron 1: a = sigmoid(w·a[2&#93; + b)" in captions
    assert "the loss: J = (a[3&#93; - 1)²" in captions and "the inputs x" in captions
    # inputs → 4 neurons, 4 → 4, 4 → 1, output → loss
    assert len(EDGE.findall(src)) == 4 + 4 * 4 + 4 + 1
    assert "not computed yet" in src


def test_beyond_the_neurons_the_picture_is_drawn_per_layer():
    L = scalar_mlp((2, 16, 16, 1), m=4)
    L.backward()
    src = draw_graph(L, max_nodes=20).source
    assert "drawn per layer, 5 boxes" in src
    boxes = dict(BOX.findall(src))
    assert list(boxes.values()) == ["the inputs x", "layer 1: A[1&#93; = tanh(W[1&#93; X + b[1&#93;)",
                                    "layer 2: A[2&#93; = tanh(W[2&#93; A[1&#93; + b[2&#93;)",
                                    "layer 3: A[3&#93; = sigmoid(W[3&#93; A[2&#93; + b[3&#93;)",
                                    "the loss: J = Σᵢ (a[3&#93;(i) - 1)²"]  # the loss is no layer
    by_name = {caption.split(":")[0]: box for box, caption in boxes.items()}
    edges = set(EDGE.findall(src))
    assert edges == {(by_name["the inputs x"], by_name["layer 1"]), (by_name["layer 1"], by_name["layer 2"]),
                     (by_name["layer 2"], by_name["layer 3"]), (by_name["layer 3"], by_name["the loss"])}
    assert "not computed yet" not in src


def test_neurons_are_numbered_1_to_n_in_forward_order():
    L = scalar_mlp((2, 16, 16, 1))
    src = draw_graph(L, max_nodes=60).source
    captions = [c for _, c in BOX.findall(src)]
    layer1 = [c for c in captions if c.startswith("layer 1,")]
    assert layer1 == [f"layer 1, neuron {j}: a = tanh(w·x + b)" for j in range(1, 17)]
    assert [c for c in captions if c.startswith("layer 2,")] == [
        f"layer 2, neuron {j}: a = tanh(w·a[1&#93; + b)" for j in range(1, 17)]
    # and they are drawn in that order, neuron 1 first: an invisible chain keeps them so
    box_of = {c: box for box, c in BOX.findall(src)}
    chain = " -> ".join(box_of[c] for c in layer1)
    assert f"{{rank=same; {chain} [style=invis]}}" in src


def test_a_layer_box_sums_up_all_its_activations_and_apart_its_parameters():
    L = scalar_mlp((2, 16, 16, 1), m=4)
    L.backward()
    order = topo_order([L])
    src = draw_graph(L, max_nodes=20).source
    layer1 = re.search(r"label=<layer 1: [^<]*<BR/>(.*?)> fillcolor", src).group(1)
    # layer 1's activations: the tanh of its 16 neurons for each of the 4 examples, the ones layer 2 reads
    tanh = [n for n in order if n.op is not None and n.op.name == "tanh"]
    outs = np.array([n.data for n in tanh if any(p.op is not None and p.op.name == "*" and p.parents[0].op is None
                                                 and p.parents[1].op is None for p in n.parents[0].parents[1:2])])
    assert len(outs) == 64 and "16 neurons, 48 parameters, shared by the 4 examples" in layer1
    # the box's min/max are those of every tanh output of layer 1, not one neuron's value
    assert f"A[1&#93; (64 entries): min {outs.min():.4g}" in layer1 and f"max {outs.max():.4g}" in layer1
    # its parameters are summed up on their own line, never mixed with the activations
    assert re.search(r"W\[1&#93;, b\[1&#93;: min [-\d.e]+  mean [-\d.e]+  max [-\d.e]+<BR/>", layer1)


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
    assert "drawn per stretch, 25 boxes" in src  # 24 stretches and the input x they all use
    captions = [c for _, c in BOX.findall(src)]
    assert captions[0] == "the input x" and captions[1] == "s2 = x + x … s251 = s250 + x"
    assert captions[-1].endswith("… s6001 = s6000 + x") and "<BR/>nodes 5,752–6,001 of 6,001: 250 +<BR/>" in src
    one = draw_graph(Value(1.0, label="a") * 2, max_nodes=1).source
    assert "1 box (" in one  # and never "1 boxes"


def _summary(values) -> str:
    values = np.asarray(values, dtype=float)
    return f"min {values.min():.4g}  mean {values.mean():.4g}  max {values.max():.4g}"


def test_the_micrograd_demo_collapses_to_one_box_per_neuron_shared_by_the_examples_with_the_l2_term():
    from viz_nets import micrograd_demo_net

    m = 10
    L, layers = micrograd_demo_net(m=m)
    L.backward()
    src = draw_graph(L).source  # 7,498 nodes, over the default max_nodes=500
    assert "drawn per neuron, 36 boxes" in src  # 16 + 16 + 1 neurons, the inputs, the loss, the regulariser
    labels = {box: label for box, label in re.findall(r'^\t("[^"]*") \[label=<(.*?)> fillcolor', src, re.M)}
    captions = {label.split("<BR/>")[0]: box for box, label in labels.items()}
    assert [c for c in captions if c.startswith("layer 1,")] == [
        f"layer 1, neuron {j}: a = relu(w·x + b)" for j in range(1, 17)]
    assert [c for c in captions if c.startswith("layer 2,")] == [
        f"layer 2, neuron {j}: a = relu(w·a[1&#93; + b)" for j in range(1, 17)]
    assert [c for c in captions if c.startswith("layer 3")] == ["layer 3, neuron 1: z = w·a[2&#93; + b"]
    # the hinge loss's relu is no layer: the loss is a box of its own, and so is the L2 term
    assert not any(c.startswith("layer 4") for c in captions)
    # 0.1 is 1/m, the mean over the m = 10 examples; c(i) said for what the graph knows of it: a constant
    # that multiplies z[3](i) (micrograd's -y(i); the graph keeps only the number)
    assert "the loss: J = (1/10) Σᵢ relu(1 + c(i) · z[3&#93;(i)) + R" in captions
    assert "the regulariser: R = 0.0001 · Σ p²" in captions
    loss = labels[captions["the loss: J = (1/10) Σᵢ relu(1 + c(i) · z[3&#93;(i)) + R"]]
    assert f"i = 1, …, {m}: the examples (m = {m}; (1/{m}) Σᵢ is the mean over them)" in loss
    assert "c(i): the constant that example i&#x27;s term multiplies z[3&#93;(i) by (-1, 1)" in loss
    assert "a number of example i" not in loss and f"J: {L.data:.4g}" in loss
    assert "p: each of the 337 parameters" in labels[captions["the regulariser: R = 0.0001 · Σ p²"]]

    # layer 2, neuron 5: its 16 weights and bias apart from its activations over the 10 examples
    ws, b = layers[1][4]
    box = labels[captions["layer 2, neuron 5: a = relu(w·a[1&#93; + b)"]].split("<BR/>")
    assert box[1] == f"16 weights, 1 bias (its parameters), shared by the {m} examples"
    assert f"w, b: {_summary([p.data for p in (*ws, b)])}" in box
    assert f"dw, db: {_summary([p.grad for p in (*ws, b)])}" in box
    # its activation for each example, recomputed here with numpy from the parameters and the data
    from autograd_mini.datasets import make_moons

    X, _ = make_moons(m=m, seed=0)
    def weights(layer):
        return np.array([[w.data for w in neuron_ws] for neuron_ws, _ in layer])

    def biases(layer):
        return np.array([[neuron_b.data] for _, neuron_b in layer])

    A1 = np.maximum(0, weights(layers[0]) @ X + biases(layers[0]))
    A2 = np.maximum(0, weights(layers[1]) @ A1 + biases(layers[1]))
    assert f"a ({m} examples): {_summary(A2[4])}" in box

    # every neuron of layer 1 feeds every neuron of layer 2; every neuron's parameters feed the L2 term
    edges = set(EDGE.findall(src))
    layer1 = [box for c, box in captions.items() if c.startswith("layer 1,")]
    layer2 = [box for c, box in captions.items() if c.startswith("layer 2,")]
    assert all((a, b) in edges for a in layer1 for b in layer2)
    reg = captions["the regulariser: R = 0.0001 · Σ p²"]
    assert all((box, reg) in edges for c, box in captions.items() if c.startswith("layer"))



def test_every_piece_of_advice_in_the_size_messages_works_when_followed(tmp_path):
    import pytest

    from viz import GraphTooLarge, render, step_through
    from viz_nets import micrograd_demo

    L = scalar_mlp((2, 4, 4, 1))
    L.backward()
    src = draw_graph(L, max_nodes=50).source
    told = re.search(r"draw_graph\(…, max_nodes=(\d+)\) draws every node", src)
    full = draw_graph(L, max_nodes=int(told.group(1)))
    assert "exceed" not in full.source
    render(full, tmp_path / "full.svg")  # no second error: the render cap is not in the way

    with pytest.raises(GraphTooLarge, match="step_through's max_nodes") as refused:
        step_through(L, max_nodes=50, max_steps=100)
    told = re.search(r"pass collapse=True .*, or step_through\(…, max_nodes=(\d+), max_steps=(\d+)\)",
                     str(refused.value))
    page = step_through(L, max_nodes=int(told.group(1)), max_steps=int(told.group(2)))  # both raised at once
    assert page.frames == int(told.group(2))
    collapsed = step_through(L, max_nodes=50, max_steps=100, collapse=True)
    assert f"step_through(…, max_nodes={told.group(1)}, max_steps={told.group(2)}) draws every node" in collapsed.html

    # past the render cap raising max_nodes is never offered: the collapsed view is the one to read
    big = micrograd_demo(m=2)
    big.backward()
    src = draw_graph(big).source
    n = len(topo_order([big]))
    assert "raise" not in src and f"drawing all {n:,} nodes is past the render cap of 1,500 nodes" in src
    assert "every node is past" not in src  # the nodes together are past the cap, not each node
    render(draw_graph(big), tmp_path / "collapsed.svg")
    with pytest.raises(GraphTooLarge, match=r"render's max_nodes, the render cap.*draw it collapsed \(draw_graph "
                                            r"with max_nodes below the node count"):
        render(draw_graph(big, max_nodes=10**6), tmp_path / "every.svg")
    render(draw_graph(big, max_nodes=len(topo_order([big])) - 1), tmp_path / "below.svg")  # as told: collapsed
    assert "drawn per neuron" in (tmp_path / "below.svg").read_text()


def test_a_derivative_graph_over_max_nodes_is_refused_before_drawing_and_each_piece_of_advice_works(tmp_path):
    import time

    import pytest

    from viz import GraphTooLarge, draw_derivative_graph, render, step_through
    from viz_nets import micrograd_demo

    big = micrograd_demo(m=2)  # 2,302 gradient nodes: past the render cap too
    big.backward()
    start = time.perf_counter()
    with pytest.raises(GraphTooLarge, match="draw_derivative_graph's max_nodes") as refused:
        draw_derivative_graph(big)
    assert time.perf_counter() - start < 10  # refused before anything is drawn (drawing it took minutes)
    said = str(refused.value)
    # what it counts, named: the computational graph has more nodes (the data, the constants)
    assert said.startswith("the graph has 2,302 gradient nodes and "), said
    assert "draw it collapsed (draw_graph with max_nodes below" not in said and "pass max_nodes" not in said
    assert "past the render cap of 1,500 nodes" in said
    told = re.search(r"draw_graph\(root, max_nodes=(\d+)\) draws the computational graph collapsed, each box with "
                     r"its gradients, and step_through\(root, collapse=True, max_nodes=(\d+)\) steps through", said)
    collapsed = draw_graph(big, max_nodes=int(told.group(1)))  # as told: collapsed, and it renders
    render(collapsed, tmp_path / "collapsed.svg")
    assert "drawn per neuron" in collapsed.source and "<BR/>dw, db: min " in collapsed.source  # its gradients
    page = step_through(big, collapse=True, max_nodes=int(told.group(2)))
    assert "drawn per neuron" in page.html
    # render's cap on a derivative graph drawn past it: the advice names the collapsed computational graph
    with pytest.raises(GraphTooLarge, match="render's max_nodes") as refused:
        render(draw_derivative_graph(big, max_nodes=10**6), tmp_path / "every.svg")
    assert str(refused.value).startswith("the graph has 2,302 gradient nodes and ")
    told = re.search(r"the derivative graph has no collapsed form, but draw_graph\(root, max_nodes=(\d+)\) draws the "
                     "computational graph collapsed", str(refused.value))
    as_told = draw_graph(big, max_nodes=int(told.group(1)))
    render(as_told, tmp_path / "as_told.svg")
    assert "drawn per neuron" in as_told.source

    small = scalar_mlp((2, 4, 4, 1))  # under the render cap: raising max_nodes is offered, and works
    small.backward()
    with pytest.raises(GraphTooLarge, match="more than the 20 of draw_derivative_graph's max_nodes") as refused:
        draw_derivative_graph(small, max_nodes=20)
    raised = int(re.search(r"or pass max_nodes=(\d+)", str(refused.value)).group(1))
    render(draw_derivative_graph(small, max_nodes=raised), tmp_path / "raised.svg")
    assert f"{raised}. " in (tmp_path / "raised.svg").read_text()  # every gradient node, numbered 1 to the last


def test_a_chain_collapses_to_stretches_that_read_as_formulas_with_the_shared_input_apart():
    import json

    from autograd_mini.expr import build_expression
    from viz import step_through

    f, _ = build_expression("+".join(["x"] * 60), {"x": 2.0})
    f.backward()
    src = draw_graph(f, max_nodes=24).source
    assert '"s2 = x + x, s3 = s2 + x, s4 = s3 + x"' in src and '"s59 = s58 + x, f = s59 + x"' in src
    page = step_through(f, collapse=True, max_nodes=24).html
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]
    texts = [frame["text"] for frame in frames]
    assert texts[0] == "s2 = x + x, s3 = s2 + x, s4 = s3 + x\nnodes 2–4 of 60: 3 +\nsk: what node k computes\n" \
                       "s2: 4\ns3: 6\ns4: 8"
    assert "s59 = s58 + x, f = s59 + x\nnodes 59–60 of 60: 2 +\nds59: 1\ndf: 1" in texts
    # x's gradient is its own frame's, the last, never summed up with a stretch's (no mean of 60 and the 1s)
    assert texts[-1] == "the input x\nused 60 times, by 59 nodes: dx is the sum of the 60 terms they pass back\ndx: 60"
    assert not any("mean" in text or "dx" in text for text in texts[:-1])
    assert "Zoom in (+, the wheel or a pinch) to read the boxes: with follow on, each frame pans to its box" in \
        " ".join(re.sub(r"<[^>]+>", " ", page).split())
    x = Value(2.0, label="x")
    long = x
    for _ in range(399):  # a longer stretch: its first, the ones between, its last
        long = long + x
    long.backward()
    src = draw_graph(long, max_nodes=24).source
    assert '"s2 = x + x … s18 = s17 + x"' in src and "<BR/>s3 … s17: min 6  mean 20  max 34<BR/>" in src


def test_the_collapsed_micrograd_mlp_steps_back_through_each_layer_from_neuron_1_to_16():
    import json

    from viz import step_through
    from viz_nets import micrograd_demo

    L = micrograd_demo(m=2)
    L.backward()
    page = step_through(L, collapse=True).html
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]
    backward = [f["name"] for f in frames if f["pass"] == "backward"]
    for layer, source in ((2, "a[1]"), (1, "x")):  # a teacher's order in a layer: 1 to 16, as the picture numbers
        neurons = [name for name in backward if name.startswith(f"layer {layer}, neuron ")]
        assert neurons == [f"layer {layer}, neuron {k}: a = relu(w·{source} + b)" for k in range(1, 17)]
    layers = [int(re.match(r"layer (\d)", name).group(1)) for name in backward if name.startswith("layer")]
    assert layers == sorted(layers, reverse=True)  # and from the loss back, layer by layer
