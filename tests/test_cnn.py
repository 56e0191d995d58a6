"""The small CNN learns horizontal vs vertical bars; its gradients are the numerical ones."""
import numpy as np
import pytest

from autograd_mini import ShapeError, Tensor, gradcheck
from autograd_mini.cnn import bars_dataset, cnn_cost, cnn_forward, init_cnn, predict_cnn, train_cnn


def test_bars_dataset_layout_and_labels():
    X, Y = bars_dataset(50, n=6, noise=0.0, seed=4)
    assert X.shape == (50, 6, 6, 1) and Y.shape == (1, 50)
    assert set(np.unique(Y)) == {0.0, 1.0}
    # without noise each image is one bar: a single column (y = 1) or a single row (y = 0) is lit
    lit_columns = (X[..., 0] > 0).any(axis=1).sum(axis=1)
    lit_rows = (X[..., 0] > 0).any(axis=2).sum(axis=1)
    np.testing.assert_array_equal(lit_columns == 1, Y[0] == 1)
    np.testing.assert_array_equal(lit_rows == 1, Y[0] == 0)
    np.testing.assert_array_equal(bars_dataset(5, seed=7)[0], bars_dataset(5, seed=7)[0])


def test_cnn_reaches_high_accuracy_on_unseen_images():
    X, Y = bars_dataset(512, seed=0)
    X_test, Y_test = bars_dataset(500, seed=1)
    params, costs = train_cnn(X, Y)
    assert np.mean(costs[-5:]) < 0.3 * costs[0]
    assert np.mean(predict_cnn(X_test, params) == Y_test) >= 0.95
    # the untrained net is at chance on the same images
    assert np.mean(predict_cnn(X_test, init_cnn((8, 8, 1))) == Y_test) < 0.8


def test_cnn_gradients_match_numerical_ones():
    X, Y = bars_dataset(4, n=6, seed=2)
    params = init_cnn((6, 6, 1), f=3, n_c=2, seed=3)
    names = list(params)

    def cost(*thetas):
        return cnn_cost(X, Y, dict(zip(names, thetas)))

    result = gradcheck(cost, list(params.values()))
    assert result.passed, result


def test_cnn_shape_errors():
    params = init_cnn((8, 8, 1))
    with pytest.raises(ShapeError, match=r"Y has shape \(3,\); expected \(1, m\) = \(1, 3\)"):
        cnn_cost(np.zeros((3, 8, 8, 1)), np.zeros(3), params)
    with pytest.raises(ShapeError, match=r"X has shape \(8, 8\); expected \(m, n_H, n_W, n_c\)"):
        cnn_forward(Tensor(np.zeros((8, 8)), requires_grad=False), params)
    with pytest.raises(ValueError, match="odd"):
        init_cnn((8, 8, 1), f=2)


def test_cnn_cost_stays_finite_when_the_output_saturates():
    X, Y = bars_dataset(6, seed=4)
    params = init_cnn((8, 8, 1), seed=1)
    params["b2"].data[:] = -1000.0  # σ(z) = 0 exactly for every image
    J = cnn_cost(X, Y, params)
    J.backward()
    assert np.isfinite(J.item()) and all(np.all(np.isfinite(p.grad)) for p in params.values())
    assert np.all(cnn_forward(X, params).data == 0.0)


def test_init_cnn_scales_as_its_docstring_says():
    # W1 feeds a ReLU: He's sqrt(2 / (f·f·n_c[0])); W2 feeds the sigmoid: the course's sqrt(1 / n), not He's
    params = init_cnn((32, 32, 3), f=5, n_c=40, pool=2, seed=0)
    n_flat = params["W2"].shape[1]
    assert n_flat == 16 * 16 * 40
    assert np.std(params["W1"].data) == pytest.approx(np.sqrt(2 / (5 * 5 * 3)), rel=0.05)
    assert np.std(params["W2"].data) == pytest.approx(np.sqrt(1 / n_flat), rel=0.05)
    doc = " ".join(init_cnn.__doc__.split())
    assert "W1 (f, f, n_c[0], n_c) He-initialised, randn × sqrt(2 / (f·f·n_c[0]))" in doc
    assert "W2 (1, n[2-1]) randn × sqrt(1 / n[2-1]), the course's scale" in doc
