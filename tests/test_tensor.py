"""Tensor: every op against numerical gradients over broadcast-compatible shapes, shapes, errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mini import ShapeError, Tensor, gradcheck, no_grad

elements = st.floats(-2, 2, allow_nan=False, width=64)


def arrays(shape, elems=elements):
    return hnp.arrays(np.float64, shape, elements=elems)


def away_from_zero(shape):
    return arrays(shape, st.floats(0.2, 2) | st.floats(-2, -0.2))


UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "sigmoid": lambda a: a.sigmoid(),
    "tanh": lambda a: a.tanh(),
    "relu": lambda a: a.relu(),
    "leaky_relu": lambda a: a.leaky_relu(),
    "pow3": lambda a: a**3,
    "reciprocal": lambda a: a**-1.0,
    "log_abs": lambda a: (a * a).log(),
    "T": lambda a: a.T,
    "reshape": lambda a: a.reshape(-1),
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "rsub_number": lambda a, b: 1.5 - a * b,
    "rdiv_number": lambda a, b: 1.5 / b + a,
    "pow_tensor": lambda a, b: (a * a + 1) ** b,
}

# The weights make the cost depend on every entry differently, so a wrong gradient cannot hide.
def _cost(t):
    weights = np.linspace(0.5, 1.5, t.size).reshape(t.shape)
    return (t * weights).sum()


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_ops_match_numerical_gradient(name, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    x = Tensor(data.draw(away_from_zero(shape)))
    result = gradcheck(lambda a: _cost(UNARY[name](a)), [x])
    assert result.passed, result


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_ops_broadcast_and_match_numerical_gradient(name, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4))
    a = Tensor(data.draw(arrays(shapes.input_shapes[0])))
    b = Tensor(data.draw(away_from_zero(shapes.input_shapes[1])))
    result = gradcheck(lambda a, b: _cost(BINARY[name](a, b)), [a, b])
    assert result.passed, result
    assert a.grad.shape == a.shape and b.grad.shape == b.shape


@given(data=st.data())
def test_matmul_2d_and_batched(data):
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    batch = data.draw(st.sampled_from([(), (2,), (3, 1)]))
    A = Tensor(data.draw(arrays(batch + (n, k))))
    B = Tensor(data.draw(arrays((k, m))))
    assert (A @ B).shape == batch + (n, m)
    assert gradcheck(lambda A, B: _cost(A @ B), [A, B]).passed


@given(data=st.data())
def test_sum_and_mean_over_axes(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    keepdims = data.draw(st.booleans())
    x = Tensor(data.draw(arrays(shape)))
    assert x.sum(axis, keepdims).shape == np.sum(x.data, axis=axis, keepdims=keepdims).shape
    for reduce in ("sum", "mean"):
        result = gradcheck(lambda a: _cost(getattr(a, reduce)(axis=axis, keepdims=keepdims).tanh()), [x])
        assert result.passed, (reduce, result)


def test_transpose_with_axes():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4) / 10)
    assert x.transpose(2, 0, -2).shape == (4, 2, 3)
    assert gradcheck(lambda a: _cost(a.transpose(2, 0, 1).tanh()), [x]).passed


def test_indexing_slicing_and_fancy_columns_scatter_add():
    X = Tensor(np.arange(12.0).reshape(3, 4) / 7)
    idx = np.array([3, 0, 3])  # column 3 picked twice: its gradient must receive both
    picked = X[:, idx]
    assert picked.shape == (3, 3)
    picked.sum().backward()
    np.testing.assert_array_equal(X.grad, np.array([[1, 0, 0, 2]] * 3, dtype=float))
    for index in [(slice(None), idx), (1,), (slice(0, 2), slice(1, None)), (Ellipsis, -1), (None, 0)]:
        result = gradcheck(lambda a: _cost(a[index].exp()), [X])
        assert result.passed, (index, result)


def test_bias_receives_the_row_sums():
    Z = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=False)
    b = Tensor(np.zeros((2, 1)))
    out = (Z + b) * Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=False)
    out.sum().backward()
    np.testing.assert_array_equal(b.grad, [[6.0], [15.0]])


def test_data_never_gets_a_gradient():
    X = Tensor(np.ones((2, 5)), requires_grad=False)
    W = Tensor(np.full((3, 2), 0.5))
    (W @ X).sigmoid().mean().backward()
    assert X.grad is None and not X.has_grad
    assert W.grad.shape == (3, 2) and np.all(W.grad != 0)


def test_constant_results_record_nothing():
    X = Tensor(np.ones((2, 2)), requires_grad=False)
    Y = (X * 2).exp()
    assert not Y.requires_grad and Y.parents == ()


def test_no_grad_for_tensors():
    W = Tensor(np.ones((2, 2)))
    with no_grad():
        out = W @ W
    assert out.parents == () and not out.requires_grad


def test_float32_on_request_and_float64_by_default():
    assert Tensor([1, 2]).dtype == np.float64
    W = Tensor([[1.0, 2.0]], dtype=np.float32)
    out = (W * 2.0 + 1.0).sigmoid().sum()
    assert out.dtype == np.float32
    out.backward()
    assert W.grad.dtype == np.float32
    with pytest.raises(TypeError, match="float64.*float32"):
        Tensor([1.0], dtype=np.int32)


def test_matmul_shape_mismatch_names_both_shapes():
    W = Tensor(np.ones((4, 3)), label="W1")
    X = Tensor(np.ones((2, 5)), label="X", requires_grad=False)
    with pytest.raises(ShapeError, match=r"W1 has shape \(4, 3\).*X has shape \(2, 5\)"):
        W @ X
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        Tensor(np.ones(3)) @ W


def test_broadcast_mismatch_names_both_shapes():
    with pytest.raises(ShapeError, match=r"\(3, 4\).*\(2, 1\)"):
        Tensor(np.ones((3, 4))) + Tensor(np.ones((2, 1)))
    with pytest.raises(ShapeError, match=r"\(3, 4\).*\(5,\)"):
        Tensor(np.ones((3, 4))) * np.ones(5)


def test_non_scalar_backward_needs_a_gradient():
    Z = Tensor(np.ones((2, 3))) * 2
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*grad="):
        Z.backward()
    W = Z.parents[0]
    Z.backward(np.full((2, 3), 0.5))
    np.testing.assert_array_equal(W.grad, np.full((2, 3), 1.0))
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        Z.backward(np.ones(3))


@pytest.mark.parametrize("bad", ["abc", [[1.0, 2.0], [3.0]], [True, False], {"a": 1}, None])
def test_bad_data_is_rejected(bad):
    with pytest.raises((TypeError, ValueError)):
        Tensor(bad)


def test_arithmetic_with_unsupported_types_is_a_type_error():
    with pytest.raises(TypeError):
        Tensor([1.0]) + "x"


def test_numpy_array_on_the_left_defers_to_tensor():
    W = Tensor([[1.0, 2.0]])
    out = np.array([[2.0, 3.0]]) * W
    assert isinstance(out, Tensor)
    out.sum().backward()
    np.testing.assert_array_equal(W.grad, [[2.0, 3.0]])


def test_sigmoid_is_stable_for_large_z():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = Tensor([[-1000.0, 0.0, 1000.0]])
        a = z.sigmoid()
        np.testing.assert_array_equal(a.data, [[0.0, 0.5, 1.0]])
        a.sum().backward()
        np.testing.assert_array_equal(z.grad, [[0.0, 0.25, 0.0]])


def test_log_of_zero_is_minus_inf_with_numpys_warning():
    with pytest.warns(RuntimeWarning):
        out = Tensor([0.0, 1.0]).log()
    assert out.data[0] == -np.inf and out.data[1] == 0.0


def test_second_backward_on_tensors_doubles_leaves_only():
    W = Tensor([[0.3, -0.2]])
    Z = (W * 3).tanh()
    J = Z.sum()
    J.backward()
    first_W, first_Z = W.grad.copy(), Z.grad.copy()
    J.backward()
    np.testing.assert_allclose(Z.grad, first_Z)
    np.testing.assert_allclose(W.grad, 2 * first_W)


def test_item_and_repr():
    assert Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match=r"\(2,\)"):
        Tensor([1.0, 2.0]).item()
    assert "label='W1'" in repr(Tensor([1.0], label="W1"))


def test_float_index_tensors_must_hold_whole_numbers():
    X = Tensor([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(X[:, Tensor([2.0, 0.0])].data, [[3.0, 1.0]])
    with pytest.raises(TypeError, match="whole numbers"):
        X[:, Tensor([0.9, 2.7])]


def test_dtype_promotion_is_the_same_for_arrays_and_tensors():
    W = Tensor([1.0, 2.0], dtype=np.float32)
    assert (W * 2.0).dtype == np.float32
    assert (W * np.array([1.5, 2.5])).dtype == (W * Tensor([1.5, 2.5])).dtype == np.float64
    assert (W * np.array([1.5, 2.5], dtype=np.float32)).dtype == np.float32


def test_truth_value():
    assert Tensor([[2.0]]) and not Tensor([0.0])
    with pytest.raises(ValueError, match=r"\(2,\)"):
        bool(Tensor([1.0, 2.0]))


def test_repeated_axis_is_a_clear_error():
    with pytest.raises(ShapeError, match="twice"):
        Tensor(np.ones((2, 3))).sum(axis=(0, -2))
    with pytest.raises(ShapeError, match="out of range"):
        Tensor(np.ones((2, 3))).mean(axis=2)


def test_batched_matmul_broadcasts_batch_dimensions_both_sides():
    rng = np.random.default_rng(0)
    A = Tensor(rng.standard_normal((2, 1, 3, 4)))
    B = Tensor(rng.standard_normal((1, 5, 4, 2)))
    assert (A @ B).shape == (2, 5, 3, 2)
    assert gradcheck(lambda A, B: _cost(A @ B), [A, B]).passed
    with pytest.raises(ShapeError, match=r"batch dimensions.*\(2, 3, 4\).*\(5, 4, 2\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))
