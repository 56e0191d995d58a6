"""What every Graphviz picture shares: node names that say what a node is, wrapped lines, the direction.

A node's DOT name is what Graphviz writes as its ``<title>`` (a tooltip in a browser), so it is
the node's own name, never an internal number; the page finds nodes by their ``id`` attribute.

>>> print(dot_id('a "b"'))
"a \\"b\\""
>>> wrap("x = " + " + ".join(["y"] * 30), 30)[:2]
['x = y + y + y + y + y + y', '  + y + y + y + y + y + y']
"""

from __future__ import annotations

from ._format import visible_text

__all__ = ["dot_id", "wrap", "auto_rankdir", "edge_label_kind", "WRAP"]

#: the longest line a node's formula keeps before it wraps
WRAP = 48
#: edge labels take part in dot's layout, which slows it past tens of them (a 60-term sum's derivative
#: graph: 5.6 s with its 60 labels in the layout, 1.3 s with them placed after it)
EDGE_LABELS_IN_LAYOUT = 30


def edge_label_kind(g, edges: int) -> str:
    """The attribute for edge labels: ``label`` (laid out with the graph) up to EDGE_LABELS_IN_LAYOUT
    edges, beyond ``xlabel`` (placed after the layout, every one shown)."""
    if edges <= EDGE_LABELS_IN_LAYOUT:
        return "label"
    g.graph_attr["forcelabels"] = "true"
    return "xlabel"


def dot_id(name: str) -> str:
    """``name`` as a quoted DOT name: its visible text, a quote escaped, and a trailing backslash kept
    apart from the closing quote (DOT reads \\" as a quote)."""
    text = visible_text(name).replace('"', '\\"').replace("\n", " ")
    return f'"{text} "' if text.endswith("\\") else f'"{text}"'


def wrap(text: str, width: int = WRAP) -> list[str]:
    """A formula cut into lines of at most about ``width`` characters before a `` + `` or `` - ``."""
    lines: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = max(line.rfind(" + ", 0, width), line.rfind(" - ", 0, width))
            if cut <= 0:
                break
            lines.append(line[:cut])
            line = "  " + line[cut + 1:]
        lines.append(line)
    return lines


def auto_rankdir(rankdir: str, count: int, edges: list, ratio: float = 2) -> str:
    """``rankdir``, or for "auto" the direction that keeps the picture near the shape of a slide:
    left to right, unless that would be more than ``ratio`` times as wide as tall (a long chain),
    then top to bottom. Estimated from the ranks: the longest path sets the length, the widest rank
    the breadth, a node being about three times as wide as tall."""
    if rankdir != "auto":
        return rankdir
    parents: dict = {k: [] for k in range(count)}
    for a, b in edges:
        parents.setdefault(b, []).append(a)
    rank: dict = {}
    for k in range(count):  # nodes come in an order where each follows the edges into it
        rank[k] = max((rank.get(a, 0) + 1 for a in parents[k] if a in rank), default=0)
    length = max(rank.values(), default=0) + 1
    breadth = max((list(rank.values()).count(r) for r in set(rank.values())), default=1)
    return "TB" if 3 * length > ratio * breadth else "LR"
