"""The step-through page: one self-contained HTML file, one Graphviz layout, a frame per step.

The graph is laid out once; every node carries its value and its final gradient, and a frame
only changes what is shown: which values the forward pass has computed, which gradients the
backward pass has made final, the current node and the edges its terms travel along (red),
and the frame's text (the formula, the same with the numbers, the result, the notes' closed
form). Nodes never move, and the page grows with the graph, not with graph × steps.

Controls: Prev/Next, the arrow keys, Home/End, play/pause with a speed, a step slider; zoom
with the wheel or +/−, drag to pan, "fit" to see it all. Nothing is fetched from the network
(a content-security policy says so). Every text reaches the page either escaped by Graphviz
inside the SVG or as JSON read with ``textContent``, so a label can show ``<script>`` but
never run it; a control or bidirectional character shows as its escape (``\\u202e``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

from autograd_mini import topo_order
from autograd_mini.atomic import atomic_write

from ._chain import Names, consumers
from ._format import html_text, visible_text
from ._style import HIGHLIGHT, KIND_STYLE
from ._collapse import box_edges, box_texts, draw_collapsed
from ._collapse import collapse as collapse_graph
from .graph import draw_graph
from .render import check_size, svg_text
from .steps import _one_root, backprop_steps, forward_steps

__all__ = ["step_through_html", "step_through", "StepThrough", "export_step_frames"]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:">
<title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; padding: .8em 1em; color: #111827; }}
h1 {{ font-size: 1.15em; margin: 0 0 .4em; }}
.bar {{ display: flex; flex-wrap: wrap; gap: .5em; align-items: center; margin-bottom: .4em; }}
button {{ font-size: .95em; padding: .2em .7em; }}
#counter {{ font-weight: bold; min-width: 13em; }}
#slider {{ flex: 1 1 12em; }}
#text {{ font-family: "DejaVu Sans Mono", monospace; font-size: 14px; line-height: 1.3; background: #f3f4f6;
         margin: 0 0 .4em; padding: .4em .7em; border-left: 4px solid {highlight}; white-space: pre-wrap;
         height: {text_lines}em; overflow: auto; box-sizing: content-box; }}
#view {{ position: relative; overflow: hidden; border: 1px solid #d1d5db; height: 600px;
         cursor: grab; touch-action: none; background: #fff; }}
#view.dragging {{ cursor: grabbing; }}
#stage {{ position: absolute; left: 0; top: 0; transform-origin: 0 0; }}
.hint {{ color: #6b7280; font-size: .85em; }}
.legend {{ color: #374151; font-size: .85em; }}
.chip {{ display: inline-block; width: .9em; height: .9em; border: 2px solid; border-radius: 3px;
        vertical-align: middle; margin: 0 .25em 0 .8em; }}
#stage .hidden {{ visibility: hidden; }}
#stage .pending > polygon, #stage .pending > path {{ stroke-dasharray: 4 3; fill-opacity: .35; }}
#stage .current > polygon, #stage .current > path {{ stroke: {highlight}; stroke-width: 3.5; }}
#stage .edge.term path, #stage .edge.term polygon {{ stroke: {highlight}; stroke-width: 2.5; }}
#stage .edge.term polygon {{ fill: {highlight}; }}
#stage a {{ cursor: help; }}
</style></head>
<body>
<h1>{title}</h1>
<div class="bar"><button id="first" type="button" title="first frame (Home)">|&#9664;</button>
<button id="prev" type="button">&#9664; Prev</button><span id="counter"></span>
<button id="next" type="button">Next &#9654;</button><button id="last" type="button" title="last frame (End)">&#9654;|</button>
<button id="play" type="button">&#9654; Play</button>
<label class="hint">speed <select id="speed"><option value="2000">slow</option><option value="1000" selected>normal</option>
<option value="400">fast</option></select></label>
<input id="slider" type="range" min="1" max="{frames}" value="1" aria-label="frame">
<button id="zoomout" type="button" title="zoom out (-)">&minus;</button><button id="zoomin" type="button" title="zoom in (+)">+</button>
<button id="fit" type="button" title="fit the graph in the window (0)">fit</button></div>
<pre id="text"></pre>
<div class="legend">{legend}<span class="chip" style="background:#fff;border-color:{highlight}"></span>this frame's node
<span class="hint"> &middot; dashed: not computed yet &middot; a blank grad: not final yet &middot; hover a value for every entry
&middot; &larr; &rarr; Home End, wheel to zoom, drag to pan</span></div>
<div id="view"><div id="stage">{svg}</div></div>
<script type="application/json" id="frames">{data}</script>
<script>{script}</script>
</body></html>
"""

# the page's only script; the CSP above lets exactly this text run (its sha256)
_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('frames').textContent);
  var frames = data.frames, n = frames.length;
  var byId = function (id) { return document.getElementById(id); };
  var counter = byId('counter'), text = byId('text'), slider = byId('slider');
  var view = byId('view'), stage = byId('stage'), svg = stage.querySelector('svg');
  var computed = {}, current = 0, timer = null;
  data.leaves.forEach(function (i) { computed[i] = true; });
  function toggle(id, cls, on) { var el = byId(id); if (el) { el.classList.toggle(cls, on); } }
  function show(k) {
    current = Math.max(0, Math.min(n - 1, k));
    var f = frames[current], done = {}, final = {}, j;
    for (j = 0; j <= current; j++) {
      if (frames[j].pass === 'forward') { done[frames[j].node] = true; } else { final[frames[j].node] = true; }
    }
    for (j = 0; j < data.nodes; j++) {
      var known = computed[j] || done[j] || f.pass === 'backward';
      toggle('n' + j, 'pending', !known);
      toggle('a_v' + j, 'hidden', !known);
      toggle('a_a' + j, 'hidden', !known);
      toggle('a_g' + j, 'hidden', !final[j]);
      toggle('n' + j, 'current', j === f.node);
    }
    var edges = stage.querySelectorAll('.edge');
    var lit = {}; f.edges.forEach(function (e) { lit[e] = true; });
    for (j = 0; j < edges.length; j++) { edges[j].classList.toggle('term', !!lit[edges[j].id]); }
    counter.textContent = (f.pass === 'forward' ? 'forward pass ' : 'backward pass ') + f.step + ' / ' + f.of +
      '  (frame ' + (current + 1) + ' / ' + n + ')';
    text.textContent = f.text;
    slider.value = current + 1;
    byId('prev').disabled = byId('first').disabled = current === 0;
    byId('next').disabled = byId('last').disabled = current === n - 1;
  }
  var scale = 1, x = 0, y = 0;
  function place() { stage.style.transform = 'translate(' + x + 'px,' + y + 'px) scale(' + scale + ')'; }
  function zoom(factor, cx, cy) {
    var s = Math.max(0.05, Math.min(8, scale * factor));
    x = cx - (cx - x) * s / scale; y = cy - (cy - y) * s / scale; scale = s; place();
  }
  function fit() {
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    scale = Math.min(view.clientWidth / w, view.clientHeight / h, 2);
    x = (view.clientWidth - w * scale) / 2; y = (view.clientHeight - h * scale) / 2; place();
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } byId('play').textContent = '\\u25b6 Play'; }
  function play() {
    if (timer) { stop(); return; }
    if (current === n - 1) { show(0); }
    byId('play').textContent = '\\u23f8 Pause';
    timer = setInterval(function () { show(current + 1); if (current === n - 1) { stop(); } },
                        Number(byId('speed').value));
  }
  byId('prev').addEventListener('click', function () { show(current - 1); });
  byId('next').addEventListener('click', function () { show(current + 1); });
  byId('first').addEventListener('click', function () { show(0); });
  byId('last').addEventListener('click', function () { show(n - 1); });
  byId('play').addEventListener('click', play);
  byId('speed').addEventListener('change', function () { if (timer) { stop(); play(); } });
  slider.addEventListener('input', function () { show(Number(slider.value) - 1); });
  byId('zoomin').addEventListener('click', function () { zoom(1.25, view.clientWidth / 2, view.clientHeight / 2); });
  byId('zoomout').addEventListener('click', function () { zoom(0.8, view.clientWidth / 2, view.clientHeight / 2); });
  byId('fit').addEventListener('click', fit);
  view.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = view.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  var drag = null;
  view.addEventListener('pointerdown', function (e) {
    drag = { x: e.clientX - x, y: e.clientY - y }; view.classList.add('dragging');
    if (view.setPointerCapture) { view.setPointerCapture(e.pointerId); }
  });
  view.addEventListener('pointermove', function (e) {
    if (drag) { x = e.clientX - drag.x; y = e.clientY - drag.y; place(); }
  });
  ['pointerup', 'pointercancel'].forEach(function (t) {
    view.addEventListener(t, function () { drag = null; view.classList.remove('dragging'); });
  });
  stage.addEventListener('click', function (e) { if (e.target.closest('a')) { e.preventDefault(); } });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider || e.target.tagName === 'SELECT') { return; }
    var keys = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: n - 1 };
    if (e.key in keys) { e.preventDefault(); show(keys[e.key]); }
    if (e.key === '+' || e.key === '=') { zoom(1.25, view.clientWidth / 2, view.clientHeight / 2); }
    if (e.key === '-') { zoom(0.8, view.clientWidth / 2, view.clientHeight / 2); }
    if (e.key === '0') { fit(); }
  });
  function size() { view.style.height = Math.max(300, window.innerHeight - view.getBoundingClientRect().top - 12) + 'px'; }
  window.addEventListener('resize', function () { size(); fit(); });
  size();
  fit();
  show(0);
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_PT_TO_PX = 4 / 3  # Graphviz writes sizes in points; the page shows them at their size in CSS pixels


def _json_for_script(value) -> str:
    # inside <script>, "</script>" or "<!--" in a label must not end the element
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline_svg(svg: str) -> str:
    """Graphviz's SVG as an element of the page: no prolog or comments, sized in CSS pixels."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' xlink:href="#"', "")  # the cells are anchors only to carry an id and a tooltip
    box = re.search(r'viewBox="([\d.\-]+) ([\d.\-]+) ([\d.]+) ([\d.]+)"', svg)
    width, height = float(box.group(3)) * _PT_TO_PX, float(box.group(4)) * _PT_TO_PX
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', f'<svg width="{width:.0f}" height="{height:.0f}"', svg, count=1)


def _check_frames(count: int, forward: int, max_steps: int) -> None:
    if count > max_steps:
        raise ValueError(f"the step-through has {count} frames ({forward} forward, {count - forward} backward "
                         f"steps), more than max_steps={max_steps}: step through a smaller graph, or raise max_steps")


def _node_frames(order: list, names: Names, root, precision: int, max_steps: int) -> tuple:
    """A frame per computed node (forward), then per node that takes a gradient (backward)."""
    forward = forward_steps(root, precision, order=order, names=names)
    backward = backprop_steps(root, precision, order=order, names=names)
    _check_frames(len(forward) + len(backward), len(forward), max_steps)
    position = names.position
    used_by = consumers(order)
    frames = []
    for step in forward:
        node = step.node
        frames.append({"pass": "forward", "step": step.index, "of": step.total, "node": position[node],
                       "edges": [f"e{position[p]}_{position[node]}_{i}" for i, p in enumerate(node._parents)],
                       "text": visible_text("\n".join(step.lines()))})
    for step in backward:
        node = step.node
        frames.append({"pass": "backward", "step": step.index, "of": step.total, "node": position[node],
                       "edges": [f"e{position[node]}_{position[c]}_{i}" for c, i in used_by[node]],
                       "text": visible_text("\n".join(step.lines()))})
    leaves = [i for i, node in enumerate(order) if node._op is None]
    return frames, leaves, len(order)


def _box_frames(order: list, boxes, precision: int, max_steps: int) -> tuple:
    """A frame per box: forward in the order the boxes are completed, backward in the order their
    gradients become final (the reverse), each saying what the box holds and its outputs' values."""
    count = len(boxes.members)
    computed = [box for box in range(count) if any(n._op is not None for n in boxes.members[box])]
    # the backward pass meets the boxes in the reverse of the order the forward pass completed them
    needing = [box for box in reversed(range(count)) if any(n.requires_grad for n in boxes.members[box])]
    _check_frames(len(computed) + len(needing), len(computed), max_steps)
    edges = box_edges(order, boxes)
    frames = []
    for k, box in enumerate(computed, start=1):
        held, data, _ = box_texts(boxes, box, precision)
        frames.append({"pass": "forward", "step": k, "of": len(computed), "node": box,
                       "edges": [f"e{a}_{b}_0" for a, b in edges if b == box],
                       "text": visible_text(f"{held}\n{data}")})
    for k, box in enumerate(needing, start=1):
        held, _, grad = box_texts(boxes, box, precision)
        lines = [held, grad]
        frames.append({"pass": "backward", "step": k, "of": len(needing), "node": box,
                       "edges": [f"e{a}_{b}_0" for a, b in edges if a == box],
                       "text": visible_text("\n".join(lines))})
    leaves = [box for box in range(count) if all(n._op is None for n in boxes.members[box])]
    return frames, leaves, count


def _page_parts(root, rankdir: str, precision: int, edge_derivatives: bool, max_steps: int, max_nodes: int,
                collapse: bool):
    """The page's Digraph (node ids n<i>, cells a_v<i> / a_g<i>, edges e<a>_<b>_<slot>), its frames, the
    nodes known from the start (leaves), and how many nodes (or boxes) it draws."""
    (root,) = _one_root(root)
    if not root.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) "
                           "before stepping through backprop")
    order = topo_order([root])
    names = Names(order, precision)
    if len(order) > max_nodes:
        if not collapse:
            check_size(len(order), sum(len(n._parents) for n in order), max_nodes,
                       "a step-through page draws every node: pass collapse=True for one box per neuron or layer, "
                       "or step through a smaller graph")
        boxes = collapse_graph(order, names, None, max_nodes)
        graph = draw_collapsed(order, names, None, max_nodes, rankdir=rankdir, precision=precision, title=None,
                               _page=True)
        return (graph, *_box_frames(order, boxes, precision, max_steps))
    frames, leaves, count = _node_frames(order, names, root, precision, max_steps)
    graph = draw_graph(root, rankdir=rankdir, precision=precision, edge_derivatives=edge_derivatives,
                       max_nodes=len(order), _page=True)
    return graph, frames, leaves, count


def step_through_html(root, path=None, *, title: str = "Backprop, step by step", rankdir: str = "LR",
                      precision: int = 4, edge_derivatives: bool = False, max_steps: int = 500,
                      max_nodes: int = 300, collapse: bool = False) -> str:
    """The step-through page of ``root`` (the loss) as HTML text; also written to ``path`` if given.

    Needs ``backward()`` to have run and Graphviz's ``dot`` to lay the graph out (once).
    The frames are the forward pass (one per computed node), then the backward pass (one per
    node that takes a gradient). A graph of more than ``max_nodes`` nodes is refused before
    Graphviz runs, with what to do instead, unless ``collapse`` allows one box per neuron
    (or layer, or stretch of a chain) and a frame per box; more than ``max_steps`` frames are
    refused too.
    """
    page = step_through(root, title=title, rankdir=rankdir, precision=precision, edge_derivatives=edge_derivatives,
                        max_steps=max_steps, max_nodes=max_nodes, collapse=collapse)
    if path is not None:
        page.save(path)
    return page.html


class StepThrough:
    """A step-through page: ``.html`` (the page), ``.save(path)``, and inline display in Jupyter.

    In a notebook the page shows in an ``<iframe>`` whose ``srcdoc`` holds the same
    self-contained page (its script and escaping unchanged), so it works offline.
    """

    def __init__(self, page: str, frames: int):
        self.html = page
        self.frames = frames

    def save(self, path) -> Path:
        """Write the page to ``path`` (atomically; missing folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:720px;border:0" '
                f'title="step-through backprop, {self.frames} frames"></iframe>')

    def __repr__(self) -> str:
        return f"<StepThrough: {self.frames} frames, {len(self.html):,} characters of HTML>"


def step_through(root, *, title: str = "Backprop, step by step", rankdir: str = "LR", precision: int = 4,
                 edge_derivatives: bool = False, max_steps: int = 500, max_nodes: int = 300,
                 collapse: bool = False) -> StepThrough:
    """The step-through page of ``root`` as a :class:`StepThrough` (shows inline in Jupyter);
    the options are :func:`step_through_html`'s."""
    graph, frames, leaves, count = _page_parts(root, rankdir, precision, edge_derivatives, max_steps, max_nodes,
                                               collapse)
    legend = "".join(f'<span class="chip" style="background:{fill};border-color:{border}"></span>{kind}'
                     for kind, (fill, border) in KIND_STYLE.items())
    data = {"nodes": count, "leaves": leaves, "frames": frames}
    # the text box is as tall as the longest frame's text (up to 12 lines), the same for every frame
    lines = max(frame["text"].count("\n") + 1 for frame in frames)
    page = _PAGE.format(title=html_text(title), svg=_inline_svg(svg_text(graph)), data=_json_for_script(data),
                        script=_SCRIPT, script_hash=_SCRIPT_HASH, legend=legend, highlight=HIGHLIGHT,
                        frames=len(frames), text_lines=f"{1.3 * min(max(lines, 4), 12):.1f}")
    return StepThrough(page, len(frames))


def export_step_frames(root, directory, *, rankdir: str = "LR", precision: int = 4, edge_derivatives: bool = False,
                       max_steps: int = 500, max_nodes: int = 300, collapse: bool = False) -> list[Path]:
    """Write one SVG per frame, ``frame_001.svg``, …: the one layout, each file showing what its frame shows.

    Each file is the page's SVG with the frame's text as a caption on top and a style that
    hides what is not yet computed and outlines the current node, so the pictures line up.
    """
    graph, frames, leaves, count = _page_parts(root, rankdir, precision, edge_derivatives, max_steps, max_nodes,
                                               collapse)
    svg = _inline_svg(svg_text(graph))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    done, final = set(leaves), set()
    with_grad = {frame["node"] for frame in frames if frame["pass"] == "backward"}
    lines = max(frame["text"].count("\n") + 1 for frame in frames)  # one caption height: the drawing never moves
    for k, frame in enumerate(frames, start=1):
        (done if frame["pass"] == "forward" else final).add(frame["node"])
        known = set(range(count)) if frame["pass"] == "backward" else done
        hidden = [f"#a_v{j}, #a_a{j}" for j in range(count) if j not in known]
        hidden += [f"#a_g{j}" for j in sorted(with_grad - final)]
        style = ("<style>" + (", ".join(hidden) + " { visibility: hidden; } " if hidden else "")
                 + f"#n{frame['node']} > polygon {{ stroke: {HIGHLIGHT}; stroke-width: 3.5; }} "
                 + "".join(f"#{e} path, #{e} polygon {{ stroke: {HIGHLIGHT}; stroke-width: 2.5; }} "
                           for e in frame["edges"]) + "</style>")
        caption = "".join(f'<tspan x="8" dy="1.3em">{html.escape(line)}</tspan>' for line in frame["text"].split("\n"))
        page_svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)
        page_svg = page_svg.replace("</svg>", f'<text font-family="DejaVu Sans Mono" font-size="12" y="0" '
                                              f'transform="translate(0,-{lines * 16 + 8})">{caption}</text></svg>')
        page_svg = _grow_top(page_svg, lines * 16 + 12)
        written.append(atomic_write(directory / f"frame_{k:03d}.svg",
                                    '<?xml version="1.0" encoding="UTF-8"?>\n' + page_svg))
    return written


def _grow_top(svg: str, extra: float) -> str:
    """Make room above the drawing for the caption: a taller canvas whose viewBox starts ``extra`` higher."""
    box = re.search(r'viewBox="([\d.\-]+) ([\d.\-]+) ([\d.]+) ([\d.]+)"', svg)
    x0, y0, w, h = (float(v) for v in box.groups())
    svg = svg.replace(box.group(0), f'viewBox="{x0} {y0 - extra} {max(w, 900)} {h + extra}"', 1)
    return re.sub(r'<svg width="([\d.]+)" height="([\d.]+)"',
                  lambda m: f'<svg width="{max(float(m.group(1)), 900 * _PT_TO_PX):.0f}" '
                            f'height="{float(m.group(2)) + extra * _PT_TO_PX:.0f}"', svg, count=1)
