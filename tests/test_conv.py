"""conv2d, max_pool and avg_pool: values, gradients against numerical ones, and errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import ShapeError, Tensor, gradcheck
from autograd_mini.conv import avg_pool, conv2d, max_pool
from autograd_mini.shapes import conv_output_size


def windows_by_position(A, f, s, p):
    """Each output position's f × f window of the padded A, one (h, w) at a time (vectorized over m, n_c)."""
    A = np.pad(A, ((0, 0), (p, p), (p, p), (0, 0)))
    n_H, n_W = conv_output_size(A.shape[1], f, 0, s), conv_output_size(A.shape[2], f, 0, s)
    for h in range(n_H):
        for w in range(n_W):
            yield h, w, A[:, h * s:h * s + f, w * s:w * s + f, :]


def reference_conv(A, W, b, s, p):
    m, n_H, n_W = A.shape[0], conv_output_size(A.shape[1], W.shape[0], p, s), conv_output_size(A.shape[2], W.shape[0], p, s)
    Z = np.zeros((m, n_H, n_W, W.shape[3]))
    for h, w, A_slice in windows_by_position(A, W.shape[0], s, p):
        for c in range(W.shape[3]):
            Z[:, h, w, c] = np.sum(A_slice * W[:, :, :, c], axis=(1, 2, 3)) + b[0, 0, 0, c]
    return Z


def reference_pool(A, f, s, reduce):
    Z = np.zeros((A.shape[0], conv_output_size(A.shape[1], f, 0, s), conv_output_size(A.shape[2], f, 0, s), A.shape[3]))
    for h, w, A_slice in windows_by_position(A, f, s, 0):
        Z[:, h, w, :] = reduce(A_slice, axis=(1, 2))
    return Z


@st.composite
def conv_case(draw):
    f = draw(st.integers(1, 3))
    p = draw(st.integers(0, 2))
    s = draw(st.integers(1, 3))
    n_H = draw(st.integers(max(1, f - 2 * p), 6))
    n_W = draw(st.integers(max(1, f - 2 * p), 6))
    m, n_c_prev, n_c = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return (m, n_H, n_W, n_c_prev, n_c, f, s, p, np.random.default_rng(seed))


@st.composite
def pool_case(draw):
    f = draw(st.integers(1, 3))
    s = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 2)), draw(st.integers(f, 7)), draw(st.integers(f, 7)), draw(st.integers(1, 3)))
    return shape, f, s, np.random.default_rng(draw(st.integers(0, 2**32 - 1)))


@given(conv_case())
def test_conv2d_values_and_gradients(case):
    m, n_H, n_W, n_c_prev, n_c, f, s, p, rng = case
    A_prev = Tensor(rng.normal(size=(m, n_H, n_W, n_c_prev)), label="A_prev")
    W = Tensor(rng.normal(size=(f, f, n_c_prev, n_c)), label="W")
    b = Tensor(rng.normal(size=(1, 1, 1, n_c)), label="b")
    Z = conv2d(A_prev, W, b, stride=s, pad=p)
    assert Z.shape == (m, conv_output_size(n_H, f, p, s), conv_output_size(n_W, f, p, s), n_c)
    np.testing.assert_allclose(Z.data, reference_conv(A_prev.data, W.data, b.data, s, p), rtol=1e-12, atol=1e-12)
    # a random weighting of Z makes every entry's dZ different, so a misplaced gradient shows
    R = rng.normal(size=Z.shape)
    result = gradcheck(lambda A_prev, W, b: (conv2d(A_prev, W, b, stride=s, pad=p) * R).sum(), [A_prev, W, b])
    assert result.passed, result


@given(pool_case(), st.sampled_from(["max", "avg"]))
def test_pool_values_and_gradients(case, mode):
    shape, f, s, rng = case
    pool, reduce = (max_pool, np.max) if mode == "max" else (avg_pool, np.mean)
    A_prev = Tensor(rng.normal(size=shape), label="A_prev")
    A = pool(A_prev, f, s)
    np.testing.assert_allclose(A.data, reference_pool(A_prev.data, f, s, reduce), rtol=1e-12)
    R = rng.normal(size=A.shape)
    # random normals are 1e-6 apart with probability ~1, so no max flips while probing
    result = gradcheck(lambda A_prev: (pool(A_prev, f, s) * R).sum(), [A_prev])
    assert result.passed, result


def test_vertical_edge_detector():
    # the classic example: a 6 × 6 image, bright left half, and the filter [[1, 0, -1]] × 3
    image = np.array([[10.0] * 3 + [0.0] * 3] * 6).reshape(1, 6, 6, 1)
    W = np.array([[1.0, 0.0, -1.0]] * 3).reshape(3, 3, 1, 1)
    Z = conv2d(image, W, np.zeros((1, 1, 1, 1)))
    np.testing.assert_array_equal(Z.data[0, :, :, 0], [[0, 30, 30, 0]] * 4)


def test_conv2d_backward_closed_forms():
    rng = np.random.default_rng(3)
    A_prev = Tensor(rng.normal(size=(2, 4, 5, 3)))
    W, b = Tensor(rng.normal(size=(3, 3, 3, 2))), Tensor(rng.normal(size=(1, 1, 1, 2)))
    dZ = rng.normal(size=(2, 2, 3, 2))
    conv2d(A_prev, W, b).backward(dZ)
    np.testing.assert_allclose(b.grad, dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, 2))   # db = Σ dZ over m, n_H, n_W
    dW = sum(A_slice[..., None] * dZ[:, h, w, None, None, None, :]
             for h, w, A_slice in windows_by_position(A_prev.data, 3, 1, 0)).sum(axis=0)
    np.testing.assert_allclose(W.grad, dW)                                             # dW = Σ A_slice · dZ


def test_max_pool_sends_the_gradient_to_each_windows_max_and_adds_overlaps():
    A_prev = Tensor(np.array([[1.0, 5.0, 2.0], [3.0, 4.0, 0.0], [9.0, 6.0, 7.0]]).reshape(1, 3, 3, 1))
    max_pool(A_prev, f=2, stride=1).sum().backward()
    # windows' maxima: 5, 5, 9, 7 — the 5 is the max of two overlapping windows
    np.testing.assert_array_equal(A_prev.grad[0, :, :, 0], [[0, 2, 0], [0, 0, 0], [1, 0, 1]])
    avg = Tensor(np.zeros((1, 3, 3, 1)))
    avg_pool(avg, f=2, stride=1).sum().backward()
    np.testing.assert_allclose(avg.grad[0, :, :, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4)


def test_pool_stride_defaults_to_f_and_keeps_channels():
    A_prev = Tensor(np.arange(2 * 6 * 6 * 3, dtype=float).reshape(2, 6, 6, 3), requires_grad=False)
    assert max_pool(A_prev, 2).shape == (2, 3, 3, 3)
    assert avg_pool(A_prev, 3).shape == (2, 2, 2, 3)


def test_no_gradient_for_data():
    X = np.random.default_rng(0).normal(size=(1, 4, 4, 1))
    W, b = Tensor(np.ones((3, 3, 1, 1))), Tensor(np.zeros((1, 1, 1, 1)), requires_grad=False)
    conv2d(X, W, b).sum().backward()
    np.testing.assert_allclose(W.grad[:, :, 0, 0], [[X[0, i:i + 2, j:j + 2, 0].sum() for j in range(3)] for i in range(3)])
    assert b.grad is None


def _conv_args(A=(2, 5, 5, 3), W=(3, 3, 3, 4), b=(1, 1, 1, 4)):
    return Tensor(np.zeros(A)), Tensor(np.zeros(W)), Tensor(np.zeros(b))


@pytest.mark.parametrize("kwargs, error, words", [
    ({"pad": 0, "stride": 1, "W": (7, 7, 3, 4)}, ShapeError,
     r"7 × 7 window does not fit A_prev of shape \(2, 5, 5, 3\) \(m, n_H_prev, n_W_prev, n_c_prev\) with padding p = 0"),
    ({"stride": 0}, ValueError, r"conv2d: s must be ≥ 1; got s = 0"),
    ({"stride": -1}, ValueError, r"s must be ≥ 1"),
    ({"pad": -1}, ValueError, r"p must be ≥ 0"),
    ({"W": (3, 3, 2, 4)}, ShapeError,
     r"A_prev has shape \(2, 5, 5, 3\) .* n_c_prev = 3, but W has shape \(3, 3, 2, 4\) \(f, f, n_c_prev, n_c\) "
     r"with n_c_prev = 2"),
    ({"A": (5, 5, 3)}, ShapeError, r"A_prev has shape \(5, 5, 3\); expected 4 dimensions \(m, n_H_prev"),
    ({"W": (3, 3, 3)}, ShapeError, r"W has shape \(3, 3, 3\); expected \(f, f, n_c_prev, n_c\)"),
    ({"W": (3, 2, 3, 4)}, ShapeError, r"square f × f"),
    ({"b": (4,)}, ShapeError, r"b has shape \(4,\); expected \(1, 1, 1, n_c\) = \(1, 1, 1, 4\)"),
    ({"b": (1, 1, 1, 3)}, ShapeError, r"b has shape \(1, 1, 1, 3\); expected \(1, 1, 1, n_c\)"),
])
def test_conv2d_bad_arguments(kwargs, error, words):
    shapes = {k: kwargs.pop(k) for k in ("A", "W", "b") if k in kwargs}
    A_prev, W, b = _conv_args(**shapes)
    with pytest.raises(error, match=words):
        conv2d(A_prev, W, b, **kwargs)


def test_conv2d_filter_may_fit_thanks_to_padding():
    A_prev, W, b = _conv_args(W=(7, 7, 3, 4))
    assert conv2d(A_prev, W, b, pad=1).shape == (2, 1, 1, 4)


@pytest.mark.parametrize("pool", [max_pool, avg_pool])
def test_pool_bad_arguments(pool):
    A_prev = Tensor(np.zeros((1, 4, 4, 2)))
    with pytest.raises(ShapeError, match=r"5 × 5 window does not fit A_prev of shape \(1, 4, 4, 2\)"):
        pool(A_prev, 5)
    with pytest.raises(ValueError, match=r"s must be ≥ 1; got s = 0"):
        pool(A_prev, 2, 0)
    with pytest.raises(ShapeError, match=r"A_prev has shape \(4, 4, 2\); expected 4 dimensions"):
        pool(Tensor(np.zeros((4, 4, 2))), 2)
    with pytest.raises(TypeError, match="A_prev must be a Tensor or a numpy array; got list"):
        pool([[1.0]], 1)
