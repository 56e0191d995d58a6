"""Backprop written as a learner of the course writes it: right, and with each classic mistake.

The tests hand these to ``compare(..., backward=fn)`` and to ``autograd-mini check --backward``. The
course's gradient-checking exercise itself is examples/course_gradient_check.py.

``L_model_backward`` is an L-layer backprop in the notes' and the course's style (a forward loop that keeps
caches, then the backward loop); its keyword arguments choose a network (``activations``), a convention
(ReLU′(0), dA under dropout, dZ as ∂J/∂Z) and a ``slip``, one classic mistake (see SLIPS). The named
functions below it are what a learner hands in, one file a learner could have written each.
"""

import numpy as np

#: The classic mistakes L_model_backward can make, each on one line of its loop.
SLIPS = ("no_1_over_m", "db_1_over_m_twice", "dW_times_2", "db_sign", "dW_transposed", "dW_transposed_square",
         "W_not_transposed", "db_axis_0", "db_no_keepdims", "db_no_axis", "no_l2", "l2_half", "l2_lambda",
         "l2_squared", "l2_on_b", "sigmoid_prime_from_Z", "tanh_prime_from_Z", "leaky_slope_1",
         "dropout_no_mask", "dropout_no_keep_prob", "dZ_output_times_2", "dA_output_sigmoid_formula")


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


def softmax(Z):
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T, axis=0, keepdims=True)


def activation_forward(Z, activation):
    if activation == "sigmoid":
        return sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "relu":
        return relu(Z)
    if activation == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    return softmax(Z)


def activation_backward(dA, Z, A, activation, relu_at_zero, slip):
    """dZ = dA * g'(Z)."""
    if activation == "sigmoid":
        s = sigmoid(Z) if slip != "sigmoid_prime_from_Z" else Z
        return dA * s * (1 - s)
    if activation == "tanh":
        t = A if slip != "tanh_prime_from_Z" else Z
        return dA * (1 - np.power(t, 2))
    left = 0.0 if activation == "relu" else 0.01
    if slip == "leaky_slope_1":
        left = 1.0
    slope = np.where(Z > 0, 1.0, np.where(Z == 0, left + relu_at_zero * (1 - left), left))
    return dA * slope


def L_model_backward(X, Y, parameters, masks=None, lambd=0.0, keep_prob=1.0, activations=None, relu_at_zero=1.0,
                     course_dA=True, per_example=True, keys="notes", slip=None):
    """Forward with caches, the cost, then the notes' backward pass: grads dZ[l], dW[l], db[l], dA[l-1]."""
    L = len([k for k in parameters if k.startswith("W")])
    activations = activations or ["relu"] * (L - 1) + ["sigmoid"]
    m = X.shape[1]

    caches = []
    A = X
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        A_prev = A
        Z = np.dot(W, A_prev) + b
        A = activation_forward(Z, activations[l - 1])
        if masks and l < L:
            A = A * masks["D" + str(l)] / keep_prob
        caches.append((A_prev, Z, A))
    AL = A
    if activations[-1] == "softmax":
        cost = -np.sum(Y * np.log(AL)) / m
    else:
        cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    cost += lambd / (2 * m) * sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, L + 1))

    grads = {}
    if activations[-1] == "softmax" and slip != "dA_output_sigmoid_formula":
        dAL = -Y / AL
    else:
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dZ = AL - Y
    if slip == "dZ_output_times_2":
        dZ = 2 * (AL - Y)
    scale = 1 if per_example else m
    grads["dA" + str(L)] = dAL / scale
    for l in range(L, 0, -1):
        A_prev, Z, A = caches[l - 1]
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        grads["dZ" + str(l)] = dZ / scale
        dW = 1 / m * np.dot(dZ, A_prev.T)
        if slip == "no_1_over_m":
            dW = np.dot(dZ, A_prev.T)
        if slip == "dW_times_2":
            dW = 2 / m * np.dot(dZ, A_prev.T)
        if slip == "dW_transposed" or slip == "dW_transposed_square" and W.shape[0] == W.shape[1]:
            dW = 1 / m * np.dot(A_prev, dZ.T)
        if lambd and slip not in ("no_l2", "l2_half", "l2_lambda", "l2_squared"):
            dW = dW + lambd / m * W
        if slip == "l2_half":
            dW = dW + lambd / (2 * m) * W
        if slip == "l2_lambda":
            dW = dW + lambd * W
        if slip == "l2_squared":
            dW = dW + lambd / m * np.square(W)
        db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        if slip == "db_1_over_m_twice":
            db = 1 / m * np.sum(dZ, axis=1, keepdims=True) / m
        if slip == "db_sign":
            db = -1 / m * np.sum(dZ, axis=1, keepdims=True)
        if slip == "db_axis_0":
            db = 1 / m * np.sum(dZ, axis=0, keepdims=True)
        if slip == "db_no_keepdims":
            db = 1 / m * np.sum(dZ, axis=1)
        if slip == "db_no_axis":
            db = 1 / m * np.sum(dZ)
        if slip == "l2_on_b":
            db = db + lambd / m * b
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db
        if l == 1:
            break
        dA_prev = np.dot(W.T, dZ)
        if slip == "W_not_transposed" and W.shape[0] == W.shape[1]:
            dA_prev = np.dot(W, dZ)
        grads["dA" + str(l - 1)] = dA_prev / scale
        if masks:
            D = masks["D" + str(l - 1)] if slip != "dropout_no_mask" else 1
            dA_prev = dA_prev * D / (keep_prob if slip != "dropout_no_keep_prob" else 1)
            if course_dA:
                grads["dA" + str(l - 1)] = dA_prev / scale
        _, Z_prev, _ = caches[l - 2]
        dZ = activation_backward(dA_prev, Z_prev, activation_forward(Z_prev, activations[l - 2]), activations[l - 2],
                                 relu_at_zero, slip)
    if keys == "2017":  # the 2017 notebook stores dA[l] under "dA" + str(l + 1)
        grads = {("dA" + str(int(k[2:]) + 1) if k.startswith("dA") else k): v for k, v in grads.items()}
    return grads, cost


# ---------------------------------------------------------------- what learners hand in, by name


def backward_propagation(X, Y, parameters):
    """relu … relu sigmoid, the notes' ReLU′(0) = 1."""
    return L_model_backward(X, Y, parameters)


def backward_relu_prime_course(X, Y, parameters):
    """The course's ReLU′: np.int64(A > 0), so 0 at z = 0."""
    return L_model_backward(X, Y, parameters, relu_at_zero=0.0)


def backward_relu_prime_half(X, Y, parameters):
    """ReLU′(0) = ½, the mean of the two slopes."""
    return L_model_backward(X, Y, parameters, relu_at_zero=0.5)


def backward_with_lambd(X, Y, parameters, lambd):
    return L_model_backward(X, Y, parameters, lambd=lambd)


def backward_with_lam(X, Y, parameters, lam):
    """λ under another name: the checker cannot know it is λ."""
    return L_model_backward(X, Y, parameters, lambd=lam)


def backward_l2_on_b(X, Y, parameters, lambd):
    """The L2 term added to db as well as to dW."""
    return L_model_backward(X, Y, parameters, lambd=lambd, slip="l2_on_b")


def backward_without_1_over_m(X, Y, parameters):
    return L_model_backward(X, Y, parameters, slip="no_1_over_m")


def backward_W_not_transposed(X, Y, parameters):
    """dA_prev = W dZ, which numpy allows where W is square."""
    return L_model_backward(X, Y, parameters, slip="W_not_transposed")


def backward_db_axis_0(X, Y, parameters):
    return L_model_backward(X, Y, parameters, slip="db_axis_0")


def backward_db_no_axis(X, Y, parameters):
    return L_model_backward(X, Y, parameters, slip="db_no_axis")


def backward_dJdZ(X, Y, parameters):
    """dZ and dA as ∂J/∂Z, ∂J/∂A (the 1/m in them), every dW and db right."""
    return L_model_backward(X, Y, parameters, per_example=False)


def backward_2017_keys(X, Y, parameters):
    """grads['dA' + str(l)] holds dA[l-1], as the 2017 notebook names them."""
    return L_model_backward(X, Y, parameters, keys="2017")


def backward_with_dropout(X, Y, parameters, masks, keep_prob):
    """dA[l] returned after the mask and the 1/keep_prob, as the course's backward_propagation_with_dropout."""
    return L_model_backward(X, Y, parameters, masks, keep_prob=keep_prob)


def backward_with_dropout_before_mask(X, Y, parameters, masks, keep_prob):
    """dA[l] returned as W[l+1]ᵀ dZ[l+1], before the mask."""
    return L_model_backward(X, Y, parameters, masks, keep_prob=keep_prob, course_dA=False)


def backward_dropout_without_keep_prob(X, Y, parameters, masks, keep_prob):
    """The mask applied in the backward pass, but not the 1/keep_prob."""
    return L_model_backward(X, Y, parameters, masks, keep_prob=keep_prob, slip="dropout_no_keep_prob")


def backward_dropout_without_masks(X, Y, parameters):
    """A dropout net's backprop that takes no masks (so it cannot apply the check's)."""
    return L_model_backward(X, Y, parameters)


def backward_tanh(X, Y, parameters):
    return L_model_backward(X, Y, parameters, activations=["tanh"] * (len(parameters) // 2 - 1) + ["sigmoid"])


def backward_tanh_prime_from_Z(X, Y, parameters):
    return L_model_backward(X, Y, parameters, activations=["tanh"] * (len(parameters) // 2 - 1) + ["sigmoid"],
                            slip="tanh_prime_from_Z")


def backward_leaky_relu(X, Y, parameters):
    return L_model_backward(X, Y, parameters, activations=["leaky_relu"] * (len(parameters) // 2 - 1) + ["sigmoid"])


def backward_softmax(X, Y, parameters):
    """relu hidden layers, a softmax output with the categorical cross-entropy: dA[L] = −Y/A, dZ[L] = A − Y."""
    return L_model_backward(X, Y, parameters, activations=["relu"] * (len(parameters) // 2 - 1) + ["softmax"])


def backward_softmax_sigmoid_dA(X, Y, parameters):
    """The same, with dA[L] taken from the sigmoid cost."""
    return L_model_backward(X, Y, parameters, activations=["relu"] * (len(parameters) // 2 - 1) + ["softmax"],
                            slip="dA_output_sigmoid_formula")


# ---------------------------------------------------------------- the course's own functions, as learners write them


def backward_propagation_with_dropout(X, Y, parameters, masks, keep_prob):
    """The course's 3-layer net with dropout on its two hidden layers, its forward and backward pass."""
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    D1, D2 = masks["D1"], masks["D2"]

    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    A1 = A1 * D1
    A1 = A1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    A2 = A2 * D2
    A2 = A2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)

    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dA2 = dA2 * D2
    dA2 = dA2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = dA1 * D1
    dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
    else:
        s = sigmoid(Z)
        dZ = dA * s * (1 - s)
    return linear_backward(dZ, linear_cache)


def L_model_backward_2017(X, Y, parameters):
    """The 2017 notebook's L_model_backward: grads["dA" + str(l)] holds dA_prev, that is dA[l-1]."""
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L + 1):
        W, b = parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A) + b
        caches.append(((A, W, b), Z))
        A = sigmoid(Z) if l == L else relu(Z)
    AL = A
    grads = {}
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 2)], caches[l], "relu")
        grads["dA" + str(l + 1)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads


def backward_that_fails(X, Y, parameters):
    """A learner's slip: W1 where W1.T belongs, so np.dot raises."""
    dA1 = np.dot(parameters["W1"], parameters["W2"])
    return {"dA1": dA1}


def backward_returning_none(X, Y, parameters):
    grads = L_model_backward(X, Y, parameters)[0]
    grads["dW1"] = grads["dW1"]


def backward_returning_caches(X, Y, parameters):
    grads, _ = L_model_backward(X, Y, parameters)
    return grads, [(X, parameters["W1"])]


def backward_with_none_gradient(X, Y, parameters):
    grads, _ = L_model_backward(X, Y, parameters)
    grads["dW2"] = None
    return grads


class Gradients:
    def __init__(self, grads):
        self.grads = grads


def backward_returning_object(X, Y, parameters):
    return Gradients(L_model_backward(X, Y, parameters)[0])


def backward_with_wrong_cost(X, Y, parameters):
    grads, cost = L_model_backward(X, Y, parameters)
    return grads, 2 * cost


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


def propagate_dw_transposed(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    dw = 1 / m * np.dot(A - Y, X.T)
    db = 1 / m * np.sum(A - Y)
    return {"dw": dw, "db": db}, -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
