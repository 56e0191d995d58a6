"""History.costs is the true cost J over the whole training set at the end of each epoch (λ term once)."""

import pytest

from autograd_mini import DeepNet, batch_gradient_descent, minibatch_gradient_descent, train
from autograd_mini.datasets import make_flower

LAYERS, ACTIVATIONS = [2, 6, 4, 1], ["relu", "tanh", "sigmoid"]


def fresh_net():
    return DeepNet(LAYERS, ACTIVATIONS, initialization="he", seed=3)


def whole_set_J(net, X, Y, lambd):
    return float(net.cost(X, Y, lambd).data)


def test_every_epoch_cost_is_J_over_the_whole_set_with_mini_batches_and_l2():
    X, Y = make_flower(m=150, seed=1)            # 150 = 9 batches of 16 and one of 6
    lambd, epochs, kwargs = 0.8, 5, dict(learning_rate=0.3, batch_size=16, seed=7)
    history = minibatch_gradient_descent(fresh_net(), X, Y, epochs=epochs, lambd=lambd, **kwargs)
    assert len(history.costs) == epochs and len(history.step_costs) == epochs * 10
    assert history.initial_cost == pytest.approx(whole_set_J(fresh_net(), X, Y, lambd), abs=1e-12)
    for k in range(1, epochs + 1):
        # the same seed shuffles the first k epochs identically, so this net is the long run's after epoch k
        net = fresh_net()
        minibatch_gradient_descent(net, X, Y, epochs=k, lambd=lambd, **kwargs)
        assert history.costs[k - 1] == pytest.approx(whole_set_J(net, X, Y, lambd), abs=1e-12)
        # the old per-epoch cost, the m-weighted mean of the mini-batch costs, counted λ/(2·m_t) Σ‖W‖² per batch
        steps = history.step_costs[(k - 1) * 10:k * 10]
        weighted_mean = (sum(steps[:9]) * 16 + steps[9] * 6) / 150
        assert weighted_mean - history.costs[k - 1] > 0.05


def test_every_iteration_cost_of_batch_descent_is_J_after_that_iteration():
    X, Y = make_flower(m=60, seed=2)
    lambd, iterations = 0.5, 4
    history = batch_gradient_descent(fresh_net(), X, Y, learning_rate=0.5, num_iterations=iterations, lambd=lambd)
    assert history.initial_cost == history.step_costs[0]
    assert history.costs[:-1] == history.step_costs[1:]        # J after step i is J before step i + 1
    for k in range(1, iterations + 1):
        net = fresh_net()
        batch_gradient_descent(net, X, Y, learning_rate=0.5, num_iterations=k, lambd=lambd)
        assert history.costs[k - 1] == pytest.approx(whole_set_J(net, X, Y, lambd), abs=1e-12)


def test_the_issue_case_one_epoch_at_almost_zero_alpha_reports_the_starting_J():
    # λ = 1, batches of 64, α ≈ 0 on the 1000-point flower: the epoch's cost is J, not J plus 15 extra L2 terms
    X, Y = make_flower(m=1000, seed=0)
    net = DeepNet([2, 20, 1], initialization="he", seed=0)
    J_start = whole_set_J(net, X, Y, 1.0)
    history = train(net, X, Y, learning_rate=1e-12, epochs=1, batch_size=64, lambd=1.0, seed=0)
    assert history.initial_cost == pytest.approx(J_start, abs=1e-12)
    assert history.costs[0] == pytest.approx(J_start, abs=1e-9)
    m_t = [64] * 15 + [40]
    assert sum(c * n for c, n in zip(history.step_costs, m_t)) / 1000 > J_start + 0.01


def test_the_epoch_cost_records_no_graph():
    X, Y = make_flower(m=40, seed=0)
    net = fresh_net()
    train(net, X, Y, learning_rate=0.1, epochs=2, batch_size=16, lambd=0.1, seed=0)
    # the last forward pass was the epoch's cost: its nodes are leaves, no graph behind them
    assert all(node.parents == () for node in net.cache.values())


def test_a_batch_norm_nets_J_before_training_is_the_cost_its_first_step_computes():
    # the running averages (μ = 0, σ² = 1) have learned nothing yet: J taken with them (7.23 on the README's
    # digits net) is a cost the net never has; the first step normalizes with the batch's own μ and σ²
    X, Y = make_flower(m=120, seed=4)
    net = DeepNet([2, 8, 6, 1], ["relu", "tanh", "sigmoid"], seed=2, batch_norm=True)
    with net.evaluating():
        J_running_averages = whole_set_J(net, X, Y, 0.3)
    history = batch_gradient_descent(net, X, Y, learning_rate=0.1, num_iterations=3, lambd=0.3)
    assert history.initial_cost == history.step_costs[0]       # the first step's forward pass, in training mode
    assert abs(history.initial_cost - J_running_averages) > 0.01
    assert "the training set's own μ and σ²" in history.initial_cost_note
    mini = minibatch_gradient_descent(DeepNet([2, 8, 6, 1], ["relu", "tanh", "sigmoid"], seed=2, batch_norm=True),
                                      X, Y, learning_rate=0.1, epochs=1, batch_size=40, lambd=0.3, seed=0)
    assert mini.initial_cost == history.initial_cost and mini.initial_cost_note == history.initial_cost_note
    # a net without batch norm says nothing: its J before training is J as every later one
    assert train(fresh_net(), X, Y, learning_rate=0.1, epochs=1).initial_cost_note == ""
