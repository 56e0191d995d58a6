"""Rendering with Graphviz's dot, writing DOT without it, and hostile labels shown as written."""

import json
import re
import xml.etree.ElementTree as ET

import graphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value
from autograd_mini.notes_graph import logistic_graph
from viz import (GraphvizError, GraphvizNotInstalled, draw_derivative_graph, draw_graph, export_step_frames,
                 render, step_through_html)
from viz._format import MAX_LABEL_CHARS, html_label_text
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
    for name in ("x1", "w1", "z", "a", "L"):
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
    # a gradient's name is d(label) where the label is not one symbol
    for graph, (start, end) in ((draw_graph(out, edge_derivatives=True), ("", "")),
                                (draw_derivative_graph(out), ("d(", ")"))):
        svg = svg_text(graph)  # dot parses the source: nothing broke it
        lines = svg_lines(svg)
        assert len(re.findall(r'class="node"', svg)) == 5
        assert "<title>n99</title>" not in svg and "<title>d99</title>" not in svg
        assert "<script" not in svg.replace("&lt;script", "") and "<b>" not in svg
        assert any(line.endswith(f"{start}two") for line in lines)  # the newline is a line break
        assert f"lines{end}" in lines
        assert any(line.endswith(f"{start}{INJECT}{end}") for line in lines)
        assert any(line.endswith(f"{start}{HOSTILE}{end}") for line in lines)
    edge_lines = svg_lines(svg_text(draw_graph(out, edge_derivatives=True)))
    # ∂(a·b)/∂a = b, named by b's two-line label, and ∂(a·b)/∂b = a; a·b is too long a name: prod1
    assert f"∂u₁/∂({HOSTILE}) = two" in edge_lines and "lines = 3" in edge_lines
    assert f"lines) = {HOSTILE} = 2" in edge_lines  # ∂u₁/∂(two lines): a name with spaces in parentheses


LONG = "λ" * 2000 + "<end>"
NBSP = "\xa0"
# label -> the lines its node shows in draw_graph, and in draw_derivative_graph (d + label): a
# control character shows as its Python escape, a tab as ⇥, every str.splitlines() boundary
# breaks the line, and a label of nothing but line breaks shows them escaped, never blank
ODD_LABELS = {
    "\n": (["\\n"], ["d(", ")"]),
    "\r": (["\\r"], ["d(", ")"]),
    "\r\n": (["\\r\\n"], ["d(", ")"]),
    "\u2028": (["\\u2028"], ["d(", ")"]),
    "\x00": (["\\x00"], ["d(\\x00)"]),
    "\x01": (["\\x01"], ["d(\\x01)"]),
    "a\x0bb": (["a", "b"], ["d(a", "b)"]),
    "tab\there": (["tab⇥here"], ["d(tab⇥here)"]),
    "\x7f": (["\\x7f"], ["d(\\x7f)"]),
    "\ud800": (["\\ud800"], ["d(\\ud800)"]),
    "\ufffe": (["\\ufffe"], ["d(\\ufffe)"]),
    "x\x85y\x1cz": (["x", "y", "z"], ["d(x", "y", "z)"]),
    "": (["w1"], ["dw1"]),  # no label: a leaf gets a name by its role (a product's left factor: w1)
    LONG: ([LONG[:MAX_LABEL_CHARS] + "… (+1505 characters)"],
           ["d(" + LONG[:MAX_LABEL_CHARS - 2] + "… (+1508 characters)"]),
}
# (a gradient's name is d + the label where the label is one symbol, d(label) otherwise, so that
# the d never reads as part of the label)


@pytest.mark.parametrize("label", list(ODD_LABELS), ids=lambda label: ascii(label)[:20])
def test_odd_labels_render_with_dot_and_show_visibly(label, tmp_path):
    shown, shown_as_grad = ODD_LABELS[label]
    v = Value(3.0, label=label)
    w = v * 2
    w.label = "w"
    w.backward()
    # the derivative graph numbers each gradient in the teacher's order: dw is 1, v's is 2
    for graph, expected in ((draw_graph(w), shown), (draw_graph(w, edge_derivatives=True), shown),
                            (draw_derivative_graph(w), [f"2. {shown_as_grad[0]}"] + shown_as_grad[1:])):
        lines = svg_lines(svg_text(graph))  # dot rendered it
        at = lines.index(expected[0])
        assert lines[at:at + len(expected)] == expected
    assert render(w, tmp_path / "w.svg").exists()  # the reviewer's reproducer
    page = step_through_html(w, tmp_path / "w.html", title=label)  # written as UTF-8: no lone surrogate left
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]
    assert len(frames) == 3 and page.count("<svg") == 1  # w forward; dw, dv backward; one layout
    assert all(c.isprintable() or c in "\n\t" for c in "".join(f["text"] for f in frames))  # pre-wrap shows a tab


@given(st.lists(st.text(st.characters(codec=None, exclude_categories=())), min_size=1, max_size=6))
def test_any_text_renders_and_shows_its_words(texts):
    g = graphviz.Digraph()
    for i, text in enumerate(texts):
        g.body.append(f"\tn{i} [label=<{html_label_text(text)}>]\n")
    svg = svg_text(g)
    assert svg.count('class="node"') == len(texts)
    drawn = " ".join(" ".join(svg_lines(svg)).split())
    for text in texts:
        for word in text.replace("\t", "⇥").split():
            if word.isprintable() and len(text) <= MAX_LABEL_CHARS:
                assert word in drawn


def test_dot_failing_is_a_clear_error(tmp_path):
    g = graphviz.Digraph()
    g.body.append("\tn0 [label=<<B></B>>]\n")  # an empty element, as a bad label once made
    with pytest.raises(GraphvizError, match="dot could not render the graph as svg: .*syntax error") as error:
        render(g, tmp_path / "bad.svg")
    assert isinstance(error.value, RuntimeError) and isinstance(error.value.__cause__, graphviz.CalledProcessError)
    assert not (tmp_path / "bad.svg").exists()


def test_numbered_step_frames(tmp_path):
    L = logistic_graph()
    L.backward()
    files = export_step_frames(L, tmp_path / "frames")
    assert [f.name for f in files] == [f"frame_{k:03d}.svg" for k in range(1, 10)]  # 3 forward, 6 backward
    svgs = [f.read_text(encoding="utf-8") for f in files]
    caption = svg_lines(svgs[5])[-1]  # backward step 3: dz, its text on top
    assert "dz = da · a(1 - a)" in caption and "the notes: dz = a - y = 0.525 - 1 = -0.475" in caption
    # topological positions: w1 0, x1 1, w2 2, x2 3, b 4, z 5, a 6, y 7, L 8
    hidden = re.search(r"<style>(.*?)\{ visibility: hidden; \}", svgs[5]).group(1)
    assert sorted(re.findall(r"#a_g(\d+)", hidden)) == ["0", "2", "4"]  # dw1, dw2, db are not final yet
    assert "#n5 > polygon" in svgs[5]  # z is this frame's node
    # one layout: every frame draws every node at the same place
    shapes = {re.sub(r"<style>.*?</style>|<text xml:space=\"preserve\".*?</text></svg>", "", svg, flags=re.S)
              for svg in svgs}
    assert len(shapes) == 1


def _png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]  # the PNG signature, then the IHDR chunk: width and height, big-endian
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_a_png_past_the_pixel_cap_is_left_out_with_a_warning_and_the_svg_written(tmp_path):
    from autograd_mini.expr import build_expression
    from viz import GraphTooLarge, PictureTooLarge, render_all

    root, _ = build_expression("+".join(["x"] * 60), {"x": 2.0})
    root.backward()
    graph = draw_graph(root, edge_derivatives=True)
    with pytest.warns(PictureTooLarge, match=r"too large to read as a whole at any zoom") as caught:
        written = render_all(graph, [tmp_path / "g.svg", tmp_path / "g.png"])
    assert written == [tmp_path / "g.svg"] and not (tmp_path / "g.png").exists()
    big = caught[0].message
    assert big.width * big.height > 16_000_000 and "megapixels" in str(big)
    # the size the warning states is the size the PNG has when drawn all the same, from the same layout
    render_all(graph, [tmp_path / "all.png"], max_pixels=None)
    width, height = _png_size(tmp_path / "all.png")
    assert abs(width - big.width) <= 2 and abs(height - big.height) <= 2
    with pytest.raises(GraphTooLarge, match=r"max_pixels=None"):
        render(graph, tmp_path / "one.png")
    # a small picture's PNG is drawn from the same layout as its SVG: same size, every node in place
    L = logistic_graph()
    L.backward()
    small = draw_graph(L)
    render_all(small, [tmp_path / "s.svg", tmp_path / "s.png"])
    box = re.search(r'viewBox="0.00 0.00 ([\d.]+) ([\d.]+)"', (tmp_path / "s.svg").read_text())
    width, height = _png_size(tmp_path / "s.png")
    assert abs(width - float(box.group(1)) * 96 / 72) < 3 and abs(height - float(box.group(2)) * 96 / 72) < 3
