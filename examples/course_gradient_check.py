"""A learner's file for the course's gradient-checking exercise, written as the course writes it.

The net is LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID. ``backward_propagation_n`` has the
exercise's two deliberate bugs (dW2 multiplied by 2, db1 computed with 4/m) unless its factors are set to 1,
as ``backward_propagation_n_fixed`` does. ``gradient_check_n`` is the course's own check (central differences
of this file's cost over every parameter joined into one vector), ``gradient_check_n_test_case`` its data.
Check the backprop with autograd_mini from the command line:

    autograd-mini check --backward examples/course_gradient_check.py:backward_propagation_n \\
        --layers 4,5,3,1 --activations relu,relu,sigmoid
"""

import numpy as np

KEYS = ["W1", "b1", "W2", "b2", "W3", "b3"]


def relu(x):
    return np.maximum(0, x)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward_propagation_n(X, Y, parameters):
    """The cost and the cache of the forward pass."""
    m = X.shape[1]
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]

    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)

    logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost = 1.0 / m * np.sum(logprobs)
    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return cost, cache


def backward_propagation_n(X, Y, parameters, dW2_factor=2, db1_numerator=4):
    """The exercise's backward pass, with its two bugs (dW2 × 2, db1 with 4/m) unless told otherwise."""
    m = X.shape[1]
    _, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = forward_propagation_n(X, Y, parameters)

    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) * dW2_factor
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = db1_numerator / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def backward_propagation_n_fixed(X, Y, parameters):
    """The exercise's backward pass with both bugs fixed."""
    return backward_propagation_n(X, Y, parameters, dW2_factor=1, db1_numerator=1)


def gradient_check_n_test_case():
    """The course's X (4, 3), Y and parameters, drawn after np.random.seed(1)."""
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([1, 1, 0])
    W1 = np.random.randn(5, 4)
    b1 = np.random.randn(5, 1)
    W2 = np.random.randn(3, 5)
    b2 = np.random.randn(3, 1)
    W3 = np.random.randn(1, 3)
    b3 = np.random.randn(1, 1)
    return x, y, {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7):
    """The course's check: gradapprox[i] = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε) over θ = W1, b1, …, b3
    joined, then ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)."""
    theta = np.concatenate([parameters[key].reshape(-1) for key in KEYS])
    grad = np.concatenate([gradients["d" + key].reshape(-1) for key in KEYS])

    def cost(values):
        shaped, start = {}, 0
        for key in KEYS:
            size = parameters[key].size
            shaped[key] = values[start:start + size].reshape(parameters[key].shape)
            start += size
        return forward_propagation_n(X, Y, shaped)[0]

    gradapprox = np.zeros(theta.shape)
    for i in range(theta.size):
        theta_plus = np.copy(theta)
        theta_plus[i] = theta_plus[i] + epsilon
        theta_minus = np.copy(theta)
        theta_minus[i] = theta_minus[i] - epsilon
        gradapprox[i] = (cost(theta_plus) - cost(theta_minus)) / (2 * epsilon)

    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return numerator / denominator
