"""The step-through page: one self-contained HTML file, one Graphviz layout, a frame per step.

The graph is laid out once; every node carries its value and its final gradient, and a frame
only changes what is shown: which values the forward pass has computed, which gradients the
backward pass has made final, the current node and the edges its terms travel along (red),
and the frame's text (the formula, the same with the numbers, the result, the notes' closed
form). Nodes never move, and the page grows with the graph, not with graph × steps.

Backward frames go in the teacher's order and light the edges the gradient travels along with
their heads at the node being computed. Controls: Prev/Next, the arrow keys, Home/End,
play/pause with a speed, a step slider; zoom with the wheel, +/− or a pinch, drag to pan, "fit"
to see it all; once zoomed in, "follow" pans each frame's node and the nodes its terms come
from into view. Tab reaches every node and reads its values; the frame's text is announced
(``aria-live``). The page sets its own colours, light or dark with the reader's setting, and
without scripts shows the whole graph with a note. Nothing is fetched from the network
(a content-security policy says so). Every text reaches the page either escaped by Graphviz
inside the SVG or as JSON read with ``textContent``, so a label can show ``<script>`` but
never run it; a control or bidirectional character shows as its escape (``\\u202e``).

``practice=True`` makes the practice page (:mod:`viz._practice` asks, :mod:`viz._practice_page` draws the
answer panel): the same page, each practised frame's result hidden until the learner answers it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from pathlib import Path

import shutil
import subprocess
import tempfile

from autograd_mini.atomic import atomic_write

from ._collapse import box_edges, box_texts, draw_collapsed, every_node
from ._collapse import collapse as collapse_graph
from ._format import html_text, visible_text
from ._layout import PT_TO_PX
from ._style import HIGHLIGHT, KIND_STYLE
from ._view import View
from .graph import _full, draw_graph
from .render import MAX_RENDER_NODES, check_size, svg_and_png, svg_text
from . import _practice_page
from ._practice import TOLERANCE, check_practice, practice_frames
from .steps import _one_root, backprop_steps, forward_steps, step_count

__all__ = ["step_through_html", "step_through", "StepThrough", "export_step_frames", "ConverterNotInstalled", "FRAME_FORMATS"]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:">
<title>{title}</title>
<style>
:root {{ color-scheme: light dark; }}
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; padding: .6em .8em; color: #111827;
        background: #ffffff; }}
header {{ display: flex; flex-wrap: wrap; gap: .3em 1em; align-items: center; margin-bottom: .4em; }}
h1 {{ font-size: 1.15em; margin: 0; }}
.bar {{ display: none; flex: 1 1 40em; flex-wrap: wrap; gap: .4em; align-items: center; }}
html.js .bar {{ display: flex; }}
button, select {{ font-size: .95em; padding: .2em .6em; color: inherit; background: #f3f4f6; border: 1px solid #9ca3af;
                  border-radius: 4px; }}
.bar > * {{ flex: none; white-space: nowrap; }}
#counter {{ font: bold 14px "DejaVu Sans Mono", monospace; white-space: pre; width: {counter}ch; }}
.bar > #slider {{ flex: 1 1 6em; min-width: 3em; }}
#top {{ display: flex; flex-wrap: wrap; gap: .3em 1em; margin: 0 0 .4em; }}
#text {{ display: none; font-family: "DejaVu Sans Mono", monospace; font-size: 13px; line-height: 1.3; background: #f3f4f6;
         margin: 0; padding: .4em .7em; border-left: 4px solid {highlight}; white-space: pre-wrap; flex: 1 1 56em;
         height: {text_lines}em; overflow: auto; box-sizing: content-box; }}
#top .legend {{ flex: 1 1 16em; }}
#top .legend > div {{ margin-bottom: .3em; }}
#top .legend .chip:first-child {{ margin-left: 0; }}
html.js #text {{ display: block; }}
#view {{ position: relative; overflow: hidden; border: 1px solid #9ca3af; height: 600px;
         cursor: grab; touch-action: none; background: #ffffff; color: #111827; }}
html:not(.js) #view {{ height: auto; overflow: auto; }}
#view.dragging {{ cursor: grabbing; }}
#stage {{ position: absolute; left: 0; top: 0; transform-origin: 0 0; }}
html:not(.js) #stage {{ position: static; }}
.hint {{ color: #4b5563; font-size: 13px; }}
.legend {{ color: #374151; font-size: 13px; }}
.note {{ border-left: 4px solid #2563eb; padding: .3em .6em; background: #eff6ff; color: #1e3a8a; }}
.chip {{ display: inline-block; width: .9em; height: .9em; border: 2px solid; border-radius: 3px;
        vertical-align: middle; margin: 0 .25em 0 .8em; }}
#info {{ min-height: 1.3em; margin: 0; }}
.note code {{ white-space: nowrap; }}
#more {{ margin: 0 0 .3em; font-weight: bold; visibility: hidden; }}
#more.on {{ visibility: visible; }}
#stage .hidden {{ visibility: hidden; }}
#stage .pending > polygon, #stage .pending > path, #stage .pending > g > a > polygon, #stage .pending > g > a > path {{ stroke-dasharray: 4 3; fill-opacity: .35; }}
#stage .current > polygon, #stage .current > path, #stage .current > g > a > polygon,
#stage .current > g > a > path {{ stroke: {highlight}; stroke-width: 3.5; }}
#stage .node:focus {{ outline: none; }}
#stage .node:focus > polygon, #stage .node:focus > path, #stage .node:focus > g > a > polygon,
#stage .node:focus > g > a > path {{ stroke: #2563eb; stroke-width: 3; }}
#stage .edge.term path, #stage .edge.term polygon {{ stroke: {highlight}; stroke-width: 2.5; }}
#stage .edge.term polygon {{ fill: {highlight}; }}
#stage .edge.back > polygon {{ display: none; }}
#stage .edge.back > path {{ marker-start: url(#back-arrow); }}
#stage a {{ cursor: help; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #f3f4f6; background: #111827; }}
  button, select {{ background: #374151; border-color: #6b7280; }}
  #text {{ background: #1f2937; }}
  .hint {{ color: #d1d5db; }} .legend {{ color: #e5e7eb; }}
  .note {{ background: #1e3a8a; color: #eff6ff; }}
}}{practice_style}
</style></head>
<body>
<noscript><p class="note">{noscript}</p></noscript>
<header><h1>{title}</h1>
<div class="bar"><button id="first" type="button" title="first frame (Home)" aria-label="first frame">|&#9664;</button>
<button id="prev" type="button">&#9664; Prev</button><span id="counter"></span>
<button id="next" type="button">Next &#9654;</button><button id="last" type="button" title="last frame (End)" aria-label="last frame">&#9654;|</button>
<button id="play" type="button">&#9654; Play</button>
<label class="hint">speed <select id="speed"><option value="2000">slow</option><option value="1000" selected>normal</option>
<option value="400">fast</option></select></label>
<input id="slider" type="range" min="1" max="{frames}" value="1" aria-label="frame">
<button id="zoomout" type="button" title="zoom out (-)" aria-label="zoom out">&minus;</button><button id="zoomin" type="button" title="zoom in (+)" aria-label="zoom in">+</button>
<button id="fit" type="button" title="fit the graph in the window (0)">fit</button>
<label class="hint" title="once zoomed in, pan each frame's node into view"><input id="follow" type="checkbox" checked> follow</label></div></header>
<div id="top">{practice}<pre id="text" aria-live="polite"></pre>
<div class="legend"><div>{legend}<span class="chip" style="background:#fff;border-color:{highlight}"></span>this frame's node</div>
<div class="hint">{notation}</div>{practice_note}{large}<p id="more" class="hint">&#9660; this frame's text goes on below: scroll it</p>
<p id="info" class="hint" aria-live="polite">{how}</p></div></div>
<div id="view"><div id="stage">{svg}</div></div>
<script type="application/json" id="frames">{data}</script>
<script>{script}</script>
</body></html>
"""

# the page's only script; the CSP above lets exactly this text run (its sha256)
_SCRIPT = """
(function () {
  document.documentElement.classList.add('js');
  var data = JSON.parse(document.getElementById('frames').textContent);
  var frames = data.frames, n = frames.length;
  var byId = function (id) { return document.getElementById(id); };
  var counter = byId('counter'), text = byId('text'), slider = byId('slider'), info = byId('info');
  var view = byId('view'), stage = byId('stage'), svg = stage.querySelector('svg');
  var computed = {}, current = 0, timer = null, done = {}, final = {}, how = info.textContent, forwardOf = {};
  data.leaves.forEach(function (i) { computed[i] = true; });
  frames.forEach(function (f, k) { if (f.pass === 'forward') { forwardOf[f.node] = k; } });
  // whether frame k's result may show (practice mode: once answered or shown); what runs after each frame
  var open = function () { return true; }, onShow = [];
  function toggle(id, cls, on) { var el = byId(id); if (el) { el.classList.toggle(cls, on); } }
  // a hidden cell loses its tooltip too, so hovering cannot show a value the frame hides
  var tips = {};
  function cell(id, hide) {
    var el = byId(id), a = el && el.querySelector('a');
    if (!el) { return; }
    el.classList.toggle('hidden', hide);
    if (!a) { return; }
    if (!(id in tips)) { tips[id] = a.getAttribute('xlink:title'); }
    if (hide) { a.removeAttribute('xlink:title'); } else if (tips[id] !== null) { a.setAttribute('xlink:title', tips[id]); }
  }
  function known(j) { return computed[j] || (done[j] || frames[current].pass === 'backward') && open(forwardOf[j]); }
  function render(f) {
    var pad = new Array(f.head.length + 2).join(' '), lines = [f.formula];
    if (f.work) { lines.push(pad + f.work); }
    f.result.forEach(function (r, k) { lines.push(pad + (k ? '  ' : '= ') + r); });
    return lines.concat(f.where, f.notes).join('\\n');
  }
  function show(k) {
    current = Math.max(0, Math.min(n - 1, k));
    var f = frames[current], j;
    done = {}; final = {};
    for (j = 0; j <= current; j++) {
      if (frames[j].pass === 'forward') { done[frames[j].node] = true; } else if (open(j)) { final[frames[j].node] = true; }
    }
    for (j = 0; j < data.nodes; j++) {
      toggle('n' + j, 'pending', !known(j));
      cell('a_v' + j, !known(j));
      cell('a_a' + j, !known(j));
      cell('a_g' + j, !final[j]);
      toggle('n' + j, 'current', j === f.node);
    }
    var edges = stage.querySelectorAll('.edge');
    var lit = {}; f.edges.forEach(function (e) { lit[e] = true; });
    for (j = 0; j < edges.length; j++) {
      edges[j].classList.toggle('term', !!lit[edges[j].id]);
      edges[j].classList.toggle('back', !!lit[edges[j].id] && f.pass === 'backward');
    }
    counter.textContent = (f.pass === 'forward' ? 'forward pass ' : 'backward pass ') + f.step + ' / ' + f.of +
      '  (frame ' + (current + 1) + ' / ' + n + ')';
    text.textContent = render(f);
    text.scrollTop = 0;
    slider.value = current + 1;
    byId('prev').disabled = byId('first').disabled = current === 0;
    byId('next').disabled = byId('last').disabled = current === n - 1;
    onShow.forEach(function (run) { run(f); });
    follow();
  }
  var scale = 1, fitted = 1, x = 0, y = 0;
  function place() { stage.style.transform = 'translate(' + x + 'px,' + y + 'px) scale(' + scale + ')'; }
  function zoom(factor, cx, cy) {
    var s = Math.max(0.05, Math.min(8, scale * factor));
    x = cx - (cx - x) * s / scale; y = cy - (cy - y) * s / scale; scale = s; place(); follow();
  }
  function fit() {
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    scale = fitted = Math.min(view.clientWidth / w, view.clientHeight / h, 2);
    x = (view.clientWidth - w * scale) / 2; y = (view.clientHeight - h * scale) / 2; place();
  }
  function box(ids) {
    var b = null;
    ids.forEach(function (id) {
      var el = byId(id); if (!el) { return; }
      var r = el.getBoundingClientRect();
      b = b ? { left: Math.min(b.left, r.left), top: Math.min(b.top, r.top), right: Math.max(b.right, r.right),
                bottom: Math.max(b.bottom, r.bottom) } : { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    return b;
  }
  function follow() {
    if (!byId('follow').checked || scale <= fitted * 1.01) { return; }
    var f = frames[current], v = view.getBoundingClientRect(), m = 12;
    var all = box(['n' + f.node].concat(f.from.map(function (j) { return 'n' + j; })));
    var target = all && all.right - all.left <= v.width - 2 * m && all.bottom - all.top <= v.height - 2 * m ?
      all : box(['n' + f.node]);
    if (!target || (target.left >= v.left + m && target.right <= v.right - m && target.top >= v.top + m &&
                    target.bottom <= v.bottom - m)) { return; }
    x += (v.left + v.right) / 2 - (target.left + target.right) / 2;
    y += (v.top + v.bottom) / 2 - (target.top + target.bottom) / 2;
    place();
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
  byId('follow').addEventListener('change', follow);
  slider.addEventListener('input', function () { show(Number(slider.value) - 1); });
  byId('zoomin').addEventListener('click', function () { zoom(1.25, view.clientWidth / 2, view.clientHeight / 2); });
  byId('zoomout').addEventListener('click', function () { zoom(0.8, view.clientWidth / 2, view.clientHeight / 2); });
  byId('fit').addEventListener('click', fit);
  view.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = view.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  var pointers = {}, drag = null, pinch = null;
  function spread() {
    var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
    return { d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y), x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 };
  }
  view.addEventListener('pointerdown', function (e) {
    pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    if (Object.keys(pointers).length === 2) { pinch = spread(); drag = null; return; }
    drag = { x: e.clientX - x, y: e.clientY - y }; view.classList.add('dragging');
    if (view.setPointerCapture) { view.setPointerCapture(e.pointerId); }
  });
  view.addEventListener('pointermove', function (e) {
    if (pointers[e.pointerId]) { pointers[e.pointerId] = { x: e.clientX, y: e.clientY }; }
    if (pinch && Object.keys(pointers).length === 2) {
      var now = spread(), r = view.getBoundingClientRect();
      if (pinch.d > 0) { zoom(now.d / pinch.d, now.x - r.left, now.y - r.top); }
      pinch = now;
    } else if (drag) { x = e.clientX - drag.x; y = e.clientY - drag.y; place(); }
  });
  ['pointerup', 'pointercancel'].forEach(function (t) {
    view.addEventListener(t, function (e) {
      delete pointers[e.pointerId]; pinch = null; drag = null; view.classList.remove('dragging');
    });
  });
  stage.addEventListener('click', function (e) { if (e.target.closest('a')) { e.preventDefault(); } });
  function describe(j) {
    var d = data.info[j];
    return d.name + (d.formula ? ' = ' + d.formula : '') + ': data ' + (known(j) ? d.data : 'not computed yet') +
      (d.grad ? '; ' + d.gname + ' ' + (final[j] ? d.grad : 'not final yet') : '');
  }
  Array.prototype.forEach.call(stage.querySelectorAll('.node'), function (g) {
    var j = Number(g.id.slice(1));
    if (!data.info[j]) { return; }
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'img');
    g.addEventListener('focus', function () { var t = describe(j); g.setAttribute('aria-label', t); info.textContent = t; });
    g.addEventListener('blur', function () { info.textContent = how; });
  });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider || e.target.tagName === 'SELECT' || e.target.type === 'text') { return; }
    var keys = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: n - 1 };
    if (e.key in keys) { e.preventDefault(); show(keys[e.key]); }
    if (e.key === '+' || e.key === '=') { zoom(1.25, view.clientWidth / 2, view.clientHeight / 2); }
    if (e.key === '-') { zoom(0.8, view.clientWidth / 2, view.clientHeight / 2); }
    if (e.key === '0') { fit(); }
  });
  function size() {
    var top = view.getBoundingClientRect().top;
    view.style.height = Math.max(240, window.innerHeight - top - 16) + 'px';
    // the height the page wants (the graph at its own size, or as wide as the view, up to 900 px), read by
    // the notebook's frame so that it is as tall as the page: measured here, not estimated
    var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    var wanted = Math.min(900, Math.max(240, h * Math.min(1, view.clientWidth / w)));
    document.documentElement.setAttribute('data-height', Math.ceil(top + window.scrollY + wanted + 20));
  }
  // the frame text's box as tall as its longest frame, as this window wraps it, up to a third of the window
  // (a longer frame scrolls, with the cue); practice mode sets sized, its box being as tall as its panel
  var sized = false;
  function textHeight() {
    if (sized) { return; }
    var style = getComputedStyle(text), line = parseFloat(style.lineHeight);
    var pad = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom), most = 0;
    text.style.height = '0px';
    frames.forEach(function (f) { text.textContent = render(f); most = Math.max(most, text.scrollHeight - pad); });
    text.style.height = Math.min(Math.ceil(most), Math.max(4 * line, window.innerHeight / 3)) + 'px';
  }
  /*practice*/
  // a text longer than its box scrolls: say so while more is below, whoever wrote it (a frame, practice mode's
  // question and hints)
  function cue() { byId('more').classList.toggle('on', text.scrollTop + text.clientHeight < text.scrollHeight - 1); }
  new MutationObserver(cue).observe(text, {childList: true, characterData: true, subtree: true});
  text.addEventListener('scroll', cue);
  window.addEventListener('resize', function () { textHeight(); show(current); size(); fit(); cue(); });
  textHeight();
  size();
  fit();
  show(0);
})();
"""



def _script(practice: bool) -> tuple[str, str]:
    """The page's script (practice mode's part inside it, where asked) and its sha256 for the CSP."""
    script = _SCRIPT.replace("  /*practice*/\n", _practice_page.SCRIPT if practice else "")
    return script, base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()

# the arrowhead a backward frame puts at the start of a lit edge, pointing back at the node being computed
_BACK_ARROW = (f'<defs><marker id="back-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="4" '
               f'markerHeight="4" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{HIGHLIGHT}" '
               f'stroke="none"/></marker></defs>')


def _json_for_script(value) -> str:
    # inside <script>, "</script>" or "<!--" in a label must not end the element
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline_svg(svg: str) -> str:
    """Graphviz's SVG as an element of the page: no prolog or comments, sized in CSS pixels, with the
    backward arrowhead defined."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' xlink:href="#"', "")  # the cells are anchors only to carry an id and a tooltip
    box = re.search(r'viewBox="([\d.\-]+) ([\d.\-]+) ([\d.]+) ([\d.]+)"', svg)
    width, height = float(box.group(3)) * PT_TO_PX, float(box.group(4)) * PT_TO_PX
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', f'<svg width="{width:.0f}" height="{height:.0f}"', svg, count=1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + _BACK_ARROW, svg, count=1)


def _check_frames(count: int, forward: int, max_steps: int) -> None:
    if count > max_steps:
        raise ValueError(f"the step-through has {count} frames ({forward} forward, {count - forward} backward "
                         f"steps), more than max_steps={max_steps}: step through a smaller graph, or raise max_steps")


def _frame(step, kind: str, node: int, edges: list, sources: list, position: dict) -> dict:
    """A frame as data: the node, its result, the chain-rule terms and where each comes from, the notes;
    the page renders the text from these."""
    lines = step.lines()
    result = [] if step.says_its_value else step.result().split("\n")  # the seed, ∂J/∂CE = 1: said once
    work = ""
    if step.numbers:
        work = lines[1].lstrip()
    return {"pass": kind, "step": step.index, "of": step.total, "node": node, "edges": edges, "from": sources,
            "name": visible_text(step.name), "gradient": visible_text(step.dname),
            "head": visible_text(step.head), "formula": visible_text(step.formula), "work": visible_text(work),
            "result": [visible_text(r) for r in result], "where": [visible_text(w) for w in step.where],
            "notes": [visible_text(n) for n in step.notes],
            "terms": [{"consumer": position[t.node], "consumer_name": visible_text(t.consumer),
                       "upstream": visible_text(t.upstream), "local": visible_text(t.local),
                       "text": visible_text(t.text), "numbers": visible_text(t.numbers),
                       "local_numbers": visible_text(t.local_numbers)} for t in step.terms],
            "text": visible_text("\n".join(lines))}


def _node_frames(view: View, max_steps: int, practice=None) -> tuple:
    """A frame per computed node (forward), then per node that takes a gradient (backward, the teacher's order);
    ``practice`` (scope, nodes): the practised frames carry their questions."""
    forward = forward_steps(view.root, view.precision, view=view)
    backward = backprop_steps(view.root, view.precision, view=view)
    _check_frames(len(forward) + len(backward), len(forward), max_steps)
    position = view.position
    frames = []
    for step in forward:
        node = step.node
        frames.append(_frame(step, "forward", position[node],
                             [f"e{position[p]}_{position[node]}_{i}" for i, p in enumerate(node._parents)],
                             [position[p] for p in node._parents], position))
    for step in backward:
        node = step.node
        uses = view.used_by[node]
        frames.append(_frame(step, "backward", position[node],
                             [f"e{position[node]}_{position[c]}_{i}" for c, i in uses],
                             [position[c] for c, _ in uses], position))
        frames[-1]["m"] = view.m
    if practice is not None:
        practice_frames(frames, forward + backward, view, *practice)
    leaves = [i for i, node in enumerate(view.order) if node._op is None]
    info = [_node_info(view, node) for node in view.order]
    return frames, leaves, len(view.order), info


def _node_info(view, node) -> dict:
    """What Tab (and a screen reader) tells about a node: its name, formula and every entry."""
    from ._chain import forward_formula, named_by_formula

    names, p = view.names, view.precision
    formula = forward_formula(node, names, p) if node._op is not None else ""
    out = {"name": visible_text(names.symbol(node)), "data": visible_text(_full(node.data, p)),
           "formula": "" if named_by_formula(names.symbol(node), formula) else visible_text(formula)}
    if node.requires_grad:
        out.update(gname=visible_text(names.grad(node)), grad=visible_text(_full(node.grad, p)))
    return out


def _box_frames(order: list, boxes, precision: int, max_steps: int) -> tuple:
    """A frame per box: forward in the order the boxes are completed, backward in the teacher's order
    (a box as soon as every box using it is done), each saying what the box holds and its values."""
    count = len(boxes.members)
    computed = [box for box in range(count) if any(n._op is not None for n in boxes.members[box])]
    edges = box_edges(order, boxes)
    needing = _box_backward_order(boxes, edges)
    _check_frames(len(computed) + len(needing), len(computed), max_steps)
    frames = []
    for k, box in enumerate(computed, start=1):
        held, data, _ = box_texts(boxes, box, precision)
        text = visible_text(f"{held}\n{data}")
        frames.append(_box_frame("forward", k, len(computed), box, [f"e{a}_{b}_0" for a, b in edges if b == box],
                                 [a for a, b in edges if b == box], text))
    for k, box in enumerate(needing, start=1):
        held, _, grad = box_texts(boxes, box, precision)
        text = visible_text(f"{held}\n{grad}")
        frames.append(_box_frame("backward", k, len(needing), box, [f"e{a}_{b}_0" for a, b in edges if a == box],
                                 [b for a, b in edges if a == box], text))
    leaves = [box for box in range(count) if all(n._op is None for n in boxes.members[box])]
    info = [{"name": visible_text(boxes.captions[box]), "data": visible_text(box_texts(boxes, box, precision)[1]),
             "formula": "", "gname": "gradients", "grad": visible_text(box_texts(boxes, box, precision)[2])}
            for box in range(count)]
    return frames, leaves, count, info


def _box_frame(kind, k, total, box, edges, sources, text) -> dict:
    lines = text.split("\n")
    return {"pass": kind, "step": k, "of": total, "node": box, "edges": edges, "from": sources, "name": lines[0],
            "gradient": "", "head": "", "formula": lines[0], "work": "", "result": [], "where": lines[1:], "notes": [],
            "terms": [], "text": text}


def _box_backward_order(boxes, edges) -> list:
    """The boxes that hold a gradient, each as soon as every box using it is done, from the loss back; a
    layer's neurons 1 to n, as a teacher goes through them."""
    count = len(boxes.members)
    needing = {box for box in range(count) if any(n.requires_grad for n in boxes.members[box])}
    waiting = {box: sum(1 for a, b in edges if a == box and b in needing) for box in needing}
    ready = [box for box in needing if waiting[box] == 0]
    # a box ranks as the last its forward pass completed, a neuron as the last of its layer
    rank = {box: max(column) for column in boxes.layers.values() for box in column}
    out = []
    while ready:
        ready.sort(key=lambda b: (-rank.get(b, b), b))  # of the final ones, the latest layer first
        box = ready.pop(0)
        out.append(box)
        for a, b in edges:
            if b == box and a in needing:
                waiting[a] -= 1
                if waiting[a] == 0:
                    ready.append(a)
    return out


def _page_parts(root, rankdir: str, precision: int, edge_derivatives: bool, max_steps: int, max_nodes: int,
                collapse: bool, notebook: bool = False, practice=None, note=None):
    """The page's Digraph (node ids n<i>, cells a_v<i> / a_g<i>, edges e<a>_<b>_<slot>), its frames, the
    nodes known from the start (leaves), how many nodes (or boxes) it draws and what Tab says of each;
    ``practice`` (scope, nodes) puts practice mode's questions in the frames; ``note`` (why, advice): a
    collapsed page's title in the caller's words (the command line's flags), step_through's by default."""
    (root,) = _one_root(root)
    if not root.has_grad:
        raise RuntimeError("no gradients yet: call backward() on the root (e.g. L.backward()) "
                           "before stepping through backprop")
    view = View(root, precision)
    order = view.order
    if len(order) > max_nodes:
        frames = sum(step_count(root, view))
        raised = f"step_through(…, max_nodes={len(order)}" + (f", max_steps={frames})" if frames > max_steps else ")")
        if not collapse:
            check_size(len(order), sum(len(n._parents) for n in order), max_nodes,
                       "a step-through page draws every node: pass collapse=True for one box per neuron or layer"
                       + (f", or {raised}" if len(order) <= MAX_RENDER_NODES else
                          f" (more than the render cap of {MAX_RENDER_NODES:,} nodes Graphviz lays out in a few "
                          "seconds, so raising max_nodes cannot help)"), "step_through's max_nodes")
        boxes = collapse_graph(order, view.names, None, max_nodes)
        why, advice = note or (None, every_node(len(order), raised))
        graph = draw_collapsed(order, view.names, None, max_nodes, rankdir="LR" if rankdir == "auto" else rankdir,
                               precision=precision, title=None, _page=True, advice=advice, why=why)
        return (graph, *_box_frames(order, boxes, precision, max_steps))
    frames, leaves, count, info = _node_frames(view, max_steps, practice)
    graph = draw_graph(root, rankdir=rankdir, precision=precision, edge_derivatives=edge_derivatives,
                       max_nodes=len(order), _page=True, _view=_graph_view(frames, notebook))
    return graph, frames, leaves, count, info


# about this many characters of the frame text fit on a line of a 1400 px window beside the legend (118 measured
# in Chromium, less a margin for lines that wrap at a space); the page measures the real height when it loads
_TEXT_WIDTH = 112
# practice mode: the frame text's lines, its answer panel beside it as tall (a longer text or answer scrolls)
_PRACTICE_LINES = 9


def _counter_text(frames) -> str:
    """The toolbar's longest counter, "backward pass 12 / 12  (frame 18 / 18)" with every number at its widest:
    the counter is that wide in every frame (a monospace font), so the toolbar never wraps or shifts."""
    widest = "9" * len(str(max([len(frames)] + [f["of"] for f in frames if "of" in f])))
    return f"backward pass {widest} / {widest}  (frame {widest} / {widest})"


def _text_lines(frames) -> int:
    """The frame text's height in lines: the longest frame's, wrapped, from 4 to 12, the same for every frame;
    a longer frame scrolls, and the page says so. A practice page's is :data:`_PRACTICE_LINES`."""
    def wrapped(lines):
        return sum(max(1, -(-len(line) // _TEXT_WIDTH)) for line in lines)

    if any("practice" in frame for frame in frames):
        return _PRACTICE_LINES
    return min(max(max(wrapped(frame["text"].split("\n")) for frame in frames), 4), 12)


# below this size after "fit" (CSS px) the drawing cannot be read as a whole, and the page says what to do
_READABLE_PX = 8


def _too_large(svg: str, view: tuple, collapse: bool) -> str:
    """What the page says (HTML) when its drawing, fitted into ``view`` (CSS px), draws its text under
    :data:`_READABLE_PX`; "" when it reads."""
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"', svg)
    sizes = [float(size) for size in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]
    if not box or not sizes:
        return ""
    width, height = float(box.group(1)) * PT_TO_PX, float(box.group(2)) * PT_TO_PX
    smallest = min(sizes) * PT_TO_PX * min(view[0] / width, view[1] / height, 1.0)
    if smallest >= _READABLE_PX:
        return ""
    collapsed = "" if collapse else (" or draw it collapsed, one box per neuron, layer or stretch: "
                                     "<code>collapse=True</code> in Python, <code>--collapse</code> with "
                                     "<code>autograd-mini graph</code>")
    return (f"This graph is too large to read as a whole: after fit its text is {smallest:.1f} px. Zoom in (+, the "
            f"wheel) with follow on, which pans to each frame's node,{collapsed}.")


def _graph_view(frames, notebook: bool = False) -> tuple:
    """The graph's view (CSS px) on a 1400 × 900 window (757 px inside it): below the controls' line and
    the frame text (practice mode's panel beside it), which is 13 px × 1.3 a line; in a notebook's output, 1000 px
    wide, the frame grows with the page (data-height), so the view is taken as 700 px tall."""
    if notebook:
        return (972, 700)
    return (1372, 757 - 45 - (13 * 1.3 * _text_lines(frames) + 12) - 26)


def step_through_html(root, path=None, *, title: str = "Backprop, step by step", rankdir: str = "auto",
                      precision: int = 4, edge_derivatives: bool = False, max_steps: int = 500,
                      max_nodes: int = 300, collapse: bool = False, practice: bool = False,
                      practice_scope: str = "all", practice_nodes=None) -> str:
    """The step-through page of ``root`` (the loss) as HTML text; also written to ``path`` if given.

    Needs ``backward()`` to have run and Graphviz's ``dot`` to lay the graph out (once).
    The frames are the forward pass (one per computed node), then the backward pass (one per
    node that takes a gradient, in the teacher's order). A graph of more than ``max_nodes``
    nodes is refused before Graphviz runs, with what to do instead, unless ``collapse`` allows
    one box per neuron (or layer, or stretch of a chain) and a frame per box; more than
    ``max_steps`` frames are refused too. ``rankdir`` "auto" lays a net out in the page's shape.

    ``practice=True`` makes the practice page: each practised frame hides its result (in the frame
    text, on the graph, in tooltips and what Tab reads) until the learner types it (a number; every
    entry of a tensor of up to 32; one named entry of a larger one) within the stated tolerance, or
    asks to be shown; a wrong answer gets the next of the frame's hints and the name of the classic
    slip it matches. ``practice_scope``: ``"all"`` (every frame), ``"backward"`` (the backward pass)
    or ``"closed forms"`` (the notes' closed forms, answered as the notes define them: the
    per-example dZ3 = A3 − Y is m · ∂J/∂Z3; ``"closed-forms"``, the command line's spelling, is
    accepted too); ``practice_nodes``: only these nodes' frames, by name.
    The answers are in the page (it judges them offline, nothing is sent): it is for practice, not
    for an exam.
    """
    page = step_through(root, title=title, rankdir=rankdir, precision=precision, edge_derivatives=edge_derivatives,
                        max_steps=max_steps, max_nodes=max_nodes, collapse=collapse, practice=practice,
                        practice_scope=practice_scope, practice_nodes=practice_nodes)
    if path is not None:
        page.save(path)
    return page.html


# once the page has run, the frame takes the height the page measured for itself (data-height)
_FRAME_ONLOAD = ("var d = this.contentDocument, h = d &amp;&amp; d.documentElement.getAttribute(&#x27;data-height&#x27;); "
                 "if (h) { this.style.height = h + &#x27;px&#x27;; }")


class StepThrough:
    """A step-through page: ``.html`` (the page), ``.save(path)``, and inline display in Jupyter.

    In a notebook the page shows in an ``<iframe>`` whose ``srcdoc`` holds the same
    self-contained page (its script and escaping unchanged; a net laid out for an output 1000 px
    wide rather than a 1400 px window, made when first shown); once loaded, the frame takes the
    height the page measured for itself (its ``data-height``: the controls, the text and the graph
    as wide as the frame), so nothing is clipped; beside it
    the output carries the graph with every value and gradient as ``image/svg+xml`` and ``image/png``,
    which a viewer that drops the iframe (an untrusted notebook, which hides SVG too, GitHub, nbviewer)
    shows instead.
    """

    def __init__(self, page: str, frames: int, svg: str = "", height: int = 760, png: bytes | None = None,
                 notebook=None, kind: str = "step-through backprop"):
        self.html = page
        self.kind = kind  # what the page is, for the notebook's frame title: a step-through or a practice page
        self.frames = frames
        self.svg = svg
        self.height = height
        self.png = png
        self._notebook = notebook  # makes (page, frames, svg, height, png) laid out for a notebook's output
        self._shown = None

    def _in_notebook(self) -> tuple:
        """The page, its SVG, height and PNG as a notebook shows them (a net laid out for 1000 px)."""
        if self._shown is None:
            made = self._notebook() if self._notebook is not None else (self.html, self.frames, self.svg,
                                                                         self.height, self.png)
            self._shown = (made[0], made[2], made[3], made[4])
        return self._shown

    def save(self, path) -> Path:
        """Write the page to ``path`` (atomically; missing folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        page, _, height, _ = self._in_notebook()
        return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{height}px;'
                f'border:0;background:#ffffff;color-scheme:light dark" onload="{_FRAME_ONLOAD}" '
                f'title="{self.kind}, {self.frames} frames"></iframe>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        _, svg, _, png = self._in_notebook()
        if svg:
            bundle["image/svg+xml"] = svg
        if png:
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        practice = "practice page, " if self.kind.startswith("practice") else ""
        return f"<StepThrough: {practice}{self.frames} frames, {len(self.html):,} characters of HTML>"


# what the drawing's marks mean and how to move around, under the drawing until a node is focused
_HOW = ("dashed: not computed yet &middot; a blank grad: not final yet &middot; hover or Tab to a node for every entry "
        "&middot; &larr; &rarr; Home End, wheel or pinch to zoom, drag to pan")


def _notation(root) -> str:
    if isinstance(root, __import__("autograd_mini").Tensor):
        return ("∂J/∂Z: autodiff's gradient of the cost J; the notes' dZ (one column per example) is "
                "m · ∂J/∂Z; dW, db are ∂J/∂W, ∂J/∂b")
    # the root need not be a loss (f = x + x + …): name it as the graph does
    output = f"the output {root.label}" if root.label else "the graph's output"
    return f"dx: the gradient of {output} with respect to x"


def step_through(root, *, title: str = "Backprop, step by step", rankdir: str = "auto", precision: int = 4,
                 edge_derivatives: bool = False, max_steps: int = 500, max_nodes: int = 300,
                 collapse: bool = False, practice: bool = False, practice_scope: str = "all",
                 practice_nodes=None, _note=None) -> StepThrough:
    """The step-through page of ``root`` as a :class:`StepThrough` (shows inline in Jupyter);
    the options are :func:`step_through_html`'s (``_note``: the command line's words for a collapsed page). A net is laid out for a 1400 × 900 window; the notebook's
    output, 1000 px wide and as tall as the page, gets its own layout, made when it is first shown.
    A practice page's static fallback (the SVG a viewer without scripts shows) hides what it asks."""
    practice_scope = check_practice(practice, practice_scope, practice_nodes, edge_derivatives, collapse)
    asked = (practice_scope, None if practice_nodes is None else list(practice_nodes)) if practice else None
    options = (title, rankdir, precision, edge_derivatives, max_steps, max_nodes, collapse)
    return StepThrough(*_page(root, *options, practice=asked, note=_note),
                       notebook=functools.partial(_page, root, *options, notebook=True, practice=asked, note=_note),
                       kind="practice backprop" if practice else "step-through backprop")


_NOSCRIPT = ("Scripts are off here, so the drawing below shows every node with its value and its final gradient at "
             "once. With scripts on, this page steps through the forward and then the backward pass one node at a "
             "time: each step's chain rule, the same with the numbers, the result and the notes' formula, with zoom, "
             "pan and keys.")


def _page(root, title, rankdir, precision, edge_derivatives, max_steps, max_nodes, collapse, notebook=False,
          practice=None, note=None):
    """The page's HTML, its number of frames, the graph's SVG, the notebook frame's first height and, for a
    notebook, the graph as PNG too (one layout); a practice page's SVG and PNG hide what it asks."""
    graph, frames, leaves, count, info = _page_parts(root, rankdir, precision, edge_derivatives, max_steps,
                                                     max_nodes, collapse, notebook, practice, note)
    legend = "".join(f'<span class="chip" style="background:{fill};border-color:{border}"></span>{kind}'
                     for kind, (fill, border) in KIND_STYLE.items())
    data = {"nodes": count, "leaves": leaves, "frames": frames, "info": info}
    lines = _text_lines(frames)
    raw, png = svg_and_png(graph, png=notebook)
    svg = _inline_svg(raw)
    large = _too_large(svg, _graph_view(frames, notebook), collapse)
    script, script_hash = _script(practice is not None)
    note = _practice_page.TOLERANCE_NOTE.format(tolerance=html_text(
        f"Tolerance: {TOLERANCE}. Keys: Tab to the field, Enter checks, H a hint, S show me, N the next frame."))
    page = _PAGE.format(title=html_text(title), svg=svg, data=_json_for_script(data),
                        script=script, script_hash=script_hash, legend=legend, highlight=HIGHLIGHT,
                        frames=len(frames), counter=len(_counter_text(frames)), text_lines=f"{1.3 * lines:.1f}",
                        notation=html_text(_notation(_one_root(root)[0])), how=_HOW,
                        large=f'<p class="note" id="large">{large}</p>' if large else "",
                        noscript=html_text(_practice_page.NOSCRIPT if practice else _NOSCRIPT),
                        practice=_practice_page.PANEL if practice else "", practice_note=note if practice else "",
                        practice_style=_practice_page.STYLE.format(
                            highlight=HIGHLIGHT, height=f"{13 * 1.3 * lines + 10.4:.1f}") if practice else "")
    height = int(230 + 19 * lines + 460)
    fallback = raw[raw.index("<svg"):]
    if practice is not None:
        fallback = _hide_asked(fallback, frames)
        png = png and _png_of(fallback)
    return page, len(frames), fallback, height, png


def _hide_asked(svg: str, frames: list) -> str:
    """The graph for a viewer without scripts, each practised frame's result hidden (its cells drawn blank)."""
    cells = [f"#a_{'g' if f['pass'] == 'backward' else 'v'}{f['node']}" for f in frames if "practice" in f]
    cells += [f"#a_a{f['node']}" for f in frames if "practice" in f and f["pass"] == "forward"]
    style = "<style>" + ", ".join(cells) + " { visibility: hidden; }</style>"
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)


def _png_of(svg: str) -> bytes | None:
    """``svg`` drawn as PNG by rsvg-convert (None where it is not installed: the SVG fallback stays)."""
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    done = subprocess.run([converter, "-f", "png"], input=svg.encode("utf-8"), capture_output=True)
    return done.stdout if done.returncode == 0 and done.stdout else None


#: what :func:`export_step_frames` can write
FRAME_FORMATS = ("svg", "png", "pdf")
_RSVG_INSTALL = ("PNG and PDF frames are drawn from the SVG frames by librsvg's `rsvg-convert`, which was not found "
                 "on PATH. Install it: `apt-get install librsvg2-bin` (Debian/Ubuntu), `brew install librsvg` (macOS); "
                 "SVG frames need nothing more")


class ConverterNotInstalled(RuntimeError):
    """PNG and PDF frames need librsvg's ``rsvg-convert`` (Debian: ``apt-get install librsvg2-bin``)."""


def export_step_frames(root, directory, *, formats=("svg",), dpi: float = 96, rankdir: str = "auto",
                       precision: int = 4, edge_derivatives: bool = False, max_steps: int = 500, max_nodes: int = 300,
                       collapse: bool = False) -> list[Path]:
    """Write the frames for slides: ``frame_001.svg``, … (``"svg"``), ``frame_001.png``, … at ``dpi``
    (``"png"``) and one multi-page ``frames.pdf`` (``"pdf"``), from one layout.

    Each frame is the page's drawing with the frame's text as a caption on top, laid out as on the
    page (monospace, its indentation kept), what is not yet computed hidden, the current node
    outlined and, in a backward frame, the lit edges' heads at the node being computed. Every file is
    written atomically, after all the frames are drawn, so a failure leaves earlier files as they were.
    """
    formats = tuple(dict.fromkeys([formats] if isinstance(formats, str) else formats))
    unknown = [f for f in formats if f not in FRAME_FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be some of {', '.join(FRAME_FORMATS)}; got {list(formats)!r}")
    if not isinstance(dpi, (int, float)) or isinstance(dpi, bool) or not 24 <= dpi <= 1200:
        raise ValueError(f"dpi must be a number from 24 to 1200 (96 is the screen's); got {dpi!r}")
    converter = shutil.which("rsvg-convert")
    if converter is None and {"png", "pdf"} & set(formats):
        raise ConverterNotInstalled(_RSVG_INSTALL)
    graph, frames, leaves, count, _ = _page_parts(root, rankdir, precision, edge_derivatives, max_steps, max_nodes,
                                                  collapse)
    svg = _inline_svg(svg_text(graph))
    texts = [_frame_svg(svg, frame, frames, leaves, count, k) for k, frame in enumerate(frames)]
    content: dict = {}
    if "svg" in formats:
        content.update({f"frame_{k:03d}.svg": text.encode("utf-8") for k, text in enumerate(texts, start=1)})
    if converter is not None and {"png", "pdf"} & set(formats):
        with tempfile.TemporaryDirectory() as folder:
            sources = []
            for k, text in enumerate(texts, start=1):
                sources.append(Path(folder) / f"frame_{k:03d}.svg")
                sources[-1].write_text(text, encoding="utf-8")
            if "png" in formats:
                for source in sources:
                    target = source.with_suffix(".png")
                    _convert([converter, "-f", "png", "-z", f"{dpi / 96:.4f}", "-o", str(target), str(source)])
                    content[target.name] = target.read_bytes()
            if "pdf" in formats:
                target = Path(folder) / "frames.pdf"
                _convert([converter, "-f", "pdf", "-o", str(target)] + [str(s) for s in sources])
                content["frames.pdf"] = target.read_bytes()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [atomic_write(directory / name, data) for name, data in content.items()]


def _convert(command: list) -> None:
    done = subprocess.run(command, capture_output=True)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise RuntimeError(f"rsvg-convert could not draw the frames: {said}")


# a node's outline: Graphviz draws it as the node's first shape, inside an anchor when the node has a tooltip
_SHAPES = ("polygon", "path", "g > a > polygon", "g > a > path")


def _frame_svg(svg: str, frame: dict, frames: list, leaves: list, count: int, k: int) -> str:
    """One frame as a stand-alone SVG: the style of frame ``k`` and its text as a caption on top."""
    done = set(leaves) | {f["node"] for f in frames[:k + 1] if f["pass"] == "forward"}
    final = {f["node"] for f in frames[:k + 1] if f["pass"] == "backward"}
    with_grad = {f["node"] for f in frames if f["pass"] == "backward"}
    known = set(range(count)) if frame["pass"] == "backward" else done
    hidden = [f"#a_v{j}, #a_a{j}" for j in range(count) if j not in known]
    hidden += [f"#a_g{j}" for j in sorted(with_grad - final)]
    lit = "".join(f"#{e} path, #{e} polygon {{ stroke: {HIGHLIGHT}; stroke-width: 2.5; }} #{e} polygon {{ fill: {HIGHLIGHT}; }} "
                  for e in frame["edges"])
    if frame["pass"] == "backward":
        lit += "".join(f"#{e} > polygon {{ display: none; }} #{e} > path {{ marker-start: url(#back-arrow); }} "
                       for e in frame["edges"])
    style = ("<style>" + (", ".join(hidden) + " { visibility: hidden; } " if hidden else "")
             + ", ".join(f"#n{frame['node']} > {shape}" for shape in _SHAPES) + f" {{ stroke: {HIGHLIGHT}; stroke-width: 3.5; }} "
             + lit + "</style>")
    lines = max(f["text"].count("\n") + 1 for f in frames)  # one caption height: the drawing never moves
    caption = "".join(f'<tspan x="8" dy="1.3em">{html.escape(line) or " "}</tspan>'
                      for line in frame["text"].split("\n"))
    page_svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + style, svg, count=1)
    page_svg = page_svg.replace("</svg>", f'<text xml:space="preserve" font-family="DejaVu Sans Mono, monospace" '
                                          f'font-size="12" fill="#111827" y="0" transform="translate(0,-{lines * 16 + 8})">'
                                          f'{caption}</text></svg>')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _grow_top(page_svg, lines * 16 + 12)


def _grow_top(svg: str, extra: float) -> str:
    """Make room above the drawing for the caption: a taller canvas whose viewBox starts ``extra`` higher,
    and a white background under both."""
    box = re.search(r'viewBox="([\d.\-]+) ([\d.\-]+) ([\d.]+) ([\d.]+)"', svg)
    x0, y0, w, h = (float(v) for v in box.groups())
    width = max(w, 900)
    svg = svg.replace(box.group(0), f'viewBox="{x0} {y0 - extra} {width} {h + extra}"', 1)
    svg = re.sub(r'<svg width="([\d.]+)" height="([\d.]+)"',
                 lambda m: f'<svg width="{max(float(m.group(1)), width * PT_TO_PX):.0f}" '
                           f'height="{float(m.group(2)) + extra * PT_TO_PX:.0f}"', svg, count=1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f'<rect x="{x0}" y="{y0 - extra}" width="{width}" '
                                                           f'height="{h + extra}" fill="#ffffff"/>', svg, count=1)
