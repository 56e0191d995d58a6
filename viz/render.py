"""Write a graph to files (svg, png, pdf, dot) and get SVG text for pages.

The DOT source is plain text and is always written; the other formats run Graphviz's
``dot`` program, once for all of them (one layout), and without it
:class:`GraphvizNotInstalled` says how to install it; when ``dot`` fails,
:class:`GraphvizError` says what it said. A graph too large for ``dot`` to lay out in a few
seconds is refused before ``dot`` runs (:class:`GraphTooLarge`). Every file is written
atomically, and missing folders are created.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import graphviz

from autograd_mini.atomic import atomic_write

__all__ = ["FORMATS", "GraphvizNotInstalled", "GraphvizError", "GraphTooLarge", "MAX_RENDER_NODES", "check_size",
           "render", "render_all", "svg_text"]

FORMATS = ("svg", "png", "pdf", "dot")
#: past this many nodes (drawn boxes) dot's layout takes more than a few seconds (measured: 1,000
#: labelled nodes about 3 s on the development machine, 10,000 did not finish in minutes)
MAX_RENDER_NODES = 1500

_INSTALL = ("Graphviz's `dot` program is needed to render {fmt} but was not found on PATH. Install it: "
            "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
            "`conda install graphviz`. The DOT source can still be written with format='dot'.")
_NODE_LINE = re.compile(r"^\t+\w+ \[", re.M)
_EDGE_LINE = re.compile(r"^\t+\w+ -> ", re.M)


class GraphvizNotInstalled(RuntimeError):
    """Rendering needs Graphviz's ``dot`` binary (Debian: ``apt-get install graphviz``)."""


class GraphvizError(RuntimeError):
    """``dot`` ran but refused the graph; the message holds what it wrote to stderr."""


class GraphTooLarge(ValueError):
    """The graph is too large to lay out in a few seconds; the message says how large and what to do."""


def check_size(nodes: int, edges: int, limit: int, way_out: str) -> None:
    """Refuse a graph of more than ``limit`` nodes before Graphviz is asked to lay it out."""
    if nodes > limit:
        raise GraphTooLarge(f"the graph has {nodes:,} nodes and {edges:,} edges, more than the {limit:,} that "
                            f"Graphviz lays out in a few seconds: {way_out} (the limit is max_nodes, "
                            "--max-nodes on the command line)")


def _digraph(graph) -> graphviz.Digraph:
    if isinstance(graph, graphviz.Digraph):
        return graph
    from .graph import draw_graph

    return draw_graph(graph)


def _check_source(source: str, max_nodes: int) -> None:
    nodes = len(_NODE_LINE.findall(source))
    check_size(nodes, len(_EDGE_LINE.findall(source)), max_nodes,
               "draw it collapsed (draw_graph's max_nodes, one box per neuron or layer), or render a smaller graph")


def _run_dot(source: str, formats: list[str]) -> dict:
    """Lay ``source`` out once and write it in every format; returns the bytes per format."""
    with tempfile.TemporaryDirectory() as folder:
        outputs = {fmt: os.path.join(folder, f"out.{fmt}") for fmt in formats}
        command = ["dot"] + [arg for fmt in formats for arg in (f"-T{fmt}", f"-o{outputs[fmt]}")]
        try:
            done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True)
        except FileNotFoundError:
            raise GraphvizNotInstalled(_INSTALL.format(fmt=", ".join(formats))) from None
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
            error = graphviz.CalledProcessError(done.returncode, command, output=done.stdout, stderr=done.stderr)
            raise GraphvizError(f"Graphviz's dot could not render the graph as {', '.join(formats)}: {said}") \
                from error
        return {fmt: Path(path).read_bytes() for fmt, path in outputs.items()}


def svg_text(graph, max_nodes: int = MAX_RENDER_NODES) -> str:
    """The graph rendered to SVG, as text (needs ``dot``)."""
    source = _digraph(graph).source
    _check_source(source, max_nodes)
    return _run_dot(source, ["svg"])["svg"].decode("utf-8")


def render_all(graph, paths, max_nodes: int = MAX_RENDER_NODES) -> list[Path]:
    """Write ``graph`` to every path in ``paths`` (the format from each suffix) from one layout."""
    paths = [Path(p) for p in paths]
    formats = []
    for path in paths:
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt or 'none'!r} for {path} "
                             f"(give the path a suffix such as .svg)")
        formats.append(fmt)
    source = _digraph(graph).source
    drawn = [fmt for fmt in dict.fromkeys(formats) if fmt != "dot"]
    if drawn:
        _check_source(source, max_nodes)
    content = _run_dot(source, drawn) if drawn else {}
    content["dot"] = source.encode("utf-8")
    for path, fmt in zip(paths, formats):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, content[fmt])
    return paths


def render(graph, path, format: str | None = None, max_nodes: int = MAX_RENDER_NODES) -> Path:
    """Write ``graph`` (a Digraph from ``draw_graph``/``draw_derivative_graph``, or a Value/Tensor
    drawn with the defaults) to ``path`` as ``format``: svg, png, pdf or dot (default: the
    path's suffix). Missing folders are created; the file is replaced atomically. A graph
    of more than ``max_nodes`` nodes is refused before ``dot`` runs. Returns the path written.
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
        _check_source(graph.source, max_nodes)
        content = _run_dot(graph.source, [fmt])[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, content)
    return path
