"""The library's formula at each slip of the notes (docs/notes-errata.md names these tests).

Each test computes the formula the notes mean by hand, from the forward pass's own arrays, and
checks the library (autodiff, the models, shapes, conv2d, training) against it; where the slip
as written can be evaluated, it checks that the library does not follow it.
"""

import math

import numpy as np
import pytest

from autograd_mini import (DeepNet, Tensor, Value, conv2d, l2_cost, minibatch_gradient_descent,
                           random_mini_batches, shapes, train)
from autograd_mini.datasets import make_flower
from autograd_mini.notes_graph import graph_nodes, logistic_graph


def backpropagated_net(seed=0, m=7, lambd=0.0):
    """DeepNet([3, 4, 5, 2]) (no square W) after J.backward() on random (X, Y)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (rng.random((2, m)) > 0.5).astype(float)
    net = DeepNet([3, 4, 5, 2], ["tanh", "relu", "sigmoid"], seed=seed)
    net.cost(X, Y, lambd).backward()
    c = {name: node.data for name, node in net.cache.items()}
    c["A3"] = 1 / (1 + np.exp(-c["Z3"]))  # the fused cost stops at Z[L]; A[L] = σ(Z[L])
    W = {l: net.parameters[f"W{l}"].data for l in (1, 2, 3)}
    return net, X, Y, c, W


def test_z_is_w_transposed_x_plus_b():
    # the notes' first line reads z = wᵀx + i
    x, w, b = (1.5, -2.0), (0.8, 0.3), -0.2
    nodes = graph_nodes(logistic_graph(x, w, b, 1.0))
    assert nodes["z"].data == pytest.approx(w[0] * x[0] + w[1] * x[1] + b, abs=1e-15)


def test_da_is_minus_y_over_a_plus_one_minus_y_over_one_minus_a():
    # the notes' da chain ends in −y / (1 − σ(wᵀx + b)); the derivative is −y/a + (1 − y)/(1 − a)
    for a_value, y in [(0.3, 1.0), (0.3, 0.0), (0.8, 1.0)]:
        a = Value(a_value)
        a.cross_entropy(y).backward()
        assert a.grad == pytest.approx(-y / a_value + (1 - y) / (1 - a_value), rel=1e-12)
        if y == 1.0:
            assert a.grad != pytest.approx(-y / (1 - a_value))


def test_sigmoid_prime_is_a_times_one_minus_a():
    # the notes' middle step g(z)·(1/(1 + e^(−z))) is a², not a(1 − a)
    Z = Tensor(np.array([-2.0, -0.5, 0.0, 0.7, 3.0]))
    A = Z.sigmoid()
    A.sum().backward()
    np.testing.assert_allclose(Z.grad, A.data * (1 - A.data), rtol=1e-12)
    assert not np.allclose(Z.grad, A.data ** 2)


def test_W_l_is_n_l_by_n_l_minus_1():
    # the vectorization section labels W[l] n_h[l] × n_h[l]
    net = DeepNet([3, 4, 5, 2])
    assert [net.parameters[f"W{l}"].shape for l in (1, 2, 3)] == [(4, 3), (5, 4), (2, 5)]


def test_dW_is_one_over_m_dZ_times_A_prev_transposed():
    # the notes write dZ[L] = A[L] A[L−1]ᵀ (and dZ[L−1] = (1/m) dZ[L−1] A[L−2]ᵀ) where they mean dW
    net, X, Y, c, W = backpropagated_net()
    m = X.shape[1]
    dZ3 = c["A3"] - Y
    np.testing.assert_allclose(net.parameters["W3"].grad, (1 / m) * dZ3 @ c["A2"].T, rtol=1e-12)
    dZ2 = (W[3].T @ dZ3) * (c["Z2"] >= 0)
    np.testing.assert_allclose(net.parameters["W2"].grad, (1 / m) * dZ2 @ c["A1"].T, rtol=1e-12)
    # the notes' left-hand side as written, A[L] A[L−1]ᵀ, is neither dW[L] nor m·dW[L]
    assert not np.allclose(m * net.parameters["W3"].grad, c["A3"] @ c["A2"].T)


def test_dZ_prev_is_W_transposed_dZ_times_g_prime():
    # the notes write dZ[L−1] = dZ[L] dZ[L]; they mean dZ[L−1] = W[L]ᵀ dZ[L] ∗ g′[L−1](Z[L−1])
    net, X, Y, c, W = backpropagated_net(seed=1)
    m = X.shape[1]
    dZ3 = c["A3"] - Y
    dZ2 = (W[3].T @ dZ3) * (c["Z2"] >= 0)               # relu′
    dZ1 = (W[2].T @ dZ2) * (1 - c["A1"] ** 2)           # tanh′ = 1 − a²
    # autodiff holds ∂J/∂Z[l] = dZ[l] / m (the notes' dZ is per example)
    np.testing.assert_allclose(m * net.cache["Z2"].grad, dZ2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m * net.cache["Z1"].grad, dZ1, rtol=1e-12, atol=1e-15)


def test_the_l2_term_sums_every_layers_W():
    # the notes' mini-batch cost writes Σ_l ‖W[2]‖²_F; the sum runs over W[l]
    net, X, Y, c, W = backpropagated_net()
    m, lambd = X.shape[1], 0.7
    expected = lambd / (2 * m) * sum(float(np.sum(W[l] ** 2)) for l in (1, 2, 3))
    assert l2_cost(net.weights(), m, lambd).item() == pytest.approx(expected, rel=1e-12)
    J_with, J_without = net.cost(X, Y, lambd).item(), net.cost(X, Y).item()
    assert J_with - J_without == pytest.approx(expected, rel=1e-10)
    assert J_with - J_without != pytest.approx(3 * lambd / (2 * m) * float(np.sum(W[2] ** 2)), rel=1e-3)


def test_a_mini_batch_cost_sums_over_its_own_examples():
    # the notes' J{t} = (1/1000) Σ_{i=1}^{l} L + …: the sum runs over the mini-batch's 1000 examples
    X, Y = make_flower(m=100, seed=0)
    lambd, size = 0.4, 32
    first_X, first_Y = random_mini_batches(X, Y, size, np.random.default_rng(5))[0]
    net = DeepNet([2, 4, 1], seed=0)
    J_first = net.cost(first_X, first_Y, lambd).item()
    A = net.predict_proba(first_X)
    by_hand = (-np.mean(first_Y * np.log(A) + (1 - first_Y) * np.log(1 - A))
               + lambd / (2 * size) * sum(float(np.sum(Wl.data ** 2)) for Wl in net.weights()))
    assert J_first == pytest.approx(by_hand, rel=1e-12)
    history = minibatch_gradient_descent(net, X, Y, learning_rate=0.1, epochs=1, batch_size=size, lambd=lambd, seed=5)
    assert history.step_costs[0] == pytest.approx(J_first, rel=1e-12)


def test_an_epoch_is_m_over_the_batch_size_steps():
    # the notes: one epoch is "however the chunksize is" steps; it is ⌈m / batch size⌉ steps
    X, Y = make_flower(m=1000, seed=0)
    for size, steps in [(64, 16), (1000, 1), (100, 10)]:
        history = train(DeepNet([2, 3, 1], seed=0), X, Y, learning_rate=0.1, epochs=2, batch_size=size, seed=0)
        assert len(history.step_costs) == 2 * steps == 2 * math.ceil(1000 / size)
    assert math.ceil(5_000_000 / 1000) == 5000      # the notes' own: 5000 mini-batches of 1000


def test_the_output_volume_has_one_channel_per_filter():
    # the notes' case one writes (n − f + 1) × (n − f + 1) × n_c; the depth is n_c′, the number of filters
    n, f, n_c, n_c_filters = 6, 3, 3, 2
    A = Tensor(np.random.default_rng(0).standard_normal((4, n, n, n_c)), requires_grad=False)
    Z = conv2d(A, Tensor(np.ones((f, f, n_c, n_c_filters))), Tensor(np.zeros((1, 1, 1, n_c_filters))))
    assert Z.shape == (4, n - f + 1, n - f + 1, n_c_filters)
    assert shapes.conv_output_volume((n, n, n_c), f=f, n_c=n_c_filters) == (4, 4, 2)
