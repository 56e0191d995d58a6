"""Convolution dimensions: ⌊(n + 2p − f)/s⌋ + 1, same padding, volumes and parameter counts.

The notes' worked examples, checked against a real conv2d (the output volume's depth is the
number of filters n_c′), the notes' 3,000,000,000-parameter W[1] and the 27,000,100-parameter
layer, and the per-layer summary of a small convolutional stack.
"""

import numpy as np
from _common import heading, out_dir

from autograd_mini import Tensor, conv2d, shapes
from autograd_mini.atomic import atomic_write

out = out_dir(__doc__)
heading("output sizes")
for n, f, p, s in [(6, 3, 0, 1), (6, 3, 1, 1), (7, 3, 1, 2)]:
    size = shapes.conv_output_size(n, f, p, s)
    A = Tensor(np.ones((1, n, n, 1)), requires_grad=False)
    Z = conv2d(A, Tensor(np.ones((f, f, 1, 1))), Tensor(np.zeros((1, 1, 1, 1))), stride=s, pad=p)
    print(f"n = {n}, f = {f}, p = {p}, s = {s}: ⌊({n} + 2·{p} - {f})/{s}⌋ + 1 = {size}; conv2d gives {Z.shape[1:3]}")
print(f"same padding for f = 5: p = (f - 1)/2 = {shapes.same_padding(5)}")

heading("convolution over a volume: the output's depth is the number of filters n_c′")
A = Tensor(np.ones((1, 6, 6, 3)), requires_grad=False)
Z = conv2d(A, Tensor(np.ones((3, 3, 3, 2))), Tensor(np.zeros((1, 1, 1, 2))))
print(f"6x6x3 input, n_c′ = 2 filters of 3x3x3, p = 0, s = 1: (n - f + 1)x(n - f + 1)xn_c′ = "
      f"{'x'.join(map(str, shapes.conv_output_volume((6, 6, 3), f=3, n_c=2)))}; conv2d gives {Z.shape[1:]}")

heading("parameter counts")
W1_entries = shapes.fc_param_count(n_H=1000, n_W=1000, n_c=3, n_h=1000, bias=False)
print(f"the notes' example 0: a 1000x1000x3 image = {1000 * 1000 * 3:,} inputs, n_h[1] = 1000 hidden units: "
      f"W[1] is (1000, 3,000,000), {W1_entries:,} parameters ({W1_entries / 1e9:g} billion)")
print(f"the notes' example 1: 300x300x3 input, 100 units, with biases: ((300·300·3) + 1)·100 = "
      f"{shapes.fc_param_count(n_H=300, n_W=300, n_c=3, n_h=100):,}")
print(f"conv layer, ten 3x3x3 filters: {shapes.conv_param_count(3, 3, 10):,}")

heading("a stack, layer by layer")
stack = "32x32x3 conv:f=5,c=6 pool:f=2 conv:f=5,c=16 pool:f=2 fc:120 fc:1"
print(shapes.dims_table(stack))
atomic_write(out / "conv_stack.md", shapes.dims_table(stack, markdown=True))
print(f"\nwrote conv_stack.md into {out}/")
