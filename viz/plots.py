"""Plots for learners (matplotlib, the ``plot`` extra): cost curves (one, or several optimizers overlaid),
decision boundary, activations, misclassified images.

matplotlib is imported only when a plot is made, and figures are drawn on the Agg canvas
directly (no pyplot, no global backend switch), so this works headless and inside Jupyter.
Each function returns the :class:`matplotlib.figure.Figure` and, given ``path``, writes it
atomically (the format from the file's suffix, PNG without one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograd_mini import Tensor
from autograd_mini.atomic import atomic_open

__all__ = ["plot_cost", "plot_costs", "plot_decision_boundary", "plot_activations", "plot_misclassified",
           "ACTIVATIONS"]

#: the notes' activations, drawn by :func:`plot_activations`
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


def _figure(width: float, height: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("viz.plots needs matplotlib: pip install 'autograd-mini[plot]' "
                          "(or pip install matplotlib)") from None
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path):
    if path is not None:
        # into a temporary file beside path: an interrupted save leaves the previous picture whole
        with atomic_open(path, "wb") as f:
            fig.savefig(f, format=Path(path).suffix[1:].lower() or "png", bbox_inches="tight")
    return fig


def plot_cost(costs, path=None, *, learning_rate: float | None = None, every: int = 1,
              title: str = "Cost J over training"):
    """The cost J after each recorded iteration (``costs``: a list or 1-D array of numbers).

    ``every``: how many iterations lie between two recorded costs (the x axis counts iterations).
    """
    costs = np.asarray(costs, dtype=float)
    if costs.ndim != 1 or costs.size == 0:
        raise ValueError(f"costs must be a non-empty list or 1-D array of numbers; got shape {costs.shape}")
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive int (iterations per recorded cost); got {every!r}")
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    ax.plot(np.arange(costs.size) * every, costs, color="#1d4ed8", linewidth=2)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J")
    ax.set_title(title if learning_rate is None else f"{title} (learning rate α = {learning_rate:g})")
    ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_costs(curves: dict, path=None, *, xlabel: str = "epoch", title: str = "Cost J over training", log: bool = False):
    """Several cost curves on one pair of axes, one per name (``{"gd": costs, "adam": costs, …}``): the
    optimizers on one data set, say. Each curve is a list or 1-D array of J, one per ``xlabel``;
    ``log`` draws J on a log scale."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of name → costs")
    arrays = {}
    for name, costs in curves.items():
        costs = np.asarray(costs, dtype=float)
        if costs.ndim != 1 or costs.size == 0:
            raise ValueError(f"the costs of {name!r} must be a non-empty list or 1-D array; got shape {costs.shape}")
        arrays[name] = costs
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    for name, costs in arrays.items():
        ax.plot(np.arange(costs.size), costs, linewidth=2, label=str(name))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cost J")
    ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_misclassified(X, labels, predictions, image_shape: tuple, path=None, *, limit: int = 40,
                       columns: int = 10, title: str = "Misclassified examples"):
    """The examples (columns of X, each an image of ``image_shape`` read row by row) whose prediction is
    not their label, each titled "label → prediction"; at most ``limit`` of them, ``columns`` per row.
    ``labels`` and ``predictions`` are class indices of shape (1, m) or (m,)."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    labels, predictions = np.ravel(labels), np.ravel(predictions)
    if X.ndim != 2 or X.shape[0] != int(np.prod(image_shape)):
        raise ValueError(f"X has shape {X.shape}; expected (n_x, m) with n_x = {int(np.prod(image_shape))} pixels "
                         f"of {image_shape} images")
    if labels.shape != (X.shape[1],) or predictions.shape != (X.shape[1],):
        raise ValueError(f"labels and predictions must hold one class per example (m = {X.shape[1]}); got "
                         f"{labels.size} and {predictions.size}")
    wrong = np.flatnonzero(labels != predictions)[:limit]
    columns = max(1, min(columns, wrong.size))
    rows = max(1, -(-wrong.size // columns))
    fig = _figure(columns * 1.0, rows * 1.2 + 0.4)
    fig.suptitle(f"{title}: {np.count_nonzero(labels != predictions)} of {labels.size} (label → prediction)")
    if wrong.size == 0:
        fig.text(0.5, 0.4, "none: every example is predicted right", ha="center")
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(rows, columns, k + 1)
        ax.imshow(X[:, i].reshape(image_shape), cmap="gray_r")
        ax.set_title(f"{labels[i]:g} → {predictions[i]:g}", fontsize=9)
        ax.axis("off")
    return _save(fig, path)


def plot_decision_boundary(predict, X, Y, path=None, *, resolution: int = 200, title: str = "Decision boundary"):
    """The regions a 2-D classifier assigns to each class, over its data.

    ``predict`` maps X of shape (2, m) to predictions or probabilities of shape (1, m);
    ``X`` is (n_x, m) with n_x = 2 and ``Y`` is (1, m) with labels 0/1.
    """
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    Y = np.asarray(Y.data if isinstance(Y, Tensor) else Y, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X has shape {X.shape}; expected (n_x, m) with n_x = 2 features (did you pass X.T?)")
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"Y has shape {Y.shape}; expected (1, m) = (1, {X.shape[1]}) to match X")
    pad = 0.1 * (X.max(axis=1) - X.min(axis=1)) + 0.5
    xs = np.linspace(X[0].min() - pad[0], X[0].max() + pad[0], resolution)
    ys = np.linspace(X[1].min() - pad[1], X[1].max() + pad[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.vstack([grid_x.ravel(), grid_y.ravel()])  # (2, m_grid), examples are columns
    scores = predict(grid)
    scores = np.asarray(scores.data if isinstance(scores, Tensor) else scores, dtype=float)
    if scores.shape != (1, grid.shape[1]):
        raise ValueError(f"predict returned shape {scores.shape}; expected (1, m) = (1, {grid.shape[1]}) "
                         "for X of shape (2, m)")
    fig = _figure(6, 5)
    ax = fig.add_subplot()
    surface = ax.contourf(grid_x, grid_y, scores.reshape(grid_x.shape), levels=20, cmap="RdBu", alpha=0.6,
                          vmin=0.0, vmax=1.0)
    ax.contour(grid_x, grid_y, scores.reshape(grid_x.shape), levels=[0.5], colors="k", linewidths=1.5)
    fig.colorbar(surface, ax=ax, label="prediction ŷ")
    ax.scatter(X[0], X[1], c=Y[0], cmap="RdBu", vmin=0, vmax=1, edgecolors="k", s=30)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title)
    return _save(fig, path)


def _derivative(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """g(z) and g'(z) from the engine: backward() of Σ g(z) leaves g'(z) in z.grad."""
    zt = Tensor(z, label="z")
    a = getattr(zt, name)()
    a.sum().backward()
    return a.data, zt.grad


def plot_activations(path=None, *, names=ACTIVATIONS, z_range: tuple = (-5.0, 5.0), points: int = 401):
    """Each activation g(z) with its derivative g'(z), the derivative computed by Tensor backward."""
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown or not names:
        raise ValueError(f"names must be some of {', '.join(ACTIVATIONS)}; got {list(names)}")
    z = np.linspace(*z_range, points)
    fig = _figure(4 * len(names), 3.6)
    for k, name in enumerate(names, start=1):
        ax = fig.add_subplot(1, len(names), k)
        g, dg = _derivative(name, z)
        ax.plot(z, g, color="#1d4ed8", linewidth=2, label=f"{name}(z)")
        ax.plot(z, dg, color="#dc2626", linewidth=2, linestyle="--", label=f"{name}'(z) (autodiff)")
        ax.axhline(0, color="#9ca3af", linewidth=0.8)
        ax.axvline(0, color="#9ca3af", linewidth=0.8)
        ax.set_title(name)
        ax.set_xlabel("z")
        ax.legend(loc="upper left", fontsize=8)
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)
