"""compare(model, X, Y, lambd, backward=fn): a learner's own backprop against autodiff and central differences."""

import inspect
import signal
import threading
import time
import warnings

import numpy as np
import pytest

import course_gradient_check as course
import learners
from autograd_mini import DeepNet, LogisticRegression, Tensor, compare, numerical_grad, one_hot, relative_difference
from autograd_mini.backprop_check import COURSE_THRESHOLD, BackpropReport
from autograd_mini.learner_code import LearnerCallError
from autograd_mini.mistakes import diagnose

COURSE_NET = ([4, 5, 3, 1], ["relu", "relu", "sigmoid"])
MISTAKE = "There is a mistake in the backward propagation!"


def course_data(m=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return X, Y


def course_net(initialization="he", seed=1, keep_prob=1.0):
    return DeepNet(*COURSE_NET, initialization=initialization, seed=seed, keep_prob=keep_prob)


def net(dims, activations=None, initialization="he", seed=1, keep_prob=1.0, bias=0.1):
    """A DeepNet with biases drawn from N(0, bias²), as `autograd-mini check` draws them."""
    model = DeepNet(dims, activations, initialization, seed=seed, keep_prob=keep_prob)
    rng = np.random.default_rng([seed, 2])
    model.set_parameters({name: rng.standard_normal(p.shape) * bias if name[0] == "b" else p.data
                          for name, p in model.parameters.items()})
    return model


def data(n_x, n_L=1, m=8, seed=0, softmax=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = one_hot(rng.integers(0, n_L, m), n_L) if softmax else (rng.random((n_L, m)) > 0.5).astype(float)
    return X, Y


def rows(report: BackpropReport) -> dict:
    return {row.name: row for row in report.rows}


def slipped(slip, **options):
    """L_model_backward with one classic mistake (see learners.SLIPS)."""
    def backward(X, Y, parameters, masks=None, lambd=0.0, keep_prob=1.0):
        return learners.L_model_backward(X, Y, parameters, masks, lambd, keep_prob, slip=slip, **options)

    return backward


# ---------------------------------------------------------------- the course's exercise


@pytest.mark.parametrize("m", [3, 32])
def test_the_course_bugs_are_reported_at_exactly_dW2_and_db1(m):
    X, Y = course_data(m)
    report = compare(course_net(), X, Y, backward=course.backward_propagation_n)
    assert report.verdict == "WRONG" and not report.passed
    assert report.wrong == ["dW2", "db1"]
    assert {name for name, row in rows(report).items() if row.status == "right"} == \
        {"dZ3", "dW3", "db3", "dA2", "dZ2", "db2", "dA1", "dZ1", "dW1"}
    assert report.first_wrong.name == "dW2" and report.first_wrong.layer == 2
    assert report.difference > 1000 * COURSE_THRESHOLD
    assert "factor 2" in rows(report)["dW2"].problem and "4/m" in rows(report)["db1"].problem
    text = str(report)
    assert MISTAKE in text
    assert "the first wrong gradient is dW2, computed in layer 2's step as dW[2] = (1/m) dZ[2] A[1]ᵀ; your code " \
           "computes it in course_gradient_check.py, line " in text
    assert "dW2 = 1.0 / m * np.dot(dZ2, A1.T) * dW2_factor: look there first." in text


def test_the_course_numbers_come_out_as_before():
    X, y, parameters = course.gradient_check_n_test_case()
    Y = y.reshape(1, -1)
    buggy = course.backward_propagation_n(X, Y, parameters)
    # the course's own check, and the same with the library's central differences and relative difference
    assert course.gradient_check_n(parameters, buggy, X, Y) == 0.2850931567761623
    thetas = [Tensor(parameters[k].copy()) for k in course.KEYS]
    gradapprox = numerical_grad(lambda *t: course.forward_propagation_n(X, Y, dict(zip(course.KEYS, (p.data for p in t))))[0],
                                thetas, eps=1e-7)
    assert relative_difference([buggy["d" + k] for k in course.KEYS], gradapprox) == 0.2850931567761623
    # the report's number takes autodiff for gradapprox: the same to the 1e-9 error of central differences
    net = DeepNet(*COURSE_NET)
    net.set_parameters(parameters)
    report = compare(net, X, Y, backward=course.backward_propagation_n)
    assert report.difference == pytest.approx(0.2850931567761623, rel=1e-7)
    assert report.wrong == ["dW2", "db1"] and "difference = 2.851e-01" in str(report)
    fixed = compare(net, X, Y, backward=course.backward_propagation_n_fixed)
    assert fixed.passed and "works perfectly fine! difference = " in str(fixed)
    assert course.gradient_check_n(parameters, course.backward_propagation_n_fixed(X, Y, parameters), X, Y) < 2e-7


def test_the_single_number_is_the_course_formula_over_W1_b1_W2_b2_in_order():
    X, Y = course_data(8)
    model = course_net()
    report = compare(model, X, Y, backward=course.backward_propagation_n)
    yours = course.backward_propagation_n(X, Y, model.get_parameters())
    model.zero_grad()
    model.cost(X, Y).backward()
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    grad = np.concatenate([yours["d" + n].ravel() for n in names])
    exact = np.concatenate([model.parameters[n].grad.ravel() for n in names])  # autodiff's, not the course's gradapprox
    expected = np.linalg.norm(grad - exact) / (np.linalg.norm(grad) + np.linalg.norm(exact))
    assert report.difference == pytest.approx(expected, rel=1e-12)
    # gradapprox is the course's name for the central-difference estimate, and the report keeps it so
    text = str(report)
    assert "with autodiff's exact gradient in place of gradapprox" in text and "gradapprox by autodiff" not in text
    assert f"with the course's gradapprox, central differences, it is {report.numeric_difference:.3e}" in text


@pytest.mark.parametrize("initialization", ["small_random", "he", "xavier"])
@pytest.mark.parametrize("seed", range(4))
def test_a_correct_learner_is_reported_right(initialization, seed):
    X, Y = course_data(32, seed)
    report = compare(course_net(initialization, seed), X, Y, backward=learners.backward_propagation)
    assert report.passed, str(report)
    assert report.difference < 1e-12 and not report.wrong
    assert "works perfectly fine" in str(report) and "mistake" not in str(report)


# ---------------------------------------------------------------- 1. dropout


@pytest.mark.parametrize("seed", range(6))
def test_the_courses_dropout_backprop_passes_with_the_masks_held(seed):
    X, Y = course_data(16, seed)
    report = compare(course_net(seed=seed, keep_prob=0.8), X, Y, backward=learners.backward_propagation_with_dropout)
    assert report.passed, str(report)
    for name in ("dA2", "dA1"):  # (some add that ReLU'(0) = 0 here, where Z is exactly 0)
        assert rows(report)[name].problem.startswith(f"{name} is taken after dropout, as the course returns it")
    text = str(report)
    assert "dA1, dA2 are taken after dropout, as the course returns them" in text
    assert "the masks D1, D2 were drawn once and held fixed" in text


def test_the_other_dropout_convention_passes_too_and_says_so():
    X, Y = data(4, m=12)
    report = compare(net([4, 5, 4, 3, 1], keep_prob=0.7), X, Y, backward=learners.backward_with_dropout_before_mask)
    assert report.passed, str(report)
    assert rows(report)["dA2"].problem == "dA2 is taken before dropout's mask (W3ᵀ dZ3)"


def test_the_learner_gets_the_masks_that_autodiff_and_central_differences_use():
    X, Y = data(4, m=12)
    seen = {}

    def backward(X, Y, parameters, masks, keep_prob):
        seen.update(masks=masks, keep_prob=keep_prob)
        return learners.backward_with_dropout(X, Y, parameters, masks, keep_prob)

    model = net([4, 5, 3, 1], keep_prob=0.6)
    report = compare(model, X, Y, backward=backward)
    assert report.passed, str(report)
    assert sorted(seen["masks"]) == ["D1", "D2"] and seen["keep_prob"] == 0.6
    assert seen["masks"]["D1"].shape == (5, 12) and seen["masks"]["D2"].shape == (3, 12)
    assert set(np.unique(seen["masks"]["D1"])) <= {0.0, 1.0} and (seen["masks"]["D1"] == 0).any()
    assert report.learner_cost == pytest.approx(report.cost, rel=1e-12)  # the same thinned network as autodiff's J


def test_relu_prime_at_0_under_dropout_is_judged_with_the_masks():
    # the issue: with b = 0 some Z[2] is exactly 0, the course's np.int64(A2 > 0) takes ReLU'(0) = 0, and the
    # fallback recomputed the closed form without the masks, so db2 failed in 27 of 61 seeds
    subgradient = 0
    for seed in range(61):
        X, Y = course_data(16, seed)
        report = compare(course_net("small_random", seed, keep_prob=0.8), X, Y,
                         backward=learners.backward_propagation_with_dropout)
        assert report.verdict != "WRONG", f"seed {seed}\n{report}"
        subgradient += any("subgradient" in row.problem for row in report.rows)
    assert subgradient > 10  # the kink was there


@pytest.mark.parametrize("learner, wrong, hint", [
    (learners.backward_dropout_without_keep_prob, "dA3", "ratio keep_prob: the division by keep_prob is missing"),
    (slipped("dropout_no_mask", course_dA=True), "dA3", "dropout's mask not applied to dA[3]: dA[3] = dA[3] ∗ D[3] / "
                                                        "keep_prob (inverted dropout, as the course's "
                                                        "backward_propagation_with_dropout has it; the notes have no "
                                                        "dropout)"),
    # dA returned before the mask (accepted), the mask then forgotten: dZ[3] is the first wrong
    (slipped("dropout_no_mask", course_dA=False), "dZ3", "dropout's mask not applied to dA[3]"),
    (slipped("dropout_no_mask", course_dA=False, per_example=False), "dZ3", "dropout's mask not applied to dA[3]"),
    # a learner that returns only dW and db: the first wrong is dW3, which follows from that dZ[3]
    (lambda X, Y, parameters, masks, keep_prob: {
        k: v for k, v in learners.L_model_backward(X, Y, parameters, masks, keep_prob=keep_prob,
                                                   slip="dropout_no_mask")[0].items() if k[:2] in ("dW", "db")},
     "dW3", "follows from a dZ[3] with dropout's mask not applied to dA[3]"),
    # the masks taken and never used: every gradient is the net's without dropout
    (lambda X, Y, parameters, masks: learners.L_model_backward(X, Y, parameters)[0], "dA4",
     "the masks are not applied at all: this is the gradient of the net without dropout"),
])
def test_dropout_mistakes_are_wrong(learner, wrong, hint):
    X, Y = data(4, m=12)
    report = compare(net([4, 5, 4, 3, 1], keep_prob=0.8), X, Y, backward=learner)
    assert report.verdict == "WRONG" and report.first_wrong.name == wrong
    assert hint in report.first_wrong.problem


def test_a_dropout_net_needs_a_function_that_takes_the_masks():
    X, Y = data(4, m=12)
    with pytest.raises(LearnerCallError) as refused:  # bad input: the function is never run
        compare(net([4, 5, 3, 1], keep_prob=0.8), X, Y, backward=learners.backward_dropout_without_masks)
    error = str(refused.value)
    assert "the check calls backward_dropout_without_masks(X, Y, parameters, masks), but your function is " \
           "backward_dropout_without_masks(X, Y, parameters)" in error
    assert "take them as a fourth argument, a dict D1, D2, … of 0/1 arrays of the shapes of A1, A2, …" in error
    assert "or check it without dropout (leave out --keep-prob)" in error


# ---------------------------------------------------------------- 2. verdicts that cannot contradict the rows


def test_zero_gradients_are_zero_up_to_rounding_not_a_mistake():
    # the issue: --init zeros with balanced labels; db[L] is 1.4e-17 by rounding against the learner's exact 0,
    # and the single number 1.0 said "There is a mistake"
    X = np.random.default_rng(0).standard_normal((2, 32))
    Y = np.array([[0.0, 1.0] * 16])
    model = DeepNet([2, 4, 3, 1], None, "zeros", seed=0)

    def exact_zero_db(X, Y, parameters):
        grads, cost = learners.L_model_backward(X, Y, parameters)
        grads["db3"] = np.zeros((1, 1))  # (1/m) Σ (0.5 − y) = 0 exactly, as a learner may compute it
        return grads, cost

    report = compare(model, X, Y, backward=exact_zero_db)
    assert report.verdict == "not judged" and not report.wrong and MISTAKE not in str(report)
    assert report.zero_gradients and "zero up to rounding" in str(report)
    assert rows(report)["db3"].status == "too small to judge"
    assert "not held against you" in str(report)


def test_a_tiny_gradient_with_a_forgotten_1_over_m_is_wrong():
    # the issue: in a deep small_random net dW1 is about 3e-14; 16 times that passed under an absolute tolerance
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((3, 16)), (rng.random((1, 16)) > 0.5).astype(float)
    model = DeepNet([3, 4, 4, 4, 4, 4, 4, 1], None, "small_random", seed=3)

    def without_1_over_m_in_dW1(X, Y, parameters):
        grads, cost = learners.L_model_backward(X, Y, parameters)
        grads["dW1"] = grads["dW1"] * X.shape[1]
        return grads, cost

    report = compare(model, X, Y, backward=without_1_over_m_in_dW1)
    assert np.abs(model.parameters["W1"].grad).max() < 1e-13
    assert report.verdict == "WRONG" and report.wrong == ["dW1"]
    assert compare(model, X, Y, backward=learners.backward_propagation).verdict != "WRONG"
    assert rows(report)["dW1"].problem == "ratio m: the 1/m is missing"


def test_a_vanishing_gradient_is_too_small_to_judge_not_right():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 16)), (rng.random((1, 16)) > 0.5).astype(float)
    report = compare(DeepNet([3, 4, 4, 4, 4, 4, 4, 1], None, "small_random", seed=0), X, Y,
                     backward=learners.backward_propagation)
    assert report.verdict == "not judged" and not report.passed and not report.wrong
    assert rows(report)["dW1"].status == "too small to judge"
    assert rows(report)["dW1"].problem == "vanishing gradient at layer 1"
    assert rows(report)["dA1"].problem == "vanishing gradient at layer 1"  # dA[1], though layer 2's step computes it
    assert rows(report)["db7"].status == "right"
    text = str(report)
    assert "No mistake found, but the check could not judge everything:" in text
    assert "works perfectly fine" not in text and MISTAKE not in text
    assert "vanishing gradient at layer 1" in text and "--init he" in text


def test_the_verdict_and_the_rows_agree_when_only_the_cost_is_wrong():
    X, Y = data(4)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_with_wrong_cost)
    assert report.verdict == "WRONG" and not report.wrong  # every gradient right
    text = str(report)
    assert MISTAKE in text and "Wrong: your cost (" in text and "your cost" in text.splitlines()[2]
    assert "a factor 2 too many" in text.splitlines()[2]
    assert report.to_dict()["wrong"] == ["cost"]


# ---------------------------------------------------------------- 3. blind spots named


def test_zero_weights_are_named_and_their_hidden_bugs_do_not_pass():
    X, Y = data(4, m=12)
    model = net([4, 5, 3, 1], initialization="zeros")
    report = compare(model, X, Y, backward=learners.backward_without_1_over_m)
    assert report.verdict != "right"
    assert report.symmetric == ["W1", "W2"]
    assert "W1, W2 have identical rows" in str(report) and "symmetric weights hide bugs" in str(report)
    assert "--init he" in str(report)
    correct = compare(model, X, Y, backward=learners.backward_propagation)
    assert correct.verdict == "not judged"


def test_weights_with_identical_rows_are_symmetric_too():
    X, Y = data(4, m=12)
    model = net([4, 5, 3, 1])
    values = model.get_parameters()
    values["W2"] = np.tile(values["W2"][:1], (3, 1))
    model.set_parameters(values)
    report = compare(model, X, Y, backward=learners.backward_propagation)
    assert report.symmetric == ["W2"] and report.verdict == "not judged"
    assert "W2 has identical rows" in str(report)


def test_an_l2_term_on_b_shows_once_b_is_not_zero():
    X, Y = data(4, m=12)
    learner = slipped("l2_on_b")
    drawn = compare(net([4, 5, 3, 1]), X, Y, lambd=0.7, backward=learner)
    assert drawn.verdict == "WRONG" and drawn.wrong == ["db3", "db2", "db1"]
    assert "an L2 term (λ/m)·b in db" in rows(drawn)["db3"].problem
    zero = compare(net([4, 5, 3, 1], bias=0.0), X, Y, lambd=0.7, backward=learner)
    assert zero.verdict == "right"  # with b = 0 the term is 0: the blind spot the drawn biases remove


# ---------------------------------------------------------------- 4. every output and convention the course uses


def test_softmax_output_dA_is_minus_Y_over_A():
    X, Y = data(4, 3, m=10, softmax=True)
    model = net([4, 5, 3], ["relu", "softmax"])
    right = compare(model, X, Y, backward=learners.backward_softmax)
    assert right.passed and rows(right)["dA2"].status == "right", str(right)
    wrong = compare(model, X, Y, backward=learners.backward_softmax_sigmoid_dA)
    assert wrong.verdict == "WRONG" and wrong.wrong == ["dA2"]


@pytest.mark.parametrize("right, wrong, activation, hint", [
    (learners.backward_tanh, learners.backward_tanh_prime_from_Z, "tanh",
     "tanh′ computed from Z, 1 − Z², where the notes have 1 − A²"),
    (learners.backward_leaky_relu, slipped("leaky_slope_1", activations=["leaky_relu", "leaky_relu", "sigmoid"]),
     "leaky_relu", ""),
    (slipped(None, activations=["sigmoid", "sigmoid", "sigmoid"]),
     slipped("sigmoid_prime_from_Z", activations=["sigmoid", "sigmoid", "sigmoid"]), "sigmoid",
     "σ′ computed from Z, Z(1 − Z), where the notes have A(1 − A)"),
])
def test_tanh_leaky_relu_and_sigmoid_hidden_layers(right, wrong, activation, hint):
    X, Y = data(4, m=10)
    model = net([4, 5, 3, 1], [activation, activation, "sigmoid"])
    assert compare(model, X, Y, backward=right).passed
    report = compare(model, X, Y, backward=wrong)
    assert report.verdict == "WRONG" and report.first_wrong.name == "dZ2"
    assert hint in report.first_wrong.problem


def test_the_2017_key_names_are_recognised_and_accepted_with_keys_2017():
    X, Y = data(4, m=10)
    model = net([4, 5, 3, 1])
    recognised = compare(model, X, Y, backward=learners.L_model_backward_2017)
    assert recognised.verdict == "not judged" and not recognised.wrong
    assert rows(recognised)["dA3"].problem == "your dA3 is dA[2]: keys one layer off"
    assert rows(recognised)["dA1"].problem == "your dA1 is dA[0]: keys one layer off"
    assert "--keys 2017" in str(recognised) and MISTAKE not in str(recognised)
    accepted = compare(model, X, Y, backward=learners.L_model_backward_2017, keys="2017")
    assert accepted.passed, str(accepted)
    assert [row.name for row in accepted.rows if row.name.startswith("dA")] == ["dA3", "dA2"]
    assert "dA1 is dA[0], a gradient for X" in str(accepted)


def test_dZ_as_dJ_dZ_is_accepted_with_a_note_or_asked_for():
    X, Y = data(4, m=10)
    model = net([4, 5, 3, 1])
    noted = compare(model, X, Y, backward=learners.backward_dJdZ)
    assert noted.passed and "Your dZ and dA are ∂J/∂Z and ∂J/∂A, with the 1/m in them" in str(noted)
    assert compare(model, X, Y, backward=learners.backward_dJdZ, per_example=False).passed
    held = compare(model, X, Y, backward=learners.backward_dJdZ, per_example=True)
    assert held.verdict == "WRONG" and "ratio 1/m: the notes' dZ and dA are per example" in rows(held)["dZ3"].problem
    notes = compare(model, X, Y, backward=learners.backward_propagation, per_example=False)
    assert notes.verdict == "WRONG" and "ratio m" in rows(notes)["dZ3"].problem


@pytest.mark.parametrize("learner, slope", [(learners.backward_relu_prime_course, "0"),
                                            (learners.backward_relu_prime_half, "0.5")])
def test_another_relu_prime_at_0_differs_only_at_Z_0(learner, slope):
    # small weights and b = 0 put some Z[2] exactly at 0
    X, Y = course_data(32, 0)
    model = course_net("small_random", 0)
    assert (np.maximum(0, model.parameters["W1"].data @ X) == 0).all(axis=0).any()  # the situation exists
    report = compare(model, X, Y, backward=learner)
    assert report.passed, str(report)
    assert rows(report)["db2"].problem == ("differs only at Z = 0 exactly (3 entries): a subgradient choice, not a bug; "
                                           f"your ReLU'(0) = {slope}")
    assert not any(row.problem for row in compare(model, X, Y, backward=learners.backward_propagation).rows)


# ---------------------------------------------------------------- 5. hints that are right or absent


@pytest.mark.parametrize("learner, wrong, hint", [
    (slipped("no_1_over_m"), "dW3", "ratio m: the 1/m is missing"),
    (slipped("db_1_over_m_twice"), "db3", "ratio 1/m: divided by m twice"),
    (slipped("dW_times_2"), "dW3", "a factor 2 too many"),
    (slipped("db_sign"), "db3", "the sign is flipped"),
    (slipped("dW_transposed"), "dW3", "shape (3, 1), expected (1, 3): transposed? (dW[l] has the shape of W[l]"),
    (slipped("db_no_keepdims"), "db2",
     "shape (3,), expected (3, 1): keepdims=True in np.sum? np.sum(dZ, axis=1, keepdims=True)"),
    (slipped("db_axis_0"), "db3",
     "shape (1, 5), expected (1, 1): summed over the wrong axis: np.sum(dZ, axis=1, keepdims=True)"),
    (slipped("db_no_axis"), "db2", "shape (), expected (3, 1): summed over the wrong axis: np.sum(dZ, axis=1, keepdims=True)"),
])
def test_each_classic_mistake_is_recognised_by_name(learner, wrong, hint):
    X, Y = data(4, m=5, seed=2)
    report = compare(net([4, 5, 3, 1], initialization="xavier", seed=2), X, Y, backward=learner)
    assert report.first_wrong.name == wrong
    assert hint in report.first_wrong.problem
    assert hint in str(report) and MISTAKE in str(report)


@pytest.mark.parametrize("slip, hint", [
    ("no_l2", "the L2 term (λ/m)·W is missing"),
    ("l2_half", "the L2 term is (λ/(2m))·W where the notes have (λ/m)·W"),
    ("l2_lambda", "the L2 term is λ·W where the notes have (λ/m)·W"),
    ("l2_squared", "the L2 term is (λ/m)·W² where the notes have (λ/m)·W"),
])
def test_the_l2_slips_are_recognised(slip, hint):
    X, Y = data(4, m=5, seed=2)
    report = compare(net([4, 5, 3, 1], seed=2), X, Y, lambd=0.7, backward=slipped(slip))
    assert report.wrong == ["dW3", "dW2", "dW1"]
    assert all(hint in row.problem for row in report.rows if row.wrong)


def test_square_transposes_are_recognised():
    X, Y = data(4, m=6)
    model = net([4, 4, 4, 1])
    transposed = compare(model, X, Y, backward=slipped("dW_transposed_square"))
    assert transposed.wrong == ["dW2", "dW1"]
    assert "transposed: A[l−1] dZ[l]ᵀ where the notes have dZ[l] A[l−1]ᵀ" in rows(transposed)["dW2"].problem
    not_transposed = compare(model, X, Y, backward=slipped("W_not_transposed"))
    assert not_transposed.first_wrong.name == "dA1"
    assert not_transposed.first_wrong.problem == "W[l] dZ[l] where the notes have W[l]ᵀ dZ[l]"


def test_first_wrong_names_the_step_and_the_lines_that_compute_it():
    # the issue: "first wrong: dA1 (layer 1)" for a bug in layer 2's line
    X, Y = data(4, m=6)
    report = compare(net([4, 4, 4, 1]), X, Y, backward=learners.backward_W_not_transposed)
    first = report.first_wrong
    assert first.name == "dA1" and first.layer == 2
    assert [code for _, _, code in first.lines] == ["dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(W, dZ)"]
    assert "the first wrong gradient is dA1, computed in layer 2's step as dA[1] = W[2]ᵀ dZ[2]; your code computes " \
           "it in learners.py" in str(report)


def test_a_ratio_hint_is_only_given_for_a_recognised_slip():
    one = np.array([[1.0]])
    assert diagnose(1.071 * one, one, m=5) == ""  # one entry is always some multiple of another
    assert diagnose(2 * one, one, m=5) == "a factor 2 too many"
    many = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert diagnose(many + np.array([[0.5, 0.0], [0.0, 0.0]]), many, m=5) == ""
    assert diagnose(1.071 * many, many, m=5) == ""
    assert diagnose(3 * many, many, m=5) == "3 × the true gradient: 3/m where the notes have 1/m?"
    assert diagnose(0.8 * many, many, m=5, kind="dA", keep_prob=0.8).startswith("ratio keep_prob")
    assert diagnose(many / 0.8, many, m=5, kind="dA", keep_prob=0.8).startswith("ratio 1/keep_prob")


def test_logistic_regression_hints_speak_of_w():
    X, Y = data(3, m=7)
    model = LogisticRegression(3, initialization="small_random", seed=0)
    right = compare(model, X, Y, backward=learners.propagate)
    assert right.passed and [row.name for row in right.rows] == ["dw", "db"]
    assert right.learner_cost == pytest.approx(right.cost, rel=1e-12)
    transposed = compare(model, X, Y, backward=learners.propagate_dw_transposed)
    assert transposed.wrong == ["dw"]
    assert transposed.first_wrong.problem == "shape (1, 3), expected (3, 1): transposed? (dw has the shape of w, (n_x, 1))"
    assert "dW[l]" not in str(transposed)
    wrong = compare(model, X, Y, backward=learners.propagate_without_1_over_m)
    assert wrong.wrong == ["db"] and "ratio m: the 1/m is missing" in str(wrong)


# ---------------------------------------------------------------- 6. messages


def test_a_signature_the_check_cannot_call_says_how_it_calls_it():
    X, Y = data(4)
    with pytest.raises(LearnerCallError) as refused:
        compare(net([4, 5, 3, 1]), X, Y, lambd=0.7, backward=learners.backward_with_lam)
    assert str(refused.value) == ("Your function cannot be called as the check calls it: the check calls "
                                  "backward_with_lam(X, Y, parameters), but your function is backward_with_lam(X, Y, "
                                  "parameters, lam): missing a required argument: 'lam'. λ is passed by the notes' "
                                  "name lambd: rename 'lam' to 'lambd'.")
    assert isinstance(refused.value, ValueError)  # bad input, as the library's other refusals


def test_a_deep_net_function_run_as_logistic_regression_is_named():
    X, Y = data(3, m=7)
    with pytest.raises(LearnerCallError) as refused:
        compare(LogisticRegression(3, seed=0), X, Y, backward=learners.backward_propagation)
    assert "the check calls backward_propagation(w, b, X, Y), but your function is backward_propagation(X, Y, " \
           "parameters)" in str(refused.value)
    assert "It looks like a backprop for DeepNet: leave out --logistic." in str(refused.value)


def test_a_dropout_function_on_a_net_without_dropout_names_the_flag():
    X, Y = data(4)
    with pytest.raises(LearnerCallError, match=r"missing a required argument: 'masks'\. It takes dropout's masks: "
                                               r"check it on a net with dropout, --keep-prob P"):
        compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_with_dropout)


@pytest.mark.parametrize("model, learner, lambd, said", [
    (lambda: net([4, 5, 3, 1]), lambda X, Y, parameters, lam=0.0: learners.L_model_backward(X, Y, parameters,
                                                                                              lambd=lam)[0],
     0.3, "<lambda>(X, Y, parameters, lam=0.0) has no parameter lambd, so the check cannot give it λ = 0.3. λ is "
          "passed by the notes' name lambd: rename 'lam' to 'lambd'."),
    (lambda: LogisticRegression(4, initialization="small_random", seed=0), learners.propagate, 0.5,
     "propagate(w, b, X, Y) has no parameter lambd, so the check cannot give it λ = 0.5. Add a parameter lambd"),
])
def test_a_function_without_lambd_is_refused_when_lambd_is_not_0(model, learner, lambd, said):
    X, Y = data(4)
    calls = []

    def recorded(*args, **kwargs):
        calls.append(args)
        return learner(*args, **kwargs)

    recorded.__signature__ = inspect.signature(learner)
    recorded.__name__ = learner.__name__
    with pytest.raises(LearnerCallError) as refused:
        compare(model(), X, Y, lambd=lambd, backward=recorded)
    assert str(refused.value).startswith(said) and calls == []  # refused before it ran
    assert compare(model(), X, Y, backward=learner).passed  # λ = 0: nothing withheld


def test_kwargs_take_lambd():
    X, Y = data(4)
    assert compare(net([4, 5, 3, 1]), X, Y, lambd=0.7,
                   backward=lambda X, Y, parameters, **options: learners.L_model_backward(
                       X, Y, parameters, lambd=options["lambd"])[0]).passed


@pytest.mark.parametrize("learner, message", [
    (learners.backward_returning_none,
     "Your function returned None; expected a dict of gradients dW1, db1, … (or (grads, cost)): is `return grads` missing?"),
    (learners.backward_returning_caches,
     "Your function returned a tuple of a dict and a list, which looks like (grads, caches); expected a dict of "
     "gradients dW1, db1, … (or (grads, cost))."),
    (learners.backward_returning_object,
     "Your function returned a Gradients; expected a dict of gradients dW1, db1, … (or (grads, cost))."),
    (lambda X, Y, p: (1, 2, 3),
     "Your function returned a tuple of 3 items (a int, a int, a int); expected a dict of gradients"),
    (lambda X, Y, p: [1, 2], "Your function returned a list; expected a dict of gradients dW1, db1"),
])
def test_what_came_back_is_named_in_one_sentence(learner, message):
    X, Y = data(4)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=learner)
    assert report.verdict == "WRONG" and message in report.error
    assert "Traceback" not in str(report) and "numpy" not in str(report)


def test_a_gradient_returned_as_None_is_named():
    X, Y = data(4)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_with_none_gradient)
    assert report.wrong == ["dW2"]
    assert rows(report)["dW2"].problem == "is None (nothing was stored under this key); expected an array of shape (3, 5)"
    assert rows(report)["dW2"].lines[0][2] == 'grads["dW2"] = None'


def test_a_missing_key_names_the_keys_expected():
    X, Y = data(4)

    def forgot_db1(X, Y, parameters):
        grads, _ = learners.L_model_backward(X, Y, parameters)
        del grads["db1"]
        return grads

    report = compare(net([4, 5, 3, 1]), X, Y, backward=forgot_db1)
    assert report.wrong == ["db1"] and report.difference is None
    text = str(report)
    assert "missing from the returned dict" in text
    assert "Expected the keys dW1, db1, dW2, db2, dW3, db3" in text
    assert "cannot be computed" in text and MISTAKE in text


def test_a_non_finite_gradient_names_the_parameter():
    X, Y = data(4)

    def nan_in_dW3(X, Y, parameters):
        grads, _ = learners.L_model_backward(X, Y, parameters)
        grads["dW3"][0, 1] = np.nan
        return grads

    report = compare(net([4, 5, 3, 1]), X, Y, backward=nan_in_dW3)
    assert report.wrong == ["dW3"]
    assert "contains NaN or inf (1 entries, the first at (0, 1))" in str(report)


def test_an_exception_in_the_learners_function_shows_the_learners_traceback():
    X, Y = data(4)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_that_fails)
    assert not report.passed and report.error is not None
    assert "learners.py" in report.error and "np.dot(parameters[\"W1\"], parameters[\"W2\"])" in report.error
    assert "ValueError" in report.error and "shapes" in report.error
    assert "autograd_mini" not in report.error  # only the learner's frames
    assert report.error.strip() in str(report)


@pytest.mark.parametrize("exit_call, said", [
    (lambda: exec("import sys; sys.exit(0)"), "Your function called sys.exit(0)"),
    (lambda: exec("raise SystemExit"), "Your function called sys.exit(None)"),
    (lambda: exec("raise KeyboardInterrupt"), "Your function was interrupted (KeyboardInterrupt)"),
])
def test_a_learner_that_exits_is_reported_not_passed(exit_call, said):
    X, Y = data(4)

    def exits(X, Y, parameters):
        exit_call()

    report = compare(net([4, 5, 3, 1]), X, Y, backward=exits)
    assert report.verdict == "WRONG" and said in report.error and "nothing was checked" in report.error
    # no gradients were compared: the headline says so, not that the backward propagation has a mistake
    assert str(report).endswith("Your function did not return gradients, so no gradient was compared (see above).")
    assert MISTAKE not in str(report)


def test_extra_keys_are_listed_as_not_checked():
    X, Y = data(4)
    report = compare(net([4, 5, 3, 1]), X, Y,
                     backward=lambda X, Y, p: {**learners.L_model_backward(X, Y, p)[0], "dA0": 1})
    assert report.passed and "Not checked (not a gradient of this model): dA0." in str(report)


def test_lambd_and_keep_prob_are_passed_by_name():
    X, Y = data(4)
    assert compare(net([4, 5, 3, 1]), X, Y, lambd=0.7, backward=learners.backward_with_lambd).passed


def test_the_learner_gets_copies():
    X, Y = data(4)
    model = net([4, 5, 3, 1])
    before = model.get_parameters()

    def vandal(X, Y, parameters):
        grads = learners.L_model_backward(X, Y, parameters)[0]
        for value in parameters.values():
            value[...] = 0.0
        X[...] = 0.0
        return grads

    X_before = X.copy()
    assert compare(model, X, Y, backward=vandal).passed
    for name, value in model.get_parameters().items():
        np.testing.assert_array_equal(value, before[name])
    np.testing.assert_array_equal(X, X_before)


def test_report_as_json_names_the_wrong_gradients_and_the_verdict():
    import json

    X, Y = course_data(5)
    report = compare(course_net(), X, Y, backward=course.backward_propagation_n)
    out = json.loads(report.to_json())
    assert out["passed"] is False and out["verdict"] == "WRONG"
    assert out["wrong"] == ["dW2", "db1"] and out["first_wrong"] == "dW2"
    assert out["rows"][5]["lines"][0][2] == "dW2 = 1.0 / m * np.dot(dZ2, A1.T) * dW2_factor"


def test_a_batch_norm_net_is_refused_with_a_way_out():
    X, Y = data(4)
    with pytest.raises(ValueError, match="nets without batch normalization"):
        compare(DeepNet([4, 5, 1], batch_norm=True), X, Y, backward=learners.backward_propagation)


def test_the_gradient_helpers_have_one_home_and_the_imports_run_one_way():
    import ast
    from pathlib import Path

    import autograd_mini

    package = Path(autograd_mini.__file__).parent

    def imported(module):
        tree = ast.parse((package / f"{module}.py").read_text())
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}

    assert "comparison" not in imported("backprop_check")  # comparison → backprop_check, never back
    assert not {"comparison", "backprop_check"} & imported("gradient_legs")
    assert "gradient_legs" in imported("comparison") and "gradient_legs" in imported("backprop_check")


def test_compare_is_the_function_and_its_module_is_comparison():
    from pathlib import Path

    import autograd_mini
    from autograd_mini import comparison

    assert callable(autograd_mini.compare) and autograd_mini.compare is comparison.compare
    assert not (Path(autograd_mini.__file__).parent / "compare.py").exists()  # no module of that name to hide


# ---------------------------------------------------------------- issue 20, the reviewer's second round


@pytest.mark.parametrize("model, right, wrong, n_x", [
    (lambda: net([3, 4, 1]), learners.backward_propagation, learners.backward_without_1_over_m, 3),
    (lambda: LogisticRegression(3, initialization="small_random", seed=0), learners.propagate,
     learners.propagate_without_1_over_m, 3),
])
def test_with_one_example_a_missing_1_over_m_cannot_show_so_nothing_is_vouched_for(model, right, wrong, n_x):
    X, Y = data(n_x, m=1)
    for learner in (right, wrong):  # at m = 1 both give the same numbers
        report = compare(model(), X, Y, backward=learner)
        assert report.verdict == "not judged" and not report.passed and report.wrong == []
        text = str(report)
        assert "With m = 1 example a missing or extra factor 1/m cannot show" in text and "--m 2 or more" in text
        assert "works perfectly fine" not in text


def test_with_one_example_a_gradient_that_is_wrong_stays_wrong():
    X, Y = data(4, m=1)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=slipped("db_sign"))
    assert report.verdict == "WRONG" and "db1" in report.wrong
    assert "With m = 1" not in str(report)


@pytest.mark.parametrize("odd, said", [
    (lambda g: g + 5j, "is complex (dtype complex128): a gradient is real"),
    (lambda g: g.astype(object), "is an array of Python objects (dtype object): a gradient is real"),
    (lambda g: g > 0, "is an array of True/False values (dtype bool): a gradient is real"),
    (lambda g: g.astype(str), "is an array of text (dtype <U"),
])
def test_a_gradient_that_is_not_real_numbers_is_wrong_and_says_so(odd, said):
    X, Y = data(4)

    def returns_odd_dW1(X, Y, parameters):
        grads = learners.L_model_backward(X, Y, parameters)[0]
        grads["dW1"] = odd(grads["dW1"])
        return grads

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning was all the old check said
        report = compare(net([4, 5, 3, 1]), X, Y, backward=returns_odd_dW1)
    assert report.verdict == "WRONG" and report.wrong == ["dW1"]
    assert rows(report)["dW1"].problem.startswith(said)


def test_a_complex_cost_is_named():
    X, Y = data(3, m=7)

    def complex_cost(w, b, X, Y):
        grads, cost = learners.propagate(w, b, X, Y)
        return grads, cost + 1j

    report = compare(LogisticRegression(3, seed=0), X, Y, backward=complex_cost)
    assert report.verdict == "WRONG"
    assert "with a cost that is complex (dtype complex128): the cost is a real number" in report.error


def endless(X, Y, parameters):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a learner's catch-all does not keep it running past the time limit
            pass


def test_a_function_that_never_returns_is_stopped_after_timeout():
    X, Y = data(4)
    started = time.monotonic()
    report = compare(net([4, 5, 3, 1]), X, Y, backward=endless, timeout=0.5)
    assert time.monotonic() - started < 30  # generous: the point is that it returns at all
    assert report.verdict == "WRONG"
    assert "Your function ran for more than 0.5 s without returning and was stopped at line " in report.error
    assert "of test_backprop_check.py, so nothing was checked" in report.error
    assert "--timeout SECONDS" in report.error
    with pytest.raises(ValueError, match="timeout"):
        compare(net([4, 5, 3, 1]), X, Y, backward=endless, timeout=0)


def test_the_time_limit_holds_outside_the_main_thread_too():
    X, Y = data(4)
    reports = []

    def spin(X, Y, parameters):
        while True:
            pass

    worker = threading.Thread(target=lambda: reports.append(compare(net([4, 5, 3, 1]), X, Y, backward=spin,
                                                                    timeout=0.5)))
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and "ran for more than 0.5 s" in reports[0].error


def test_notes_keys_checked_with_keys_2017_are_named_as_the_notes_keys():
    X, Y = data(4, m=10)
    report = compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_propagation, keys="2017")
    assert report.verdict == "not judged" and not report.wrong
    assert rows(report)["dA3"].problem == "your dA3 is dA[3]: keys as the notes name them"
    assert rows(report)["dA2"].problem == "your dA2 is dA[2]: keys as the notes name them"
    text = str(report)
    assert "Check them so without --keys 2017 (keys=\"notes\")" in text and MISTAKE not in text
    assert "dA1 is dA[0], a gradient for X" not in text and "dA1 as the notes name it, dA[1]" in text
    # a real mistake under --keys 2017 stays WRONG
    assert compare(net([4, 5, 3, 1]), X, Y, backward=slipped("db_sign"), keys="2017").verdict == "WRONG"


@pytest.mark.parametrize("learner, hint", [
    (lambda w, b, X, Y, lambd: learners.propagate(w, b, X, Y),
     "the L2 term (λ/m)·w is missing (yours = true − (λ/m) w)"),
    (lambda w, b, X, Y, lambd: ({"dw": learners.propagate(w, b, X, Y)[0]["dw"] + lambd / (2 * X.shape[1]) * w,
                                 "db": learners.propagate(w, b, X, Y)[0]["db"]}, learners.propagate(w, b, X, Y)[1]),
     "the L2 term is (λ/(2m))·w where the notes' (λ/m)·W[l] gives (λ/m)·w"),
])
def test_logistic_l2_hints_speak_of_w(learner, hint):
    X, Y = data(3, m=7)
    report = compare(LogisticRegression(3, initialization="small_random", seed=0), X, Y, lambd=0.5, backward=learner)
    assert report.wrong == ["dw"] and rows(report)["dw"].problem.startswith(hint)
    assert "W]" not in rows(report)["dw"].problem.replace("W[l]", "") and "(λ/m)·W " not in str(report)
    assert report.cost_wrong() and report.cost_hint == "the L2 cost (λ/(2m))‖w‖² is missing"


def test_a_cost_returned_as_None_is_named_not_read_as_nan():
    X, Y = data(3, m=7)
    report = compare(LogisticRegression(3, seed=0), X, Y, backward=lambda w, b, X, Y: (learners.propagate(w, b, X, Y)[0],
                                                                                         None))
    assert "Your function returned (grads, None); the second item should be the cost, a number." in report.error


def test_the_time_limit_leaves_the_callers_timer_and_handler_as_they_were():
    X, Y = data(4)
    fired = []

    def callers_handler(signum, frame):
        fired.append(signum)

    before = signal.signal(signal.SIGALRM, callers_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        assert compare(net([4, 5, 3, 1]), X, Y, backward=learners.backward_propagation, timeout=5).passed
        remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        assert 20 < remaining <= 30 and fired == []
        assert signal.getsignal(signal.SIGALRM) is callers_handler
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
