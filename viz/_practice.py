"""Practice mode's questions: what each frame asks, the answer, the hints, the slips it recognises.

A practised frame hides its result until the learner answers it. This module turns a frame's
:class:`viz.steps.Step` into the data the page judges with, all computed here, none in the page:

* the answer: the result's entries (a number; every entry of a tensor of up to 32; beyond that one
  entry, the largest in size, so that the entry asked is never a zero that needs no working);
* the tolerance: an entry is right within 1% of it, or within 0.001 × the result's scale (its largest
  entry in size; 1 for a result of zeros);
* the hints, from the frame's own chain rule: which terms take part, the local derivatives, then the
  same with the numbers (a forward frame: the inputs, then the numbers);
* the classic slips, each a value the learner's answer is compared with: the sign flipped, a factor m
  or 1/m too many, a term left out where the node feeds several, the local derivative without the
  upstream gradient. A slip whose value is the right answer's (a sign flip of 0) is left out.

With ``scope="closed forms"`` the practised frames are the backward frames where the notes have a
closed form; the learner answers the notes' quantity (the per-example dZ3 = A3 − Y), and the answer is
autodiff's gradient times the factor between the two (m for dZ and dA, 1 for dW and db), said on the page.
"""

from __future__ import annotations

import re

import numpy as np

from autograd_mini import Tensor

from ._chain import FUSED_COSTS, forward_formula, fused_activation, named_by_formula, number
from ._format import fmt_result, visible_text
from ._notes import closed_forms, forward_notes
from .graph import _partial as paren_name

__all__ = ["SCOPES", "TOLERANCE", "VALUES", "practice_frames", "check_practice"]

#: what a teacher can practise: every frame, the backward pass, or only the notes' closed forms
SCOPES = ("all", "backward", "closed forms")
#: what the page says of its tolerance
TOLERANCE = ("right within 1% of each value, or within 0.001 × the result's scale (its largest entry in size; "
             "1 for zeros)")
_GRID = 32  # up to this many entries the learner answers every one
# the ops whose local derivative has the shape of the result (elementwise): the "local derivative alone" slip
_ELEMENTWISE = frozenset({"sigmoid", "tanh", "relu", "leaky_relu", "exp", "log", "**"})
_COUNT = {2: "two", 3: "three", 4: "four"}
#: where a hint names the values it works from; the page writes there which of them the graph shows now and,
#: for one still hidden, the frame that asks it (a learner may have gone on without answering it)
VALUES = "{values}"


def check_practice(practice: bool, scope: str, nodes, edge_derivatives: bool, collapse: bool) -> str:
    """Refuse the practice options that cannot mean anything, rather than ignore them; returns the scope as
    :data:`SCOPES` spells it (the command line's ``closed-forms`` is ``"closed forms"``)."""
    spelled = scope.replace("-", " ") if isinstance(scope, str) else scope
    if spelled not in SCOPES:
        raise ValueError(f"practice_scope must be one of {', '.join(repr(s) for s in SCOPES)} (or 'closed-forms', "
                         f"as the command line spells it); got {scope!r}")
    scope = spelled
    if not practice:
        if scope != "all" or nodes is not None:
            raise ValueError("practice_scope and practice_nodes choose what practice mode asks: pass practice=True "
                             "with them")
        return scope
    if edge_derivatives:
        raise ValueError("practice mode hides the values the learner works out, and edge_derivatives=True would "
                         "write each local derivative's value on the graph: leave edge_derivatives off")
    if collapse:
        raise ValueError("practice mode asks for each node's value, and collapse=True draws boxes of many nodes: "
                         "practise on a graph small enough to draw node by node")
    if nodes is not None and (isinstance(nodes, str) or not all(isinstance(n, str) for n in nodes)):
        raise ValueError(f"practice_nodes must be a list of node names, e.g. ['dz', 'z'] or ['z']; got {nodes!r}")
    return scope


def practice_frames(frames: list, steps: list, view, scope: str, nodes) -> None:
    """Attach to each practised frame its question (``frame["practice"]``); refuse names that match no node
    and a choice that leaves nothing to practise."""
    wanted = None if nodes is None else {str(n) for n in nodes}
    if wanted is not None:
        known = {view.names.symbol(s.node) for s in steps}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(f"practice_nodes names no node {', '.join(unknown)}; the graph's nodes with a frame: "
                             f"{', '.join(dict.fromkeys(view.names.symbol(s.node) for s in steps))}")
    # the frame that shows each node's value (forward) and gradient (backward): a hint's values come from these
    shown_in = {(step.kind, id(step.node)): k for k, step in enumerate(steps)}
    for frame, step in zip(frames, steps):
        if scope != "all" and step.kind != "backward":
            continue
        if wanted is not None and view.names.symbol(step.node) not in wanted:
            continue
        form = None
        if scope == "closed forms":
            forms = closed_forms(step.node, view)
            if not forms:
                continue
            form = forms[0]
        question = _question(step, view, form, shown_in)
        if question is not None:
            frame["practice"] = question
            if form is not None and form.factor != 1:  # the reveal shows the notes' value asked, beside autodiff's
                shown = fmt_result(_array(step.value) * form.factor, view.precision).replace("\n", "\n  ")
                line = visible_text(f"the notes' {form.symbol} = {form.formula} = m · {step.dname} (m = {view.m}), "
                                    f"the value asked:\n  {shown}")
                frame["notes"].append(line)
                frame["text"] += "\n" + line
    if not any("practice" in frame for frame in frames):
        what = {"all": "one frame", "backward": "one backward frame",
                "closed forms": "one gradient the notes have a closed form for (dz = a − y, dW[l], db[l], dZ[l], "
                                "dA[l−1])"}[scope]
        nodes_text = "" if wanted is None else f" among the frames of {', '.join(sorted(wanted))}"
        raise ValueError(f"nothing to practise: the graph has not {what}{nodes_text}")


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


def _scale(values: np.ndarray) -> float:
    top = float(np.max(np.abs(values))) if values.size else 0.0
    return top if top > 0 else 1.0


def _question(step, view, form, shown_in: dict) -> dict | None:
    """The frame's question as data for the page; None where its result is not a finite number."""
    result = _array(step.value) if step.value is not None else None
    if result is None or not np.all(np.isfinite(result)):
        return None
    factor = form.factor if form is not None else 1
    expected = result * factor
    ask = form.symbol if form is not None else (step.dname if step.kind == "backward" else step.head)
    shape = list(np.shape(expected))
    entry = None
    if expected.size > _GRID:
        entry = [int(i) for i in np.unravel_index(int(np.argmax(np.abs(expected))), expected.shape)]
    hints, values = _hints(step, view, form, shown_in)
    slips = _slips(step, view, form, expected)
    pick = (lambda a: [float(_array(a)[tuple(entry)])]) if entry is not None else (lambda a: _array(a).ravel().tolist())
    return {"ask": visible_text(ask), "question": visible_text(_ask_line(step, view, form, ask, shape, entry)),
            "shape": shape, "entry": entry, "answer": pick(expected), "scale": _scale(expected),
            "hints": [visible_text(h) for h in hints],
            "values": [[visible_text(name), k] for name, k in values],
            "slips": [{"value": pick(v), "scale": _scale(_array(v)), "says": visible_text(says)}
                      for v, says in slips]}


def _where(shape: list, entry) -> str:
    if entry is None:
        return "" if not shape else f"  (shape {tuple(shape)}: one field per entry)"
    place = (f"row {entry[0] + 1}, column {entry[1] + 1}" if len(shape) == 2 else
             f"entry [{', '.join(str(i + 1) for i in entry)}] (counted from 1)")
    return f"  (shape {tuple(shape)}: of its {int(np.prod(shape))} entries, answer the one at {place})"


def _ask_line(step, view, form, ask: str, shape: list, entry) -> str:
    where = _where(shape, entry)
    if form is not None:
        per = "one column per example, no 1/m" if form.factor != 1 else ""
        where = f"  ({per}{'; ' if per and where else ''}{where.strip()[1:-1]})" if per or where else ""
        return f"Your turn: the notes' {form.symbol} = {form.formula} = ?{where}"
    if step.kind == "forward":
        return f"Your turn: {step.formula} = ?{where}"
    d = step.dname
    root = view.names.symbol(view.root)
    alias = "" if d.startswith("∂") else f" = ∂{root}/∂{step.name if step.name.isalnum() else f'({step.name})'}"
    return f"Your turn: {d}{alias} = ?{where}"


def _uses(step) -> str:
    """Who the node's terms come from: 'a', 'a and b', 'x·x, twice'."""
    consumers = list(dict.fromkeys(t.consumer for t in step.terms))
    if len(consumers) == 1 and len(step.terms) > 1:
        return f"{consumers[0]}, which uses {step.name} {_COUNT.get(len(step.terms), len(step.terms))} times"
    return " and ".join([", ".join(consumers[:-1]), consumers[-1]] if len(consumers) > 1 else consumers)


def _sum_of_terms(step) -> str:
    """The slip's name for a node used more than once: 'z feeds two nodes; its gradient is the sum of both terms'."""
    n = len(step.terms)
    consumers = list(dict.fromkeys(t.consumer for t in step.terms))
    every = "both terms" if n == 2 else f"all {_COUNT.get(n, n)} terms"
    if len(consumers) == 1:
        return f"{step.name} is used {_COUNT.get(n, n)} times by {consumers[0]}; its gradient is the sum of {every}"
    return f"{step.name} feeds {_COUNT.get(len(consumers), len(consumers))} nodes; its gradient is the sum of {every}"


def _partial(consumer: str, name: str) -> str:
    return f"∂{paren_name(consumer)}/∂{paren_name(name)}"


def _elementwise(term) -> bool:
    """Whether the term's local derivative is a number per entry (a Value, or an elementwise Tensor op), which
    ∂consumer/∂node names honestly; a product, a sum over an axis, a reshape or a softmax is not."""
    child = term.node
    if not isinstance(child, Tensor) or np.ndim(child.data) == 0 and not isinstance(child._op, FUSED_COSTS):
        return True
    if isinstance(child._op, FUSED_COSTS):
        return fused_activation(child._op) == "σ"
    return child._op.name in _ELEMENTWISE or child._op.name in ("+", "-", "*", "/", "neg") and \
        np.shape(child._parents[term.index].data) == np.shape(child.data)


def _cost_local(term, view) -> str:
    """A fused cost's local derivative as a teacher writes it: (σ(Z3) − Y)/m = (A3 − Y)/m."""
    child = term.node
    z, y = (view.names.symbol(p) for p in child._parents)
    g = fused_activation(child._op)
    columns = "" if g == "σ" else ", column by column (softmax couples the entries of a column)"
    return f"({g}({z}) - {y})/m = {term.local}{columns}"


def _formula_of(node, view) -> str:
    """``Z3 = W3 A2 + b3``: how the consumer was computed, said once for a node named by its formula."""
    names = view.names
    formula = forward_formula(node, names, view.precision)
    return names.symbol(node) if named_by_formula(names.symbol(node), formula) else f"{names.symbol(node)} = {formula}"


def _role(term, view) -> str:
    """'cost node' for the root, 'node' for a term of it (the cross-entropy CE beside a regulariser R)."""
    return "cost node" if term.node is view.root else "node"


def _chain_hint(step, term, view) -> str:
    """The first hint's part for one term: the chain rule where the local derivative is a number per entry; for
    a product, a sum or a reshape (whose ∂consumer/∂node is no matrix) which gradient the consumer passes back."""
    root = view.names.symbol(view.root)
    if not term.upstream:  # from the cost itself: its local derivative, times the seed
        return (f"∂{root}/∂{root} · (the local derivative of the node {term.consumer} with respect to {step.name}), "
                f"where ∂{root}/∂{root} = 1 is the seed")
    if _elementwise(term):
        return f"{term.upstream} · {_partial(term.consumer, step.name)}"
    return f"what {term.consumer} passes back from {term.upstream}"


def _local_hint(step, term, view) -> str:
    """The second hint's part for one term: the local derivative, or the consumer's own formula, from which the
    rule follows."""
    formula = _formula_of(term.node, view)
    if isinstance(term.node._op, FUSED_COSTS) and term.index == 0:
        notes = closed_forms(step.node, view)
        said = ""
        if notes:
            source = notes[0].line.split(":")[0]
            said = f" ({source}: {notes[0].symbol} = {notes[0].formula}, so {step.dname} = {notes[0].symbol}/m)"
        return (f"the {_role(term, view)} {formula} has local derivative with respect to {step.name} "
                f"{_cost_local(term, view)}{said}")
    if not term.upstream:  # the consumer is the cost itself, whose ∂J/∂J = 1 multiplies nothing
        return f"the cost node {formula} has local derivative {term.local} with respect to {step.name}"
    if _elementwise(term):
        return f"the local derivative {_partial(term.consumer, step.name)} = {term.local}"
    return f"{formula} passes back {term.text}"


def _hints(step, view, form, shown_in: dict) -> tuple:
    """Three hints for a backward frame (the terms; the local derivatives, or the formula a product's rule
    comes from; the numbers), two for a forward frame (the inputs; the numbers); a closed form's first hint
    says how the notes' quantity relates to autodiff's. No hint writes the gradient it asks for on both sides
    of an equation. With them, the values a hint works from as (name, the frame that shows it, or -1 for an
    input shown from the start), which the page says at :data:`VALUES` as they are at that moment."""
    if step.kind == "forward":
        parents = list(dict.fromkeys(step.node._parents))
        values = [(view.names.symbol(p), shown_in.get(("forward", id(p)), -1)) for p in parents]
        first = f"{step.head} is computed from {', '.join(name for name, _ in values)}; {VALUES}"
        numbers = f"{step.head} = {step.numbers}" if step.numbers and not step.shapes_line else step.numbers
        numbers = "; ".join(filter(None, (_cost_numbers(step, view) or numbers, *step.where)))
        return [first, numbers or f"the formula to work out: {step.formula}"], values
    if not step.terms:
        return [f"{step.name} is the {'cost' if view.names.partial else 'loss'} itself: backprop starts from "
                f"{step.dname} = 1, the seed"], []
    d = step.dname
    n = len(step.terms)
    count = "one term" if n == 1 else f"{_COUNT.get(n, n)} terms, one for each use"
    chain = [_chain_hint(step, t, view) for t in step.terms]
    said = f": {d} = {' + '.join(chain)}" if all(_elementwise(t) or not t.upstream for t in step.terms) \
        else f": {'; '.join(chain)}"
    terms = f"{d} gets {count}, from {_uses(step)}{said}"
    if n > 1:
        terms += f" ({_sum_of_terms(step)})"
    one = step.terms[0]
    if n == 1 and one.upstream and not _elementwise(one) and not isinstance(one.node._op, FUSED_COSTS):
        formula = _formula_of(one.node, view)  # Z3 = W3 A2 + b3, so dW3 = ∂J/∂Z3 · A2ᵀ
        local = (f"{formula}, so {step.formula}" if formula != one.consumer else
                 f"the node {formula} passes its gradient back through its formula: {step.formula}")
    else:
        local = "; ".join(_local_hint(step, t, view) for t in step.terms)
        if any(t.upstream for t in step.terms):  # the cost's own local derivative is the answer's formula already
            local += f"; so {step.formula}"
    ups = list(dict.fromkeys((t.upstream, shown_in.get(("backward", id(t.node)), -1))
                             for t in step.terms if t.upstream))
    if isinstance(step.node, Tensor):
        numbers = "; ".join(filter(None, (step.numbers, VALUES if ups else ""))) or _seed_numbers(step, view)
    else:
        numbers = (f"{d} = {step.numbers}" if step.numbers else
                   f"{step.formula}; {VALUES}" if ups else _seed_numbers(step, view))
    numbers += "".join(f"; {w}" for w in step.where)
    hints = [terms, local, numbers]
    if form is not None and view.m is not None:  # a net's closed form: the hints stay in the notes' quantities
        hints, values = _notes_hints(step, view, form, shown_in)
        return [_relation(form, d, view), *hints], values
    if form is not None:
        hints.insert(0, _relation(form, d, view))
    return hints, ups


def _relation(form, d: str, view) -> str:
    """A closed form's first hint: how the notes' quantity asked relates to autodiff's gradient of the node."""
    if form.factor != 1:
        return (f"the notes' {form.symbol} is per example, without the 1/m of J = (1/m) Σ L: "
                f"{form.symbol} = m · {d}, m = {view.m}")
    return (f"the notes' {form.symbol} = {form.formula}: autodiff computes the same"
            + (" (the 1/m is in both)" if view.m else ""))


def _notes_hints(step, view, form, shown_in: dict) -> tuple:
    """A net's closed form worked in the notes' quantities, never through autodiff's ∂J/∂… (which is the notes'
    per-example dZ, dA divided by m, the 1/m slip): the formula and where each notes' quantity in it comes from
    (an earlier frame, m times the gradient the graph shows), what its functions mean, then the same with m (the
    output's A[L] − Y with its numbers); and the gradients these hints work from, as :func:`_hints` gives them."""
    m, p = view.m, view.precision
    used = []  # (the notes' per-example quantity in the formula, the autodiff gradient the graph shows, its frame)
    for node in view.order:
        k = shown_in.get(("backward", id(node)))
        for f in closed_forms(node, view) if k is not None else ():
            if f.factor != 1 and re.search(rf"(?<!\w){re.escape(f.symbol)}(?![0-9A-Za-z_])", form.formula):
                used.append((f.symbol, view.grad(node), k))
    terms = f"{form.symbol} = {form.formula}" + "".join(f", with the notes' {q} from frame {k + 1} (= m · {g})"
                                                        for q, g, k in used)
    local = "; ".join(filter(None, (*step.where, f"the 1/m is 1/{m}" if "(1/m)" in form.formula else "")))
    worked = form.formula.replace("(1/m)", f"(1/{m})")
    for q, g, _ in used:
        worked = worked.replace(q, f"({m} · {g})")
    numbers = f"with m = {m}: {form.symbol} = {worked}"
    cost = next((c for c, _ in view.used_by[step.node] if isinstance(c._op, FUSED_COSTS)), None)
    if cost is not None and not used:  # the output's dZ[L] = A[L] - Y: A[L] is in the cost's forward frame
        a = form.formula.split(" - ")[0]
        terms += (f", with {a} = {fused_activation(cost._op)}({step.name}) from frame "
                  f"{shown_in[('forward', id(cost))] + 1} (the cost's forward frame)")
        local = (f"{form.symbol} has no m in it: it is per example, one column each ({a} and Y are "
                 f"{tuple(np.shape(step.value))} here)")
        A, Y = _array(cost._op.A), _array(cost._parents[1].data)
        rows = ["; ".join(", ".join(f"{number(x, p)} - {number(y, p)}" for x, y in zip(a, t))
                          for a, t in zip(np.atleast_2d(A), np.atleast_2d(Y)))]  # a row of the matrix per ;
        numbers = (f"with the numbers: {form.symbol} = {form.formula} = " +
                   (f"[{rows[0]}]" if A.size <= _GRID else f"{fmt_result(A, p)} - {fmt_result(Y, p)}"))
    numbers = "; ".join(filter(None, (numbers, step.numbers if step.shapes_line and used else "",
                                      VALUES if used else "")))
    return [terms, local or f"{form.symbol} has the shape of {step.name}, {tuple(np.shape(step.value))}", numbers], \
        [(g, k) for _, g, k in used]


def _cost_numbers(step, view) -> str:
    """A cost's forward frame as a teacher writes it with the numbers: the cross-entropy's term per example
    (log a where y = 1, log(1 - a) where y = 0), the regulariser's λ, m and each ‖W[l]‖²_F; "" for any other node."""
    node, p = step.node, view.precision
    op = node._op
    if op is not None and op.name == "L2" and view.m is not None:
        return "with the numbers: " + forward_notes(node, view)[0].split(": ", 1)[1]
    if not isinstance(op, FUSED_COSTS):
        return ""
    A, Y, m = _array(op.A), _array(node._parents[1].data), node._ctx
    if A.size > _GRID:
        return ""

    def log(x: float) -> str:
        return f"log {number(x, p)}"

    if fused_activation(op) == "σ":
        terms = [log(a) if y == 1 else f"log(1 - {number(a, p)})" if y == 0 else
                 f"{number(y, p)}·log {number(a, p)} + (1 - {number(y, p)})·log(1 - {number(a, p)})"
                 for a, y in zip(A.ravel(), Y.ravel())]
        which = "log a where y = 1, log(1 - a) where y = 0"
    else:
        terms = [log(a) if y == 1 else f"{number(y, p)}·log {number(a, p)}"
                 for a, y in zip(A.ravel(), Y.ravel()) if y != 0]
        which = "log a of each column's entry where y = 1"
    return f"with the numbers ({which}): {step.head} = -(1/{m}) · ({' + '.join(terms)})"


def _seed_numbers(step, view) -> str:
    """The numbers of a gradient whose only terms come from the cost itself: the seed times each local derivative."""
    root = view.names.symbol(view.root)
    return (f"with the numbers: {step.dname} = " + " + ".join(f"∂{root}/∂{root} · {t.local}" for t in step.terms)
            + " = " + " + ".join(f"1 · {t.local}" for t in step.terms))


def _slips(step, view, form, expected: np.ndarray) -> list:
    """(value, what the slip is) for each classic slip this frame allows, the value in the answer's terms."""
    factor = form.factor if form is not None else 1
    d = form.symbol if form is not None else (step.dname if step.kind == "backward" else step.head)
    out = [(-expected, "Sign flipped: your answer is the right value with the opposite sign; check each minus "
                       "sign and the sign of each factor")]
    m = view.m
    if m and m > 1 and step.kind == "backward" and step.terms:  # the seed ∂J/∂J = 1 has no m to slip on
        if form is not None and factor != 1:
            out.append((expected / m, f"A factor 1/m: that is autodiff's {step.dname} = {d}/m; the notes' {d} is "
                                      f"per example, without the 1/m: {d} = m · {step.dname}, m = {m}"))
            out.append((expected * m, f"A factor m: your answer is m = {m} times the notes' {d}; {d} = {form.formula} "
                                      "has no m in it"))
        else:
            notes = closed_forms(step.node, view)
            per = [f for f in notes if f.factor != 1]
            also = (f"; m · {step.dname} is the notes' per-example {per[0].symbol}, which is not asked here"
                    if per and form is None else "")
            out.append((expected * m, f"A factor m: your answer is m = {m} times {d}; the cost J = (1/m) Σ L "
                                      f"carries the 1/m into every gradient{also}"))
            out.append((expected / m, f"A factor 1/m: your answer is {d} divided by m = {m} once more; the 1/m of "
                                      "J = (1/m) Σ L enters the gradient once"))
    if step.kind == "backward" and form is None and len(step.terms) > 1:
        values = [_array(t.value) for t in step.terms]
        for k, t in enumerate(step.terms):
            if all(v.shape == expected.shape for v in values):
                out.append((expected - values[k], f"A missing term: {_sum_of_terms(step)} (the one from "
                                                  f"{t.consumer} is missing)"))
    if step.kind == "backward" and form is None:
        for t in step.terms:
            local = _local_alone(t)
            if t.upstream and local is not None and local.shape == expected.shape:
                out.append((local, f"The local derivative alone: that is {_partial(t.consumer, step.name)} = "
                                   f"{t.local}; multiply it by the upstream gradient {t.upstream}"))
    right = _scale(expected)
    kept, seen = [], []
    for value, says in out:
        value = _array(value)
        near = np.abs(value - expected) <= np.maximum(1e-2 * np.abs(expected), 1e-3 * right)
        if np.all(near) or any(v.shape == value.shape and np.allclose(v, value) for v in seen):
            continue  # a slip that gives the right answer (or repeats another) names nothing
        seen.append(value)
        kept.append((value, says))
    return kept


def _local_alone(t):
    """The local derivative ∂consumer/∂node on its own (the op's rule with an upstream of 1), where it has
    the shape of the term: a scalar op or an elementwise one (else None)."""
    child = t.node
    if isinstance(child, Tensor) and np.ndim(child.data) > 0 and child._op.name not in _ELEMENTWISE:
        return None
    one = np.ones_like(_array(child.data)) if isinstance(child, Tensor) else 1.0
    try:
        return _array(child._op.vjp(child, one)[t.index])
    except (ArithmeticError, ValueError):
        return None
