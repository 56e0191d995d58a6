"""Write a graph to a file (svg, png, pdf, dot) and get SVG text for pages.

The DOT source is plain text and is always written; the other formats run Graphviz's
``dot`` program, and without it :class:`GraphvizNotInstalled` says how to install it;
when ``dot`` fails, :class:`GraphvizError` says what it said.
"""

from __future__ import annotations

from pathlib import Path

import graphviz

__all__ = ["FORMATS", "GraphvizNotInstalled", "GraphvizError", "render", "svg_text"]

FORMATS = ("svg", "png", "pdf", "dot")

_INSTALL = ("Graphviz's `dot` program is needed to render {fmt} but was not found on PATH. Install it: "
            "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
            "`conda install graphviz`. The DOT source can still be written with format='dot'.")


class GraphvizNotInstalled(RuntimeError):
    """Rendering needs Graphviz's ``dot`` binary (Debian: ``apt-get install graphviz``)."""


class GraphvizError(RuntimeError):
    """``dot`` ran but refused the graph; the message holds what it wrote to stderr."""


def _digraph(graph) -> graphviz.Digraph:
    if isinstance(graph, graphviz.Digraph):
        return graph
    from .graph import draw_graph

    return draw_graph(graph)


def _pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotInstalled(_INSTALL.format(fmt=fmt)) from None
    except graphviz.CalledProcessError as e:
        said = (e.stderr or b"").decode("utf-8", "replace").strip() or f"exit status {e.returncode}"
        raise GraphvizError(f"Graphviz's dot could not render the graph as {fmt}: {said}") from e


def svg_text(graph) -> str:
    """The graph rendered to SVG, as text (needs ``dot``)."""
    return _pipe(_digraph(graph), "svg").decode("utf-8")


def render(graph, path, format: str | None = None) -> Path:
    """Write ``graph`` (a Digraph from ``draw_graph``/``draw_derivative_graph``, or a Value/Tensor
    drawn with the defaults) to ``path`` as ``format``: svg, png, pdf or dot (default: the
    path's suffix). Returns the path written.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt or 'none'!r} "
                         f"(pass format= or give the path a suffix such as .svg)")
    graph = _digraph(graph)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
    else:
        path.write_bytes(_pipe(graph, fmt))
    return path
