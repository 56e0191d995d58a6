"""The kink rule shared by gradcheck, compare and check: central differences are not judged across a ReLU kink."""

import numpy as np
import pytest

from autograd_mini import DeepNet, Tensor, Value, cli, compare, gradcheck, numerical_grad, relative_difference
from autograd_mini.gradcheck import numerical_grad_with_kinks
from autograd_mini.kinks import PATH_CHANGED, Reading, Switch, find_kink, kink_reading, kink_tolerance
from autograd_mini.tensor import RELU
from autograd_mini.validate import INITIALIZATIONS


def check_data(seed, n_x=2, n_L=1, m=32):
    """The data of `autograd-mini check --seed SEED` with its default layers."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), (rng.random((n_L, m)) > 0.5).astype(np.float64)


def test_the_issue_case_seed_3_passes_with_db2_on_a_kink():
    # he init, b = 0: some example has A1 all 0, so Z2 = b2 = 0 exactly and every probe of b2 straddles the kink
    net = DeepNet([2, 4, 3, 1], None, "he", seed=3)
    X, Y = check_data(3)
    report = compare(net, X, Y)
    assert report.passed
    rows = {row.name: row for row in report.rows}
    assert rows["b2"].kinks == 3 and rows["b2"].verdict == "on a kink"
    assert rows["b2"].relative["autodiff-numeric"] is None
    assert rows["b2"].relative["autodiff-closed_form"] == 0.0  # the exact legs are still judged
    assert rows["W2"].kinks == 0  # Z2 = 0 where A1 = 0 does not move with W2, so dW2 is judged
    assert "db2: 3 of 3 probed entries on a kink (e.g. Z2[" in str(report)
    assert "not judged numerically" in str(report)
    # without the rule, the numeric leg really is off there (the issue saw 0.27)
    net.zero_grad()
    net.cost(X, Y).backward()
    (numeric_b2,) = numerical_grad(lambda _: net.cost(X, Y), [net.parameters["b2"]])
    assert relative_difference(net.parameters["b2"].grad, numeric_b2) > 0.01


def test_a_wrong_gradient_next_to_a_kink_still_fails(monkeypatch):
    from autograd_mini import analytic

    real = analytic.L_model_backward

    def wrong(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["dW2"] = grads["dW2"] * 2
        return grads

    monkeypatch.setattr(analytic, "L_model_backward", wrong)
    X, Y = check_data(3)
    report = compare(DeepNet([2, 4, 3, 1], None, "he", seed=3), X, Y)
    assert not report.passed and [row.verdict for row in report.rows][2] == "FAIL"


def test_check_finds_no_failure_for_seeds_0_to_199_and_every_init(capsys):
    # the issue: `check --seed 3` and 9 of seeds 0-29 failed; small_random failed for seeds 0, 3, 4, 5 (b = 0,
    # which puts Z[2] exactly at the kink, as check did before it drew biases)
    failed, kinked = [], 0
    for initialization in INITIALIZATIONS:
        for seed in range(200):
            code = cli.main(["check", "--seed", str(seed), "--init", initialization, "--zero-bias"])
            out = capsys.readouterr().out
            kinked += "probed entries on a kink" in out
            if code != 0 or "FAIL" in out:
                failed.append((initialization, seed))
    assert failed == []
    assert kinked > 200  # the kinks were there: the rule, not luck, kept the check honest


def test_gradcheck_of_relu_at_its_kink_is_not_judged():
    for activation in ("relu", "leaky_relu"):
        result = gradcheck(lambda z: getattr(z, activation)() * 3, [Value(0.0)])
        assert result.judged == 0 and len(result.kinks) == 1
        assert result.verdict == "not judged" and not result.passed and not result  # nothing judged, nothing shown
        assert str(result).startswith("gradcheck not judged: all 1 entries sit on a kink")


def test_gradcheck_leaves_out_only_the_entries_that_move_a_kink():
    # z = W x with x = (1, 1): row 0 gives z = 0 (on the kink), row 1 gives z = 3
    x = Tensor([[1.0], [1.0]], requires_grad=False)
    W = Tensor([[1.0, -1.0], [2.0, 1.0]])
    result = gradcheck(lambda W: ((W @ x).relu() * Tensor([[1.0], [2.0]], requires_grad=False)).sum(), [W])
    assert result.passed and result.judged == 2 and len(result.kinks) == 2
    (probe,) = numerical_grad_with_kinks(lambda W: (W @ x).relu().sum(), [W])
    np.testing.assert_array_equal(probe.on_kink, [[True, True], [False, False]])
    assert probe.grad[0, 0] == pytest.approx(0.5)  # the mean of the two slopes: what the rule keeps out
    assert "1 of" not in str(result) and "2 of 4 entries on a kink not judged" in str(result)


def test_a_wrong_rule_away_from_the_kinks_is_still_caught():
    from autograd_mini.graph import Op
    from autograd_mini.value import _make

    class WrongSquare(Op):
        name = "wrong_square"

        def vjp(self, out, g):
            return (g * out._parents[0].data,)  # d(a²)/da is 2a

    result = gradcheck(lambda a, z: _make(a.data**2, WrongSquare(), a) + z.relu(), [Value(1.5), Value(0.0)])
    assert not result.passed and result.judged == 1 and "FAILED" in str(result)


def test_find_kink_rules():
    eps = 1e-6

    def one(z):
        return Reading((), (Switch("Z1", RELU, np.array([z])),))

    # crossing: the side of 0 differs between θ - ε, θ and θ + ε
    kink = find_kink(one(-1e-7), one(0.0), one(1e-7), eps)
    assert kink.crossed and kink.node == "Z1" and kink.index == (0,)
    # within the tolerance of 0 without crossing: curvature or rounding could hide a crossing
    tol = kink_tolerance(eps, 1e-13)
    assert tol == pytest.approx(10 * eps**2 * (1 + 1e-13))
    kink = find_kink(one(2e-13), one(1e-13), one(0.5e-13), eps)
    assert kink is not None and not kink.crossed
    # far from 0, or not moving with θ: sound
    assert find_kink(one(1e-3 - 1e-6), one(1e-3), one(1e-3 + 1e-6), eps) is None
    assert find_kink(one(0.0), one(0.0), one(0.0), eps) is None
    # the graph took another branch
    assert find_kink(Reading((1,), ()), one(1.0), one(1.0), eps) is PATH_CHANGED


def test_a_function_that_branches_at_theta_is_on_a_kink():
    result = gradcheck(lambda a: a.relu() if a.data >= 0 else a * 0.0, [Value(0.0)])
    assert result.judged == 0 and "took another branch between θ − ε and θ + ε" in str(result)


def test_kink_reading_reads_the_relu_inputs_of_the_graph():
    W = Tensor([[1.0, -2.0]], label="W")
    Z = W @ Tensor([[1.0], [1.0]], requires_grad=False)
    Z.label = "Z1"
    root = (Z.relu() + Z.tanh()).sum()
    found = kink_reading(root).switches
    assert [s.name for s in found] == ["Z1"] and found[0].data.tolist() == [[-1.0]] and found[0].op is RELU
    assert kink_reading(3.0) == Reading((), ())


def test_a_row_on_a_kink_reads_as_such_in_json_and_markdown():
    import json

    X, Y = check_data(3)
    report = compare(DeepNet([2, 4, 3, 1], None, "he", seed=3), X, Y)
    b2 = json.loads(report.to_json())["rows"][3]
    assert b2["name"] == "b2" and b2["verdict"] == "on a kink" and b2["kinks"] == 3
    assert b2["relative"]["autodiff-numeric"] is None and b2["kink_reason"].startswith("Z2[")
    assert "| db2 | 3x1 |" in report.to_markdown() and "on a kink |" in report.to_markdown()


def py_abs(a):
    return a if float(a.data) >= 0 else -a  # a learner's |a|: a branch in Python


def py_max(a, b):
    return a if float(a.data) > float(b.data) else b


def py_min(a, b):
    return b if float(a.data) > float(b.data) else a


def node(kind, x):
    return Value(x) if kind == "Value" else Tensor(x)


def scalar(kind, out):
    return out if kind == "Value" else out.sum()


@pytest.mark.parametrize("kind", ["Value", "Tensor"])
@pytest.mark.parametrize("function, point, on_kink", [
    (lambda a, b, c: py_abs(a) * 3 + b * c, (0.0, 0.7, -0.2), 1),
    (lambda a, b, c: py_max(a, b) * 3 + c * c, (0.4, 0.4, 0.9), 2),
    (lambda a, b, c: py_min(a, b) * 3 + a * c, (-1.2, -1.2, 0.5), 2),
])
def test_a_python_branch_at_its_kink_is_not_judged_and_the_rest_is(kind, function, point, on_kink):
    # the issue: these were FAILED (central differences measure the mean of the two branches' slopes)
    inputs = [node(kind, x) for x in point]
    result = gradcheck(lambda *nodes: scalar(kind, function(*nodes)), inputs)
    assert result.verdict == "passed", str(result)
    assert len(result.kinks) == on_kink and result.judged == 3 - on_kink
    assert "took another branch" in str(result.kinks[0])
    # away from the kink the same functions are judged everywhere
    away = [node(kind, x + 0.3 * k) for k, x in enumerate(point, start=1)]
    assert gradcheck(lambda *nodes: scalar(kind, function(*nodes)), away).judged == 3


def test_a_tie_in_a_max_pool_window_is_not_judged():
    from autograd_mini import max_pool

    A = np.arange(16, dtype=np.float64).reshape(1, 4, 4, 1)
    A[0, 0, 1, 0] = A[0, 1, 1, 0]  # window (0, 0) holds 0, 5, 4, 5: a tie for the max
    weights = Tensor(np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1), requires_grad=False)
    result = gradcheck(lambda A: (max_pool(A, 2) * weights).sum(), [Tensor(A)])
    assert result.verdict == "passed", str(result)
    assert len(result.kinks) == 2 and result.judged == 14  # the two tied entries; the others are sound
    assert {kink.index for kink in result.kinks} == {(0, 0, 0, 0)}
    assert "window [0, 0, 0, 0]: its maximum less its runner-up = 0 at θ; which entry" in str(result.kinks[0])
    (probe,) = numerical_grad_with_kinks(lambda A: (max_pool(A, 2) * weights).sum(), [Tensor(A)])
    assert probe.grad[0, 0, 1, 0] == pytest.approx(0.5)  # the mean of the two slopes: what the rule keeps out
    # a window without a tie is judged, and overlapping windows (s < f) too
    B = np.random.default_rng(0).standard_normal((2, 5, 5, 2))
    assert gradcheck(lambda A: (max_pool(A, 3, 1) ** 2).sum(), [Tensor(B)]).judged == B.size


def test_a_result_with_nothing_judged_is_not_passed():
    result = gradcheck(lambda a: (a * 2).sum(), [Tensor(np.zeros((0, 3)))])
    assert result.verdict == "not judged" and not result.passed
    assert str(result) == "gradcheck not judged: the inputs have no entries"
