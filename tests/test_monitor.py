"""What a teacher watches while a net trains: the recorders hold the numbers of the run they watch,
recomputed here independently, and watching changes nothing in the run."""

import numpy as np
import pytest

from autograd_mini import DeepNet, accuracy, predict, train
from autograd_mini.datasets import make_flower, train_test_split
from autograd_mini.monitor import (GradientNorms, LearningCurves, gradient_norms_by_initialization,
                                   layer_activations, learning_rate_sweep)
from autograd_mini.nn import as_data


def flower(m=120, seed=0):
    return make_flower(m=m, seed=seed)


def test_the_gradient_norms_are_those_of_each_step_and_watching_changes_nothing():
    X, Y = flower()
    norms = GradientNorms()
    watched = train(DeepNet([2, 5, 4, 1], seed=1), X, Y, learning_rate=0.2, epochs=3, batch_size=50, seed=2,
                    lambd=0.3, on_step=norms)
    plain = train(DeepNet([2, 5, 4, 1], seed=1), X, Y, learning_rate=0.2, epochs=3, batch_size=50, seed=2, lambd=0.3)
    assert watched.costs == plain.costs and watched.step_costs == plain.step_costs
    assert list(norms.norms) == ["dW1", "dW2", "dW3"] and all(len(v) == 9 for v in norms.norms.values())
    # the first step's gradient, computed by hand: the first mini-batch of the same shuffle, at the start
    net = DeepNet([2, 5, 4, 1], seed=1)
    permutation = np.random.default_rng(2).permutation(120)[:50]
    net.cost(X[:, permutation], Y[:, permutation], 0.3).backward()
    for l in (1, 2, 3):
        assert norms.norms[f"dW{l}"][0] == pytest.approx(np.linalg.norm(net.parameters[f"W{l}"].grad), rel=1e-12)


def test_learning_curves_hold_the_cost_and_accuracy_of_both_sets_after_each_epoch():
    X, Y = flower(200)
    X_train, Y_train, X_dev, Y_dev = train_test_split(X, Y, 0.25, seed=0)
    curves = LearningCurves(DeepNet([2, 6, 1], seed=0), X_train, Y_train, X_dev, Y_dev)
    net = DeepNet([2, 6, 1], seed=0)
    history = train(net, X_train, Y_train, learning_rate=0.5, epochs=4, batch_size=32, seed=0, on_epoch=curves)
    assert curves.epochs == [1, 2, 3, 4] and curves.sizes == {"train": 150, "dev": 50}
    # without λ the training cost is history's J; the dev set's is recomputed here
    np.testing.assert_allclose(curves.curves["train"]["cost"], history.costs, rtol=1e-12)
    assert curves.curves["dev"]["cost"][-1] == pytest.approx(net.cost(X_dev, Y_dev).item(), rel=1e-12)
    assert curves.curves["dev"]["accuracy"][-1] == accuracy(predict(net, X_dev), Y_dev)
    assert curves.curves["train"]["accuracy"][-1] == accuracy(predict(net, X_train), Y_train)


def test_learning_curves_leave_out_the_l2_term_so_both_sets_measure_the_same_thing():
    X, Y = flower(100)
    net = DeepNet([2, 6, 1], seed=0)
    curves = LearningCurves(net, X[:, :80], Y[:, :80], X[:, 80:], Y[:, 80:])
    history = train(net, X[:, :80], Y[:, :80], learning_rate=0.5, epochs=2, lambd=5.0, on_epoch=curves)
    assert curves.curves["train"]["cost"][-1] == pytest.approx(net.cost(X[:, :80], Y[:, :80]).item(), rel=1e-12)
    assert curves.curves["train"]["cost"][-1] < history.costs[-1]
    with pytest.raises(ValueError, match=r"expects \(n_x, m\) = \(2, m\)"):
        LearningCurves(net, X, Y, X.T, Y)


def test_layer_activations_are_the_forward_pass_in_prediction_mode():
    X, _ = flower(30)
    net = DeepNet([2, 4, 3, 1], seed=0, keep_prob=0.5)
    activations = layer_activations(net, X)
    assert list(activations) == ["A1", "A2", "A3"]
    W1, b1 = net.parameters["W1"].data, net.parameters["b1"].data
    np.testing.assert_allclose(activations["A1"], np.maximum(0, W1 @ X + b1))  # no dropout
    np.testing.assert_allclose(activations["A3"], net.predict_proba(X))


def test_a_deep_relu_nets_gradients_vanish_from_small_random_and_not_from_he():
    X, Y = flower(200)
    runs = gradient_norms_by_initialization([2, 20, 20, 20, 20, 1], None, X, Y, learning_rate=0.3, epochs=5)
    assert list(runs) == ["small_random", "xavier", "he"] and not any(run.diverged for run in runs.values())
    first = {scheme: run.norms["dW1"][0] for scheme, run in runs.items()}
    assert first["small_random"] < 1e-5 < 1e-2 < first["he"]
    exploding = gradient_norms_by_initialization([2, 8, 1], None, X, Y, schemes=("he",), learning_rate=1e4,
                                                 epochs=50)["he"]
    assert "diverged" in exploding.diverged and 0 < len(exploding.norms["dW1"]) < 50


def test_a_learning_rate_sweep_is_J_after_k_epochs_for_each_alpha_and_inf_where_it_diverged():
    X, Y = flower(100)
    results = learning_rate_sweep(lambda: DeepNet([2, 5, 1], seed=3), X, Y, [1.0, 0.01, 1e4, 0.1], epochs=6,
                                  batch_size=25, seed=1)
    assert list(results) == [0.01, 0.1, 1.0, 1e4] and results[1e4] == float("inf")
    alone = train(DeepNet([2, 5, 1], seed=3), X, Y, learning_rate=0.1, epochs=6, batch_size=25, seed=1)
    assert results[0.1] == alone.costs[-1]
    with pytest.raises(ValueError, match="learning_rate α must be > 0; got -1.0"):
        learning_rate_sweep(lambda: DeepNet([2, 5, 1]), X, Y, [0.1, -1.0], epochs=2)


def test_on_epoch_sees_the_parameters_at_the_end_of_each_epoch_with_batch_descent_too():
    X, Y = flower(40)
    seen = []
    net = DeepNet([2, 3, 1], seed=0)
    history = train(net, X, Y, learning_rate=0.5, epochs=3,
                    on_epoch=lambda model, epoch: seen.append((epoch, model.cost(as_data(X), as_data(Y, "Y")).item())))
    assert [epoch for epoch, _ in seen] == [1, 2, 3]
    np.testing.assert_allclose([J for _, J in seen], history.costs, rtol=1e-12)
