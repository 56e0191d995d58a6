"""Convolution dimensions: ⌊(n + 2p − f)/s⌋ + 1, same padding, volumes and parameter counts.

The notes' worked examples, checked against a real conv2d, and the per-layer summary of a
small convolutional stack.
"""

import numpy as np
from _common import heading, out_dir

from autograd_mini import Tensor, conv2d, shapes

out = out_dir(__doc__)
heading("output sizes")
for n, f, p, s in [(6, 3, 0, 1), (6, 3, 1, 1), (7, 3, 1, 2)]:
    size = shapes.conv_output_size(n, f, p, s)
    A = Tensor(np.ones((1, n, n, 1)), requires_grad=False)
    Z = conv2d(A, Tensor(np.ones((f, f, 1, 1))), Tensor(np.zeros((1, 1, 1, 1))), stride=s, pad=p)
    print(f"n = {n}, f = {f}, p = {p}, s = {s}: ⌊({n} + 2·{p} - {f})/{s}⌋ + 1 = {size}; conv2d gives {Z.shape[1:3]}")
print(f"same padding for f = 5: p = (f - 1)/2 = {shapes.same_padding(5)}")

heading("parameter counts")
print(f"fully connected, 300x300x3 input, 100 units: {shapes.fc_param_count(300, 300, 3, 100):,}")
print(f"conv layer, ten 3x3x3 filters: {shapes.conv_param_count(3, 3, 10):,}")

heading("a stack, layer by layer")
stack = "32x32x3 conv:f=5,c=6 pool:f=2 conv:f=5,c=16 pool:f=2 fc:120 fc:1"
print(shapes.dims_table(stack))
(out / "conv_stack.md").write_text(shapes.dims_table(stack, markdown=True))
print(f"\nwrote conv_stack.md into {out}/")
