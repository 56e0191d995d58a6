"""The derivative graph and the frames' data: the notes' names and formulas, numbers plugged in, backward's order."""

import re

import numpy as np
import pytest

from autograd_mini import DeepNet, LogisticRegression, Value, topo_order
from autograd_mini.notes_graph import graph_nodes, logistic_graph
from viz import Step, all_steps, backprop_steps, draw_derivative_graph, draw_graph, forward_steps
from viz_nets import deep_net_cost, diamond, two_layer_net

AUTO_NAME = re.compile(r"\bd?v\d+\b")  # the old internal names, v12 and dv12


def test_derivative_graph_of_the_notes_logistic_regression():
    L = logistic_graph()
    L.backward()
    src = draw_derivative_graph(L).source
    names = re.findall(r"^\t\"[^\"]+\" \[label=<<TABLE[^>]*><TR><TD ALIGN=\"LEFT\"><B>\d+\. ([^<]+)</B>", src, re.M)
    assert names == ["dL", "da", "dz", "dw1", "dw2", "db"]  # the teacher's order; x1, x2, y are data
    for formula in ("dL = 1 (the seed)", "da = dL · (-y/a + (1 - y)/(1 - a))", "dz = da · a(1 - a)",
                    "db = dz", "dw1 = dz · x1", "dw2 = dz · x2"):
        assert formula in src
    edges = re.findall(r"^\t\"([^\"]+)\" -> \"([^\"]+)\" \[label=<([^>]*)>", src, re.M)
    assert len(edges) == 5
    # an edge carries one thing, said in the legend: the local derivative, in parentheses
    assert ("da", "dz", "(a(1 - a))") in edges and ("dz", "dw1", "(x1)") in edges
    assert ("dL", "da", "(-y/a + (1 - y)/(1 - a))") in edges  # not the node's whole formula
    assert "carries the local derivative the chain rule multiplies d(child) by along it" in src
    nodes = graph_nodes(L)
    assert f"= {nodes['z'].grad:.4g}<" in src  # dz's value, = a - y


def test_derivative_graph_sums_the_terms_of_a_value_used_twice():
    d = diamond()
    src = draw_derivative_graph(d).source
    assert "da = db · 3 + dc" in src
    assert src.count("not computed yet") == 4  # d, b, c, a; the constants 3 and 1 take no gradient


def test_derivative_graph_of_a_tensor_net_in_the_notes_words():
    J = two_layer_net()
    J.backward()
    src = draw_derivative_graph(J).source
    assert "<B>dX</B>" not in src and "<B>dY</B>" not in src
    assert "∂J/∂Z1 = ∂J/∂A1 ∗ relu′(Z1)" in src              # dZ[l] = dA[l] ∗ g′(Z[l]), elementwise
    assert "dW1 = ∂J/∂Z1 · Xᵀ" in src                        # dW = dZ A_prevᵀ, W1X handing ∂J/∂Z1 on
    assert "∂J/∂A1 = W2ᵀ · ∂J/∂Z2" in src
    assert "db1 = Σ_columns ∂J/∂Z1" in src                   # b broadcast over the m columns
    assert "(3, 2)" in src                                   # each gradient's shape


def test_deep_net_derivative_graph_and_frames_say_sum_transpose_shapes_and_no_internal_names():
    J, net = deep_net_cost()
    J.backward()
    src = draw_derivative_graph(J).source
    texts = "\n".join("\n".join(s.lines()) for s in all_steps(J))
    for text in (src, texts):
        assert "Σ_columns ∂J/∂Z1" in text and "A0ᵀ" in text and "W2ᵀ" in text and "W3ᵀ" in text
        assert "(4, 8)" in text and "(3, 4)" in text
        assert not AUTO_NAME.search(text), AUTO_NAME.search(text)
    graph = draw_graph(J).source
    assert not AUTO_NAME.search(re.sub(r"<[^>]+>", " ", graph))
    for name in ("A0", "W1", "b1", "Z1", "A1", "Z3", "J"):
        assert f"<B>{name}</B>" in graph
    assert "W1A0" not in graph and "= W1 A0 + b1" in graph  # the layer is one node, Z1 = W1 A0 + b1
    assert "A3 = σ(Z3)" in graph  # A[L] = σ(Z[L]), computed inside the stable cost node, shown on it


def test_deep_net_frames_put_the_notes_beside_autodiff_with_the_factor_m():
    J, net = deep_net_cost(m=8)
    J.backward()
    steps = {s.dname: s for s in backprop_steps(J)}
    dZ3 = steps["∂J/∂Z3"]
    assert dZ3.formula == "∂J/∂Z3 = (A3 - Y)/m"
    assert "the notes: dZ3 = A3 - Y, one column per example (no 1/m): ∂J/∂Z3 = dZ3/m" in dZ3.lines()
    assert "\n".join(dZ3.lines()).count("m = 8") == 1  # m said once
    A3, Y = net.cache["Z3"].data, None  # check the numbers: m · dZ3 = A3 − Y
    Y = J.parents[1].data
    A3 = 1 / (1 + np.exp(-net.cache["Z3"].data))
    np.testing.assert_allclose(8 * dZ3.value, A3 - Y, atol=1e-15)
    dW1 = steps["dW1"]
    assert dW1.formula == "dW1 = ∂J/∂Z1 · A0ᵀ"  # straight from Z1 = W1 A0 + b1, one node
    assert any(line.startswith("the notes: dW1 = (1/m) dZ1 A0ᵀ: the same matrix, as dZ1 = m · ∂J/∂Z1")
               for line in dW1.lines())
    assert "shapes: (4, 8)·(8, 2) → (4, 2)" in "\n".join(dW1.lines())
    db1 = steps["db1"]
    assert db1.formula == "db1 = Σ_columns ∂J/∂Z1"
    assert any("db1 = (1/m) np.sum(dZ1, axis=1, keepdims=True), the sum over the m examples" in line
               for line in db1.lines())
    np.testing.assert_allclose(db1.value, net.cache["Z1"].grad.sum(axis=1, keepdims=True))
    dZ1 = steps["∂J/∂Z1"]
    assert any("dZ1 = dA1 ∗ g′(Z1), g = relu" in line and "∂J/∂Z1 = dZ1/m" in line for line in dZ1.lines())
    assert any("dA1 = W2ᵀ dZ2" in line for line in steps["∂J/∂A1"].lines())


def test_l2_term_is_named_and_added_to_dW():
    rng = np.random.default_rng(0)
    net = DeepNet([2, 3, 1], seed=0)
    J = net.cost(rng.standard_normal((2, 5)), (rng.random((1, 5)) > 0.5).astype(float), lambd=0.7)
    J.backward()
    steps = {s.dname: s for s in backprop_steps(J)}
    assert steps["dW1"].formula == "dW1 = ∂J/∂Z1 · A0ᵀ + ∂J/∂R · (λ/m) W1"  # R: the L2 regularization cost
    assert "λ/m = 0.14" in steps["dW1"].where  # λ/m = 0.7/5
    assert any("+ (λ/m) W1" in line for line in steps["dW1"].lines())


def test_logistic_regression_names():
    rng = np.random.default_rng(1)
    model = LogisticRegression(3)
    J = model.cost(rng.standard_normal((3, 4)), np.array([[1.0, 0.0, 1.0, 1.0]]))
    J.backward()
    steps = backprop_steps(J)
    assert [s.dname for s in steps] == ["∂J/∂J", "∂J/∂Z", "∂J/∂(wᵀX)", "dw", "db"]  # no wᵀ detour
    dw = steps[3]
    assert dw.formula == "dw = X · (∂J/∂(wᵀX))ᵀ" and "shapes: (3, 4)·(4, 1) → (3, 1)" in "\n".join(dw.lines())
    assert any("dw = (1/m) X dZᵀ, shapes (n_x, m)(m, 1) → (n_x, 1); here (3, 4)(4, 1) → (3, 1)" in line for line in dw.lines())


def test_backward_steps_of_the_notes_graph_with_numbers_and_the_notes():
    L = logistic_graph()
    L.backward()
    steps = backprop_steps(L)
    assert [s.dname for s in steps] == ["dL", "da", "dz", "dw1", "dw2", "db"]  # the teacher's order
    assert {s.node for s in steps} == {n for n in topo_order([L]) if n.requires_grad}
    assert all(isinstance(s, Step) and s.total == 6 for s in steps)
    for s in steps[1:]:
        assert sum(t.value for t in s.terms) == pytest.approx(s.value)
    nodes = graph_nodes(L)
    a, y = nodes["a"].data, nodes["y"].data
    by_name = {s.dname: s for s in steps}
    assert by_name["dz"].lines() == ["dz = da · a(1 - a)", "   = (-1.905) · 0.525 · (1 - 0.525)", "   = -0.475",
                                     "the notes: dz = a - y = 0.525 - 1 = -0.475"]
    assert by_name["dz"].value == pytest.approx(a - y)  # the notes' dz = a - y
    assert by_name["da"].lines()[1] == "   = 1 · (-1/0.525 + (1 - 1)/(1 - 0.525))"  # dL = 1
    assert by_name["dw1"].lines() == ["dw1 = dz · x1", "    = (-0.475) · 1", "    = -0.475",
                                      "the notes: dw1 = x1 · dz = 1 · (-0.475) = -0.475"]
    assert by_name["dw2"].lines()[1:] == ["    = (-0.475) · 2", "    = -0.95",
                                          "the notes: dw2 = x2 · dz = 2 · (-0.475) = -0.95"]
    # db = dz passes dz on: no line "= (-0.475)" that only repeats the result in parentheses
    assert by_name["db"].lines() == ["db = dz", "   = -0.475", "the notes: db = dz = -0.475"]
    assert str(steps[0]) == "step 1/6: dL = 1 (the seed)"  # its value said once


def test_forward_steps_compute_the_values_node_by_node():
    L = logistic_graph()
    steps = forward_steps(L)
    assert [s.name for s in steps] == ["z", "a", "L"] and all(s.kind == "forward" for s in steps)
    assert steps[0].lines() == ["z = w1·x1 + w2·x2 + b", "  = 0.5·1 + (-0.25)·2 + 0.1", "  = 0.1"]
    assert steps[1].lines() == ["a = σ(z)", "  = σ(0.1)", "  = 0.525"]
    assert steps[2].formula == "L = -(y log a + (1 - y) log(1 - a))"
    J, _ = deep_net_cost()
    first = forward_steps(J)[0]
    assert first.lines()[:2] == ["Z1 = W1 A0 + b1",
                                 "   shapes: (4, 2)·(2, 8) + (4, 1) → (4, 8), b broadcast over the m columns"]


def test_steps_of_a_diamond_and_a_tensor_net():
    d = diamond()
    d.backward()
    da = backprop_steps(d)[-1]
    assert da.formula == "da = db · 3 + dc" and da.value == 15.0
    assert [t.value for t in da.terms] == [9.0, 6.0]  # db·3 = 3·3, dc = b = 6
    assert da.numbers == "3 · 3 + 6"  # db = c = 3, dc = b = 6
    J = two_layer_net()
    J.backward()
    steps = backprop_steps(J)
    assert "dX" not in [s.dname for s in steps]
    dW1 = next(s for s in steps if s.dname == "dW1")
    np.testing.assert_allclose(dW1.terms[0].value, dW1.value)
    assert "shape" not in str(dW1) and "[" in str(dW1)


def test_a_value_used_twice_by_one_op_gets_two_terms():
    a = Value(3.0, label="a")
    s = a * a
    s.label = "s"
    s.backward()
    da = backprop_steps(s)[-1]
    assert da.formula == "da = ds · a + ds · a" and da.value == 6.0  # d(a²)/da = 2a
    assert "da = ds · a + ds · a" in draw_derivative_graph(s).source


def test_unlabelled_nodes_get_names_from_their_parents_and_constants_show_their_number():
    w, x = Value(2.0, label="w"), Value(3.0, label="x", requires_grad=False)
    out = (w * x + 1).tanh()
    out.backward()
    steps = backprop_steps(out)
    assert [s.dname for s in steps] == ["d(tanh(w·x + 1))", "d(w·x + 1)", "d(w·x)", "dw"]
    long = w
    for _ in range(6):
        long = long * w + w
    long.backward()
    names = [s.dname for s in backprop_steps(long)]
    assert names[:3] == ["du₃", "d((u₂·w + w)·w)", "d(u₂·w + w)"]  # too long to build: u₁, u₂, … with its formula
    assert names[-2:] == ["d(w·w)", "dw"]
    assert not any(AUTO_NAME.search(n) for n in names)


def test_steps_need_backward_and_one_root():
    L = logistic_graph()
    with pytest.raises(RuntimeError, match="backward"):
        backprop_steps(L)
    with pytest.raises(ValueError, match="one root"):
        backprop_steps([L, Value(1.0)])


def test_a_softmax_net_gets_the_same_closed_form_credited_to_the_course():
    rng = np.random.default_rng(0)
    net = DeepNet([4, 5, 3], ["relu", "softmax"], seed=0)
    J = net.cost(rng.standard_normal((4, 6)), np.eye(3)[:, rng.integers(0, 3, 6)])
    J.backward()
    steps = backprop_steps(J)
    dZ2 = {s.dname: s for s in steps}["∂J/∂Z2"]
    assert dZ2.formula == "∂J/∂Z2 = (A2 - Y)/m"
    # the notes derive dZ[L] = A[L] − Y for a sigmoid output only: softmax with categorical cross-entropy is the course's
    assert "the course's softmax: dZ2 = A2 - Y, one column per example (no 1/m): ∂J/∂Z2 = dZ2/m" in dZ2.lines()
    assert dZ2.lines()[1].strip() == ("column by column, (3, 6): the fused softmax-cross-entropy rule (softmax couples "
                                      "a column's entries)")  # not "elementwise"
    assert not [line for s in steps for line in s.lines() if "notes" in line and "A2 - Y" in line]
    assert "A2 = softmax(Z2)" in draw_graph(J).source
    assert forward_steps(J)[-1].notes[0].startswith("with A2 = softmax(Z2) = ")


def test_show_data_puts_the_data_back_with_what_its_gradient_would_be():
    L = logistic_graph()
    L.backward()
    assert [s.dname for s in backprop_steps(L)] == ["dL", "da", "dz", "dw1", "dw2", "db"]
    with_data = {s.dname: s for s in backprop_steps(L, show_data=True)}
    assert set(with_data) == {"dL", "dy", "da", "dz", "db", "dx2", "dw2", "dx1", "dw1"}
    nodes = graph_nodes(L)
    assert with_data["dx1"].formula == "dx1 = dz · w1"
    assert with_data["dx1"].value == pytest.approx(nodes["w1"].data * nodes["z"].grad)
    assert nodes["x1"].grad == 0.0  # the engine still computed none
    src = draw_derivative_graph(L, show_data=True).source
    assert ". dx1</B>" in src and "none: data takes no gradient" in src
    assert ". dx1</B>" not in draw_derivative_graph(L).source
    J = two_layer_net()
    J.backward()
    dX = {s.dname: s for s in backprop_steps(J, show_data=True)}["dX"]
    assert dX.formula == "dX = W1ᵀ · ∂J/∂Z1" and "not computed: data takes no gradient" in "\n".join(dX.lines())
    d = diamond()
    d.backward()
    assert [s.dname for s in backprop_steps(d, show_data=True)] == [s.dname for s in backprop_steps(d)]  # 3, 1


def test_frames_say_a_value_once_a_scalar_factor_with_a_dot_and_a_product_with_its_left_hand_side():
    """∂J/∂CE = 1 once; ∂J/∂CE · (A3 - Y)/m (a number times a matrix); wᵀX = wᵀ · X; the CNN's windows are of
    the padded X, and the shapes line says so."""
    from test_viz_html import frames_of
    from test_viz_teaching import deep_net_cost_l2
    from viz import step_through
    from viz_nets import logistic_cost, small_cnn_cost

    J = deep_net_cost_l2()
    J.backward()
    frames = {(f["pass"], f["name"]): f for f in frames_of(step_through(J).html)}
    assert frames["backward", "CE"]["text"] == "∂J/∂CE = 1" and frames["backward", "CE"]["result"] == []
    assert frames["backward", "R"]["text"] == "∂J/∂R = 1"
    assert frames["backward", "Z3"]["text"].startswith("∂J/∂Z3 = ∂J/∂CE · (A3 - Y)/m\n")
    root = logistic_cost(4)
    root.backward()
    first = frames_of(step_through(root).html)[0]
    assert first["text"].startswith("wᵀX = wᵀ · X\n    shapes: (1, 2)·(2, 4) → (1, 4)\n    = ["), first["text"]
    root = small_cnn_cost()
    root.backward()
    dW1 = next(f for f in frames_of(step_through(root).html) if f["pass"] == "backward" and f["gradient"] == "dW1")
    assert "    shapes: X padded (4, 8, 8, 1) and (4, 6, 6, 2) → (3, 3, 1, 2)\n" in dW1["text"], dW1["text"]
    assert "over the windows of X padded with p = 1, stride s = 1" in dW1["text"]


def test_every_derivative_graph_edge_carries_its_local_derivative_alone():
    """J→Z3 (A3 - Y)/m, Z3→W3 A2ᵀ on the right, Z3→A2 W3ᵀ on the left, A2→Z2 relu′(Z2), Z3→b3 the column
    sum: never the upstream gradient times it; ∂J/∂CE = 1 said once."""
    from test_viz_teaching import deep_net_cost_l2

    J = deep_net_cost_l2()
    J.backward()
    src = draw_derivative_graph(J).source
    edges = {(a, b): label for a, b, label in re.findall(r"^\t\"([^\"]+)\" -> \"([^\"]+)\" \[label=<([^>]*)>", src, re.M)}
    assert edges[("∂J/∂CE", "∂J/∂Z3")] == "((A3 - Y)/m)"
    assert edges[("∂J/∂Z3", "dW3")] == "(A2ᵀ (on the right))" and edges[("∂J/∂R", "dW3")] == "((λ/m) W3)"
    assert edges[("∂J/∂Z3", "∂J/∂A2")] == "(W3ᵀ (on the left))"
    assert edges[("∂J/∂A2", "∂J/∂Z2")] == "(relu′(Z2))" and edges[("∂J/∂Z3", "db3")] == "(Σ_columns)"
    assert not any("∂J/∂" in label for label in edges.values()), edges
    assert "Σ_columns: it is summed over the columns" in src
    node = re.search(r'^\t"∂J/∂CE" \[label=<(.*?)> fillcolor', src, re.M).group(1)
    assert "∂J/∂CE = 1<" in node and ">= 1<" not in node.replace("&#160;", " ") and "= 1</FONT>" not in node, node
