"""The printable practice sheet: its answers hold every value and gradient of the graph at the precision printed,
its blank pages none of them (only the given numbers: inputs, parameters, shapes, m, a formula's constants), the
PDF is A4 with the same split, and the ready sheets in examples/sheets are what examples/practice_sheets.py writes."""

import importlib.util
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import viz
from autograd_mini import Tensor
from autograd_mini.notes_graph import logistic_graph
from viz._view import View
from viz.render import svg_text
from viz.sheet import MIN_TEXT_PT, practice_sheet

from viz_nets import deep_net_cost

ROOT = Path(__file__).resolve().parents[1]
PRECISION = 4
# a number standing alone: not the digit of a name (W1, x2, A0), nor part of a longer number
NUMBER = re.compile(r"(?<![\w.\-])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")


def _example_module():
    spec = importlib.util.spec_from_file_location("practice_sheets", ROOT / "examples" / "practice_sheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = _example_module()


def _graphs():
    L = logistic_graph()
    L.backward()
    J, _ = deep_net_cost((2, 4, 3, 1), m=4)
    J.backward()
    return {"notes_graph": L, "logistic_regression": EXAMPLES.logistic_regression(), "deepnet": J}


GRAPHS = _graphs()


def tokens(text: str) -> list[str]:
    return NUMBER.findall(text)


def printed(x) -> list[str]:
    """Every entry of ``x`` as the sheet and the step-through page print it (4 significant digits)."""
    texts = (f"{v:.{PRECISION}g}" for v in np.ravel(np.asarray(x, dtype=float)))
    return ["0" if t == "-0" else t for t in texts]


def asked(root):
    """(symbol of the box, autodiff's number) for every value and gradient, in the sheet's order: each computed
    node's value (topological order), then each gradient (the teacher's order)."""
    view = View(root, PRECISION)
    values = [(view.names.symbol(n), n.data) for n in view.order if n._op is not None]
    grads = [(view.names.grad(n), n.grad) for n in view.backward_order()]
    return values + grads


class Sheet(HTMLParser):
    """The sheet's visible text by section (blank, answers), its questions (ask, boxes, text) and the graph nodes'
    texts (an SVG node group: its title and its text)."""

    def __init__(self, page: str):
        super().__init__()
        self.section = None
        self.text = {"blank": [], "answers": []}
        self.questions = {"blank": [], "answers": []}
        self.nodes = {"blank": [], "answers": []}
        self.stack = []
        self.q = self.box = self.node = None
        self.skip = 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.stack.append((tag, classes))
        if tag == "section":
            self.section = classes[0]
        if tag in ("style", "title") and self.section is None:
            self.skip += 1
        if tag == "div" and "q" in classes:
            self.q = {"ask": "", "boxes": [], "text": "", "depth": len(self.stack)}
            self.questions[self.section].append(self.q)
        if tag == "td" and "box" in classes:
            self.box = []
        if tag == "g" and "node" in classes:
            self.node = {"title": None, "text": "", "depth": len(self.stack)}
            self.nodes[self.section].append(self.node)

    def handle_endtag(self, tag):
        depth = len(self.stack)
        self.stack.pop()
        if tag in ("style", "title") and self.section is None:
            self.skip -= 1
        if tag == "td" and self.box is not None:
            self.q["boxes"].append("".join(self.box))
            self.box = None
        if self.q is not None and depth == self.q["depth"]:
            self.q = None
        if self.node is not None and depth == self.node["depth"]:
            self.node = None

    def handle_data(self, data):
        if self.skip or self.section is None:
            return
        self.text[self.section].append(data + " ")
        if self.q is not None:
            self.q["text"] += data + " "
            if self.stack[-1] == ("div", ["ask"]):
                self.q["ask"] += data
        if self.box is not None:
            self.box.append(data)
        if self.node is not None:
            if self.stack[-1][0] == "title" and self.node["title"] is None:
                self.node["title"] = data
            else:
                self.node["text"] += data + " "


def _sheet(root, **kwargs) -> Sheet:
    return Sheet(practice_sheet(root, **kwargs))


def givens(root, title: str = "") -> set:
    """The numbers a blank sheet may print: the leaves' data (inputs, parameters), every shape, m, the precision,
    and the constants written in the forward formulas and the title."""
    view = View(root, PRECISION)
    allowed = set(tokens(title)) | {str(PRECISION)}
    if view.m is not None:
        allowed.add(str(view.m))
    for node in view.order:
        allowed |= set(tokens(str(np.shape(node.data))))
        if node._op is None:
            allowed |= set(printed(node.data))
    for step in viz.forward_steps(root, PRECISION):
        allowed |= set(tokens(step.formula))
    return allowed


def leaks(sheet: Sheet, root, title: str) -> list:
    """What the blank pages show of the answers: a filled box, a number in a box's block or a graph node that its
    symbol, shape and formula do not explain, or anywhere an answer that is not also a given."""
    found = []
    view = View(root, PRECISION)
    formulas = {s.node: s.formula for s in viz.forward_steps(root, PRECISION)}
    for q in sheet.questions["blank"]:
        found += [(q["ask"], "box", b) for b in q["boxes"] if b.strip()]
        explained = set(tokens(q["ask"]))
        shape = re.search(r"shape (\([\d, ]*\))", q["text"])
        explained |= set(tokens(shape.group(1))) if shape else set()
        found += [(q["ask"], "text", t) for t in tokens(q["text"]) if t not in explained]
    by_name = {view.names.symbol(n): n for n in view.order}
    for g in sheet.nodes["blank"]:
        node = by_name.get(g["title"])
        if node is None:  # a column's heading, "layer 2": its own number only
            explained = set(tokens(g["title"]))
        else:
            explained = set(tokens(str(np.shape(node.data)))) | set(tokens(formulas.get(node, "")))
        if node is not None and node._op is None:
            explained |= set(printed(node.data))
        found += [(g["title"], "graph", t) for t in tokens(g["text"]) if t not in explained]
    answers = {t for _, x in asked(root) for t in printed(x)} - givens(root, title)
    blank = set(tokens("".join(sheet.text["blank"])))
    found += [("page", "answer", t) for t in sorted(answers & blank)]
    return found


@pytest.mark.parametrize("name", GRAPHS)
def test_the_answers_hold_every_value_and_gradient_box_by_box_and_the_blank_sheet_none(name):
    root = GRAPHS[name]
    sheet = _sheet(root, title=name)
    expected = asked(root)
    for part in ("blank", "answers"):
        # a node named by its own formula asks it once: wᵀX is asked as "wᵀ X"
        assert ([q["ask"].split(" = ")[0].replace(" ", "") for q in sheet.questions[part]]
                == [symbol.replace(" ", "") for symbol, _ in expected]), part
    for q, (symbol, x) in zip(sheet.questions["answers"], expected):
        assert [b.strip() for b in q["boxes"]] == printed(x), symbol
        n = np.size(x)
        assert len(q["boxes"]) == n and (np.ndim(x) == 0 or f"shape {np.shape(x)}" in q["text"]), symbol
    answers_text = set(tokens("".join(sheet.text["answers"])))
    assert {t for _, x in expected for t in printed(x)} <= answers_text
    assert leaks(sheet, root, name) == []


def test_the_leak_check_finds_answers_in_boxes_and_values_in_the_graph():
    """The check above can fail: a sheet whose blank pages carry the answers' boxes, or whose graph shows the
    computed values, is caught."""
    root = GRAPHS["deepnet"]
    page = practice_sheet(root, title="t")
    blank, answers = page.split('<section class="answers">')
    filled = blank.split('<h2>Forward pass')[0] + '<h2>Forward pass' + answers.split('<h2>Forward pass', 1)[1]
    found = leaks(Sheet(filled.replace("</section>", "", 1) + '<section class="answers"></section>'), root, "t")
    assert {kind for _, kind, _ in found} >= {"box", "answer"}
    showing = svg_text(viz.draw_graph(root, show_grads=False, precision=PRECISION))
    svg = showing[showing.index("<svg"):]
    start = blank.index("<svg")
    shown = blank[:start] + svg + blank[blank.index("</svg>", start) + len("</svg>"):]
    found = leaks(Sheet(shown + '<section class="answers"></section>'), root, "t")
    assert {"Z1", "A1", "J"} <= {where for where, kind, _ in found if kind == "graph"}


def test_a_scalar_graph_gets_one_box_per_number_and_a_matrix_a_grid_of_its_shape():
    sheet = _sheet(GRAPHS["deepnet"])
    blank = {q["ask"].split(" = ")[0]: q for q in sheet.questions["blank"]}
    assert len(blank["Z1"]["boxes"]) == 16 and "shape (4, 4)" in blank["Z1"]["text"]
    assert len(blank["db2"]["boxes"]) == 3 and "shape (3, 1)" in blank["db2"]["text"]
    assert len(blank["J"]["boxes"]) == 1 and "shape" not in blank["J"]["text"]
    notes = {q["ask"]: q for q in _sheet(GRAPHS["notes_graph"]).questions["blank"]}
    assert set(notes) >= {"dL = ∂L/∂L", "dz = ∂L/∂z", "dw1 = ∂L/∂w1", "z = w1·x1 + w2·x2 + b"}
    assert all(len(q["boxes"]) == 1 for q in notes.values())


def test_a_large_matrix_asks_one_entry_and_its_answer_is_that_entry():
    from autograd_mini import DeepNet

    rng = np.random.default_rng(0)
    net = DeepNet([3, 5, 1], seed=0)
    J = net.cost(rng.standard_normal((3, 8)), (rng.random((1, 8)) > 0.5).astype(float))  # Z1 is (5, 8): 40 entries
    J.backward()
    sheet = _sheet(J)
    blank = {q["ask"].split(" = ")[0]: q for q in sheet.questions["blank"]}
    answers = {q["ask"].split(" = ")[0]: q for q in sheet.questions["answers"]}
    asks = re.search(r"only the entry at row (\d+), column (\d+)", blank["Z1"]["text"])
    assert asks and len(blank["Z1"]["boxes"]) == 1
    row, column = int(asks.group(1)) - 1, int(asks.group(2)) - 1
    Z1 = next(n for n in View(J).order if n.label == "Z1")
    assert answers["Z1"]["boxes"] == printed(Z1.data[row, column])
    assert "min" in answers["Z1"]["text"] and "max" in answers["Z1"]["text"]


@pytest.mark.parametrize("name", GRAPHS)
def test_the_blank_graph_prints_its_text_at_9_pt_or_more_within_the_page(name):
    page = practice_sheet(GRAPHS[name])
    blank = page.split('<section class="answers">')[0]
    svg = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"[^>]*viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"',
                    blank)
    width, height, box_width, _ = (float(v) for v in svg.groups())
    assert 11 * width / box_width >= MIN_TEXT_PT   # node text is 11 pt at Graphviz's own size
    assert width <= (210 - 28) * 72 / 25.4 and height <= (279.4 - 28) * 72 / 25.4  # A4's width, Letter's height


def test_a_net_whose_answer_graph_would_print_too_small_says_so_instead():
    page = practice_sheet(GRAPHS["deepnet"])
    answers = page.split('<section class="answers">')[1]
    assert "<svg" not in answers and "under 9 pt, so it is left off" in answers
    assert "<svg" in practice_sheet(GRAPHS["notes_graph"]).split('<section class="answers">')[1]


def test_bad_input_is_refused_with_what_was_expected(tmp_path):
    L = logistic_graph()
    with pytest.raises(RuntimeError, match="call backward"):
        practice_sheet(L)
    L.backward()
    with pytest.raises(ValueError, match="paper must be one of A4, letter; got 'A3'"):
        practice_sheet(L, paper="A3")
    with pytest.raises(ValueError, match=r"\.html or \.pdf; got 'sheet.png'"):
        practice_sheet(L, tmp_path / "sheet.png")
    with pytest.raises(ValueError, match="9 boxes or grids .* more than max_steps=5"):
        practice_sheet(L, max_steps=5)
    assert list(tmp_path.iterdir()) == []


def test_the_html_sheet_is_written_atomically_and_escapes_its_title(tmp_path):
    target = tmp_path / "sub" / "sheet.html"
    page = practice_sheet(GRAPHS["notes_graph"], target, title="<script>x</script>")
    assert target.read_text(encoding="utf-8") == page
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert sorted(p.name for p in target.parent.iterdir()) == ["sheet.html"]


def _pdf_tools():
    if not (shutil.which("chromium") and shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("a PDF sheet needs chromium and poppler-utils' pdftotext, pdfinfo (make system-deps)")


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def check_pdf(path: Path, root, title: str) -> None:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+594.96 x 841.92 pts \(A4\)", info)
    pages = pdf_pages(path)
    first_answers = next(k for k, page in enumerate(pages) if page.lstrip().startswith("Answers"))
    blank, answers = "".join(pages[:first_answers]), "".join(pages[first_answers:])
    expected = {t for _, x in asked(root) for t in printed(x)}
    assert expected <= set(tokens(answers))
    assert sorted((expected - givens(root, title)) & set(tokens(blank))) == []


def test_a_pdf_sheet_is_a4_its_blank_pages_without_the_answers_and_its_answer_pages_with_all(tmp_path):
    _pdf_tools()
    root = GRAPHS["deepnet"]
    practice_sheet(root, tmp_path / "sheet.pdf", title="t")
    check_pdf(tmp_path / "sheet.pdf", root, "t")


def test_a_failed_pdf_leaves_the_previous_file_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"previous")
    monkeypatch.setattr("viz.sheet._BROWSERS", ("no-such-browser-here",))
    with pytest.raises(viz.sheet.BrowserNotInstalled, match="apt-get install chromium"):
        practice_sheet(GRAPHS["notes_graph"], target)
    assert target.read_bytes() == b"previous"


def _without_svg_layout(page: str) -> str:
    """The page with each SVG reduced to its text: Graphviz's coordinates may move between versions."""
    return re.sub(r"<svg.*?</svg>", lambda m: " ".join(re.findall(r">([^<>]+)</text>", m.group())), page, flags=re.S)


@pytest.mark.parametrize("stem", EXAMPLES.SHEET_GRAPHS)
def test_the_ready_sheets_in_examples_are_current_and_their_pdfs_hold_the_answers(stem):
    title, build = EXAMPLES.SHEET_GRAPHS[stem]
    root = build()
    committed = ROOT / "examples" / "sheets" / f"{stem}.html"
    assert _without_svg_layout(committed.read_text(encoding="utf-8")) == \
        _without_svg_layout(practice_sheet(root, title=title)), "run python examples/practice_sheets.py"
    assert leaks(Sheet(committed.read_text(encoding="utf-8")), root, title) == []
    _pdf_tools()
    check_pdf(ROOT / "examples" / "sheets" / f"{stem}.pdf", root, title)


def test_the_ready_sheets_are_the_notes_graph_m_example_logistic_regression_and_deepnet_2_4_3_1():
    roots = {stem: build() for stem, (_, build) in EXAMPLES.SHEET_GRAPHS.items()}
    assert not isinstance(roots["notes_graph"], Tensor)
    assert [n.data.shape for n in View(roots["logistic_regression"]).order if n.label == "X"] == [(2, 4)]
    assert sorted(n.data.shape for n in View(roots["deepnet_2_4_3_1"]).order if n.label and n.label[0] == "W") == \
        [(1, 3), (3, 4), (4, 2)]


def test_the_sheet_says_how_the_key_writes_numbers_and_that_log_is_ln_and_writes_a_product_with_log_with_a_dot():
    from viz._format import fmt_number

    for name, root in GRAPHS.items():
        sheet = _sheet(root)
        intro = " ".join("".join(sheet.text["blank"]).split())
        assert "Write each number as the key prints it: rounded to at most 4 significant digits, without trailing " \
               "zeros" in intro, name
        assert "Here log is the natural logarithm, ln (base e)." in intro, name  # every one of these takes a log
        for q in sheet.questions["answers"]:  # and the key does print them so
            for box in q["boxes"]:
                assert fmt_number(float(box), 4) == box.strip(), (name, q["ask"], box)
    answers = " ".join("".join(_sheet(GRAPHS["notes_graph"]).text["answers"]).split())
    assert "= -(1 · log(0.525) + (1 - 1) · log(1 - 0.525))" in answers and "1 log 0.525" not in answers
    x, y = Tensor(np.array([[1.0, 2.0]]), label="x"), Tensor(np.array([[3.0], [4.0]]), label="y")
    J = (x @ y).sum()
    J.label = "J"
    J.backward()
    assert "logarithm" not in "".join(_sheet(J).text["blank"])  # said only where a sheet takes a log
