"""A small CNN in the notes' conv layout: A[l] is (m, n_H, n_W, n_c), and a flatten to (n, m).

Images with a vertical bar (y = 1) or a horizontal bar (y = 0), 8 × 8 × 1. The net is
conv (3 × 3, same padding, n_c = 4 filters) → relu → max pool (f = s = 2) → flatten → dense → σ.
Prints each stage's shape for a mini-batch, shows that the flatten turns the (m, n_H, n_W, n_c)
volume into the (n, m) columns the dense layer takes (one example per column, as X is (n_x, m)),
then trains the net by mini-batch gradient descent and prints J before and after, and accuracy.
"""

import numpy as np
import viz.plots
from _common import heading, out_dir

from autograd_mini import Tensor, conv2d, max_pool, no_grad
from autograd_mini.cnn import bars_dataset, cnn_cost, cnn_forward, init_cnn, predict_cnn, train_cnn
from autograd_mini.optim import accuracy

out = out_dir(__doc__)
X, Y = bars_dataset(360, seed=0)
X_train, Y_train, X_test, Y_test = X[:240], Y[:, :240], X[240:], Y[:, 240:]

heading("the layout: X is (m, n_H, n_W, n_c), Y is (1, m)")
print(f"X_train {X_train.shape}, Y_train {Y_train.shape}; example 0 has y = {int(Y_train[0, 0])} "
      f"({'vertical' if Y_train[0, 0] else 'horizontal'} bar), its n_H × n_W pixels (n_c = 1), '#' above 0.5:")
for row in X_train[0, :, :, 0]:
    print("   " + "".join("#" if v > 0.5 else "." for v in row))

heading("the forward pass of a mini-batch of m = 5, stage by stage")
params = init_cnn(X.shape[1:], f=3, n_c=4, seed=0)
X_t = Tensor(X_train[:5], requires_grad=False)
m = X_t.shape[0]
with no_grad():
    A1 = conv2d(X_t, params["W1"], params["b1"], pad="same").relu()
    P1 = max_pool(A1, 2, 2)
    flat = P1.reshape(m, -1).T
    Z2 = params["W2"] @ flat + params["b2"]
    A2 = Z2.sigmoid()
print(f"W1 {params['W1'].shape} = (f, f, n_c[0], n_c[1]), b1 {params['b1'].shape}, W2 {params['W2'].shape} = (1, n)")
for name, layout, node in [("X{t}", "(m, n_H, n_W, n_c[0])", X_t),
                           ("A1 = relu(X{t} * W1 + b1), p = 1", "(m, n_H, n_W, n_c[1])", A1),
                           ("P1 = max_pool(A1, f=2, s=2)", "(m, n_H/2, n_W/2, n_c[1])", P1),
                           ("flatten: P1.reshape(m, -1).T", "(n, m), n = 4·4·4 = 64", flat),
                           ("Z2 = W2 flatten + b2", "(1, m)", Z2)]:
    print(f"{name:<34} {layout:<26} = {node.shape}")
column_is_example = all(np.array_equal(flat.data[:, i], P1.data[i].ravel()) for i in range(m))
print(f"column i of the flattened (n, m) is example i's pooled volume, unrolled: {column_is_example}")
with no_grad():
    same = np.allclose(A2.data, cnn_forward(X_t, params).data, rtol=0, atol=1e-15)
print(f"the stages above give cnn_forward's A2: {same}")

heading("training: mini-batch gradient descent, batch size 32, 8 epochs, α = 0.5")
with no_grad():
    J_before = cnn_cost(X_train, Y_train, params).item()
trained, step_costs = train_cnn(X_train, Y_train, epochs=8, learning_rate=0.5, batch_size=32, f=3, n_c=4, seed=0)
with no_grad():
    J_after = cnn_cost(X_train, Y_train, trained).item()
print(f"J before training {J_before:.4f}, J after 8 epochs {J_after:.4f} (on all m = {X_train.shape[0]} "
      f"training images; {len(step_costs)} steps)")
print(f"train accuracy {accuracy(predict_cnn(X_train, trained), Y_train):.1%}, "
      f"test accuracy {accuracy(predict_cnn(X_test, trained), Y_test):.1%} on {X_test.shape[0]} new images")
viz.plots.plot_cost(step_costs, out / "cnn_steps.png", learning_rate=0.5, per="iteration",
                    title="CNN: the cost of each step's own mini-batch")
print(f"\nwrote cnn_steps.png into {out}/")
