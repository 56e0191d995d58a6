"""Number, array and label formatting, and the escaping that keeps labels inert.

Graph nodes are drawn with Graphviz *HTML-like* labels (``label=<...>``): inside them
``&``, ``<``, ``>`` and quotes are XML entities, and Graphviz itself turns ``\\\\`` into
``\\``, so a backslash is doubled. Newlines become ``<BR/>`` line breaks. A label escaped
by :func:`html_label_text` therefore shows exactly as written and cannot close the
label, add attributes or inject markup.

>>> html_label_text('a<b> "c" {d} \\\\e')
'a&lt;b&gt; &quot;c&quot; {d} \\\\\\\\e'
>>> fmt_number(0.123456789, 4), fmt_number(-2.0, 4), fmt_number(float('nan'), 3)
('0.1235', '-2', 'nan')
"""

from __future__ import annotations

import html
import math

import numpy as np

__all__ = ["fmt_number", "fmt_array", "fmt_value", "html_label_text", "html_text"]


def fmt_number(x: float, precision: int = 4) -> str:
    """``x`` with ``precision`` significant digits (``g`` style: no trailing zeros)."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.{precision}g}"
    return "0" if text == "-0" else text


def fmt_array(a: np.ndarray, precision: int = 4, max_entries: int = 12) -> list[list[str]] | str:
    """A small matrix as rows of formatted entries; a large one as a ``min/mean/max`` summary."""
    a = np.asarray(a, dtype=float)
    if a.size <= max_entries and a.ndim <= 2:
        rows = np.atleast_2d(a) if a.ndim < 2 else a
        return [[fmt_number(v, precision) for v in row] for row in rows]
    if a.size == 0:
        return "empty"
    return (f"min {fmt_number(a.min(), precision)}  mean {fmt_number(a.mean(), precision)}  "
            f"max {fmt_number(a.max(), precision)}")


def fmt_value(x, precision: int = 4) -> str:
    """One line for a number or an array (a summary for a large array)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        cells = fmt_array(x, precision, max_entries=6)
        if isinstance(cells, str):
            return f"shape {x.shape}: {cells}"
        return "[" + "; ".join(" ".join(row) for row in cells) + "]"
    return fmt_number(x, precision)


def html_text(text: str) -> str:
    """Escape for HTML/XML text and attribute values (``& < > " '``)."""
    return html.escape(str(text), quote=True)


def html_label_text(text: str) -> str:
    """Escape ``text`` for a Graphviz HTML-like label: entities, doubled backslashes, <BR/> for newlines."""
    escaped = html_text(str(text)).replace("\\", "\\\\")
    return "<BR/>".join(escaped.splitlines()) if "\n" in escaped or "\r" in escaped else escaped
