"""The computational graph's DOT: nodes, labels, values, edges, styles, stability."""

import re

import graphviz
import numpy as np
import pytest

from autograd_mini import Tensor, Value, topo_order
from autograd_mini.notes_graph import logistic_graph
from viz import draw_graph
from viz_nets import diamond, two_layer_net

NODE = re.compile(r"^\t+\"([^\"]+)\" \[label=<(.*)> fillcolor=\"(#[0-9a-f]{6})\"", re.M)
EDGE = re.compile(r"^\t\"([^\"]+)\" -> \"([^\"]+)\"(?: \[(.*)\])?$", re.M)


def nodes_of(src):
    """DOT name (the node's name in the picture) -> (label, fill), in the order drawn (topological)."""
    return {name: (label, fill) for name, label, fill in NODE.findall(src)}


def edges_of(src):
    """(topological position of the parent, of the child, attributes) for each edge."""
    position = {name: i for i, name in enumerate(nodes_of(src))}
    return [(position[a], position[b], attrs) for a, b, attrs in EDGE.findall(src)]


def plain(label):
    """The visible text of an HTML-like label (tags dropped)."""
    return " ".join(re.sub(r"<[^>]+>", " ", label).split())


def test_logistic_graph_nodes_labels_values_and_edges():
    L = logistic_graph()
    L.backward()
    src = draw_graph(L).source
    nodes, edges = nodes_of(src), edges_of(src)
    assert len(nodes) == 9 and list(nodes) == ["w1", "x1", "w2", "x2", "b", "z", "a", "y", "L"]
    assert len(edges) == 8
    texts = [plain(label) for label, _ in nodes.values()]
    by_name = {t.split()[0]: t for t in texts}
    assert set(by_name) == {"x1", "w1", "x2", "w2", "b", "z", "a", "y", "L"}
    # values from the notes' example: z = 0.5·1 - 0.25·2 + 0.1 = 0.1, a = σ(0.1), dz = a - y
    a = 1 / (1 + np.exp(-0.1))
    assert "data 0.1 " in by_name["z"] and f"grad {a - 1:.4g}" in by_name["z"]
    assert f"data {a:.4g}" in by_name["a"] and by_name["a"].startswith("a = σ(z) ")
    assert by_name["z"].startswith("z = w1·x1 + w2·x2 + b ") and "grad -0.475" in by_name["w1"]  # dw1 = x1·dz, x1 = 1
    assert by_name["L"].startswith("L = -(y log a + (1 - y) log(1 - a)) ")
    assert "grad none (data)" in by_name["x1"] and "grad none (data)" in by_name["y"]
    assert "grad -0.95" in by_name["w2"]  # dw2 = x2·dz, x2 = 2
    # each edge runs parent -> result, in the forward direction
    order = topo_order([L])
    expected = sorted((order.index(p), order.index(c)) for c in order for p in c.parents)
    assert sorted((a, b) for a, b, _ in edges) == expected


def test_before_backward_grads_say_not_computed_yet():
    src = draw_graph(logistic_graph()).source
    assert src.count("not computed yet") == 6  # w1, w2, b, z, a, L: x1, x2 and y are data
    assert "grad</FONT></TD><TD ALIGN=\"LEFT\">0<" not in src
    assert "not computed yet" not in draw_graph(logistic_graph(), show_grads=False).source


def test_diamond_nodes_and_edges():
    d = diamond()
    d.backward()
    src = draw_graph(d).source
    nodes, edges = nodes_of(src), edges_of(src)
    assert len(nodes) == 6 and len(edges) == 6
    by_name = {plain(label).split()[0]: plain(label) for label, _ in nodes.values()}
    assert "grad 15" in by_name["a"]  # dd/da = 3·c + b = 3·3 + 6
    assert "data 18" in by_name["d"]
    assert "3" in by_name and "1" in by_name  # unlabelled constants show their number


def test_a_times_a_draws_both_edges():
    a = Value(3.0, label="a")
    s = a * a
    edges = edges_of(draw_graph(s).source)
    assert [(x, y) for x, y, _ in edges] == [(0, 1), (0, 1)]


def test_edge_derivatives_show_local_derivative_and_value():
    L = logistic_graph()
    src = draw_graph(L, edge_derivatives=True).source
    assert "∂z/∂w1 = x1 = 1>" in src            # z = w1·x1 + ...: ∂/∂w1 = x1 = 1
    assert "∂z/∂w2 = x2 = 2>" in src
    a = 1 / (1 + np.exp(-0.1))
    assert f"∂a/∂z = a(1 - a) = {a * (1 - a):.4g}>" in src
    assert f"∂L/∂a = (-y/a + (1 - y)/(1 - a)) = {-1 / a:.4g}>" in src


def test_same_graph_same_dot_and_dot_names_are_the_pictures_names():
    first, second = draw_graph(logistic_graph()).source, draw_graph(logistic_graph()).source
    assert first == second
    assert list(nodes_of(first)) == ["w1", "x1", "w2", "x2", "b", "z", "a", "y", "L"]  # Graphviz's hover titles
    assert "0x" not in first and not re.search(r"\bn\d+\b", first)


def test_node_kinds_are_styled_apart_and_colour_follows_grad():
    L = logistic_graph()
    L.backward()
    nodes = {plain(label).split()[0]: fill for label, fill in nodes_of(draw_graph(L).source).values()}
    assert nodes["w1"] == nodes["b"] != nodes["x1"] != nodes["z"]  # parameter, input, intermediate
    coloured = {plain(label).split()[0]: fill
                for label, fill in nodes_of(draw_graph(L, color_by_grad=True).source).values()}
    # |da| = 1.905 is the largest gradient, so a gets the deepest colour
    assert coloured["a"] == "#f97316"
    green = {k: int(v[3:5], 16) for k, v in coloured.items()}  # the green channel falls as |grad| grows
    assert green["w2"] < green["w1"] < 255               # |dw2| 0.95 > |dw1| 0.475 > 0
    assert coloured["x1"] == nodes["x1"]                  # data keeps its colour: it has no gradient


def test_params_argument_overrides_the_name_rule():
    a = Value(1.0, label="alpha")
    out = a * 2
    fill = lambda src: nodes_of(src)["alpha"][1]  # noqa: E731
    assert fill(draw_graph(out).source) != fill(draw_graph(out, params=[a]).source)


def test_tensor_two_layer_net():
    J = two_layer_net(m=8)
    J.backward()
    src = draw_graph(J).source
    nodes, edges = nodes_of(src), edges_of(src)
    assert len(nodes) == 15 and len(edges) == 14
    texts = {plain(label).split()[0]: plain(label) for label, _ in nodes.values()}
    assert {"X", "Y", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "J"} <= set(texts)
    assert "(3, 2)" in texts["W1"] and "(2, 8)" in texts["X"]
    W1 = next(n for n in topo_order([J]) if n.label == "W1")
    for v in W1.data.ravel():  # a small matrix is drawn entry by entry
        assert f">{v:.4g}<" in src.replace("> ", ">")
    X = next(n for n in topo_order([J]) if n.label == "X")
    # 16 entries: every one is drawn, so the learner can redo the numbers
    assert " ".join(f"{v:.4g}" for v in X.data.ravel()) in texts["X"]
    assert "grad none (data)" in texts["X"]  # X takes no gradient
    # the unlabelled W1 @ X named from its parents, its name its formula; A1 with its formula
    assert texts["W1X"].startswith("W1X (3, 8) data") and texts["A1"].startswith("A1 (3, 8) = max(0, Z1) data")


def test_several_roots_and_bad_input():
    a = Value(1.0, label="a")
    u, v = a * 2, a + 1
    assert len(nodes_of(draw_graph([u, v]).source)) == 5
    with pytest.raises(TypeError, match="Value or Tensor"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(u, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(u, max_nodes=0)


def test_rankdir_precision_and_jupyter_repr():
    g = draw_graph(Value(1 / 3, label="third") * 1, rankdir="TB", precision=2)
    assert isinstance(g, graphviz.Digraph)
    assert "rankdir=TB" in g.source and ">0.33<" in g.source and "0.333" not in g.source
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<")


def test_clusters_by_layer():
    J = two_layer_net()
    src = draw_graph(J, cluster="layer").source
    clusters = re.findall(r"subgraph cluster_\d+ \{\n\t\tlabel=<([^>]*)>", src)
    assert sorted(clusters) == ["layer 1", "layer 2"]
    bodies = dict(re.findall(r"label=<(layer \d)>[^\n]*\n(.*?)\n\t\}", src, re.S))
    body = bodies["layer 1"]  # layer 1 holds W1, b1, Z1, A1 and the unlabelled W1 @ X
    assert all(f"<B>{name}</B>" in body for name in ("W1", "b1", "Z1", "A1")) and ">W1X<" in body
    assert "<B>W2</B>" not in body
    tensor = Tensor(np.ones((1, 1)), label="W1")
    with pytest.raises(ValueError, match="cluster"):
        draw_graph(tensor, cluster="colour")


@pytest.mark.parametrize("which", ["notes", "logistic", "deepnet", "softmax", "cnn"])
def test_a_node_says_its_formula_with_the_pictures_names_never_the_ops_code_name(which):
    from viz_nets import deep_net_cost, logistic_cost, small_cnn_cost, softmax_cost

    root = {"notes": logistic_graph, "logistic": logistic_cost, "deepnet": lambda: deep_net_cost()[0],
            "softmax": softmax_cost, "cnn": small_cnn_cost}[which]()
    root.backward()
    texts = {plain(label).split()[0]: plain(label) for label, _ in nodes_of(draw_graph(root).source).values()}
    code_names = re.compile(r"\bop\b|ᵀ@|cross_entropy|\bsigmoid\b|W A \+ b|\bmax_pool\b(?!\()|\bconv2d\b")
    assert not [t for t in texts.values() if code_names.search(t)], texts
    expected = {"notes": {"a": "a = σ(z)", "L": "L = -(y log a + (1 - y) log(1 - a))"},
                "logistic": {"Z": "Z (1, 4) = wᵀX + b", "wᵀX": "wᵀX (1, 4) data"},
                "deepnet": {"Z1": "Z1 (4, 8) = W1 A0 + b1", "Z3": "Z3 (1, 8) = W3 A2 + b3", "A1": "A1 (4, 8) = max(0, Z1)"},
                "softmax": {"Z2": "Z2 (3, 6) = W2 A1 + b2"},
                "cnn": {"Z1": "Z1 (4, 6, 6, 2) = conv(X, W1) + b1", "P1": "P1 (4, 3, 3, 2) = max_pool(A1)"}}[which]
    for name, start in expected.items():
        assert texts[name].startswith(start), texts[name]
