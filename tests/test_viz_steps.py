"""The derivative graph and the step data: the notes' names, chain-rule terms, backward's order."""

import re

import numpy as np
import pytest

from autograd_mini import Value, topo_order
from autograd_mini.notes_graph import graph_nodes, logistic_graph
from viz import Step, backprop_steps, draw_derivative_graph
from viz_nets import diamond, two_layer_net


def test_derivative_graph_of_the_notes_logistic_regression():
    L = logistic_graph()
    L.backward()
    src = draw_derivative_graph(L).source
    names = re.findall(r"^\td\d+ \[label=<<B>([^<]+)</B>", src, re.M)
    assert names == ["dL", "dy", "da", "dz", "db", "dwᵀx", "dw2x2", "dx2", "dw2", "dw1x1", "dx1", "dw1"]
    for formula in ("dL = 1 (the seed)", "da = dL · (-y/a + (1 - y)/(1 - a))", "dz = da · a(1 - a)",
                    "db = dz", "dw1 = dw1x1 · x1", "dw2 = dw2x2 · x2"):
        assert formula in src
    edges = re.findall(r"^\td(\d+) -> d(\d+) \[label=<([^>]*)>\]", src, re.M)
    assert len(edges) == 11
    assert ("2", "3", "da · a(1 - a)") in edges  # da -> dz carries the chain-rule factor
    nodes = graph_nodes(L)
    assert f"= {nodes['z'].grad:.4g}<" in src  # dz's value, = a - y


def test_derivative_graph_sums_the_terms_of_a_value_used_twice():
    d = diamond()
    src = draw_derivative_graph(d).source
    assert "da = db · 3 + dc" in src
    assert src.count("not computed yet") == 6  # before backward(): formulas, no values


def test_derivative_graph_of_a_tensor_net_leaves_out_the_data():
    J = two_layer_net()
    J.backward()
    src = draw_derivative_graph(J).source
    assert "<B>dX</B>" not in src and "<B>dY</B>" not in src
    assert "dZ1 = dA1 · (1 if Z1 ≥ 0 else 0)" in src
    assert "dW1 = dv3 · Xᵀ (on the right)" in src  # dW = dZ Xᵀ
    assert "dA1 = dv7 · W2ᵀ (on the left)" in src  # dA_prev = Wᵀ dZ


def test_steps_follow_backward_order_and_sum_to_each_gradient():
    L = logistic_graph()
    L.backward()
    steps = backprop_steps(L)
    assert [s.node for s in steps] == list(reversed(topo_order([L])))
    assert all(isinstance(s, Step) and s.total == 12 for s in steps)
    for s in steps[1:]:
        assert sum(t.value for t in s.terms) == pytest.approx(s.value)
    nodes = graph_nodes(L)
    dz = next(s for s in steps if s.name == "z")
    assert dz.formula == "dz = da · a(1 - a)"
    assert dz.value == pytest.approx(nodes["a"].data - nodes["y"].data)  # the notes' dz = a - y
    dw1 = next(s for s in steps if s.dname == "dw1")
    assert dw1.terms[0].local == "x1" and dw1.value == pytest.approx(nodes["x1"].data * dz.value)
    assert str(steps[0]) == "step 1/12: dL = 1 (the seed) = 1"


def test_steps_of_a_diamond_and_a_tensor_net():
    d = diamond()
    d.backward()
    da = backprop_steps(d)[-1]
    assert da.formula == "da = db · 3 + dc" and da.value == 15.0
    assert [t.value for t in da.terms] == [9.0, 6.0]  # db·3 = 3·3, dc = b = 6
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


def test_steps_need_backward_and_one_root():
    L = logistic_graph()
    with pytest.raises(RuntimeError, match="backward"):
        backprop_steps(L)
    with pytest.raises(ValueError, match="one root"):
        backprop_steps([L, Value(1.0)])
