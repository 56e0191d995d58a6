"""The notes' single-example graph of Values: after backward() every node holds the notes' derivative."""
import math

import pytest
from hypothesis import given, strategies as st

from autograd_mini.notes_graph import graph_nodes, logistic_graph

finite = st.floats(-3.0, 3.0, allow_nan=False)


def check_notes_derivatives(x, w, b, y):
    L = logistic_graph(x, w, b, y)
    L.backward()
    nodes = graph_nodes(L)
    a = nodes["a"].data
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    assert nodes["z"].data == pytest.approx(z, abs=1e-12)
    assert a == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-12)
    dz = a - y
    assert nodes["a"].grad == pytest.approx(-y / a + (1 - y) / (1 - a), rel=1e-9)   # da
    assert nodes["z"].grad == pytest.approx(dz, abs=1e-12)                          # dz = a − y
    assert nodes["b"].grad == pytest.approx(dz, abs=1e-12)                          # db = dz
    for i, xi in enumerate(x, start=1):
        assert nodes[f"w{i}"].grad == pytest.approx(xi * dz, abs=1e-12)              # dw_i = x_i · dz
        assert nodes[f"x{i}"].grad == 0.0 and not nodes[f"x{i}"].requires_grad          # data: no gradient


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_notes_example_n_x_2(y):
    check_notes_derivatives((1.0, 2.0), (0.5, -0.25), 0.1, y)


@given(n_x=st.integers(1, 6), data=st.data(), b=finite, y=st.sampled_from([0.0, 1.0]))
def test_any_n_x(n_x, data, b, y):
    x = data.draw(st.lists(finite, min_size=n_x, max_size=n_x))
    w = data.draw(st.lists(finite, min_size=n_x, max_size=n_x))
    check_notes_derivatives(x, w, b, y)


def test_labels_are_the_notes_symbols():
    nodes = graph_nodes(logistic_graph())
    assert list(nodes) == ["w1", "x1", "w2", "x2", "b", "z", "a", "y", "L"]
    assert nodes["z"].parents == tuple(nodes[name] for name in ("w1", "x1", "w2", "x2", "b"))  # z = wᵀx + b
