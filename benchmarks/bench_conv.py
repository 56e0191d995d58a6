"""conv2d and max_pool forward + backward: autograd_mini against the notes-style loops and PyTorch.

A_prev (32, 28, 28, 8), W (3, 3, 8, 16), b (1, 1, 1, 16), stride 1, padding 1 ("same").
One timed run is Z = conv2d(A_prev, W, b) then Z.backward(dZ) for a fixed dZ, which fills
dA_prev, dW and db.

* loops: conv_forward / conv_backward written as the notes' nested loops over m, h, w, c.
  They are slow, so they run on the first ``--loop-m`` examples only and their time is
  scaled by 32 / loop_m (the loops' work is exactly proportional to m). The script says so
  in its output.
* PyTorch (when installed): torch.nn.functional.conv2d on the same numbers in its own
  layout (N, C, H, W), converted once outside the timed region.

Against PyTorch the same is timed on a larger shape too (m = 64, 32 × 32 × 16 → 32 filters),
and max_pool (2 × 2, stride 2) forward + backward on both conv outputs' shapes (target for
both ops: at least as fast as PyTorch float64 on one thread, a ratio ≤ 1).

Every implementation's Z, dA_prev, dW and db are checked against autograd_mini's before any
timing. Times are medians of interleaved runs; the ratios come from the same run. Numpy's BLAS and PyTorch are
pinned to one thread unless the environment already sets a thread count (``--threads``).

Run from the repository root:  python benchmarks/bench_conv.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of autograd_mini and PyTorch")
    parser.add_argument("--loop-m", type=int, default=4, help="examples the loop version runs on (scaled to m = 32)")
    parser.add_argument("--loop-repeats", type=int, default=3, help="timed runs of the loop version")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads")
    parser.add_argument("--quick", action="store_true", help="few repeats, the benchmark's shape only")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.loop_m, args.loop_repeats = 5, 1, 1
    return args


ARGS = _parse_args()
# BLAS reads its thread count when numpy is first imported, so set it before that.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, str(ARGS.threads))

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, no install needed
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ratios import interleaved_medians, report  # noqa: E402

from autograd_mini import Tensor, conv2d, max_pool  # noqa: E402

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



def check(name, got, want):
    for label, g, w in zip(("Z", "dA_prev", "dW", "db"), got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-9, err_msg=f"{name}: {label} differs from autograd_mini")
    print(f"  {name}: equal to autograd_mini's (rtol 1e-9)")


# ---------------------------------------------------------------- max pooling


def run_ours_pool(A_prev, dA, f):
    A_t = Tensor(A_prev)
    A = max_pool(A_t, f=f, stride=f)
    A.backward(dA)
    return A.data, A_t.grad


def run_torch_pool(A, dA, f):
    A = A.detach().requires_grad_()
    out = torch.nn.functional.max_pool2d(A, f, f)
    out.backward(dA)
    return out, A.grad


def leaves(*arrays):
    """autograd_mini leaves and PyTorch leaves for the timed runs, made once outside them (no copy of
    the inputs is timed on either side); each side's gradients then accumulate run after run."""
    return [Tensor(a) for a in arrays]


def compare_torch(title, ours, theirs, repeats, key):
    times = interleaved_medians({"autograd_mini": ours, "PyTorch": theirs}, repeats)
    ratio = times["autograd_mini"] / times["PyTorch"]
    print(f"  {title}: autograd_mini {times['autograd_mini'] * 1e3:.2f} ms, PyTorch float64 "
          f"{times['PyTorch'] * 1e3:.2f} ms -> ours / PyTorch = {ratio:.2f} (target ≤ 1)")
    report(f"autograd_mini / PyTorch float64, {key}", ratio, 1.0, False,
           f"{times['autograd_mini'] * 1e3:.1f} vs {times['PyTorch'] * 1e3:.1f} ms")


def main():
    rng = np.random.default_rng(0)
    A_prev = rng.normal(size=(M, N_H, N_W, N_C_PREV))
    W = rng.normal(size=(F, F, N_C_PREV, N_C)) * 0.1
    b = rng.normal(size=(1, 1, 1, N_C))
    dZ = rng.normal(size=(M, N_H, N_W, N_C))  # same padding: Z is (m, n_H, n_W, n_c)
    print(f"conv2d forward + backward: A_prev {A_prev.shape}, W {W.shape}, b {b.shape}, s = {STRIDE}, p = {PAD}")
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, threads {os.environ['OMP_NUM_THREADS']}"
          + (f", torch {torch.__version__}" if torch else ", torch not installed: no ratio against PyTorch"))

    ours = run_ours(A_prev, W, b, dZ)
    k = ARGS.loop_m
    print("checks:")
    check(f"loops on the first {k} examples", run_loops(A_prev[:k], W, b, dZ[:k]), run_ours(A_prev[:k], W, b, dZ[:k]))
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
        torch.set_default_dtype(torch.float64)
        t_args = torch_inputs(A_prev, W, b, dZ)
        check("PyTorch (float64) conv2d", torch_to_notes(*run_torch(*t_args)), ours)

    t_ours = interleaved_medians({"ours": lambda: run_ours(A_prev, W, b, dZ)}, ARGS.repeats)["ours"]
    t_loop_k = interleaved_medians({"loops": lambda: run_loops(A_prev[:k], W, b, dZ[:k])}, ARGS.loop_repeats)["loops"]
    t_loop = t_loop_k * M / k
    print(f"  notes-style loops (m, h, w, c): {t_loop * 1e3:.0f} ms (measured on m = {k}: {t_loop_k * 1e3:.1f} ms, "
          f"scaled × {M}/{k}) -> {t_loop / t_ours:.0f}x autograd_mini's {t_ours * 1e3:.2f} ms")
    report("notes-style loops / autograd_mini, conv2d forward + backward", t_loop / t_ours, None, True)
    if torch is None:
        return

    # the benchmark's shape, and a larger one: m = 64, 32 × 32 × 16 -> 32 filters
    shapes = [((M, N_H, N_W, N_C_PREV), N_C), ((64, 32, 32, 16), 32)]
    if ARGS.quick:
        shapes = shapes[:1]
    print(f"against PyTorch, medians of {ARGS.repeats} interleaved runs:")
    for (m, n_H, n_W, n_c_prev), n_c in shapes:
        A_prev = rng.normal(size=(m, n_H, n_W, n_c_prev))
        W = rng.normal(size=(F, F, n_c_prev, n_c)) * 0.1
        b = rng.normal(size=(1, 1, 1, n_c))
        dZ = rng.normal(size=(m, n_H, n_W, n_c))
        t_args = torch_inputs(A_prev, W, b, dZ)
        if (m, n_c) != (M, N_C):
            check(f"PyTorch (float64) conv2d on {A_prev.shape}", torch_to_notes(*run_torch(*t_args)),
                  run_ours(A_prev, W, b, dZ))
        key = f"({m}, {n_H}, {n_W}, {n_c_prev}) * {n_c} 3×3"
        A_t, W_t, b_t = leaves(A_prev, W, b)
        A_torch, W_torch, b_torch = (t.requires_grad_() for t in t_args[:3])
        compare_torch(f"conv2d forward + backward, A_prev {A_prev.shape}, {n_c} filters 3×3",
                      lambda: conv2d(A_t, W_t, b_t, stride=STRIDE, pad=PAD).backward(dZ),
                      lambda: torch.nn.functional.conv2d(A_torch, W_torch, b_torch, stride=STRIDE,
                                                         padding=PAD).backward(t_args[3]),
                      ARGS.repeats, f"conv2d {key}")
        # max pooling 2 × 2, stride 2, on the convolution's output
        A_pool = rng.normal(size=(m, n_H, n_W, n_c))
        dA = rng.normal(size=(m, n_H // 2, n_W // 2, n_c))
        A_torch = torch.from_numpy(A_pool.transpose(0, 3, 1, 2).copy())
        dA_torch = torch.from_numpy(dA.transpose(0, 3, 1, 2).copy())
        got, want = run_ours_pool(A_pool, dA, 2), run_torch_pool(A_torch, dA_torch, 2)
        np.testing.assert_allclose(got[0], want[0].detach().numpy().transpose(0, 2, 3, 1), rtol=1e-12)
        np.testing.assert_allclose(got[1], want[1].numpy().transpose(0, 2, 3, 1), rtol=1e-12)
        (A_t,) = leaves(A_pool)
        A_torch.requires_grad_()
        compare_torch(f"max_pool 2×2 forward + backward, A_prev {A_pool.shape}",
                      lambda: max_pool(A_t, f=2, stride=2).backward(dA),
                      lambda: torch.nn.functional.max_pool2d(A_torch, 2, 2).backward(dA_torch), ARGS.repeats,
                      f"max_pool 2×2 ({m}, {n_H}, {n_W}, {n_c})")


if __name__ == "__main__":
    main()
