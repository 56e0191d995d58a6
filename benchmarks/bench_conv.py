"""conv2d forward + backward: autograd_mini against the notes-style loops and against PyTorch.

A_prev (32, 28, 28, 8), W (3, 3, 8, 16), b (1, 1, 1, 16), stride 1, padding 1 ("same").
One timed run is Z = conv2d(A_prev, W, b) then Z.backward(dZ) for a fixed dZ, which fills
dA_prev, dW and db.

* loops: conv_forward / conv_backward written as the notes' nested loops over m, h, w, c.
  They are slow, so they run on the first ``--loop-m`` examples only and their time is
  scaled by 32 / loop_m (the loops' work is exactly proportional to m). The script says so
  in its output.
* PyTorch (when installed): torch.nn.functional.conv2d on the same numbers in its own
  layout (N, C, H, W), converted once outside the timed region.

Every implementation's Z, dA_prev, dW and db are checked against autograd_mini's before any
timing. Times are medians; the ratios come from the same run. Numpy's BLAS and PyTorch are
pinned to one thread unless the environment already sets a thread count (``--threads``).

Run from the repository root:  python benchmarks/bench_conv.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of autograd_mini and PyTorch")
    parser.add_argument("--loop-m", type=int, default=4, help="examples the loop version runs on (scaled to m = 32)")
    parser.add_argument("--loop-repeats", type=int, default=3, help="timed runs of the loop version")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads")
    return parser.parse_args()


ARGS = _parse_args()
# BLAS reads its thread count when numpy is first imported, so set it before that.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(ARGS.threads))

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, no install needed
from autograd_mini import Tensor, conv2d  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

M, N_H, N_W, N_C_PREV, N_C, F, STRIDE, PAD = 32, 28, 28, 8, 16, 3, 1, 1


# ---------------------------------------------------------------- the notes-style loop version


def loop_conv_forward(A_prev, W, b, s, p):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    n_H = (n_H_prev + 2 * p - f) // s + 1
    n_W = (n_W_prev + 2 * p - f) // s + 1
    A_prev_pad = np.pad(A_prev, ((0, 0), (p, p), (p, p), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * s
            for w in range(n_W):
                horiz_start = w * s
                a_slice = a_prev_pad[vert_start:vert_start + f, horiz_start:horiz_start + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(a_slice * W[:, :, :, c]) + b[0, 0, 0, c]
    return Z


def loop_conv_backward(dZ, A_prev, W, b, s, p):
    m, n_H, n_W, n_C = dZ.shape
    f = W.shape[0]
    A_prev_pad = np.pad(A_prev, ((0, 0), (p, p), (p, p), (0, 0)))
    dA_prev_pad = np.zeros_like(A_prev_pad)
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * s
            for w in range(n_W):
                horiz_start = w * s
                a_slice = a_prev_pad[vert_start:vert_start + f, horiz_start:horiz_start + f, :]
                for c in range(n_C):
                    da_prev_pad[vert_start:vert_start + f, horiz_start:horiz_start + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, p:dA_prev_pad.shape[1] - p, p:dA_prev_pad.shape[2] - p, :] if p else dA_prev_pad
    return dA_prev, dW, db


def run_loops(A_prev, W, b, dZ):
    Z = loop_conv_forward(A_prev, W, b, STRIDE, PAD)
    return (Z,) + loop_conv_backward(dZ, A_prev, W, b, STRIDE, PAD)


# ---------------------------------------------------------------- autograd_mini and PyTorch


def run_ours(A_prev, W, b, dZ):
    A_t, W_t, b_t = Tensor(A_prev), Tensor(W), Tensor(b)
    Z = conv2d(A_t, W_t, b_t, stride=STRIDE, pad=PAD)
    Z.backward(dZ)
    return Z.data, A_t.grad, W_t.grad, b_t.grad


def torch_inputs(A_prev, W, b, dZ):
    # (m, n_H, n_W, n_c) → (N, C, H, W); (f, f, n_c_prev, n_c) → (out, in, kH, kW)
    return (torch.from_numpy(A_prev.transpose(0, 3, 1, 2).copy()), torch.from_numpy(W.transpose(3, 2, 0, 1).copy()),
            torch.from_numpy(b.reshape(-1).copy()), torch.from_numpy(dZ.transpose(0, 3, 1, 2).copy()))


def run_torch(A, W, b, dZ):
    A, W, b = (t.detach().requires_grad_() for t in (A, W, b))
    Z = torch.nn.functional.conv2d(A, W, b, stride=STRIDE, padding=PAD)
    Z.backward(dZ)
    return Z, A.grad, W.grad, b.grad


def torch_to_notes(Z, dA, dW, db):
    return (Z.detach().numpy().transpose(0, 2, 3, 1), dA.numpy().transpose(0, 2, 3, 1),
            dW.numpy().transpose(2, 3, 1, 0), db.numpy().reshape(1, 1, 1, -1))


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def check(name, got, want):
    for label, g, w in zip(("Z", "dA_prev", "dW", "db"), got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-9, err_msg=f"{name}: {label} differs from autograd_mini")
    print(f"  {name}: Z, dA_prev, dW, db equal autograd_mini's (rtol 1e-9)")


def main():
    rng = np.random.default_rng(0)
    A_prev = rng.normal(size=(M, N_H, N_W, N_C_PREV))
    W = rng.normal(size=(F, F, N_C_PREV, N_C)) * 0.1
    b = rng.normal(size=(1, 1, 1, N_C))
    dZ = rng.normal(size=(M, N_H, N_W, N_C))  # same padding: Z is (m, n_H, n_W, n_c)
    print(f"conv2d forward + backward: A_prev {A_prev.shape}, W {W.shape}, b {b.shape}, s = {STRIDE}, p = {PAD}")
    print(f"numpy {np.__version__}, threads {os.environ['OMP_NUM_THREADS']}"
          + (f", torch {torch.__version__}" if torch else ", torch not installed"))

    ours = run_ours(A_prev, W, b, dZ)
    k = ARGS.loop_m
    print("checks:")
    check(f"loops on the first {k} examples", run_loops(A_prev[:k], W, b, dZ[:k]), run_ours(A_prev[:k], W, b, dZ[:k]))
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
        torch.set_default_dtype(torch.float64)
        t_args = torch_inputs(A_prev, W, b, dZ)
        check("PyTorch (float64)", torch_to_notes(*run_torch(*t_args)), ours)

    run_ours(A_prev, W, b, dZ)  # warm-up
    t_ours = median_seconds(lambda: run_ours(A_prev, W, b, dZ), ARGS.repeats)
    t_loop_k = median_seconds(lambda: run_loops(A_prev[:k], W, b, dZ[:k]), ARGS.loop_repeats)
    t_loop = t_loop_k * M / k
    rows = [("autograd_mini conv2d (sliding windows + tensordot)", t_ours, ARGS.repeats, "")]
    rows.append(("notes-style loops (m, h, w, c)", t_loop, ARGS.loop_repeats,
                 f"measured on m = {k}: {t_loop_k * 1e3:.1f} ms, scaled × {M}/{k}"))
    if torch is not None:
        run_torch(*t_args)  # warm-up
        t_torch = median_seconds(lambda: run_torch(*t_args), ARGS.repeats)
        rows.append(("PyTorch F.conv2d (float64, NCHW)", t_torch, ARGS.repeats, ""))
    print()
    print(f"{'implementation':<52} {'median ms':>11} {'runs':>5} {'time / ours':>12}")
    for name, seconds, runs, note in rows:
        print(f"{name:<52} {seconds * 1e3:>11.2f} {runs:>5} {seconds / t_ours:>11.2f}x" + (f"   ({note})" if note else ""))


if __name__ == "__main__":
    main()
