"""Each op's chain-rule term as a teacher writes it on the board, by name and with the numbers.

A term is what a consumer passes back to one of its parents: the consumer's gradient (the
*upstream*) times the op's local derivative. For a Value the same term is written again with
the numbers; for a Tensor a shapes line says what the products, sums and broadcasts do, and an
elementwise rule just says "elementwise". Functions a formula uses (relu′, a pooling mask) are
said once, in a line of their own, never as prose inside a product.

>>> from autograd_mini.notes_graph import logistic_graph
>>> from viz._view import View
>>> L = logistic_graph(); L.backward()
>>> view = View(L)
>>> a = L.parents[0]
>>> piece = term(view, a, 0)
>>> piece.text, piece.numbers
('da · a(1 - a)', '(-1.905) · 0.525 · (1 - 0.525)')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograd_mini import Tensor

from ._chain import FUSED_COSTS, _fill, activation_name, forward_formula, fused_activation, number, paren
from ._format import fmt_number

__all__ = ["Piece", "term", "join", "shape_text", "transposed", "forward_shapes", "backward_shapes"]

_G = "\x00"  # stands for the upstream gradient while a term is built


@dataclass(frozen=True)
class Piece:
    """One chain-rule term: ``sign`` ("+" or "-") and ``text`` without the sign."""

    text: str            # by name: "da · a(1 - a)", "∂J/∂Z1 · A0ᵀ"
    sign: str            # "+" or "-"
    local: str           # the local derivative ∂consumer/∂node by name: "a(1 - a)", "relu′(Z1)", "A0ᵀ"
    numbers: str = ""    # a Value's term with the numbers: "(-1.905) · 0.525 · (1 - 0.525)"
    local_numbers: str = ""  # a Value's local derivative with the numbers: "0.525 · (1 - 0.525)"
    shapes: tuple = ()   # a Tensor's (kind, text): kind "product", "sum", "elementwise", "same" or "other"
    where: str = ""      # a line saying what a function of the term means (relu′, the pooling mask)
    upstream: str = ""   # the consumer's gradient as it stands in the term ("" where ∂J/∂J = 1 is left out)


def shape_text(shape) -> str:
    shape = tuple(shape)
    return str(shape) if len(shape) != 1 else f"({shape[0]},)"


def transposed(name: str) -> str:
    """``name``ᵀ, where (Fᵀ)ᵀ reads F."""
    return name[:-1] if name.endswith("ᵀ") else f"{paren(name)}ᵀ"


def join(pieces, attribute: str = "text") -> str:
    """``t1 + t2 − t3``: the terms summed, each sign written once."""
    out = ""
    for k, piece in enumerate(pieces):
        body = getattr(piece, attribute)
        if k == 0:
            out = ("-" + paren(body, products=False) if piece.sign == "-" else body)
        else:
            out += (" - " if piece.sign == "-" else " + ") + (paren(body, products=False) if piece.sign == "-" else body)
    return out


def _power(name: str, k: float, precision: int) -> str:
    """d/dy of y^k as a teacher writes it: 2y, 3y², -y^-2, 0.5·y^(-0.5)."""
    kt = fmt_number(k, precision)
    if k == 1:
        return "1"
    if k == 0:
        return "0"
    base = name if len(name) == 1 else paren(name)
    if k == 2:
        return f"2{base}" if len(name) == 1 else f"2·{base}"
    power = {3: "²", 4: "³"}.get(k)
    if power:
        return f"{kt}{base}{power}" if len(name) == 1 else f"{kt}·{base}{power}"
    return f"{kt}·{base}^({fmt_number(k - 1, precision)})"


def _power_numbers(value: str, k: float, precision: int) -> str:
    kt = fmt_number(k, precision)
    if k in (0, 1):
        return kt if k == 0 else "1"
    if k == 2:
        return f"2·{value}"
    power = {3: "²", 4: "³"}.get(k)
    return f"{kt}·{value}{power}" if power else f"{kt}·{value}^({fmt_number(k - 1, precision)})"


def _derivative_sign(z: float, slope: float) -> tuple[float, str]:
    return (1.0, "≥") if z >= 0 else (slope, "<")


def term(view, child, i: int) -> Piece:
    """The term ``child`` passes back to its parent ``i``."""
    names, p = view.names, view.precision
    op = child._op
    name = op.name
    parent = child._parents[i]
    up = "" if view.seed_only(child) else view.grad_ref(child)
    sym = names.symbol
    if isinstance(child, Tensor) and not isinstance(op, FUSED_COSTS) and name != "L2" and np.ndim(child.data) > 0 \
            or isinstance(child, Tensor) and name in ("sum", "mean"):
        return _tensor_term(view, child, i, up)
    g_num = number(child.grad, p) if not isinstance(child, Tensor) else ""
    if isinstance(op, FUSED_COSTS):
        a, y, m = activation_name(sym(child._parents[0])), sym(child._parents[1]), child._ctx
        local = f"({a} - {y})/m" if i == 0 else f"-{sym(child._parents[0])}/m"
        # softmax couples a column's entries: its rule is the fused softmax-cross-entropy one, not elementwise
        kind = "elementwise" if fused_activation(op) == "σ" else "columns"
        # the upstream ∂J/∂CE is one number: a scalar factor, ·, not the elementwise ∗
        return _times(up, local, "·", shapes=(kind, shape_text(parent.data.shape)),
                      where=f"m = {m}, the number of examples (columns)")
    if name == "L2":
        lam = fmt_number(child._ctx, p)
        return _times(up, f"(λ/m) {sym(parent)}", "·", shapes=("same", shape_text(parent.data.shape)),
                      where=f"λ/m = {lam}")
    # a Value (or a one-number Tensor): the term, then the same with the numbers
    other = child._parents[1 - i] if len(child._parents) == 2 else None
    val = lambda node: number(np.asarray(node.data).reshape(()), p)  # noqa: E731
    if name == "+" or (name == "-" and i == 0) or (name == "wᵀx + b" and i == len(child._parents) - 1):
        return _times(up, "1", "·", g_num, "1")
    if name in ("-", "neg"):
        return _times(up, "-1", "·", g_num, "-1")
    if name in ("*", "wᵀx + b"):
        partner = child._parents[i ^ 1] if name == "wᵀx + b" else other
        return _times(up, sym(partner), "·", g_num, val(partner))
    if name == "/":
        a, b = child._parents
        if i == 0:
            return _times(up, f"1/{paren(sym(b))}", "·", g_num, f"1/{val(b)}")
        return _times(up, f"{paren(sym(a))}/{paren(sym(b))}²", "·", g_num, f"{val(a)}/{val(b)}²", sign="-")
    if name == "**" and child._ctx is not None and len(child._parents) == 1:
        k = child._ctx
        return _times(up, _power(sym(parent), k, p), "·", g_num, _power_numbers(val(parent), k, p))
    if name == "sigmoid":
        a = sym(child)
        return _times(up, f"{paren(a)}(1 - {a})", "·", g_num, f"{val(child)} · (1 - {val(child)})")
    if name == "tanh":
        a = sym(child)
        return _times(up, f"(1 - {paren(a)}²)", "·", g_num, f"(1 - {val(child)}²)")
    if name in ("relu", "leaky_relu"):
        slope = 0.0 if name == "relu" else child._ctx
        prime = "relu′" if name == "relu" else "lrelu′"
        value, compare = _derivative_sign(float(parent.data), slope)
        shown = fmt_number(value, p)
        where = (f"{prime}({val(parent)}) = {shown}, since {val(parent)} {compare} 0 "
                 f"(the notes: g′(z) = 1 where z ≥ 0, else {fmt_number(slope, p)})")
        return _times(up, f"{prime}({sym(parent)})", "·", g_num, shown, where=where,
                      local_numbers=f"{prime}({val(parent)}) = {shown}")
    if name == "exp":
        return _times(up, sym(child), "·", g_num, val(child))
    if name == "log":
        return _times(up, f"1/{paren(sym(parent))}", "·", g_num, f"1/{val(parent)}")
    if name == "cross_entropy" and i == 0:
        a, y = sym(child._parents[0]), sym(child._parents[1])
        an, yn = val(child._parents[0]), val(child._parents[1])
        return _times(up, f"(-{y}/{a} + (1 - {y})/(1 - {a}))", "·", g_num,
                      f"(-{yn}/{an} + (1 - {yn})/(1 - {an}))")
    # any other op: its own template, by name and with the numbers
    local = _template(op.dformula, i, child, sym)
    numbers = _template(op.nformula or op.dformula, i, child, lambda n: val(n))
    return _times(up, local, "·", g_num, numbers)


def _template(templates, i: int, child, symbol) -> str:
    if i >= len(templates):
        return "?"
    return _fill(templates[i], child, symbol, symbol(child), fmt_number(child._ctx, 4)
                 if isinstance(child._ctx, (int, float)) else str(child._ctx))


def _times(up: str, local: str, times: str, up_num: str = "", local_num: str = "", *, sign: str = "+",
           shapes: tuple = (), where: str = "", local_numbers: str = "") -> Piece:
    """upstream × local, by name and with the numbers; a local derivative of 1 or -1 leaves the upstream alone."""
    if local.startswith("-") and local != "-1":
        sign, local = ("-" if sign == "+" else "+"), local[1:]
    if local in ("1", "-1"):
        sign = "-" if (local == "-1") != (sign == "-") else "+"
        text, numbers = (up or "1"), (up_num or "1") if up_num else ""
    else:
        text = f"{up} {times} {paren(local, products=False)}" if up else local
        numbers = f"{up_num} {times} {paren(local_num, products=False)}" if up_num else ""
    return Piece(text, sign, local, numbers, local_numbers or local_num, shapes, where, up)


def _tensor_term(view, child, i: int, up: str) -> Piece:
    """The term of a Tensor op, with a shapes line for products, sums and broadcasts."""
    sym = view.names.symbol
    op, name = child._op, child._op.name
    parent = child._parents[i]
    out_shape, in_shape = np.shape(child.data), np.shape(parent.data)
    g = up or "1"
    ps, gs = shape_text(in_shape), shape_text(out_shape)
    elementwise = ("elementwise", gs)
    if name == "@":
        a, b = child._parents
        if i == 0:
            return Piece(f"{g} · {transposed(sym(b))}", "+", f"{transposed(sym(b))} (on the right)",
                         shapes=("product", f"{gs}·{shape_text(np.shape(b.data)[::-1])} → {ps}"), upstream=up)
        return Piece(f"{transposed(sym(a))} · {g}", "+", f"{transposed(sym(a))} (on the left)",
                     shapes=("product", f"{shape_text(np.shape(a.data)[::-1])}·{gs} → {ps}"), upstream=up)
    if name == "W A + b":  # Z = W A_prev + b: the notes' dW = dZ A_prevᵀ, dA_prev = Wᵀ dZ, db = Σ_columns dZ
        W, A_prev, _ = child._parents
        if i == 0:
            return Piece(f"{g} · {transposed(sym(A_prev))}", "+", f"{transposed(sym(A_prev))} (on the right)",
                         shapes=("product", f"{gs}·{shape_text(np.shape(A_prev.data)[::-1])} → {ps}"), upstream=up)
        if i == 1:
            return Piece(f"{transposed(sym(W))} · {g}", "+", f"{transposed(sym(W))} (on the left)",
                         shapes=("product", f"{shape_text(np.shape(W.data)[::-1])}·{gs} → {ps}"), upstream=up)
        return Piece(f"Σ_columns {paren(g)}", "+", "1", shapes=(
            "sum", f"{_sum_words((1,), 2)}: {gs} → {ps}"), upstream=up)
    if name == "ᵀ@":
        w, X = child._parents
        own, where = g, ""
        role = view.role.get(child)
        if up and role and role[0] == "product":  # say the chain: wᵀX's own gradient is ∂J/∂Z, as Z = wᵀX + b
            own = view.grad(child)
            Z = role[1].Z
            where = f"{own} = {up}, as {sym(Z)} = {forward_formula(Z, view.names, view.precision)}"
        if i == 0:
            return Piece(f"{sym(X)} · ({own})ᵀ", "+", f"{sym(X)} (on the left, times the gradient transposed)",
                         shapes=("product", f"{shape_text(X.data.shape)}·{shape_text(out_shape[::-1])} → {ps}"),
                         where=where, upstream=own)
        return Piece(f"{sym(w)} · {own}", "+", f"{sym(w)} (on the left)",
                     shapes=("product", f"{shape_text(w.data.shape)}·{gs} → {ps}"), where=where, upstream=own)
    if name in ("+", "-", "*", "/"):
        other = child._parents[1 - i]
        if name in ("+", "-"):
            piece = _times(up, "-1" if name == "-" and i == 1 else "1", "∗")
        elif name == "*":
            piece = _times(up, sym(other), "∗")
        elif i == 0:
            piece = _times(up, f"1/{paren(sym(other))}", "∗")
        else:
            piece = _times(up, f"{paren(sym(child._parents[0]))}/{paren(sym(other))}²", "∗", sign="-")
        axes = _summed_axes(in_shape, out_shape)
        if axes:
            word = _sum_word(axes, len(out_shape))
            return Piece(f"{word} {paren(piece.text)}", piece.sign, piece.local, shapes=(
                "sum", f"{_sum_words(axes, len(out_shape))}: {gs} → {ps}"), upstream=up)
        kind = ("same", gs) if name in ("+", "-") else elementwise
        return Piece(piece.text, piece.sign, piece.local, shapes=kind, upstream=up)
    if name == "sigmoid":
        a = sym(child)
        return Piece(f"{g} ∗ {a} ∗ (1 - {a})", "+", f"{a} ∗ (1 - {a})", shapes=elementwise, upstream=up)
    if name == "tanh":
        a = sym(child)
        return Piece(f"{g} ∗ (1 - {paren(a)}²)", "+", f"1 - {paren(a)}²", shapes=elementwise, upstream=up)
    if name in ("relu", "leaky_relu"):
        z = sym(parent)
        prime = "relu′" if name == "relu" else "lrelu′"
        slope = "0" if name == "relu" else fmt_number(child._ctx, 4)
        return Piece(f"{g} ∗ {prime}({z})", "+", f"{prime}({z})", shapes=elementwise,
                     where=f"{prime}({z}) is 1 where {z} ≥ 0, else {slope} (the notes' g′(z))", upstream=up)
    if name == "exp":
        return Piece(f"{g} ∗ {sym(child)}", "+", sym(child), shapes=elementwise, upstream=up)
    if name == "log":
        return Piece(f"{g} / {paren(sym(parent))}", "+", f"1/{paren(sym(parent))}", shapes=elementwise, upstream=up)
    if name == "neg":
        return Piece(g, "-", "-1", shapes=("same", gs), upstream=up)
    if name == "**" and len(child._parents) == 1:
        local = _power(sym(parent), child._ctx, 4)
        return Piece(f"{g} ∗ {paren(local, products=False)}", "+", local, shapes=elementwise, upstream=up)
    if name == "sum":
        return Piece(g, "+", "1", shapes=("other", f"{gs} copied to every entry of {ps}"), upstream=up)
    if name == "mean":
        n = child._ctx[-1]
        return Piece(f"{paren(g)}/{n}", "+", f"1/{n}", shapes=("other", f"{gs} copied to every entry of {ps}"),
                     upstream=up)
    if name == "transpose":
        return Piece(f"({g})ᵀ", "+", "transpose", shapes=("other", f"{gs}ᵀ → {ps}"), upstream=up)
    if name == "reshape":
        return Piece(f"reshape({g}, {ps})", "+", "reshape", shapes=("other", f"{gs} → {ps}"), upstream=up)
    if name == "[]":
        return Piece(f"{g} at the picked entries", "+", "1 at the picked entries", shapes=("other", f"{gs} → {ps}"),
                     where="every entry the index did not pick gets 0", upstream=up)
    if name == "max_pool":
        return Piece(f"Σ_windows mask ∗ {g}", "+", "mask", shapes=("other", f"{gs} → {ps}"), upstream=up,
                     where="max-pool passes each window's gradient to its maximum: mask is 1 there, 0 elsewhere")
    if name == "avg_pool":
        f = child._ctx[0]
        return Piece(f"Σ_windows {paren(g)}/{f * f}", "+", f"1/{f * f}", shapes=("other", f"{gs} → {ps}"),
                     upstream=up, where=f"avg-pool shares each window's gradient equally among its {f}·{f} entries")
    if name == "conv2d":
        A_prev, W, _ = (sym(n) for n in child._parents)
        stride, pad = child._ctx
        # the windows run over A_prev padded with p zeros on every side, s apart
        windows = f"windows of {A_prev} padded with p = {pad}, stride s = {stride}" if pad else \
            f"windows of {A_prev} (no padding, p = 0), stride s = {stride}"
        if i == 0:
            return Piece(f"Σ_windows {W} · {g}", "+", W, shapes=("other", f"{gs} → {ps}"), upstream=up,
                         where=f"each of the {windows} gets {W} times its entry of {g}; overlapping windows add up"
                               + ("; the padding's share is dropped" if pad else ""))
        if i == 1:
            # the windows are cut from the padded A_prev, so that is the shape the product runs over
            m, n_H, n_W, n_c = child._parents[0].data.shape
            padded = f"{A_prev} padded {shape_text((m, n_H + 2 * pad, n_W + 2 * pad, n_c))}" if pad else \
                shape_text(child._parents[0].data.shape)
            return Piece(f"Σ_windows {A_prev}[window] · {g}", "+", f"{A_prev}[window]", shapes=(
                "other", f"{padded} and {gs} → {ps}"), upstream=up,
                where=f"each filter's gradient adds window · its entry of {g} over the {windows}")
        return Piece(f"Σ_m,n_H,n_W {g}", "+", "1", shapes=("sum", f"Σ over m, n_H, n_W: {gs} → {ps}"), upstream=up)
    # any other op: the engine's own term template
    if op.dterm and i < len(op.dterm) and op.dterm[i]:
        text = _fill(op.dterm[i].replace("{g}", _G), child, sym, sym(child), "").replace(_G, g)
        return Piece(text, "+", text, shapes=elementwise, upstream=up)
    local = _template(op.dformula, i, child, sym)
    return Piece(f"{g} ∗ {paren(local, products=False)}", "+", local, shapes=elementwise, upstream=up)


def _summed_axes(parent_shape: tuple, out_shape: tuple) -> tuple:
    """The axes of the output a broadcast operand's gradient is summed over (as ``_unbroadcast`` does)."""
    if len(parent_shape) > len(out_shape) or tuple(parent_shape) == tuple(out_shape):
        return ()
    extra = len(out_shape) - len(parent_shape)
    axes = tuple(range(extra))
    axes += tuple(extra + k for k, n in enumerate(parent_shape) if n == 1 and out_shape[extra + k] != 1)
    return axes


def _sum_word(axes: tuple, ndim: int) -> str:
    if ndim == 2 and axes == (1,):
        return "Σ_columns"
    if ndim == 2 and axes == (0,):
        return "Σ_rows"
    if len(axes) == ndim:
        return "Σ_all"
    return f"Σ_axes{axes}"


def _sum_words(axes: tuple, ndim: int) -> str:
    if ndim == 2 and axes == (1,):
        return "Σ over the m columns (the forward pass broadcast it over them)"
    if ndim == 2 and axes == (0,):
        return "Σ over the rows (the forward pass broadcast it over them)"
    if len(axes) == ndim:
        return "Σ over every entry"
    return f"Σ over the axes {axes} (the forward pass broadcast it over them)"


def forward_shapes(node) -> str:
    """What a Tensor op does to the shapes, for products, sums and broadcasts; "elementwise" otherwise."""
    op, name = node._op, node._op.name
    shapes = [np.shape(p.data) for p in node._parents]
    out = shape_text(np.shape(node.data))
    if all(not shape for shape in shapes) and not np.shape(node.data):
        return ""  # numbers only: nothing to say about shapes
    if isinstance(op, FUSED_COSTS):
        return f"shapes: Σ over {shape_text(shapes[0])} → a number"
    if name == "@":
        return f"shapes: {shape_text(shapes[0])}·{shape_text(shapes[1])} → {out}"
    if name == "ᵀ@":
        return f"shapes: {shape_text(shapes[0][::-1])}·{shape_text(shapes[1])} → {out}"
    if name == "W A + b":
        return f"shapes: {shape_text(shapes[0])}·{shape_text(shapes[1])} + {shape_text(shapes[2])} → {out}, " \
               "b broadcast over the m columns"
    if name in ("+", "-", "*", "/") and len(shapes) == 2:
        stretched = [k for k, s in enumerate(shapes) if _summed_axes(s, np.shape(node.data))]
        if name in ("+", "-") or stretched:
            note = ""
            if stretched:
                axes = _summed_axes(shapes[stretched[0]], np.shape(node.data))
                note = ", broadcast over the m columns" if axes == (1,) and np.ndim(node.data) == 2 else ", broadcast"
            mark = {"+": "+", "-": "-", "*": "∗", "/": "/"}[name]
            return f"shapes: {shape_text(shapes[0])} {mark} {shape_text(shapes[1])} → {out}{note}"
        return f"elementwise, {out}"
    if name == "conv2d":
        return f"shapes: conv of {shape_text(shapes[0])} with {shape_text(shapes[1])}, + {shape_text(shapes[2])} → {out}"
    if name in ("max_pool", "avg_pool"):
        f = node._ctx[0]
        return f"shapes: {f}×{f} windows of {shape_text(shapes[0])} → {out}"
    if name == "transpose":
        return f"shapes: {shape_text(shapes[0])}ᵀ → {out}"
    if name in ("reshape", "sum", "mean", "[]"):
        return f"shapes: {shape_text(shapes[0])} → {out}"
    if name == "L2":
        return ""
    return f"elementwise, {out}"


def backward_shapes(pieces, out_shape) -> str:
    """The shapes line of a gradient: its terms' products and sums, or "elementwise"."""
    out = shape_text(out_shape)
    kinds = [piece.shapes for piece in pieces if piece.shapes]
    if not kinds or all(kind == "same" for kind, _ in kinds):
        return ""
    if any(kind == "columns" for kind, _ in kinds):
        return f"column by column, {out}: the fused softmax-cross-entropy rule (softmax couples a column's entries)"
    if all(kind in ("elementwise", "same") for kind, _ in kinds):
        return f"elementwise, {out}"
    parts = [text.rsplit(" → ", 1)[0] if " → " in text else text for kind, text in kinds]
    if len(parts) == 1:
        return f"shapes: {kinds[0][1]}" if " → " in kinds[0][1] else f"shapes: {parts[0]} → {out}"
    return f"shapes: {' + '.join(parts)} → {out}"
