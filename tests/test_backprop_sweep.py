"""A seeded sweep of the learner's backprop check: correct learners of every convention never fail, and the
classic mistakes never pass, over nets of 2 to 8 layers, the four initialisations, m from 1 to 50, with and
without λ, dropout and biases."""

import numpy as np
import pytest

import course_gradient_check
import learners
from autograd_mini import DeepNet, one_hot
from autograd_mini.backprop_check import check_backward
from autograd_mini.validate import INITIALIZATIONS

HIDDEN = ("relu", "tanh", "leaky_relu", "sigmoid")


#: What a slip needs to be a mistake at all: λ > 0, biases, dropout, a softmax output, a kind of hidden layer.
NEEDS = {"no_l2": {"lambd"}, "l2_half": {"lambd"}, "l2_lambda": {"lambd"}, "l2_squared": {"lambd"},
         "l2_on_b": {"lambd", "bias"}, "dropout_no_mask": {"dropout"}, "dropout_no_keep_prob": {"dropout"},
         "dA_output_sigmoid_formula": {"softmax"}, "sigmoid_prime_from_Z": {"sigmoid"},
         "tanh_prime_from_Z": {"tanh"}, "leaky_slope_1": {"leaky_relu"}}


def draw(seed: int, needs=()) -> dict:
    """One net, its data and a learner's conventions, from the seed (with what ``needs`` asks for)."""
    rng = np.random.default_rng(seed)
    L = int(rng.integers(2, 9))
    softmax = rng.random() < 0.25 or "softmax" in needs
    n_L = int(rng.integers(2, 5)) if softmax else 1
    dims = [int(rng.integers(1, 6))] + [int(rng.integers(1, 6)) for _ in range(L - 1)] + [n_L]
    activations = [str(rng.choice(HIDDEN)) for _ in range(L - 1)] + ["softmax" if softmax else "sigmoid"]
    for g in set(needs) & set(HIDDEN):
        activations[int(rng.integers(0, L - 1))] = g
    keep_prob = 0.8 if rng.random() < 0.3 or "dropout" in needs else 1.0
    net = DeepNet(dims, activations, str(rng.choice(INITIALIZATIONS)), seed=seed, keep_prob=keep_prob)
    if rng.random() < 0.6 or "bias" in needs:  # biases drawn (the check command's default), else the course's b = 0
        net.set_parameters({name: rng.standard_normal(p.shape) * 0.1 if name[0] == "b" else p.data
                            for name, p in net.parameters.items()})
    m = int(rng.integers(1, 51))
    X = rng.standard_normal((dims[0], m))
    Y = one_hot(rng.integers(0, n_L, m), n_L) if softmax else (rng.random((1, m)) > 0.5).astype(float)
    conventions = {"relu_at_zero": float(rng.choice([1.0, 0.0, 0.5])), "course_dA": bool(rng.random() < 0.5),
                   "per_example": bool(rng.random() < 0.8), "keys": "2017" if rng.random() < 0.15 else "notes"}
    lambd = 0.7 if rng.random() < 0.4 or "lambd" in needs else 0.0
    return {"net": net, "X": X, "Y": Y, "lambd": lambd, "activations": activations, "conventions": conventions}


def learner(case: dict, slip=None, calls=None):
    """The learner of ``case``'s conventions (with ``slip``), recording what the check handed it in ``calls``."""
    def backward(X, Y, parameters, masks=None, lambd=0.0, keep_prob=1.0):
        if calls is not None:
            calls.append((X, Y, parameters, masks, lambd, keep_prob))
        return learners.L_model_backward(X, Y, parameters, masks, lambd, keep_prob, case["activations"], slip=slip,
                                         **case["conventions"])

    return backward


def run(case: dict, fn):
    return check_backward(case["net"], case["X"], case["Y"], fn, lambd=case["lambd"], max_numeric=8,
                          keys=case["conventions"]["keys"])


def consistent(report) -> bool:
    """The headline cannot contradict the rows."""
    wrong = bool(report.wrong or report.cost_wrong() or report.error)
    return (report.verdict == "WRONG") == (wrong or report.difference is None
                                           or report.difference > 2e-7 and not report.zero_gradients)


@pytest.mark.slow
def test_correct_learners_never_fail():
    verdicts = []
    for seed in range(250):
        case = draw(seed)
        report = run(case, learner(case))
        assert report.verdict != "WRONG", f"seed {seed}:\n{report}"
        assert consistent(report), f"seed {seed}:\n{report}"
        verdicts.append(report.verdict)
    assert verdicts.count("right") > 100  # most are judged in full; the rest say what they could not judge


def changed(case: dict, slip: str, calls: list) -> bool:
    """Whether the slip changes what the learner returns on the inputs the check handed it (m = 1 makes a
    missing 1/m no mistake, λ = 0 an L2 slip, an unsquare W a transpose of the same shape impossible, …)."""
    X, Y, parameters, masks, lambd, keep_prob = calls[0]
    right, cost = learners.L_model_backward(X, Y, parameters, masks, lambd, keep_prob, case["activations"],
                                            **case["conventions"])
    try:
        wrong, wrong_cost = learners.L_model_backward(X, Y, parameters, masks, lambd, keep_prob, case["activations"],
                                                      slip=slip, **case["conventions"])
    except ValueError:  # a transposed dW plus (λ/m) W: numpy refuses, and the check shows the learner's error
        return True
    def same(a, b):  # a one-unit db may be a number of any shape, as in the course
        return np.size(a) == np.size(b) and np.array_equal(np.ravel(a), np.ravel(b)) and (
            np.size(a) == 1 or np.shape(a) == np.shape(b))

    return cost != wrong_cost or not all(same(right[k], wrong[k]) for k in right)


@pytest.mark.slow
def test_the_classic_mistakes_never_pass():
    applied = {slip: 0 for slip in learners.SLIPS}
    for seed in range(1000, 1400):
        slip = learners.SLIPS[seed % len(learners.SLIPS)]
        case = draw(seed, NEEDS.get(slip, ()))
        calls = []
        report = run(case, learner(case, slip, calls))
        if case["X"].shape[1] == 1:  # one example: a missing 1/m cannot show, so nothing is vouched for
            assert report.verdict != "right", f"seed {seed}, {slip}:\n{report}"
        if not changed(case, slip, calls):
            continue
        applied[slip] += 1
        assert report.verdict != "right", f"seed {seed}, {slip}:\n{report}"
        assert consistent(report), f"seed {seed}, {slip}:\n{report}"
    assert sum(applied.values()) > 300 and min(applied.values()) >= 5, applied


def test_the_course_functions_pass_and_their_bugs_fail_on_many_draws():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        m = int(rng.integers(1, 51))
        X, Y = rng.standard_normal((4, m)), (rng.random((1, m)) > 0.5).astype(float)
        init = INITIALIZATIONS[seed % 4]
        net = DeepNet([4, 5, 3, 1], ["relu", "relu", "sigmoid"], init, seed=seed)
        fixed = check_backward(net, X, Y, course_gradient_check.backward_propagation_n_fixed)
        buggy = check_backward(net, X, Y, course_gradient_check.backward_propagation_n)
        assert fixed.verdict != "WRONG" and buggy.verdict != "right", (seed, str(fixed), str(buggy))
        dropout = DeepNet([4, 5, 3, 1], ["relu", "relu", "sigmoid"], init, seed=seed, keep_prob=0.86)
        assert check_backward(dropout, X, Y, learners.backward_propagation_with_dropout).verdict != "WRONG"
