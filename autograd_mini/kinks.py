"""Where central differences cannot judge a gradient: the kinks of ReLU and leaky ReLU.

ReLU and leaky ReLU bend at z = 0. Autodiff uses the notes' g′(0) = 1 (g′(z) = 1 where z ≥ 0);
a central difference (J(θ + ε) − J(θ − ε)) / (2ε) whose two points lie on either side of the bend
measures the mean of the two slopes (½ for ReLU, 0.505 for leaky ReLU), which is no derivative.
It happens more than one would think: with small weights and b = 0, an example whose A[1] is all 0
has Z[2] = b[2] = 0 exactly, and every central difference for b[2] straddles the kink.

The rule, shared by :func:`~autograd_mini.gradcheck`, :func:`~autograd_mini.compare` and the
``check`` command: while the entry θ of a parameter is probed, the input z of every ReLU and
leaky-ReLU node of the recorded graph is read at θ − ε, θ and θ + ε. The entry is *on a kink* when
some entry of some such z

* is not on the same side of the kink (z ≥ 0 or z < 0) at the three points: the segment
  [θ − ε, θ + ε] crosses the bend; or
* moves with θ (its three values are not all equal) and comes within
  tol = KINK_MARGIN · ε² · (1 + s) of 0 at one of them, where s is the largest |z| of that node
  at the three points. Three samples cannot see z dip across 0 and back between them, which takes
  |z| ≲ ε² |z''| (the curvature of z in θ), nor a side decided by rounding, |z| ≲ n·u·Σ|terms| for
  a sum of n terms (u = 2.2e-16); with ε = 1e-6 both are below tol = 1e-11 · (1 + s) for any
  practical net, while only a fraction of order ε² of the entries of a continuous z falls inside
  it, so the margin costs no sound entry.

A z that does not move with θ is ignored: J is then smooth in θ through that unit (Z[2] = 0
because A[1] is all 0 does not move when W[2] does, and dW[2] is sound). Where the graph itself is
not the same at the three points (the function took another branch), the entry is on a kink too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import Node, topo_order

__all__ = ["KINK_OPS", "KINK_MARGIN", "Kink", "kink_inputs", "find_kink", "kink_tolerance"]

#: The ops whose input has a kink at 0.
KINK_OPS = ("relu", "leaky_relu")
#: c in tol = c · ε² · (1 + s).
KINK_MARGIN = 10.0


@dataclass(frozen=True)
class Kink:
    """Why a probed entry is on a kink: which pre-activation (``node``, its ``index``), its value
    at θ, and whether it crossed 0 within θ ± ε (``crossed``) or only came within ``tol`` of 0."""

    node: str
    index: tuple
    value: float
    crossed: bool
    tol: float

    def __str__(self) -> str:
        where = f"{self.node}{list(self.index)}" if self.index else self.node
        if self.crossed:
            return f"{where} = {self.value:.3g} at θ crosses 0 between θ − ε and θ + ε"
        return f"{where} = {self.value:.3g} at θ comes within {self.tol:.1e} of 0 between θ − ε and θ + ε"


PATH_CHANGED = Kink("the graph", (), float("nan"), True, 0.0)


def kink_inputs(root) -> list:
    """(name, data) of the input of every ReLU and leaky-ReLU node of ``root``'s graph, in topological
    order; the name is the input's label (``Z2``) or ``relu input #k``. Empty for a plain number."""
    if not isinstance(root, Node):
        return []
    found = []
    for node in topo_order([root]):
        if node.op is not None and node.op.name in KINK_OPS:
            z = node.parents[0]
            found.append((z.label or f"{node.op.name} input #{len(found) + 1}", np.array(z.data, dtype=np.float64)))
    return found


def kink_tolerance(eps: float, scale: float) -> float:
    """tol = KINK_MARGIN · ε² · (1 + s): see the module's docstring."""
    return KINK_MARGIN * eps * eps * (1.0 + scale)


def find_kink(minus: list, centre: list, plus: list, eps: float) -> Kink | None:
    """The first pre-activation entry that puts θ on a kink, from :func:`kink_inputs` at θ − ε, θ
    and θ + ε; None when central differences are sound for θ."""
    if [(n, z.shape) for n, z in minus] != [(n, z.shape) for n, z in centre] or \
            [(n, z.shape) for n, z in plus] != [(n, z.shape) for n, z in centre]:
        return PATH_CHANGED
    for (name, z_minus), (_, z), (_, z_plus) in zip(minus, centre, plus):
        moved = (z_minus != z) | (z_plus != z)
        if not moved.any():
            continue
        side = z >= 0
        crossed = moved & (((z_minus >= 0) != side) | ((z_plus >= 0) != side))
        scale = float(np.nanmax(np.abs([z_minus, z, z_plus]), initial=0.0))
        tol = kink_tolerance(eps, scale)
        near = moved & (np.minimum(np.minimum(np.abs(z_minus), np.abs(z)), np.abs(z_plus)) <= tol)
        hit = crossed | near
        if hit.any():
            index = tuple(int(i) for i in np.argwhere(hit)[0])
            return Kink(name, index, float(z[index]), bool(crossed[index]), tol)
    return None
