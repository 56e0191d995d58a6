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

Beyond the notes, the rest of a learner's toolbox: a softmax output layer for n[L] > 1 classes
(``activations=[..., "softmax"]``, Y one-hot), inverted dropout (``keep_prob``) and batch
normalization (``batch_norm``); see :class:`DeepNet`.
"""

from __future__ import annotations

import abc
import contextlib

import numpy as np

from .functional import checked_softmax_cross_entropy, cross_entropy, l2_cost, sigmoid_cross_entropy, softmax
from .graph import no_grad, zero_grad
from .errors import ShapeError
from .tensor import Tensor, constant_view, linear, transposed_matmul
from .validate import (check_activations, check_initialization, check_keep_prob, check_lambd,
                       check_layer_dims, check_memory, check_one_hot, check_X, check_XY)

__all__ = ["DeepNet", "LogisticRegression", "initialize_parameters", "INITIALIZATION_FOR", "as_data",
           "one_hot", "from_one_hot", "BATCH_NORM_EPSILON", "BATCH_NORM_MOMENTUM"]


#: The scale each activation's layer starts with when DeepNet is given no initialization:
#: He for the ReLUs, the course's sqrt(1/n[l-1]) for tanh, sigmoid and softmax.
INITIALIZATION_FOR = {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "sigmoid": "xavier", "softmax": "xavier"}

#: ε in Ẑ = (Z − μ) / sqrt(σ² + ε): keeps a unit whose Z is constant over the batch finite.
BATCH_NORM_EPSILON = 1e-5
#: β of the running averages of μ and σ² that batch normalization uses at prediction time.
BATCH_NORM_MOMENTUM = 0.9


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Class indices 0..K−1 (shape (m,) or (1, m)) as one-hot Y of shape (K, m): Y[k, i] = 1 where label i is k.

    >>> one_hot([2, 0, 1], 3)
    array([[0., 1., 0.],
           [0., 0., 1.],
           [1., 0., 0.]])
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[0] == 1:
        labels = labels[0]
    if labels.ndim != 1:
        raise ShapeError(f"labels have shape {labels.shape}; expected (m,) or (1, m) class indices")
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be a whole number ≥ 2; got {n_classes!r}")
    whole = labels.dtype.kind in "iu" or (labels.dtype.kind == "f" and bool(np.all(labels == np.round(labels))))
    if not whole or labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be whole numbers in 0..{n_classes - 1} (n_classes = {n_classes}); "
                         f"got values from {labels.min()!r} to {labels.max()!r}")
    Y = np.zeros((n_classes, labels.size))
    Y[labels.astype(np.intp), np.arange(labels.size)] = 1.0
    return Y


def from_one_hot(Y) -> np.ndarray:
    """The class index of each column of Y (K, m) (its largest entry), as an int array of shape (1, m).

    >>> from_one_hot(one_hot([2, 0, 1], 3))
    array([[2, 0, 1]])
    """
    Y = np.asarray(Y)
    if Y.ndim != 2:
        raise ShapeError(f"Y has shape {Y.shape}; expected (K, m) with one column per example")
    return np.argmax(Y, axis=0).reshape(1, -1)


def initialize_parameters(layer_dims, initialization="small_random", seed=None, batch_norm=()) -> dict:
    """W[l] of shape (n[l], n[l-1]) and b[l] = 0 of shape (n[l], 1), as numpy arrays named W1, b1, ….

    A layer l in ``batch_norm`` gets γ[l] = 1 and β[l] = 0 (``gamma1``, ``beta1``) instead of b[l]:
    β[l] takes b[l]'s place, since the mean subtracted by batch normalization cancels any b[l].

    ``initialization`` is one name for every layer or a list of L names, one per layer l = 1..L.
    The notes have no initialisation; these scales come from the course and the papers:

    - ``small_random``: randn × 0.01, the course's first example (fine for shallow nets; in a deep
      net the activations shrink layer by layer and vanish: their root mean square by a factor of about
      0.01 · sqrt(n[l-1] / 2) per ReLU layer, as ReLU zeroes half of Z, and 0.01 · sqrt(n[l-1]) per tanh
      layer, tanh being linear near 0; 1/32 for n[l-1] = 20 ReLUs);
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
        if l in batch_norm:
            parameters[f"gamma{l}"] = np.ones((n_l, 1))
            parameters[f"beta{l}"] = np.zeros((n_l, 1))
        else:
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
    training = True  # dropout and batch statistics on; predictions switch it off (see evaluating())
    normalize_by_batch = False  # batch norm with the data's own μ, σ² while not training (see evaluating())

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

    def check_data(self, X, Y) -> tuple:
        """X (n_x, m) and Y (n_L, m) checked for this model: Y of 0s and 1s, one-hot for a softmax output."""
        X, Y = check_XY(X, Y, self.n_x, self.n_L)
        if self.activations[-1] == "softmax":
            check_one_hot(Y)
        return X, Y

    def cost(self, X, Y, lambd: float = 0.0) -> Tensor:
        """J = −(1/m) Σ [Y log A + (1 − Y) log(1 − A)] + λ/(2m) Σ_l ‖W[l]‖²_F, as a graph node
        (for a softmax output the categorical J = −(1/m) Σ Σ Y log A + the same L2 term)."""
        X, Y = self.check_data(X, Y)
        return self._cost(as_data(X, self.input_label), as_data(Y, "Y"), check_lambd(lambd))

    def _cost(self, X: Tensor, Y: Tensor, lambd: float) -> Tensor:
        """:meth:`cost` without the input checks, for the training loop (checked once up front)."""
        if self.activations[-1] == "sigmoid":
            J = sigmoid_cross_entropy(self._forward(X, output_activation=False), Y)  # A[L] = σ(Z[L]) inside
        elif self.activations[-1] == "softmax":
            J = checked_softmax_cross_entropy(self._forward(X, output_activation=False), Y)  # A[L] = softmax(Z[L])
        else:
            A = self._forward(X)
            if ((A.data <= 0) | (A.data >= 1)).any():
                raise ValueError(
                    f"the cross-entropy cost needs A[L] strictly between 0 and 1, but the output activation "
                    f"{self.activations[-1]} gave values outside; use sigmoid for the output layer")
            J = cross_entropy(A, Y)
        if lambd:
            J.label = "CE"  # the notes' cross-entropy cost; J adds the L2 regularization cost R to it
            L2 = l2_cost(self.weights(), X.shape[1], lambd)
            L2.label = "R"  # the notes' L2 regularization cost
            J = J + L2
        J.label = "J"
        return J

    @contextlib.contextmanager
    def evaluating(self, batch_statistics: bool = False):
        """Prediction mode inside: no dropout, batch normalization with its running averages.

        ``batch_statistics=True``: batch normalization with the μ and σ² of the data passed through
        instead, as training computes them (before the first step the running averages have learned
        nothing, so J taken with them is a cost the net never has while it trains).
        """
        previous = self.training, self.normalize_by_batch
        self.training, self.normalize_by_batch = False, batch_statistics
        try:
            yield self
        finally:
            self.training, self.normalize_by_batch = previous

    @property
    def has_training_mode(self) -> bool:
        """Whether training and predictions compute different things (dropout, batch norm)."""
        return bool(getattr(self, "keep_prob", None) or getattr(self, "batch_norm", ()))

    def update_running_averages(self) -> None:
        """After a training step: fold the step's batch statistics into the running averages (batch norm)."""

    def predict_proba(self, X) -> np.ndarray:
        """A[L] as a numpy array, in prediction mode (:meth:`evaluating`), nothing recorded."""
        with no_grad(), self.evaluating():
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
    """The L-layer net: ``DeepNet(layer_dims, activations=None, initialization=None, seed=None,
    keep_prob=1.0, batch_norm=False)``.

    ``activations`` gives g[l] for l = 1..L, each one of sigmoid, tanh, relu, leaky_relu, and
    softmax for the output layer (n[L] ≥ 2 classes, Y one-hot); by default relu for the hidden
    layers and sigmoid for the output layer. The graph's nodes carry the notes' names:
    A0 (= X), W1, b1, Z1 = W1 A0 + b1 (one node: :func:`~autograd_mini.tensor.linear`), A1, ….

    ``initialization`` (see :func:`initialize_parameters`): one name for every layer, a list of
    one per layer, or None (the default) to let each layer's scale follow its activation g[l]:
    He, randn × sqrt(2 / n[l-1]), for relu and leaky_relu; the course's randn × sqrt(1 / n[l-1])
    for tanh, sigmoid and softmax. ``"small_random"`` (randn × 0.01) stays available; in a deep ReLU
    net it makes the activations vanish layer by layer (examples/09_initialization.py shows it).
    ``self.initialization`` is the list of per-layer names used.

    ``keep_prob``: inverted dropout on the hidden layers, one number for all of them or a list of
    one per hidden layer l = 1..L−1, each in (0, 1]. While training, A[l] = g(Z[l]) ∗ D[l] / keep_prob
    with D[l] = (rand < keep_prob) drawn from a generator seeded by ``seed``; the graph shows
    ``relu(Z1)`` (before), ``D1/keep_prob`` (the mask) and ``A1`` (after). :meth:`fixed_masks`
    holds given masks instead; predictions use no dropout.

    ``batch_norm``: True normalizes every hidden layer, or a list of one bool per layer l = 1..L.
    Such a layer computes Z[l] = W[l] A[l−1] (no b[l]), μ = mean of Z[l] over the m examples of
    the (mini-)batch, σ² = mean of (Z[l] − μ)², Ẑ[l] = (Z[l] − μ) / sqrt(σ² + ε) and
    Z̃[l] = γ[l] ∗ Ẑ[l] + β[l], then A[l] = g(Z̃[l]); γ[l], β[l] (``gamma1``, ``beta1``) are learned.
    Each training step's μ, σ² enter running averages (β = :data:`BATCH_NORM_MOMENTUM`), which
    predictions use in place of the batch's. Nodes: Z1, μ1, σ²1, Ẑ1, Z̃1, A1.
    """

    input_label = "A0"

    def __init__(self, layer_dims, activations=None, initialization=None, seed=None, keep_prob=1.0,
                 batch_norm=False):
        self.layer_dims = check_layer_dims(layer_dims)
        L = len(self.layer_dims) - 1
        if activations is None:
            activations = ["relu"] * (L - 1) + ["sigmoid"]
        self.activations = check_activations(activations, L)
        if self.activations[-1] == "softmax" and self.layer_dims[-1] < 2:
            raise ValueError(f"a softmax output layer needs n[L] ≥ 2 units (one per class); layer_dims = "
                             f"{self.layer_dims} has n[L] = {self.layer_dims[-1]}: use sigmoid for two classes "
                             "with one unit")
        self.keep_prob = self._keep_probs(keep_prob, L)
        self.batch_norm = self._batch_norm_layers(batch_norm, L)
        if initialization is None:
            initialization = [INITIALIZATION_FOR[g] for g in self.activations]
        elif isinstance(initialization, str):
            initialization = [initialization] * L
        values = initialize_parameters(self.layer_dims, initialization, seed, self.batch_norm)
        self.initialization = list(initialization)
        self.parameters = {name: Tensor(value, label=name) for name, value in values.items()}
        self.running_mean = {l: np.zeros((self.layer_dims[l], 1)) for l in self.batch_norm}
        self.running_var = {l: np.ones((self.layer_dims[l], 1)) for l in self.batch_norm}
        self.batch_statistics = {}
        # the masks' generator is seeded apart from the weights', so dropout leaves the initialisation alone
        self.dropout_rng = np.random.default_rng(None if seed is None else [seed, 1])
        self.masks = None
        self.cache = {}

    @staticmethod
    def _keep_probs(keep_prob, L: int) -> dict:
        """{l: keep_prob} for the hidden layers that drop units (keep_prob < 1)."""
        values = [keep_prob] * (L - 1) if not isinstance(keep_prob, (list, tuple)) else list(keep_prob)
        if len(values) != L - 1:
            raise ValueError(f"keep_prob takes one number, or one per hidden layer l = 1..L−1 = {L - 1}; "
                             f"got {len(values)}: {values}")
        checked = [check_keep_prob(k, f"keep_prob[{l}]" if isinstance(keep_prob, (list, tuple)) else "keep_prob")
                   for l, k in enumerate(values, start=1)]
        return {l: k for l, k in enumerate(checked, start=1) if k < 1}

    @staticmethod
    def _batch_norm_layers(batch_norm, L: int) -> tuple:
        """The layers l (1..L) that batch normalization applies to."""
        if isinstance(batch_norm, (bool, np.bool_)):
            return tuple(range(1, L)) if batch_norm else ()
        flags = list(batch_norm)
        if len(flags) != L or not all(isinstance(f, (bool, np.bool_)) for f in flags):
            raise ValueError(f"batch_norm is True/False or one bool per layer l = 1..L = {L}; got {batch_norm!r}")
        return tuple(l for l, on in enumerate(flags, start=1) if on)

    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1

    def weights(self) -> list:
        return [self.parameters[f"W{l}"] for l in range(1, self.L + 1)]

    def check_data(self, X, Y) -> tuple:
        X, Y = super().check_data(X, Y)
        if self.batch_norm and X.shape[1] < 2:
            raise ValueError(self._one_example_message(X.shape[1]))
        return X, Y

    @staticmethod
    def _one_example_message(m: int) -> str:
        return (f"batch normalization needs a (mini-)batch of at least 2 examples to take μ and σ² over; got "
                f"m = {m}: a single example would make Ẑ = 0 (use a larger batch_size)")

    def draw_masks(self, m: int) -> dict:
        """New dropout masks D[l] = (rand(n[l], m) < keep_prob[l]) as 0/1 arrays, named D1, D2, …."""
        return {f"D{l}": self._draw_mask(l, m) for l in self.keep_prob}

    def _draw_mask(self, l: int, m: int) -> np.ndarray:
        return (self.dropout_rng.random((self.layer_dims[l], m)) < self.keep_prob[l]).astype(np.float64)

    @contextlib.contextmanager
    def fixed_masks(self, masks: dict):
        """Inside, every training forward pass uses these masks (from :meth:`draw_masks`) instead of new ones."""
        expected = {f"D{l}" for l in self.keep_prob}
        if set(masks) != expected:
            raise ValueError(f"masks must be {sorted(expected)} (one per layer with keep_prob < 1); got {sorted(masks)}")
        previous, self.masks = self.masks, dict(masks)
        try:
            yield self
        finally:
            self.masks = previous

    def update_running_averages(self) -> None:
        # running = β running + (1 − β) batch, the exponentially weighted average of each step's μ, σ²
        beta = BATCH_NORM_MOMENTUM
        for l, (mu, var) in self.batch_statistics.items():
            self.running_mean[l] = beta * self.running_mean[l] + (1 - beta) * mu
            self.running_var[l] = beta * self.running_var[l] + (1 - beta) * var
        self.batch_statistics = {}

    def _normalize(self, l: int, Z: Tensor) -> Tensor:
        """Z̃[l] = γ[l] ∗ (Z[l] − μ) / sqrt(σ² + ε) + β[l], over the batch while training, else the running averages."""
        if self.training or self.normalize_by_batch:
            if Z.shape[1] < 2:
                raise ValueError(self._one_example_message(Z.shape[1]))
            mu = Z.mean(axis=1, keepdims=True)
            mu.label = f"μ{l}"
            centred = Z - mu
            var = (centred * centred).mean(axis=1, keepdims=True)
            var.label = f"σ²{l}"
            if self.training:
                self.batch_statistics[l] = (mu.data, var.data)
            Z_hat = centred / (var + BATCH_NORM_EPSILON) ** 0.5
        else:
            mu = Tensor(self.running_mean[l], requires_grad=False, label=f"running μ{l}")
            sigma = Tensor(np.sqrt(self.running_var[l] + BATCH_NORM_EPSILON), requires_grad=False,
                           label=f"running σ{l}")
            Z_hat = (Z - mu) / sigma
        Z_hat.label = f"Ẑ{l}"
        Z_tilde = self.parameters[f"gamma{l}"] * Z_hat + self.parameters[f"beta{l}"]
        Z_tilde.label = f"Z̃{l}"
        return Z_tilde

    def _dropout(self, l: int, A: Tensor) -> Tensor:
        """A[l] ∗ D[l] / keep_prob (inverted dropout: the expected A[l] is unchanged)."""
        if self.masks is not None:
            D = self.masks[f"D{l}"]
            if D.shape != A.shape:
                raise ShapeError(f"mask D{l} has shape {D.shape}; A{l} is {A.shape}")
        else:
            D = self._draw_mask(l, A.shape[1])
        return A * Tensor(D / self.keep_prob[l], requires_grad=False, label=f"D{l}/keep_prob")

    def _forward(self, X: Tensor, output_activation: bool = True) -> Tensor:
        # Z[l] = W[l] A[l-1] + b[l] (or Z̃[l] with batch norm), A[l] = g[l](Z[l]), dropout on A[l] while
        # training; without output_activation it stops at Z[L] (the fused cost takes Z[L])
        cache = {"A0": X}
        A = X
        self.batch_statistics = {}
        for l, g in enumerate(self.activations, start=1):
            if l in self.batch_norm:
                Z = self.parameters[f"W{l}"] @ A
                Z.label = f"Z{l}"
                cache[f"Z{l}"] = Z
                Z = self._normalize(l, Z)
            else:
                Z = linear(self.parameters[f"W{l}"], A, self.parameters[f"b{l}"])  # one node, as the notes write it
                Z.label = f"Z{l}"
                cache[f"Z{l}"] = Z
            if l == self.L and not output_activation:
                A = Z
                break
            A = softmax(Z) if g == "softmax" else getattr(Z, g)()
            if self.training and l in self.keep_prob:
                A.label = f"{g}(Z{l})"
                A = self._dropout(l, A)
            A.label = f"A{l}"
            cache[f"A{l}"] = A
        self.cache = cache
        return A

    def __repr__(self) -> str:
        extra = f", keep_prob={[self.keep_prob.get(l, 1.0) for l in range(1, self.L)]}" if self.keep_prob else ""
        if self.batch_norm:
            extra += f", batch_norm={[l in self.batch_norm for l in range(1, self.L + 1)]}"
        return f"DeepNet(layer_dims={self.layer_dims}, activations={self.activations}{extra})"


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
        # Z = wᵀX + b, A = σ(Z); wᵀX is one node, as the notes compute it (np.dot(w.T, X)), so its
        # backward rule is the notes' dw = X dZᵀ
        wTX = transposed_matmul(self.parameters["w"], X)
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
