"""How the pictures look: node kinds, their colours, the Digraph defaults."""

from __future__ import annotations

import re

import graphviz

__all__ = ["node_kind", "KIND_STYLE", "grad_fill", "new_digraph", "HIGHLIGHT"]

# the notes' parameter names: w1, w2, b, W1, b1, W[2], ...
_PARAM_LABEL = re.compile(r"^[wWb](\d|\[|_|$)")

#: fill and border colour per kind of node
KIND_STYLE = {
    "parameter": ("#dbeafe", "#1d4ed8"),
    "input": ("#f3f4f6", "#6b7280"),
    "intermediate": ("#ffffff", "#374151"),
}
HIGHLIGHT = "#dc2626"


def node_kind(node, params=None) -> str:
    """``"intermediate"`` (made by an op), ``"parameter"`` or ``"input"`` (leaves).

    A Tensor leaf with ``requires_grad=False`` is an input (X, Y). Otherwise ``params``
    (a collection of nodes), when given, decides; without it a leaf whose label is one of
    the notes' parameter names (w1, b, W2, b[1], ...) is a parameter.
    """
    if node._op is not None:
        return "intermediate"
    if not getattr(node, "requires_grad", True):
        return "input"
    if params is not None:
        return "parameter" if any(node is p for p in params) else "input"
    return "parameter" if node.label and _PARAM_LABEL.match(str(node.label)) else "input"


def grad_fill(fraction: float) -> str:
    """White for |grad| = 0 up to orange for the largest |grad| in the picture."""
    f = min(max(fraction, 0.0), 1.0)
    r, g, b = (round(255 + (t - 255) * f) for t in (0xF9, 0x73, 0x16))
    return f"#{r:02x}{g:02x}{b:02x}"


def new_digraph(name: str, rankdir: str, title: str | None) -> graphviz.Digraph:
    """A Digraph with the shared look; ``title`` (already escaped HTML-label text) goes on top."""
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT'; got {rankdir!r}")
    graph_attr = {"rankdir": rankdir, "fontname": "DejaVu Sans", "nodesep": "0.3", "ranksep": "0.5"}
    if title:
        graph_attr.update(label=f"<{title}>", labelloc="t", fontsize="14")
    return graphviz.Digraph(
        name=name,
        graph_attr=graph_attr,
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "DejaVu Sans", "fontsize": "11"},
        edge_attr={"fontname": "DejaVu Sans", "fontsize": "9", "color": "#4b5563", "arrowsize": "0.7"},
    )
