"""One view of a recorded graph, prepared once: what every picture reads.

The order (:func:`autograd_mini.topo_order`, the walk ``backward()`` uses), who consumes each
node, the names, the number of examples m, the dense layers Z[l] = W[l] A[l−1] + b[l] the
notes' closed forms speak of, the conv layers' filter banks, and the teacher's backward order. The graph, the derivative
graph, the frames, the page and the exported frames all read it; none recomputes it.

The teacher's order goes from the cost back: a gradient is shown as soon as it is final (every
node that uses it has passed its gradient back), the parameters a step makes final first, so a
net reads dZ[L], dW[L], db[L], dA[L−1], dZ[L−1], …. The engine's own backward order is left
alone: any order in which each node follows all its consumers computes the same gradients.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> [View(L).names.grad(n) for n in View(L).backward_order()]
['dL', 'da', 'dz', 'dw1', 'dw2', 'db']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograd_mini import Tensor, topo_order

from ._chain import ACTIVATIONS, FUSED_COSTS, Names, as_roots, consumers, is_constant, needs_grad

__all__ = ["View", "DenseLayer"]

_LAYER_DIGITS = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class DenseLayer:
    """Z = W A_prev + b (``product`` is the W A_prev node, or wᵀX, or Z itself where the layer is one node),
    and the activation A = g(Z) if one follows."""

    l: int | None      # the notes' layer index; None for the logistic model's w, b
    Z: object
    product: object
    W: object
    A_prev: object
    b: object
    g: str | None      # the activation's name; for the output layer of a fused cost its σ / softmax
    A: object = None   # the activation node (None where the fused cost computes A[L] inside)
    output: bool = False


class View:
    """The graph of ``root`` prepared for drawing (see the module docstring)."""

    def __init__(self, root, precision: int = 4, *, order=None):
        roots = as_roots(root)
        self.root = roots[-1]
        self.order = order if order is not None else topo_order(roots)
        self.precision = precision
        self.used_by = consumers(self.order)
        self.names = Names(self.order, precision, self.used_by)
        self.position = self.names.position
        self.m = next((n._ctx for n in self.order if isinstance(n._op, FUSED_COSTS)), None)
        self.layers = self._dense_layers()
        self.role = {}
        for layer in self.layers:
            for part in ("Z", "product", "W", "b", "A"):
                node = getattr(layer, part)
                if node is not None:
                    self.role.setdefault(node, (part, layer))
        self.feeds = {layer.A_prev: layer for layer in self.layers}
        # a conv layer's filter bank W (f, f, n_c_prev, n_c), drawn and printed as its f × f grids
        self.filters = {node for node in self.order if any(c._op.name == "conv2d" and i == 1 for c, i in self.used_by[node])}

    # ------------------------------------------------------------------ names
    def grad(self, node) -> str:
        return self.names.grad(node)

    def grad_ref(self, node) -> str:
        """The symbol of ``node``'s gradient where it stands in a parent's term: a dense layer's product
        W A_prev hands on ∂J/∂Z unchanged (Z = W A_prev + b), so it is written ∂J/∂Z there."""
        role = self.role.get(node)
        if role and role[0] == "product":
            return self.names.grad(role[1].Z)
        return self.names.grad(node)

    def seed_only(self, node) -> bool:
        """Whether ``node`` is the root of a cost J, whose ∂J/∂J = 1 multiplies nothing and is left out."""
        return node is self.root and self.names.partial

    # ------------------------------------------------------------------ dense layers
    def _dense_layers(self) -> list:
        layers, count = [], 0
        for node in self.order:
            op = node._op
            if op is None or op.name not in ("+", "W A + b") or not isinstance(node, Tensor) or node.data.ndim != 2:
                continue
            if op.name == "W A + b":  # Z = W A_prev + b recorded as one node: Z is its own product
                product = node
                W, A_prev, b = node._parents
            else:
                product, b = node._parents
                if product._op is None or product._op.name not in ("@", "ᵀ@") or len(self.used_by[product]) != 1:
                    continue
                W, A_prev = product._parents
            if b._op is not None or not b.requires_grad:
                continue
            if W._op is not None or not W.requires_grad or b.data.shape != (node.data.shape[0], 1):
                continue
            count += 1
            found = _LAYER_DIGITS.search(str(W.label or ""))
            l = None if product._op.name == "ᵀ@" else (int(found.group(1)) if found else count)
            uses = self.used_by[node]
            A, g, output = None, None, False
            if len(uses) == 1:
                consumer, i = uses[0]
                if isinstance(consumer._op, FUSED_COSTS) and i == 0:
                    g, output = ("sigmoid" if consumer._op.name.startswith("sigmoid") else "softmax"), True
                elif consumer._op.name in ACTIVATIONS:
                    A, g = consumer, consumer._op.name
            layers.append(DenseLayer(l, node, product, W, A_prev, b, g, A, output))
        return layers

    # ------------------------------------------------------------------ the teacher's order
    def backward_order(self, show_data: bool = False) -> list:
        """The nodes that get a backward frame, in the teacher's order (module docstring)."""
        def shown(node):
            return needs_grad(node) or (show_data and not is_constant(node))

        waiting = {node: sum(1 for c, _ in self.used_by[node] if shown(c)) for node in self.order}
        out, queue = [], []

        def emit(node):
            out.append(node)
            queue.append(node)

        emit(self.root)
        k = 0
        while k < len(queue):
            node = queue[k]
            k += 1
            folded, batch = [], []
            self._expand(node, waiting, shown, folded, batch)
            out.extend(folded)
            out.extend(n for n in batch if n._op is None)
            for n in batch:
                if n._op is not None:
                    emit(n)
        return out

    def _expand(self, node, waiting: dict, shown, folded: list, batch: list) -> None:
        """Count ``node`` done for each of its parents; those with no consumer left are final (``batch``).
        A dense layer's product is folded into Z: it is final with Z, and so are its own parents."""
        for parent in node._parents:
            if not shown(parent):
                continue
            waiting[parent] -= 1
            if waiting[parent]:
                continue
            role = self.role.get(parent)
            if role and role[0] == "product":
                folded.append(parent)
                self._expand(parent, waiting, shown, folded, batch)
            elif parent not in batch:
                batch.append(parent)
