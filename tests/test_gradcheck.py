"""gradcheck: the course's relative difference, and that a wrong backward rule is caught."""

import numpy as np
import pytest

from autograd_mini import ShapeError, Tensor, Value, gradcheck, numerical_grad, relative_difference
from autograd_mini.graph import Op
from autograd_mini.value import _make


def test_relative_difference_is_the_course_formula():
    g, approx = np.array([1.0, 2.0]), np.array([1.0, 2.5])
    expected = np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))
    assert relative_difference(g, approx) == pytest.approx(expected)
    assert relative_difference([1.0, np.ones((2, 2))], [1.0, np.ones((2, 2))]) == 0.0
    assert relative_difference(0.0, 0.0) == 0.0
    with pytest.raises(ShapeError, match=r"\(2,\).*\(3,\)"):
        relative_difference(np.ones(2), np.ones(3))
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(3, 2\)"):
        relative_difference(np.ones((2, 3)), np.ones((3, 2)))  # same entry count, still not comparable


def test_numerical_grad_of_a_tensor_function():
    W = Tensor([[1.0, -2.0], [0.5, 3.0]])
    (grad,) = numerical_grad(lambda W: (W * W).sum(), [W])
    np.testing.assert_allclose(grad, 2 * W.data, rtol=1e-8)


class _WrongSquare(Op):
    name = "wrong_square"

    def vjp(self, out, g):
        (a,) = out._parents
        return (g * a.data,)  # wrong on purpose: d(a²)/da is 2a


def test_gradcheck_catches_a_wrong_backward_rule():
    def f(a):
        return _make(a.data**2, _WrongSquare(), a)

    result = gradcheck(f, [Value(1.5)])
    assert not result.passed
    assert result.difference == pytest.approx(1 / 3, rel=1e-6)  # |a - 2a| / (|a| + |2a|)
    assert "FAILED" in str(result)


def test_gradcheck_refuses_float32_inputs():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda a: (a * a).sum(), [Tensor([0.3, 0.7], dtype=np.float32)])


def test_gradcheck_rejects_non_nodes():
    with pytest.raises(TypeError, match="list"):
        gradcheck(lambda a: a, [[1.0]])
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda a: "x", [Value(1.0)])
