"""The notes' closed-form gradients, written as the notes write them, in plain numpy (no graph).

These are the reference that autodiff is checked against (:func:`autograd_mini.compare`).

A word on the factor m: the notes' dz, dZ and dA are derivatives of the per-example loss
L(a, y) (dZ = A − Y), while dW and db are derivatives of the cost J = (1/m) Σ L (hence their
1/m). Autodiff of J gives ∂J/∂Z = dZ / m for the intermediate nodes; dW and db agree directly.

>>> import numpy as np
>>> X = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0]]); Y = np.array([[1.0, 0.0, 1.0]])
>>> w = np.array([[0.1], [-0.2]]); b = 0.05
>>> loop, vec = logistic_loop(X, Y, w, b), logistic_vectorized(X, Y, w, b)
>>> bool(np.allclose(loop["dw"], vec["dw"]) and np.isclose(loop["db"], vec["db"]))
True
"""

from __future__ import annotations

import math

import numpy as np

from .tensor import sigmoid
from .validate import check_activation

__all__ = [
    "g",
    "g_prime",
    "single_example",
    "logistic_loop",
    "logistic_vectorized",
    "compute_cost",
    "l2_regularization_cost",
    "L_model_forward",
    "L_model_backward",
    "update_parameters",
]

LEAKY_SLOPE = 0.01


def g(activation: str, Z: np.ndarray) -> np.ndarray:
    """A = g(Z) for sigmoid, tanh, relu (max(0, z)) and leaky_relu (max(0.01 z, z))."""
    activation = check_activation(activation)
    if activation == "sigmoid":
        return sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.maximum(0, Z)
    return np.where(Z >= 0, Z, LEAKY_SLOPE * Z)


def g_prime(activation: str, Z: np.ndarray, A: np.ndarray, left_at_zero: bool = False) -> np.ndarray:
    """g'(Z): sigmoid a(1 − a); tanh 1 − a²; relu 1 if z ≥ 0 else 0; leaky_relu 1 if z ≥ 0 else 0.01.

    At the kink z = 0 the notes take the slope on the right (1); ``left_at_zero`` takes the one on
    the left (0 for relu, 0.01 for leaky_relu), as the course's ``np.int64(A > 0)`` does. Both are
    valid (sub)gradients; autodiff follows the notes.
    """
    activation = check_activation(activation)
    if activation == "sigmoid":
        return A * (1 - A)
    if activation == "tanh":
        return 1 - np.power(A, 2)
    right = Z > 0 if left_at_zero else Z >= 0
    if activation == "relu":
        return right.astype(Z.dtype)
    return np.where(right, 1.0, LEAKY_SLOPE)


def single_example(x, w, b: float, y: float) -> dict:
    """One example: z = wᵀx + b, a = σ(z), L = −(y log a + (1 − y) log(1 − a)),
    da = −y/a + (1 − y)/(1 − a), dz = a − y, dw_i = x_i · dz, db = dz."""
    x = np.asarray(x, dtype=np.float64).ravel()
    w = np.asarray(w, dtype=np.float64).ravel()
    z = float(np.dot(w, x) + b)
    a = float(sigmoid(np.float64(z)))
    L = -(y * math.log(a) + (1 - y) * math.log(1 - a))
    da = -y / a + (1 - y) / (1 - a)
    dz = a - y
    dw = x * dz
    db = dz
    return {"z": z, "a": a, "L": L, "da": da, "dz": dz, "dw": dw, "db": db}


def logistic_loop(X: np.ndarray, Y: np.ndarray, w: np.ndarray, b: float) -> dict:
    """m examples with the for-loop and the accumulators J, dw_1 … dw_n, db, then divide by m."""
    n_x, m = X.shape
    w = np.asarray(w, dtype=np.float64).reshape(n_x)
    b = float(np.asarray(b).reshape(()))
    J = 0.0
    dw = np.zeros(n_x)
    db = 0.0
    for i in range(m):
        z_i = sum(w[j] * X[j, i] for j in range(n_x)) + b
        a_i = float(sigmoid(np.float64(z_i)))
        y_i = Y[0, i]
        J += -(y_i * math.log(a_i) + (1 - y_i) * math.log(1 - a_i))
        dz_i = a_i - y_i
        for j in range(n_x):
            dw[j] += X[j, i] * dz_i
        db += dz_i
    return {"J": J / m, "dw": (dw / m).reshape(n_x, 1), "db": db / m}


def logistic_vectorized(X: np.ndarray, Y: np.ndarray, w: np.ndarray, b, lambd: float = 0.0) -> dict:
    """Z = wᵀX + b, A = σ(Z), dZ = A − Y, dw = (1/m) X dZᵀ (+ (λ/m) w), db = (1/m) Σ dZ."""
    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    J = compute_cost(A, Y) + l2_regularization_cost([w], m, lambd)
    dZ = A - Y
    dw = (1 / m) * np.dot(X, dZ.T) + (lambd / m) * w
    db = (1 / m) * np.sum(dZ)
    return {"J": J, "Z": Z, "A": A, "dZ": dZ, "dw": dw, "db": db}


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """J = −(1/m) Σ (Y log A + (1 − Y) log(1 − A)), exactly as the notes write it."""
    m = Y.shape[1]
    return float(-(1 / m) * np.sum(np.multiply(np.log(AL), Y) + np.multiply(np.log(1 - AL), 1 - Y)))


def l2_regularization_cost(weights, m: int, lambd: float) -> float:
    """λ/(2m) Σ_l ‖W[l]‖²_F: the notes' loop of np.sum(np.square(W)), then × λ/(2m)."""
    total = 0.0
    for W in weights:
        total += np.sum(np.square(W))
    return float(lambd / (2 * m) * total)


def L_model_forward(X: np.ndarray, parameters: dict, activations) -> tuple:
    """Z[l] = W[l] A[l−1] + b[l], A[l] = g[l](Z[l]) for l = 1..L with A[0] = X.

    Returns A[L] and the caches {"A0": X, "Z1": …, "A1": …}.
    """
    caches = {"A0": X}
    A = X
    for l, activation in enumerate(activations, start=1):
        Z = np.dot(parameters[f"W{l}"], A) + parameters[f"b{l}"]
        A = g(activation, Z)
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    return A, caches


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: dict, parameters: dict, activations,
                     lambd: float = 0.0, left_at_zero: bool = False) -> dict:
    """The notes' backward pass, from l = L down to 1.

    dZ[L] = A[L] − Y (sigmoid output; otherwise dA[L] = −Y/A + (1 − Y)/(1 − A), dZ[L] = dA[L] * g′(Z[L])),
    dW[l] = (1/m) dZ[l] A[l−1]ᵀ + (λ/m) W[l], db[l] = (1/m) Σ dZ[l] over axis 1 (keepdims),
    dA[l−1] = W[l]ᵀ dZ[l], dZ[l−1] = dA[l−1] * g′(Z[l−1]).
    Returns dW1, db1, … and the per-example dZ1, … and dA1, …, dA[L−1]. ``left_at_zero``: see :func:`g_prime`.
    """
    L = len(activations)
    m = AL.shape[1]
    grads = {}
    if activations[L - 1] == "sigmoid":
        dZ = AL - Y
    else:
        dA = -Y / AL + (1 - Y) / (1 - AL)
        grads[f"dA{L}"] = dA
        dZ = dA * g_prime(activations[L - 1], caches[f"Z{L}"], AL, left_at_zero)
    for l in range(L, 0, -1):
        A_prev, W = caches[f"A{l - 1}"], parameters[f"W{l}"]
        grads[f"dZ{l}"] = dZ
        grads[f"dW{l}"] = (1 / m) * np.dot(dZ, A_prev.T) + (lambd / m) * W
        grads[f"db{l}"] = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
        if l > 1:  # dA[0] = Wᵀ dZ[1] would be a gradient for X, which nothing needs
            dA_prev = np.dot(W.T, dZ)
            grads[f"dA{l - 1}"] = dA_prev
            dZ = dA_prev * g_prime(activations[l - 2], caches[f"Z{l - 1}"], A_prev, left_at_zero)
    return grads


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l] (a new dict; the inputs are left alone)."""
    return {name: value - learning_rate * grads[f"d{name}"] for name, value in parameters.items()}
