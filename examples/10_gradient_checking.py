"""Gradient checking: your own backward_propagation, judged against autodiff and central differences.

The course's exercise: a LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID net whose backward
pass has two deliberate bugs (dW2 multiplied by 2, db1 computed with 4/m). `compare(..., backward=fn)`
names the two wrong gradients, the first one going back from the output, the mistake it recognises,
and prints the course's single number; the fixed function passes. Both reports are written as JSON.
The same from the command line:
    autograd-mini check --backward my_backprop.py:backward_propagation --layers 4,5,3,1 --activations relu,relu,sigmoid
"""

import numpy as np
from _common import heading, out_dir

from autograd_mini import DeepNet, compare
from autograd_mini.atomic import atomic_write


def relu(Z):
    return np.maximum(0, Z)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def backward_propagation(X, Y, parameters, dW2_factor=2.0, db1_numerator=4.0):
    """The learner's forward and backward pass, as the course writes them (with its two bugs by default)."""
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)

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


def fixed_backward_propagation(X, Y, parameters):
    return backward_propagation(X, Y, parameters, dW2_factor=1.0, db1_numerator=1.0)


out = out_dir(__doc__)
rng = np.random.default_rng(1)
X = rng.standard_normal((4, 3))
Y = np.array([[1.0, 1.0, 0.0]])
net = DeepNet([4, 5, 3, 1], ["relu", "relu", "sigmoid"], "he", seed=1)

heading("the course's backward_propagation with its two bugs")
buggy = compare(net, X, Y, backward=backward_propagation)
print(buggy)
heading("fixed")
fixed = compare(net, X, Y, backward=fixed_backward_propagation)
print(fixed)

atomic_write(out / "gradient_check_buggy.json", buggy.to_json(indent=2))
atomic_write(out / "gradient_check_fixed.json", fixed.to_json(indent=2))
print(f"\nwrote gradient_check_buggy.json and gradient_check_fixed.json into {out}/")
