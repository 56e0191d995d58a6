"""The notes' computational graph of logistic regression for one example, built from Values.

z = wᵀx + b = w1·x1 + w2·x2 + b,  a = σ(z),  L(a, y) = -(y log a + (1 - y) log(1 - a)).
The inputs x1, x2 and the label y are data (``requires_grad=False``), so the backward pass
computes exactly the notes' derivatives: da = -y/a + (1 - y)/(1 - a), dz = a - y,
dw_i = x_i·dz, db = dz.

>>> L = logistic_graph()
>>> L.backward()
>>> nodes = graph_nodes(L)
>>> abs(nodes["z"].grad - (nodes["a"].data - nodes["y"].data)) < 1e-12     # dz = a - y
True
>>> [name for name, node in nodes.items() if node.requires_grad]
['w1', 'w2', 'b', 'z', 'a', 'L']
"""

from __future__ import annotations

from collections.abc import Sequence

from .graph import topo_order
from .value import Value, weighted_sum

__all__ = ["NOTES_EXAMPLE", "logistic_graph", "graph_nodes"]

#: The numbers the examples and the demo use for the notes' n_x = 2 case.
NOTES_EXAMPLE = {"x": (1.0, 2.0), "w": (0.5, -0.25), "b": 0.1, "y": 1.0}


def logistic_graph(x: Sequence[float] = NOTES_EXAMPLE["x"], w: Sequence[float] = NOTES_EXAMPLE["w"],
                   b: float = NOTES_EXAMPLE["b"], y: float = NOTES_EXAMPLE["y"]) -> Value:
    """Build L(a, y) for one example with n_x = len(x) inputs; return the loss node L.

    Every node carries the notes' symbol as its label: x1, w1, …, b, z, a, y, L. z is one
    node, z = wᵀx + b, as the notes draw it; x and y are data that takes no gradient.
    """
    if len(x) != len(w) or len(x) == 0:
        raise ValueError(f"x and w must both have n_x ≥ 1 entries; got {len(x)} and {len(w)}")
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1 for the cross-entropy loss; got {y}")
    ws = [Value(wi, label=f"w{i}") for i, wi in enumerate(w, start=1)]
    xs = [Value(xi, label=f"x{i}", requires_grad=False) for i, xi in enumerate(x, start=1)]
    z = weighted_sum(ws, xs, Value(b, label="b"))
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    L = a.cross_entropy(Value(y, label="y", requires_grad=False))
    L.label = "L"
    return L


def graph_nodes(root: Value) -> dict:
    """The labelled nodes of a graph by label (the notes' symbols), in topological order."""
    return {node.label: node for node in topo_order([root]) if node.label}
