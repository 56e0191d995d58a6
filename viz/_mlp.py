"""The neurons of a scalar MLP (micrograd-style Values), found from the graph's shape, and the loss and
regulariser written as a teacher writes them.

A neuron is a weighted sum z = w1·a1 + … + wn·an + b whose weights w and bias b are parameters
(leaves that take a gradient), followed by its activation a = g(z) when one follows (an output
neuron may be linear). The same weights read by several examples make one neuron: its instances,
one per example. A neuron's layer is one more than the deepest neuron it reads (the inputs x are
layer 0). What is left is the inputs, the loss (everything after the net that reads an example)
and the regulariser (what reads only parameters, such as λ Σ p²). A relu in the loss (the hinge
relu(1 − y·z)) sums no weights, so it is no neuron.

>>> from autograd_mini import Value
>>> w, b, x = Value(0.5), Value(0.1), Value(2.0, requires_grad=False)
>>> J = (w * x + b).relu() + 0.01 * (w * w)
>>> net = find_mlp(J.topo_order())
>>> [n.formula() for n in net.neurons], net.box_formula(net.loss_root), net.box_formula(net.reg_root)
(['a = relu(w·x + b)'], 'J = a[1] + R', 'R = 0.01 · p²')
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ._format import fmt_number

#: a scalar neuron's activation (the ones a Value has)
ACTIVATIONS = frozenset({"tanh", "sigmoid", "relu", "leaky_relu"})

__all__ = ["Neuron", "MLP", "find_mlp"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _op(node) -> str | None:
    return node.op.name if node.op is not None else None


def _is_param(node) -> bool:
    return node.op is None and node.requires_grad


@dataclass
class Neuron:
    """One neuron, shared by every example that runs through it."""

    weights: tuple      # its weight leaves w1 … wn
    bias: object        # its bias leaf, or None
    g: str | None       # the activation's name; None for a linear (output) neuron
    layer: int = 0
    number: int = 0     # 1 … n[l] within its layer, in the order the forward pass reaches them
    width: int = 1      # how many neurons its layer has
    outputs: list = field(default_factory=list)   # its output node for each example, in order
    members: list = field(default_factory=list)   # every node it computes, for every example

    @property
    def params(self) -> list:
        return [*self.weights, *([self.bias] if self.bias is not None else [])]

    def symbol(self) -> str:
        """Its output as the notes write it: a[2], or a[2]₅ in a layer of several neurons."""
        base = f"{'a' if self.g else 'z'}[{self.layer}]"
        return base if self.width == 1 else base + str(self.number).translate(_SUB)

    def formula(self) -> str:
        """a = relu(w·a[1] + b): what the neuron computes for one example."""
        source = "x" if self.layer == 1 else f"a[{self.layer - 1}]"
        z = f"w·{source}" + (" + b" if self.bias is not None else "")
        return f"a = {self.g}({z})" if self.g else f"z = {z}"

    def counts(self) -> str:
        n = len(self.weights)
        return f"{n} weight{'s' if n != 1 else ''}" + (", 1 bias" if self.bias is not None else "")


@dataclass
class MLP:
    """Where every node of the graph belongs: a neuron, the inputs, the loss or the regulariser."""

    neurons: list           # Neuron, by layer then number
    neuron_of: dict         # node -> its Neuron (parameters included)
    part: dict              # node -> "inputs", "loss" or "reg" for the nodes in no neuron
    loss_root: object       # the root (J)
    reg_root: object        # the regulariser's result (None without one)
    examples: int           # how many examples run through the net
    n_params: int
    _varying: list = field(default_factory=list)  # the per-example numbers of the last formula (its c(i))
    _times: str = ""                               # what c(i) multiplies in the last formula ("z[3](i)")
    _last: str = ""                                # the last formula written

    def box_formula(self, node, head: str = "J") -> str:
        """The formula the loss (or regulariser, R) box computes, with a sum over the examples written Σᵢ."""
        head = "R" if node is self.reg_root else head
        self._varying, self._times = [], ""
        self._last = f"{head} = {self._render(node, node)}"
        return self._last

    def box_where(self) -> list:
        """What the symbols of the last :meth:`box_formula` stand for."""
        out = []
        if self.examples > 1 and "(i)" in self._last:
            mean = f"; (1/{self.examples}) Σᵢ is the mean over them" if f"(1/{self.examples}) Σᵢ" in self._last else ""
            out.append(f"i = 1, …, {self.examples}: the examples (m = {self.examples}{mean})")
        if self._varying:
            values = sorted(set(self._varying))
            shown = ", ".join(fmt_number(v) for v in values) if len(values) <= 4 else "a different value each"
            # the graph keeps only the number, not where it came from (micrograd's -y(i)): said as it is
            out.append(f"c(i): the constant that example i's term multiplies {self._times} by ({shown})" if self._times
                       else f"c(i): a constant of example i's term that differs from one example to the next ({shown})")
        return out

    # a small printer: neurons' outputs by their symbol, the regulariser as R, parameters as p, a chain
    # of sums with its repeated terms folded into Σ
    def _render(self, node, top) -> str:
        text, slots = self._template(node, top)
        return text.format(*[fmt_number(v) for v in slots]) if slots else text

    def _template(self, node, top) -> tuple:
        """(text with {} where a number goes, the numbers)."""
        if node is self.reg_root and node is not top:
            return "R", []
        neuron = self.neuron_of.get(node)
        if neuron is not None and node in neuron.outputs:
            return neuron.symbol() + ("(i)" if self.examples > 1 else ""), []
        if node.op is None:  # a parameter of the net is p; any other leaf is a number of the formula
            return ("p", []) if node in self.neuron_of else ("{}", [float(node.data)])
        name = _op(node)
        if name == "+":
            return self._sum(node, top)
        parts = [self._template(p, top) for p in node.parents]
        if name == "*" and node.parents[0] is node.parents[1]:
            return f"{_wrap(parts[0][0])}²", parts[0][1]
        if name == "*":
            parts.sort(key=lambda part: part[0] != "{}")  # a number first: 0.5 · Σ, not Σ · 0.5
            (first, number), (second, _) = parts if len(parts) == 2 else (parts[0], ("", []))
            if first == "{}" and second.startswith("Σᵢ ") and abs(number[0] * self.examples - 1) < 1e-12:
                return f"(1/{self.examples}) {second}", parts[1][1]  # the mean over the examples, 1/m
            return " · ".join(_wrap(t) for t, _ in parts), [v for _, vs in parts for v in vs]
        if name == "**" and len(parts) == 1:  # a power by a number k, kept beside the op
            k = fmt_number(node._ctx)
            return (f"{_wrap(parts[0][0])}²" if k == "2" else f"{_wrap(parts[0][0])}^{k}"), parts[0][1]
        if name == "neg":
            return f"-{_wrap(parts[0][0])}", parts[0][1]
        if name == "-":
            return f"{parts[0][0]} - {_wrap(parts[1][0])}", parts[0][1] + parts[1][1]
        return f"{name}({', '.join(t for t, _ in parts)})", [v for _, vs in parts for v in vs]

    def _sum(self, node, top) -> tuple:
        terms = []
        stack = [node]
        while stack:  # the whole chain of sums in this box: ((0 + l1) + l2) + … is one sum
            n = stack.pop()
            if _op(n) == "+" and (n is node or self.part.get(n) == self.part.get(node)) and n is not self.reg_root:
                stack.extend(reversed(n.parents))
            else:
                terms.append(n)
        rendered = [self._template(t, top) for t in terms]
        rendered = [r for r in rendered if not (r[0] == "{}" and r[1] == [0.0])]  # Python's sum starts at 0
        groups: dict = {}
        for text, slots in rendered:
            groups.setdefault(text, []).append(slots)
        out, values = [], []
        for text, members in groups.items():
            if len(members) == 1:
                out.append(text)
                values += members[0]
                continue
            # a slot that differs from one term to the next is a number of each example: c(i)
            columns = list(zip(*members))
            pieces = text.split("{}")
            body = pieces[0]
            for column, rest in zip(columns, pieces[1:]):
                if all(v == column[0] for v in column):
                    body += "{}" + rest
                    values.append(column[0])
                else:
                    body += "c(i)" + rest
                    self._varying += column
                    times = re.match(r" · (\w+(?:\[\d+\])?(?:\(i\))?)", rest)
                    self._times = times.group(1) if times else ""
            over = "ᵢ" if len(members) == self.examples else f" ({len(members)} terms)"
            if text == "p²" and len(members) == self.n_params:
                over = ""
            out.append(f"Σ{over} {_wrap(body)}")
        return " + ".join(out), values


def _wrap(text: str) -> str:
    """``text`` in parentheses when it is a sum or a difference."""
    depth = 0
    for k, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text[k:k + 3] in (" + ", " - "):
            return f"({text})"
    return text


def _weighted_terms(node, used_by) -> list | None:
    """The terms of the chain of sums ending at ``node`` (a sum feeding only the next sum is part of it)."""
    terms, stack = [], [node]
    while stack:
        n = stack.pop()
        if n is node or (_op(n) == "+" and len(used_by[n]) == 1):
            if _op(n) != "+":
                return None
            stack.extend(reversed(n.parents))
        else:
            terms.append(n)
    return terms


def _neuron_of_sum(node, used_by, seen: set) -> tuple | None:
    """(weights, inputs, bias, the chain's nodes) when ``node`` is a weighted sum of parameters, else None."""
    if _op(node) == "wᵀx + b":  # weighted_sum: parents w1, x1, …, wn, xn, b
        parents = node.parents
        weights, inputs, bias = parents[0:-1:2], parents[1:-1:2], parents[-1]
        if all(_is_param(w) for w in weights) and _is_param(bias):
            return tuple(weights), list(inputs), bias, [node]
        return None
    if _op(node) != "+":
        return None
    seen.update(_chain_sums(node, used_by))  # a chain is looked at once, from its last sum
    terms = _weighted_terms(node, used_by)
    if terms is None:
        return None
    weights, inputs, biases, chain = [], [], [], []
    for t in terms:
        if _is_param(t):
            biases.append(t)
        elif _op(t) == "*" and t.parents[0] is not t.parents[1] and any(_is_param(p) for p in t.parents):
            w, a = t.parents if _is_param(t.parents[0]) else t.parents[::-1]
            weights.append(w)
            inputs.append(a)
            chain.append(t)
        else:
            return None
    if not weights or len(biases) > 1:
        return None
    chain += _chain_sums(node, used_by)
    return tuple(weights), inputs, biases[0] if biases else None, chain


def _chain_sums(node, used_by) -> list:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n is node or (_op(n) == "+" and len(used_by[n]) == 1):
            out.append(n)
            stack.extend(n.parents)
    return out


def find_mlp(order: list, used_by: dict | None = None) -> MLP | None:
    """The MLP in ``order`` (a scalar graph in topological order), or None when it has no neuron."""
    from autograd_mini import Tensor

    from ._chain import consumers

    if not order or any(isinstance(n, Tensor) for n in order):
        return None
    used_by = used_by if used_by is not None else consumers(order)
    seen: set = set()
    by_key: dict = {}
    neuron_of: dict = {}
    layer_of_output: dict = {}
    inputs_of: dict = {}
    for node in reversed(order):  # from the root back, so a chain is taken whole from its last sum
        if node in seen:
            continue
        found = _neuron_of_sum(node, used_by, seen)
        if found is None:
            continue
        weights, inputs, bias, chain = found
        users = used_by[node]
        act = users[0][0] if len(users) == 1 and _op(users[0][0]) in ACTIVATIONS else None
        key = (tuple(id(w) for w in weights), id(bias))
        neuron = by_key.get(key)
        if neuron is None:
            neuron = by_key[key] = Neuron(weights, bias, _op(act) if act is not None else None)
        elif (neuron.g is None) != (act is None):
            return None  # the same weights once with an activation, once without: no MLP to speak of
        out = act if act is not None else node
        neuron.outputs.append(out)
        neuron.members += chain + ([act] if act is not None else [])
        inputs_of[out] = inputs
    if not by_key:
        return None
    position = {node: k for k, node in enumerate(order)}
    for neuron in by_key.values():
        neuron.outputs.sort(key=position.get)
        for out in neuron.outputs:
            neuron_of[out] = neuron
    for neuron in sorted(by_key.values(), key=lambda n: position[n.outputs[0]]):
        reads = [neuron_of[a].layer for out in neuron.outputs for a in inputs_of[out] if a in neuron_of
                 and a in neuron_of[a].outputs]
        neuron.layer = 1 + max(reads, default=0)
        for out in neuron.outputs:
            layer_of_output[out] = neuron.layer
    layers: dict = {}
    for neuron in sorted(by_key.values(), key=lambda n: position[n.outputs[0]]):
        layers.setdefault(neuron.layer, []).append(neuron)
    neurons = []
    for l in sorted(layers):
        for j, neuron in enumerate(layers[l], start=1):
            neuron.number, neuron.width = j, len(layers[l])
            neurons.append(neuron)
    for neuron in neurons:
        for node in (*neuron.members, *neuron.params):
            neuron_of.setdefault(node, neuron)
    inputs = {a for out in inputs_of for a in inputs_of[out] if a not in neuron_of}
    reads_example: dict = {}
    for node in order:
        if node in neuron_of and node.op is not None:
            reads_example[node] = True
        elif node.op is None:
            reads_example[node] = node in inputs
        else:
            reads_example[node] = any(reads_example[p] for p in node.parents)
    part: dict = {}
    for node in reversed(order):  # what feeds the inputs of the net is part of the inputs
        if node in neuron_of:
            continue
        if node in inputs or any(part.get(c) == "inputs" for c, _ in used_by[node]):
            part[node] = "inputs"
    for node in order:
        if node in neuron_of or node in part or node.op is None:
            continue
        part[node] = "loss" if reads_example[node] else "reg"
    for node in reversed(order):  # a number written into a formula joins the box that reads it first
        if node.op is None and node not in neuron_of and node not in part:
            first = min((c for c, _ in used_by[node]), key=position.get, default=None)
            part[node] = part.get(first, "loss") if first not in neuron_of else "inputs"
    root = order[-1]
    reg_roots = [n for n in order if part.get(n) == "reg" and n.op is not None
                 and any(part.get(c) == "loss" for c, _ in used_by[n])]
    reg_root = reg_roots[-1] if len(reg_roots) == 1 else None
    examples = Counter(len(n.outputs) for n in neurons).most_common(1)[0][0]
    n_params = sum(len(n.params) for n in neurons)
    return MLP(neurons, neuron_of, part, root, reg_root, examples, n_params)
