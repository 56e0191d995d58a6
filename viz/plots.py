"""Plots for learners (matplotlib, the ``plot`` extra): cost curves (one, or several overlaid), decision
boundary, activations, misclassified images, and what a teacher watches while a net trains: each
layer's activations at initialisation and after training, each layer's gradient norm over training,
train and dev curves, and a learning-rate sweep (the numbers come from :mod:`autograd_mini.monitor`).

matplotlib is imported only when a plot is made, and figures are drawn on the Agg canvas
directly (no pyplot, no global backend switch), so this works headless and inside Jupyter.
Each function returns the :class:`matplotlib.figure.Figure` and, given ``path``, writes it
atomically (the format from the file's suffix, PNG without one). Every axis names its unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograd_mini import Tensor
from autograd_mini.atomic import atomic_open

__all__ = ["plot_cost", "plot_costs", "plot_decision_boundary", "plot_activations", "plot_misclassified",
           "plot_activation_histograms", "plot_gradient_norms", "plot_learning_curves", "plot_learning_rate_sweep",
           "ACTIVATIONS", "X_UNITS"]

#: the notes' activations, drawn by :func:`plot_activations`
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")

#: The x axis of a curve, by what one point stands for: an epoch or one gradient-descent step.
X_UNITS = {"epoch": "epoch (one pass over the training set)",
           "iteration": "iteration (one gradient-descent step)"}


def _x_label(per: str) -> str:
    if per not in X_UNITS:
        raise ValueError(f"per must be one of {', '.join(X_UNITS)} (what one point of the curve stands for); "
                         f"got {per!r}")
    return X_UNITS[per]


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


def plot_cost(costs, path=None, *, per: str = "epoch", learning_rate: float | None = None, every: int = 1,
              title: str = "Cost J on the training set"):
    """The cost J after each recorded epoch or iteration (``costs``: a list or 1-D array of numbers).

    ``per``: "epoch" (one pass over the training set, the default: ``History.costs``) or "iteration"
    (one gradient-descent step: ``History.step_costs``); the x axis says which. ``every``: how many
    of them lie between two recorded costs.
    """
    costs = np.asarray(costs, dtype=float)
    if costs.ndim != 1 or costs.size == 0:
        raise ValueError(f"costs must be a non-empty list or 1-D array of numbers; got shape {costs.shape}")
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive int ({per}s per recorded cost); got {every!r}")
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    ax.plot(np.arange(costs.size) * every, costs, color="#1d4ed8", linewidth=2,
            label="J" if learning_rate is None else f"J, α = {learning_rate:g}")
    ax.set_xlabel(_x_label(per))
    ax.set_ylabel("cost J")
    ax.set_title(title if learning_rate is None else f"{title} (learning rate α = {learning_rate:g})")
    ax.grid(True, alpha=0.3)
    return _save(fig, path)


def plot_costs(curves: dict, path=None, *, per: str = "epoch", title: str = "Cost J on the training set",
               log: bool = False, ax=None):
    """Several cost curves on one pair of axes, one per name (``{"gd, α = 0.01": costs, …}``): the
    optimizers on one data set, say; name each curve with everything that differs between them (α
    above all). Each curve is a list or 1-D array of J, one per ``per`` ("epoch" or "iteration");
    ``log`` draws J on a log scale. ``ax``: draw into these axes (a panel of a larger figure) instead
    of a new figure; the axes' figure is returned (and saved, given ``path``)."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of name → costs")
    arrays = {}
    for name, costs in curves.items():
        costs = np.asarray(costs, dtype=float)
        if costs.ndim != 1 or costs.size == 0:
            raise ValueError(f"the costs of {name!r} must be a non-empty list or 1-D array; got shape {costs.shape}")
        arrays[name] = costs
    xlabel = _x_label(per)
    if ax is None:
        ax = _figure(6, 4).add_subplot()
    for name, costs in arrays.items():
        ax.plot(np.arange(costs.size), costs, linewidth=2, label=str(name))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cost J (log scale)" if log else "cost J")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    return _save(ax.figure, path)


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


def _points(X, Y, name: str) -> tuple:
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    Y = np.asarray(Y.data if isinstance(Y, Tensor) else Y, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"{name} has shape {X.shape}; expected (n_x, m) with n_x = 2 features (did you pass {name}.T?)")
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"Y{name[1:]} has shape {Y.shape}; expected (1, m) = (1, {X.shape[1]}) to match {name}")
    return X, Y


def plot_decision_boundary(predict, X, Y, path=None, *, data: str = "examples", X_test=None, Y_test=None,
                           resolution: int = 200, title: str = "Decision boundary"):
    """The regions a 2-D classifier assigns to each class, over its data.

    ``predict`` maps X of shape (2, m) to predictions or probabilities of shape (1, m);
    ``X`` is (n_x, m) with n_x = 2 and ``Y`` is (1, m) with labels 0/1. ``data`` names these
    examples in the legend ("training set", say; the legend adds m). ``X_test``, ``Y_test``: held-out
    examples drawn beside them as triangles, named "test set" in the legend.
    """
    X, Y = _points(X, Y, "X")
    sets = [(X, Y, f"{data} (m = {X.shape[1]})", "o")]
    if X_test is not None or Y_test is not None:
        X_test, Y_test = _points(X_test, Y_test, "X_test")
        sets.append((X_test, Y_test, f"test set (m = {X_test.shape[1]})", "^"))
    every = np.hstack([points for points, _, _, _ in sets])
    pad = 0.1 * (every.max(axis=1) - every.min(axis=1)) + 0.5
    xs = np.linspace(every[0].min() - pad[0], every[0].max() + pad[0], resolution)
    ys = np.linspace(every[1].min() - pad[1], every[1].max() + pad[1], resolution)
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
    fig.colorbar(surface, ax=ax, label="prediction ŷ (probability of y = 1)")
    from matplotlib.lines import Line2D

    handles = []
    for points, labels, name, marker in sets:
        ax.scatter(points[0], points[1], c=labels[0], cmap="RdBu", vmin=0, vmax=1, edgecolors="k", s=30,
                   marker=marker)
        # a grey marker in the legend: the colour of a point is its label, not its set
        handles.append(Line2D([], [], linestyle="none", marker=marker, markerfacecolor="#d1d5db",
                              markeredgecolor="k", label=name))
    ax.legend(handles=handles, loc="best", fontsize=8, title="points: red y = 0, blue y = 1", title_fontsize=8)
    ax.set_xlabel("x1 (feature 1)")
    ax.set_ylabel("x2 (feature 2)")
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


# ------------------------------------------------------------------ what a teacher watches while a net trains


def plot_activation_histograms(rows: dict, path=None, *, bins: int = 40,
                               title: str = "The activations A[l] of each layer"):
    """One histogram per layer of the entries of A[l] (every unit of every example), one row of them per
    entry of ``rows``: {"at initialisation": activations, "after training": activations}, say, each
    mapping "A1", "A2", … to an (n[l], m) array (:func:`autograd_mini.monitor.layer_activations`). Each
    panel's title gives the row's name, the standard deviation and the share of exact zeros (dead ReLUs)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if not isinstance(rows, dict) or not rows:
        raise ValueError("rows must be a non-empty dict of row name → {layer name: A[l]}")
    names = None
    for when, layers in rows.items():
        if not isinstance(layers, dict) or not layers:
            raise ValueError(f"the activations {when} must be a non-empty dict of layer name → A[l]; got {layers!r}")
        if names is not None and list(layers) != names:
            raise ValueError(f"every row must name the same layers; got {names} and {list(layers)}")
        names = list(layers)
    fig = _figure(3.2 * len(names), 2.8 * len(rows) + 0.6)
    fig.suptitle(title)
    for r, (when, layers) in enumerate(rows.items()):
        for c, name in enumerate(names):
            values = np.asarray(layers[name], dtype=float).ravel()
            ax = fig.add_subplot(len(rows), len(names), r * len(names) + c + 1)
            # the range always holds 0, so that activations that all but vanish show as a bar at 0
            low, high = min(values.min(), 0.0), max(values.max(), 0.0)
            ax.hist(values, bins=bins, range=(low, high if high > low else low + 1.0),
                    color=("#1d4ed8", "#16a34a", "#9333ea", "#ea580c")[r % 4])
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2g}"))
            zeros = np.count_nonzero(values == 0) / max(values.size, 1)
            ax.set_title(f"{name} {when}\nstd {np.std(values):.2g}, {zeros:.0%} zeros", fontsize=9)
            ax.set_xlabel(f"activation value a (entries of {name})", fontsize=8)
            if c == 0:
                ax.set_ylabel("count (units × examples)", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _save(fig, path)


def plot_gradient_norms(runs: dict, path=None, *, per: str = "iteration",
                        title: str = "Each layer's gradient norm over training"):
    """One panel per run (``{"small_random": norms, "xavier": norms, "he": norms}``), one line per
    layer: ‖dW[l]‖_F at every step, on a log scale shared by the panels. ``norms`` is a
    :class:`autograd_mini.monitor.GradientNorms` or its ``norms`` dict ("dW1" → one number per step).
    Lines far below the others are vanishing gradients; lines that climb without end, exploding ones."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError("runs must be a non-empty dict of name → gradient norms")
    fig = _figure(4.2 * len(runs), 3.8)
    fig.suptitle(title)
    axes = fig.subplots(1, len(runs), sharey=True, squeeze=False)[0]
    for ax, (name, run) in zip(axes, runs.items()):
        norms, diverged = getattr(run, "norms", run), getattr(run, "diverged", "")
        if not isinstance(norms, dict) or not norms:
            raise ValueError(f"the norms of {name!r} must be a non-empty dict such as {{'dW1': [...], 'dW2': [...]}}")
        for layer, values in norms.items():
            values = np.asarray(values, dtype=float)
            ax.plot(np.arange(1, values.size + 1), values, linewidth=1.5, label=f"‖{layer}‖_F")
        ax.set_yscale("log")
        ax.set_title(f"{name}" + (f"\n(diverged after {values.size} steps)" if diverged else ""), fontsize=10)
        ax.set_xlabel(_x_label(per))
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("‖dW[l]‖_F, Frobenius norm (log scale)")
    fig.tight_layout()
    return _save(fig, path)


def plot_learning_curves(curves, path=None, *, title: str = "Training set and dev set, after each epoch"):
    """The cost and the accuracy on the training set and on the dev set, epoch by epoch, side by side.

    ``curves``: a :class:`autograd_mini.monitor.LearningCurves`, or a dict {"train": {"cost": […],
    "accuracy": […]}, "dev": {…}} with one entry per epoch 1, 2, …. A dev cost that turns back up while
    the training cost keeps falling is overfitting."""
    sizes = getattr(curves, "sizes", {})
    epochs = getattr(curves, "epochs", None)
    curves = getattr(curves, "curves", curves)
    if not isinstance(curves, dict) or set(curves) != {"train", "dev"}:
        raise ValueError("curves must hold 'train' and 'dev', each a dict with 'cost' and 'accuracy' per epoch")
    fig = _figure(11, 4)
    fig.suptitle(title)
    cost_ax, accuracy_ax = fig.subplots(1, 2)
    for name, color in (("train", "#1d4ed8"), ("dev", "#dc2626")):
        cost, acc = (np.asarray(curves[name][key], dtype=float) for key in ("cost", "accuracy"))
        x = np.asarray(epochs if epochs else np.arange(1, cost.size + 1))
        label = ("training set" if name == "train" else "dev set") + (f" (m = {sizes[name]})" if name in sizes else "")
        cost_ax.plot(x, cost, color=color, linewidth=2, label=label)
        accuracy_ax.plot(x, 100 * acc, color=color, linewidth=2, label=label)
    cost_ax.set(xlabel=_x_label("epoch"), ylabel="cost (cross-entropy, without the L2 term)", title="cost")
    accuracy_ax.set(xlabel=_x_label("epoch"), ylabel="accuracy (% of examples predicted right)", title="accuracy")
    for ax in (cost_ax, accuracy_ax):
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)


def plot_learning_rate_sweep(results: dict, epochs: int, path=None, *, initial_cost: float | None = None,
                             title: str = "Learning-rate sweep"):
    """J on the training set after ``epochs`` epochs against the learning rate α on a log axis
    (``results``: {α: J}, from :func:`autograd_mini.monitor.learning_rate_sweep`). A run that diverged
    (J infinite or NaN) is marked × at the top; ``initial_cost`` draws J before training for reference."""
    if not isinstance(results, dict) or not results:
        raise ValueError("results must be a non-empty dict of learning rate α → J")
    alphas = np.array(sorted(results), dtype=float)
    if (alphas <= 0).any():
        raise ValueError(f"every learning rate α must be positive for a log axis; got {alphas.tolist()}")
    J = np.array([results[a] for a in sorted(results)], dtype=float)
    finite = np.isfinite(J)
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    ax.plot(alphas[finite], J[finite], color="#1d4ed8", marker="o", linewidth=2, label=f"J after {epochs} epochs")
    if initial_cost is not None:
        ax.axhline(initial_cost, color="#6b7280", linestyle="--", linewidth=1, label="J before training")
    if not finite.all():
        top = max([*J[finite], initial_cost or 0.0, 1.0]) * 1.1
        ax.plot(alphas[~finite], np.full((~finite).sum(), top), linestyle="none", marker="x", markersize=10,
                color="#dc2626", label="diverged (training stopped)")
    if finite.any():
        best = alphas[finite][np.argmin(J[finite])]
        ax.set_title(f"{title}: lowest J at α = {best:g}")
    else:
        ax.set_title(f"{title}: every α diverged")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate α (log scale)")
    ax.set_ylabel(f"cost J on the training set after {epochs} epochs")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    return _save(fig, path)
