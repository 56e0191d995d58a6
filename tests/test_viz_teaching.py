"""What a learner reads on the pages, every frame, in a real browser: one symbol per quantity, no internal
names, the notes' formulas where they apply, the teacher's order, arrows along the gradient, the view following."""

import html
import json
import re

import pytest

from autograd_mini.notes_graph import logistic_graph
from test_viz_html import browser, frames_of, open_page, text  # noqa: F401  (the browser fixture)
from viz_nets import deep_net_cost, logistic_cost, small_cnn_cost, softmax_cost

INTERNAL = re.compile(r"\b(sum|const|p|n)\d")
GRAPHS = {
    "notes": lambda: logistic_graph(),
    "logistic": lambda: logistic_cost(m=4),
    "deepnet": lambda: deep_net_cost()[0],
    "deepnet_l2": lambda: deep_net_cost_l2(),
    "softmax": lambda: softmax_cost(),
    "cnn": lambda: small_cnn_cost(),
}


def deep_net_cost_l2():
    import numpy as np

    from autograd_mini import DeepNet

    rng = np.random.default_rng(0)
    net = DeepNet([2, 4, 3, 1], initialization="he", seed=0)
    X = rng.standard_normal((2, 8))
    Y = (rng.random((1, 8)) > 0.5).astype(float)
    return net.cost(X, Y, lambd=0.7)


def same_symbol_equation(line: str):
    """An equation in ``line`` whose two sides print the same thing (``wᵀ = wᵀ``), or None."""
    sides = [side.strip() for side in re.split(r"(?<![<>≥≤!])=(?!=)", line)]
    for left, right in zip(sides, sides[1:]):
        if left and left.replace(" ", "") == right.replace(" ", ""):  # wᵀX = wᵀ X says nothing either
            return f"{left} = {right}"
    return None


@pytest.mark.parametrize("which", list(GRAPHS))
def test_every_frame_says_nothing_false_and_names_nothing_internal(browser, tmp_path, which):  # noqa: F811
    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html")
    source = (tmp_path / f"{which}.html").read_text(encoding="utf-8")
    frames = frames_of(source)
    data = json.loads(re.search(r'id="frames">(.*?)</script>', source).group(1))
    assert not [d for d in data["info"] if d["name"] == d["formula"]]  # what Tab reads: no "Fᵀ = Fᵀ"
    for node in re.findall(r'<g id="n\d+" class="node">(.*?)\n</g>', source, re.S):
        header = _texts(node)[:2]  # the node's name, then "= its formula" when it has one
        assert not (header[1].startswith("=") and header[1][1:].strip() == header[0]), header
    titles = page.execute_script("return Array.from(document.querySelectorAll('#stage title'))"
                                 ".map(function (t) { return t.textContent; })")
    assert not [t for t in titles if INTERNAL.search(t)], titles
    shown = page.execute_script("return document.getElementById('stage').textContent")
    assert not INTERNAL.search(shown), INTERNAL.search(shown)
    for k, frame in enumerate(frames):
        if k:
            page.find_element("id", "next").click()
        on_page = text(page, "text")
        assert on_page == frame["text"], "the page renders the frame's text from its data"
        for line in on_page.split("\n"):
            assert not same_symbol_equation(line), (k, line)
            assert not INTERNAL.search(line), (k, line)
    if which == "softmax":  # the notes derive dZ[L] = A[L] − Y for a sigmoid output only
        dZ2 = next(f for f in frames if f["pass"] == "backward" and f["gradient"] == "∂J/∂Z2")["text"]
        assert "the course's softmax: dZ2 = A2 - Y" in dZ2 and "notes" not in dZ2, dZ2
    if which == "logistic":
        w_frame = next(f for f in frames if f["pass"] == "backward" and f["gradient"] == "dw")
        assert "dw = (1/m) X dZᵀ, shapes (n_x, m)(m, 1) → (n_x, 1); here (2, 4)(4, 1) → (2, 1)" in w_frame["text"]
        # the chain as it runs: w's gradient comes from the node wᵀX, whose gradient equals ∂J/∂Z
        assert "dw = X · (∂J/∂(wᵀX))ᵀ" in w_frame["text"], w_frame["text"]
        assert "∂J/∂(wᵀX) = ∂J/∂Z, as Z = wᵀX + b" in w_frame["text"], w_frame["text"]


@pytest.mark.parametrize("which", list(GRAPHS))
def test_no_practice_question_or_hint_prints_the_same_symbol_on_both_sides(which):
    from viz import step_through_html

    asked = {}
    for scope in ("all", "closed forms"):
        root = GRAPHS[which]()
        root.backward()
        asked[scope] = [f["practice"] for f in frames_of(step_through_html(root, practice=True, practice_scope=scope))
                        if "practice" in f]
        assert asked[scope]
        for question in asked[scope]:
            for line in [question["question"], *question["hints"], *(s["says"] for s in question["slips"])]:
                assert not same_symbol_equation(line), (scope, line)
    if which in ("deepnet", "logistic"):  # the cost's local derivative named as a teacher does, with the notes' dZ
        z = "Z3" if which == "deepnet" else "Z"
        a = "A3" if which == "deepnet" else "A"
        hints = next(q["hints"] for q in asked["all"] if q["ask"] == f"∂J/∂{z}")
        assert any(f"(σ({z}) - Y)/m = ({a} - Y)/m" in h and f"∂J/∂{z} = d{z}/m" in h for h in hints), hints
        # the closed form is worked in the notes' quantities: no 1/m on the way to the notes' per-example dZ
        hints = next(q["hints"] for q in asked["closed forms"] if q["ask"] == f"d{z}")
        assert any(h.startswith(f"d{z} = {a} - Y, with {a} = σ({z})") for h in hints), hints
        assert not any("/m" in h for h in hints[1:]), hints


@pytest.mark.parametrize("which", ["deepnet", "deepnet_l2"])
def test_deep_net_backward_frames_go_layer_by_layer_from_the_cost(tmp_path, which):
    from viz import step_through_html

    root = GRAPHS[which]()
    root.backward()
    frames = frames_of(step_through_html(root))
    order = [f["gradient"] for f in frames if f["pass"] == "backward"]
    wanted = ["∂J/∂Z3", "dW3", "db3", "∂J/∂A2", "∂J/∂Z2", "dW2", "db2", "∂J/∂A1", "∂J/∂Z1", "dW1", "db1"]
    assert [g for g in order if g in wanted] == wanted
    between = [g for g in order[order.index("∂J/∂Z3"):] if g not in wanted]
    assert all(g.startswith("∂J/∂(W") for g in between), between  # only the products W A_prev in between


# the smallest text after "fit" in a 1400 × 900 window, CSS px: what the issue asks of the nets (12 px), what the
# notes' graph and logistic regression read at (21.7, 16.7 px measured)
SMALLEST_AFTER_FIT = {"notes": 20, "logistic": 16, "deepnet": 12, "deepnet_l2": 12, "softmax": 12, "cnn": 12}


@pytest.mark.parametrize("which", list(SMALLEST_AFTER_FIT))
def test_the_smallest_text_after_fit_at_1400_by_900(browser, tmp_path, which):  # noqa: F811
    from test_viz_html import SMALLEST_TEXT

    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html")
    width, height = page.execute_script("return [window.innerWidth, window.innerHeight]")
    assert width == 1400 and height <= 900  # headless Chromium's 1400 × 900 window is 757 px tall inside
    page.find_element("id", "fit").click()
    assert page.execute_script(SMALLEST_TEXT) >= SMALLEST_AFTER_FIT[which]


def test_backward_arrows_point_at_the_node_computed_and_follow_keeps_it_in_view(browser, tmp_path):  # noqa: F811
    J = GRAPHS["deepnet"]()
    J.backward()
    page = open_page(browser, J, tmp_path / "deepnet.html")
    frames = frames_of((tmp_path / "deepnet.html").read_text(encoding="utf-8"))
    page.find_element("id", "fit").click()
    for _ in range(4):  # 1.25⁴ ≈ 2.4 × the fitted scale
        page.find_element("id", "zoomin").click()
    check = """
    var f = arguments[0], v = document.getElementById('view').getBoundingClientRect();
    var n = document.getElementById('n' + f.node).getBoundingClientRect();
    var inside = n.left >= v.left && n.right <= v.right && n.top >= v.top && n.bottom <= v.bottom;
    var outline = getComputedStyle(document.getElementById('n' + f.node).querySelector('path, polygon')).stroke;
    var arrows = f.edges.map(function (id) {
      var e = document.getElementById(id), path = e.querySelector('path'), head = e.querySelector('polygon');
      var start = path.getPointAtLength(0), end = path.getPointAtLength(path.getTotalLength());
      return [getComputedStyle(path).markerStart, getComputedStyle(head).display,
              e.getAttribute('id').split('_')[0] === 'e' + f.node];
    });
    return [inside, arrows, outline];"""
    page.find_element("id", "first").click()
    for k, frame in enumerate(frames):
        if k:
            page.find_element("id", "next").click()
        inside, arrows, outline = page.execute_script(check, frame)
        assert inside, f"frame {k + 1}: the current node is out of view"
        assert outline == "rgb(220, 38, 38)", (k, outline)  # the current node outlined in the highlight
        if frame["pass"] == "backward":
            for marker, head, from_node in arrows:
                # the edge leaves the node being computed (its tail), and there its arrowhead is drawn
                assert from_node and "back-arrow" in marker and head == "none", (k, marker, head)


def test_exported_frames_outline_the_node_and_make_png_and_one_pdf(tmp_path):
    import shutil

    from viz import export_step_frames

    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert is needed for PNG and PDF frames (apt-get install librsvg2-bin)")
    L = logistic_graph()
    L.backward()
    files = export_step_frames(L, tmp_path / "frames", formats=("svg", "png", "pdf"), dpi=192)
    names = [f.name for f in files]
    assert names[:9] == [f"frame_{k:03d}.svg" for k in range(1, 10)] and "frames.pdf" in names
    svg = (tmp_path / "frames" / "frame_006.svg").read_text(encoding="utf-8")
    # z, this frame's node, outlined: its shape (a path: rounded) sits in the anchor its tooltip makes
    assert "#n5 > g > a > path { stroke: #dc2626" in svg
    assert re.search(r'<g id="n5" class="node">\s*<title>[^<]*</title>\s*<g id="a_n5"><a[^>]*>\s*<path', svg)
    assert 'xml:space="preserve"' in svg  # the caption keeps its indentation
    png = (tmp_path / "frames" / "frame_006.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width >= 2 * 1190  # 192 dpi: twice the SVG's 1200 px, within rounding
    pdf = (tmp_path / "frames" / "frames.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 9
    with pytest.raises(ValueError, match="formats must be some of svg, png, pdf"):
        export_step_frames(L, tmp_path / "x", formats=("gif",))


def _texts(block: str) -> list:
    return [html.unescape(t).strip().replace("\xa0", "") for t in re.findall(r"<text[^>]*>([^<]*)</text>", block)]


def _cell_texts(page: str, cell: str) -> list:
    """The texts Graphviz drew inside the page's cell ``cell`` (``a_g5``: node 5's gradient)."""
    return _texts(re.search(rf'<g id="{cell}">(.*?)</g>', page, re.S).group(1))


def test_small_matrices_show_every_entry_on_the_page_nodes_and_rounding_noise_as_zero():
    import numpy as np

    from autograd_mini import Tensor
    from viz import step_through_html

    X = Tensor(np.array([[1.0, -2.0, 0.5, 3.0], [0.25, 4.0, -1.0, 2.0]]), requires_grad=False, label="X")
    w = Tensor(np.array([[1.0, 5.782e-19]]), label="w")
    b = Tensor(np.zeros((1, 1, 1, 2)), label="b")
    Z = w @ X
    Z.label = "Z"
    J = (Z.sum() + (b * b).sum())
    J.label = "J"
    J.backward()
    page = step_through_html(J)
    order = J.topo_order()
    # X (2, 4): its 8 entries on its node, as the notes write X, not min/mean/max
    shown = _texts(re.search(r'<g id="n%d" class="node">(.*?)\n</g>' % order.index(X), page, re.S).group(1))
    assert [t for t in shown if re.fullmatch(r"-?[\d.]+", t)] == ["1", "-2", "0.5", "3", "0.25", "4", "-1", "2"], shown
    # w's second entry is 1e-19 of the first: rounding noise of a zero, printed as 0 on the node
    assert _cell_texts(page, f"a_g{order.index(w)}") == ["2.5", "5.25"]
    shown = _texts(re.search(r'<g id="n%d" class="node">(.*?)\n</g>' % order.index(w), page, re.S).group(1))
    assert shown[shown.index("data") + 1:shown.index("data") + 3] == ["1", "0"], shown
    # the (1, 1, 1, 2) bias: both entries of its gradient (2b)
    assert _cell_texts(page, f"a_g{order.index(b)}") == ["0", "0"]


@pytest.mark.parametrize("which", ["deepnet", "deepnet_l2", "softmax"])
def test_a_net_is_drawn_a_column_per_layer_in_the_layers_order(which):
    from viz import draw_graph
    from viz.render import svg_text

    root = GRAPHS[which]()
    root.backward()
    svg = svg_text(draw_graph(root))
    layers = 2 if which == "softmax" else 3

    def x_of(title):
        at = re.search(r"<title>%s</title>.*?<text[^>]*x=\"([\d.\-]+)\"" % re.escape(title), svg, re.S)
        return float(at.group(1))

    headings = [x_of(f"layer {l}") for l in range(1, layers + 1)]
    assert headings == sorted(headings), headings  # layer 1, 2, 3 from left to right
    for l in range(1, layers + 1):  # each layer's Z[l] stands under its own heading
        nearest = min(range(layers), key=lambda k: abs(headings[k] - x_of(f"Z{l}")))
        assert nearest == l - 1, (l, headings, x_of(f"Z{l}"))
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"', svg)
    width, height = float(box.group(1)), float(box.group(2))
    assert width <= 3.2 * height, (width, height)  # not one long strip (10 nodes left to right: about 7 : 1)


def test_deep_net_derivative_graph_fits_a_16_by_9_slide_at_10_px():
    from viz import draw_derivative_graph
    from viz.render import svg_text

    J = GRAPHS["deepnet"]()
    J.backward()
    svg = svg_text(draw_derivative_graph(J))
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"', svg)
    width, height = float(box.group(1)), float(box.group(2))  # points, as the font sizes
    scale = min(1920 / (width * 4 / 3), 1080 / (height * 4 / 3))  # the whole picture on a 1920 × 1080 slide
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)) * 4 / 3
    assert smallest * scale >= 10, (width, height, smallest * scale)


def _derivative_node(source: str, name: str) -> list:
    """The lines of the derivative graph's node ``name``, as plain text."""
    label = re.search(r'^\t"%s" \[label=<(.*?)> fillcolor' % re.escape(name), source, re.M).group(1)
    rows = re.findall(r"<TD[^>]*>(.*?)</TD>", label)
    return [html.unescape(re.sub(r"<[^>]+>", "", row)).replace("\xa0", " ") for row in rows]


def _numbers(lines: list) -> list:
    return re.findall(r"-?\d[\d.]*(?:e[+-]?\d+)?", " ".join(lines))


def test_the_derivative_graph_shows_a_matrix_of_up_to_32_entries_entry_by_entry():
    import numpy as np

    from viz import draw_derivative_graph
    from viz._format import fmt_number

    J, _ = deep_net_cost()
    J.backward()
    source = draw_derivative_graph(J).source
    nodes = {n.label: n for n in J.topo_order() if n.label}
    for name, node in (("∂J/∂Z3", nodes["Z3"]), ("dW2", nodes["W2"]), ("∂J/∂A2", nodes["A2"]), ("db1", nodes["b1"])):
        lines = _derivative_node(source, name)
        assert not any("min" in line for line in lines), lines
        values = lines[next(k for k, line in enumerate(lines) if line.startswith("= ")):]
        assert _numbers(values) == [fmt_number(v) for v in node.grad.ravel()], (name, lines)
    # a larger one (∂J/∂Z2 of m = 40 examples: 120 entries) stays a summary, with its shape
    J40, _ = deep_net_cost(m=40)
    J40.backward()
    assert any(line.startswith("= shape (3, 40): min") for line in _derivative_node(draw_derivative_graph(J40).source,
                                                                                    "∂J/∂Z2"))

    J = small_cnn_cost()
    J.backward()
    source = draw_derivative_graph(J).source
    W1, W2 = (next(n for n in J.topo_order() if n.label == name) for name in ("W1", "W2"))
    dW2 = _derivative_node(source, "dW2")
    assert _numbers(dW2[dW2.index(next(line for line in dW2 if line.startswith("= "))):]) == \
        [fmt_number(v) for v in W2.grad.ravel()]
    dW1 = _derivative_node(source, "dW1")  # the filter bank: filter 1's 3 × 3 grid beside filter 2's
    at = next(k for k, line in enumerate(dW1) if "filter 1" in line)
    assert "filter 2" in dW1[at]
    for i in range(3):
        assert _numbers(dW1[at + 1 + i:at + 2 + i]) == \
            [fmt_number(v) for v in np.concatenate([W1.grad[i, :, 0, 0], W1.grad[i, :, 0, 1]])], dW1


def test_a_filter_bank_is_printed_and_drawn_as_its_f_by_f_grids_side_by_side():
    import numpy as np

    from viz import step_through_html
    from viz._format import fmt_number

    J = small_cnn_cost()
    J.backward()
    page = step_through_html(J)
    W1 = next(n for n in J.topo_order() if n.label == "W1")
    dW1 = next(f for f in frames_of(page) if f["pass"] == "backward" and f["gradient"] == "dW1")["text"].split("\n")
    at = next(k for k, line in enumerate(dW1) if "filter 1" in line)
    assert "filter 2" in dW1[at]
    for i in range(3):  # row i of filter 1's 3 × 3 grid, then row i of filter 2's, as the teacher writes W[:, :, c, k]
        numbers = re.findall(r"-?\d[\d.e-]*", dW1[at + 1 + i])
        assert numbers == [fmt_number(v) for v in np.concatenate([W1.grad[i, :, 0, 0], W1.grad[i, :, 0, 1]])], dW1
    assert len(dW1) <= 7, dW1  # not nine rows of two
    node = _texts(re.search(r'<g id="n%d" class="node">(.*?)\n</g>' % J.topo_order().index(W1), page, re.S).group(1))
    assert node.count("filter 1") == 2 and node.count("filter 2") == 2, node  # its data and its dW1
    # the conv layer's column is named as the notes count layers, and the flattening says the shape it makes
    assert "layer 1 (conv)" in _texts(page) and "layer 2" in _texts(page)
    assert next(f for f in frames_of(page) if f["name"] == "F")["text"].startswith("F = reshape(P1, (4, 18))\n")


def test_the_collapsed_micrograd_mlp_page_is_a_column_of_neurons_per_layer_readable_after_fit(browser, tmp_path):  # noqa: F811
    from test_viz_html import SMALLEST_TEXT
    from viz_nets import micrograd_demo

    L = micrograd_demo(m=10)
    L.backward()
    page = open_page(browser, L, tmp_path / "mlp.html", collapse=True)
    page.find_element("id", "fit").click()
    # 36 boxes with their names and formulas, in a 1400 × 900 window: 14.6 px measured (2.7 px before)
    assert page.execute_script(SMALLEST_TEXT) >= 14
    boxes = page.execute_script("""return Array.from(document.querySelectorAll('#stage .node')).map(function (g) {
      var r = g.getBoundingClientRect(), t = Array.from(g.querySelectorAll('text')).map(function (e) { return e.textContent; });
      return [g.id, t.join(' '), r.left, r.top, r.right, r.bottom, g.querySelector('title').textContent]; });""")
    shown = [b for b in boxes if re.fullmatch(r"n\d+", b[0])]
    assert len(shown) == 36
    for l, source in ((1, "x"), (2, "a[1]")):  # neuron 1 on top, 16 at the bottom, one column
        column = [next(b for b in shown if b[1] == f"neuron {k}: a = relu(w·{source} + b)") for k in range(1, 17)]
        assert [b[3] for b in column] == sorted(b[3] for b in column), l
        centres = [(b[2] + b[4]) / 2 for b in column]
        assert max(centres) - min(centres) < 1, (l, centres)
    texts = {b[1] for b in shown}
    assert {"the inputs x", "the regulariser: R = 0.0001 · Σ p²", "neuron 1: z = w·a[2] + b"} <= texts, texts
    for a in shown:  # no box over another
        for b in shown:
            assert a is b or a[4] <= b[2] or b[4] <= a[2] or a[5] <= b[3] or b[5] <= a[3], (a[1], b[1])
    assert not [b[6] for b in boxes if re.fullmatch(r"[gn]\d+", b[6])]  # hover titles are names, not numbers
    headings = page.execute_script("return Array.from(document.querySelectorAll('#stage text'))"
                                   ".map(function (t) { return t.textContent; })")
    assert [h for h in headings if re.fullmatch(r"layer \d", h)] == ["layer 1", "layer 2", "layer 3"]


def test_the_collapsed_60_term_page_reads_at_10_px_after_fit(browser, tmp_path):  # noqa: F811
    from autograd_mini.expr import build_expression
    from test_viz_html import SMALLEST_TEXT

    f, _ = build_expression("+".join(["x"] * 60), {"x": 2.0})
    f.backward()
    page = open_page(browser, f, tmp_path / "sum60.html", collapse=True, max_nodes=24)
    page.find_element("id", "fit").click()
    assert page.execute_script(SMALLEST_TEXT) >= 10  # the stretches in rows (3.75 px as one long strip)


def test_the_frames_write_what_a_teacher_writes():
    from autograd_mini import Value
    from viz import step_through_html

    def frames(which, **options):
        root = GRAPHS[which]()
        root.backward()
        return frames_of(step_through_html(root, **options))

    l2 = frames("deepnet_l2")
    text = {f["pass"] + " " + f["name"]: f["text"] for f in l2}
    assert text["forward R"].startswith("R = λ/(2m) Σ_l ‖W[l]‖²_F")  # not λ/2m, read as (λ/2)·m
    assert not [f for f in l2 if "λ/2m" in f["text"]]
    assert re.search(r"J = CE \+ R\n +?= 0\.6944 \+ 0\.4752\n +?= 1\.17", text["forward J"]), text["forward J"]
    assert text["backward J"] == "∂J/∂J = 1 (the seed)"  # its value said once
    dZ3 = text["backward Z3"]
    assert dZ3.count("m = 8") == 1, dZ3
    logistic = frames("logistic")
    assert re.search(r"\nwith w = \[[^]]+\], X = \[[^]]+; [^]]+\]$", logistic[0]["text"]), logistic[0]["text"]
    dW3 = next(f["practice"] for f in frames("deepnet", practice=True) if f.get("practice", {}).get("ask") == "dW3")
    assert dW3["hints"][1] == "Z3 = W3 A2 + b3, so dW3 = ∂J/∂Z3 · A2ᵀ"
    x = Value(2.0, label="x")
    f = x + x + x
    f.label = "f"
    f.backward()
    page = step_through_html(f)
    assert "dx: the gradient of the output f with respect to x" in page
    assert frames_of(page)[0]["text"].split("\n") == [  # an unlabelled node's frame says what names it
        "x + x", "      = 2 + 2", "      = 4", "x + x has no label: the picture names the node by its formula"]


def test_the_conv_frames_say_the_padding_and_the_notes_size_formula():
    from viz import step_through_html

    root = GRAPHS["cnn"]()
    root.backward()
    frames = frames_of(step_through_html(root))
    conv = next(f for f in frames if f["pass"] == "forward" and f["formula"].startswith("Z1 = conv("))["text"]
    assert "→ (4, 6, 6, 2)" in conv  # 6 − 3 + 1 = 4 without the padding: the frame says why it is 6
    assert "p = 1, s = 1, the notes' size n_H = ⌊(n_H_prev + 2p - f)/s⌋ + 1: n_H = ⌊(6 + 2·1 - 3)/1⌋ + 1 = 6" \
        in conv, conv
    dW1 = next(f for f in frames if f["pass"] == "backward" and f["gradient"] == "dW1")["text"]
    assert "windows of X padded with p = 1, stride s = 1" in dW1, dW1


# every text of the page outside the drawing (frame text, legend, controls, practice panel), CSS px: the smallest
SMALLEST_PAGE_TEXT = """var m = 1e9, what = '', all = document.body.querySelectorAll('*');
for (var i = 0; i < all.length; i++) {
  var e = all[i];
  if (e.closest('#stage, script, style, noscript') || !e.getClientRects().length) { continue; }
  var own = Array.prototype.some.call(e.childNodes, function (c) { return c.nodeType === 3 && c.textContent.trim(); });
  if (!own && !/^(INPUT|SELECT|BUTTON)$/.test(e.tagName)) { continue; }
  var size = parseFloat(getComputedStyle(e).fontSize);
  if (size < m) { m = size; what = e.tagName + '#' + e.id + ' ' + (e.textContent || '').slice(0, 40); }
}
return [m, what];"""
# where the drawing is and how tall the page is: the same in every frame, or the page jumps
PLACE = """var v = document.getElementById('view').getBoundingClientRect(),
    s = document.querySelector('#stage svg').getBoundingClientRect();
return {view: [v.left, v.top, v.width, v.height], transform: document.getElementById('stage').style.transform,
        scroll: document.documentElement.scrollHeight, inner: window.innerHeight,
        inside: s.left >= v.left - 1 && s.right <= v.right + 1 && s.top >= v.top - 1 && s.bottom <= v.bottom + 1};"""


def _micrograd_mlp():
    from viz_nets import micrograd_demo

    return micrograd_demo(m=10)


@pytest.mark.parametrize("which", ["deepnet", "deepnet_l2", "cnn", "mlp", "deepnet practice"])
def test_nothing_moves_or_clips_between_frames_and_every_text_is_at_least_12_px(browser, tmp_path, which):  # noqa: F811
    from viz import step_through_html

    graph, _, practice = which.partition(" ")
    root = _micrograd_mlp() if graph == "mlp" else GRAPHS[graph]()
    root.backward()
    path = tmp_path / f"{graph}.html"  # the default title, as long as a user's: the toolbar has less room
    step_through_html(root, path, collapse=graph == "mlp", practice=bool(practice))
    page = browser
    page.get(path.as_uri())
    frames = frames_of(path.read_text(encoding="utf-8"))
    assert len(frames) >= 10  # the counter reaches two digits
    page.find_element("id", "fit").click()
    first = page.execute_script(PLACE)
    smallest = page.execute_script(SMALLEST_PAGE_TEXT)
    for k in range(1, len(frames)):
        page.find_element("id", "next").click()
        place = page.execute_script(PLACE)
        assert place == first, (k, place, first)  # the toolbar never wraps: nothing below it moves
        smallest = min(smallest, page.execute_script(SMALLEST_PAGE_TEXT))
    assert first["inside"], "after fit the whole drawing is in the view"
    assert first["scroll"] <= first["inner"], "the page needs no scrolling at 1400 × 900"
    assert smallest[0] >= 12, smallest


@pytest.mark.parametrize("which", ["notes", "logistic", "deepnet"])
def test_every_text_of_a_practice_page_is_at_least_12_px(browser, tmp_path, which):  # noqa: F811
    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html", practice=True)
    page.find_element("id", "hint").click()  # a hint and the feedback on show too
    size, what = page.execute_script(SMALLEST_PAGE_TEXT)
    assert size >= 12, what


def test_a_page_too_large_to_read_says_so_and_its_longest_frame_fits_its_text_box(browser, tmp_path):  # noqa: F811
    from autograd_mini import Value
    from viz import step_through_html

    x = Value(2.0, label="x")
    f = x
    for _ in range(59):
        f = f + x
    f.label = "f"
    f.backward()
    path = tmp_path / "sum60.html"
    source = step_through_html(f, path, max_nodes=200)
    note = re.search(r'<p class="note" id="large">(.*?)</p>', source).group(1)
    assert note.startswith("This graph is too large to read as a whole: after fit its text is ")
    for advice in ("follow on", "<code>collapse=True</code>", "<code>--collapse</code>"):
        assert advice in note, note
    frames = frames_of(source)
    assert frames[-1]["text"].endswith("= 60")
    browser.get(path.as_uri())
    browser.find_element("id", "last").click()
    box = browser.execute_script("var t = document.getElementById('text'); return [t.scrollHeight, t.clientHeight,"
                                 " document.getElementById('more').classList.contains('on')];")
    assert box[0] <= box[1] + 1 and not box[2], box  # "= 60" is in the box, not hidden below it

    root = GRAPHS["deepnet"]()
    root.backward()
    assert 'id="large"' not in step_through_html(root)  # a readable page has no such note


@pytest.mark.parametrize("which", ["notes", "logistic", "deepnet"])
def test_a_practice_page_keeps_the_graph_readable_after_fit_at_1400_by_900(browser, tmp_path, which):  # noqa: F811
    from test_viz_html import SMALLEST_TEXT

    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html", practice=True)
    page.find_element("id", "fit").click()
    assert page.execute_script(SMALLEST_TEXT) >= 12  # the answer panel beside the frame text, not above it
    panel, text = (page.execute_script(f"return document.getElementById('{i}').getBoundingClientRect().top")
                   for i in ("practice", "text"))
    assert abs(panel - text) < 2


@pytest.mark.parametrize("which", ["deepnet", "deepnet_l2", "softmax", "cnn"])
def test_the_cost_is_drawn_outside_the_layer_boxes(browser, tmp_path, which):  # noqa: F811
    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html")
    boxes = page.execute_script("""
      function r(e) { var b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
      var nodes = {};
      document.querySelectorAll('#stage .node').forEach(function (g) {
        var t = g.querySelector('text'); if (t) { nodes[t.textContent.trim()] = r(g); } });
      return [nodes, Array.prototype.map.call(document.querySelectorAll('#stage .cluster'), r)];""")
    nodes, clusters = boxes
    cost = [name for name in ("J", "Y", "CE", "R") if name in nodes]
    assert "J" in cost and "Y" in cost
    for name in cost:
        left, top, right, bottom = nodes[name]
        inside = [c for c in clusters if c[0] <= left and c[1] <= top and right <= c[2] and bottom <= c[3]]
        assert not inside, (name, nodes[name], inside)
    assert any(c[0] <= nodes["Z1"][0] and nodes["Z1"][2] <= c[2] for c in clusters if "Z1" in nodes) or which == "cnn"


def test_a_parameters_value_and_gradient_side_by_side_are_parted_by_a_rule():
    from viz import step_through_html

    root = GRAPHS["deepnet"]()
    root.backward()
    source = step_through_html(root)
    nodes = {_texts(g)[0]: g for g in re.findall(r'<g id="n\d+" class="node">(.*?)\n</g>', source, re.S)}
    for name in ("W1", "b1", "b2", "b3"):  # the parameters drawn with their gradient beside them
        rules = re.findall(r'<polyline fill="none" stroke="#6b7280" points="([\d.\-]+),([\d.\-]+) ([\d.\-]+),([\d.\-]+) "',
                           nodes[name])
        assert any(x0 == x1 and y0 != y1 for x0, y0, x1, y1 in rules), (name, rules)  # a vertical rule


def test_a_frame_longer_than_its_text_box_says_that_it_scrolls(browser, tmp_path):  # noqa: F811
    root = GRAPHS["deepnet"]()
    root.backward()
    page = open_page(browser, root, tmp_path / "deepnet.html", practice=True)
    state = ("var t = document.getElementById('text'); return [t.scrollHeight > t.clientHeight + 1, "
             "document.getElementById('more').classList.contains('on')];")
    assert page.execute_script(state) == [False, False]  # the question fits: no cue
    frames = frames_of((tmp_path / "deepnet.html").read_text(encoding="utf-8"))
    k = next(k for k, f in enumerate(frames) if f["gradient"] == "∂J/∂A2" and f["pass"] == "backward")
    for _ in range(k):
        page.find_element("id", "next").click()
    page.find_element("id", "showme").click()  # revealed: 3 rows of 8 numbers and the notes, in the narrow box
    assert page.execute_script(state) == [True, True]


# the text box's state: [clipped (more below what shows), the cue on]
_CLIPPED = ("var t = document.getElementById('text'); return [t.scrollTop + t.clientHeight < t.scrollHeight - 1, "
            "document.getElementById('more').classList.contains('on')];")


@pytest.mark.parametrize("which,scope", [("cnn", None), ("deepnet_l2", None), ("deepnet", "closed forms"),
                                         ("logistic", "closed forms")])
def test_no_frame_text_is_clipped_without_the_scroll_cue(browser, tmp_path, which, scope):  # noqa: F811
    root = GRAPHS[which]()
    root.backward()
    options = {"practice": True, "practice_scope": scope} if scope else {}
    page = open_page(browser, root, tmp_path / f"{which}.html", **options)
    frames = frames_of((tmp_path / f"{which}.html").read_text(encoding="utf-8"))
    for k in range(len(frames)):
        clipped, cue = page.execute_script(_CLIPPED)
        assert clipped == cue, (k + 1, clipped, cue)
        if not scope:  # the normal page's box is as tall as its longest frame: nothing to scroll
            assert not clipped, (k + 1, text(page, "text"))
        page.find_element("id", "next").click()


@pytest.mark.parametrize("which,scope,ask", [("logistic", "closed forms", "dZ"), ("deepnet_l2", "all", "dW3")])
def test_each_new_hint_is_scrolled_into_the_text_box(browser, tmp_path, which, scope, ask):  # noqa: F811
    root = GRAPHS[which]()
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html", practice=True, practice_scope=scope)
    frames = frames_of((tmp_path / f"{which}.html").read_text(encoding="utf-8"))
    k = next(k for k, f in enumerate(frames) if f.get("practice", {}).get("ask") == ask)
    for _ in range(k):
        page.find_element("id", "next").click()
    hints = len(frames[k]["practice"]["hints"])
    for n in range(1, hints + 1):
        page.find_element("id", "hint").click()
        assert text(page, "feedback") == f"Hint {n} of {hints} is in the frame text."
        # the newest hint's first and last line are inside the box's visible area
        seen = page.execute_script("""
          var t = document.getElementById('text'), box = t.getBoundingClientRect(), start = arguments[0];
          var walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT), nodes = [], all = '';
          while (walk.nextNode()) { nodes.push([walk.currentNode, all.length]); all += walk.currentNode.textContent; }
          var at = all.lastIndexOf(start), range = document.createRange();
          nodes.forEach(function (n) {
            if (at >= n[1] && at < n[1] + n[0].textContent.length) { range.setStart(n[0], at - n[1]); } });
          var last = nodes[nodes.length - 1][0];
          range.setEnd(last, last.textContent.length);
          var lines = range.getClientRects(), first = lines[0], end = lines[lines.length - 1];
          return [at, first.top >= box.top - 1 && first.bottom <= box.bottom + 1,
                  end.top >= box.top - 1 && end.bottom <= box.bottom + 1];""", f"hint {n} of {hints}: ")
        assert seen[0] >= 0 and seen[1] and seen[2], (n, seen)
        clipped, cue = page.execute_script(_CLIPPED)
        assert clipped == cue
