"""Models, the fused cost, initialisations, training, predictions, and every bad input of the issue."""
import numpy as np
import pytest

from autograd_mini import (DeepNet, LogisticRegression, Tensor, accuracy, batch_gradient_descent,
                           cross_entropy, gradient_descent_step, initialize_parameters, l2_cost,
                           minibatch_gradient_descent, predict, random_mini_batches, sigmoid_cross_entropy,
                           train)
from autograd_mini.errors import ShapeError
from autograd_mini.nn import as_data


def separable(seed=0, m=200):
    """Two Gaussian blobs in 2-D, well apart: X is (2, m), Y is (1, m)."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, m)) > 0.5).astype(float)
    X = rng.standard_normal((2, m)) * 0.6 + np.where(Y == 1, 1.5, -1.5)
    return X, Y


# ---------------------------------------------------------------- models


def test_deepnet_parameters_shapes_and_names():
    net = DeepNet([5, 4, 3, 1])
    assert list(net.parameters) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [net.parameters[k].shape for k in net.parameters] == [(4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1)]
    assert net.activations == ["relu", "relu", "sigmoid"]
    assert all(p.label == name for name, p in net.parameters.items())


def test_forward_records_the_notes_names():
    net = DeepNet([3, 4, 2], ["tanh", "sigmoid"], seed=0)
    X = np.random.default_rng(0).standard_normal((3, 6))
    A2 = net.forward(X)
    assert [net.cache[k].label for k in ("Z1", "A1", "Z2", "A2")] == ["Z1", "A1", "Z2", "A2"]
    assert net.cache["A2"] is A2 and A2.shape == (2, 6)
    W1, b1 = net.parameters["W1"].data, net.parameters["b1"].data
    np.testing.assert_allclose(net.cache["A1"].data, np.tanh(W1 @ X + b1))
    J = net.cost(X, np.ones((2, 6)))
    assert J.label == "J" and net.cache["Z2"] in J.parents


def test_logistic_regression_layout():
    model = LogisticRegression(4)
    assert model.parameters["w"].shape == (4, 1) and model.parameters["b"].shape == (1, 1)
    assert not model.parameters["w"].data.any()          # zeros by default
    A = model.forward(np.ones((4, 3)))
    np.testing.assert_allclose(A.data, 0.5)
    assert [model.cache[k].label for k in ("Z", "A")] == ["Z", "A"]


def test_initialisations_are_seeded_and_scaled():
    dims = [400, 300, 1]
    small = initialize_parameters(dims, "small_random", seed=1)
    assert np.allclose(small["W1"], initialize_parameters(dims, "small_random", seed=1)["W1"])
    assert not np.allclose(small["W1"], initialize_parameters(dims, "small_random", seed=2)["W1"])
    assert np.std(small["W1"]) == pytest.approx(0.01, rel=0.05)
    assert np.std(initialize_parameters(dims, "he", seed=1)["W1"]) == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    assert np.std(initialize_parameters(dims, "xavier", seed=1)["W1"]) == pytest.approx(np.sqrt(1 / 400), rel=0.05)
    zeros = initialize_parameters(dims, "zeros")
    assert not any(v.any() for v in zeros.values())
    assert not small["b1"].any() and small["b1"].shape == (300, 1)
    net = DeepNet([3, 2, 1], initialization="he", seed=7)
    np.testing.assert_array_equal(net.parameters["W1"].data, initialize_parameters([3, 2, 1], "he", 7)["W1"])


# ---------------------------------------------------------------- costs


def test_fused_cost_matches_the_notes_formula_and_dZ():
    rng = np.random.default_rng(0)
    Z = Tensor(rng.standard_normal((2, 7)))
    Y = Tensor((rng.random((2, 7)) > 0.5).astype(float), requires_grad=False)
    A = 1 / (1 + np.exp(-Z.data))
    J = sigmoid_cross_entropy(Z, Y)
    expected = -np.sum(Y.data * np.log(A) + (1 - Y.data) * np.log(1 - A)) / 7
    assert float(J.data) == pytest.approx(expected, rel=1e-12)
    J.backward()
    np.testing.assert_allclose(Z.grad, (A - Y.data) / 7, rtol=1e-12)     # dZ / m
    plain = cross_entropy(Tensor(A), Y)
    assert float(plain.data) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("z", [1000.0, -1000.0])
def test_saturated_z_keeps_cost_and_gradients_finite(z):
    for y in (0.0, 1.0):
        model = LogisticRegression(1)
        model.set_parameters({"w": [[z]], "b": [[0.0]]})
        J = model.cost(np.array([[1.0]]), np.array([[y]]))
        J.backward()
        wrong = (z > 0) != (y == 1)
        assert float(J.data) == pytest.approx(1000.0 if wrong else 0.0, abs=1e-12)
        assert np.isfinite(model.parameters["w"].grad).all() and np.isfinite(model.parameters["b"].grad).all()
        assert model.parameters["b"].grad[0, 0] == pytest.approx((1.0 if z > 0 else 0.0) - y)


def test_l2_cost_and_its_gradient():
    W1, W2 = Tensor([[1.0, 2.0], [3.0, 4.0]]), Tensor([[-1.0, 0.5]])
    J = l2_cost([W1, W2], m=4, lambd=0.8)
    assert float(J.data) == pytest.approx(0.8 / 8 * (30 + 1.25))
    J.backward()
    np.testing.assert_allclose(W1.grad, 0.2 * W1.data)                 # (λ/m) W
    np.testing.assert_allclose(W2.grad, 0.2 * W2.data)


def test_non_sigmoid_output_outside_zero_one_is_a_clear_error():
    net = DeepNet([2, 1], ["tanh"], initialization="he", seed=0)
    with pytest.raises(ValueError, match="strictly between 0 and 1.*tanh"):
        net.cost(np.array([[1.0, -1.0], [2.0, -2.0]]), np.array([[1.0, 0.0]]))


# ---------------------------------------------------------------- training


def test_training_on_separable_data_reaches_95_percent():
    X, Y = separable()
    net = DeepNet([2, 4, 1], ["tanh", "sigmoid"], initialization="xavier", seed=0)
    history = train(net, X, Y, learning_rate=0.5, epochs=300)
    assert history.per == "iteration" and len(history) == 300
    assert history.costs[-1] < 0.5 * history.costs[0]
    assert accuracy(predict(net, X), Y) >= 0.95
    model = LogisticRegression(2)
    history = train(model, X, Y, learning_rate=0.1, epochs=20, batch_size=32, seed=0)
    assert history.per == "epoch" and len(history) == 20 and len(history.step_costs) == 20 * 7
    assert history.costs[-1] < history.costs[0]
    assert accuracy(predict(model, X), Y) >= 0.95


def test_one_step_is_the_notes_update_rule():
    X, Y = separable(m=10)
    net = DeepNet([2, 3, 1], seed=0)
    before = net.get_parameters()
    net.cost(X, Y, 0.3).backward()
    grads = {k: g.copy() for k, g in net.grads().items()}
    net.zero_grad()
    gradient_descent_step(net, as_data(X), as_data(Y), 0.1, 0.3)
    for name, value in before.items():
        np.testing.assert_allclose(net.parameters[name].data, value - 0.1 * grads[f"d{name}"], rtol=1e-14)


def test_minibatch_with_batch_size_m_equals_batch_descent_step_for_step():
    X, Y = separable(m=50)
    a = DeepNet([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], initialization="he", seed=4)
    b = DeepNet([2, 5, 3, 1], ["relu", "tanh", "sigmoid"], initialization="he", seed=4)
    batch = batch_gradient_descent(a, X, Y, learning_rate=0.3, num_iterations=15, lambd=0.2)
    mini = minibatch_gradient_descent(b, X, Y, learning_rate=0.3, epochs=15, batch_size=50, lambd=0.2, seed=9)
    np.testing.assert_allclose(mini.step_costs, batch.step_costs, rtol=1e-12)
    np.testing.assert_allclose(mini.costs, batch.costs, rtol=1e-12)
    assert mini.initial_cost == pytest.approx(batch.initial_cost, rel=1e-12)
    for name in a.parameters:
        np.testing.assert_allclose(a.parameters[name].data, b.parameters[name].data, rtol=1e-10, atol=1e-14)


def test_mini_batches_are_shuffled_seeded_and_the_last_is_smaller():
    X = np.arange(20.0).reshape(2, 10)
    Y = (np.arange(10) % 2).reshape(1, 10).astype(float)
    batches = random_mini_batches(X, Y, batch_size=4, seed=3)
    assert [b[0].shape[1] for b in batches] == [4, 4, 2]
    columns = np.concatenate([b[0] for b in batches], axis=1)
    assert sorted(columns[0]) == list(range(10)) and list(columns[0]) != list(range(10))
    np.testing.assert_array_equal(columns[1], columns[0] + 10)      # columns stay whole
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches], axis=1)[0], columns[0] % 2)
    again = random_mini_batches(X, Y, batch_size=4, seed=3)
    assert all((p[0] == q[0]).all() for p, q in zip(batches, again))


def test_diverging_cost_names_the_iteration():
    X, Y = separable(m=20)
    net = DeepNet([2, 3, 1], ["relu", "sigmoid"], initialization="he", seed=0)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match=r"at iteration \d+.*learning_rate"):
        train(net, X * 1e100, Y, learning_rate=1e300, epochs=50)
    # the step whose cost is not finite is not applied
    net = DeepNet([2, 3, 1], ["relu", "sigmoid"], initialization="he", seed=1)
    before = net.get_parameters()
    X_bad = X.copy()
    X_bad[0, 0] = np.inf
    with np.errstate(all="ignore"):
        cost = gradient_descent_step(net, X_bad, Y, learning_rate=0.1)
    assert not np.isfinite(cost)
    for name, value in net.get_parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_a_tensor_passed_as_X_never_gets_a_gradient():
    X, Y = separable(m=6)
    X_tensor = Tensor(X)  # requires_grad=True by default
    net = LogisticRegression(2)
    net.cost(X_tensor, Y).backward()
    assert not X_tensor.has_grad and np.all(X_tensor.grad == 0)


def test_progress_bar_on_request(capsys):
    X, Y = separable(m=20)
    train(LogisticRegression(2), X, Y, learning_rate=0.1, epochs=5, progress=True)
    assert "gradient descent" in capsys.readouterr().err
    train(LogisticRegression(2), X, Y, learning_rate=0.1, epochs=500)      # not a terminal: no bar
    assert capsys.readouterr().err == ""


def test_predict_thresholds_at_one_half():
    model = LogisticRegression(1)
    model.set_parameters({"w": [[1.0]], "b": [[0.0]]})
    np.testing.assert_array_equal(predict(model, np.array([[-1.0, -1e-9, 1e-9, 3.0]])), [[0, 0, 1, 1]])
    assert accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 1, 1, 1]])) == 0.75


# ---------------------------------------------------------------- bad input


def test_X_and_Y_with_different_m():
    with pytest.raises(ShapeError, match="X has m = 5 .* Y has m = 4"):
        DeepNet([3, 1]).cost(np.zeros((3, 5)), np.zeros((1, 4)))


def test_X_given_as_m_by_n_x_looks_transposed():
    with pytest.raises(ShapeError, match=r"\(209, 3\).*looks transposed.*X\.T"):
        train(DeepNet([3, 2, 1]), np.zeros((209, 3)), np.zeros((1, 209)), epochs=1)
    with pytest.raises(ShapeError, match="looks transposed"):
        predict(LogisticRegression(3), np.zeros((7, 3)))


def test_Y_outside_zero_one():
    with pytest.raises(ValueError, match=r"only 0 and 1.*0\.5"):
        LogisticRegression(2).cost(np.zeros((2, 3)), np.array([[0.0, 0.5, 1.0]]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X_or_Y(bad):
    X, Y = np.zeros((2, 3)), np.zeros((1, 3))
    X[1, 2] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or inf \(1 entries, the first at \(1, 2\)\)"):
        train(LogisticRegression(2), X, Y, epochs=1)
    Y[0, 1] = bad
    with pytest.raises(ValueError, match="Y contains NaN or inf"):
        LogisticRegression(2).cost(np.zeros((2, 3)), Y)


def test_unknown_activation_or_initialisation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'softplus'.*sigmoid, tanh, relu, leaky_relu"):
        DeepNet([2, 3, 1], ["softplus", "sigmoid"])
    with pytest.raises(ValueError, match="unknown initialization 'glorot'.*small_random, he, xavier, zeros"):
        DeepNet([2, 3, 1], initialization="glorot")


@pytest.mark.parametrize("dims, match", [([3], "at least two"), ([], "at least two"),
                                         ([3, 0, 1], r"layer_dims\[1\] = 0"), ([3, -2], r"layer_dims\[1\] = -2"),
                                         ([3, 2.5, 1], "positive integer")])
def test_bad_layer_dims(dims, match):
    with pytest.raises(ValueError, match=match):
        DeepNet(dims)


def test_activations_count_must_match_layers():
    with pytest.raises(ValueError, match="got 3 activations for L = 2 layers"):
        DeepNet([2, 3, 1], ["relu", "relu", "sigmoid"])


@pytest.mark.parametrize("alpha", [0, -0.1])
def test_learning_rate_must_be_positive(alpha):
    X, Y = separable(m=4)
    with pytest.raises(ValueError, match="learning_rate α must be > 0"):
        train(LogisticRegression(2), X, Y, learning_rate=alpha, epochs=1)


@pytest.mark.parametrize("size", [0, -3])
def test_batch_size_at_least_one(size):
    X, Y = separable(m=4)
    with pytest.raises(ValueError, match="batch_size must be ≥ 1"):
        train(LogisticRegression(2), X, Y, epochs=1, batch_size=size)
    with pytest.raises(TypeError, match="batch_size must be a whole number"):
        train(LogisticRegression(2), X, Y, epochs=1, batch_size=2.5)


def test_epochs_error_says_epochs():
    X, Y = separable(m=4)
    with pytest.raises(ValueError, match="epochs must be ≥ 1"):
        train(LogisticRegression(2), X, Y, epochs=0)


def test_Y_must_be_two_dimensional_and_match_n_L():
    with pytest.raises(ShapeError, match=r"Y\.reshape\(1, -1\)"):
        LogisticRegression(2).cost(np.zeros((2, 3)), np.zeros(3))
    with pytest.raises(ShapeError, match="n_L = 2 rows.*n_L = 1"):
        LogisticRegression(2).cost(np.zeros((2, 3)), np.zeros((2, 3)))
