"""Plots are PNG files that decode and are not blank; the activation derivatives are autodiff's."""

import builtins

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
from matplotlib.image import imread  # noqa: E402

from viz import plots  # noqa: E402


def assert_picture(path):
    pixels = imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels.var() > 0
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 1


def test_cost_curve(tmp_path):
    costs = 0.7 * np.exp(-np.arange(50) / 10) + 0.05
    fig = plots.plot_cost(list(costs), tmp_path / "cost.png", learning_rate=0.0075, every=100, per="iteration")
    assert_picture(tmp_path / "cost.png")
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(y, costs)
    assert x[-1] == 4900 and "0.0075" in ax.get_title()
    with pytest.raises(ValueError, match="1-D"):
        plots.plot_cost([[1.0, 2.0]])


def test_every_cost_plot_names_the_unit_of_its_x_axis():
    # History.costs has one J per epoch: the x axis says epoch, not iteration, unless told it is per step
    assert plots.plot_cost([0.7, 0.5]).axes[0].get_xlabel() == "epoch (one pass over the training set)"
    assert plots.plot_cost([0.7, 0.5], per="iteration").axes[0].get_xlabel() == "iteration (one gradient-descent step)"
    assert plots.plot_costs({"gd, α = 0.1": [0.7, 0.5]}).axes[0].get_xlabel().startswith("epoch (")
    assert plots.plot_costs({"gd": [0.7]}, per="iteration").axes[0].get_xlabel().startswith("iteration (")
    for plot in (plots.plot_cost, lambda costs, per: plots.plot_costs({"gd": costs}, per=per)):
        with pytest.raises(ValueError, match="per must be one of epoch, iteration"):
            plot([0.7, 0.5], per="step")


def test_decision_boundary(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 60))
    Y = (X[0] + X[1] > 0).astype(float).reshape(1, 60)
    seen = []

    def predict(grid):
        seen.append(grid.shape)
        return 1 / (1 + np.exp(-4 * (grid[0:1] + grid[1:2])))

    fig = plots.plot_decision_boundary(predict, X[:, :45], Y[:, :45], tmp_path / "boundary.png", resolution=50,
                                       data="training set", X_test=X[:, 45:], Y_test=Y[:, 45:])
    assert seen == [(2, 2500)]  # predict gets X of shape (2, m)
    assert_picture(tmp_path / "boundary.png")
    # the legend says which data the points are, and how many
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["training set (m = 45)", "test set (m = 15)"]
    assert legend.get_title().get_text() == "points: red y = 0, blue y = 1"
    assert fig.axes[0].get_xlabel() == "x1 (feature 1)" and "probability of y = 1" in fig.axes[1].get_ylabel()
    assert [t.get_text() for t in plots.plot_decision_boundary(predict, X, Y, resolution=5).axes[0]
            .get_legend().get_texts()] == ["examples (m = 60)"]
    with pytest.raises(ValueError, match=r"X_test has shape \(60, 2\)"):
        plots.plot_decision_boundary(predict, X, Y, X_test=X.T, Y_test=Y)
    with pytest.raises(ValueError, match=r"\(n_x, m\).*X.T"):
        plots.plot_decision_boundary(predict, X.T, Y)
    with pytest.raises(ValueError, match=r"Y has shape \(60,\); expected \(1, m\)"):
        plots.plot_decision_boundary(predict, X, Y.ravel())
    with pytest.raises(ValueError, match=r"predict returned shape \(2500,\)"):
        plots.plot_decision_boundary(lambda G: G[0], X, Y, resolution=50)


def test_activations_with_autodiff_derivatives(tmp_path):
    fig = plots.plot_activations(tmp_path / "activations.png")
    assert_picture(tmp_path / "activations.png")
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    z, dsig = fig.axes[0].lines[1].get_data()
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(dsig, s * (1 - s))  # σ'(z) = a(1 - a)
    _, dleaky = fig.axes[3].lines[1].get_data()
    np.testing.assert_allclose(dleaky, np.where(z >= 0, 1.0, 0.01))
    with pytest.raises(ValueError, match="sigmoid, tanh, relu, leaky_relu"):
        plots.plot_activations(names=("softmax",))


def test_a_clear_error_without_matplotlib(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match=r"autograd-mini\[plot\]"):
        plots.plot_cost([1.0, 0.5])


# ------------------------------------------------------------------ the plots a teacher reaches for


def test_activation_histograms_one_panel_per_layer_before_and_after(tmp_path):
    rng = np.random.default_rng(0)
    before = {f"A{l}": rng.normal(scale=10.0 ** -l, size=(4, 30)) for l in (1, 2, 3)}
    after = {name: 2 * A for name, A in before.items()}
    after["A3"][:] = 0.0  # a layer whose units all died
    fig = plots.plot_activation_histograms({"at initialisation": before, "after training": after},
                                           tmp_path / "histograms.png")
    assert_picture(tmp_path / "histograms.png")
    assert len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == f"A1 at initialisation\nstd {np.std(before['A1']):.2g}, 0% zeros"
    assert titles[5] == "A3 after training\nstd 0, 100% zeros"
    assert [ax.get_xlabel() for ax in fig.axes[:3]] == [f"activation value a (entries of A{l})" for l in (1, 2, 3)]
    assert fig.axes[0].get_ylabel() == fig.axes[3].get_ylabel() == "count (units × examples)"
    assert sum(patch.get_height() for patch in fig.axes[1].patches) == 120  # every entry of A2 counted once
    assert len(plots.plot_activation_histograms({"with he": before}).axes) == 3
    with pytest.raises(ValueError, match="same layers"):
        plots.plot_activation_histograms({"before": before, "after": {"A1": before["A1"]}})


def test_gradient_norms_one_panel_per_initialisation_one_line_per_layer(tmp_path):
    runs = {scheme: {f"dW{l}": list(np.geomspace(scale, scale * 10 ** l, 20)) for l in (1, 2, 3)}
            for scheme, scale in (("small_random", 1e-7), ("xavier", 1e-2), ("he", 1e-1))}
    fig = plots.plot_gradient_norms(runs, tmp_path / "norms.png")
    assert_picture(tmp_path / "norms.png")
    assert [ax.get_title() for ax in fig.axes] == ["small_random", "xavier", "he"]
    for ax, run in zip(fig.axes, runs.values()):
        assert [line.get_label() for line in ax.lines] == ["‖dW1‖_F", "‖dW2‖_F", "‖dW3‖_F"]
        np.testing.assert_allclose(ax.lines[1].get_data()[1], run["dW2"])
        assert ax.get_yscale() == "log" and ax.get_xlabel() == "iteration (one gradient-descent step)"
    assert fig.axes[0].get_ylabel() == "‖dW[l]‖_F, Frobenius norm (log scale)"
    with pytest.raises(ValueError, match="'he' must be a non-empty dict"):
        plots.plot_gradient_norms({"he": []})


def test_learning_curves_train_and_dev_cost_and_accuracy_on_one_figure(tmp_path):
    curves = {"train": {"cost": [0.6, 0.4, 0.3], "accuracy": [0.7, 0.8, 0.9]},
              "dev": {"cost": [0.65, 0.5, 0.55], "accuracy": [0.65, 0.75, 0.7]}}
    fig = plots.plot_learning_curves(curves, tmp_path / "curves.png")
    assert_picture(tmp_path / "curves.png")
    cost_ax, accuracy_ax = fig.axes
    for ax in (cost_ax, accuracy_ax):
        assert [line.get_label() for line in ax.lines] == ["training set", "dev set"]
        assert ax.get_xlabel() == "epoch (one pass over the training set)"
        np.testing.assert_array_equal(ax.lines[0].get_data()[0], [1, 2, 3])
    np.testing.assert_allclose(accuracy_ax.lines[1].get_data()[1], [65, 75, 70])
    assert cost_ax.get_ylabel() == "cost (cross-entropy, without the L2 term)"
    assert accuracy_ax.get_ylabel() == "accuracy (% of examples predicted right)"
    with pytest.raises(ValueError, match="'train' and 'dev'"):
        plots.plot_learning_curves({"train": curves["train"]})


def test_learning_rate_sweep_on_a_log_axis_marks_the_diverged(tmp_path):
    results = {0.001: 0.69, 0.01: 0.5, 0.1: 0.2, 1.0: 0.35, 10.0: float("inf")}
    fig = plots.plot_learning_rate_sweep(results, 20, tmp_path / "sweep.png", initial_cost=0.7)
    assert_picture(tmp_path / "sweep.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "learning rate α (log scale)"
    assert ax.get_ylabel() == "cost J on the training set after 20 epochs"
    assert ax.get_title() == "Learning-rate sweep: lowest J at α = 0.1"
    curve, before, diverged = ax.lines
    np.testing.assert_allclose(curve.get_data()[0], [0.001, 0.01, 0.1, 1.0])
    assert before.get_label() == "J before training" and diverged.get_data()[0].tolist() == [10.0]
    assert diverged.get_label() == "diverged (training stopped)"
    with pytest.raises(ValueError, match="positive for a log axis"):
        plots.plot_learning_rate_sweep({0.0: 0.5}, 20)
