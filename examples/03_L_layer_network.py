"""The L-layer network: forward pass, backward pass, and every shape of the notes.

Runs the notes' L_model_forward / L_model_backward in plain numpy beside autodiff on the same
DeepNet, prints the shape of every W[l], b[l], Z[l], A[l], dZ[l], dW[l] and the difference between
the two gradients, and draws the Tensor graph of the net.
"""

import numpy as np
import viz
from _common import heading, out_dir

from autograd_mini import DeepNet, analytic

out = out_dir(__doc__)
layer_dims, activations = [4, 5, 3, 1], ["relu", "tanh", "sigmoid"]
rng = np.random.default_rng(1)
X = rng.standard_normal((4, 8))
Y = (rng.random((1, 8)) > 0.5).astype(float)
net = DeepNet(layer_dims, activations, "he", seed=1)
params = net.get_parameters()

AL, caches = analytic.L_model_forward(X, params, activations)
grads = analytic.L_model_backward(AL, Y, caches, params, activations)
J = net.cost(X, Y)
J.backward()

heading(f"layer_dims = {layer_dims}, activations = {activations}, m = {X.shape[1]}")
for l in range(1, len(layer_dims)):
    Z, A = caches[f"Z{l}"], caches[f"A{l}"]
    print(f"layer {l}: W{l} {params[f'W{l}'].shape}, b{l} {params[f'b{l}'].shape}, Z{l} {Z.shape}, "
          f"A{l} {A.shape} = {activations[l - 1]}(Z{l})")
heading("backward: the notes' closed form against autodiff")
for l in range(len(layer_dims) - 1, 0, -1):
    dW, db = net.parameters[f"W{l}"].grad, net.parameters[f"b{l}"].grad
    print(f"dW{l} {dW.shape}: max |Δ| = {np.max(np.abs(dW - grads[f'dW{l}'])):.1e};  "
          f"db{l} {db.shape}: max |Δ| = {np.max(np.abs(db - grads[f'db{l}'])):.1e}")
m = X.shape[1]
print(f"(autodiff's ∂J/∂Z[L] is the notes' dZ[L] = A[L] - Y divided by m = {m}: "
      f"max |m·∂J/∂Z{len(activations)} - dZ{len(activations)}| = "
      f"{np.max(np.abs(m * net.cache[f'Z{len(activations)}'].grad - grads[f'dZ{len(activations)}'])):.1e})")

viz.render(viz.draw_graph(J), out / "deep_net_graph.svg")
print(f"\nwrote deep_net_graph.svg into {out}/")
