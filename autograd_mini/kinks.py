"""Where central differences cannot judge a gradient: kinks and branches.

ReLU and leaky ReLU bend at z = 0; max_pool bends where two entries of a window tie for the maximum;
a function that branches in Python (``a if a.data >= 0 else -a`` for |a|, ``a if a.data > b.data else b``
for max(a, b)) bends where it changes branch. Autodiff takes one side's slope there (the notes'
g′(0) = 1, the first maximum of a window, the branch taken at θ); a central difference
(J(θ + ε) − J(θ − ε)) / (2ε) whose two points lie on either side of the bend measures the mean of the
two slopes (½ for ReLU, 0.505 for leaky ReLU, ½ for a tie of two), which is no derivative.
It happens more than one would think: with small weights and b = 0, an example whose A[1] is all 0
has Z[2] = b[2] = 0 exactly, and every central difference for b[2] straddles the kink.

The rule, shared by :func:`~autograd_mini.gradcheck`, :func:`~autograd_mini.compare` and the
``check`` command: while the entry θ of an input is probed, the graph is recorded at θ − ε, θ and
θ + ε and read by :func:`kink_reading`.

* The graph itself must be the same at the three points: the same ops in the same order on the same
  inputs (:func:`graph_signature`). When it is not, the function took another branch between
  θ − ε and θ + ε, and the entry is on a kink.
* Every op with a kink says, from its input's data, per entry of its output which branch it took and
  its margin, how far the input is from switching (``Op.kink(data, ctx)``): for ReLU and leaky ReLU the
  side of 0 (z ≥ 0) and |z|; for max_pool which entry of the window is the first maximum, and the
  maximum less the runner-up.
  The entry θ is on a kink when some such entry moves with θ and

  * takes another branch at one of the three points: the segment [θ − ε, θ + ε] crosses the bend; or
  * comes within tol = KINK_MARGIN · ε² · (1 + s) of the bend at one of them, where s is the largest
    |value| of that op's input at the three points. Three samples cannot see z dip across 0 and back
    between them, which takes |z| ≲ ε² |z''| (the curvature of z in θ), nor a side decided by
    rounding, |z| ≲ n·u·Σ|terms| for a sum of n terms (u = 2.2e-16); with ε = 1e-6 both are below
    tol = 1e-11 · (1 + s) for any practical net, while only a fraction of order ε² of the entries of
    a continuous z falls inside it, so the margin costs no sound entry.

An entry that does not move with θ is ignored: J is then smooth in θ through it (Z[2] = 0 because
A[1] is all 0 does not move when W[2] does, and dW[2] is sound; a tie in a window that θ is not part
of changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .graph import Node, topo_order

__all__ = ["KINK_MARGIN", "Kink", "Switch", "Reading", "kink_reading", "graph_signature", "find_kink",
           "kink_tolerance", "side_of_zero"]

#: c in tol = c · ε² · (1 + s).
KINK_MARGIN = 10.0


@dataclass(frozen=True)
class Kink:
    """Why a probed entry is on a kink: which op's input (``node``, the entry ``index`` of the op's
    output), the ``margin`` at θ (z itself for ReLU, the maximum less the runner-up for max_pool), and
    whether it switched branch within θ ± ε (``crossed``) or only came within ``tol`` of switching.
    ``op`` is "graph" when the function itself took another branch."""

    node: str
    index: tuple
    value: float
    crossed: bool
    tol: float
    op: str = "relu"

    def __str__(self) -> str:
        if self.op == "graph":
            return "the function took another branch between θ − ε and θ + ε: its graph changed"
        if self.op == "max_pool":
            what = f"{self.node}, window {list(self.index)}: its maximum less its runner-up = {self.value:.3g} at θ"
            return what + ("; which entry is the maximum changes between θ − ε and θ + ε" if self.crossed
                           else f" comes within {self.tol:.1e} of a tie between θ − ε and θ + ε")
        where = f"{self.node}{list(self.index)}" if self.index else self.node
        if self.crossed:
            return f"{where} = {self.value:.3g} at θ crosses 0 between θ − ε and θ + ε"
        return f"{where} = {self.value:.3g} at θ comes within {self.tol:.1e} of 0 between θ − ε and θ + ε"


PATH_CHANGED = Kink("the graph", (), float("nan"), True, 0.0, "graph")


class Switch(NamedTuple):
    """One op with a kink, read at one point: a copy of its input ``data`` (a probed leaf changes in place)
    and the ``op`` whose ``kink(data, ctx)`` gives, per entry of its output, the value that moves with θ,
    the branch taken and the margin to the bend (worked out only where the input moved)."""

    name: str
    op: object
    data: np.ndarray
    ctx: object = None

    def bend(self) -> tuple:
        return self.op.kink(self.data, self.ctx)


class Reading(NamedTuple):
    """What :func:`find_kink` compares across θ − ε, θ, θ + ε: the graph's shape and its switches."""

    signature: tuple
    switches: tuple


def side_of_zero(z, ctx=None) -> tuple:
    """``Op.kink`` of ReLU and leaky ReLU: (value, branch, margin) = (z, z ≥ 0, |z|)."""
    z = np.asarray(z, dtype=np.float64)
    return z, z >= 0, np.abs(z)


_PLAIN = (int, float, bool, str)


def _ctx_key(ctx):
    """An op's constant in a form that compares by value (a Tensor index may hold arrays)."""
    if isinstance(ctx, np.ndarray):
        return ("array", ctx.shape, ctx.tobytes())
    if isinstance(ctx, tuple):
        return tuple(_ctx_key(item) for item in ctx)
    if isinstance(ctx, slice):
        return ("slice", ctx.start, ctx.stop, ctx.step)
    return ctx if isinstance(ctx, (int, float, str, bool, type(None), np.generic)) else type(ctx).__name__


def graph_signature(order: list) -> tuple:
    """The shape of a recorded graph, from its nodes in topological order (post-order): each node's op
    and constant, a leaf that takes gradients by identity (the same input at every point), a constant
    leaf as such (a number lifted anew at every point). Post-order with each op's parents counted by the
    op determines the expression, so the parents need not be listed."""
    signature = []
    for node in order:
        op = node._op
        if op is None:
            signature.append(id(node) if node.requires_grad else None)
        else:
            ctx = node._ctx  # most ops have none or a number: compared as they are, without a conversion
            signature.append((op.name, ctx if ctx is None or type(ctx) in _PLAIN else _ctx_key(ctx)))
    return tuple(signature)


def kink_reading(root) -> Reading:
    """The :class:`Reading` of ``root``'s graph; empty for a plain number. An op's switches are named by
    its input's label (``Z2``) or ``relu input #k``."""
    if not isinstance(root, Node):
        return Reading((), ())
    order = topo_order([root])
    switches = []
    for node in order:
        if hasattr(node.op, "kink"):
            z = node.parents[0]
            switches.append(Switch(z.label or f"{node.op.name} input #{len(switches) + 1}", node.op,
                                   np.array(z.data, dtype=np.float64), node._ctx))
    return Reading(graph_signature(order), tuple(switches))


def kink_tolerance(eps: float, scale: float) -> float:
    """tol = KINK_MARGIN · ε² · (1 + s): see the module's docstring."""
    return KINK_MARGIN * eps * eps * (1.0 + scale)


def find_kink(minus: Reading, centre: Reading, plus: Reading, eps: float) -> Kink | None:
    """The first entry that puts θ on a kink, from :func:`kink_reading` at θ − ε, θ and θ + ε;
    None when central differences are sound for θ."""
    if not minus.signature == centre.signature == plus.signature:
        return PATH_CHANGED
    for switches in zip(minus.switches, centre.switches, plus.switches):
        if len({switch.data.shape for switch in switches}) > 1:
            return PATH_CHANGED
        if np.array_equal(switches[0].data, switches[1].data) and np.array_equal(switches[2].data, switches[1].data):
            continue  # the input does not move with θ
        (v_minus, b_minus, m_minus), (value, branch, margin), (v_plus, b_plus, m_plus) = (s.bend() for s in switches)
        moved = (v_minus != value) | (v_plus != value)
        crossed = moved & ((b_minus != branch) | (b_plus != branch))
        tol = kink_tolerance(eps, max(float(np.nanmax(np.abs(s.data), initial=0.0)) for s in switches))
        hit = crossed | moved & (np.minimum(np.minimum(m_minus, margin), m_plus) <= tol)
        if hit.any():
            index = tuple(int(i) for i in np.argwhere(hit)[0])
            return Kink(switches[1].name, index, float(value[index]), bool(crossed[index]), tol, switches[1].op.name)
    return None
