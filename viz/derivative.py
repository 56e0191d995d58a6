"""The derivative graph: the backward pass drawn as a graph of its own.

Nodes are the gradients dL, da, dz, dw1, … (a Tensor cost's intermediates ∂J/∂Z1, …),
numbered in the teacher's order (the step-through's order); an edge d(child) → d(parent)
carries the chain-rule term the child passed back, in parentheses (dz · x1). Each node says
its formula, wrapped so a long sum stays readable, and its value.

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> src = draw_derivative_graph(L).source
>>> "dz = da · a(1 - a)" in src and "dw1 = dz · x1" in src
True
"""

from __future__ import annotations

import graphviz
import numpy as np

from ._chain import needs_grad
from ._format import fmt_result, fmt_value, html_label_text
from ._graphviz import auto_rankdir, dot_id, edge_label_kind, wrap
from ._style import KIND_STYLE, new_digraph, node_kind
from .steps import _backward_steps, _view

__all__ = ["draw_derivative_graph"]


def draw_derivative_graph(root, *, rankdir: str = "auto", precision: int = 4, show_values: bool = True,
                          title: str | None = None, show_data: bool = False) -> graphviz.Digraph:
    """Draw the backward pass of ``root`` (the loss L) as a graph of dL, da, dz, dw1, ...

    Each node shows its number in the teacher's order, its formula (a sum where a value is used
    more than once; for a Tensor the engine's rule in the notes' words: ``db1 = Σ_columns ∂J/∂Z1``,
    ``dW1 = ∂J/∂Z1 · A0ᵀ``, ``∂J/∂A1 = W2ᵀ · ∂J/∂Z2``), its shape, and, once ``backward()`` has run
    and ``show_values`` is set, its value. Data (X, x1, y) takes no gradient and is left out,
    unless ``show_data`` asks for its formula too (constants never get a node). ``rankdir``
    "auto" lays a long chain out top to bottom, so the picture fits a slide.
    """
    view = _view(root, precision, None)
    steps = _backward_steps(view, show_data)
    position = {step.node: k for k, step in enumerate(steps)}
    edges = [(position[child], position[node], term)
             for step in steps for node in (step.node,) for (child, _), term in zip(view.used_by[node], step.terms)
             if child in position]
    rankdir = auto_rankdir(rankdir, len(steps), [(a, b) for a, b, _ in edges])
    g = new_digraph("derivative_graph", rankdir, html_label_text(title) if title else None)
    for k, step in enumerate(steps):
        node = step.node
        head = f"<B>{k + 1}. {html_label_text(step.dname)}</B>"
        if isinstance(node.data, np.ndarray) and node.data.ndim:
            head += f' <FONT POINT-SIZE="10">{node.data.shape}</FONT>'
        rows = [head] + [html_label_text(line) for line in wrap(step.formula)]
        if show_values and not needs_grad(node):
            rows.append(f'<FONT COLOR="#4b5563">{html_label_text("none: data takes no gradient")}</FONT>')
        elif show_values and node.has_grad and np.ndim(step.value) and np.size(step.value) <= 32:
            # a small matrix entry by entry, as the frames print it (columns aligned), so the learner can redo it
            lines = fmt_result(step.value, precision, filters=node in view.filters).split("\n")
            rows += ['<FONT FACE="DejaVu Sans Mono">' + html_label_text(("= " if k == 0 else "  ") + line)
                     .replace(" ", "&#160;") + "</FONT>" for k, line in enumerate(lines)]
        elif show_values:
            value = fmt_value(step.value, precision) if node.has_grad else "not computed yet"
            rows += [f'<FONT COLOR="#4b5563">{html_label_text(line)}</FONT>' for line in wrap(f"= {value}")]
        fill, border = KIND_STYLE[node_kind(node)]
        # a row per line, padded, so a line's underscore (Σ_columns) never runs into the next
        table = "".join(f'<TR><TD ALIGN="LEFT">{row}</TD></TR>' for row in rows)
        g.body.append(f'\t{dot_id(step.dname)} [label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" '
                      f'CELLPADDING="1">{table}</TABLE>> fillcolor="{fill}" color="{border}" '
                      f'tooltip="{_quote(step.formula)}"]\n')
    label_kind = edge_label_kind(g, len(edges))
    for a, b, term in edges:
        text = term.text if term.text.startswith("(") else f"({term.text})"
        g.body.append(f"\t{dot_id(steps[a].dname)} -> {dot_id(steps[b].dname)} "
                      f"[{label_kind}=<{html_label_text(text)}> tooltip=\"{_quote(text)}\"]\n")
    return g


def _quote(text: str) -> str:
    return html_label_text(text).replace("<BR/>", " ").replace('"', "&quot;")

