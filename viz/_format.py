"""Number, array and label formatting, and the escaping that keeps labels inert.

Graph nodes are drawn with Graphviz *HTML-like* labels (``label=<...>``): inside them
``&``, ``<``, ``>`` and quotes are XML entities, and Graphviz itself turns ``\\\\`` into
``\\``, so a backslash is doubled. Every ``str.splitlines()`` boundary becomes a ``<BR/>``
line break. A label escaped by :func:`html_label_text` therefore shows as written and
cannot close the label, add attributes or inject markup.

Characters XML 1.0 cannot hold (control characters, lone surrogates), DEL and the C1
controls that would draw as nothing, and the invisible and bidirectional controls
(U+200B–U+200F, U+202A–U+202E, U+2066–U+2069) show as their Python escapes (``\\x00``,
``\\ud800``, ``\\u202e``): ``dot`` would reject the first, the fonts have no pictures for
them, and a right-to-left override would reverse the rest of a formula. A text of nothing
but line breaks shows them the same way (``\\n``), so no label draws empty.

>>> html_label_text('a<b> "c" {d} \\\\e')
'a&lt;b&gt; &quot;c&quot; {d} \\\\\\\\e'
>>> html_label_text('a\\x00b\\tc\\r\\nd'), html_label_text('\\r\\n'), html_label_text('')
('a\\\\\\\\x00b⇥c<BR/>d', '\\\\\\\\r\\\\\\\\n', '&#160;')
>>> fmt_number(0.123456789, 4), fmt_number(-2.0, 4), fmt_number(float('nan'), 3)
('0.1235', '-2', 'nan')
"""

from __future__ import annotations

import html
import math
import re

import numpy as np

__all__ = ["fmt_number", "fmt_array", "filter_grids", "wrapped_row", "fmt_value", "fmt_result", "visible_lines",
           "visible_text", "html_label_text", "html_text", "MAX_LABEL_CHARS"]

# the boundaries str.splitlines() splits at, \r\n first so that it counts once
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# what XML 1.0 cannot hold (C0 controls but tab/LF/CR, lone surrogates, U+FFFE, U+FFFF),
# plus DEL and the C1 controls, which it can but which draw as nothing, and the invisible and
# bidirectional controls (zero-width spaces and joiners, LRM/RLM, the embeddings, overrides and
# isolates), which would hide text or reverse the rest of a formula
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
                         "\ud800-\udfff\ufffe\uffff]")
# a row vector of more entries (W2 (1, 18)) wraps onto more lines, as numpy prints it
_ROW_WRAP = 9
# dot refuses an HTML-like label over 16384 bytes; an escaped character takes at most 7
MAX_LABEL_CHARS = 500


def fmt_number(x: float, precision: int = 4) -> str:
    """``x`` with ``precision`` significant digits (``g`` style: no trailing zeros)."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


def fmt_array(a: np.ndarray, precision: int = 4, max_entries: int = 32) -> list[list[str]] | str:
    """A small array (up to ``max_entries`` entries) as rows of formatted entries, every entry shown
    (an array of more than two axes one row per run of its last axis); a large one as a
    ``min/mean/max`` summary. An entry below 1e-12 of the array's largest is rounding noise of a
    zero and prints as 0.

    >>> fmt_array(np.array([[1.0, 5.78e-19], [-2.0, 0.5]]))
    [['1', '0'], ['-2', '0.5']]
    """
    a = np.asarray(a, dtype=float)
    if a.size == 0:
        return "empty"
    scale = float(np.nanmax(np.abs(a))) if np.isfinite(a).any() else 0.0
    if scale > 0:
        a = np.where(np.abs(a) < 1e-12 * scale, 0.0, a)
    if a.size <= max_entries:
        rows = np.atleast_2d(a) if a.ndim < 2 else a.reshape(-1, a.shape[-1])
        return [[fmt_number(v, precision) for v in row] for row in rows]
    return (f"min {fmt_number(a.min(), precision)}  mean {fmt_number(a.mean(), precision)}  "
            f"max {fmt_number(a.max(), precision)}")


def fmt_inline(a, precision: int = 4, max_entries: int = 32) -> str | None:
    """A small array on one line, rows split by ";" (``[1 2; 3 4]``); None for one past ``max_entries``.

    >>> fmt_inline(np.array([[1.0, 2.0], [3.0, 4.0]]))
    '[1 2; 3 4]'
    """
    cells = fmt_array(np.asarray(a, dtype=float), precision, max_entries)
    if isinstance(cells, str):
        return None
    return "[" + "; ".join(" ".join(row) for row in cells) + "]"


def wrapped_row(cells: list) -> list:
    """Rows of entries, a long row vector (more than ``_ROW_WRAP`` entries) wrapped onto more lines, as numpy
    prints it."""
    if len(cells) == 1 and len(cells[0]) > _ROW_WRAP:
        return [cells[0][k:k + _ROW_WRAP] for k in range(0, len(cells[0]), _ROW_WRAP)]
    return cells


def filter_grids(a: np.ndarray, precision: int = 4, max_entries: int = 32) -> list | None:
    """A small filter bank W (f, f, n_c_prev, n_c) as a teacher draws it: an f × f grid per filter (and per
    input channel where there are several), filter 1 first, as ``[(title, rows), …]``; None past
    ``max_entries`` (the entries as :func:`fmt_array` prints them).

    >>> filter_grids(np.arange(8.0).reshape(2, 2, 1, 2))
    [('filter 1', [['0', '2'], ['4', '6']]), ('filter 2', [['1', '3'], ['5', '7']])]
    """
    cells = fmt_array(a, precision, max_entries)
    if isinstance(cells, str) or np.ndim(a) != 4:
        return None
    entries = np.array([c for row in cells for c in row], dtype=object).reshape(np.shape(a))
    n_c_prev, n_c = entries.shape[2:]
    return [(f"filter {k + 1}" + (f", channel {c + 1}" if n_c_prev > 1 else ""), entries[:, :, c, k].tolist())
            for k in range(n_c) for c in range(n_c_prev)]


def _grids_text(grids: list) -> str:
    """Filter grids side by side, each bracketed as a matrix, their titles above them."""
    width = max(len(c) for _, rows in grids for row in rows for c in row)
    blocks = [[("[" if r == 0 else " ") + "  ".join(c.rjust(width) for c in row)
               + ("]" if r == len(rows) - 1 else " ") for r, row in enumerate(rows)] for _, rows in grids]
    wide = max(len(blocks[0][0]), *(len(title) for title, _ in grids))
    lines = ["   ".join(title.ljust(wide) for title, _ in grids).rstrip()]
    return "\n".join(lines + ["   ".join(block[r].ljust(wide) for block in blocks).rstrip() for r in range(len(blocks[0]))])


def fmt_value(x, precision: int = 4) -> str:
    """One line for a number or an array (a summary for a large array)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        cells = fmt_array(x, precision, max_entries=6)
        if isinstance(cells, str):
            return f"shape {x.shape}: {cells}"
        return "[" + "; ".join(" ".join(row) for row in cells) + "]"
    return fmt_number(x, precision)


def fmt_result(x, precision: int = 4, max_entries: int = 32, filters: bool = False) -> str:
    """A value as a frame shows it: a small matrix row by row (a column on one line, ``[a; b; c]``),
    a large one's min/mean/max and shape, a number as itself; with ``filters`` a small filter bank
    (f, f, n_c_prev, n_c) as its f × f grids side by side (:func:`filter_grids`)."""
    grids = filter_grids(x, precision, max_entries) if filters else None
    if grids:
        return _grids_text(grids)
    if isinstance(x, np.ndarray) and x.ndim > 0:
        cells = fmt_array(x, precision, max_entries)
        if isinstance(cells, str):
            return f"{cells}  (shape {x.shape})"
        if len(cells[0]) == 1:  # a column (b, db): on one line, rows split by ";"
            return "[" + "; ".join(row[0] for row in cells) + "]"
        cells = wrapped_row(cells)
        width = max(len(c) for row in cells for c in row)
        return "\n".join(("[" if r == 0 else " ") + "  ".join(c.rjust(width) for c in row)
                         + ("]" if r == len(cells) - 1 else "") for r, row in enumerate(cells))
    return fmt_value(x, precision)


def _python_escape(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def visible_lines(text) -> list[str]:
    """``text`` split at every ``str.splitlines()`` boundary (a trailing one keeps its empty line),
    each character XML cannot hold or that draws as nothing shown as its Python escape.

    A text of nothing but line breaks is one line of their escapes, so it never shows as blank.

    >>> visible_lines("a\\r\\nb\\u2028c\\x7f"), visible_lines("\\n"), visible_lines("a\\n")
    (['a', 'b', 'c\\\\x7f'], ['\\\\n'], ['a', ''])
    """
    text = str(text)
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and not any(lines):
        lines = [_LINE_BREAK.sub(_python_escape, text)]
    return [_UNSHOWABLE.sub(_python_escape, line) for line in lines]


def visible_text(text) -> str:
    """The :func:`visible_lines` of ``text`` joined by newlines: for plain text (a page, a terminal)."""
    return "\n".join(visible_lines(text))


def html_text(text) -> str:
    """:func:`visible_text`, escaped for HTML/XML text and attribute values (``& < > " '``)."""
    return html.escape(visible_text(text), quote=True)


def html_label_text(text) -> str:
    """Escape ``text`` for a Graphviz HTML-like label: entities, doubled backslashes, a ``<BR/>`` per line.

    Graphviz drops a tab, so it shows as ``⇥``; an empty line is a no-break space (dot
    rejects an empty element); past ``MAX_LABEL_CHARS`` the text is cut, saying how much.
    """
    text = str(text)
    if len(text) > MAX_LABEL_CHARS:
        text = f"{text[:MAX_LABEL_CHARS]}… (+{len(text) - MAX_LABEL_CHARS} characters)"
    # a text of a lone "]" is a syntax error to dot's HTML parser (2.43): as an entity it is not
    lines = (html.escape(line.replace("\t", "⇥"), quote=True).replace("\\", "\\\\").replace("]", "&#93;")
             for line in visible_lines(text))
    return "<BR/>".join(line or "&#160;" for line in lines)
