"""compare(model, X, Y, lambd, backward=fn): a learner's own backprop against autodiff and central differences."""

import numpy as np
import pytest

import learners
from autograd_mini import DeepNet, LogisticRegression, compare, relative_difference
from autograd_mini.backprop_check import COURSE_THRESHOLD, BackpropReport, diagnose

COURSE_NET = ([4, 5, 3, 1], ["relu", "relu", "sigmoid"])


def course_data(m=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return X, Y


def course_net(initialization="he", seed=1):
    return DeepNet(*COURSE_NET, initialization=initialization, seed=seed)


def statuses(report: BackpropReport) -> dict:
    return {row.name: row.status for row in report.rows}


@pytest.mark.parametrize("m", [3, 32])
def test_the_course_bugs_are_reported_at_exactly_dW2_and_db1(m):
    X, Y = course_data(m)
    report = compare(course_net(), X, Y, backward=learners.backward_propagation_with_bugs)
    assert not report.passed
    assert report.wrong == ["dW2", "db1"]
    assert {name for name, status in statuses(report).items() if status == "right"} == \
        {"dZ3", "dW3", "db3", "dA2", "dZ2", "db2", "dA1", "dZ1", "dW1"}
    assert report.first_wrong.name == "dW2" and report.first_wrong.layer == 2
    assert report.difference > 1000 * COURSE_THRESHOLD
    rows = {row.name: row for row in report.rows}
    assert "factor 2" in rows["dW2"].problem and "4/m" in rows["db1"].problem
    text = str(report)
    assert "There is a mistake in the backward propagation!" in text
    assert "the first wrong gradient is dW2 (layer 2)" in text


def test_the_single_number_is_the_course_formula_over_W1_b1_W2_b2_in_order():
    X, Y = course_data(8)
    net = course_net()
    report = compare(net, X, Y, backward=learners.backward_propagation_with_bugs)
    yours = learners.backward_propagation_with_bugs(X, Y, net.get_parameters())
    net.zero_grad()
    net.cost(X, Y).backward()
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    grad = np.concatenate([yours["d" + n].ravel() for n in names])
    exact = np.concatenate([net.parameters[n].grad.ravel() for n in names])  # autodiff's, not the course's gradapprox
    expected = np.linalg.norm(grad - exact) / (np.linalg.norm(grad) + np.linalg.norm(exact))
    assert report.difference == pytest.approx(expected, rel=1e-12)
    # gradapprox is the course's name for the central-difference estimate, and the report keeps it so
    text = str(report)
    assert "with autodiff's exact gradient in place of gradapprox" in text and "gradapprox by autodiff" not in text
    assert f"with the course's gradapprox, central differences, it is {report.numeric_difference:.3e}" in text


@pytest.mark.parametrize("initialization", ["small_random", "he", "xavier", "zeros"])
@pytest.mark.parametrize("seed", range(4))
def test_a_correct_learner_is_reported_right(initialization, seed):
    X, Y = course_data(32, seed)
    report = compare(course_net(initialization, seed), X, Y, backward=learners.backward_propagation)
    assert report.passed, str(report)
    assert report.difference < 1e-12 and not report.wrong
    assert "works perfectly fine" in str(report) and "mistake" not in str(report)


def test_relu_prime_at_0_may_be_either_slope():
    # small weights and b = 0 put some Z[2] exactly at 0: the course's np.int64(A > 0) takes ReLU'(0) = 0,
    # L_backward takes the notes' 1; both are right, and only the first needs the other slope
    X, Y = course_data(32, 0)
    net = course_net("small_random", 0)
    A1 = np.maximum(0, net.parameters["W1"].data @ X)
    assert (A1 == 0).all(axis=0).any()  # the situation exists
    course = compare(net, X, Y, backward=learners.backward_propagation)
    notes = compare(net, X, Y, backward=lambda X, Y, p: learners.L_backward(X, Y, p, 0.0))
    assert course.passed and notes.passed
    assert any(row.problem == "with ReLU'(0) = 0" for row in course.rows)
    assert not any(row.problem for row in notes.rows)


def wrap(change, lambd=0.0):
    def backward(X, Y, parameters):
        grads = learners.L_backward(X, Y, parameters, lambd)
        change(grads, X.shape[1], parameters)
        return grads

    return backward


@pytest.mark.parametrize("change, wrong, hint", [
    (lambda g, m, p: g.update(dW1=g["dW1"] * m), "dW1", "ratio m: the 1/m is missing"),
    (lambda g, m, p: g.update(db2=g["db2"] / m), "db2", "ratio 1/m: divided by m twice"),
    (lambda g, m, p: g.update(dW3=g["dW3"] * 2), "dW3", "a factor 2 too many"),
    (lambda g, m, p: g.update(db1=-g["db1"]), "db1", "the sign is flipped"),
    (lambda g, m, p: g.update(dW2=g["dW2"].T), "dW2", "shape (5, 3), expected (3, 5): transposed?"),
    (lambda g, m, p: g.update(db2=g["db2"].ravel()), "db2", "shape (3,), expected (3, 1): keepdims=True"),
    (lambda g, m, p: g.update(dZ2=g["dZ2"] / m), "dZ2", "the notes' dZ and dA are per example"),
])
def test_each_classic_mistake_is_recognised_by_name(change, wrong, hint):
    X, Y = course_data(5, 2)
    report = compare(course_net("xavier", 2), X, Y, backward=wrap(change))
    assert report.wrong == [wrong]
    row = next(row for row in report.rows if row.name == wrong)
    assert hint in row.problem
    assert hint in str(report)
    assert "There is a mistake in the backward propagation!" in str(report)


def test_a_missing_l2_term_is_recognised():
    X, Y = course_data(5, 2)

    def without_l2(X, Y, parameters):
        return learners.L_backward(X, Y, parameters, lambd=0.0)

    report = compare(course_net("xavier", 2), X, Y, lambd=0.7, backward=without_l2)
    assert report.wrong == ["dW3", "dW2", "dW1"]
    assert all("(λ/m)·W is missing" in row.problem for row in report.rows if row.wrong)


def test_lambd_is_passed_to_a_function_that_asks_for_it():
    X, Y = course_data(5, 2)
    report = compare(course_net("xavier", 2), X, Y, lambd=0.7, backward=learners.L_backward)
    assert report.passed, str(report)


def test_diagnose_without_a_pattern_says_nothing():
    true = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert diagnose(true + np.array([[0.5, 0.0], [0.0, 0.0]]), true, m=5) == ""
    assert diagnose(true * 3, true, m=5) == "3 × the true gradient: 3/m where the notes have 1/m?"


def test_a_missing_key_names_the_keys_expected():
    X, Y = course_data(5)

    def forgot_db1(X, Y, parameters):
        grads = learners.backward_propagation(X, Y, parameters)
        del grads["db1"]
        return grads

    report = compare(course_net(), X, Y, backward=forgot_db1)
    assert report.wrong == ["db1"] and report.difference is None
    text = str(report)
    assert "db1" in text and "missing from the returned dict" in text
    assert "Expected the keys dW1, db1, dW2, db2, dW3, db3" in text
    assert "cannot be computed" in text and "There is a mistake" in text


def test_a_non_finite_gradient_names_the_parameter():
    X, Y = course_data(5)

    def nan_in_dW3(X, Y, parameters):
        grads = learners.backward_propagation(X, Y, parameters)
        grads["dW3"][0, 1] = np.nan
        return grads

    report = compare(course_net(), X, Y, backward=nan_in_dW3)
    assert report.wrong == ["dW3"]
    assert "dW3" in str(report) and "contains NaN or inf (1 entries, the first at (0, 1))" in str(report)


def test_an_exception_in_the_learners_function_shows_the_learners_traceback():
    X, Y = course_data(5)
    report = compare(course_net(), X, Y, backward=learners.backward_that_fails)
    assert not report.passed and report.error is not None
    assert "learners.py" in report.error and "np.dot(parameters[\"W1\"], parameters[\"W2\"])" in report.error
    assert "ValueError" in report.error and "shapes" in report.error
    assert "autograd_mini" not in report.error  # only the learner's frames
    assert report.error.strip() in str(report)


def test_a_result_that_is_not_a_dict_says_what_came_back():
    X, Y = course_data(5)
    report = compare(course_net(), X, Y, backward=lambda X, Y, p: [1, 2])
    assert "it returned a list; expected a dict of gradients dW1, db1" in str(report)
    assert not report.passed


def test_extra_keys_are_listed_as_not_checked():
    X, Y = course_data(5)
    report = compare(course_net(), X, Y, backward=lambda X, Y, p: {**learners.backward_propagation(X, Y, p), "dA0": 1})
    assert report.passed and "Not checked (not a gradient of this model): dA0." in str(report)


def test_logistic_regression_propagate():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    model = LogisticRegression(3, initialization="small_random", seed=0)
    right = compare(model, X, Y, backward=learners.propagate)
    assert right.passed and [row.name for row in right.rows] == ["dw", "db"]
    assert right.learner_cost == pytest.approx(right.cost, rel=1e-12)
    wrong = compare(model, X, Y, backward=learners.propagate_without_1_over_m)
    assert wrong.wrong == ["db"] and "ratio m: the 1/m is missing" in str(wrong)


def test_a_wrong_cost_is_wrong():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 7)), (rng.random((1, 7)) > 0.5).astype(float)

    def cost_twice(w, b, X, Y):
        grads, cost = learners.propagate(w, b, X, Y)
        return grads, 2 * cost

    report = compare(LogisticRegression(3, seed=0), X, Y, backward=cost_twice)
    assert not report.passed and "your cost" in str(report) and "WRONG" in str(report)


def test_the_learner_gets_copies():
    X, Y = course_data(5)
    net = course_net()
    before = net.get_parameters()

    def vandal(X, Y, parameters):
        grads = learners.backward_propagation(X, Y, parameters)
        for value in parameters.values():
            value[...] = 0.0
        X[...] = 0.0
        return grads

    X_before = X.copy()
    assert compare(net, X, Y, backward=vandal).passed
    for name, value in net.get_parameters().items():
        np.testing.assert_array_equal(value, before[name])
    np.testing.assert_array_equal(X, X_before)


def test_report_as_json_names_the_wrong_gradients():
    import json

    X, Y = course_data(5)
    report = compare(course_net(), X, Y, backward=learners.backward_propagation_with_bugs)
    data = json.loads(report.to_json())
    assert data["passed"] is False and data["wrong"] == ["dW2", "db1"] and data["first_wrong"] == "dW2"


def test_a_relative_difference_helper_sanity():
    # the report's per-gradient numbers are the course's formula
    X, Y = course_data(5)
    net = course_net()
    report = compare(net, X, Y, backward=learners.backward_propagation_with_bugs)
    yours = learners.backward_propagation_with_bugs(X, Y, net.get_parameters())["dW2"]
    row = next(row for row in report.rows if row.name == "dW2")
    assert row.relative == pytest.approx(relative_difference(yours, net.parameters["W2"].grad), rel=1e-12)


def test_compare_is_the_function_and_its_module_is_comparison():
    from pathlib import Path

    import autograd_mini
    from autograd_mini import comparison

    assert callable(autograd_mini.compare) and autograd_mini.compare is comparison.compare
    assert not (Path(autograd_mini.__file__).parent / "compare.py").exists()  # no module of that name to hide
