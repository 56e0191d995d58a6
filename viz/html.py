"""The step-through page: one self-contained HTML file, one inline SVG frame per backprop step.

Frame k draws the graph with the gradients that are final after k steps, the current
node outlined and the edges it received its terms along in red; under it, the step's
formula (dz = da · a(1 - a) = -0.475). Prev/Next buttons and the arrow keys move
between frames. Nothing is fetched from the network. Every text reaches the page either
escaped by Graphviz inside the SVG or as JSON read with ``textContent``, so a label can
show ``<script>`` but never run it; a control character shows as its escape (``\\x00``)
there too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ._format import fmt_value, html_label_text, html_text, visible_text
from ._style import HIGHLIGHT, KIND_STYLE
from .graph import draw_graph
from .render import _pipe, render
from .steps import backprop_steps

__all__ = ["step_through_html", "export_step_frames"]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:">
<title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1.5em; color: #111827; }}
h1 {{ font-size: 1.3em; margin: 0 0 .6em; }}
.bar {{ display: flex; gap: .8em; align-items: center; margin-bottom: .6em; }}
button {{ font-size: 1em; padding: .3em 1em; }}
#counter {{ font-weight: bold; min-width: 8em; }}
#formula {{ font-family: "DejaVu Sans Mono", monospace; font-size: 1.15em; background: #f3f4f6;
           padding: .5em .8em; border-left: 4px solid #dc2626; margin-bottom: .8em; white-space: pre-wrap; }}
.frame svg {{ max-width: 100%; height: auto; }}
.hint {{ color: #6b7280; font-size: .9em; }}
.legend {{ color: #374151; font-size: .9em; margin-bottom: .6em; }}
.chip {{ display: inline-block; width: 1em; height: 1em; border: 2px solid; border-radius: 3px;
        vertical-align: middle; margin: 0 .3em 0 1em; }}
</style></head>
<body>
<h1>{title}</h1>
<div class="bar"><button id="prev" type="button">&#9664; Prev</button>
<span id="counter"></span><button id="next" type="button">Next &#9654;</button>
<span class="hint">or use the &larr; &rarr; arrow keys</span></div>
<div id="formula"></div>
<div class="legend">{legend}<span class="chip" style="background:#fff;border-color:{highlight}"></span>gradient final at this step</div>
{frames}
<script type="application/json" id="steps">{data}</script>
<script>{script}</script>
</body></html>
"""

# the page's only script; the CSP above lets exactly this text run (its sha256)
_SCRIPT = """
(function () {
  var steps = JSON.parse(document.getElementById('steps').textContent);
  var frames = document.querySelectorAll('.frame');
  var counter = document.getElementById('counter');
  var formula = document.getElementById('formula');
  var current = 0;
  function show(k) {
    current = Math.max(0, Math.min(steps.length - 1, k));
    for (var i = 0; i < frames.length; i++) { frames[i].hidden = (i !== current); }
    counter.textContent = 'Step ' + (current + 1) + ' / ' + steps.length;
    formula.textContent = steps[current];
    document.getElementById('prev').disabled = (current === 0);
    document.getElementById('next').disabled = (current === steps.length - 1);
  }
  document.getElementById('prev').addEventListener('click', function () { show(current - 1); });
  document.getElementById('next').addEventListener('click', function () { show(current + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') { show(current + 1); }
    if (e.key === 'ArrowLeft') { show(current - 1); }
  });
  show(0);
})();
"""


def _frames(root, rankdir: str, precision: int, edge_derivatives: bool, max_steps: int):
    """(step, Digraph) for every step: grads final so far shown, the current node outlined."""
    steps = backprop_steps(root, precision)
    if len(steps) > max_steps:
        raise ValueError(f"the backward pass has {len(steps)} steps, one full picture each; more than "
                         f"max_steps={max_steps} would not be readable. Step through a smaller graph, "
                         "or raise max_steps")
    final: set = set()
    for step in steps:
        final.add(step.node)
        graph = draw_graph(root, rankdir=rankdir, precision=precision, edge_derivatives=edge_derivatives,
                           highlight=step.node, grad_known=final.__contains__, max_nodes=10**9)
        yield step, graph


def _json_for_script(value) -> str:
    # inside <script>, "</script>" or "<!--" in a label must not end the element
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def step_through_html(root, path=None, *, title: str = "Backprop, step by step", rankdir: str = "LR",
                      precision: int = 4, edge_derivatives: bool = False, max_steps: int = 200) -> str:
    """The step-through page of ``root.backward()`` as HTML text; also written to ``path`` if given.

    Needs ``backward()`` to have run and Graphviz's ``dot`` to draw the frames; a graph
    with more than ``max_steps`` steps is refused (one full picture per step would not read).
    """
    import base64
    import hashlib

    parts, texts = [], []
    for step, graph in _frames(root, rankdir, precision, edge_derivatives, max_steps):
        svg = _pipe(graph, "svg").decode("utf-8")
        svg = svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE: the SVG sits inline
        svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
        parts.append(f'<div class="frame" id="frame-{step.index}" hidden>{svg}</div>')
        texts.append(visible_text(f"{step.formula} = {fmt_value(step.value, precision)}"))
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    legend = "".join(f'<span class="chip" style="background:{fill};border-color:{border}"></span>{kind}'
                     for kind, (fill, border) in KIND_STYLE.items())
    page = _PAGE.format(title=html_text(title), frames="\n".join(parts), data=_json_for_script(texts),
                        script=_SCRIPT, script_hash=script_hash, legend=legend, highlight=HIGHLIGHT)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def export_step_frames(root, directory, format: str = "svg", *, rankdir: str = "LR", precision: int = 4,
                       edge_derivatives: bool = False, max_steps: int = 200) -> list[Path]:
    """Write one picture per backprop step, ``step_001.svg``, ``step_002.svg``, ... (or .png, .pdf, .dot)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for step, graph in _frames(root, rankdir, precision, edge_derivatives, max_steps):
        caption = f"step {step.index}/{step.total}: {step.formula} = {fmt_value(step.value, precision)}"
        graph.attr(label=f"<{html_label_text(caption)}>", labelloc="t")
        written.append(render(graph, directory / f"step_{step.index:03d}.{format}", format=format))
    return written

