"""The rest of a learner's toolbox, each checked three ways: softmax, dropout, batch norm, the optimizers."""
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from autograd_mini import (DeepNet, LogisticRegression, Tensor, accuracy, analytic, compare, from_one_hot,
                           gradient_descent_step, one_hot, predict, relative_difference, train)
from autograd_mini.functional import softmax, softmax_cross_entropy
from autograd_mini.nn import BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, as_data
from autograd_mini.optim import Adam, GradientDescent, Momentum, RMSprop, make_optimizer
from autograd_mini.validate import ACTIVATIONS


def classes(rng, K, m):
    return one_hot(rng.integers(0, K, m), K)


def assert_three_ways(report):
    """compare's verdict, and the issue's tolerances spelled out: closed form 1e-10, numeric 1e-6."""
    assert report.passed, str(report)
    for row in report.rows:
        assert (row.relative["autodiff-closed_form"] <= 1e-10
                or row.max_abs["autodiff-closed_form"] <= report.atol_closed_form), row.name
        numeric = row.relative["autodiff-numeric"]
        assert numeric is None or numeric <= 1e-6 or row.max_abs["autodiff-numeric"] <= report.atol_numeric, row.name


@st.composite
def toolbox_nets(draw, dropout=False, batch_norm=False, output=None):
    depth = draw(st.integers(1 if not dropout else 2, 4))
    output = output or draw(st.sampled_from(["sigmoid", "softmax"]))
    hidden_dims = [draw(st.integers(1, 6)) for _ in range(depth - 1)]
    n_L = draw(st.integers(2, 5)) if output == "softmax" else draw(st.integers(1, 3))
    dims = [draw(st.integers(1, 6))] + hidden_dims + [n_L]
    activations = [draw(st.sampled_from(ACTIVATIONS)) for _ in range(depth - 1)] + [output]
    options = {}
    if dropout:
        options["keep_prob"] = [draw(st.sampled_from([0.5, 0.7, 0.9, 1.0])) for _ in range(depth - 1)]
    if batch_norm:
        options["batch_norm"] = [draw(st.booleans()) for _ in range(depth)]
    m = draw(st.integers(2 if batch_norm else 1, 32))
    lambd = draw(st.sampled_from([0.0, 0.1, 2.5]))
    seed = draw(st.integers(0, 2**31))
    return dims, activations, options, m, lambd, seed


def data_for(dims, activations, m, rng):
    X = rng.standard_normal((dims[0], m))
    Y = classes(rng, dims[-1], m) if activations[-1] == "softmax" else (rng.random((dims[-1], m)) > 0.5) * 1.0
    return X, Y


# ------------------------------------------------------------------------------------ three ways


@given(toolbox_nets(output="softmax"))
def test_softmax_nets_three_ways(spec):
    dims, activations, options, m, lambd, seed = spec
    rng = np.random.default_rng(seed)
    X, Y = data_for(dims, activations, m, rng)
    assert_three_ways(compare(DeepNet(dims, activations, seed=seed), X, Y, lambd))


@given(toolbox_nets(dropout=True))
def test_dropout_nets_three_ways_with_fixed_masks(spec):
    dims, activations, options, m, lambd, seed = spec
    rng = np.random.default_rng(seed)
    X, Y = data_for(dims, activations, m, rng)
    net = DeepNet(dims, activations, seed=seed, **options)
    report = compare(net, X, Y, lambd)
    assert_three_ways(report)
    if net.keep_prob:
        assert any("masks D[l] were drawn once" in note for note in report.notes)


def assume_well_conditioned_batch_norm(net, X, Y):
    """Central differences cannot judge a batch-norm layer whose Z hardly varies over the batch: Ẑ
    divides by sqrt(σ² + ε), so a step ε in a parameter moves Ẑ by up to ε/σ, and the difference's
    error (∝ the third derivative) grows as 1/σ³. Such draws are left out, not the tolerances widened."""
    net.cost(X, Y)
    for l in net.batch_norm:
        assume(net.cache[f"Z{l}"].data.std(axis=1).min() > 0.05)


@given(toolbox_nets(batch_norm=True))
def test_batch_norm_nets_three_ways(spec):
    dims, activations, options, m, lambd, seed = spec
    rng = np.random.default_rng(seed)
    X, Y = data_for(dims, activations, m, rng)
    net = DeepNet(dims, activations, seed=seed, **options)
    assume_well_conditioned_batch_norm(net, X, Y)
    report = compare(net, X, Y, lambd)
    assert_three_ways(report)
    names = [row.name for row in report.rows]
    for l in net.batch_norm:
        assert {f"gamma{l}", f"beta{l}"} <= set(names) and f"b{l}" not in names
    if m >= 3:
        assert max(report.dZ_check.values()) < 1e-9  # m · ∂J/∂Z[l] is the closed form's dZ[l], before the norm too
    else:
        assert_dZ_within_the_scale_of_what_cancels(net, X, Y, lambd)


def assert_dZ_within_the_scale_of_what_cancels(net, X, Y, lambd):
    """m · ∂J/∂Z[l] against the closed form's dZ[l] for a batch of m = 2, to an absolute tolerance.

    With two examples Ẑ = ±sqrt(σ²/(σ² + ε)), so dZ = (1/σ)(dẐ − mean(dẐ) − Ẑ ∗ mean(dẐ ∗ Ẑ)) is what
    is left when terms of size |dẐ|/σ cancel to a fraction ε/(σ² + ε) of it: rounding in those terms,
    not a wrong gradient, sets its relative difference (seen up to 3.5e-7). So each dZ[l] is judged
    against the size it would have without the cancellation (batch norm passing back dẐ/σ alone).
    """
    m = X.shape[1]
    values = net.get_parameters()
    AL, caches = analytic.L_model_forward(X, values, net.activations)
    closed = analytic.L_model_backward(AL, Y, caches, values, net.activations, lambd)
    with mock.patch.object(analytic, "batchnorm_backward",
                           lambda dZ_tilde, cache: (cache["gamma"] * dZ_tilde / cache["sigma"], None, None)):
        uncancelled = analytic.L_model_backward(AL, Y, caches, values, net.activations, lambd)
    net.zero_grad()
    net.cost(X, Y, lambd).backward()
    for l in range(1, net.L + 1):
        autodiff = m * net.cache[f"Z{l}"].grad
        scale = np.max(np.abs(uncancelled[f"dZ{l}"]))
        assert np.max(np.abs(autodiff - closed[f"dZ{l}"])) <= 1e-12 * scale + 1e-15, f"dZ{l}"


@settings(max_examples=15)
@given(toolbox_nets(dropout=True, batch_norm=True))
def test_dropout_and_batch_norm_together_three_ways(spec):
    dims, activations, options, m, lambd, seed = spec
    rng = np.random.default_rng(seed)
    X, Y = data_for(dims, activations, m, rng)
    net = DeepNet(dims, activations, seed=seed, **options)
    assume_well_conditioned_batch_norm(net, X, Y)
    assert_three_ways(compare(net, X, Y, lambd))


def _break(monkeypatch, name, wrong):
    real = getattr(analytic, name)
    monkeypatch.setattr(analytic, name, lambda *args, **kwargs: wrong(real(*args, **kwargs), *args))


def test_a_wrong_batch_norm_backward_fails_the_comparison(monkeypatch):
    # the learners' classic slip: dZ = γ dZ̃ / σ, forgetting what μ and σ² send back
    def without_the_means(result, dZ_tilde, cache):
        dZ, dgamma, dbeta = result
        return cache["gamma"] * dZ_tilde / cache["sigma"], dgamma, dbeta

    _break(monkeypatch, "batchnorm_backward", without_the_means)
    rng = np.random.default_rng(0)
    net = DeepNet([3, 4, 2], ["tanh", "softmax"], seed=0, batch_norm=True)
    report = compare(net, rng.standard_normal((3, 8)), classes(rng, 2, 8))
    assert not report.passed and [row.name for row in report.rows if not row.passed] == ["W1"]


def test_a_wrong_dropout_backward_fails_the_comparison(monkeypatch):
    _break(monkeypatch, "dropout_backward", lambda result, dA, D, keep_prob: dA * D)  # forgot / keep_prob
    rng = np.random.default_rng(1)
    net = DeepNet([3, 4, 1], ["tanh", "sigmoid"], seed=0, keep_prob=0.5)
    report = compare(net, rng.standard_normal((3, 8)), (rng.random((1, 8)) > 0.5) * 1.0)
    assert not report.passed and {"W1", "b1"} == {row.name for row in report.rows if not row.passed}


def test_compare_leaves_a_batch_norm_net_as_it_was():
    rng = np.random.default_rng(2)
    net = DeepNet([3, 4, 3], ["relu", "softmax"], seed=0, batch_norm=True, keep_prob=0.8)
    before = net.get_parameters()
    compare(net, rng.standard_normal((3, 6)), classes(rng, 3, 6))
    for name, value in before.items():
        np.testing.assert_array_equal(net.parameters[name].data, value)
    np.testing.assert_array_equal(net.running_mean[1], 0.0)
    np.testing.assert_array_equal(net.running_var[1], 1.0)


# ------------------------------------------------------------------------------------ softmax


def test_softmax_and_its_cost_stay_finite_at_1000():
    Z = Tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 0.0]], label="Z")
    Y = Tensor(one_hot([0, 0, 2], 3), requires_grad=False)
    A = softmax(Z)
    assert np.isfinite(A.data).all()
    np.testing.assert_allclose(A.data.sum(axis=0), 1.0, rtol=0, atol=1e-15)  # each example's column sums to 1
    np.testing.assert_allclose(A.data[:, 2], 1 / 3)
    J = softmax_cross_entropy(Z, Y)
    # column 0 is right with certainty (loss 0), column 1 wrong by 2000, column 2 uniform (log 3)
    assert float(J.data) == pytest.approx((0 + 2000 + np.log(3)) / 3, rel=1e-14)
    J.backward()
    assert np.isfinite(Z.grad).all()
    np.testing.assert_allclose(Z.grad, (A.data - Y.data) / 3, atol=1e-15)  # dZ = (A − Y) / m
    np.testing.assert_allclose(analytic.softmax(Z.data), A.data, atol=1e-15)


@given(st.integers(2, 6), st.integers(1, 8), st.integers(0, 2**31))
def test_the_softmax_node_backward_is_its_jacobian(K, m, seed):
    rng = np.random.default_rng(seed)
    Z = Tensor(rng.standard_normal((K, m)) * 3)
    G = rng.standard_normal((K, m))
    A = softmax(Z)
    A.backward(G)
    for i in range(m):  # ∂a_k/∂z_j = a_k (δ_kj − a_j), per column
        a = A.data[:, i]
        np.testing.assert_allclose(Z.grad[:, i], (np.diag(a) - np.outer(a, a)).T @ G[:, i], atol=1e-13)
    np.testing.assert_allclose(A.data.sum(axis=0), 1.0, atol=1e-14)


def test_softmax_cost_from_the_fused_node_equals_the_notes_formula():
    rng = np.random.default_rng(3)
    net = DeepNet([4, 5, 3], ["relu", "softmax"], seed=1)
    X, Y = rng.standard_normal((4, 10)), classes(rng, 3, 10)
    AL, _ = analytic.L_model_forward(X, net.get_parameters(), net.activations)
    assert float(net.cost(X, Y).data) == pytest.approx(analytic.compute_cost_softmax(AL, Y), rel=1e-12)
    np.testing.assert_allclose(net.predict_proba(X), AL, rtol=1e-12)
    net.forward(X)
    assert net.cache["A2"].op.name == "softmax" and net.cache["A2"].label == "A2"
    J = net.cost(X, Y)
    assert J.label == "J" and J.op.name == "softmax_cross_entropy" and J.parents[0].label == "Z2"
    assert J.op.formula and len(J.op.dformula) == 2


def test_one_hot_round_trip_predict_and_accuracy():
    labels = np.array([[2, 0, 1, 1]])
    Y = one_hot(labels, 3)
    assert Y.shape == (3, 4) and (Y.sum(axis=0) == 1).all()
    np.testing.assert_array_equal(from_one_hot(Y), labels)
    rng = np.random.default_rng(4)
    net = DeepNet([2, 3], ["softmax"], seed=0)
    X = rng.standard_normal((2, 4))
    classes_predicted = predict(net, X)
    assert classes_predicted.shape == (1, 4) and classes_predicted.dtype.kind == "i"
    np.testing.assert_array_equal(classes_predicted[0], np.argmax(net.predict_proba(X), axis=0))
    right = one_hot(classes_predicted, 3)
    assert accuracy(classes_predicted, right) == 1.0
    wrong = right.copy()
    wrong[:, 0] = np.roll(wrong[:, 0], 1)
    assert accuracy(classes_predicted, wrong) == 0.75  # per example, not per entry of the one-hot Y
    assert accuracy(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])) == 0.5  # binary: as before
    with pytest.raises(ValueError, match="labels must be whole numbers in 0..2"):
        one_hot([0, 3], 3)


def test_training_a_softmax_net_learns_three_blobs():
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 4.0, -4.0], [4.0, -2.0, -2.0]])
    labels = rng.integers(0, 3, 150)
    X = centres[:, labels] + rng.standard_normal((2, 150))
    net = DeepNet([2, 8, 3], ["tanh", "softmax"], seed=0)
    history = train(net, X, one_hot(labels, 3), learning_rate=0.5, epochs=200)
    assert history.costs[-1] < 0.2 * history.initial_cost
    assert accuracy(predict(net, X), one_hot(labels, 3)) > 0.95


# ------------------------------------------------------------------------------------ dropout


def test_dropout_masks_are_seeded_inverted_and_off_for_predictions():
    X = np.random.default_rng(6).standard_normal((5, 400))
    net = DeepNet([5, 50, 1], ["relu", "sigmoid"], seed=3, keep_prob=0.8)
    twin = DeepNet([5, 50, 1], ["relu", "sigmoid"], seed=3, keep_prob=0.8)
    np.testing.assert_array_equal(net.draw_masks(400)["D1"], twin.draw_masks(400)["D1"])  # seeded
    plain = DeepNet([5, 50, 1], ["relu", "sigmoid"], seed=3)  # same weights: dropout's generator is apart
    np.testing.assert_array_equal(net.parameters["W1"].data, plain.parameters["W1"].data)
    net.forward(X)
    before, after = net.cache["A1"].parents[0].data, net.cache["A1"].data
    assert net.cache["A1"].parents[0].label == "relu(Z1)"
    kept = after != 0
    np.testing.assert_allclose(after[kept], before[kept] / 0.8)  # inverted: survivors scaled by 1/keep_prob
    dropped = (before != 0) & ~kept
    assert 0.15 < dropped.sum() / (before != 0).sum() < 0.25  # about 1 − keep_prob of the units
    np.testing.assert_array_equal(net.predict_proba(X), plain.predict_proba(X))  # no dropout when predicting
    assert net.training  # and the mode is back


def test_the_history_of_a_dropout_net_is_its_prediction_mode_cost():
    rng = np.random.default_rng(7)
    X, Y = rng.standard_normal((3, 40)), (rng.random((1, 40)) > 0.5) * 1.0
    net = DeepNet([3, 8, 1], ["relu", "sigmoid"], seed=0, keep_prob=0.5)
    history = train(net, X, Y, learning_rate=0.1, epochs=5)
    plain = DeepNet([3, 8, 1], ["relu", "sigmoid"])
    plain.set_parameters(net.get_parameters())
    assert history.costs[-1] == pytest.approx(float(plain.cost(X, Y).data), rel=1e-12)
    assert len(history.costs) == 5 and len(history.step_costs) == 5


# ------------------------------------------------------------------------------------ batch norm


def test_batch_norm_running_averages_follow_training_and_serve_predictions():
    rng = np.random.default_rng(8)
    X, Y = rng.standard_normal((3, 20)) + 2.0, (rng.random((1, 20)) > 0.5) * 1.0
    net = DeepNet([3, 4, 1], ["relu", "sigmoid"], seed=0, batch_norm=True)
    Z1 = net.parameters["W1"].data @ X
    gradient_descent_step(net, as_data(X), as_data(Y, "Y"), 0.1)
    momentum = BATCH_NORM_MOMENTUM
    np.testing.assert_allclose(net.running_mean[1], (1 - momentum) * Z1.mean(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(net.running_var[1], momentum + (1 - momentum) * Z1.var(axis=1, keepdims=True),
                               rtol=1e-12)
    # predictions normalise with the running averages, not with the batch's own μ and σ²
    values = net.get_parameters()
    Z_hat = (values["W1"] @ X - net.running_mean[1]) / np.sqrt(net.running_var[1] + BATCH_NORM_EPSILON)
    A1 = np.maximum(0, values["gamma1"] * Z_hat + values["beta1"])
    expected = analytic.sigmoid(values["W2"] @ A1 + values["b2"])
    np.testing.assert_allclose(net.predict_proba(X), expected, rtol=1e-12)
    one = net.predict_proba(X[:, :1])  # one example is fine when predicting
    np.testing.assert_allclose(one, expected[:, :1], rtol=1e-12)


def test_batch_norm_graph_names_its_nodes():
    net = DeepNet([2, 3, 1], ["tanh", "sigmoid"], seed=0, batch_norm=True)
    J = net.cost(np.random.default_rng(0).standard_normal((2, 5)), np.array([[0.0, 1.0, 1.0, 0.0, 1.0]]))
    labels = {node.label for node in J.topo_order()}
    assert {"Z1", "μ1", "σ²1", "Ẑ1", "Z̃1", "A1", "gamma1", "beta1"} <= labels and "b1" not in labels


# ------------------------------------------------------------------------------------ optimizers


def _net_and_data(seed=0):
    rng = np.random.default_rng(seed)
    net = DeepNet([4, 6, 5, 3], ["relu", "tanh", "softmax"], seed=seed)
    return net, rng.standard_normal((4, 30)), classes(rng, 3, 30)


def _closed_form_grads(values, X, Y, activations):
    AL, caches = analytic.L_model_forward(X, values, activations)
    return analytic.L_model_backward(AL, Y, caches, values, activations)


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_optimizers_equal_the_plain_numpy_rules_for_ten_steps(name):
    net, X, Y = _net_and_data()
    optimizer = make_optimizer(name, 0.01, beta1=0.8, beta2=0.99, epsilon=1e-7)
    values = net.get_parameters()
    v = analytic.initialize_velocity(values)
    s = analytic.initialize_rmsprop(values)
    X_t, Y_t = as_data(X), as_data(Y, "Y")
    for t in range(1, 11):
        alpha = analytic.learning_rate_decay(0.01, t - 1, 0.3)  # decay as if each step were an epoch
        gradient_descent_step(net, X_t, Y_t, alpha, optimizer=optimizer)
        grads = _closed_form_grads(values, X, Y, net.activations)
        grads = {f"d{name}": grads[f"d{name}"] for name in values}
        if name == "gd":
            values = analytic.update_parameters(values, grads, alpha)
        elif name == "momentum":
            values, v = analytic.update_parameters_with_momentum(values, grads, v, 0.8, alpha)
        elif name == "rmsprop":
            values, s = analytic.update_parameters_with_rmsprop(values, grads, s, 0.99, alpha, 1e-7)
        else:
            values, v, s = analytic.update_parameters_with_adam(values, grads, v, s, t, alpha, 0.8, 0.99, 1e-7)
        for key, value in values.items():
            assert relative_difference(net.parameters[key].data, value) < 1e-12, (t, key)
    assert optimizer.learning_rate == pytest.approx(0.01 / (1 + 0.3 * 9))
    if name == "adam":
        assert optimizer.t == 10


@given(st.sampled_from(["momentum", "rmsprop", "adam"]), st.floats(0.0, 0.999), st.floats(0.0, 0.999),
       st.integers(0, 2**31))
def test_optimizer_updates_equal_the_rules_on_arrays(name, beta1, beta2, seed):
    rng = np.random.default_rng(seed)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    reference = {key: value.copy() for key, value in parameters.items()}
    v, s = analytic.initialize_adam(reference)
    optimizer = make_optimizer(name, 0.05, beta1, beta2)
    for t in range(1, 11):
        grads = {f"d{key}": rng.standard_normal(value.shape) for key, value in parameters.items()}
        optimizer.update(parameters, grads)  # arrays are updated in place, as Tensors are
        if name == "momentum":
            reference, v = analytic.update_parameters_with_momentum(reference, grads, v, beta1, 0.05)
        elif name == "rmsprop":
            reference, s = analytic.update_parameters_with_rmsprop(reference, grads, s, beta2, 0.05)
        else:
            reference, v, s = analytic.update_parameters_with_adam(reference, grads, v, s, t, 0.05, beta1, beta2)
        for key in parameters:
            np.testing.assert_allclose(parameters[key], reference[key], rtol=1e-12, atol=1e-15)


def test_train_takes_the_optimizer_and_decay_by_name():
    net, X, Y = _net_and_data(1)
    twin, _, _ = _net_and_data(1)
    history = train(net, X, Y, learning_rate=0.01, epochs=12, batch_size=8, seed=0, optimizer="adam",
                    beta1=0.85, beta2=0.95, decay_rate=0.5)
    adam = Adam(0.01, 0.85, 0.95)
    from autograd_mini.optim import random_mini_batches

    rng = np.random.default_rng(0)
    for epoch in range(12):
        for X_t, Y_t in random_mini_batches(X, Y, 8, rng):
            gradient_descent_step(twin, as_data(X_t), as_data(Y_t, "Y"), 0.01 / (1 + 0.5 * epoch), optimizer=adam)
    for key, p in net.parameters.items():
        np.testing.assert_allclose(p.data, twin.parameters[key].data, rtol=1e-12)
    assert history.costs[-1] < history.initial_cost


def test_adam_beats_plain_gradient_descent_on_the_same_budget():
    costs = {}
    for name, alpha in (("gd", 0.01), ("adam", 0.01)):
        net, X, Y = _net_and_data(2)
        costs[name] = train(net, X, Y, learning_rate=alpha, epochs=100, optimizer=name).costs[-1]
    assert costs["adam"] < 0.5 * costs["gd"]


# ------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("keep_prob", [0.0, -0.2, 1.5, float("nan")])
def test_keep_prob_outside_0_1_is_refused(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob.*(0, 1\]|finite number)"):
        DeepNet([2, 3, 1], keep_prob=keep_prob)
    with pytest.raises(ValueError, match=r"keep_prob\[2\] must lie in \(0, 1\]"):
        DeepNet([2, 3, 3, 1], keep_prob=[0.5, keep_prob]) if keep_prob == keep_prob else \
            DeepNet([2, 3, 3, 1], keep_prob=[0.5, 2.0])


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5])
def test_beta_outside_0_1_is_refused(beta):
    shown = repr(beta)
    with pytest.raises(ValueError, match=rf"beta β must lie in \[0, 1\); got {shown}"):
        Momentum(0.1, beta)
    with pytest.raises(ValueError, match=rf"beta1 β₁ must lie in \[0, 1\); got {shown}"):
        Adam(0.1, beta1=beta)
    with pytest.raises(ValueError, match=rf"beta2 β₂ must lie in \[0, 1\); got {shown}"):
        RMSprop(0.1, beta2=beta)
    net, X, Y = _net_and_data()
    with pytest.raises(ValueError, match=r"beta2 β₂ must lie in \[0, 1\)"):
        train(net, X, Y, optimizer="adam", beta2=beta, epochs=1)


def test_other_optimizer_arguments_are_checked():
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'; valid ones are: gd, momentum, rmsprop, adam"):
        make_optimizer("sgd")
    with pytest.raises(ValueError, match="epsilon ε must be > 0"):
        Adam(0.1, epsilon=0.0)
    with pytest.raises(ValueError, match="learning_rate α must be > 0"):
        GradientDescent(-1.0)
    net, X, Y = _net_and_data()
    with pytest.raises(ValueError, match="decay_rate must be ≥ 0"):
        train(net, X, Y, decay_rate=-0.1, epochs=1)


def test_softmax_with_one_output_unit_is_refused():
    with pytest.raises(ValueError, match=r"softmax output layer needs n\[L\] ≥ 2 .* n\[L\] = 1"):
        DeepNet([3, 4, 1], ["relu", "softmax"])
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        DeepNet([3, 4, 2], ["softmax", "softmax"])  # only the output layer


def test_y_not_one_hot_for_softmax_is_refused():
    net, X, Y = _net_and_data()
    bad = Y.copy()
    bad[:, 4] = [1.0, 1.0, 0.0]
    message = r"Y must be one-hot .* column 4 is \[1\., 1\., 0\.\]"
    with pytest.raises(ValueError, match=message):
        net.cost(X, bad)
    with pytest.raises(ValueError, match=message):
        train(net, X, bad, epochs=1)
    with pytest.raises(ValueError, match=message):
        compare(net, X, bad)
    with pytest.raises(ValueError, match=r"Y must hold only 0 and 1"):
        net.cost(X, Y * 0.5)


def test_a_batch_of_one_example_with_batch_norm_is_refused():
    net = DeepNet([2, 3, 1], seed=0, batch_norm=True)
    message = r"batch normalization needs a \(mini-\)batch of at least 2 examples .* m = 1"
    with pytest.raises(ValueError, match=message):
        net.cost(np.ones((2, 1)), np.ones((1, 1)))
    with pytest.raises(ValueError, match=message):
        compare(net, np.ones((2, 1)), np.ones((1, 1)))
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 9)), (rng.random((1, 9)) > 0.5) * 1.0
    with pytest.raises(ValueError, match="batch_size = 4 with m = 9 leaves a mini-batch of 1"):
        train(net, X, Y, batch_size=4, epochs=1)
    with pytest.raises(ValueError, match="batch_size = 1"):
        train(net, X, Y, batch_size=1, epochs=1)


def test_models_without_a_training_mode_keep_the_exact_history():
    # no dropout, no batch norm: each step's cost is J itself, so costs[i] == step_costs[i + 1]
    model = LogisticRegression(2)
    assert not model.has_training_mode and not DeepNet([2, 3, 1]).has_training_mode
    assert DeepNet([2, 3, 1], keep_prob=0.5).has_training_mode and DeepNet([2, 3, 1], batch_norm=True).has_training_mode
    X, Y = np.array([[1.0, -1.0, 0.3], [0.5, 2.0, -1.0]]), np.array([[1.0, 0.0, 1.0]])
    history = train(model, X, Y, learning_rate=0.5, epochs=5)
    assert history.costs[:-1] == history.step_costs[1:] and history.initial_cost == history.step_costs[0]
    assert predict(model, X).dtype == np.float64 and set(np.unique(predict(model, X))) <= {0.0, 1.0}
