"""viz: pictures of what autograd_mini recorded.

* :func:`draw_graph`: the computational graph (values, grads, ops, local derivatives);
* :func:`draw_derivative_graph`: the backward pass as a graph of dL, da, dz, dw1, ...;
* :func:`backprop_steps`, :func:`step_through_html`, :func:`export_step_frames`: backprop
  one node at a time, as data, as a self-contained HTML page, or as numbered images;
* :func:`render`: write a graph as svg, png, pdf or dot;
* :mod:`viz.plots` (matplotlib, the ``plot`` extra): cost curve, decision boundary, activations.

``viz`` imports ``autograd_mini``; ``autograd_mini`` never imports ``viz``.
"""

from .derivative import draw_derivative_graph
from .graph import draw_graph
from .html import export_step_frames, step_through_html
from .render import GraphvizError, GraphvizNotInstalled, render
from .steps import Step, Term, backprop_steps

__all__ = [
    "draw_graph",
    "draw_derivative_graph",
    "backprop_steps",
    "Step",
    "Term",
    "step_through_html",
    "export_step_frames",
    "render",
    "GraphvizNotInstalled",
    "GraphvizError",
]
