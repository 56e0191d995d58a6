"""The library's formula at each slip of the notes (docs/notes-errata.md names these tests).

Each test computes the formula the notes mean by hand, from the forward pass's own arrays, and
checks the library (autodiff, the models, shapes, conv2d, training) against it; where the slip
as written can be evaluated, it checks that the library does not follow it.
"""

import math

import numpy as np
import pytest

from autograd_mini import (DeepNet, LogisticRegression, ShapeError, Tensor, Value, analytic, conv2d,
                           cross_entropy, gradient_descent_step, l2_cost, minibatch_gradient_descent, one_hot, random_mini_batches,
                           shapes, train)
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


# ------------------------------------------------------------------ the slips the first nine entries left out


def test_the_cost_and_da_take_the_output_layers_A_L():
    # the notes write a[l](i) in J and A[l] in da; both are the output layer's A[L]
    net, X, Y, c, W = backpropagated_net()
    A3 = c["A3"]
    J_by_hand = -np.mean(np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3), axis=0))
    assert net.cost(X, Y).item() == pytest.approx(J_by_hand, rel=1e-12)
    AL = net.forward(X)                                      # the output node A[L], as the notes' da takes it
    cross_entropy(AL, Tensor(Y, requires_grad=False)).backward()
    dA = -(np.divide(Y, AL.data) - np.divide(1 - Y, 1 - AL.data))
    np.testing.assert_allclose(X.shape[1] * AL.grad, dA, rtol=1e-12)


def test_each_example_has_its_own_dw_and_db_and_J_takes_their_mean():
    # the notes write (x(i), y(i)) = dw1(i), dw2(i), db(i): example i *gives* dw1(i) = x1(i) dz(i), …, db(i) = dz(i)
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((2, 9)), (rng.random((1, 9)) > 0.5) * 1.0
    w, b = np.array([[0.4], [-0.7]]), 0.2
    per_example = [analytic.single_example(X[:, i], w[:, 0], b, Y[0, i]) for i in range(9)]
    loop = analytic.logistic_loop(X, Y, w, b)
    np.testing.assert_allclose(loop["dw"][:, 0], np.mean([e["dw"] for e in per_example], axis=0), rtol=1e-12)
    assert loop["db"] == pytest.approx(np.mean([e["db"] for e in per_example]), rel=1e-12)


def test_the_layer_goes_in_square_brackets_and_the_example_in_round_ones():
    # the notes label W[l] n_h^(l) × n_h^(l−1), with the example's round brackets: W[l] has no example index
    net, X, Y, c, W = backpropagated_net()
    for i in range(X.shape[1]):  # example i alone through the same W[1]: column i, a[1](i)
        alone = DeepNet([3, 4, 5, 2], ["tanh", "relu", "sigmoid"])
        alone.set_parameters(net.get_parameters())
        alone.forward(X[:, [i]])
        np.testing.assert_allclose(alone.cache["A1"].data, c["A1"][:, [i]], rtol=1e-12)


def test_logistic_regression_is_w_transposed_X_plus_b():
    # the notes write Z = (w^(l))ᵀ X + B for logistic regression, which has one w and no layer l
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, 6))
    model = LogisticRegression(3, initialization="small_random", seed=0)
    model.forward(X)
    w, b = model.parameters["w"].data, model.parameters["b"].data
    np.testing.assert_allclose(model.cache["Z"].data, w.T @ X + b, rtol=1e-12)
    assert analytic.logistic_vectorized(X, np.ones((1, 6)), w, b)["Z"].shape == (1, 6)


def test_dw_is_one_over_m_times_the_sum_of_x_i_dz_i():
    # the notes' middle term [x(1)dz(1) + ⋯ + x(m)dz(m)] drops the 1/m that both ends of the line carry
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((2, 8)), (rng.random((1, 8)) > 0.5) * 1.0
    w, b = np.array([[0.3], [0.1]]), -0.1
    result = analytic.logistic_vectorized(X, Y, w, b)
    total = sum(X[:, [i]] * result["dZ"][0, i] for i in range(8))
    np.testing.assert_allclose(result["dw"], total / 8, rtol=1e-12)
    assert not np.allclose(result["dw"], total)


def test_unit_j_has_the_weight_row_w_j_transposed_and_one_bias_number():
    # the notes label w_j[l] 1 × n_h[l−1] and call b_j[l] a vector: w_j is a column whose transpose is row j of
    # W[l], and b_j[l] is one number, entry j of b[l]
    net, X, Y, c, W = backpropagated_net()
    b1 = net.parameters["b1"].data
    assert b1.shape == (4, 1)
    for j in range(4):
        w_j = W[1][j, :].reshape(-1, 1)                          # n[0] × 1
        z_j = (w_j.T @ X + b1[j, 0])[0]                          # b_j: a number, added to every example
        np.testing.assert_allclose(c["Z1"][j], z_j, rtol=1e-12)


def test_one_examples_activation_is_n_l_by_1():
    # the notes label a[l−1] 1 × n_h[l−1] × 1; one example's a[l−1] is a column of n[l−1] numbers
    net, X, Y, c, W = backpropagated_net()
    a1 = c["A1"][:, [0]]
    assert a1.shape == (4, 1) and (W[2] @ a1).shape == (5, 1)


def test_b_l_holds_layer_ls_own_biases():
    # the notes write b[l] = [b_1[1]; …; b_j[1]], with layer 1's superscript
    net = DeepNet([3, 4, 5, 2], seed=0)
    assert [net.parameters[f"b{l}"].shape for l in (1, 2, 3)] == [(4, 1), (5, 1), (2, 1)]


def test_b_l_is_n_l_by_1_and_is_added_to_every_column():
    # the notes label b[1] n_h[1] × m in the vectorized forward pass; b[1] is n[1] × 1, broadcast over the m columns
    net, X, Y, c, W = backpropagated_net()
    b1 = net.parameters["b1"].data
    assert b1.shape == (4, 1)
    np.testing.assert_allclose(c["Z1"] - W[1] @ X, np.repeat(b1, X.shape[1], axis=1), atol=1e-15)


def test_the_vectorized_forward_pass_multiplies_by_A_prev():
    # the notes write Z[1] = W[1] + b[1] (and Z[L] = W[L] + b[L]) without the A[0], A[L−1] they multiply
    net, X, Y, c, W = backpropagated_net()
    b = {l: net.parameters[f"b{l}"].data for l in (1, 2, 3)}
    np.testing.assert_allclose(c["Z1"], W[1] @ X + b[1], rtol=1e-12)
    np.testing.assert_allclose(c["Z3"], W[3] @ c["A2"] + b[3], rtol=1e-12)


def test_each_layer_applies_g_to_its_own_Z():
    # the notes replace σ(Z[l]) by g(Z[1]); A[l] = g[l](Z[l]) for every layer l
    net, X, Y, c, W = backpropagated_net()
    np.testing.assert_allclose(c["A1"], np.tanh(c["Z1"]), rtol=1e-12)
    np.testing.assert_allclose(c["A2"], np.maximum(0, c["Z2"]), rtol=1e-12)


def test_the_cost_is_the_mean_not_the_sum():
    # the notes write −(1/m) Σ y log a = −np.sum(np.multiply(np.log(A), Y)), losing the 1/m
    rng = np.random.default_rng(6)
    A, Y = rng.uniform(0.1, 0.9, (1, 10)), (rng.random((1, 10)) > 0.5) * 1.0
    J = analytic.compute_cost(A, Y)
    total = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert J == pytest.approx(total / 10, rel=1e-12) and J != pytest.approx(total)


def test_each_row_of_Y_is_its_own_output_units_labels():
    # the notes draw Y (n_h[L] × m) with every row the same y(1) … y(m); row k holds unit k's labels
    Y = one_hot([2, 0, 1, 2], 3)
    assert Y.shape == (3, 4) and len({tuple(row) for row in Y}) == 3
    net = DeepNet([2, 3, 2], seed=0)
    X = np.array([[1.0, -1.0, 0.5], [0.2, 0.3, -2.0]])
    Y2 = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])     # two units, two different rows of labels
    J = net.cost(X, Y2).item()
    A = net.predict_proba(X)
    assert J == pytest.approx(-np.mean(np.sum(Y2 * np.log(A) + (1 - Y2) * np.log(1 - A), axis=0)), rel=1e-12)


def test_db_has_one_entry_per_unit():
    # the notes label db[L] "(n_h[L] × m)?"; the sum over the examples (axis 1, keepdims) leaves n[L] × 1
    net, X, Y, c, W = backpropagated_net()
    AL, caches = analytic.L_model_forward(X, net.get_parameters(), net.activations)
    grads = analytic.L_model_backward(AL, Y, caches, net.get_parameters(), net.activations)
    assert [grads[f"db{l}"].shape for l in (1, 2, 3)] == [(4, 1), (5, 1), (2, 1)]
    assert [net.parameters[f"b{l}"].grad.shape for l in (1, 2, 3)] == [(4, 1), (5, 1), (2, 1)]


def test_a_step_updates_W_and_b():
    # the notes update "W[l] and h[l]"; every W[l] and b[l] moves by −α times its gradient
    net, X, Y, c, W = backpropagated_net()
    before = net.get_parameters()
    grads = {name: p.grad.copy() for name, p in net.parameters.items()}
    gradient_descent_step(net, X, Y, 0.1)
    for name in ("W1", "b1", "W3", "b3"):
        np.testing.assert_allclose(net.parameters[name].data, before[name] - 0.1 * grads[name], rtol=1e-12)


def test_the_l2_term_squares_each_W_not_its_name():
    # the notes' loop squares the string "W" + str(l); the term squares the array W[l]
    net, X, Y, c, W = backpropagated_net()
    parameters = net.get_parameters()
    expected = sum(float(np.sum(np.square(parameters["W" + str(l)]))) for l in (1, 2, 3))
    assert analytic.l2_regularization_cost([parameters["W" + str(l)] for l in (1, 2, 3)], 7, 1.4) \
        == pytest.approx(0.1 * expected, rel=1e-12)
    with pytest.raises(TypeError):
        np.square("W" + str(1))  # the notes' line as written: numpy cannot square a name


def test_a_gradient_has_the_shape_of_its_parameter():
    # the notes write each shape as a denominator, dW[L]/(n_h[L] × n_h[L−1]); dW[l] has W[l]'s shape
    net, X, Y, c, W = backpropagated_net()
    m = X.shape[1]
    for l in (1, 2, 3):
        assert net.parameters[f"W{l}"].grad.shape == W[l].shape
    np.testing.assert_allclose(net.parameters["W3"].grad, (1 / m) * (c["A3"] - Y) @ c["A2"].T, rtol=1e-12)


def test_a_mini_batchs_Z_has_a_column_per_example_of_the_mini_batch():
    # the notes label Z[1] n_h[1] × m while X{t} is n_h[0] × chunksize: Z[1] of a mini-batch is n[1] × its size
    X, Y = make_flower(m=100, seed=0)
    net = DeepNet([2, 4, 1], seed=0)
    shapes_seen = []
    minibatch_gradient_descent(net, X, Y, epochs=1, batch_size=32, seed=0,
                               on_step=lambda model: shapes_seen.append(model.cache["Z1"].shape))
    assert shapes_seen == [(4, 32), (4, 32), (4, 32), (4, 4)]


def test_each_step_differentiates_its_own_mini_batch_cost():
    # the notes: "gradients with respect to J{t}"; the step takes the gradients *of* J{t} with respect to W, b
    X, Y = make_flower(m=100, seed=1)
    X_1, Y_1 = random_mini_batches(X, Y, 25, np.random.default_rng(3))[0]
    first = {}
    net = DeepNet([2, 4, 1], seed=0)
    minibatch_gradient_descent(net, X, Y, learning_rate=0.1, epochs=1, batch_size=25, lambd=0.5, seed=3,
                               on_step=lambda model: first or first.update(
                                   {name: grad.copy() for name, grad in model.grads().items()}))
    fresh = DeepNet([2, 4, 1], seed=0)
    fresh.cost(X_1, Y_1, 0.5).backward()
    for name, grad in fresh.grads().items():
        np.testing.assert_allclose(first[name], grad, rtol=1e-12)


def test_the_output_side_is_the_floor_of_the_quotient_plus_one():
    # the notes write |(n + 2p − f)/s + 1| (bars, as for an absolute value) where they mean ⌊(n + 2p − f)/s⌋ + 1
    n, f, p, s = 6, 3, 0, 2                                  # (6 − 3)/2 + 1 = 2.5
    assert shapes.conv_output_size(n, f, p, s) == math.floor((n + 2 * p - f) / s) + 1 == 2
    A = Tensor(np.ones((1, n, n, 1)), requires_grad=False)
    assert conv2d(A, Tensor(np.ones((f, f, 1, 1))), Tensor(np.zeros((1, 1, 1, 1))), stride=s).shape == (1, 2, 2, 1)


def test_n_c_is_the_inputs_channels_and_the_filters_depth_not_their_number():
    # the notes call the input's n_c "the number of Filters"; the number of filters is n_c′, W's last axis
    A = Tensor(np.ones((2, 5, 5, 3)), requires_grad=False)
    Z = conv2d(A, Tensor(np.ones((3, 3, 3, 7))), Tensor(np.zeros((1, 1, 1, 7))))
    assert Z.shape == (2, 3, 3, 7)                          # 7 filters, each 3 × 3 × n_c with n_c = 3
    with pytest.raises(ShapeError, match="the filters' depth must equal the input's number of channels"):
        conv2d(A, Tensor(np.ones((3, 3, 7, 3))), Tensor(np.zeros((1, 1, 1, 3))))


def test_a_conv_layers_parameters_are_f_f_n_c_prev_plus_1_times_n_c():
    # the notes ask for "a convolution layer with f filters" (f is the filter's side) and stop there
    assert shapes.conv_param_count(f=5, n_c_prev=3, n_c=10) == (5 * 5 * 3 + 1) * 10 == 760
    W, b = np.ones((5, 5, 3, 10)), np.ones((1, 1, 1, 10))
    assert W.size + b.size == 760
