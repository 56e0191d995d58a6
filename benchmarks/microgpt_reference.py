"""The reference scalar engine: a ``Value`` built the way microgpt (Karpathy, February 2026) builds its own.

Written for this project, after microgpt's design: a node holds four slots (data, grad, the
nodes it was computed from, and the local derivative d(node)/d(each of them), computed in the
forward pass); there are no closures; ``backward()`` sorts the graph with a recursive
depth-first search and a set of visited nodes, then multiplies each local derivative by the
node's gradient (the chain rule) on the way back. Nodes are freed by reference counting.

One deliberate difference: microgpt divides as ``a * b**-1`` (two nodes), which rounds
differently from one division. Here ``a / b`` is one node with the local derivatives 1/b and
-(a/b)/b, so that this engine and ``autograd_mini.Value`` do the same floating-point
operations and a model's losses can be compared bit for bit. (It also makes this reference a
little faster than microgpt's own engine: a few hundred fewer nodes in a GPT step.)
"""

from __future__ import annotations

import math


class Value:
    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data = data
        self.grad = 0
        self._children = children          # the nodes this one was computed from
        self._local_grads = local_grads    # d(this)/d(child), one per child

    # z = a + b: dz/da = 1, dz/db = 1
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    # z = a * b: dz/da = b, dz/db = a
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    # z = a ** k for a number k: dz/da = k a^(k-1)
    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    # z = a / b: dz/da = 1/b, dz/db = -a/b², taken as -(a/b)/b
    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = self.data / other.data
        return Value(out, (self, other), (1 / other.data, -(out / other.data)))

    # z = log a: dz/da = 1/a
    def log(self):
        return Value(math.log(self.data), (self,), (1 / self.data,))

    # z = e^a: dz/da = e^a
    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    # z = max(0, a): dz/da = 1 where a > 0, else 0
    def relu(self):
        return Value(max(0, self.data), (self,), (float(self.data > 0),))

    # the rest is made of the ops above, as microgpt makes it
    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return Value(other) / self

    def backward(self):
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for child in node._children:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad
