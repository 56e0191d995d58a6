"""Small graphs the viz tests draw: a diamond, a Tensor 2-layer net, a scalar MLP."""

import numpy as np

from autograd_mini import Tensor, Value


def diamond():
    """d = (a·3)·(a + 1): a reaches d along two paths, so da = db·3 + dc."""
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + 1
    c.label = "c"
    d = b * c
    d.label = "d"
    return d


def two_layer_net(m: int = 3, seed: int = 0):
    """J = mean((A2 - Y)²) with Z1 = W1 X + b1, A1 = relu(Z1), Z2 = W2 A1 + b2, A2 = σ(Z2).

    n_x = 2, n[1] = 3, n[2] = 1; X (2, m) and Y (1, m) take no gradient. 15 nodes, 14 edges.
    """
    rng = np.random.default_rng(seed)
    X = Tensor(rng.normal(size=(2, m)), requires_grad=False, label="X")
    Y = Tensor((rng.random((1, m)) > 0.5).astype(float), requires_grad=False, label="Y")
    W1 = Tensor(rng.normal(size=(3, 2)), label="W1")
    b1 = Tensor(np.zeros((3, 1)), label="b1")
    W2 = Tensor(rng.normal(size=(1, 3)), label="W2")
    b2 = Tensor(np.zeros((1, 1)), label="b2")
    Z1 = W1 @ X + b1
    Z1.label = "Z1"
    A1 = Z1.relu()
    A1.label = "A1"
    Z2 = W2 @ A1 + b2
    Z2.label = "Z2"
    A2 = Z2.sigmoid()
    A2.label = "A2"
    J = ((A2 - Y) ** 2).mean()
    J.label = "J"
    return J


def scalar_mlp(layer_dims=(2, 4, 4, 1), m: int = 1, seed: int = 0):
    """A micrograd-style MLP of unlabelled Values: tanh hidden layers, a sigmoid output,
    L = Σ over m examples of (a - y)²."""
    rng = np.random.default_rng(seed)
    params = [[([Value(w) for w in rng.normal(size=n_prev)], Value(0.0)) for _ in range(n)]
              for n_prev, n in zip(layer_dims[:-1], layer_dims[1:])]
    L = None
    for _ in range(m):
        A = [Value(x) for x in rng.normal(size=layer_dims[0])]
        for l, layer in enumerate(params, start=1):
            Z = [sum((w * a for w, a in zip(ws, A)), b) for ws, b in layer]
            A = [z.sigmoid() if l == len(params) else z.tanh() for z in Z]
        loss = (A[0] - Value(1.0)) ** 2
        L = loss if L is None else L + loss
    return L


def deep_net_cost(layer_dims=(2, 4, 3, 1), m: int = 8, seed: int = 0):
    """J of DeepNet(layer_dims) (relu hidden, sigmoid output, He initialisation) on m random examples."""
    from autograd_mini import DeepNet

    rng = np.random.default_rng(seed)
    net = DeepNet(list(layer_dims), initialization="he", seed=seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(float)
    return net.cost(X, Y), net


def micrograd_demo(m: int = 10, seed: int = 0):
    """micrograd's demo net and loss, on m moons points, built from Values: a 2-16-16-1 MLP
    (relu hidden, linear output), the max-margin loss mean(relu(1 - y·score)) + 1e-4 Σ p²."""
    return micrograd_demo_net(m, seed)[0]


def micrograd_demo_net(m: int = 10, seed: int = 0):
    """(the loss of :func:`micrograd_demo`, its layers: per layer a list of (weights, bias) per neuron)."""
    from autograd_mini.datasets import make_moons

    rng = np.random.default_rng(seed)
    X, Y = make_moons(m=m, seed=seed)
    dims = (2, 16, 16, 1)
    layers = [[([Value(w) for w in rng.uniform(-1, 1, n_prev)], Value(0.0)) for _ in range(n)]
              for n_prev, n in zip(dims[:-1], dims[1:])]
    losses = []
    for i in range(m):
        A = [Value(float(x), requires_grad=False) for x in X[:, i]]
        for l, layer in enumerate(layers, start=1):
            Z = [sum((w * a for w, a in zip(ws, A)), b) for ws, b in layer]
            A = Z if l == len(layers) else [z.relu() for z in Z]
        y = 2.0 * Y[0, i] - 1.0  # labels ±1
        losses.append((1 + -y * A[0]).relu())
    params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
    return sum(losses) * (1.0 / m) + 1e-4 * sum(p * p for p in params), layers


def logistic_cost(m: int = 4, seed: int = 1):
    """J of LogisticRegression(2) on m random examples (small random w, so A is not 1/2 exactly)."""
    from autograd_mini import LogisticRegression

    rng = np.random.default_rng(seed)
    model = LogisticRegression(2, initialization="small_random", seed=0)
    return model.cost(rng.standard_normal((2, m)), (rng.random((1, m)) > 0.5).astype(float))


def softmax_cost(m: int = 6, seed: int = 0):
    """J of the softmax net DeepNet([4, 5, 3], [relu, softmax]) on m random one-hot examples."""
    from autograd_mini import DeepNet

    rng = np.random.default_rng(seed)
    net = DeepNet([4, 5, 3], ["relu", "softmax"], seed=seed)
    return net.cost(rng.standard_normal((4, m)), np.eye(3)[:, rng.integers(0, 3, m)])


def small_cnn_cost(m: int = 4):
    """J of the small CNN (conv 3×3, 2 filters, relu, 2×2 max-pool, dense, sigmoid) on m 6 × 6 bar images."""
    from autograd_mini.cnn import bars_dataset, cnn_cost, init_cnn

    X, Y = bars_dataset(m, n=6, seed=1)
    return cnn_cost(X, Y, init_cnn((6, 6, 1), n_c=2, seed=0))
