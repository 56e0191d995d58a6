"""The notes' computational graph of logistic regression for one example, built from Values.

z = w1·x1 + w2·x2 + b,  a = σ(z),  L(a, y) = -(y log a + (1 - y) log(1 - a)).
After ``L.backward()`` the nodes hold the notes' derivatives:
da = -y/a + (1 - y)/(1 - a), dz = a - y, dw_i = x_i·dz, db = dz.

>>> L = logistic_graph()
>>> L.backward()
>>> nodes = graph_nodes(L)
>>> abs(nodes["z"].grad - (nodes["a"].data - nodes["y"].data)) < 1e-12     # dz = a - y
True
"""

from __future__ import annotations

from collections.abc import Sequence

from .graph import topo_order
from .value import Value

__all__ = ["NOTES_EXAMPLE", "logistic_graph", "graph_nodes"]

#: The numbers the examples and the demo use for the notes' n_x = 2 case.
NOTES_EXAMPLE = {"x": (1.0, 2.0), "w": (0.5, -0.25), "b": 0.1, "y": 1.0}


def logistic_graph(x: Sequence[float] = NOTES_EXAMPLE["x"], w: Sequence[float] = NOTES_EXAMPLE["w"],
                   b: float = NOTES_EXAMPLE["b"], y: float = NOTES_EXAMPLE["y"]) -> Value:
    """Build L(a, y) for one example with n_x = len(x) inputs; return the loss node L.

    Every node carries the notes' symbol as its label: x1, w1, …, b, z, a, y, L (and
    w1x1, … for the products, wᵀx for their sum).
    """
    if len(x) != len(w) or len(x) == 0:
        raise ValueError(f"x and w must both have n_x ≥ 1 entries; got {len(x)} and {len(w)}")
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1 for the cross-entropy loss; got {y}")
    z = None
    for i, (xi, wi) in enumerate(zip(x, w), start=1):
        term = Value(wi, label=f"w{i}") * Value(xi, label=f"x{i}")
        term.label = f"w{i}x{i}"
        z = term if z is None else z + term
    if len(x) > 1:
        z.label = "wᵀx"
    z = z + Value(b, label="b")
    z.label = "z"
    a = z.sigmoid()
    a.label = "a"
    L = a.cross_entropy(Value(y, label="y"))
    L.label = "L"
    return L


def graph_nodes(root: Value) -> dict:
    """The labelled nodes of a graph by label (the notes' symbols), in topological order."""
    return {node.label: node for node in topo_order([root]) if node.label}
