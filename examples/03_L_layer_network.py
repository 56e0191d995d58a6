"""The L-layer network: forward pass, backward pass, and every shape of the notes.

Runs the closed form in plain numpy (``analytic.L_model_forward`` / ``L_model_backward``, the
notes' formulas under the course's function names) beside autodiff on the same DeepNet, with
m = 10 examples (not a power of two, and no layer has 10 units, so every m in a shape is m).
Prints the shape of every W[l], b[l], Z[l], A[l], then, from l = L down to 1, every dZ[l],
dW[l], db[l] and dA[l−1] with its shape and its difference from autodiff, and draws the Tensor
graph of the net.
"""

import numpy as np
import viz
from _common import heading, out_dir

from autograd_mini import DeepNet, analytic

out = out_dir(__doc__)
layer_dims, activations = [4, 5, 3, 1], ["relu", "tanh", "sigmoid"]
m = 10
L = len(activations)
rng = np.random.default_rng(1)
X = rng.standard_normal((layer_dims[0], m))
Y = (rng.random((1, m)) > 0.5).astype(float)
net = DeepNet(layer_dims, activations, seed=1)
params = net.get_parameters()

AL, caches = analytic.L_model_forward(X, params, activations)
grads = analytic.L_model_backward(AL, Y, caches, params, activations)
J = net.cost(X, Y)
J.backward()


def shape(array) -> str:
    return "(" + ", ".join(map(str, np.shape(array))) + ")"


heading(f"forward: layer_dims = {layer_dims}, activations = {activations}, X {shape(X)} = (n_x, m)")
for l in range(1, L + 1):
    print(f"layer {l}: W{l} {shape(params[f'W{l}'])}, b{l} {shape(params[f'b{l}'])}, "
          f"Z{l} = W{l} A{l - 1} + b{l} {shape(caches[f'Z{l}'])}, A{l} = {activations[l - 1]}(Z{l}) "
          f"{shape(caches[f'A{l}'])}")

heading("backward, l = L down to 1: the notes' closed form, its shape, and max |Δ| against autodiff")
print("(autodiff differentiates J = (1/m) Σ L, so on the nodes Z[l] and A[l] it holds dZ[l]/m and dA[l]/m;")
print(" the notes put the 1/m into dW and db, which autodiff holds as they are)")


def row(name: str, rule: str, array, note: str) -> None:
    print(f"{name} = {rule:<17} {shape(array):<8} {note}")


for l in range(L, 0, -1):
    dZ, dW, db = grads[f"dZ{l}"], grads[f"dW{l}"], grads[f"db{l}"]
    row(f"dZ{l}", "A[L] - Y" if l == L else f"dA{l} * g'(Z{l})", dZ,
        f"max |Δ| {np.max(np.abs(m * net.cache[f'Z{l}'].grad - dZ)):.1e}")
    row(f"dW{l}", f"(1/m) dZ{l} A{l - 1}ᵀ", dW, f"max |Δ| {np.max(np.abs(net.parameters[f'W{l}'].grad - dW)):.1e}")
    row(f"db{l}", f"(1/m) Σ dZ{l}", db, f"max |Δ| {np.max(np.abs(net.parameters[f'b{l}'].grad - db)):.1e}")
    if l > 1:
        dA = grads[f"dA{l - 1}"]
        row(f"dA{l - 1}", f"W{l}ᵀ dZ{l}", dA, f"max |Δ| {np.max(np.abs(m * net.cache[f'A{l - 1}'].grad - dA)):.1e}")
    else:  # X is data: nothing needs dA0, so neither side computes it unless asked
        row("dA0", "W1ᵀ dZ1", params["W1"].T @ dZ, "= (n_x, m): a gradient for X, computed here for its shape")

viz.render(viz.draw_graph(J), out / "deep_net_graph.svg")
print(f"\nwrote deep_net_graph.svg into {out}/")
