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

# ------------------------------------------------------------------------------ 6. softmax cross-entropy's Y


@pytest.mark.parametrize("Y, column, total", [
    ([[1.0, 0.5, 0.0], [0.0, 0.5, 0.0], [0.0, 1.0, 1.0]], 1, "2"),   # a column summing to 2
    ([[1.0, 0.0, 1.5], [0.0, 1.0, -0.5], [0.0, 0.0, 0.0]], 2, "1"),  # sums to 1 with a negative entry
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], 2, "0"),   # an example with no class
])
def test_softmax_cross_entropy_refuses_a_Y_that_is_not_a_distribution_per_column(Y, column, total):
    Z = Tensor(np.random.default_rng(0).standard_normal((3, 3)))
    with pytest.raises(ValueError, match=rf"Σ_k y_k = 1; column {column} is .*summing to {total} \(1 such"):
        softmax_cross_entropy(Z, Tensor(Y, requires_grad=False))


def _central_differences(f, Z: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        plus, minus = Z.copy(), Z.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (f(plus) - f(minus)) / (2 * eps)
    return grad


@pytest.mark.parametrize("soft", [False, True])
def test_softmax_cross_entropy_gradient_is_the_central_differences_of_its_own_J(soft):
    rng = np.random.default_rng(1)
    Z0 = rng.standard_normal((4, 5))
    if soft:  # label smoothing: every column a distribution, none one-hot
        Y = rng.random((4, 5))
        Y /= Y.sum(axis=0, keepdims=True)
    else:
        Y = np.eye(4)[:, rng.integers(0, 4, 5)]
    Z = Tensor(Z0)
    softmax_cross_entropy(Z, Tensor(Y, requires_grad=False)).backward()

    def J(z):  # −(1/m) Σ Σ y log softmax(z), written out
        log_a = z - z.max(axis=0) - np.log(np.exp(z - z.max(axis=0)).sum(axis=0))
        return -(Y * log_a).sum() / z.shape[1]

    np.testing.assert_allclose(Z.grad, _central_differences(J, Z0), rtol=1e-6, atol=1e-9)


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


# ------------------------------------------------------------------------------ 8. data assigned after recording


@pytest.mark.parametrize("change", ["in place", "anew", "by an optimizer"])
def test_backward_refuses_a_graph_whose_leaf_was_assigned_after_recording(change):
    x = Tensor([[1.0, 2.0]], label="x")
    w = Tensor([[3.0], [4.0]], label="w")
    J = (x @ w).sum() * (x * x).sum()
    J.backward()
    before = x.grad.copy(), w.grad.copy()
    if change == "in place":
        x.data += 1
    elif change == "anew":
        x.data = np.array([[5.0, 6.0]])
    else:
        GradientDescent(0.1).update({"x": x}, {"dx": x.grad})
    with pytest.raises(RuntimeError, match=r"backward\(\): 'x' \(a leaf\) had its data assigned after the op "
                                           r"'(@|\*)' used it.*compute the forward pass again"):
        J.backward()
    np.testing.assert_array_equal(x.grad, before[0])  # refused before any gradient moved
    np.testing.assert_array_equal(w.grad, before[1])
    J = (x @ w).sum() * (x * x).sum()  # a forward pass from the new data is fine
    x.zero_grad()
    J.backward()
    x0 = x.data
    np.testing.assert_allclose(x.grad, w.data.T * (x0 * x0).sum() + (x0 @ w.data).sum() * 2 * x0)


def test_an_intermediate_assigned_after_use_is_refused_too():
    z = Tensor([[0.5, -0.5]], label="z")
    a = z.sigmoid()
    a.label = "a"
    J = (a * a).sum()
    a.data = np.zeros((1, 2))
    with pytest.raises(RuntimeError, match=r"'a' \(made by 'sigmoid'\) had its data assigned"):
        J.backward()


def test_a_model_updated_by_adam_refuses_its_old_graph_and_trains_on_new_ones():
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((2, 16)), (rng.random((1, 16)) > 0.5).astype(float)
    net = DeepNet([2, 3, 1], seed=0)
    J = net._cost(Tensor(X, requires_grad=False), Tensor(Y, requires_grad=False), 0.0)
    J.backward()
    Adam(0.01).update(net.parameters, net.grads())
    with pytest.raises(RuntimeError, match=r"'W\d' \(a leaf\) had its data assigned"):
        J.backward()
    net.zero_grad()
    net._cost(Tensor(X, requires_grad=False), Tensor(Y, requires_grad=False), 0.0).backward()
    assert all(np.isfinite(p.grad).all() for p in net.parameters.values())


# ------------------------------------------------------------------------------ 9. threads sharing one graph


def _value_graph():
    xs = [Value(0.01 * k, label=f"x{k}") for k in range(40)]
    total = Value(0.0)
    for k in range(600):
        a, b = xs[k % 40], xs[(7 * k + 3) % 40]
        total = total + (a * b).tanh() + a.sigmoid() * 0.5
    return xs, total


def _tensor_graph():
    rng = np.random.default_rng(4)
    W = Tensor(rng.standard_normal((30, 30)), label="W")
    A = Tensor(rng.standard_normal((30, 50)), requires_grad=False)
    for _ in range(40):
        A = (W @ A).tanh()
    return [W], A.sum()


@pytest.mark.parametrize("build", [_value_graph, _tensor_graph])
def test_threads_sharing_one_graph_get_exactly_the_sum_of_their_passes(build):
    leaves, root = build()
    serial_leaves, serial_root = build()
    threads, passes = 4, 30
    for _ in range(threads * passes):
        serial_root.backward()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so unguarded passes would interleave
    try:
        start = threading.Barrier(threads)

        def work():
            start.wait()
            for _ in range(passes):
                root.backward()

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(switch)
    for leaf, serial in zip(leaves, serial_leaves):
        np.testing.assert_array_equal(leaf.grad, serial.grad)
