"""Logistic regression and the L-layer net of the notes, on Tensors, in the notes' layout.

X is (n_x, m), Y is (n_L, m); ``layer_dims = [n_x, n[1], …, n[L]]``; W[l] is (n[l], n[l-1])
(the notes' vectorization section once writes n_h[l] × n_h[l]: docs/notes-errata.md) and b[l]
is (n[l], 1). The forward pass is Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]) with A[0] = X;
its nodes carry the notes' names (Z1, A1, …) so pictures can show them.

>>> import numpy as np
>>> net = DeepNet([2, 3, 1], seed=0)
>>> {name: p.shape for name, p in net.parameters.items()}
{'W1': (3, 2), 'b1': (3, 1), 'W2': (1, 3), 'b2': (1, 1)}
>>> net.activations, net.initialization        # each layer's scale follows its activation
(['relu', 'sigmoid'], ['he', 'xavier'])
>>> A2 = net.forward(np.ones((2, 5)))
>>> A2.label, A2.shape, sorted(net.cache)
('A2', (1, 5), ['A0', 'A1', 'A2', 'Z1', 'Z2'])
"""

from __future__ import annotations

import abc

import numpy as np

from .functional import cross_entropy, l2_cost, sigmoid_cross_entropy
from .graph import no_grad, zero_grad
from .errors import ShapeError
from .tensor import Tensor, constant_view
from .validate import (check_activations, check_initialization, check_lambd, check_layer_dims, check_memory,
                       check_X, check_XY)

__all__ = ["DeepNet", "LogisticRegression", "initialize_parameters", "INITIALIZATION_FOR", "as_data"]


#: The scale each activation's layer starts with when DeepNet is given no initialization:
#: He for the ReLUs, the course's sqrt(1/n[l-1]) for tanh and sigmoid.
INITIALIZATION_FOR = {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "sigmoid": "xavier"}


def initialize_parameters(layer_dims, initialization="small_random", seed=None) -> dict:
    """W[l] of shape (n[l], n[l-1]) and b[l] = 0 of shape (n[l], 1), as numpy arrays named W1, b1, ….

    ``initialization`` is one name for every layer or a list of L names, one per layer l = 1..L.
    The notes have no initialisation; these scales come from the course and the papers:

    - ``small_random``: randn × 0.01, the course's first example (fine for shallow nets; in a deep
      net the activations shrink by about 0.01 · sqrt(n[l-1]) per layer and vanish);
    - ``he``: randn × sqrt(2 / n[l-1]), He et al. (2015), for ReLU and leaky ReLU layers;
    - ``xavier``: randn × sqrt(1 / n[l-1]), the course's variant for tanh (LeCun's scale). It is
      **not** Glorot and Bengio's (2010) sqrt(2 / (n[l-1] + n[l])); the two agree when n[l] = n[l-1];
    - ``zeros``: everything 0 (fine for logistic regression; in a hidden layer it leaves every
      unit identical, so they never learn different features).

    ``seed`` makes it repeatable.
    """
    dims = check_layer_dims(layer_dims)
    check_memory(dims)  # before allocating: a typo such as 100000 would otherwise exhaust memory
    L = len(dims) - 1
    names = [initialization] * L if isinstance(initialization, str) else list(initialization)
    if len(names) != L:
        raise ValueError(f"initialization names one scheme per layer l = 1..L = {L}; got {len(names)}: {names}")
    names = [check_initialization(name) for name in names]
    rng = np.random.default_rng(seed)
    parameters = {}
    for l, name in enumerate(names, start=1):
        n_l, n_prev = dims[l], dims[l - 1]
        scale = {"small_random": 0.01, "he": np.sqrt(2.0 / n_prev), "xavier": np.sqrt(1.0 / n_prev),
                 "zeros": 0.0}[name]
        parameters[f"W{l}"] = rng.standard_normal((n_l, n_prev)) * scale
        parameters[f"b{l}"] = np.zeros((n_l, 1))
    return parameters


def as_data(array, name: str = "X", copy: bool = True) -> Tensor:
    """Data (X, Y or a mini-batch) as a constant Tensor that never receives a gradient.

    ``copy=False`` is for the training loops, on arrays they have checked: a float64 array is
    then wrapped as a read-only view instead of copied (X can be large, and the loops only read it).
    """
    if isinstance(array, Tensor):
        return array.detach() if array.requires_grad else array
    if not copy and isinstance(array, np.ndarray) and array.dtype == np.float64:
        view = array.view()
        view.flags.writeable = False
        return constant_view(view, name)
    return Tensor(array, requires_grad=False, label=name)


class _Model(abc.ABC):
    """What both models share: parameters as a dict of Tensors, the cost, gradients, predictions."""

    layer_dims: list
    activations: list
    parameters: dict
    cache: dict
    input_label = "X"  # the name the input takes in the graph (DeepNet: A0, as A[0] = X)

    @property
    def n_x(self) -> int:
        return self.layer_dims[0]

    @property
    def n_L(self) -> int:
        return self.layer_dims[-1]

    @abc.abstractmethod
    def weights(self) -> list:
        """The weight matrices that the L2 term penalises (not the biases)."""

    @abc.abstractmethod
    def _forward(self, X: Tensor, output_activation: bool = True) -> Tensor:
        """A[L] (or Z[L] without the output activation) for data X already checked."""

    def forward(self, X) -> Tensor:
        """A[L] = ŷ for every column of X (n_x, m); the nodes are kept in ``self.cache``."""
        return self._forward(as_data(check_X(X, self.n_x), self.input_label))

    __call__ = forward

    def cost(self, X, Y, lambd: float = 0.0) -> Tensor:
        """J = −(1/m) Σ [Y log A + (1 − Y) log(1 − A)] + λ/(2m) Σ_l ‖W[l]‖²_F, as a graph node."""
        X, Y = check_XY(X, Y, self.n_x, self.n_L)
        return self._cost(as_data(X, self.input_label), as_data(Y, "Y"), check_lambd(lambd))

    def _cost(self, X: Tensor, Y: Tensor, lambd: float) -> Tensor:
        """:meth:`cost` without the input checks, for the training loop (checked once up front)."""
        if self.activations[-1] == "sigmoid":
            J = sigmoid_cross_entropy(self._forward(X, output_activation=False), Y)  # A[L] = σ(Z[L]) inside
        else:
            A = self._forward(X)
            if ((A.data <= 0) | (A.data >= 1)).any():
                raise ValueError(
                    f"the cross-entropy cost needs A[L] strictly between 0 and 1, but the output activation "
                    f"{self.activations[-1]} gave values outside; use sigmoid for the output layer")
            J = cross_entropy(A, Y)
        if lambd:
            J.label = "CE"  # the notes' cross-entropy cost; J adds the L2 regularization cost to it
            L2 = l2_cost(self.weights(), X.shape[1], lambd)
            L2.label = "L2"
            J = J + L2
        J.label = "J"
        return J

    def predict_proba(self, X) -> np.ndarray:
        """A[L] as a numpy array, nothing recorded."""
        with no_grad():
            return self.forward(X).data

    def zero_grad(self) -> None:
        zero_grad(self.parameters.values())

    def grads(self) -> dict:
        """The gradients after ``backward()``, named as the notes name them: dW1, db1, …."""
        return {f"d{name}": p.grad for name, p in self.parameters.items()}

    def get_parameters(self) -> dict:
        """A copy of the parameters as numpy arrays, by name."""
        return {name: p.data.copy() for name, p in self.parameters.items()}

    def set_parameters(self, values: dict) -> None:
        """Replace the parameters' values (same names and shapes); gradients are reset."""
        names = set(values)
        if names != set(self.parameters):
            raise ValueError(f"expected parameters {sorted(self.parameters)}; got {sorted(names)}")
        for name, p in self.parameters.items():
            value = np.asarray(values[name], dtype=np.float64)
            if value.shape != p.shape:
                raise ShapeError(f"{name} has shape {value.shape}; this model needs {p.shape}")
            p.data = value.copy()
            p.zero_grad()


class DeepNet(_Model):
    """The L-layer net: ``DeepNet(layer_dims, activations=None, initialization=None, seed=None)``.

    ``activations`` gives g[l] for l = 1..L, each one of sigmoid, tanh, relu, leaky_relu;
    by default relu for the hidden layers and sigmoid for the output layer. The graph's
    nodes carry the notes' names: A0 (= X), W1, b1, W1A0 (the product before + b1), Z1, A1, ….

    ``initialization`` (see :func:`initialize_parameters`): one name for every layer, a list of
    one per layer, or None (the default) to let each layer's scale follow its activation g[l]:
    He, randn × sqrt(2 / n[l-1]), for relu and leaky_relu; the course's randn × sqrt(1 / n[l-1])
    for tanh and sigmoid. ``"small_random"`` (randn × 0.01) stays available; in a deep ReLU net it
    makes the activations vanish layer by layer (examples/09_initialization.py shows it).
    ``self.initialization`` is the list of per-layer names used.
    """

    input_label = "A0"

    def __init__(self, layer_dims, activations=None, initialization=None, seed=None):
        self.layer_dims = check_layer_dims(layer_dims)
        L = len(self.layer_dims) - 1
        if activations is None:
            activations = ["relu"] * (L - 1) + ["sigmoid"]
        self.activations = check_activations(activations, L)
        if initialization is None:
            initialization = [INITIALIZATION_FOR[g] for g in self.activations]
        elif isinstance(initialization, str):
            initialization = [initialization] * L
        values = initialize_parameters(self.layer_dims, initialization, seed)
        self.initialization = list(initialization)
        self.parameters = {name: Tensor(value, label=name) for name, value in values.items()}
        self.cache = {}

    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1

    def weights(self) -> list:
        return [self.parameters[f"W{l}"] for l in range(1, self.L + 1)]

    def _forward(self, X: Tensor, output_activation: bool = True) -> Tensor:
        # Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]); without output_activation it stops at Z[L]
        # (the fused cost takes Z[L])
        cache = {"A0": X}
        A = X
        for l, g in enumerate(self.activations, start=1):
            WA = self.parameters[f"W{l}"] @ A
            WA.label = f"W{l}A{l - 1}"
            Z = WA + self.parameters[f"b{l}"]
            Z.label = f"Z{l}"
            cache[f"Z{l}"] = Z
            if l == self.L and not output_activation:
                A = Z
                break
            A = getattr(Z, g)()
            A.label = f"A{l}"
            cache[f"A{l}"] = A
        self.cache = cache
        return A

    def __repr__(self) -> str:
        return f"DeepNet(layer_dims={self.layer_dims}, activations={self.activations})"


class LogisticRegression(_Model):
    """``LogisticRegression(n_x, initialization="zeros", seed=None)``: Z = wᵀX + b, A = σ(Z).

    ``w`` is (n_x, 1) and ``b`` is (1, 1), as in the notes.
    """

    def __init__(self, n_x: int, initialization: str = "zeros", seed=None):
        self.layer_dims = check_layer_dims([n_x, 1])
        self.activations = ["sigmoid"]
        self.initialization = check_initialization(initialization)
        values = initialize_parameters(self.layer_dims, self.initialization, seed)
        self.parameters = {"w": Tensor(values["W1"].T, label="w"), "b": Tensor(values["b1"], label="b")}
        self.cache = {}

    def weights(self) -> list:
        return [self.parameters["w"]]

    def _forward(self, X: Tensor, output_activation: bool = True) -> Tensor:
        # Z = wᵀX + b, A = σ(Z)
        wT = self.parameters["w"].T
        wT.label = "wᵀ"
        wTX = wT @ X
        wTX.label = "wᵀX"
        Z = wTX + self.parameters["b"]
        Z.label = "Z"
        self.cache = {"X": X, "Z": Z}
        if not output_activation:
            return Z
        A = Z.sigmoid()
        A.label = "A"
        self.cache["A"] = A
        return A

    def __repr__(self) -> str:
        return f"LogisticRegression(n_x={self.n_x})"
