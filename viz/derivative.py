"""The derivative graph: the backward pass drawn as a graph of its own.

Nodes are the gradients dL, da, dz, dw1, … (a Tensor cost's intermediates ∂J/∂Z1, …),
numbered in the teacher's order (the step-through's order); an edge d(child) → d(parent)
carries one thing, said once in the picture's legend: the local derivative the chain rule
multiplies d(child) by along that edge, in parentheses ((a(1 - a)), (x1), (A2ᵀ (on the right)),
(relu′(Z2)), (Σ_columns) for a bias broadcast over the columns). Each node says its formula,
wrapped so a long sum stays readable, and its value (once: ∂J/∂CE = 1 is not followed by = 1).

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
from .render import MAX_RENDER_NODES, check_size
from .steps import _backward_steps, _view

__all__ = ["draw_derivative_graph"]


def draw_derivative_graph(root, *, rankdir: str = "auto", precision: int = 4, show_values: bool = True,
                          title: str | None = None, show_data: bool = False, max_nodes: int = 500) -> graphviz.Digraph:
    """Draw the backward pass of ``root`` (the loss L) as a graph of dL, da, dz, dw1, ...

    Each node shows its number in the teacher's order, its formula (a sum where a value is used
    more than once; for a Tensor the engine's rule in the notes' words: ``db1 = Σ_columns ∂J/∂Z1``,
    ``dW1 = ∂J/∂Z1 · A0ᵀ``, ``∂J/∂A1 = W2ᵀ · ∂J/∂Z2``), its shape, and, once ``backward()`` has run
    and ``show_values`` is set, its value. Data (X, x1, y) takes no gradient and is left out,
    unless ``show_data`` asks for its formula too (constants never get a node). ``rankdir``
    "auto" lays a long chain out top to bottom, so the picture fits a slide.

    ``max_nodes``: a derivative graph of more gradient nodes is refused (:class:`GraphTooLarge`) before
    anything is drawn, with what to do instead: it has no collapsed form, but the collapsed
    computational graph and step-through page show each box's gradients.
    """
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int; got {max_nodes!r}")
    view = _view(root, precision, None)
    drawn = set(view.backward_order(show_data))
    check_size(len(drawn), sum(1 for node in drawn for child, _ in view.used_by[node] if child in drawn),
               max_nodes, instead(len(drawn), max_nodes), "draw_derivative_graph's max_nodes", "gradient nodes")
    steps = _backward_steps(view, show_data)
    position = {step.node: k for k, step in enumerate(steps)}
    edges = [(position[child], position[node], term)
             for step in steps for node in (step.node,) for (child, _), term in zip(view.used_by[node], step.terms)
             if child in position]
    rankdir = auto_rankdir(rankdir, len(steps), [(a, b) for a, b, _ in edges])
    labels = [_parenthesised(_local_factor(term)) for _, _, term in edges]
    legend = LEGEND + (" (Σ_columns: it is summed over the columns)" if "(Σ_columns)" in labels else "")
    g = new_digraph("derivative_graph", rankdir, (html_label_text(title) + "<BR/>" if title else "")
                    + html_label_text(legend))
    for k, step in enumerate(steps):
        node = step.node
        head = f"<B>{k + 1}. {html_label_text(step.dname)}</B>"
        if isinstance(node.data, np.ndarray) and node.data.ndim:
            head += f' <FONT POINT-SIZE="10">{node.data.shape}</FONT>'
        rows = [head] + [html_label_text(line) for line in wrap(step.formula)]
        if step.says_its_value and node.has_grad:
            pass  # dL = 1 (the seed), ∂J/∂CE = 1: the formula says the value
        elif show_values and not needs_grad(node):
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
    for (a, b, _), text in zip(edges, labels):
        g.body.append(f"\t{dot_id(steps[a].dname)} -> {dot_id(steps[b].dname)} "
                      f"[{label_kind}=<{html_label_text(text)}> tooltip=\"{_quote(text)}\"]\n")
    return g


#: what every edge label is, said once under the picture's title
LEGEND = "an edge d(child) → d(parent) carries the local derivative the chain rule multiplies d(child) by along it"


def _local_factor(term) -> str:
    """The edge's local derivative: a bias's 1 is summed over the axes it was broadcast over, so its edge says
    the sum (Σ_columns) rather than 1."""
    if term.local == "1" and term.text.startswith("Σ_"):
        return term.text.split(" ", 1)[0]
    return term.local


def _parenthesised(text: str) -> str:
    """``text`` in one pair of parentheses: ``(A3 - Y)/m`` gets its own, ``(-y/a + …)`` keeps the one it has."""
    depth = 0
    for k, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and k < len(text) - 1:
            return f"({text})"
    return text if text.startswith("(") and text.endswith(")") else f"({text})"


def instead(nodes: int, below: int) -> str:
    """What to do instead of drawing a derivative graph of ``nodes`` gradient nodes, each way one that
    works when followed: the collapsed pictures (``below``: a max_nodes under the graph's node count,
    which is never less than ``nodes``) and, under the render cap, a raised max_nodes."""
    collapsed = (f"the derivative graph has no collapsed form, but draw_graph(root, max_nodes={below}) draws the computational graph "
                 f"collapsed, each box with its gradients, and step_through(root, collapse=True, max_nodes={below}) "
                 "steps through the boxes' gradients")
    if nodes > MAX_RENDER_NODES:
        return (f"{collapsed} (drawing all {nodes:,} gradient nodes is past the render cap of {MAX_RENDER_NODES:,} nodes that "
                "Graphviz lays out in a few seconds)")
    return f"{collapsed}; or pass max_nodes={nodes}"


def _quote(text: str) -> str:
    return html_label_text(text).replace("<BR/>", " ").replace('"', "&quot;")

