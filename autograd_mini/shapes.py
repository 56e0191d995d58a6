"""The notes' shape arithmetic of convolutions and parameter counts, and a per-layer summary.

Output size of a convolution (or pooling) along one side, n_H[l] = ⌊(n_H[l-1] + 2p − f)/s⌋ + 1:

>>> conv_output_size(6, 3)            # no padding: n − f + 1
4
>>> conv_output_size(6, 3, p=1)       # (n + 2p) − f + 1
6
>>> conv_output_size(7, 3, p=1, s=2)  # ⌊(7 + 2 − 3)/2⌋ + 1
4
>>> same_padding(5)                   # p = (f − 1)/2 keeps n_H and n_W
2
>>> fc_param_count(300, 300, 3, 100)  # ((n_H·n_W·n_c) + 1)·n_h, the notes' ((n·m·c) + 1)·l
27000100
>>> conv_param_count(3, 3, 10)        # (f·f·n_c[l-1] + 1)·n_c[l]
280

A stack of layers, written as a compact spec (the syntax is in :data:`STACK_SPEC_HELP`):

>>> print(dims_table("32x32x3 conv:f=5,c=6 pool:f=2 fc:10"))
l  layer         input    f  p  s  n_c  output   W shape       b shape       parameters
1  conv:f=5,c=6  32x32x3  5  0  1    6  28x28x6  (5, 5, 3, 6)  (1, 1, 1, 6)         456
2  pool:f=2      28x28x6  2  0  2    6  14x14x6  -             -                      0
3  fc:10         14x14x6  -  -  -    -  10       (10, 1176)    (10, 1)           11,770
total parameters: 12,226
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ShapeError
from .validate import check_int

__all__ = [
    "conv_output_size",
    "same_padding",
    "conv_output_volume",
    "pool_output_volume",
    "volume_size",
    "fc_param_count",
    "conv_param_count",
    "Conv",
    "Pool",
    "FC",
    "LayerSummary",
    "SpecError",
    "summarize",
    "parse_volume",
    "parse_layer",
    "parse_stack",
    "format_table",
    "format_markdown",
    "dims_table",
    "STACK_SPEC_HELP",
]


def conv_output_size(n: int, f: int, p: int = 0, s: int = 1) -> int:
    """⌊(n + 2p − f)/s⌋ + 1: the side of the output of an f×f filter, padding p, stride s.

    ``n`` is n_H[l-1] (or n_W[l-1]). The filter must fit the padded input, f ≤ n + 2p.
    """
    n = check_int(n, "n", 1)
    f = check_int(f, "f", 1)
    p = check_int(p, "p", 0)
    s = check_int(s, "s", 1)
    if f > n + 2 * p:
        raise ShapeError(
            f"the filter does not fit: f = {f} is larger than the padded input n + 2p = {n} + 2·{p} = {n + 2 * p}; "
            "need f ≤ n + 2p")
    return (n + 2 * p - f) // s + 1


def same_padding(f: int) -> int:
    """p = (f − 1)/2, the padding of a "same" convolution (stride 1 keeps n_H and n_W).

    f must be odd here (the notes say f is "usually an odd number"): for an even f, (f − 1)/2 is not a
    whole number and no symmetric padding keeps the size.
    """
    f = check_int(f, "f", 1)
    if f % 2 == 0:
        raise ValueError(
            f"'same' padding needs an odd filter size f: p = (f − 1)/2 = ({f} − 1)/2 = {(f - 1) / 2} "
            "is not a whole number, so no padding on both sides keeps n_H and n_W; use an odd f")
    return (f - 1) // 2


def _check_volume(volume, name: str = "input volume") -> tuple[int, int, int]:
    if not isinstance(volume, (tuple, list)) or len(volume) != 3:
        raise ShapeError(f"{name} must be n_H x n_W x n_c (three numbers); got {volume!r}")
    n_H, n_W, n_c = volume
    return (check_int(n_H, "n_H", 1), check_int(n_W, "n_W", 1), check_int(n_c, "n_c", 1))


def conv_output_volume(volume, f: int, n_c: int, p: int = 0, s: int = 1) -> tuple[int, int, int]:
    """n_H[l] × n_W[l] × n_c[l] after n_c filters of f × f × n_c[l-1] on the volume n_H × n_W × n_c[l-1].

    The depth is the number of filters (the notes' n_c′; their case one writes n_c, see
    docs/notes-errata.md, "The output volume's depth n_c").

    >>> conv_output_volume((6, 6, 3), f=3, n_c=2)
    (4, 4, 2)
    """
    n_H, n_W, _ = _check_volume(volume)
    n_c = check_int(n_c, "n_c", 1)
    return (conv_output_size(n_H, f, p, s), conv_output_size(n_W, f, p, s), n_c)


def pool_output_volume(volume, f: int, s: int) -> tuple[int, int, int]:
    """Pooling works on each channel alone: n_H[l] × n_W[l] × n_c[l-1], no padding."""
    n_H, n_W, n_c = _check_volume(volume)
    return (conv_output_size(n_H, f, 0, s), conv_output_size(n_W, f, 0, s), n_c)


def volume_size(volume) -> int:
    """n_H · n_W · n_c, the number of entries of a volume (the n[l] of the layer that flattens it)."""
    n_H, n_W, n_c = _check_volume(volume, "volume")
    return n_H * n_W * n_c


def fc_param_count(n_H: int, n_W: int, n_c: int, n_h: int, bias: bool = True) -> int:
    """((n_H·n_W·n_c) + 1)·n_h: a fully connected layer of n_h units on an n_H × n_W image with n_c channels.

    The notes write it ((n·m·c) + 1)·l, with m the image's width and l the number of neurons;
    the arguments take the notes' conv names instead, since m is the number of examples and l the
    layer index everywhere else. Without the bias, n_H·n_W·n_c·n_h: the entries of W[1], as in the
    notes' 1000 × 1000 × 3 example (3,000,000,000).
    """
    n_H, n_W, n_c, n_h = (check_int(v, name, 1) for name, v in (("n_H", n_H), ("n_W", n_W), ("n_c", n_c),
                                                                 ("n_h", n_h)))
    return (n_H * n_W * n_c + (1 if bias else 0)) * n_h


def conv_param_count(f: int, n_c_prev: int, n_c: int, bias: bool = True) -> int:
    """(f·f·n_c[l-1] + 1)·n_c[l]: n_c[l] filters of f × f × n_c[l-1], one bias each."""
    f = check_int(f, "f", 1)
    n_c_prev = check_int(n_c_prev, "n_c_prev", 1)
    n_c = check_int(n_c, "n_c", 1)
    return (f * f * n_c_prev + (1 if bias else 0)) * n_c


# ---------------------------------------------------------------- layers and their summary


@dataclass(frozen=True)
class Conv:
    """A convolution layer: n_c filters of f × f, stride s, padding p (a number or ``"same"``)."""

    f: int
    n_c: int
    s: int = 1
    p: int | str = 0

    def padding(self) -> int:
        return same_padding(self.f) if self.p == "same" else check_int(self.p, "p", 0)

    def spec(self) -> str:
        parts = [f"f={self.f}"]
        if self.s != 1:
            parts.append(f"s={self.s}")
        if self.p != 0:
            parts.append(f"p={self.p}")
        parts.append(f"c={self.n_c}")
        return "conv:" + ",".join(parts)


@dataclass(frozen=True)
class Pool:
    """A pooling layer (``mode`` "max" or "avg") over f × f windows, stride s (s = f when None)."""

    f: int
    s: int | None = None
    mode: str = "max"

    @property
    def stride(self) -> int:
        return self.f if self.s is None else self.s

    def spec(self) -> str:
        parts = [f"f={self.f}"]
        if self.s is not None:
            parts.append(f"s={self.s}")
        if self.mode != "max":
            parts.append(f"mode={self.mode}")
        return "pool:" + ",".join(parts)


@dataclass(frozen=True)
class FC:
    """A fully connected layer of ``units`` = n[l] units; a volume before it is flattened."""

    units: int

    def spec(self) -> str:
        return f"fc:{self.units}"


@dataclass(frozen=True)
class LayerSummary:
    """One row of the notes' "summary of notation" for layer l.

    Volumes are (n_H, n_W, n_c) tuples, or (n,) after a fully connected layer; f, p, s and
    n_c are None where they do not apply; ``weights_shape`` and ``bias_shape`` are None for
    a layer without parameters.
    """

    l: int  # noqa: E741 - the notes' name
    spec: str
    input_volume: tuple
    f: int | None
    p: int | None
    s: int | None
    n_c: int | None
    output_volume: tuple
    weights_shape: tuple | None
    bias_shape: tuple | None
    params: int


def _layer_name(layer) -> str:
    return layer.spec() if isinstance(layer, (Conv, Pool, FC)) else repr(layer)


def summarize(input_volume, layers: Sequence) -> list[LayerSummary]:
    """One :class:`LayerSummary` per layer of the stack, from the input volume n_H[0] × n_W[0] × n_c[0].

    Conv: W[l] is (f, f, n_c[l-1], n_c[l]), b[l] is (1, 1, 1, n_c[l]). Pool: no parameters,
    n_c unchanged. FC: the input is flattened to n[l-1] = n_H·n_W·n_c, W[l] is (n[l], n[l-1]),
    b[l] is (n[l], 1).
    """
    volume = _check_volume(tuple(input_volume))
    rows = []
    for l, layer in enumerate(layers, start=1):  # noqa: E741
        name = _layer_name(layer)
        where = f"layer {l} ({name})"
        if isinstance(layer, FC):
            units = check_int(layer.units, f"{where}: units", 1)
            n_prev = volume[0] if len(volume) == 1 else volume_size(volume)
            rows.append(LayerSummary(l, name, volume, None, None, None, None, (units,),
                                     (units, n_prev), (units, 1), (n_prev + 1) * units))
            volume = (units,)
            continue
        if not isinstance(layer, (Conv, Pool)):
            raise TypeError(f"{where}: a layer is Conv, Pool or FC; got {type(layer).__name__}")
        if len(volume) != 3:
            raise ShapeError(
                f"{where} needs a volume n_H x n_W x n_c as input, but layer {l - 1} is fully connected "
                f"and gives a vector of {volume[0]} units; put conv and pool layers before fc layers")
        try:
            if isinstance(layer, Conv):
                p = layer.padding()
                out = conv_output_volume(volume, layer.f, layer.n_c, p, layer.s)
                weights, bias = (layer.f, layer.f, volume[2], layer.n_c), (1, 1, 1, layer.n_c)
                rows.append(LayerSummary(l, name, volume, layer.f, p, layer.s, layer.n_c, out, weights, bias,
                                         conv_param_count(layer.f, volume[2], layer.n_c)))
            else:
                if layer.mode not in ("max", "avg"):
                    raise ValueError(f"mode must be 'max' or 'avg'; got {layer.mode!r}")
                out = pool_output_volume(volume, layer.f, layer.stride)
                rows.append(LayerSummary(l, name, volume, layer.f, 0, layer.stride, volume[2], out, None, None, 0))
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{where} on input {_volume_text(volume)}: {exc}") from None
        volume = out
    return rows


# ---------------------------------------------------------------- the compact stack spec

STACK_SPEC_HELP = """\
A stack spec is the input volume followed by the layers, separated by spaces:

    32x32x3 conv:f=3,p=same,c=8 pool:f=2,s=2 fc:100

  n_Hxn_Wxn_c          the input volume n_H[0] × n_W[0] × n_c[0], e.g. 32x32x3
  conv:f=F,c=C[,s=S][,p=P]
                       C filters of F x F; stride S (default 1); padding P, a number
                       or 'same' for p = (f - 1)/2 (default 0)
  pool:f=F[,s=S][,mode=max|avg]
                       F x F pooling; stride S (default F); max (default) or avg
  fc:N                 a fully connected layer of N units (a volume before it is flattened)
"""


class SpecError(ValueError):
    """A stack spec that cannot be read; the message says what was expected."""


_VOLUME = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*[x×]\s*(\d+)\s*$")
_KEYS = {"conv": {"f", "c", "s", "p"}, "pool": {"f", "s", "mode"}}


def parse_volume(text: str) -> tuple[int, int, int]:
    """``"32x32x3"`` → (32, 32, 3), the volume n_H x n_W x n_c.

    >>> parse_volume("28x28x1")
    (28, 28, 1)
    """
    match = _VOLUME.match(text)
    if not match:
        raise SpecError(f"input volume {text!r} is not n_H x n_W x n_c; write it like 32x32x3")
    volume = tuple(int(g) for g in match.groups())
    if 0 in volume:
        raise SpecError(f"input volume {text!r} has a zero side; n_H, n_W and n_c must be ≥ 1")
    return volume


def _positive(token: str, key: str, value: str, minimum: int = 1) -> int:
    if not value.isdigit() or int(value) < minimum:
        raise SpecError(f"{token!r}: {key}={value!r} must be a whole number ≥ {minimum}")
    return int(value)


def parse_layer(token: str):
    """One layer of a stack spec: ``conv:f=3,c=8``, ``pool:f=2,s=2``, ``fc:100`` (see :data:`STACK_SPEC_HELP`).

    >>> parse_layer("conv:f=3,s=1,p=same,c=8")
    Conv(f=3, n_c=8, s=1, p='same')
    >>> parse_layer("pool:f=2,mode=avg")
    Pool(f=2, s=None, mode='avg')
    """
    kind, sep, rest = token.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in ("conv", "pool", "fc"):
        raise SpecError(f"layer {token!r} should start with conv:, pool: or fc: (e.g. conv:f=3,c=8, pool:f=2, fc:100)")
    if kind == "fc":
        return FC(_positive(token, "units", rest.strip()))
    fields: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = (piece.strip() for piece in item.partition("="))
        if not eq or key not in _KEYS[kind]:
            allowed = ", ".join(sorted(_KEYS[kind]))
            raise SpecError(f"{token!r}: {item!r} is not key=value with a key among {allowed}")
        if key in fields:
            raise SpecError(f"{token!r}: {key}= is given twice")
        fields[key] = value
    if "f" not in fields:
        raise SpecError(f"{token!r}: missing f= (the filter size f[l]); e.g. {kind}:f=3")
    f = _positive(token, "f", fields["f"])
    s = _positive(token, "s", fields["s"]) if "s" in fields else None
    if kind == "pool":
        mode = fields.get("mode", "max")
        if mode not in ("max", "avg"):
            raise SpecError(f"{token!r}: mode={mode!r} must be max or avg")
        return Pool(f, s, mode)
    if "c" not in fields:
        raise SpecError(f"{token!r}: missing c= (the number of filters n_c[l]); e.g. conv:f={f},c=8")
    n_c = _positive(token, "c", fields["c"])
    p = fields.get("p", "0")
    if p == "same":
        try:
            same_padding(f)
        except ValueError as exc:
            raise SpecError(f"{token!r}: {exc}") from None
    else:
        p = _positive(token, "p", p, minimum=0)
    return Conv(f, n_c, 1 if s is None else s, p)


def parse_stack(spec: str | Sequence[str]) -> tuple[tuple[int, int, int], list]:
    """A stack spec → (input volume, layers). ``spec`` is one string or its whitespace-split tokens.

    >>> parse_stack("8x8x1 conv:f=3,c=4 fc:1")
    ((8, 8, 1), [Conv(f=3, n_c=4, s=1, p=0), FC(units=1)])
    """
    tokens = spec.split() if isinstance(spec, str) else [t for part in spec for t in str(part).split()]
    if not tokens:
        raise SpecError("empty stack spec; start with the input volume, e.g. 32x32x3 conv:f=3,c=8")
    return parse_volume(tokens[0]), [parse_layer(token) for token in tokens[1:]]


# ---------------------------------------------------------------- tables

_HEADERS = ("l", "layer", "input", "f", "p", "s", "n_c", "output", "W shape", "b shape", "parameters")
_RIGHT = {"f", "p", "s", "n_c", "parameters"}


def _volume_text(volume: tuple) -> str:
    return "x".join(str(n) for n in volume)


def _cells(row: LayerSummary) -> tuple[str, ...]:
    def opt(v):
        return "-" if v is None else str(v)

    return (str(row.l), row.spec, _volume_text(row.input_volume), opt(row.f), opt(row.p), opt(row.s), opt(row.n_c),
            _volume_text(row.output_volume), opt(row.weights_shape), opt(row.bias_shape), f"{row.params:,}")


def format_table(rows: Sequence[LayerSummary]) -> str:
    """The summary as an aligned plain-text table, with the total number of parameters below."""
    table = [_HEADERS] + [_cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADERS))]
    lines = []
    for line in table:
        cells = [c.rjust(w) if h in _RIGHT else c.ljust(w) for c, w, h in zip(line, widths, _HEADERS)]
        lines.append("  ".join(cells).rstrip())
    lines.append(f"total parameters: {sum(r.params for r in rows):,}")
    return "\n".join(lines)


def format_markdown(rows: Sequence[LayerSummary]) -> str:
    """The summary as a Markdown table, with the total number of parameters below.

    >>> print(format_markdown(summarize((6, 6, 3), [Conv(3, 2)])))
    | l | layer | input | f | p | s | n_c | output | W shape | b shape | parameters |
    |---|---|---|--:|--:|--:|--:|---|---|---|--:|
    | 1 | conv:f=3,c=2 | 6x6x3 | 3 | 0 | 1 | 2 | 4x4x2 | (3, 3, 3, 2) | (1, 1, 1, 2) | 56 |
    <BLANKLINE>
    total parameters: 56
    """
    def line(cells):
        return "| " + " | ".join(cells) + " |"

    align = ["--:" if h in _RIGHT else "---" for h in _HEADERS]
    body = [line(_HEADERS), "|" + "|".join(align) + "|"] + [line(_cells(r)) for r in rows]
    return "\n".join(body) + f"\n\ntotal parameters: {sum(r.params for r in rows):,}"


def dims_table(spec: str | Sequence[str], markdown: bool = False) -> str:
    """The per-layer summary of a stack spec (see :data:`STACK_SPEC_HELP`), as text or Markdown.

    The ``autograd-mini dims`` command prints what this returns. Bad specs raise
    :class:`SpecError`; a layer that does not fit its input raises ``ShapeError``/``ValueError``.
    """
    volume, layers = parse_stack(spec)
    rows = summarize(volume, layers)
    return format_markdown(rows) if markdown else format_table(rows)
