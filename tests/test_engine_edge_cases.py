"""Engine edge cases found by differential tests against PyTorch float64; Value and Tensor agree on each.

The expected numbers are PyTorch's (float64) for the same expressions.
"""

import math
import warnings

import numpy as np
import pytest

from autograd_mini import ShapeError, Tensor, Value


def value_and_tensor(build, *inputs):
    """Run ``build`` on Values and on one-entry Tensors; return both outputs and both input grads."""
    values = [Value(x) for x in inputs]
    out_v = build(*values)
    out_v.backward()
    tensors = [Tensor([x]) for x in inputs]
    out_t = build(*tensors)
    out_t.sum().backward()
    return (out_v.data, [v.grad for v in values]), (out_t.data[0], [t.grad[0] for t in tensors])


def assert_agree(build, inputs, data, grads):
    (v_data, v_grads), (t_data, t_grads) = value_and_tensor(build, *inputs)
    np.testing.assert_equal([v_data, t_data], [data, data])
    np.testing.assert_equal(v_grads, grads)
    np.testing.assert_equal(t_grads, grads)


def test_x_to_the_power_0_at_0_has_gradient_0():
    assert_agree(lambda x: x**0, [0.0], 1.0, [0.0])
    assert_agree(lambda x: x.relu() ** 0, [-2.0], 1.0, [0.0])   # relu(x) = 0: the natural way to get there
    assert_agree(lambda x: x ** 0.0 * 3, [5.0], 3.0, [0.0])


def test_0_to_the_0_with_a_node_exponent():
    # d/da a^b = b a^(b-1) is 0 where b = 0; d/db a^b = a^b log a → 0 at a = 0, b ≥ 0
    assert_agree(lambda a, b: a**b, [0.0, 0.0], 1.0, [0.0, 0.0])
    assert_agree(lambda a, b: a**b, [0.0, 2.0], 0.0, [0.0, 0.0])


def test_0_to_the_minus_1_follows_the_documented_rule():
    # value inf; d/da = -1 · 0^(-2) = -inf; d/db = inf · log 0 = -inf (PyTorch gives the same)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 ** -1 warns, as numpy does
        assert_agree(lambda a, b: a**b, [0.0, -1.0], math.inf, [-math.inf, -math.inf])
        assert_agree(lambda a: a**-1, [0.0], math.inf, [-math.inf])


def test_negative_base_exponent_gradient_is_nan():
    (_, (_, v_db)), (_, (_, t_db)) = value_and_tensor(lambda a, b: a**b, -2.0, 2.0)
    assert math.isnan(v_db) and math.isnan(t_db)


def test_a_zero_in_a_broadcast_base_does_not_poison_the_exponent_gradient():
    a = Tensor([[0.0], [2.0], [3.0]])           # (3, 1), one zero
    b = Tensor([[1.0, 2.0]])                    # (1, 2), broadcast against a
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the masked log raises no warning
        (a**b).sum().backward()
    # d/db Σ a^b = Σ_rows a^b log a, where the row a = 0 contributes 0
    expected = np.array([[2 * math.log(2) + 3 * math.log(3), 4 * math.log(2) + 9 * math.log(3)]])
    np.testing.assert_allclose(b.grad, expected, rtol=1e-14)
    np.testing.assert_allclose(a.grad, [[1 + 0.0], [1 + 2 * 2.0], [1 + 2 * 3.0]])
    # the same numbers entry by entry from Values
    for i, base in enumerate([0.0, 2.0, 3.0]):
        for j, exponent in enumerate([1.0, 2.0]):
            va, vb = Value(base), Value(exponent)
            (va**vb).backward()
            assert vb.grad == pytest.approx(base**exponent * math.log(base) if base else 0.0, rel=1e-14)


@pytest.mark.parametrize("scale", [1e-200, 1e-160, 1e160, 1e200])
def test_division_gradient_for_the_denominator_neither_overflows_nor_underflows(scale):
    # z = a / b with a = b = s: dz/da = 1/s, dz/db = -(a/b)/b = -1/s
    (data, grads), (t_data, t_grads) = value_and_tensor(lambda a, b: a / b, scale, scale)
    assert data == t_data == 1.0
    for got in (grads, t_grads):
        assert got[0] == pytest.approx(1 / scale, rel=1e-15, abs=0)
        assert got[1] == pytest.approx(-1 / scale, rel=1e-15, abs=0)
        assert math.isfinite(got[1])


def test_division_by_a_broadcast_tensor_denominator():
    a = Tensor([[1e-200, 2e-200]])
    b = Tensor([[1e-200]])
    (a / b).sum().backward()
    np.testing.assert_allclose(b.grad, [[-3e200]], rtol=1e-15)


def test_relu_of_nan_is_nan_for_value_and_tensor():
    assert math.isnan(Value(math.nan).relu().data)
    assert math.isnan(Tensor([math.nan]).relu().data[0])
    assert Value(-0.5).relu().data == 0.0 and Value(0.5).relu().data == 0.5


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_axis_as_a_list_works_like_a_tuple(reduce):
    data = np.arange(6.0).reshape(2, 3)
    by_list, by_tuple = Tensor(data), Tensor(data)
    out_list = getattr(by_list, reduce)(axis=[0])
    out_tuple = getattr(by_tuple, reduce)(axis=(0,))
    np.testing.assert_array_equal(out_list.data, out_tuple.data)
    (out_list * out_list).sum().backward()
    (out_tuple * out_tuple).sum().backward()
    np.testing.assert_array_equal(by_list.grad, by_tuple.grad)
    np.testing.assert_array_equal(getattr(Tensor(data), reduce)(axis=[0, 1]).data, getattr(data, reduce)())


def test_a_bad_axis_says_what_is_wrong():
    with pytest.raises(ShapeError, match="out of range"):
        Tensor(np.ones((2, 3))).sum(axis=[2])
    with pytest.raises(TypeError, match="int or a tuple of ints"):
        Tensor(np.ones((2, 3))).sum(axis="0")
