"""DeepNet's default initialisation follows each layer's activation; small_random stays available."""

import numpy as np
import pytest

from autograd_mini import DeepNet, initialize_parameters
from autograd_mini.datasets import make_flower


def test_default_scale_follows_each_layers_activation():
    dims = [400, 300, 300, 200, 1]
    net = DeepNet(dims, ["relu", "tanh", "leaky_relu", "sigmoid"], seed=0)
    assert net.initialization == ["he", "xavier", "he", "xavier"]
    expected = [np.sqrt(2 / 400), np.sqrt(1 / 300), np.sqrt(2 / 300), np.sqrt(1 / 200)]
    for l, scale in enumerate(expected, start=1):
        assert np.std(net.parameters[f"W{l}"].data) == pytest.approx(scale, rel=0.1), f"W{l}"
        assert not net.parameters[f"b{l}"].data.any()


def test_one_name_or_one_per_layer_and_small_random_is_still_there():
    net = DeepNet([400, 300, 1], initialization="small_random", seed=1)
    assert net.initialization == ["small_random", "small_random"]
    assert np.std(net.parameters["W1"].data) == pytest.approx(0.01, rel=0.05)
    mixed = initialize_parameters([400, 300, 1], ["he", "zeros"], seed=1)
    assert np.std(mixed["W1"]) == pytest.approx(np.sqrt(2 / 400), rel=0.05) and not mixed["W2"].any()
    with pytest.raises(ValueError, match="one scheme per layer l = 1..L = 2; got 3"):
        initialize_parameters([400, 300, 1], ["he", "he", "he"])
    with pytest.raises(ValueError, match="unknown initialization 'glorot'"):
        DeepNet([2, 3, 1], initialization=["he", "glorot"])


def test_deep_relu_net_activations_vanish_with_small_random_but_not_with_the_default():
    X, _ = make_flower(m=500, seed=0)
    dims = [2, 20, 20, 20, 20, 1]
    spread = {}
    for init in ("small_random", None):
        net = DeepNet(dims, initialization=init, seed=0)
        net.predict_proba(X)
        spread[init] = [float(np.std(net.cache[f"A{l}"].data)) for l in range(1, 5)]
    # randn × 0.01 shrinks the spread by a factor of about 0.01·sqrt(20/2) ≈ 1/30 per layer
    assert spread["small_random"][3] < 1e-4 * spread["small_random"][0] and spread["small_random"][3] < 1e-6
    # He keeps every hidden layer's spread within a factor of 4 of the first
    assert all(0.25 < s / spread[None][0] < 4 for s in spread[None])


@pytest.mark.parametrize("g, factor", [("relu", "0.01 · sqrt(n[l-1] / 2)"), ("tanh", "0.01 · sqrt(n[l-1])")])
def test_small_random_shrinks_the_activations_by_the_factor_its_docstring_gives(g, factor):
    # ReLU zeroes half of Z: rms(A[l]) = 0.01 · sqrt(n / 2) · rms(A[l-1]); tanh is linear near 0: 0.01 · sqrt(n)
    n = 400
    X = np.random.default_rng(1).standard_normal((n, 4000))
    net = DeepNet([n, n, n, n, 1], [g] * 3 + ["sigmoid"], initialization="small_random", seed=0)
    net.predict_proba(X)
    rms = [np.sqrt(np.mean(A ** 2)) for A in [X] + [net.cache[f"A{l}"].data for l in (1, 2, 3)]]
    expected = 0.01 * np.sqrt(n / 2 if g == "relu" else n)
    for l in (1, 2, 3):
        assert rms[l] / rms[l - 1] == pytest.approx(expected, rel=0.06), l
    assert f"{factor} per {'ReLU' if g == 'relu' else 'tanh'} layer" in " ".join(initialize_parameters.__doc__.split())
