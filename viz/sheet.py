"""Printable practice sheets: the graph, a blank box for every value and gradient, then the answers.

A sheet asks what the step-through page shows, with the same names, the same numbers and in the
same order: first each computed value (the forward pass), then each gradient in the teacher's
order (from the cost back, each as soon as it is final). A number gets one box, a matrix of up to
32 entries a grid of boxes of its shape, a larger one a box for one entry. The graph on the blank
pages shows only what is given (the inputs and parameters); the answers start on a page of their
own, each with the frame's chain rule, the same with the numbers, and the notes' closed form
where the notes have one. The HTML has print CSS (A4 or Letter); a path ending in ``.pdf`` is
printed by headless Chromium (Debian: ``apt-get install chromium``).

>>> from autograd_mini.notes_graph import logistic_graph
>>> L = logistic_graph(); L.backward()
>>> [(q.ask, q.cells) for q in questions(L)][3:6]
[('dL = ∂L/∂L', [['1']]), ('da = ∂L/∂a', [['-1.905']]), ('dz = ∂L/∂z', [['-0.475']])]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograd_mini import Tensor
from autograd_mini.atomic import atomic_write

from ._format import fmt_array, html_text
from ._style import new_digraph
from ._view import View
from .graph import _partial, draw_graph
from .render import svg_text
from .steps import Step, _one_root, backprop_steps, forward_steps

__all__ = ["practice_sheet", "questions", "Question", "BrowserNotInstalled", "PAPERS", "MIN_TEXT_PT"]

#: the paper sizes a sheet is laid out for, width × height in mm
PAPERS = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}
#: the smallest text a printed graph may have, in points; a graph that would print smaller is left off
MIN_TEXT_PT = 9.0
_MARGIN_MM = 14.0
_PT_PER_MM = 72 / 25.4
_WRAP = 9  # boxes on one line; a longer row goes on in the next line, its columns named
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_BROWSER_INSTALL = ("a PDF practice sheet is printed by headless Chromium, which was not found on PATH. Install it: "
                    "`apt-get install chromium` (Debian/Ubuntu); or write the sheet as .html and print it from a browser")


class BrowserNotInstalled(RuntimeError):
    """A PDF sheet needs Chromium (Debian: ``apt-get install chromium``); an HTML sheet needs nothing."""


@dataclass(frozen=True)
class Question:
    """One box or grid of the sheet: what it asks (``ask``), the shape of the grid (``shape``, None for a
    number), the answers as the step-through page prints them (``cells``, rows of strings) and, for a
    matrix of more than 32 entries, the one entry asked (``entry``)."""

    step: Step
    ask: str
    shape: tuple | None
    cells: list
    entry: tuple | None = None


def _ask(step: Step, view: View) -> str:
    """A forward step asks its formula (z = w1·x1 + w2·x2 + b); a backward one its gradient and what it is
    the gradient of (dz = ∂L/∂z), where the symbol does not already say it (∂J/∂Z1)."""
    if step.kind == "forward":
        return step.formula
    if step.dname.startswith("∂"):
        return step.dname
    return f"{step.dname} = ∂{_partial(view.names.symbol(view.root))}/∂{_partial(step.name)}"


def _question(step: Step, view: View) -> Question:
    value = np.asarray(step.value, dtype=float)
    ask = _ask(step, view)
    if value.ndim == 0:
        return Question(step, ask, None, fmt_array(value, step.precision))
    if value.size <= 32:
        return Question(step, ask, value.shape, fmt_array(value, step.precision))
    # one entry, the same for a given step, spread over the matrix from step to step
    every = fmt_array(value, step.precision, max_entries=value.size)
    flat = (step.index * 7919) % value.size
    entry = tuple(int(i) for i in np.unravel_index(flat, value.shape))
    row, column = divmod(flat, value.shape[-1])
    return Question(step, ask, value.shape, [[every[row][column]]], entry)


def questions(root, precision: int = 4, *, view: View | None = None) -> list[Question]:
    """What the sheet of ``root`` asks, in order: every computed value, then every gradient (teacher's order)."""
    view = view if view is not None else View(_one_root(root)[0], precision)
    steps = forward_steps(view.root, precision, view=view) + backprop_steps(view.root, precision, view=view)
    return [_question(step, view) for step in steps]


def _content_pt(paper: str) -> tuple[float, float]:
    width, height = PAPERS[paper]
    return ((width - 2 * _MARGIN_MM) * _PT_PER_MM, (height - 2 * _MARGIN_MM) * _PT_PER_MM)


def _svg_size(svg: str) -> tuple[float, float]:
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(found.group(1)), float(found.group(2))


def _fitted_graph(graphs, width: float, heights: tuple, font: float) -> tuple[str, float]:
    """Of the drawings in ``graphs`` (Digraphs), the one whose text prints largest in ``width`` by the first of
    ``heights`` (pt) where its text is at least :data:`MIN_TEXT_PT` (else the last), as an inline SVG scaled to
    fit, and its scale (1: Graphviz's own size, node text ``font`` points)."""
    sized = []
    for graph in graphs:
        svg = svg_text(graph)
        sized.append((svg, *_svg_size(svg)))
    for height in heights:
        svg, w, h = max(sized, key=lambda drawn: min(1.0, width / drawn[1], height / drawn[2]))
        scale = min(1.0, width / w, height / h)
        if font * scale >= MIN_TEXT_PT:
            break
    svg = re.sub(r"<!--.*?-->", "", svg[svg.index("<svg"):], flags=re.S)
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', f'<svg width="{w * scale:.1f}pt" height="{h * scale:.1f}pt"',
                 svg, count=1)
    return svg, scale


def _node_text_pt() -> float:
    """The graph's node text in points, as :func:`viz._style.new_digraph` sets it."""
    return float(new_digraph("size", "LR", None).node_attr["fontsize"])


def _grid(q: Question, filled: bool) -> str:
    """The boxes of ``q``: one, or the grid of its shape (a long row goes on in the next line, its columns named)."""
    lines = []
    wrapped = q.entry is None and len(q.cells[0]) > _WRAP
    for r, row in enumerate(q.cells):
        for start in range(0, len(row), _WRAP):
            part = row[start:start + _WRAP]
            head = (f'<th scope="row">row {r + 1}, columns {start + 1}–{start + len(part)}</th>' if wrapped else "")
            boxes = "".join(f'<td class="box">{html_text(v) if filled else ""}</td>' for v in part)
            lines.append(f"<tr>{head}{boxes}</tr>")
    return f'<table class="grid">{"".join(lines)}</table>'


def _shape_note(q: Question) -> str:
    if q.shape is None:
        return ""
    if q.entry is not None:
        return (f'<div class="shape">shape {html_text(q.shape)}: only the entry at row {q.entry[0] + 1}, column '
                f'{q.entry[-1] + 1}{" of its last axis" if len(q.shape) > 2 else ""}</div>')
    extra = ", a row per run of its last axis" if len(q.shape) > 2 else ""
    return f'<div class="shape">shape {html_text(q.shape)}{extra}</div>'


def _wide(q: Question) -> bool:
    """A grid wider than half the page takes the whole width."""
    return len(q.cells[0]) > 4 or len(q.ask) > 40


def _question_html(q: Question, answers: bool) -> str:
    wide = " wide" if _wide(q) else ""
    parts = [f'<div class="q{wide}"><div class="ask">{html_text(q.ask)}</div>', _shape_note(q)]
    if answers:
        step = q.step
        work = [step.formula] if step.kind == "backward" else []
        if step.numbers:
            work.append(("" if isinstance(step.node, Tensor) else "= ") + step.numbers)
        if work:
            parts.append(f'<div class="work">{html_text(chr(10).join(work))}</div>')
    parts.append(_grid(q, answers))
    if answers:
        extra = list(q.step.where) + list(q.step.notes)
        if q.entry is not None:
            extra.insert(0, f"the whole matrix: {q.step.result()}")
        if extra:
            parts.append(f'<div class="notes">{html_text(chr(10).join(extra))}</div>')
    return "".join(parts) + "</div>"


def _digits(asked: list, precision: int) -> str:
    """How the key writes a number (fmt_number: ``g`` style), said so that a learner's answer can match it."""
    text = f"rounded to at most {precision} significant digits, without trailing zeros"
    exponent = next((c for q in asked for row in q.cells for c in row if "e" in c), None)
    return text + (f", a very small or large number in e-notation ({exponent})" if exponent else "")


def _uses_log(step: Step) -> bool:
    """Whether the step's formula, its numbers or the notes' lines beside it take a logarithm."""
    return any(re.search(r"\blog\b", text) for text in (step.formula, step.numbers, *step.where, *step.notes))


def _notation(view: View) -> str:
    root = view.names.symbol(view.root)
    if not view.names.partial:
        return f"dz is the gradient of the loss {root} at z, ∂{root}/∂z; the same for every node."
    text = f"∂{root}/∂Z (a computed matrix Z) is autodiff's gradient of the cost {root}"
    if view.m is not None:
        text += (f"; the notes' dZ, one column per example, is m · ∂{root}/∂Z (here m = {view.m}); dW and db are "
                 f"∂{root}/∂W and ∂{root}/∂b, the same in the notes")
    return text + "."


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title>
<style>
@page {{ size: {paper}; margin: {margin}mm; }}
html {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #000; background: #fff; }}
body {{ margin: 0 auto; max-width: {content_mm:.1f}mm; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm; }}
h2 {{ font-size: 12pt; margin: 5mm 0 2mm; border-bottom: .6pt solid #000; break-after: avoid; }}
.who {{ display: flex; gap: 8mm; margin: 0 0 3mm; }}
.who span {{ flex: 1; border-bottom: .6pt solid #000; padding-bottom: 5mm; }}
p {{ margin: 0 0 2mm; font-size: 10pt; }}
.graph {{ text-align: center; margin: 2mm 0; }}
.qs {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4mm 6mm; }}
.q {{ break-inside: avoid; }}
.q.wide {{ grid-column: 1 / -1; }}
.ask, .work, .notes, td.box {{ font-family: "DejaVu Sans Mono", monospace; }}
.ask {{ font-size: 10pt; font-weight: bold; margin-bottom: 1mm; }}
.shape, th {{ font-size: 9pt; color: #222; font-weight: normal; text-align: left; padding-right: 2mm; }}
.work, .notes {{ font-size: 9pt; white-space: pre-wrap; margin: 0 0 1mm; }}
.notes {{ color: #222; margin-top: 1mm; }}
table.grid {{ border-collapse: collapse; }}
td.box {{ border: .8pt solid #000; width: 17mm; min-width: 17mm; height: 9mm; padding: 0 1mm; font-size: 9.5pt;
          text-align: right; }}
.answers {{ break-before: page; }}
</style></head>
<body>
<section class="blank">
<h1>{title}</h1>
<div class="who"><span>Name</span><span>Date</span></div>
<p>Fill in every box: first each value in the order of the forward pass, then each gradient from the {cost} back, in
the order below, left to right and down (each gradient as soon as every node that uses it has passed its term back). Write each number
as the key prints it: {digits}, a matrix entry by entry in the grid of its shape.{log} The graph gives the inputs and the
parameters; the answers begin on a page of their own.</p>
<p>{notation}</p>
<div class="graph">{blank_graph}</div>
<h2>Forward pass: the values</h2>
<div class="qs">{forward}</div>
<h2>Backward pass: the gradients, from the {cost} back</h2>
<div class="qs">{backward}</div>
</section>
<section class="answers">
<h1>Answers: {title}</h1>
{answer_graph}
<h2>Forward pass: the values</h2>
<div class="qs">{forward_answers}</div>
<h2>Backward pass: the gradients</h2>
<div class="qs">{backward_answers}</div>
</section>
</body></html>
"""


def practice_sheet(root, path=None, *, title: str = "Backprop by hand", precision: int = 4, paper: str = "A4",
                   max_steps: int = 60) -> str:
    """The printable practice sheet of ``root`` (the loss, after ``backward()``) as HTML text; also written
    to ``path`` if given: ``.html`` as it is, ``.pdf`` printed by headless Chromium.

    The blank pages: the graph with only the given numbers (inputs and parameters), then a blank box
    for every value (forward pass) and every gradient (backward pass, the teacher's order), each
    labelled with its symbol, a matrix of up to 32 entries as a grid of its shape. The answers, on a
    page of their own: the graph with every value and gradient where it prints with text of at least
    :data:`MIN_TEXT_PT` points, and each box filled, with the frame's chain rule and numbers and the
    notes' closed form, as the step-through page shows them. ``paper``: ``"A4"`` or ``"letter"``.
    A graph of more than ``max_steps`` boxes is refused: a sheet is for a graph worked by hand.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}; got {paper!r}")
    target = None if path is None else Path(path)
    if target is not None and target.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise ValueError(f"a practice sheet is written as .html or .pdf; got {target.name!r}")
    (node,) = _one_root(root)
    if not node.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) before making a "
                           "practice sheet")
    view = View(node, precision)
    asked = questions(node, precision, view=view)
    if len(asked) > max_steps:
        raise ValueError(f"the sheet would have {len(asked)} boxes or grids (one per value and per gradient), more "
                         f"than max_steps={max_steps}: practise a smaller graph, or raise max_steps")
    width, height = _content_pt(paper)
    font = _node_text_pt()
    # the blank graph shares its page with the first boxes where it reads so, else takes the page under the intro
    blank, _ = _fitted_graph([draw_graph(node, rankdir=r, show_grads=False, show_values=False, precision=precision)
                              for r in ("auto", "LR", "TB")], width, (height * 0.45, height * 0.8), font)
    full, scale = _fitted_graph([draw_graph(node, rankdir=r, precision=precision) for r in ("auto", "LR", "TB")],
                                width, (height * 0.45, height * 0.9), font)
    if font * scale >= MIN_TEXT_PT:
        answer_graph = f'<div class="graph">{full}</div>'
    else:
        answer_graph = (f"<p>The graph with every value and gradient would print its text at {font * scale:.1f} pt, "
                        f"under {MIN_TEXT_PT:g} pt, so it is left off: the step-through page shows it.</p>")
    forward = [q for q in asked if q.step.kind == "forward"]
    backward = [q for q in asked if q.step.kind == "backward"]
    page = _PAGE.format(
        title=html_text(title), paper=paper, margin=f"{_MARGIN_MM:g}", content_mm=PAPERS[paper][0] - 2 * _MARGIN_MM,
        cost=html_text(view.names.symbol(view.root)), digits=html_text(_digits(asked, precision)),
        log=" Here log is the natural logarithm, ln (base e)." if any(_uses_log(q.step) for q in asked) else "",
        notation=html_text(_notation(view)),
        blank_graph=blank, answer_graph=answer_graph,
        forward="".join(_question_html(q, False) for q in forward),
        backward="".join(_question_html(q, False) for q in backward),
        forward_answers="".join(_question_html(q, True) for q in forward),
        backward_answers="".join(_question_html(q, True) for q in backward))
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, _print_pdf(page) if target.suffix.lower() == ".pdf" else page)
    return page


def _print_pdf(page: str) -> bytes:
    """``page`` printed to PDF by headless Chromium (its @page sets the paper and margins)."""
    browser = next((found for found in map(shutil.which, _BROWSERS) if found), None)
    if browser is None:
        raise BrowserNotInstalled(_BROWSER_INSTALL)
    with tempfile.TemporaryDirectory() as folder:
        source, pdf = Path(folder) / "sheet.html", Path(folder) / "sheet.pdf"
        source.write_text(page, encoding="utf-8")
        command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
                   f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={pdf}", source.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses root without it; the page runs no script
        done = subprocess.run(command, capture_output=True, timeout=180)
        if done.returncode != 0 or not pdf.exists():
            said = done.stderr.decode("utf-8", "replace").strip()[-600:] or f"exit status {done.returncode}"
            raise RuntimeError(f"Chromium could not print the practice sheet to PDF: {said}")
        return pdf.read_bytes()
