"""The notes' closed-form gradients, written as the notes write them, in plain numpy (no graph).

Where the notes garble a formula (their dZ[L] and dZ[L−1] lines, where dZ[L] = A[L] − Y and
dA[l−1] = W[l]ᵀ dZ[l] are meant), this is the formula they mean: docs/notes-errata.md.

These are the reference that autodiff is checked against (:func:`autograd_mini.compare`).
Beyond the notes, the same for the rest of a learner's toolbox: the softmax output with its
categorical cross-entropy, inverted dropout, batch normalization, and the optimizers' updates
(momentum, RMSprop, Adam) with learning-rate decay, each as the course writes it.

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
    "softmax",
    "compute_cost_softmax",
    "dropout_forward",
    "dropout_backward",
    "batchnorm_forward",
    "batchnorm_backward",
    "initialize_velocity",
    "update_parameters_with_momentum",
    "initialize_rmsprop",
    "update_parameters_with_rmsprop",
    "initialize_adam",
    "update_parameters_with_adam",
    "learning_rate_decay",
]

LEAKY_SLOPE = 0.01
#: ε of batch normalization (the same as DeepNet's).
BATCH_NORM_EPSILON = 1e-5


def softmax(Z: np.ndarray) -> np.ndarray:
    """A = softmax(Z) per column: a_k = e^(z_k − max z) / Σ_j e^(z_j − max z) (the shift cancels, nothing overflows)."""
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T, axis=0, keepdims=True)


def compute_cost_softmax(AL: np.ndarray, Y: np.ndarray) -> float:
    """The categorical cross-entropy J = −(1/m) Σ_i Σ_k y_k log a_k, for one-hot Y (K, m)."""
    m = Y.shape[1]
    return float(-(1 / m) * np.sum(Y * np.log(AL)))


def g(activation: str, Z: np.ndarray) -> np.ndarray:
    """A = g(Z) for sigmoid, tanh, relu (max(0, z)), leaky_relu (max(0.01 z, z)) and softmax (per column)."""
    if activation == "softmax":
        return softmax(Z)
    activation = check_activation(activation)
    if activation == "sigmoid":
        return sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return np.maximum(0, Z)
    return np.where(Z >= 0, Z, LEAKY_SLOPE * Z)


def g_prime(activation: str, Z: np.ndarray, A: np.ndarray, at_zero: float = 1.0) -> np.ndarray:
    """g'(Z): sigmoid a(1 − a); tanh 1 − a²; relu 1 if z ≥ 0 else 0; leaky_relu 1 if z ≥ 0 else 0.01.

    At the kink z = 0 the notes take the slope on the right (1). ``at_zero`` places g'(0) between the
    slope on the left (``at_zero=0``: 0 for relu, 0.01 for leaky_relu, as the course's
    ``np.int64(A > 0)`` does) and the one on the right (``at_zero=1``, the notes); ``at_zero=0.5`` is
    their mean. Every such value is a valid subgradient; autodiff follows the notes. softmax has no
    elementwise g'(Z): its output layer takes dZ = A − Y directly.
    """
    if activation == "softmax":
        raise ValueError("softmax has no elementwise g'(Z): with the categorical cross-entropy dZ[L] = A[L] − Y")
    activation = check_activation(activation)
    if activation == "sigmoid":
        return A * (1 - A)
    if activation == "tanh":
        return 1 - np.power(A, 2)
    left = 0.0 if activation == "relu" else LEAKY_SLOPE
    return np.where(Z > 0, 1.0, np.where(Z == 0, left + at_zero * (1.0 - left), left))


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


def dropout_forward(A: np.ndarray, D: np.ndarray, keep_prob: float) -> np.ndarray:
    """Inverted dropout with the mask D (1 keeps a unit, 0 drops it): A ∗ D / keep_prob."""
    return A * D / keep_prob


def dropout_backward(dA: np.ndarray, D: np.ndarray, keep_prob: float) -> np.ndarray:
    """Through the same mask: dA[l] ∗ D[l] / keep_prob (a dropped unit passes no gradient back)."""
    return dA * D / keep_prob


def batchnorm_forward(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, epsilon: float = BATCH_NORM_EPSILON):
    """μ = (1/m) Σ Z, σ² = (1/m) Σ (Z − μ)², Ẑ = (Z − μ) / sqrt(σ² + ε), Z̃ = γ ∗ Ẑ + β (sums over the m
    examples, axis 1). Returns Z̃ and the cache {"Z_hat", "sigma" = sqrt(σ² + ε), "gamma", "mu", "var"}."""
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean(np.square(Z - mu), axis=1, keepdims=True)
    sigma = np.sqrt(var + epsilon)
    Z_hat = (Z - mu) / sigma
    return gamma * Z_hat + beta, {"Z_hat": Z_hat, "sigma": sigma, "gamma": gamma, "mu": mu, "var": var}


def batchnorm_backward(dZ_tilde: np.ndarray, cache: dict) -> tuple:
    """The backward pass of batch normalization (Ioffe and Szegedy 2015, as the course teaches it; not in the
    notes), with dZ per example as the notes' dZ is (the means run over the m examples):

    dβ = (1/m) Σ dZ̃, dγ = (1/m) Σ dZ̃ ∗ Ẑ, dẐ = γ ∗ dZ̃,
    dZ = (1/σ) (dẐ − mean(dẐ) − Ẑ ∗ mean(dẐ ∗ Ẑ)) with σ = sqrt(σ² + ε).

    Why: every Z of the batch moves μ and σ², so Z reaches J three ways (through Ẑ directly,
    through μ and through σ²); the two means are what μ and σ² send back. Returns (dZ, dγ, dβ).
    """
    Z_hat, sigma, gamma = cache["Z_hat"], cache["sigma"], cache["gamma"]
    dbeta = np.mean(dZ_tilde, axis=1, keepdims=True)
    dgamma = np.mean(dZ_tilde * Z_hat, axis=1, keepdims=True)
    dZ_hat = gamma * dZ_tilde
    dZ = (dZ_hat - np.mean(dZ_hat, axis=1, keepdims=True)
          - Z_hat * np.mean(dZ_hat * Z_hat, axis=1, keepdims=True)) / sigma
    return dZ, dgamma, dbeta


def L_model_forward(X: np.ndarray, parameters: dict, activations, masks: dict | None = None,
                    keep_prob: dict | None = None, epsilon: float = BATCH_NORM_EPSILON) -> tuple:
    """Z[l] = W[l] A[l−1] + b[l], A[l] = g[l](Z[l]) for l = 1..L with A[0] = X.

    A layer with ``gamma{l}`` and ``beta{l}`` in ``parameters`` is batch-normalized: Z[l] = W[l] A[l−1],
    Z̃[l] = :func:`batchnorm_forward` (Z[l]), A[l] = g[l](Z̃[l]). A layer with a mask ``D{l}`` in
    ``masks`` drops units: A[l] = A[l] ∗ D[l] / keep_prob[l] (``keep_prob`` by layer number l).
    Returns A[L] and the caches {"A0": X, "Z1": …, "A1": …} (A[l] after dropout, with
    "A1_before_dropout", "D1"; "Ztilde1" and "bn1", the batch-norm cache).
    """
    masks, keep_prob = masks or {}, keep_prob or {}
    caches = {"A0": X}
    A = X
    for l, activation in enumerate(activations, start=1):
        if f"gamma{l}" in parameters:
            Z = np.dot(parameters[f"W{l}"], A)
            Z_pre, caches[f"bn{l}"] = batchnorm_forward(Z, parameters[f"gamma{l}"], parameters[f"beta{l}"], epsilon)
            caches[f"Ztilde{l}"] = Z_pre
        else:
            Z = Z_pre = np.dot(parameters[f"W{l}"], A) + parameters[f"b{l}"]
        A = g(activation, Z_pre)
        if f"D{l}" in masks:
            caches[f"A{l}_before_dropout"], caches[f"D{l}"] = A, masks[f"D{l}"]
            A = dropout_forward(A, masks[f"D{l}"], keep_prob[l])
        caches[f"Z{l}"], caches[f"A{l}"] = Z, A
    return A, caches


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: dict, parameters: dict, activations,
                     lambd: float = 0.0, at_zero: float = 1.0, keep_prob: dict | None = None) -> dict:
    """The notes' backward pass, from l = L down to 1 (their dZ[L] and dA[l−1] lines are garbled:
    docs/notes-errata.md).

    dZ[L] = A[L] − Y (sigmoid output, and the course's softmax with the categorical cost; otherwise
    dA[L] = −Y/A + (1 − Y)/(1 − A), dZ[L] = dA[L] * g′(Z[L])),
    dW[l] = (1/m) dZ[l] A[l−1]ᵀ + (λ/m) W[l], db[l] = (1/m) Σ dZ[l] over axis 1 (keepdims),
    dA[l−1] = W[l]ᵀ dZ[l], dZ[l−1] = dA[l−1] * g′(Z[l−1]).
    With the caches of :func:`L_model_forward`: a dropout layer takes dA[l] = dA[l] ∗ D[l] / keep_prob[l]
    (:func:`dropout_backward`) before g′; a batch-norm layer's g′ gives dZ̃[l], and
    :func:`batchnorm_backward` turns it into dZ[l], dγ[l], dβ[l].
    Returns dW1, db1 (or dgamma1, dbeta1), … and the per-example dZ1, … and dA1, …, dA[L−1]
    (and dZtilde1, … for batch-norm layers). ``at_zero``, ReLU′(0): see :func:`g_prime`.
    """
    keep_prob = keep_prob or {}
    L = len(activations)
    m = AL.shape[1]
    grads = {}

    def pre_activation(l):
        return caches[f"Ztilde{l}"] if f"bn{l}" in caches else caches[f"Z{l}"]

    if activations[L - 1] in ("sigmoid", "softmax"):
        dZ = AL - Y
    else:
        dA = -Y / AL + (1 - Y) / (1 - AL)
        grads[f"dA{L}"] = dA
        dZ = dA * g_prime(activations[L - 1], pre_activation(L), AL, at_zero)
    for l in range(L, 0, -1):
        A_prev, W = caches[f"A{l - 1}"], parameters[f"W{l}"]
        if f"bn{l}" in caches:  # what came down is dZ̃[l]
            grads[f"dZtilde{l}"] = dZ
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(dZ, caches[f"bn{l}"])
        else:
            grads[f"db{l}"] = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
        grads[f"dZ{l}"] = dZ
        grads[f"dW{l}"] = (1 / m) * np.dot(dZ, A_prev.T) + (lambd / m) * W
        if l > 1:  # dA[0] = Wᵀ dZ[1] would be a gradient for X, which nothing needs
            dA_prev = np.dot(W.T, dZ)
            grads[f"dA{l - 1}"] = dA_prev
            A_g = A_prev
            if f"D{l - 1}" in caches:
                dA_prev = dropout_backward(dA_prev, caches[f"D{l - 1}"], keep_prob[l - 1])
                A_g = caches[f"A{l - 1}_before_dropout"]
            dZ = dA_prev * g_prime(activations[l - 2], pre_activation(l - 1), A_g, at_zero)
    return grads


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l] (a new dict; the inputs are left alone)."""
    return {name: value - learning_rate * grads[f"d{name}"] for name, value in parameters.items()}


# ------------------------------------------------------------------ optimizers, as the course writes them
# Each takes the parameters and grads (dW1, db1, …) as dicts of arrays and returns new dicts.


def initialize_velocity(parameters: dict) -> dict:
    """v_dW = 0 and v_db = 0 for every parameter, named dW1, db1, …."""
    return {f"d{name}": np.zeros_like(value) for name, value in parameters.items()}


def update_parameters_with_momentum(parameters: dict, grads: dict, v: dict, beta: float,
                                    learning_rate: float) -> tuple:
    """v_dW = β v_dW + (1 − β) dW, W := W − α v_dW. Returns (parameters, v)."""
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    return {name: value - learning_rate * v[f"d{name}"] for name, value in parameters.items()}, v


def initialize_rmsprop(parameters: dict) -> dict:
    """s_dW = 0 and s_db = 0 for every parameter."""
    return initialize_velocity(parameters)


def update_parameters_with_rmsprop(parameters: dict, grads: dict, s: dict, beta2: float, learning_rate: float,
                                   epsilon: float = 1e-8) -> tuple:
    """s_dW = β₂ s_dW + (1 − β₂) dW², W := W − α dW / (sqrt(s_dW) + ε). Returns (parameters, s)."""
    s = {key: beta2 * s[key] + (1 - beta2) * np.square(grads[key]) for key in s}
    return {name: value - learning_rate * grads[f"d{name}"] / (np.sqrt(s[f"d{name}"]) + epsilon)
            for name, value in parameters.items()}, s


def initialize_adam(parameters: dict) -> tuple:
    """v and s, both 0, for every parameter."""
    return initialize_velocity(parameters), initialize_velocity(parameters)


def update_parameters_with_adam(parameters: dict, grads: dict, v: dict, s: dict, t: int, learning_rate: float,
                                beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> tuple:
    """Adam at step t = 1, 2, …: v = β₁ v + (1 − β₁) dW, v_corrected = v / (1 − β₁ᵗ),
    s = β₂ s + (1 − β₂) dW², s_corrected = s / (1 − β₂ᵗ), W := W − α v_corrected / (sqrt(s_corrected) + ε).
    Returns (parameters, v, s)."""
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2) for key in s}
    v_corrected = {key: v[key] / (1 - beta1 ** t) for key in v}
    s_corrected = {key: s[key] / (1 - beta2 ** t) for key in s}
    new = {name: value - learning_rate * v_corrected[f"d{name}"] / (np.sqrt(s_corrected[f"d{name}"]) + epsilon)
           for name, value in parameters.items()}
    return new, v, s


def learning_rate_decay(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """α = α₀ / (1 + decay_rate · epoch_num)."""
    return learning_rate0 / (1 + decay_rate * epoch_num)
