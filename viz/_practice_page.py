"""What practice mode adds to the step-through page: the answer panel, its style and its script.

The script runs inside the page's own script (it reads the frames, ``show`` and ``open``), so the page
keeps one inline script and one content-security-policy hash. A practised frame's result stays hidden
(frame text, node cells, their tooltips, what Tab reads) until the learner answers it within the
tolerance or asks to be shown; a wrong answer names the slip it matches, if any, and gives the next
hint. Everything stays in the page: nothing is sent anywhere.

Keys: Tab reaches the fields, Enter checks (and, once the frame is revealed, goes on), H gives a hint,
S shows the answer, N goes to the next frame; the arrow keys still step when the focus is not in a field.
"""

from __future__ import annotations

__all__ = ["PANEL", "TOLERANCE_NOTE", "STYLE", "SCRIPT", "NOSCRIPT"]

PANEL = """<section id="practice" aria-label="practice: your answer">
<div class="row"><span id="ask" class="ask"></span><div id="fields"></div>
</div>
<div class="row"><span id="buttons"><button id="check" type="button" title="check your answer (Enter)">check &#9166;</button>
<button id="hint" type="button" title="the next hint (H)" aria-keyshortcuts="h">hint (H)</button>
<button id="showme" type="button" title="show the answer (S)" aria-keyshortcuts="s">show me (S)</button>
<button id="go" type="button" title="the next frame (N)" aria-keyshortcuts="n">next (N)</button></span>
<span id="score" class="hint"></span></div>
<p id="feedback" role="status" aria-live="polite"></p>
<div id="summary" hidden></div>
</section>
"""

#: under the legend: how answers are judged and the keys
TOLERANCE_NOTE = """<p class="hint" id="tolerance">{tolerance}</p>"""

NOSCRIPT = ("This practice page needs scripts: it hides each value until you have worked it out, and checks your "
            "answer. With scripts off it shows nothing; the solutions page (the normal step-through page) shows every "
            "value and gradient.")

STYLE = """
/* beside the frame text, as tall as it, so the graph keeps the rest of the window (a long answer scrolls) */
#practice {{ border: 1px solid #9ca3af; border-left: 4px solid #2563eb; border-radius: 4px; padding: .2em .6em;
             margin: 0; font-size: 14px; display: none; flex: 0 1 40em; max-width: 50%; height: {height}px;
             box-sizing: border-box; overflow: auto; }}
#top {{ flex-wrap: nowrap; }}
#top #text {{ flex: 1 1 20em; min-width: 0; }}
#top .legend {{ flex: 1 1 16em; height: {height}px; overflow: auto; }}
html.js #practice {{ display: block; }}
html:not(.js) #view {{ display: none; }}
#practice .row {{ display: flex; flex-wrap: wrap; gap: .4em; align-items: center; margin: .15em 0; }}
#practice #score {{ flex-basis: 100%; }}
#practice .row:first-child {{ flex-wrap: nowrap; }}
#practice .ask {{ font-family: "DejaVu Sans Mono", monospace; font-weight: bold; }}
#practice p {{ margin: .2em 0; }}
#fields table {{ border-collapse: collapse; }}
#fields td {{ padding: 0 1px; }}
#fields caption {{ caption-side: top; text-align: left; font-size: 12px; color: #4b5563; }}
input.answer {{ width: 4.2em; font: 12px "DejaVu Sans Mono", monospace; padding: 0 .2em; color: inherit;
                background: #ffffff; border: 1px solid #6b7280; border-radius: 3px; }}
input.answer[aria-invalid="true"] {{ border: 2px solid {highlight}; }}
input.answer.right {{ border: 2px solid #16a34a; }}
#feedback {{ min-height: 1.3em; font-weight: bold; }}
#feedback.wrong {{ color: #b91c1c; }} #feedback.right {{ color: #15803d; }}
#summary {{ background: #eff6ff; color: #1e3a8a; padding: .3em .6em; }}
#summary button {{ margin: .1em .2em; }}
@media (prefers-color-scheme: dark) {{
  input.answer {{ background: #1f2937; }}
  #feedback.wrong {{ color: #fca5a5; }} #feedback.right {{ color: #86efac; }}
  #summary {{ background: #1e3a8a; color: #eff6ff; }}
  #fields caption {{ color: #d1d5db; }}
}}
"""

# runs inside the page's script: frames, show, open, onShow, byId, text, render and current are its own
SCRIPT = """
  var state = frames.map(function (f) {
    return f.practice ? { tries: 0, hints: 0, revealed: false, first: false, shown: false, typed: [], said: '' } : null;
  });
  var practised = state.filter(function (s) { return s; }).length;
  sized = true;  // the frame text keeps practice mode's height, as tall as the answer panel beside it
  open = function (k) { return !state[k] || state[k].revealed; };
  var fields = byId('fields'), feedback = byId('feedback'), summary = byId('summary');
  function near(x, v, scale) { return Math.abs(x - v) <= Math.max(1e-2 * Math.abs(v), 1e-3 * scale); }
  // the panel keeps its height whatever it says (a long message scrolls inside it), so the graph's view stays
  function say(message, kind) {
    feedback.textContent = message; feedback.className = kind || '';
  }
  function where(q, k) {
    if (q.entry) { return q.entry.length === 2 ? ', row ' + (q.entry[0] + 1) + ', column ' + (q.entry[1] + 1) :
                          ', entry [' + q.entry.map(function (i) { return i + 1; }).join(', ') + '] counted from 1'; }
    var cols = q.shape.length ? q.shape[q.shape.length - 1] : 1;
    return q.shape.length === 2 ? ', row ' + (Math.floor(k / cols) + 1) + ', column ' + (k % cols + 1) :
      q.shape.length ? ', entry ' + (k + 1) : '';
  }
  function inputs() { return Array.prototype.slice.call(fields.querySelectorAll('input.answer')); }
  function build(q, s) {
    fields.textContent = '';
    var count = q.answer.length, cols = q.entry || q.shape.length === 0 ? 1 : q.shape[q.shape.length - 1];
    var table = document.createElement('table'), row = null;
    if (count > 1) {
      var caption = document.createElement('caption');
      caption.textContent = q.ask + ', shape (' + q.shape.join(', ') + (q.shape.length === 1 ? ',' : '') + ')';
      table.appendChild(caption);
    }
    for (var k = 0; k < count; k++) {
      if (k % cols === 0) { row = table.insertRow(); }
      var input = document.createElement('input');
      input.type = 'text'; input.className = 'answer'; input.id = 'answer' + k;
      input.setAttribute('inputmode', 'decimal'); input.setAttribute('autocomplete', 'off');
      input.setAttribute('aria-label', 'your value of ' + q.ask + where(q, k));
      input.value = s.typed[k] || '';
      input.readOnly = s.revealed;
      input.addEventListener('input', function (e) { s.typed[Number(e.target.id.slice(6))] = e.target.value; });
      row.insertCell().appendChild(input);
    }
    fields.appendChild(table);
  }
  function number(text) {
    var t = text.trim().replace(/\\u2212/g, '-');
    return /^[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?$/i.test(t) ? Number(t) : null;
  }
  // the values a hint works from as the graph shows them now: one whose frame was passed unanswered is blank
  function values(q) {
    var shown = [], said = [];
    q.values.forEach(function (v) { if (v[1] < 0 || open(v[1])) { shown.push(v[0]); } });
    if (shown.length) {
      said.push('the values of ' + shown.join(', ') + ' are on the graph' +
                (q.shape.length ? ' (hover or Tab to a node for every entry)' : ''));
    }
    q.values.forEach(function (v) {
      if (v[1] >= 0 && !open(v[1])) {
        said.push(v[0] + ' is not on the graph yet: frame ' + (v[1] + 1) + ' asks it and it is not answered ' +
                  '(answer it there, or press show me there)');
      }
    });
    return said.join('; ');
  }
  // the question and the hints given so far, the newest in a span of its own: the text box scrolls to it (all of
  // it when it fits, else its start), so a hint past the box's height is seen, and the cue says if more is below
  function ask(f, s) {
    var q = f.practice, lines = [q.question];
    for (var k = 0; k < s.hints; k++) { lines.push('hint ' + (k + 1) + ' of ' + q.hints.length + ': ' + q.hints[k].replace('{values}', values(q))); }
    text.textContent = s.hints ? lines.slice(0, -1).join('\\n') + '\\n' : lines[0];
    if (!s.hints) { text.scrollTop = 0; return; }
    var newest = document.createElement('span');
    newest.className = 'newest';
    newest.textContent = lines[lines.length - 1];
    text.appendChild(newest);
    var box = text.getBoundingClientRect(), r = newest.getBoundingClientRect();
    var top = r.top - box.top + text.scrollTop - 4, bottom = r.bottom - box.top + text.scrollTop + 4;
    text.scrollTop = bottom - top <= text.clientHeight ? bottom - text.clientHeight : top;
    cue();
  }
  function score() {
    var right = 0, done = 0;
    state.forEach(function (s) { if (s) { right += s.first ? 1 : 0; done += s.revealed ? 1 : 0; } });
    byId('score').textContent = 'right the first time (no hint): ' + right + ' of ' + done + ' answered, ' +
      (practised - done) + ' of ' + practised + ' to go';
    var again = [], open_ = [];
    state.forEach(function (s, k) {
      if (!s) { return; }
      if (!s.revealed) { open_.push(k); } else if (!s.first) { again.push(k); }
    });
    summary.hidden = !(done === practised || current === n - 1);
    summary.textContent = '';
    if (summary.hidden) { return; }
    var head = document.createElement('p');
    head.textContent = (done === practised ? 'All ' + practised + ' done: ' : done + ' of ' + practised + ' done: ') +
      right + ' right the first time, ' + again.length + ' to practise again' +
      (open_.length ? ', ' + open_.length + ' not answered yet' : '') + '.';
    summary.appendChild(head);
    [[again, 'Practise again: '], [open_, 'Not answered yet: ']].forEach(function (list) {
      if (!list[0].length) { return; }
      var p = document.createElement('p');
      p.appendChild(document.createTextNode(list[1]));
      list[0].forEach(function (k) {
        var b = document.createElement('button'), f = frames[k];
        b.type = 'button';
        b.textContent = f.practice.ask + ' (' + f.pass + ' ' + f.step + ')';
        b.addEventListener('click', function () { go(k); });
        p.appendChild(b);
      });
      summary.appendChild(p);
    });
  }
  function update(f) {
    var s = state[current], q = f.practice;
    ['check', 'hint', 'showme'].forEach(function (id) { byId(id).disabled = !q || s.revealed; });
    byId('go').disabled = current === n - 1;
    if (!q) {
      byId('ask').textContent = 'This frame is not in the practice: it is shown as worked out.';
      fields.textContent = ''; say('');
    } else {
      byId('ask').textContent = q.ask + ' =';
      build(q, s);
      if (!s.revealed) { ask(f, s); }
    }
    score();
    if (q) { say(s.said, s.revealed ? (s.first ? 'right' : '') : (s.tries ? 'wrong' : '')); }
  }
  onShow.push(update);
  function go(k) {
    show(k);
    var first = inputs()[0];
    (first && !first.readOnly ? first : byId('go')).focus();
  }
  function onward() { return current < n - 1 ? ' Enter or N: the next frame.' : ' That was the last frame.'; }
  function reveal(how, kind) {
    var s = state[current];
    s.revealed = true;
    s.said = how;
    show(current);
    say(how, kind);
    if (!byId('go').disabled) { byId('go').focus(); }  // the fields were redrawn: Enter now goes on
  }
  function check() {
    var f = frames[current], q = f.practice, s = state[current];
    if (!q || s.revealed) { return; }
    var boxes = inputs(), values = boxes.map(function (b) { return number(b.value); });
    var empty = values.filter(function (v, k) { return boxes[k].value.trim() === ''; }).length;
    var bad = values.filter(function (v, k) { return v === null && boxes[k].value.trim() !== ''; }).length;
    if (empty || bad) {
      say(empty ? 'Fill in every field first (' + empty + ' empty).' :
          'Type numbers only, like -0.475 or 1.2e-3 (' + bad + ' not a number).', 'wrong');
      return;
    }
    s.tries += 1;
    var wrong = values.filter(function (v, k) { return !near(v, q.answer[k], q.scale); }).length;
    boxes.forEach(function (b, k) { b.setAttribute('aria-invalid', near(values[k], q.answer[k], q.scale) ? 'false' : 'true'); });
    if (!wrong) {
      s.first = s.tries === 1 && s.hints === 0;
      boxes.forEach(function (b) { b.classList.add('right'); });
      reveal('Right' + (s.first ? ' the first time' : '') + ': ' + q.ask + ' is revealed in the frame.' + onward(),
             'right');
      return;
    }
    var slip = q.slips.filter(function (sl) {
      return sl.value.every(function (v, k) { return near(values[k], v, sl.scale); });
    })[0];
    s.hints = Math.min(q.hints.length, s.hints + 1);
    s.said = 'Not yet' + (boxes.length > 1 ? ' (' + wrong + ' of ' + boxes.length + ' entries off)' : '') + '. ' +
      (slip ? slip.says + '. ' : '') + 'Hint ' + s.hints + ' of ' + q.hints.length + ' is in the frame text.';
    ask(f, s);
    say(s.said, 'wrong');
  }
  function hint() {
    var f = frames[current], q = f.practice, s = state[current];
    if (!q || s.revealed) { return; }
    s.hints = Math.min(q.hints.length, s.hints + 1);
    ask(f, s);
    say('Hint ' + s.hints + ' of ' + q.hints.length + ' is in the frame text.');
  }
  function showMe() {
    var q = frames[current].practice, s = state[current];
    if (!q || s.revealed) { return; }
    s.shown = true;
    reveal('Shown: ' + q.ask + ' is in the frame; it goes on the list to practise again.' + onward());
  }
  byId('check').addEventListener('click', check);
  byId('hint').addEventListener('click', hint);
  byId('showme').addEventListener('click', showMe);
  byId('go').addEventListener('click', function () { go(current + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target === slider || e.target.tagName === 'SELECT') { return; }
    var key = e.key.toLowerCase(), inField = e.target.classList && e.target.classList.contains('answer');
    if (key === 'enter' && inField) {
      e.preventDefault();
      if (state[current] && state[current].revealed) { go(current + 1); } else { check(); }
    } else if (key === 'h') { e.preventDefault(); hint(); }
    else if (key === 's') { e.preventDefault(); showMe(); }
    else if (key === 'n') { e.preventDefault(); go(current + 1); }
  });
"""
