"""Engine results that were silently wrong (issue 23, items 6 to 9): softmax cross-entropy's Y,
Tensor relu behind an infinite gradient, data assigned after its graph was recorded, backward()
from several threads on one graph. Expected values come from the formulas, not from PyTorch."""

import sys
import threading

import numpy as np
import pytest

from autograd_mini import DeepNet, Tensor, Value
from autograd_mini.functional import softmax_cross_entropy
from autograd_mini.optim import Adam, GradientDescent

# ------------------------------------------------------------------------------ 7. relu behind an infinite gradient


def test_tensor_relu_passes_zero_where_z_is_negative_even_behind_an_infinite_gradient():
    """0 · sqrt(relu(z)) + z²: sqrt's derivative at relu(z) = 0 is infinite, times 0 is NaN; relu's own
    derivative is 0 where z < 0, so that NaN never reaches z: dJ/dz = 2z, as Value gives."""
    points = np.array([[-1.0, -3.5, -1e-3, 0.5, 2.0, 7.25]])
    z = Tensor(points)
    with np.errstate(divide="ignore", invalid="ignore"):
        (0 * z.relu() ** 0.5 + z ** 2).sum().backward()
    np.testing.assert_array_equal(z.grad, 2 * points)
    for k, point in enumerate(points[0]):
        v = Value(point)
        with np.errstate(divide="ignore", invalid="ignore"):
            (0 * v.relu() ** 0.5 + v ** 2).backward()
        assert v.grad == z.grad[0, k] == 2 * point


def test_tensor_relu_backward_of_an_infinite_upstream_gradient():
    z = Tensor([[-2.0, 0.0, 3.0]])
    z.relu().backward(grad=np.array([[np.inf, np.inf, -np.inf]]))
    np.testing.assert_array_equal(z.grad, [[0.0, np.inf, -np.inf]])  # g'(z) = 1 where z ≥ 0 (the notes)


