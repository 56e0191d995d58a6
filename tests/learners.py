"""Backprop written as a learner of the course writes it, right and with the course's deliberate bugs.

The tests hand these to ``compare(..., backward=fn)`` and to ``autograd-mini check --backward``.
"""

import numpy as np


def relu(Z):
    return np.maximum(0, Z)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagation_n(X, Y, parameters):
    """The course's LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, with its cost."""
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    cost = 1.0 / m * np.sum(-np.log(A3) * Y - np.log(1 - A3) * (1 - Y))
    return cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def _backward(X, Y, parameters, dW2_factor=1.0, db1_numerator=1.0):
    cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = forward_propagation_n(X, Y, parameters)
    m = X.shape[1]
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


def backward_propagation(X, Y, parameters):
    """The course's backward_propagation_n, right."""
    return _backward(X, Y, parameters)


def backward_propagation_with_bugs(X, Y, parameters):
    """The course's exercise: dW2 multiplied by 2 and db1 computed with 4/m."""
    return _backward(X, Y, parameters, dW2_factor=2.0, db1_numerator=4.0)


def L_backward(X, Y, parameters, lambd):
    """Any L-layer relu ... relu sigmoid net, with the L2 term, relu'(0) = 1 as the notes take it."""
    L = len(parameters) // 2
    m = X.shape[1]
    A, caches = X, []
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        caches.append((A, Z))
        A = sigmoid(Z) if l == L else relu(Z)
    grads = {}
    dZ = A - Y
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        grads[f"dZ{l}"] = dZ
        grads[f"dW{l}"] = dZ @ A_prev.T / m + lambd / m * parameters[f"W{l}"]
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            dA = parameters[f"W{l}"].T @ dZ
            grads[f"dA{l - 1}"] = dA
            dZ = dA * (caches[l - 2][1] >= 0)
    return grads


def backward_that_fails(X, Y, parameters):
    """A learner's slip: W1 where W1.T belongs, so np.dot raises."""
    dA1 = np.dot(parameters["W1"], parameters["W2"])
    return {"dA1": dA1}


def propagate(w, b, X, Y):
    """The course's logistic regression propagate: (grads, cost)."""
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    return {"dw": dw, "db": db}, cost


def propagate_without_1_over_m(w, b, X, Y):
    grads, cost = propagate(w, b, X, Y)
    return {"dw": grads["dw"], "db": grads["db"] * X.shape[1]}, cost
