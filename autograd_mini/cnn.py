"""A small CNN, conv → relu → max pool → flatten → dense → sigmoid, trained by gradient descent.

It tells images with a vertical bar (y = 1) from images with a horizontal bar (y = 0).
Images are in the notes' conv layout, X (m, n_H, n_W, n_c); labels are Y (1, m). The
parameters are W1 (f, f, n_c[0], n_c[1]), b1 (1, 1, 1, n_c[1]) of the convolution and
W2 (1, n[2-1]), b2 (1, 1) of the dense layer on the flattened pooled volume.

>>> X, Y = bars_dataset(8, seed=1)
>>> X.shape, Y.shape
((8, 8, 8, 1), (1, 8))
"""

from __future__ import annotations

import numpy as np

from .conv import conv2d, max_pool
from .errors import ShapeError
from .functional import sigmoid_cross_entropy
from .graph import no_grad, zero_grad
from .shapes import conv_output_size, same_padding
from .tensor import Tensor, linear
from .validate import check_batch_size, check_int, check_learning_rate

__all__ = ["bars_dataset", "init_cnn", "cnn_forward", "cnn_cost", "train_cnn", "predict_cnn"]


def bars_dataset(m: int, n: int = 8, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """m noisy n × n grey images, each with one bar: X (m, n, n, 1) and Y (1, m), y = 1 for a vertical bar.

    A bar is one pixel wide, between n/2 and n pixels long, at a random row (horizontal) or
    column (vertical); Gaussian noise of standard deviation ``noise`` is added everywhere.
    """
    if m < 1 or n < 2:
        raise ValueError(f"bars_dataset needs m ≥ 1 images of n ≥ 2 pixels a side; got m = {m}, n = {n}")
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, size=(1, m))
    X = rng.normal(0.0, noise, size=(m, n, n, 1))
    lengths = rng.integers(n // 2, n + 1, size=m)
    starts = rng.integers(0, n - lengths + 1)
    lines = rng.integers(0, n, size=m)
    for i in range(m):  # one bar per image
        along = slice(starts[i], starts[i] + lengths[i])
        if Y[0, i]:
            X[i, along, lines[i], 0] += 1.0
        else:
            X[i, lines[i], along, 0] += 1.0
    return X, Y.astype(np.float64)


def init_cnn(input_volume: tuple[int, int, int], f: int = 3, n_c: int = 4, pool: int = 2,
             seed: int = 0) -> dict[str, Tensor]:
    """W1 (f, f, n_c[0], n_c) He-initialised, randn × sqrt(2 / (f·f·n_c[0])), for the ReLU after it (He et al.
    2015); W2 (1, n[2-1]) randn × sqrt(1 / n[2-1]), the course's scale for the sigmoid after it; zero b1, b2.

    The convolution is "same" (p = (f − 1)/2), the pooling f = s = ``pool``, so the dense
    layer sees n[2-1] = ⌊(n_H − pool)/pool + 1⌋ · ⌊(n_W − pool)/pool + 1⌋ · n_c inputs.
    """
    n_H, n_W, n_c_prev = input_volume
    same_padding(f)  # rejects an even f, for which p = (f − 1)/2 is not a whole number
    n_flat = conv_output_size(n_H, pool, 0, pool) * conv_output_size(n_W, pool, 0, pool) * n_c
    rng = np.random.default_rng(seed)
    return {
        "W1": Tensor(rng.normal(size=(f, f, n_c_prev, n_c)) * np.sqrt(2.0 / (f * f * n_c_prev)), label="W1"),
        "b1": Tensor(np.zeros((1, 1, 1, n_c)), label="b1"),
        "W2": Tensor(rng.normal(size=(1, n_flat)) * np.sqrt(1.0 / n_flat), label="W2"),
        "b2": Tensor(np.zeros((1, 1)), label="b2"),
    }


def cnn_forward(X, params: dict[str, Tensor], pool: int = 2, output_activation: bool = True) -> Tensor:
    """A2 = σ(Z2) with Z2 = W2 · flatten(max_pool(relu(X * W1 + b1))) + b2, of shape (1, m).

    With ``output_activation=False`` it stops at Z2, which the cost takes (as the dense nets do).
    """
    X = X if isinstance(X, Tensor) else Tensor(X, requires_grad=False, label="X")
    if X.ndim != 4:
        raise ShapeError(f"X has shape {X.shape}; expected (m, n_H, n_W, n_c)")
    m = X.shape[0]
    # every node carries the name the pictures show: Z1 = conv(X, W1) + b1, A1, P1, F, Fᵀ, Z2 = W2 Fᵀ + b2, A2
    Z1 = _named(conv2d(X, params["W1"], params["b1"], pad="same"), "Z1")
    P1 = _named(max_pool(_named(Z1.relu(), "A1"), pool, pool), "P1")
    F = _named(P1.reshape(m, -1), "F")  # one row per example
    A_prev = _named(F.T, "Fᵀ")  # the dense layer takes columns: (n[2-1], m), as X is (n_x, m)
    Z2 = _named(linear(params["W2"], A_prev, params["b2"]), "Z2")
    return _named(Z2.sigmoid(), "A2") if output_activation else Z2


def _named(node: Tensor, label: str) -> Tensor:
    node.label = label
    return node


def cnn_cost(X, Y, params: dict[str, Tensor]) -> Tensor:
    """J = −(1/m) Σ [y log a + (1 − y) log(1 − a)], computed from Z2 so it stays finite when a saturates."""
    Z2 = cnn_forward(X, params, output_activation=False)
    Y = Y.data if isinstance(Y, Tensor) else np.asarray(Y, dtype=np.float64)
    if Y.shape != Z2.shape:
        raise ShapeError(f"Y has shape {Y.shape}; expected (1, m) = {Z2.shape}")
    J = sigmoid_cross_entropy(Z2, Tensor(Y, requires_grad=False, label="Y"))
    J.label = "J"
    return J


def train_cnn(X: np.ndarray, Y: np.ndarray, epochs: int = 8, learning_rate: float = 0.5, batch_size: int = 32,
              f: int = 3, n_c: int = 4, seed: int = 0) -> tuple[dict[str, Tensor], list[float]]:
    """Mini-batch gradient descent, θ := θ − α dθ, with dθ from the engine's ``backward()``.

    Each epoch shuffles the m examples (seeded) and takes one step per batch; batches run along
    axis 0, the m of the conv layout (``optim``'s mini-batches cut the columns of (n_x, m) data).
    Returns the parameters and the cost of each step.
    """
    learning_rate, batch_size = check_learning_rate(learning_rate), check_batch_size(batch_size)
    epochs = check_int(epochs, "epochs")
    m = X.shape[0]
    if Y.shape != (1, m):
        raise ShapeError(f"Y has shape {Y.shape}; expected (1, m) = (1, {m}) for X of shape {X.shape}")
    params = init_cnn(X.shape[1:], f=f, n_c=n_c, seed=seed)
    rng = np.random.default_rng(seed)
    costs = []
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            J = cnn_cost(X[batch], Y[:, batch], params)
            zero_grad(params.values())
            J.backward()
            for theta in params.values():
                theta.data -= learning_rate * theta.grad
            costs.append(J.item())
    return params, costs


def predict_cnn(X, params: dict[str, Tensor]) -> np.ndarray:
    """Ŷ (1, m): 1 where a = σ(z) > 0.5 (a vertical bar), else 0."""
    with no_grad():
        return (cnn_forward(X, params).data > 0.5).astype(np.float64)
