"""The notes' convolution arithmetic, parameter counts, the stack spec and its summary table."""
import inspect
import math

import numpy as np
import pytest

from autograd_mini import ShapeError, Tensor
from autograd_mini.conv import avg_pool, conv2d, max_pool
from autograd_mini.shapes import (
    FC,
    Conv,
    Pool,
    SpecError,
    conv_output_size,
    conv_output_volume,
    conv_param_count,
    dims_table,
    fc_param_count,
    format_markdown,
    format_table,
    parse_layer,
    parse_stack,
    parse_volume,
    pool_output_volume,
    same_padding,
    summarize,
    volume_size,
)

GRID = [(n, f, p, s) for n in range(1, 11) for f in range(1, 7) for p in range(4) for s in range(1, 5) if f <= n + 2 * p]


@pytest.mark.parametrize("n, f, p, s", GRID)
def test_output_size_matches_formula_window_count_and_ops(n, f, p, s):
    expected = math.floor((n + 2 * p - f) / s) + 1
    assert conv_output_size(n, f, p, s) == expected
    # the windows that fit: starts 0, s, 2s, ... with start + f ≤ n + 2p
    assert len(range(0, n + 2 * p - f + 1, s)) == expected
    A = Tensor(np.ones((1, n, n + 1, 2)), requires_grad=False)
    Z = conv2d(A, np.ones((f, f, 2, 3)), np.zeros((1, 1, 1, 3)), stride=s, pad=p)
    assert Z.shape == (1, expected, conv_output_size(n + 1, f, p, s), 3)
    if p == 0:
        assert max_pool(A, f, s).shape == avg_pool(A, f, s).shape == (1, expected, conv_output_size(n + 1, f, 0, s), 2)


def test_notes_examples_of_output_size():
    assert conv_output_size(6, 3) == 4            # (n − f + 1) = 6 − 3 + 1
    assert conv_output_size(6, 3, p=1) == 6       # (6 + 2·1) − 3 + 1
    assert conv_output_size(7, 3, p=1, s=2) == 4  # ⌊(7 + 2 − 3)/2⌋ + 1


@pytest.mark.parametrize("f", [1, 3, 5, 7, 9])
@pytest.mark.parametrize("n", [1, 4, 9, 16])
def test_same_padding_keeps_n_H_and_n_W(f, n):
    p = same_padding(f)
    assert p == (f - 1) / 2
    assert conv_output_size(n, f, p, 1) == n
    Z = conv2d(np.zeros((2, n, n + 3, 1)), np.zeros((f, f, 1, 2)), np.zeros((1, 1, 1, 2)), pad="same")
    assert Z.shape == (2, n, n + 3, 2)


@pytest.mark.parametrize("f", [2, 4, 6])
def test_same_padding_rejects_even_f_and_says_why(f):
    with pytest.raises(ValueError, match=r"odd.*\(f − 1\)/2.*not a whole number"):
        same_padding(f)
    with pytest.raises(ValueError, match="odd"):
        conv2d(np.zeros((1, 5, 5, 1)), np.zeros((f, f, 1, 1)), np.zeros((1, 1, 1, 1)), pad="same")


@pytest.mark.parametrize("args, error, words", [
    ((3, 5, 0, 1), ShapeError, r"f = 5 is larger than the padded input n \+ 2p = 3 \+ 2·0 = 3"),
    ((6, 3, 0, 0), ValueError, r"s must be ≥ 1; got s = 0"),
    ((6, 3, 0, -2), ValueError, r"s must be ≥ 1"),
    ((6, 3, -1, 1), ValueError, r"p must be ≥ 0"),
    ((6, 0, 0, 1), ValueError, r"f must be ≥ 1"),
    ((6.0, 3, 0, 1), TypeError, r"n must be a whole number"),
])
def test_output_size_rejects_bad_arguments(args, error, words):
    with pytest.raises(error, match=words):
        conv_output_size(*args)


def test_volumes():
    assert conv_output_volume((6, 6, 3), f=3, n_c=2) == (4, 4, 2)
    assert conv_output_volume((32, 28, 3), f=5, n_c=8, p=2, s=2) == (16, 14, 8)
    assert pool_output_volume((28, 28, 6), f=2, s=2) == (14, 14, 6)
    assert volume_size((14, 14, 6)) == 1176
    with pytest.raises(ShapeError, match="n_H x n_W x n_c"):
        conv_output_volume((6, 6), f=3, n_c=2)


def test_notes_parameter_counts():
    # ((n·m·c) + 1)·l for a 300 × 300 RGB image and 100 units
    assert fc_param_count(300, 300, 3, 100) == 27_000_100
    assert fc_param_count(n_H=300, n_W=300, n_c=3, n_h=100) == 27_000_100
    # w[1] from a 1000 × 1000 × 3 image to 1000 hidden units, no bias: 3 billion
    assert fc_param_count(1000, 1000, 3, 1000, bias=False) == 3_000_000_000
    # 10 filters of 3 × 3 × 3, one bias each: (27 + 1)·10
    assert conv_param_count(3, 3, 10) == 280
    assert conv_param_count(3, 3, 10, bias=False) == 270
    assert conv_param_count(5, 16, 32) == (5 * 5 * 16 + 1) * 32


def test_summary_of_notation_rows():
    rows = summarize((32, 32, 3), [Conv(3, 8, p="same"), Pool(2), Conv(5, 16, s=2), Pool(2, mode="avg"), FC(100), FC(1)])
    volumes = [(r.input_volume, r.output_volume) for r in rows]
    assert volumes == [((32, 32, 3), (32, 32, 8)), ((32, 32, 8), (16, 16, 8)), ((16, 16, 8), (6, 6, 16)),
                       ((6, 6, 16), (3, 3, 16)), ((3, 3, 16), (100,)), ((100,), (1,))]
    conv1, pool1, conv2, _, fc1, fc2 = rows
    assert (conv1.f, conv1.p, conv1.s, conv1.n_c) == (3, 1, 1, 8)
    assert conv1.weights_shape == (3, 3, 3, 8) and conv1.bias_shape == (1, 1, 1, 8)
    assert conv1.params == (3 * 3 * 3 + 1) * 8
    assert (pool1.f, pool1.s, pool1.n_c, pool1.weights_shape, pool1.params) == (2, 2, 8, None, 0)
    assert conv2.weights_shape == (5, 5, 8, 16) and conv2.params == (5 * 5 * 8 + 1) * 16
    assert fc1.weights_shape == (100, 144) and fc1.bias_shape == (100, 1) and fc1.params == 145 * 100
    assert fc2.weights_shape == (1, 100) and fc2.params == 101


def test_fc_on_an_image_is_the_notes_count():
    (row,) = summarize((300, 300, 3), [FC(100)])
    assert row.params == 27_000_100
    assert "27,000,100" in format_table([row])


def test_parse_stack():
    volume, layers = parse_stack("32x32x3 conv:f=3,s=1,p=same,c=8 pool:f=2,s=2 fc:100")
    assert volume == (32, 32, 3)
    assert layers == [Conv(3, 8, 1, "same"), Pool(2, 2), FC(100)]
    assert parse_stack(["28x28x1 conv:c=6,f=5", "pool:f=2,mode=avg"]) == ((28, 28, 1), [Conv(5, 6), Pool(2, None, "avg")])
    assert parse_layer("conv:f=3,p=2,s=2,c=4") == Conv(3, 4, 2, 2)
    assert parse_volume("6×6×3") == (6, 6, 3)


@pytest.mark.parametrize("spec, words", [
    ("", "empty stack spec"),
    ("32x32 fc:10", r"not n_H x n_W x n_c; write it like 32x32x3"),
    ("0x32x3", "zero side"),
    ("32x32x3 dense:10", "should start with conv:, pool: or fc:"),
    ("32x32x3 conv:f=3", r"missing c= \(the number of filters n_c\[l\]\)"),
    ("32x32x3 conv:c=3", r"missing f="),
    ("32x32x3 conv:f=3,c=8,q=1", r"'q=1' is not key=value with a key among c, f, p, s"),
    ("32x32x3 conv:f=3,c=8,f=5", "given twice"),
    ("32x32x3 conv:f=4,c=8,p=same", r"odd filter size"),
    ("32x32x3 conv:f=3,c=0", r"c='0' must be a whole number ≥ 1"),
    ("32x32x3 conv:f=3,c=8,s=-1", r"s='-1' must be a whole number ≥ 1"),
    ("32x32x3 pool:f=2,mode=min", "mode='min' must be max or avg"),
    ("32x32x3 pool:f=2,p=1", "among f, mode, s"),
    ("32x32x3 fc:ten", r"units='ten' must be a whole number"),
])
def test_bad_specs_give_clear_errors(spec, words):
    with pytest.raises(SpecError, match=words):
        parse_stack(spec)


def test_layers_that_do_not_fit_name_the_layer_and_its_input():
    with pytest.raises(ShapeError, match=r"layer 2 \(conv:f=9,c=4\) on input 8x8x4: .*f = 9 is larger"):
        dims_table("10x10x1 conv:f=3,c=4 conv:f=9,c=4")
    with pytest.raises(ShapeError, match=r"layer 2 \(pool:f=2\) needs a volume .* layer 1 is fully connected"):
        dims_table("10x10x1 fc:10 pool:f=2")


def test_text_table():
    text = dims_table("32x32x3 conv:f=3,p=same,c=8 pool:f=2,s=2 fc:100")
    lines = text.splitlines()
    assert lines[0].split() == ["l", "layer", "input", "f", "p", "s", "n_c", "output", "W", "shape", "b", "shape",
                                "parameters"]
    assert lines[1].split()[:8] == ["1", "conv:f=3,p=same,c=8", "32x32x3", "3", "1", "1", "8", "32x32x8"]
    assert "(3, 3, 3, 8)" in lines[1] and "(1, 1, 1, 8)" in lines[1] and lines[1].endswith(" 224")
    assert lines[2].split() == ["2", "pool:f=2,s=2", "32x32x8", "2", "0", "2", "8", "16x16x8", "-", "-", "0"]
    assert "(100, 2048)" in lines[3] and lines[3].endswith("204,900")
    assert lines[4] == f"total parameters: {224 + 204_900:,}"
    # columns line up: every row's "input" cell starts where the header's does
    start = lines[0].index("input")
    assert all(line[start:].startswith(cell) for line, cell in zip(lines[1:4], ["32x32x3", "32x32x8", "16x16x8"]))


def test_markdown_table():
    md = dims_table("6x6x3 conv:f=3,c=2 fc:1", markdown=True)
    lines = md.splitlines()
    assert lines[0] == "| l | layer | input | f | p | s | n_c | output | W shape | b shape | parameters |"
    assert lines[1].count("|") == 12
    assert lines[2] == "| 1 | conv:f=3,c=2 | 6x6x3 | 3 | 0 | 1 | 2 | 4x4x2 | (3, 3, 3, 2) | (1, 1, 1, 2) | 56 |"
    assert lines[3] == "| 2 | fc:1 | 4x4x2 | - | - | - | - | 1 | (1, 32) | (1, 1) | 33 |"
    assert lines[-1] == "total parameters: 89"
    assert format_markdown(summarize((6, 6, 3), [])).endswith("total parameters: 0")


def test_fc_param_count_arguments_do_not_reuse_m_and_l():
    # in the notes m is the number of examples and l the layer index; the image width and unit count are not
    assert list(inspect.signature(fc_param_count).parameters) == ["n_H", "n_W", "n_c", "n_h", "bias"]
    with pytest.raises(ValueError, match="n_h must be ≥ 1"):
        fc_param_count(3, 3, 1, 0)
