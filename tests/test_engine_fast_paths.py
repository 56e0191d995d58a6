"""The engine's fast paths keep its behaviour: parents held in slots, topo_order's marks, the
grad-mode shortcut, float gradients reset without a call, the training loops' views of X,
conv2d as one matrix product, max_pool's backward without argmax."""

import threading

import numpy as np
import pytest

from autograd_mini import LogisticRegression, Tensor, Value, no_grad, topo_order, train
from autograd_mini.graph import Op
from autograd_mini.tensor import _make
from autograd_mini.value import weighted_sum
from autograd_mini.conv import conv2d, max_pool


def test_parents_come_back_in_order_for_every_arity():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    assert (a * b).parents == (a, b) and (-a).parents == (a,) and a.parents == ()
    assert (a * a).parents == (a, a)
    z = weighted_sum([a, b], [c, 4.0], 5.0)
    parents = z.parents  # w1, x1, w2, x2, b
    assert parents[:3] == (a, c, b) and len(parents) == 5
    assert [p.data for p in parents[3:]] == [4.0, 5.0]
    X = Tensor(np.ones((2, 3)), requires_grad=False)
    W = Tensor(np.ones((1, 2)))
    assert (W @ X).parents == (W, X)


def _recursive_post_order(root):
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


@pytest.mark.parametrize("seed", range(6))
def test_topo_order_is_the_recursive_post_order_and_repeats(seed):
    rng = np.random.default_rng(seed)
    leaves = [Value(float(x)) for x in rng.normal(size=6)]
    nodes = list(leaves)
    for _ in range(60):  # a random DAG with shared nodes, unary, binary and n-ary ops, and runs of unary ops
        i, j, k = rng.integers(0, len(nodes), 3)
        kind = rng.integers(0, 4)
        if kind == 0:
            nodes.append(nodes[i] * nodes[j])
        elif kind == 1:
            nodes.append(nodes[i].tanh())
        elif kind == 2:
            run = nodes[i]
            for _ in range(rng.integers(1, 5)):
                run = -run
            nodes.append(run)
        else:
            nodes.append(weighted_sum([nodes[i], nodes[j]], [nodes[k], nodes[i]], nodes[j]))
    root = nodes[-1] + nodes[-2] + nodes[-7]
    expected = _recursive_post_order(root)
    assert topo_order([root]) == expected
    assert topo_order([root]) == expected  # marks from the walk before do not leak into the next


def test_topo_order_from_threads_sharing_a_graph():
    x = Value(0.5)
    y = x
    for k in range(3000):
        y = y * 1.0001 + x if k % 2 else (y + x).tanh()
    expected = topo_order([y])
    results = []

    def walk():
        results.extend(topo_order([y]) == expected for _ in range(5))

    threads = [threading.Thread(target=walk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 20


def test_no_grad_in_one_thread_leaves_a_recording_thread_alone_while_it_lasts():
    inside, resume = threading.Event(), threading.Event()
    made = {}

    def paused():
        with no_grad():
            inside.set()
            resume.wait(5)
            made["paused"] = Value(2.0) * 3

    thread = threading.Thread(target=paused)
    thread.start()
    inside.wait(5)
    made["here"] = Value(2.0) * 3  # made while the other thread is inside no_grad()
    resume.set()
    thread.join()
    made["after"] = Value(2.0) * 3
    assert made["here"].parents and made["after"].parents and not made["paused"].parents


def test_intermediate_float_gradients_are_reset_and_leaves_accumulate():
    a = Value(3.0)
    b = a * a
    c = b + b
    c.backward()
    c.backward()
    assert b.grad == 2.0 and a.grad == 2 * 12.0 and isinstance(b.grad, float)


def test_train_reads_X_through_a_view_and_never_writes_it():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 50))
    Y = (X[:1] + X[1:] > 0).astype(np.float64)
    X_before, Y_before = X.copy(), Y.copy()
    model = LogisticRegression(2)
    train(model, X, Y, learning_rate=0.5, epochs=20)
    train(LogisticRegression(2), X, Y, learning_rate=0.5, epochs=3, batch_size=16, seed=0)
    assert np.array_equal(X, X_before) and np.array_equal(Y, Y_before)
    assert X.flags.writeable  # the caller's array keeps its flags; only the view is read-only
    cached = model.cache["X"].data
    assert np.shares_memory(cached, X) and not cached.flags.writeable


@pytest.mark.parametrize("stride, pad, f", [(1, 1, 3), (2, 0, 3), (2, 1, 2), (3, 2, 3)])
def test_conv2d_matches_the_notes_loops(stride, pad, f):
    rng = np.random.default_rng(stride * 10 + pad)
    A = rng.normal(size=(2, 7, 6, 3))
    W, b = rng.normal(size=(f, f, 3, 4)), rng.normal(size=(1, 1, 1, 4))
    A_t, W_t, b_t = Tensor(A), Tensor(W), Tensor(b)
    Z = conv2d(A_t, W_t, b_t, stride=stride, pad=pad)
    dZ = rng.normal(size=Z.shape)
    Z.backward(dZ)
    A_pad = np.pad(A, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z_loop, dA_pad, dW = np.zeros(Z.shape), np.zeros_like(A_pad), np.zeros_like(W)
    for i in range(Z.shape[0]):
        for h in range(Z.shape[1]):
            for w in range(Z.shape[2]):
                window = A_pad[i, h * stride:h * stride + f, w * stride:w * stride + f]
                for c in range(Z.shape[3]):
                    Z_loop[i, h, w, c] = np.sum(window * W[..., c]) + b[0, 0, 0, c]
                    dA_pad[i, h * stride:h * stride + f, w * stride:w * stride + f] += W[..., c] * dZ[i, h, w, c]
                    dW[..., c] += window * dZ[i, h, w, c]
    dA = dA_pad[:, pad:pad + A.shape[1], pad:pad + A.shape[2]]
    np.testing.assert_allclose(Z.data, Z_loop, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(A_t.grad, dA, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(W_t.grad, dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b_t.grad, dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, 4), rtol=1e-12)


@pytest.mark.parametrize("examples_per_piece", [1, 2, 3])
def test_conv2d_built_a_few_examples_at_a_time_equals_all_at_once(monkeypatch, examples_per_piece):
    rng = np.random.default_rng(examples_per_piece)
    A, W, b = rng.normal(size=(5, 6, 7, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=(1, 1, 1, 4))
    dZ = rng.normal(size=(5, 3, 4, 4))  # stride 2, pad 1: n_H = 3, n_W = 4

    def run():
        A_t, W_t, b_t = Tensor(A), Tensor(W), Tensor(b)
        Z = conv2d(A_t, W_t, b_t, stride=2, pad=1)
        Z.backward(dZ)
        return Z.data, A_t.grad, W_t.grad, b_t.grad

    whole = run()
    one_example = 3 * 3 * 3 * 3 * 4 * 8  # bytes of one example's window matrix (f·f·n_c_prev rows, n_H·n_W columns)
    monkeypatch.setattr("autograd_mini.conv._PIECE_BYTES", examples_per_piece * one_example)
    for got, want in zip(run(), whole):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def _max_pool_grad_by_argmax(A, dA, f, s):
    """The rule as the notes' loops apply it: each window's gradient goes to np.argmax of the window."""
    grad = np.zeros_like(A)
    for i in range(dA.shape[0]):
        for h in range(dA.shape[1]):
            for w in range(dA.shape[2]):
                for c in range(dA.shape[3]):
                    window = A[i, h * s:h * s + f, w * s:w * s + f, c]
                    di, dj = np.unravel_index(np.argmax(window), window.shape)
                    grad[i, h * s + di, w * s + dj, c] += dA[i, h, w, c]
    return grad


@pytest.mark.parametrize("f, s", [(2, 2), (3, 2), (2, 1), (3, 3), (2, 3)])
@pytest.mark.parametrize("n", [7, 8])  # windows that leave a border uncovered (or not, for f = s = 2)
def test_max_pool_gradient_goes_to_the_first_maximum_ties_and_nans_included(f, s, n):
    rng = np.random.default_rng(f * 10 + s)
    A = rng.integers(0, 3, size=(2, n, n, 2)).astype(np.float64)  # many ties
    A[0, 1, 1, 0] = A[1, 4, 2, 1] = A[1, 4, 3, 1] = np.nan
    A_t = Tensor(A)
    out = max_pool(A_t, f=f, stride=s)
    dA = rng.normal(size=out.shape)
    out.backward(dA)
    # overlapping windows add in another order than the loops: equal up to rounding, never a misrouted dA
    np.testing.assert_allclose(A_t.grad, _max_pool_grad_by_argmax(A, dA, f, s), rtol=0, atol=1e-12)


def test_an_intermediate_gradient_is_a_new_array_of_its_own():
    # backward() takes a Tensor's first contribution as its gradient: a copy, never an array that
    # another node's gradient holds too (Z = A + B hands the same dZ to both parents)
    a = Tensor([[1.0, 2.0]], dtype=np.float32)
    A, B = a * 2, a * 3
    Z = A + B
    Z.backward(np.array([[1.0, -1.0]], dtype=np.float32))
    assert not np.shares_memory(A.grad, B.grad) and not np.shares_memory(A.grad, Z.grad)
    assert A.grad.dtype == np.float32
    A.grad += 1
    np.testing.assert_array_equal(B.grad, [[1.0, -1.0]])
    np.testing.assert_array_equal(Z.grad, [[1.0, -1.0]])
    np.testing.assert_array_equal(a.grad, [[5.0, -5.0]])


class _Stop(Op):
    """A test op: passes no gradient back to its parent, or fails in its backward rule."""

    name = "stop"

    def __init__(self, fail: bool):
        self.fail = fail

    def vjp(self, out, g):
        if self.fail:
            raise ArithmeticError("this backward rule fails")
        return (None,)


@pytest.mark.parametrize("fail", [False, True])
def test_a_gradient_no_contribution_reached_is_zeros(fail):
    W = Tensor(np.ones((2, 2)))
    Z = W @ W  # an intermediate whose only consumer gives it nothing (or fails before it does)
    J = _make(np.asarray(Z.data.sum()), _Stop(fail), (Z,))
    if fail:
        with pytest.raises(ArithmeticError):
            J.backward()
    else:
        J.backward()
    assert isinstance(Z.grad, np.ndarray)
    np.testing.assert_array_equal(Z.grad, np.zeros((2, 2)))
