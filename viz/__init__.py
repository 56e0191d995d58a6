"""viz: pictures of what autograd_mini recorded.

* :func:`draw_graph`: the computational graph (values, grads, ops, local derivatives);
* :func:`draw_derivative_graph`: the backward pass as a graph of dL, da, dz, dw1, ...;
* :func:`forward_steps`, :func:`backprop_steps`: the forward and the backward pass one node
  at a time, as data (formula, the same with the numbers, the result, the notes' closed form);
* :func:`step_through` / :func:`step_through_html`: the self-contained step-through page (one
  layout, a frame per step, zoom and pan; shows inline in Jupyter); :func:`export_step_frames`:
  one SVG per frame;
* :func:`practice_sheet`: a printable sheet (HTML, or PDF through Chromium) with the graph and a blank
  box for every value and gradient, then the answers;
* :func:`render`, :func:`render_all`: write a graph as svg, png, pdf or dot (one layout for all; a PNG
  too large to read as a whole is left out with a :class:`PictureTooLarge` warning);
* :mod:`viz.plots` (matplotlib, the ``plot`` extra): cost curve, decision boundary, activations.

``viz`` imports ``autograd_mini``; ``autograd_mini`` never imports ``viz``.
"""

from .derivative import draw_derivative_graph
from .graph import draw_graph
from .html import StepThrough, export_step_frames, step_through, step_through_html
from .render import GraphTooLarge, GraphvizError, GraphvizNotInstalled, PictureTooLarge, render, render_all
from .sheet import practice_sheet
from .steps import Step, Term, all_steps, backprop_steps, forward_steps

__all__ = [
    "draw_graph",
    "draw_derivative_graph",
    "forward_steps",
    "backprop_steps",
    "all_steps",
    "Step",
    "Term",
    "step_through",
    "step_through_html",
    "StepThrough",
    "export_step_frames",
    "practice_sheet",
    "render",
    "render_all",
    "GraphvizNotInstalled",
    "GraphvizError",
    "GraphTooLarge",
    "PictureTooLarge",
]
