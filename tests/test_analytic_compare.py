"""Autodiff against the notes' closed form and against numerical gradients."""
import json
import re

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from autograd_mini import DeepNet, LogisticRegression, analytic, compare, numerical_grad, relative_difference
from autograd_mini.comparison import FACTOR_M_NOTE
from autograd_mini.validate import ACTIVATIONS


def data(rng, n_x, n_L, m):
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((n_L, m)) > 0.5).astype(float)
    return X, Y


@st.composite
def nets(draw):
    depth = draw(st.integers(1, 5))
    dims = [draw(st.integers(1, 6)) for _ in range(depth + 1)]
    hidden = [draw(st.sampled_from(ACTIVATIONS)) for _ in range(depth - 1)]
    m = draw(st.integers(1, 64))
    lambd = draw(st.sampled_from([0.0, 0.1, 2.5]))
    init = draw(st.sampled_from(["he", "xavier"]))
    seed = draw(st.integers(0, 2**31))
    return dims, hidden + ["sigmoid"], m, lambd, init, seed


def autodiff_grads(net, X, Y, lambd):
    net.zero_grad()
    net.cost(X, Y, lambd).backward()
    return {name: p.grad.copy() for name, p in net.parameters.items()}


@given(nets())
# an output a ≈ 1 − 1e-8, where log(1 − a) from a keeps only 8 digits (once over a 1e-10 relative bound)
@example(([5, 4, 6, 2, 5, 1], ["relu"] * 4 + ["sigmoid"], 2, 0.0, "he", 627))
# an output a that rounds to exactly 1: the notes' J is nan (log 0), the cost from Z is finite
@example(([3, 3, 2, 5, 1], ["relu"] * 3 + ["sigmoid"], 15, 0.0, "he", 5493761))
def test_autodiff_equals_closed_form(spec):
    dims, activations, m, lambd, init, seed = spec
    rng = np.random.default_rng(seed)
    net = DeepNet(dims, activations, initialization=init, seed=seed)
    X, Y = data(rng, dims[0], dims[-1], m)
    auto = autodiff_grads(net, X, Y, lambd)
    values = net.get_parameters()
    AL, caches = analytic.L_model_forward(X, values, activations)
    closed = analytic.L_model_backward(AL, Y, caches, values, activations, lambd)
    for name in values:
        # a gradient near 0 is a sum of cancelling terms: there only |Δ| at rounding level means anything
        difference = relative_difference(auto[name], closed[f"d{name}"])
        assert difference <= 1e-10 or np.max(np.abs(auto[name] - closed[f"d{name}"])) <= 1e-14, name
    # the cost as the notes write it (from A) equals the fused cost (from Z), up to the rounding of
    # log a and log(1 - a) computed from a: about eps/a and eps/(1 - a) each, large where a is near 0 or 1
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 where a rounded to 0 or 1 (below)
        J = analytic.compute_cost(AL, Y) + analytic.l2_regularization_cost(
            [values[f"W{l}"] for l in range(1, len(activations) + 1)], m, lambd)
    fused = float(net.cost(X, Y, lambd).data)
    if np.all((AL > 0) & (AL < 1)):
        rounding = 4 * np.finfo(float).eps * np.sum(1 / AL + 1 / (1 - AL)) / m
        assert fused == pytest.approx(J, rel=1e-12, abs=rounding)
    else:  # a rounded to exactly 0 or 1: log 0 makes the notes' J nan or inf, the cost from Z stays finite
        assert np.isfinite(fused)


@pytest.mark.parametrize("output", ACTIVATIONS[1:])
def test_closed_form_with_a_non_sigmoid_output(output):
    # dA[L] = −Y/A + (1 − Y)/(1 − A), dZ[L] = dA[L] * g′(Z[L]); A must stay in (0, 1): positive
    # data and weights keep relu/leaky_relu/tanh outputs in range
    rng = np.random.default_rng(5)
    net = DeepNet([3, 4, 1], ["sigmoid", output], seed=1)
    net.set_parameters({"W1": rng.random((4, 3)), "b1": np.zeros((4, 1)),
                        "W2": rng.random((1, 4)) * 0.2, "b2": np.full((1, 1), 0.05)})
    X, Y = rng.random((3, 9)), (rng.random((1, 9)) > 0.5).astype(float)
    auto = autodiff_grads(net, X, Y, 0.3)
    values = net.get_parameters()
    AL, caches = analytic.L_model_forward(X, values, net.activations)
    closed = analytic.L_model_backward(AL, Y, caches, values, net.activations, 0.3)
    for name in values:
        assert relative_difference(auto[name], closed[f"d{name}"]) <= 1e-10


@given(n_x=st.integers(1, 5), m=st.integers(1, 20), seed=st.integers(0, 2**31))
def test_for_loop_equals_vectorized_and_single_example(n_x, m, seed):
    rng = np.random.default_rng(seed)
    X, Y = data(rng, n_x, 1, m)
    w, b = rng.standard_normal((n_x, 1)), float(rng.standard_normal())
    loop, vec = analytic.logistic_loop(X, Y, w, b), analytic.logistic_vectorized(X, Y, w, b)
    np.testing.assert_allclose(loop["dw"], vec["dw"], rtol=1e-12, atol=1e-14)
    assert loop["db"] == pytest.approx(vec["db"], rel=1e-12, abs=1e-14)
    assert loop["J"] == pytest.approx(vec["J"], rel=1e-12)
    # the loop's accumulators are the mean of the single-example derivatives
    singles = [analytic.single_example(X[:, i], w, b, Y[0, i]) for i in range(m)]
    np.testing.assert_allclose(np.mean([s["dw"] for s in singles], axis=0), vec["dw"].ravel(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(vec["dZ"].ravel(), [s["dz"] for s in singles], atol=1e-14)


def test_single_example_derivatives():
    s = analytic.single_example([1.0, 2.0], [0.5, -0.25], 0.1, 1.0)
    a = 1 / (1 + np.exp(-0.1))
    assert s["a"] == pytest.approx(a)
    assert s["da"] == pytest.approx(-1 / a)
    assert s["dz"] == pytest.approx(a - 1)
    np.testing.assert_allclose(s["dw"], [a - 1, 2 * (a - 1)])
    assert s["db"] == s["dz"]


def test_activation_derivatives_match_numerical():
    Z = np.array([[-2.0, -0.3, 0.4, 1.7]])
    for name in ACTIVATIONS:
        numeric = (analytic.g(name, Z + 1e-6) - analytic.g(name, Z - 1e-6)) / 2e-6
        np.testing.assert_allclose(analytic.g_prime(name, Z, analytic.g(name, Z)), numeric, rtol=1e-6)


def test_update_rule():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    new = analytic.update_parameters(params, {"dW1": np.full((2, 2), 2.0), "db1": np.ones((2, 1))}, 0.1)
    np.testing.assert_allclose(new["W1"], 0.8)
    np.testing.assert_allclose(new["b1"], -0.1)
    np.testing.assert_allclose(params["W1"], 1.0)


@settings(max_examples=10)
@given(nets())
def test_numerical_gradients_agree(spec):
    dims, activations, m, lambd, init, seed = spec
    # tanh/sigmoid are smooth everywhere; relu kinks would make central differences unreliable
    activations = ["tanh" if a in ("relu", "leaky_relu") else a for a in activations]
    rng = np.random.default_rng(seed)
    net = DeepNet(dims, activations, initialization=init, seed=seed)
    X, Y = data(rng, dims[0], dims[-1], m)
    auto = autodiff_grads(net, X, Y, lambd)
    params = list(net.parameters.values())
    numeric = numerical_grad(lambda *_: net.cost(X, Y, lambd), params)
    for (name, g), n in zip(auto.items(), numeric):
        # central differences carry ~1e-10 rounding error: for gradients that small only |Δ| means anything
        assert relative_difference(g, n) < 1e-6 or np.max(np.abs(g - n)) < 1e-8, name


def test_compare_report_passes_and_shows_the_factor_m():
    rng = np.random.default_rng(1)
    X, Y = data(rng, 4, 1, 12)
    net = DeepNet([4, 5, 3, 1], ["tanh", "leaky_relu", "sigmoid"], initialization="xavier", seed=3)
    before = net.get_parameters()
    report = compare(net, X, Y, lambd=0.5)
    assert report.passed
    assert [row.name for row in report.rows] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert report.rows[0].shape == (5, 4)
    for row in report.rows:
        assert row.relative["autodiff-closed_form"] < 1e-12
        assert row.relative["autodiff-numeric"] < 1e-6
        assert row.max_abs["closed_form-numeric"] < 1e-7
    # m · ∂J/∂Z[l] is the notes' dZ[l]
    assert set(report.dZ_check) == {"dZ1", "dZ2", "dZ3"}
    assert max(report.dZ_check.values()) < 1e-12
    for name, value in before.items():
        np.testing.assert_array_equal(net.parameters[name].data, value)
    text = str(report)
    assert "dW1" in text and "pass" in text and FACTOR_M_NOTE in text
    as_dict = json.loads(report.to_json())
    assert as_dict["passed"] is True and as_dict["rows"][0]["shape"] == [5, 4]
    md = report.to_markdown()
    assert "| dW1 | 5x4 |" in md and "dJ/dZ = dZ / m" in md


def markdown_table(text: str) -> list:
    """The cells of each row of the Markdown table in ``text`` (a | escaped as \\| stays inside its cell)."""
    return [re.split(r"(?<!\\)\|", line.strip())[1:-1] for line in text.splitlines() if line.startswith("|")]


def test_the_markdown_report_is_a_table_with_as_many_cells_in_every_row():
    rng = np.random.default_rng(4)
    X, Y = data(rng, 2, 1, 16)
    report = compare(DeepNet([2, 4, 3, 1], ["relu", "tanh", "sigmoid"], "he", seed=0), X, Y, lambd=0.1)
    rows = markdown_table(report.to_markdown())
    assert len(rows) == 2 + len(report.rows)  # header, separator, one row per parameter
    assert {len(row) for row in rows} == {10}
    assert rows[0][2].strip() == "max\\|Δ\\| auto/closed" and set(rows[1]) == {"---"}
    assert [row[0].strip() for row in rows[2:]] == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]


def test_the_legend_credits_the_notes_only_with_what_the_notes_have():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3, 8))
    plain = compare(DeepNet([3, 4, 1], ["tanh", "sigmoid"], seed=0), X, (rng.random((1, 8)) > 0.5) * 1.0)
    assert "closed = the notes' closed form" in str(plain) and "docs/notation.md" in plain.to_markdown()
    Y = np.eye(3)[:, rng.integers(0, 3, 8)]  # one-hot, 3 classes
    for net, named in [(DeepNet([3, 4, 3], ["relu", "softmax"], seed=0), "softmax"),
                       (DeepNet([3, 4, 3], ["relu", "softmax"], seed=0, keep_prob=0.8), "softmax, dropout"),
                       (DeepNet([3, 4, 3], ["relu", "softmax"], seed=0, batch_norm=True), "softmax, batch normalization")]:
        report = compare(net, X, Y, max_numeric=50)
        assert "the notes' closed form" not in str(report) + report.to_markdown(), named
        assert f"(the notes' formulas; {named}: the course's, not in the notes)" in str(report), named


def test_compare_logistic_regression():
    rng = np.random.default_rng(2)
    X, Y = data(rng, 3, 1, 15)
    report = compare(LogisticRegression(3, initialization="small_random", seed=0), X, Y, lambd=0.2)
    assert report.passed and [row.name for row in report.rows] == ["w", "b"]
    assert list(report.dZ_check) == ["dZ"] and report.dZ_check["dZ"] < 1e-12


def test_compare_samples_large_parameters_and_says_so():
    rng = np.random.default_rng(3)
    X, Y = data(rng, 30, 1, 5)
    report = compare(DeepNet([30, 4, 1], ["tanh", "sigmoid"], seed=0), X, Y, max_numeric=10)
    W1 = report.rows[0]
    assert W1.sampled and W1.numeric_entries == 10 and report.passed
    assert not report.rows[1].sampled
    assert any("drawn at random" in n for n in report.notes) and "(sampled)" in str(report)


def test_compare_detects_a_wrong_gradient(monkeypatch):
    # a closed form with a wrong db (missing 1/m) must fail the report
    rng = np.random.default_rng(4)
    X, Y = data(rng, 2, 1, 6)
    real = analytic.L_model_backward

    def wrong(*args, **kwargs):
        grads = real(*args, **kwargs)
        grads["db1"] = grads["db1"] * 6
        return grads

    monkeypatch.setattr(analytic, "L_model_backward", wrong)
    report = compare(DeepNet([2, 3, 1], ["tanh", "sigmoid"], initialization="xavier", seed=0), X, Y)
    assert not report.passed
    assert [row.passed for row in report.rows] == [True, False, True, True]
    assert "FAIL" in str(report)
