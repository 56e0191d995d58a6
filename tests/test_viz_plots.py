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
    fig = plots.plot_cost(list(costs), tmp_path / "cost.png", learning_rate=0.0075, every=100)
    assert_picture(tmp_path / "cost.png")
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(y, costs)
    assert x[-1] == 4900 and "0.0075" in ax.get_title()
    with pytest.raises(ValueError, match="1-D"):
        plots.plot_cost([[1.0, 2.0]])


def test_decision_boundary(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 60))
    Y = (X[0] + X[1] > 0).astype(float).reshape(1, 60)
    seen = []

    def predict(grid):
        seen.append(grid.shape)
        return 1 / (1 + np.exp(-4 * (grid[0:1] + grid[1:2])))

    plots.plot_decision_boundary(predict, X, Y, tmp_path / "boundary.png", resolution=50)
    assert seen == [(2, 2500)]  # predict gets X of shape (2, m)
    assert_picture(tmp_path / "boundary.png")
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
