"""Rendering with Graphviz's dot, writing DOT without it, and hostile labels shown as written."""

import re
import xml.etree.ElementTree as ET

import pytest

from autograd_mini import Value
from autograd_mini.notes_graph import logistic_graph
from viz import GraphvizNotInstalled, draw_derivative_graph, draw_graph, export_step_frames, render
from viz.render import svg_text

HOSTILE = 'q"uote {brace} <b>bold</b> <script>alert(1)</script> back\\slash \\n end\\'
INJECT = '> fillcolor="red"] n99 [label=<x'


def svg_lines(svg: str) -> list[str]:
    """Every line of text drawn in the SVG, entities decoded."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def hostile_graph():
    a = Value(2.0, label=HOSTILE)
    b = Value(3.0, label="two\nlines")
    c = Value(1.0, label=INJECT)
    out = (a * b) + c
    out.label = "out"
    out.backward()
    return out


def test_render_svg_holds_the_labels(tmp_path):
    L = logistic_graph()
    L.backward()
    path = render(draw_graph(L, edge_derivatives=True), tmp_path / "graph.svg")
    lines = svg_lines(path.read_text(encoding="utf-8"))
    for name in ("x1", "w1", "w1x1", "z", "a", "L"):
        assert name in lines
    assert "∂a/∂z = a(1 - a) = 0.2494" in lines and "-0.475" in lines


def test_render_png_pdf_and_dot(tmp_path):
    g = draw_graph(logistic_graph())
    assert render(g, tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert render(g, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert render(g, tmp_path / "g.gv", format="dot").read_text(encoding="utf-8") == g.source
    assert render(logistic_graph(), tmp_path / "direct.svg").read_text(encoding="utf-8").count("<svg") == 1
    with pytest.raises(ValueError, match="svg, png, pdf, dot"):
        render(g, tmp_path / "g.jpeg")


def test_without_dot_the_source_is_written_and_rendering_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    g = draw_graph(logistic_graph())
    assert render(g, tmp_path / "g.dot").read_text(encoding="utf-8") == g.source
    with pytest.raises(GraphvizNotInstalled, match="apt-get install graphviz"):
        render(g, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_hostile_labels_show_as_written_in_dot_and_svg():
    out = hostile_graph()
    for graph, prefix in ((draw_graph(out, edge_derivatives=True), ""), (draw_derivative_graph(out), "d")):
        svg = svg_text(graph)  # dot parses the source: nothing broke it
        lines = svg_lines(svg)
        assert len(re.findall(r'class="node"', svg)) == 5
        assert "<title>n99</title>" not in svg and "<title>d99</title>" not in svg
        assert "<script" not in svg.replace("&lt;script", "") and "<b>" not in svg
        assert f"{prefix}two" in lines and "lines" in lines  # the newline is a line break
        assert f"{prefix}{INJECT}" in lines
        assert f"{prefix}{HOSTILE}" in lines
    edge_lines = svg_lines(svg_text(draw_graph(out, edge_derivatives=True)))
    # ∂(a·b)/∂a = b, named by b's two-line label, and ∂(a·b)/∂b = a
    assert f"∂v2/∂{HOSTILE} = two" in edge_lines and "lines = 3" in edge_lines
    assert f"lines = {HOSTILE} = 2" in edge_lines


def test_numbered_step_frames(tmp_path):
    L = logistic_graph()
    L.backward()
    files = export_step_frames(L, tmp_path / "frames", format="svg")
    assert [f.name for f in files] == [f"step_{k:03d}.svg" for k in range(1, 13)]
    lines = svg_lines(files[3].read_text(encoding="utf-8"))
    assert "step 4/12: dz = da · a(1 - a) = -0.475" in lines
    assert lines.count("not computed yet") == 8  # after 4 steps, 8 gradients are still to come
    pngs = export_step_frames(L, tmp_path / "png", format="png")
    assert len(pngs) == 12 and pngs[0].read_bytes().startswith(b"\x89PNG")
