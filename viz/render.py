"""Write a graph to files (svg, png, pdf, dot) and get SVG text for pages.

The DOT source is plain text and is always written; the other formats run Graphviz's
``dot`` program, once for all of them (one layout), and without it
:class:`GraphvizNotInstalled` says how to install it; when ``dot`` fails,
:class:`GraphvizError` says what it said. A graph too large for ``dot`` to lay out in a few
seconds is refused before ``dot`` runs (:class:`GraphTooLarge`). A PNG is drawn from the same
layout only when it stays under :data:`MAX_PNG_PIXELS`: past it, rasterising takes seconds and the
picture is too large to read as a whole at any zoom, so :func:`render_all` leaves it out with a
:class:`PictureTooLarge` warning (the SVG holds the picture) and :func:`render` refuses it. Every
file is written atomically, and missing folders are created.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import tempfile
import warnings
from pathlib import Path

import graphviz

from autograd_mini.atomic import atomic_write

__all__ = ["FORMATS", "GraphvizNotInstalled", "GraphvizError", "GraphTooLarge", "PictureTooLarge", "MAX_RENDER_NODES",
           "MAX_PNG_PIXELS", "check_size", "render", "render_all", "svg_text"]

FORMATS = ("svg", "png", "pdf", "dot")
#: past this many nodes (drawn boxes) dot's layout takes more than a few seconds (measured: 1,000
#: labelled nodes about 3 s on the development machine, 10,000 did not finish in minutes)
MAX_RENDER_NODES = 1500
#: the PNG cap: 16 megapixels (4,000 × 4,000 px at Graphviz's 96 dpi), about 13 screens of 1400 × 900; past
#: it rasterising takes seconds (a 60-term sum's 30-megapixel PNG took 2.2 s of a 5.9 s command)
MAX_PNG_PIXELS = 16_000_000
_PNG_DPI = 96  # Graphviz draws PNGs at 96 dots per inch, 72 points to the inch
_SCREEN = (1400, 900)

_INSTALL = ("Graphviz's `dot` program is needed to render {fmt} but was not found on PATH. Install it: "
            "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
            "`conda install graphviz`. The DOT source can still be written with format='dot'.")
# a node's DOT name is a word or a quoted name (the name a picture shows); graph, node and edge lines set defaults
_NAME = r'(?:"(?:[^"\\]|\\.)*"|\w+)'
_NODE_LINE = re.compile(rf"^\t+(?!(?:graph|node|edge) \[){_NAME} \[", re.M)
_EDGE_LINE = re.compile(rf"^\t+{_NAME} -> ", re.M)


class GraphvizNotInstalled(RuntimeError):
    """Rendering needs Graphviz's ``dot`` binary (Debian: ``apt-get install graphviz``)."""


class GraphvizError(RuntimeError):
    """``dot`` ran but refused the graph; the message holds what it wrote to stderr."""


class GraphTooLarge(ValueError):
    """The graph is too large to lay out (or its PNG to draw) in a few seconds; the message says how
    large and what to do."""


class PictureTooLarge(UserWarning):
    """A PNG left out by :func:`render_all`: ``path`` would be ``width`` × ``height`` px, past the PNG cap."""

    def __init__(self, path, width: int, height: int, max_pixels: int):
        self.path, self.width, self.height = Path(path), width, height
        super().__init__(f"{self.path.name} not written: {_too_large(width, height, max_pixels)}")


def _too_large(width: int, height: int, max_pixels: int) -> str:
    screens = math.ceil(width * height / (_SCREEN[0] * _SCREEN[1]))
    return (f"the PNG would be {width:,} × {height:,} px ({width * height / 1e6:.1f} megapixels), past the PNG cap of "
            f"{max_pixels / 1e6:g} megapixels (max_pixels). At a size where its text is readable it spans about "
            f"{screens} screens of {_SCREEN[0]} × {_SCREEN[1]}, too large to read as a whole at any zoom: the SVG "
            "holds every node (zoom and pan in a browser), and the collapsed picture (draw_graph with max_nodes "
            "below the node count: one box per neuron, layer or stretch of a chain) reads as a whole")


def check_size(nodes: int, edges: int, limit: int, way_out: str, limit_name: str = "max_nodes",
               what: str = "nodes") -> None:
    """Refuse a graph of more than ``limit`` nodes (the limit called ``limit_name``) before Graphviz is
    asked to lay it out; ``way_out`` says what to do instead; ``what`` the nodes counted (a derivative graph
    counts its gradient nodes, fewer than the computational graph's nodes)."""
    if nodes > limit:
        raise GraphTooLarge(f"the graph has {nodes:,} {what} and {edges:,} edges, more than the {limit:,} of "
                            f"{limit_name}: {way_out}")


def _digraph(graph) -> graphviz.Digraph:
    if isinstance(graph, graphviz.Digraph):
        return graph
    from .graph import draw_graph

    return draw_graph(graph)


def _check_source(graph: graphviz.Digraph, max_nodes: int) -> None:
    source = graph.source
    nodes = len(_NODE_LINE.findall(source))
    if graph.name == "derivative_graph":  # it has no collapsed form; the computational graph's shows its gradients
        collapsed = ("the derivative graph has no collapsed form, but draw_graph(root, max_nodes="
                     f"{min(max_nodes, 300)}) draws the computational graph collapsed, each box with its gradients")
    else:
        collapsed = ("draw it collapsed (draw_graph with max_nodes below the node count: one box per neuron, layer "
                     "or stretch of a chain)")
    check_size(nodes, len(_EDGE_LINE.findall(source)), max_nodes,
               f"{collapsed}, render a smaller graph, or pass max_nodes={nodes} (Graphviz then takes minutes)",
               "render's max_nodes, the render cap: past it Graphviz takes more than a few seconds to lay a graph out",
               "gradient nodes" if graph.name == "derivative_graph" else "nodes")


def _graphviz(program: list[str], source: bytes, formats: list[str], folder: str, stem: str) -> dict:
    """Run Graphviz's ``program`` on ``source`` once, writing every format; returns the bytes per format."""
    outputs = {fmt: os.path.join(folder, f"{stem}.{fmt}") for fmt in formats}
    command = program + [arg for fmt in formats for arg in (f"-T{fmt}", f"-o{outputs[fmt]}")]
    try:
        done = subprocess.run(command, input=source, capture_output=True)
    except FileNotFoundError:
        raise GraphvizNotInstalled(_INSTALL.format(fmt=", ".join(formats))) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        error = graphviz.CalledProcessError(done.returncode, command, output=done.stdout, stderr=done.stderr)
        raise GraphvizError(f"Graphviz's {program[0]} could not render the graph as {', '.join(formats)}: {said}") \
            from error
    return {fmt: Path(path).read_bytes() for fmt, path in outputs.items()}


def _png_size(laid_out: bytes) -> tuple[int, int]:
    """The PNG's width and height in pixels, from the bounding box of the laid-out DOT (plus Graphviz's 4 pt pad)."""
    box = re.search(rb'\bbb="([\d.\-]+),([\d.\-]+),([\d.\-]+),([\d.\-]+)"', laid_out)
    x0, y0, x1, y1 = (float(v) for v in box.groups())
    return tuple(round((extent + 8) * _PNG_DPI / 72) for extent in (x1 - x0, y1 - y0))


# Graphviz's <title>s, which a browser shows on hover: the graph's and a cluster's name, an edge's "tail:port->head:port"
_GRAPH_TITLE = re.compile(r'(<g id="graph\d+" class="graph"[^>]*>\s*)<title>[^<]*</title>\s*')
_CLUSTER_TITLE = re.compile(r'(<g id="clust\d+" class="cluster">\s*)<title>([^<]*)</title>\s*(.*?)(?=</g>)', re.S)
_EDGE_TITLE = re.compile(r'(<g id="[^"]*" class="edge">\s*)<title>([^<]*)</title>')
_PORT = re.compile(r":(?:n|ne|e|se|s|sw|w|nw|c|_)$")


def _readable_titles(svg: str) -> str:
    """The SVG's hover titles in a learner's words: none for the graph (its name is internal), a cluster's
    label (or "layer 2" for cluster_layer2; none for a numbered one without a label), an edge's "from A to B"
    without port suffixes. A node's title is its name already (its DOT name)."""
    def cluster(match):
        label = " ".join(t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", match.group(3)) if t.strip())
        name = label or re.sub(r"^cluster_?", "", match.group(2))
        name = re.sub(r"^layer(\d+)$", r"layer \1", name)
        title = "" if not name or name.isdigit() else f"<title>{name}</title>\n"
        return f"{match.group(1)}{title}{match.group(3)}"

    def edge(match):
        ends = match.group(2).split("&#45;&gt;")
        if len(ends) != 2:
            return match.group(1)
        tail, head = (_PORT.sub("", end) for end in ends)
        return f"{match.group(1)}<title>from {tail} to {head}</title>"

    svg = _GRAPH_TITLE.sub(r"\1", svg, count=1)
    return _EDGE_TITLE.sub(edge, _CLUSTER_TITLE.sub(cluster, svg))


def _run_dot(source: str, formats: list[str], max_pixels: int | None = MAX_PNG_PIXELS) -> dict:
    """Lay ``source`` out once and write it in every format; returns the bytes per format (an SVG's hover
    titles made readable).

    A PNG is drawn from that layout (``neato -n2`` keeps dot's positions) only after its size is known:
    past ``max_pixels`` its entry is the :class:`PictureTooLarge` warning instead of bytes.
    """
    content = _run_graphviz(source, formats, max_pixels)
    if "svg" in content:
        content["svg"] = _readable_titles(content["svg"].decode("utf-8")).encode("utf-8")
    return content


def _run_graphviz(source: str, formats: list[str], max_pixels: int | None) -> dict:
    first = [fmt for fmt in formats if fmt != "png"]
    with tempfile.TemporaryDirectory() as folder:
        if "png" not in formats:
            return _graphviz(["dot"], source.encode("utf-8"), first, folder, "out")
        content = _graphviz(["dot"], source.encode("utf-8"), first + ["dot"], folder, "out")
        laid_out = content.pop("dot")
        width, height = _png_size(laid_out)
        if max_pixels is not None and width * height > max_pixels:
            content["png"] = (width, height)
        else:
            content.update(_graphviz(["neato", "-n2"], laid_out, ["png"], folder, "laid_out"))
        return content


def svg_text(graph, max_nodes: int = MAX_RENDER_NODES) -> str:
    """The graph rendered to SVG, as text (needs ``dot``)."""
    return svg_and_png(graph, max_nodes, png=False)[0]


def svg_and_png(graph, max_nodes: int = MAX_RENDER_NODES, png: bool = True) -> tuple:
    """The graph as SVG text and, from the same layout, PNG bytes (None past the PNG cap, or not asked for)."""
    graph = _digraph(graph)
    _check_source(graph, max_nodes)
    drawn = _run_dot(graph.source, ["svg", "png"] if png else ["svg"])
    picture = drawn.get("png")
    return drawn["svg"].decode("utf-8"), picture if isinstance(picture, bytes) else None


def render_all(graph, paths, max_nodes: int = MAX_RENDER_NODES, max_pixels: int | None = MAX_PNG_PIXELS) -> list[Path]:
    """Write ``graph`` to every path in ``paths`` (the format from each suffix) from one layout; returns the
    paths written. A PNG past ``max_pixels`` pixels (None: no cap) is left out with a :class:`PictureTooLarge`
    warning that says how large it would be and what reads instead."""
    paths = [Path(p) for p in paths]
    formats = []
    for path in paths:
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt or 'none'!r} for {path} "
                             f"(give the path a suffix such as .svg)")
        formats.append(fmt)
    graph = _digraph(graph)
    source = graph.source
    drawn = [fmt for fmt in dict.fromkeys(formats) if fmt != "dot"]
    if drawn:
        _check_source(graph, max_nodes)
    content = _run_dot(source, drawn, max_pixels) if drawn else {}
    content["dot"] = source.encode("utf-8")
    written = []
    for path, fmt in zip(paths, formats):
        if isinstance(content[fmt], tuple):
            warnings.warn(PictureTooLarge(path, *content[fmt], max_pixels), stacklevel=2)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(atomic_write(path, content[fmt]))
    return written


def render(graph, path, format: str | None = None, max_nodes: int = MAX_RENDER_NODES,
           max_pixels: int | None = MAX_PNG_PIXELS) -> Path:
    """Write ``graph`` (a Digraph from ``draw_graph``/``draw_derivative_graph``, or a Value/Tensor
    drawn with the defaults) to ``path`` as ``format``: svg, png, pdf or dot (default: the
    path's suffix). Missing folders are created; the file is replaced atomically. A graph
    of more than ``max_nodes`` nodes is refused before ``dot`` runs, a PNG of more than
    ``max_pixels`` pixels (None: no cap) after the layout. Returns the path written.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt or 'none'!r} "
                         f"(pass format= or give the path a suffix such as .svg)")
    graph = _digraph(graph)
    if fmt == "dot":
        content = graph.source.encode("utf-8")
    else:
        _check_source(graph, max_nodes)
        content = _run_dot(graph.source, [fmt], max_pixels)[fmt]
        if isinstance(content, tuple):
            raise GraphTooLarge(f"{path.name} not written: {_too_large(*content, max_pixels)}; render(..., "
                                "max_pixels=None) draws the PNG all the same")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, content)
    return path
