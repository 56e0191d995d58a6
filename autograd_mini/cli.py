"""The ``autograd-mini`` command (also ``python -m autograd_mini``).

Subcommands: ``demo`` (the main job), ``graph``, ``check``, ``train``, ``predict``, ``dims``;
``autograd-mini COMMAND --help`` explains each. A bad argument, a missing file, bad data or
sizes that would not fit in memory end with one line on stderr and exit code 2, checked before
any work; ``check`` exits 1 when a gradient fails (and ``check --backward`` 3 when nothing is wrong
but something could not be judged), ``train`` when training diverges. Every file
is written atomically, and an output that is one of the command's inputs is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from . import __version__
from .atomic import atomic_write
from .outputs import RunFolder, check_output

EXIT_FAILED, EXIT_USAGE = 1, 2


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage dump) and exit code 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 2,4,3,1; got {text!r}") from None
    return values


def _positive_int(text: str, maximum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text[:40]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number; got {value}")
    if maximum is not None and value > maximum:
        raise argparse.ArgumentTypeError(f"expected at most {maximum:,}; got {value:,}")
    return value


def _float_list(text: str) -> list[float]:
    try:
        numbers = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        numbers = []
    if not numbers:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers such as 0.01,0.1,1; got {text!r}")
    return numbers


def _at_most(maximum: int):
    """An argparse type: a whole number from 1 to ``maximum``."""
    return lambda text: _positive_int(text, maximum)


def _name_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1; got {text}")
    return value


def _plots():
    """``viz.plots``, or None with a note on stderr when matplotlib (the ``plot`` extra) is missing."""
    try:
        import matplotlib  # noqa: F401  (only probing for it)
    except ImportError:
        print("note: matplotlib is not installed, so no plots are drawn (pip install 'autograd-mini[plot]')",
              file=sys.stderr)
        return None
    import viz.plots

    return viz.plots


#: The files _graph_pictures writes, after their stem.
_PICTURES = ("_graph.svg", "_graph.png", "_graph.dot", "_derivatives.svg", "_derivatives.png", "_steps.html",
             "_practice.html")
#: the collapsed pictures of ``graph --collapse``: at most about this many boxes
COLLAPSED_BOXES = 24


def _graph_pictures(root, run: RunFolder, stem: str, max_nodes: int = 300, max_steps: int = 500,
                    collapse: bool = False, practice=None) -> None:
    """Computational graph, derivative graph and step-through page of a backpropagated graph.

    The sizes are checked first (more than ``max_nodes`` nodes or ``max_steps`` frames is refused
    with what to do), and each picture is laid out once for all of its formats. ``collapse`` draws
    the graph and the page with one box per neuron, layer or stretch of a chain. A PNG too large to
    read as a whole is left out with a note (its SVG is written). ``practice`` (scope, nodes) also
    writes the practice page. Both pages are built before Graphviz runs, so a graph refused for
    its size or its frames costs no Graphviz run and writes no file; the step-through page is the
    practice page's solutions.
    """
    import viz
    from viz.render import PictureTooLarge, check_size
    from viz.steps import step_count

    from .graph import topo_order

    order = topo_order([root])
    edges = sum(len(node.parents) for node in order)
    forward, backward = step_count(root)
    if not collapse:
        raised = f"raise --max-nodes to {len(order)}" + (
            f" and --max-steps to {forward + backward}" if forward + backward > max_steps else "")
        check_size(len(order), edges, max_nodes, "draw it collapsed (--collapse: one box per neuron, layer or "
                   f"stretch of a chain), simplify the expression, or {raised} (Graphviz then takes longer)", "--max-nodes")
        if forward + backward > max_steps:
            raise UsageError(f"the step-through page would have {forward + backward} frames ({forward} forward, "
                             f"{backward} backward), more than --max-steps {max_steps}: raise --max-steps to "
                             f"{forward + backward}, or draw it collapsed (--collapse)")
    drawn = COLLAPSED_BOXES if collapse else max_nodes
    note = _collapsed_note(len(order), forward + backward, max_nodes, max_steps) if collapse else None
    page = viz.step_through(root, max_nodes=drawn, max_steps=max_steps, collapse=collapse, _note=note)
    exercise = None
    if practice is not None:
        if collapse:
            raise UsageError("--practice asks for each node's value, and --collapse draws boxes of many nodes: "
                             "leave out one of them")
        try:
            exercise = viz.step_through(root, max_nodes=drawn, max_steps=max_steps, practice=True,
                                        practice_scope=practice[0], practice_nodes=practice[1])
        except ValueError as exc:
            raise UsageError(str(exc).replace("practice_nodes", "--practice-nodes")
                             .replace("practice_scope", "--practice-scope")) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PictureTooLarge)
        graph = viz.draw_graph(root, edge_derivatives=True, max_nodes=drawn, _note=note)
        viz.render_all(graph, [run.path(f"{stem}_graph.svg", "computational graph (SVG)"),
                               run.path(f"{stem}_graph.png", "computational graph (PNG)"),
                               run.path(f"{stem}_graph.dot", "computational graph (DOT source)")], max_nodes)
        if backward <= max_nodes:
            viz.render_all(viz.draw_derivative_graph(root, max_nodes=max_nodes),
                           [run.path(f"{stem}_derivatives.svg", "derivative graph (SVG)"),
                            run.path(f"{stem}_derivatives.png", "derivative graph (PNG)")], max_nodes)
        else:
            print(f"note: no derivative graph: its {backward:,} nodes are more than --max-nodes {max_nodes} and it "
                  "has no collapsed form (the step-through page steps through the collapsed boxes)", file=sys.stderr)
    for warning in caught:
        if not isinstance(warning.message, PictureTooLarge):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
            continue
        big = warning.message
        run.unlist(big.path)
        if big.path.name.endswith("_derivatives.png"):  # --collapse collapses the other two pictures, not this one
            offer = "; the derivative graph has no collapsed form" + (
                "" if collapse else " (--collapse draws the computational graph and the step-through page collapsed, "
                                    "each box with its gradients)")
        else:
            offer = "" if collapse else "; --collapse draws a collapsed picture that reads as a whole"
        print(f"note: {big.path.name} not written: at {big.width:,} × {big.height:,} px it is too large to read as a "
              f"whole at any zoom; {big.path.with_suffix('.svg').name} holds it (zoom in a browser){offer}",
              file=sys.stderr)
    what = ("step-through page with every value and gradient: the practice page's solutions (open in a browser)"
            if exercise is not None else "step-through page: forward, then backprop (open in a browser)")
    page.save(run.path(f"{stem}_steps.html", what))
    if exercise is not None:
        exercise.save(run.path(f"{stem}_practice.html", "practice page: work out each value and gradient "
                                                           "before it shows (open in a browser)"))


def _collapsed_note(nodes: int, frames: int, max_nodes: int, max_steps: int) -> tuple:
    """Why ``graph --collapse`` drew boxes and how to see every node, in the command's flags (why, advice)."""
    from viz._collapse import every_node

    raised = [f"--max-nodes {nodes}"] * (nodes > max_nodes) + [f"--max-steps {frames}"] * (frames > max_steps)
    call = "the same command without --collapse" + (f", with {' '.join(raised)}," if raised else "")
    return f"{nodes:,} nodes, collapsed as --collapse asks", every_node(nodes, call)


def _how_trained(batch_size, m: int, epochs: int, learning_rate: float, lambd: float, optimizer=None,
                 decay_rate: float = 0.0) -> str:
    """What a training run did, in the notes' words: which gradient descent, epochs, α, λ (and the optimizer)."""
    if batch_size is None or batch_size >= m:
        how = f"batch gradient descent (all m = {m} examples per step, 1 step per epoch)"
    else:
        steps = -(-m // batch_size)
        how = f"mini-batch gradient descent, batch size {batch_size} ({steps} steps per epoch, m = {m})"
    if optimizer is not None:
        how += f", with {optimizer!r}"
    decay = f" / (1 + {decay_rate:g} · epoch)" if decay_rate else ""
    return f"{how}, {epochs} epochs, α = {learning_rate:g}{decay}, λ = {lambd:g}"


def _costs_line(history) -> str:
    """J over the whole training set before the first step and after the last epoch, labelled."""
    return (f"J before training {history.initial_cost:.4f}, J after {len(history)} epochs "
            f"{history.costs[-1]:.4f} (on the whole training set)")


# ------------------------------------------------------------------------------------------ demo


def _print_notes_graph(nodes: dict) -> None:
    print("1. The notes' computational graph for one example (n_x = 2)")
    print("   z = w1·x1 + w2·x2 + b,  a = σ(z),  L = -(y log a + (1 - y) log(1 - a))")
    print("   " + ", ".join(f"{name} = {nodes[name].data:.4g}" for name in ("x1", "x2", "w1", "w2", "b", "y")))
    print(f"   z = {nodes['z'].data:.6f}, a = {nodes['a'].data:.6f}, L = {nodes['L'].data:.6f}")
    print("   after L.backward(), autodiff against the notes' formulas:")
    a, y = nodes["a"].data, nodes["y"].data
    dz = nodes["z"].grad
    rows = [("da", nodes["a"].grad, "-y/a + (1-y)/(1-a)", -y / a + (1 - y) / (1 - a)),
            ("dz", dz, "a - y", a - y),
            ("dw1", nodes["w1"].grad, "x1·dz", nodes["x1"].data * dz),
            ("dw2", nodes["w2"].grad, "x2·dz", nodes["x2"].data * dz),
            ("db", nodes["b"].grad, "dz", dz)]
    for name, autodiff, formula, closed in rows:
        print(f"   {name:<4}= {autodiff: .6f}   notes: {formula:<20}= {closed: .6f}")


def _demo(args: argparse.Namespace) -> int:
    from .optim import MAX_EPOCHS
    from .validate import check_int

    check_int(args.epochs, "--epochs", 1, MAX_EPOCHS)
    check_int(args.seed, "--seed", 0)
    with RunFolder(args.out, _DEMO_OUTPUTS) as run:
        report = _demo_run(args, run)
    run.report()
    return 0 if report.passed else EXIT_FAILED


_DEMO_MODELS = ("logistic_regression", "deep_net")
_DEMO_OUTPUTS = (*(f"notes{suffix}" for suffix in _PICTURES),
                 *(f"{name}_{plot}.png" for name in _DEMO_MODELS for plot in ("cost", "boundary")),
                 "activations.png", "gradient_report.md", "gradient_report.json", "training.json")


def _demo_run(args: argparse.Namespace, run: RunFolder):
    import numpy as np

    from .comparison import compare
    from .datasets import load_dataset, train_test_split
    from .nn import DeepNet, LogisticRegression
    from .notes_graph import graph_nodes, logistic_graph
    from .optim import accuracy, predict, train

    plots = _plots()
    L = logistic_graph()
    L.backward()
    _print_notes_graph(graph_nodes(L))
    _graph_pictures(L, run, "notes", practice=("all", None) if args.practice else None)

    print(f"\n2. Training on the built-in '{args.dataset}' data set (X is (2, m), Y is (1, m))")
    X, Y = load_dataset(args.dataset, m=400, seed=args.seed)
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, 0.25, seed=args.seed)
    models = dict(zip(_DEMO_MODELS, ((LogisticRegression(2), 1.0),
                                     (DeepNet([2, 16, 8, 1], ["relu", "relu", "sigmoid"], "he", seed=args.seed), 0.5))))
    results = {}
    batch_size = 64
    for name, (model, learning_rate) in models.items():
        history = train(model, X_train, Y_train, learning_rate=learning_rate, epochs=args.epochs,
                        batch_size=batch_size, seed=args.seed, progress=args.progress)
        train_acc = accuracy(predict(model, X_train), Y_train)
        test_acc = accuracy(predict(model, X_test), Y_test)
        results[name] = {"initial_cost": history.initial_cost, "final_cost": history.costs[-1],
                         "train_accuracy": train_acc, "test_accuracy": test_acc}
        print(f"   {model!r}")
        print(f"      {_how_trained(batch_size, X_train.shape[1], args.epochs, learning_rate, 0.0)}")
        print(f"      {_costs_line(history)}")
        print(f"      train accuracy {train_acc:.1%}, test accuracy {test_acc:.1%}")
        if plots is None:
            continue
        plots.plot_cost([history.initial_cost, *history.costs],
                        run.path(f"{name}_cost.png", f"cost curve of {name}"),
                        learning_rate=learning_rate, title="J on the training set, epoch 0 = before training")
        plots.plot_decision_boundary(model.predict_proba, X_train, Y_train,
                                     run.path(f"{name}_boundary.png", f"decision boundary of {name}, training and "
                                                                         "test examples"),
                                     data="training set", X_test=X_test, Y_test=Y_test,
                                     title=f"{name.replace('_', ' ')} on {args.dataset}")
    if plots is not None:
        plots.plot_activations(run.path("activations.png", "the four activations and their derivatives"))

    print("\n3. Autodiff against the notes' closed form and numerical gradients")
    rng = np.random.default_rng(args.seed)
    net = DeepNet([2, 4, 3, 1], ["relu", "tanh", "sigmoid"], "he", seed=args.seed)
    report = compare(net, rng.standard_normal((2, 16)), (rng.random((1, 16)) > 0.5).astype(float), lambd=0.1)
    print("   " + str(report).replace("\n", "\n   "))
    run.text("gradient_report.md", "the three-way gradient report (Markdown)", report.to_markdown())
    run.text("gradient_report.json", "the same report (JSON)", report.to_json(indent=2))
    run.text("training.json", "costs and accuracies of the two trained models", json.dumps(results, indent=2))
    return report


# ------------------------------------------------------------------------------------------ graph


def _graph(args: argparse.Namespace) -> int:
    from .expr import build_expression, parse_assignments

    practice = (args.practice_scope.replace("-", " "), args.practice_nodes) if args.practice else None
    if not args.practice and (args.practice_scope != "all" or args.practice_nodes is not None):
        raise UsageError("--practice-scope and --practice-nodes choose what the practice page asks: add --practice")
    with RunFolder(args.out, [f"expression{suffix}" for suffix in _PICTURES]) as run:
        root, variables = build_expression(args.expression, parse_assignments(args.set or []))
        root.backward()
        print(f"{args.expression} = {root.data:.6g}")
        width = max(len(name) for name in variables)
        for name, node in variables.items():
            print(f"  d{name:<{width}} = {node.grad: .6g}")
        _graph_pictures(root, run, "expression", args.max_nodes, args.max_steps, args.collapse, practice)
    run.report()
    return 0


# ------------------------------------------------------------------------------------------ check


#: check --backward: nothing wrong found, but not everything could be judged (see BackpropReport.verdict).
EXIT_NOT_JUDGED = 3
#: check: the biases b[l] are drawn from N(0, BIAS_SCALE²) unless --zero-bias, so that bugs on db show.
BIAS_SCALE = 0.1


def _check_report(args: argparse.Namespace):
    """The check's report: build the net and the data of ``args``, load the learner's function (in the
    child process that :func:`_check` runs this in), compare."""
    import numpy as np

    from .comparison import compare
    from .learner_code import load_function
    from .nn import DeepNet, LogisticRegression, one_hot

    backward = load_function(args.backward) if args.backward else None
    if args.logistic:
        model = LogisticRegression(args.layers[0], args.init, seed=args.seed)
    else:
        model = DeepNet(args.layers, args.activations, args.init, seed=args.seed, keep_prob=args.keep_prob)
    if not args.zero_bias:
        biases = np.random.default_rng([args.seed, 2])
        model.set_parameters({name: biases.standard_normal(p.shape) * BIAS_SCALE if name[0] == "b" else p.data
                              for name, p in model.parameters.items()})
    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((args.layers[0], args.m))
    if model.activations[-1] == "softmax":  # one class per example, one-hot
        Y = one_hot(rng.integers(0, args.layers[-1], args.m), args.layers[-1])
    else:
        Y = (rng.random((args.layers[-1], args.m)) > 0.5).astype(np.float64)
    if backward is None:
        return compare(model, X, Y, lambd=args.lambd)
    return compare(model, X, Y, lambd=args.lambd, backward=backward, keys=args.keys, timeout=args.timeout)


#: The longest a check may take (estimated before it starts, at the development machine's rates), in seconds.
MAX_CHECK_SECONDS = 300
#: check --backward: the child running the learner's code is killed after --timeout plus this many seconds
#: (room for the comparison on a machine several times slower than the estimate's).
CHILD_GRACE = 4 * MAX_CHECK_SECONDS


def _check_check_size(layers: list, m: int) -> None:
    """Refuse a check whose arrays exceed the memory limit, or whose central differences would take more
    than MAX_CHECK_SECONDS, before anything is allocated or run."""
    from .gradcheck import central_difference_cost
    from .validate import check_layer_dims, check_memory

    check_layer_dims(layers)
    check_memory(layers, m)
    passes, seconds = central_difference_cost(layers, m)
    if seconds > MAX_CHECK_SECONDS:
        shown = ",".join(map(str, layers))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise UsageError(f"the central differences of --layers {shown} on --m {m:,} examples take {passes:,} forward "
                         f"passes, an estimated {seconds / 60:,.0f} minutes on the development machine, more than the "
                         f"{MAX_CHECK_SECONDS // 60} minutes a check may take; use smaller layers or a smaller --m")


def _check(args: argparse.Namespace) -> int:
    from .atomic import atomic_write
    from .validate import check_int, check_timeout

    if len(args.layers) < 2:
        raise UsageError("--layers needs at least two sizes, n_x and n_L, such as 2,4,1")
    if args.m < 1:
        raise UsageError(f"--m must be at least 1; got {args.m}")
    check_int(args.seed, "--seed", 0)
    check_timeout(args.timeout, "--timeout")
    if args.logistic and len(args.layers) != 2:
        raise UsageError(f"--logistic takes --layers n_x,1 (one sigmoid unit); got {','.join(map(str, args.layers))}")
    if args.logistic and args.keep_prob != 1.0:
        raise UsageError("--keep-prob drops units of a net's hidden layers; logistic regression (--logistic) has none")
    _check_check_size(args.layers, args.m)
    if args.json:
        check_output(args.json, [args.backward.rpartition(":")[0] if args.backward else None], "--json")
    if args.backward:
        # the learner's code runs in a child process: its sys.exit or os._exit ends the child, not this
        # check, and only a report the child sent back counts
        from .child_process import ChildEnded, ChildTimedOut, run_in_child

        try:
            # --timeout stops FUNCTION itself; this limit kills a child stuck where no signal reaches (C code)
            report = run_in_child(_check_report, args, timeout=args.timeout + CHILD_GRACE)
        except ChildEnded as exc:
            print(f"The process running your code ended (exit status {exc.exitcode}) before the comparison finished: "
                  "your code ended it (os._exit, or a signal) instead of returning gradients, so nothing was checked.")
            return EXIT_FAILED
        except ChildTimedOut as exc:
            print(f"The process running your code gave no answer in {exc.seconds:g} s (--timeout {args.timeout:g} for "
                  f"your function, {CHILD_GRACE} s for the comparison) and was killed, so nothing was checked: your "
                  "function ran past --timeout where it could not be stopped (inside compiled code?).")
            return EXIT_FAILED
    else:
        report = _check_report(args)
    print(report)
    if args.json:
        atomic_write(args.json, report.to_json(indent=2))
    if args.backward:
        return {"right": 0, "WRONG": EXIT_FAILED}.get(report.verdict, EXIT_NOT_JUDGED)
    return 0 if report.passed else EXIT_FAILED


# ------------------------------------------------------------------------------------------ train / predict


def _load_training_data(args):
    """X, Y, where they came from, and the feature names (None for generated data)."""
    from .datasets import breast_cancer, load_csv, load_dataset

    if args.csv:
        if not args.target:
            raise UsageError("--csv needs --target COLUMN, the name of the 0/1 label column")
        data = load_csv(args.csv, target=args.target)
        return data.X, data.Y, args.csv, data.feature_names
    if args.target:
        raise UsageError("--target names a column of --csv; the built-in data sets have their labels")
    if args.dataset == "breast_cancer":
        data = breast_cancer()
        return data.X, data.Y, args.dataset, data.feature_names
    return (*load_dataset(args.dataset, seed=args.seed), args.dataset, None)


#: train's defaults, and where a data set needs others to learn well in well under a minute, its own:
#: digits (10 classes) gets one hidden layer of 64 ReLUs, a softmax output and Adam on mini-batches.
TRAIN_DEFAULTS = {"hidden": [8, 4], "learning_rate": 0.1, "epochs": 1000, "batch_size": None, "optimizer": "gd"}
DATASET_DEFAULTS = {"digits": {"hidden": [64], "learning_rate": 0.001, "epochs": 30, "batch_size": 64,
                               "optimizer": "adam"}}
#: The built-in data sets with more than two classes (a softmax output layer).
MULTI_CLASS = {"digits": 10}


def _fill_train_defaults(args) -> None:
    """The defaults of the arguments not given: the data set's own (DATASET_DEFAULTS), else TRAIN_DEFAULTS."""
    defaults = DATASET_DEFAULTS.get(args.dataset if not args.csv else None, TRAIN_DEFAULTS)
    for name, value in {**TRAIN_DEFAULTS, **defaults}.items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def _check_train_arguments(args) -> None:
    """Every argument of train that can be checked without the data, before anything is read."""
    from .optim import MAX_EPOCHS, make_optimizer
    from .validate import (check_activations, check_batch_size, check_decay_rate, check_initialization, check_int,
                           check_lambd, check_layer_dims, check_learning_rate)

    _fill_train_defaults(args)
    check_layer_dims([1, *args.hidden, 1])
    if args.activations is not None:
        activations = check_activations(args.activations, len(args.hidden) + 1)
        classes = MULTI_CLASS.get(args.dataset) if not args.csv else None
        if classes and activations[-1] != "softmax":
            raise UsageError(f"{args.dataset} has {classes} classes: its output layer needs softmax, not {activations[-1]}")
        if not classes and activations[-1] == "softmax":
            raise UsageError("softmax is for an output layer of several classes; this data has one 0/1 label: "
                             "use sigmoid")
    if args.init is not None:  # None: each layer's scale follows its activation
        check_initialization(args.init)
    make_optimizer(args.optimizer, args.learning_rate, args.beta1, args.beta2)  # checks α, β₁, β₂
    check_decay_rate(args.decay_rate)
    check_lambd(args.lambd)
    if args.batch_size is not None:
        check_batch_size(args.batch_size)
    check_int(args.epochs, "--epochs", 1, MAX_EPOCHS)
    check_int(args.seed, "--seed", 0)
    for flag, value, needs, given in (("--dev-fraction", args.dev_fraction, "--learning-curves", args.learning_curves),
                                      ("--sweep-epochs", args.sweep_epochs, "--lr-sweep", args.lr_sweep)):
        if value is not None and not given:
            raise UsageError(f"{flag} is used only with {needs}, which this run does not ask for")
    if args.dev_fraction is None:
        args.dev_fraction = 0.2
    if args.sweep_epochs is None:
        args.sweep_epochs = 20
    check_int(args.sweep_epochs, "--sweep-epochs")
    for alpha in args.lr_sweep or ():
        check_learning_rate(alpha)
    asked = [flag for flag, on in (("--activation-histograms", args.activation_histograms),
                                   ("--gradient-norms", args.gradient_norms), ("--learning-curves", args.learning_curves),
                                   ("--lr-sweep", args.lr_sweep)) if on]
    if asked and importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"{asked[0]} draws a plot, which needs matplotlib: pip install 'autograd-mini[plot]'")


def _teaching_plots(args, plots, run: RunFolder, net, before: dict, curves, X_train, Y_train, history) -> None:
    """The plots a teacher asked for with --activation-histograms, --gradient-norms, --learning-curves and
    --lr-sweep (the training set X_train is standardised)."""
    from .monitor import gradient_norms_by_initialization, layer_activations, learning_rate_sweep
    from .nn import DeepNet

    options = {"batch_size": args.batch_size, "lambd": args.lambd, "optimizer": args.optimizer, "beta1": args.beta1,
               "beta2": args.beta2, "decay_rate": args.decay_rate}
    if args.activation_histograms:
        rows = {"at initialisation": before, "after training": layer_activations(net, X_train)}
        plots.plot_activation_histograms(rows, run.path(
            "activation_histograms.png", "each layer's activations A[l] on the training set, at initialisation "
                                         "and after training"), title=f"{net!r}: A[l] of the training set")
    if args.gradient_norms:
        runs = gradient_norms_by_initialization(net.layer_dims, net.activations, X_train, Y_train, seed=args.seed,
                                                learning_rate=args.learning_rate, epochs=args.epochs, **options)
        plots.plot_gradient_norms(runs, run.path(
            "gradient_norms.png", "‖dW[l]‖_F at every step, the net trained from small_random, xavier and he"),
            title=f"‖dW[l]‖_F of {net.layer_dims} at every step, α = {args.learning_rate:g}, by initialisation")
    if curves is not None:
        plots.plot_learning_curves(curves, run.path(
            "learning_curves.png", "cost and accuracy on the training set and the dev set, after each epoch"))
    if args.lr_sweep:
        results = learning_rate_sweep(lambda: DeepNet(net.layer_dims, net.activations, args.init, seed=args.seed),
                                      X_train, Y_train, args.lr_sweep, args.sweep_epochs, seed=args.seed, **options)
        plots.plot_learning_rate_sweep(results, args.sweep_epochs, run.path(
            "learning_rate_sweep.png", f"J after {args.sweep_epochs} epochs for each α of --lr-sweep"),
            initial_cost=history.initial_cost,
            title=f"{net.layer_dims}, {args.optimizer}, " + ("batch" if args.batch_size is None else
                                                             f"mini-batches of {args.batch_size}"))


#: The decision boundary is drawn from the net's output on a grid of this many points a side.
_BOUNDARY_RESOLUTION = 200


def _check_train_size(args, layer_dims: list, m_train: int, m_test: int, boundary: bool) -> None:
    """Refuse, before training, a run whose largest forward pass (the whole training set for J after each
    epoch, the test set, the decision boundary's grid) or whose history would exceed the memory limit."""
    from .validate import check_bytes, check_memory

    passes = {"the training set": m_train, "the test set": m_test}
    if boundary:
        passes["the decision boundary's grid"] = _BOUNDARY_RESOLUTION ** 2
    largest = max(passes, key=passes.get)
    check_memory(layer_dims, passes[largest], f" ({largest}, the largest forward pass)")
    steps = 1 if args.batch_size is None or args.batch_size >= m_train else -(-m_train // args.batch_size)
    costs = args.epochs * (1 + steps)
    check_bytes(32 * costs, f"--epochs {args.epochs:,} of {steps:,} steps each", f"the {costs:,} costs that the "
                "history keeps, one per epoch and one per step, as Python floats", "use fewer epochs or larger batches")


_TRAIN_OUTPUTS = ("params.npz", "cost.png", "boundary.png", "misclassified.png", "predictions.csv", "history.json",
                  "activation_histograms.png", "gradient_norms.png", "learning_curves.png", "learning_rate_sweep.png")


def _train(args: argparse.Namespace) -> int:
    _check_train_arguments(args)
    with RunFolder(args.out, _TRAIN_OUTPUTS, inputs=[args.csv]) as run:
        _train_run(args, run)
    run.report()
    return 0


def _train_run(args: argparse.Namespace, run: RunFolder) -> None:
    import numpy as np

    from .datasets import standardization, standardize
    from .io import save_model
    from .monitor import LearningCurves, layer_activations
    from .nn import DeepNet
    from .optim import accuracy, make_optimizer, predict, train

    X, Y, source, names = _load_training_data(args)
    X_train, Y_train, X_test, Y_test = _split(X, Y, args.test_fraction, args.seed, "--test-fraction", "")
    if args.learning_curves:  # the dev set comes out of the training examples: the test set stays unseen
        X_train, Y_train, X_dev, Y_dev = _split(X_train, Y_train, args.dev_fraction, args.seed, "--dev-fraction",
                                                " training examples (those left by --test-fraction)")
    layer_dims = [X.shape[0], *args.hidden, Y.shape[0]]
    plots = _plots()
    _check_train_size(args, layer_dims, X_train.shape[1], X_test.shape[1], plots is not None and X.shape[0] == 2)
    activations = args.activations
    if activations is None and Y.shape[0] > 1:  # one-hot classes: relu hidden layers, a softmax output
        activations = ["relu"] * len(args.hidden) + ["softmax"]
    # Standardise with the training set's statistics; predict applies the same ones from the file.
    mean, std = standardization(X_train)
    net = DeepNet(layer_dims, activations, args.init, seed=args.seed)
    dev = f", {X_dev.shape[1]} dev" if args.learning_curves else ""
    print(f"training {net!r} on {source}: {X_train.shape[1]} training{dev} and {X_test.shape[1]} test examples")
    before = layer_activations(net, standardize(X_train, mean, std)) if args.activation_histograms else {}
    curves = (LearningCurves(net, standardize(X_train, mean, std), Y_train, standardize(X_dev, mean, std), Y_dev)
              if args.learning_curves else None)
    history = train(net, standardize(X_train, mean, std), Y_train, learning_rate=args.learning_rate,
                    epochs=args.epochs, batch_size=args.batch_size, lambd=args.lambd, seed=args.seed,
                    progress=args.progress, optimizer=args.optimizer, beta1=args.beta1, beta2=args.beta2,
                    decay_rate=args.decay_rate, on_epoch=curves)
    train_acc = accuracy(predict(net, standardize(X_train, mean, std)), Y_train)
    test_predictions = predict(net, standardize(X_test, mean, std))
    test_acc = accuracy(test_predictions, Y_test)
    optimizer = None if args.optimizer == "gd" else make_optimizer(args.optimizer, args.learning_rate, args.beta1,
                                                                   args.beta2)
    print(_how_trained(args.batch_size, X_train.shape[1], args.epochs, args.learning_rate, args.lambd, optimizer,
                       args.decay_rate))
    print(_costs_line(history))
    print(f"train accuracy {train_acc:.1%}, test accuracy {test_acc:.1%}")

    held_out = f"; trained without the {X_dev.shape[1]} dev examples" if args.learning_curves else ""
    save_model(net, run.path("params.npz", f"the trained parameters (load with predict --params){held_out}"),
               extras={"feature_mean": mean, "feature_std": std}, feature_names=names)
    run.text("predictions.csv", f"predictions for the {X_test.shape[1]} test examples",
             _predictions_csv(net, standardize(X_test, mean, std), Y_test))
    if plots is not None:
        plots.plot_cost([history.initial_cost, *history.costs], run.path("cost.png", "cost curve"),
                        learning_rate=args.learning_rate, title="J on the training set, epoch 0 = before training")
        _teaching_plots(args, plots, run, net, before, curves, standardize(X_train, mean, std), Y_train, history)
    if plots is not None and X.shape[0] == 2:
        with np.errstate(over="ignore"):
            plottable = np.isfinite(X.max(axis=1) - X.min(axis=1)).all()
        if plottable:
            plots.plot_decision_boundary(lambda X2: net.predict_proba(standardize(X2, mean, std)), X_train, Y_train,
                                         run.path("boundary.png", "decision boundary, training and test examples"),
                                         data="training set", X_test=X_test, Y_test=Y_test)
        else:  # the axes' span itself overflows float64: draw in standardised units
            plots.plot_decision_boundary(net.predict_proba, standardize(X_train, mean, std), Y_train, run.path(
                "boundary.png", "decision boundary, training and test examples (standardised features)"),
                data="training set", X_test=standardize(X_test, mean, std), Y_test=Y_test)
    if plots is not None and args.dataset == "digits" and not args.csv:
        from .datasets import DIGIT_SHAPE
        from .nn import from_one_hot

        plots.plot_misclassified(X_test, from_one_hot(Y_test), test_predictions, DIGIT_SHAPE, run.path(
            "misclassified.png", "the misclassified test digits, each with its label and the prediction"),
            title="Misclassified test digits")
    run.text("history.json", "cost per " + history.per, json.dumps(
        {"per": history.per, "costs": history.costs, "train_accuracy": train_acc, "test_accuracy": test_acc}))


def _split(X, Y, fraction: float, seed: int, flag: str, which: str):
    """train_test_split, its error in the command line's words: the flag, and which examples it splits."""
    from .datasets import train_test_split

    try:
        return train_test_split(X, Y, fraction, seed=seed)
    except ValueError as exc:
        raise UsageError(str(exc).replace("test_fraction", flag).replace(f"m = {X.shape[1]}",
                                                                         f"the m = {X.shape[1]}{which}")) from None


def _predictions_csv(net, X, Y) -> str:
    """One line per example (column of X): its label, the prediction and the probability the net gave it
    (for one sigmoid unit a = P(y = 1), for softmax the predicted class's a_k)."""
    from .nn import from_one_hot
    from .optim import predict

    probabilities = net.predict_proba(X)
    predictions = predict(net, X)
    if net.activations[-1] == "softmax":
        labels, shown = from_one_hot(Y)[0], probabilities.max(axis=0)
    else:
        labels, shown = Y[0], probabilities[0]
    return "label,prediction,probability\n" + "".join(
        f"{int(y)},{int(p)},{a:.6f}\n" for y, p, a in zip(labels, predictions[0], shown))


def _features(net, names, data, args):
    """The rows of X in the order the model was trained on: by name when the model has its
    feature names, by position (with a note) when it was saved without them."""
    from .datasets import shown_names

    if names is None:
        print(f"note: {args.params} stores no feature names (it was saved from arrays), so the columns of "
              f"{args.csv} are matched by position", file=sys.stderr)
        if data.X.shape[0] != net.n_x:
            raise UsageError(f"{args.csv} has {data.X.shape[0]} feature columns but the model expects n_x = {net.n_x}")
        return data.X
    missing = [name for name in names if name not in data.feature_names]
    if missing:
        raise UsageError(f"{args.csv} lacks the column(s) {shown_names(missing)} that the model was trained on")
    extra = [name for name in data.feature_names if name not in names]
    if extra:
        print(f"note: ignoring the column(s) {shown_names(extra)} of {args.csv}, which the model does not use",
              file=sys.stderr)
    position = {name: k for k, name in enumerate(data.feature_names)}
    order = [position[name] for name in names]
    return data.X if order == list(range(data.X.shape[0])) else data.X[order]


def _check_finite_predictions(net, probabilities, params) -> None:
    """A model whose forward pass overflows predicts NaN or inf: the run fails (exit 1), naming the first
    row and the first array of the forward pass (``net.cache``, Z1, A1, …) that is not finite there."""
    import numpy as np

    bad = ~np.isfinite(probabilities).all(axis=0)
    if not bad.any():
        return
    row = int(np.argmax(bad))
    where = next(name for name, node in net.cache.items() if not np.isfinite(node.data[:, row]).all())
    raise FloatingPointError(f"{params} predicts NaN or inf for {int(bad.sum())} of the {bad.size} rows, the first "
                             f"at data row {row + 1}, where {where} of the forward pass overflows float64: the "
                             "model's weights are too large for these features, so it cannot predict them")


def _predict(args: argparse.Namespace) -> int:
    import numpy as np

    from .datasets import load_csv, standardize
    from .io import load_model
    from .optim import accuracy, predict
    from .validate import check_memory

    output = Path(args.output) if args.output else None
    if output is not None:
        check_output(output, [args.params, args.csv], "--output")
    net, extras = load_model(args.params, with_extras=True)
    data = load_csv(args.csv, target=args.target)
    check_memory(net.layer_dims, data.X.shape[1], f" (the rows of {'standard input' if args.csv == '-' else args.csv})")
    X = _features(net, extras.get("feature_names"), data, args)
    mean, std = extras.get("feature_mean"), extras.get("feature_std")
    if mean is not None and std is not None:
        X = standardize(X, mean, std)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
        probabilities = net.predict_proba(X)
    _check_finite_predictions(net, probabilities, args.params)
    predictions = predict(net, X)
    shown = probabilities.max(axis=0) if net.activations[-1] == "softmax" else probabilities[0]  # P(predicted class)
    lines = ["prediction,probability"] + [f"{int(p)},{a:.6f}" for p, a in zip(predictions[0], shown)]
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(output, "\n".join(lines) + "\n")
        print(f"wrote {len(lines) - 1} predictions to {output}")
    else:
        print("\n".join(lines))
    if data.Y is not None:
        print(f"accuracy against {args.target}: {accuracy(predictions, data.Y):.1%}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------------ dims


def _dims(args: argparse.Namespace) -> int:
    from .shapes import dims_table

    print(dims_table(args.spec, markdown=args.markdown))
    return 0


# ------------------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    from viz.render import MAX_RENDER_NODES

    from .datasets import DATASETS, GENERATORS
    from .optim import MAX_EPOCHS, OPTIMIZERS
    from .validate import INITIALIZATIONS, MAX_NAME_CHARS, MEMORY_LIMIT_VARIABLE, memory_limit, size_text

    memory = (f"The memory limit is {size_text(memory_limit())} here (half the RAM, or ${MEMORY_LIMIT_VARIABLE} "
              "in bytes). Sizes whose arrays would exceed it (layers with the examples, a model file, the decision "
              "boundary's grid) are refused before any work; a CSV (a file or standard input) stops loading with "
              "one line when its values would not fit beside what the process holds; a line may hold 1/256 of "
              f"the limit in characters, a column name {MAX_NAME_CHARS:,}.")
    parser = _Parser(
        prog="autograd-mini",
        description="Autodiff for learning, teaching and checking backpropagation, in the course notes' "
                    "notation. Start with `autograd-mini demo`.",
        epilog=memory,
    )
    parser.add_argument("--version", action="version", version=f"autograd-mini {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def progress_flags(sub):
        group = sub.add_mutually_exclusive_group()
        group.add_argument("--progress", dest="progress", action="store_true", default=None,
                           help="always show the progress bar")
        group.add_argument("--no-progress", dest="progress", action="store_false",
                           help="never show it (default: shown on a terminal)")

    demo = commands.add_parser(
        "demo", help="the main job: the notes' graph, training, the gradient report, all pictures",
        description="Builds the notes' n_x = 2 logistic-regression graph and renders it (computational graph, "
                    "derivative graph, step-through page); trains logistic regression and an L-layer net on a "
                    "built-in data set; prints the autodiff / closed-form / numerical gradient report; writes "
                    "everything into --out and lists it. The files of one run replace those of the run before "
                    "together, when all are written; a run that fails or is stopped leaves them as they were.",
        epilog=memory)
    demo.add_argument("--out", default="out", metavar="DIR", help="output folder (default: ./out)")
    demo.add_argument("--dataset", default="moons", choices=list(GENERATORS),
                      help="2-D data set to train on (default: moons)")
    demo.add_argument("--epochs", type=int, default=300, help=f"training epochs (default: 300, at most {MAX_EPOCHS:,})")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--practice", action="store_true",
                      help="also write notes_practice.html: the notes' graph as a practice page, where the learner "
                           "works out each value and gradient before it shows")
    progress_flags(demo)
    demo.set_defaults(run=_demo)

    graph = commands.add_parser(
        "graph", help="differentiate an expression over named scalars and draw its graph",
        description="Parses EXPR safely (numbers, + - * / **, and sigmoid, tanh, relu, leaky_relu, exp, log), "
                    "runs backward, prints every variable's gradient and renders the graph, the derivative graph "
                    "and the step-through page into --out.",
        epilog='example: autograd-mini graph "sigmoid(w1*x1 + w2*x2 + b)" --set x1=1 --set w1=0.5 '
               "--set x2=2 --set w2=-0.25 --set b=0.1 --out graph_out. An expression that starts with "
               "a minus sign goes last, after --: autograd-mini graph --set x=2 -- \"-x**2\"")
    graph.add_argument("expression", metavar="EXPR", help="the expression, in quotes")
    graph.add_argument("--set", action="append", metavar="NAME=VALUE", help="a variable's value (repeat)")
    graph.add_argument("--out", default="out", metavar="DIR", help="output folder for the pictures (default: ./out)")
    graph.add_argument("--max-nodes", type=_at_most(MAX_RENDER_NODES), default=300, metavar="N",
                       help="refuse a graph of more nodes before Graphviz runs (default: 300, at most "
                            f"{MAX_RENDER_NODES:,}; a larger graph takes Graphviz longer to lay out)")
    graph.add_argument("--max-steps", type=_at_most(2 * MAX_RENDER_NODES), default=500, metavar="N",
                       help="most frames of the step-through page, forward and backward (default: 500, at most "
                            f"{2 * MAX_RENDER_NODES:,}, two per node of the largest graph drawn)")
    graph.add_argument("--collapse", action="store_true",
                       help=f"draw the graph and the page with at most about {COLLAPSED_BOXES} boxes, one per neuron, "
                            "layer or stretch of a chain, for an expression too large to read node by node")
    graph.add_argument("--practice", action="store_true",
                       help="also write expression_practice.html, a practice page that asks for each value and "
                            "gradient before it shows (hints, slips named, a score); expression_steps.html is its "
                            "solutions")
    graph.add_argument("--practice-scope", default="all", choices=["all", "backward", "closed-forms"],
                       help="with --practice: every frame (default), the backward pass, or the notes' closed forms")
    graph.add_argument("--practice-nodes", type=_name_list, metavar="NAME,NAME,...",
                       help="with --practice: only these nodes' frames (by name, e.g. z,w1)")
    graph.set_defaults(run=_graph)

    check = commands.add_parser(
        "check", help="check gradients: autodiff vs the notes' closed form vs numerical, or your own backprop",
        description="Builds DeepNet(--layers, --activations) on random X (n_x, m) and Y (n_L, m) and prints the "
                    "three-way gradient report (autodiff, the notes' closed form, central differences). With "
                    "--backward FILE:FUNCTION it checks your own backprop instead: FUNCTION(X, Y, parameters) "
                    "returns dW1, db1, ... (and optionally dZ1, dA1, ...); with --logistic, FUNCTION(w, b, X, Y) "
                    "returns (grads, cost), the course's propagate; with --keep-prob, FUNCTION(X, Y, parameters, "
                    "masks) gets the dropout masks D1, D2, ... that the check holds fixed. Your code runs in a child "
                    "process, so its sys.exit or os._exit cannot pass for a result; FILE's folder comes first on "
                    "sys.path there, as with `python FILE`, so FILE can import the helper files beside it. The biases b[l] are drawn from "
                    f"N(0, {BIAS_SCALE}²) so that bugs on db show (--zero-bias: b = 0). Entries whose central difference "
                    "crosses a ReLU kink are counted, not judged. Exit code 0 when right, 1 when a gradient is wrong "
                    "or your function did not return gradients (it raised, exited, returned something else or ran past "
                    "--timeout), "
                    "2 for bad input (also a FUNCTION whose parameters do not take what the check passes, or one "
                    f"without a parameter lambd under --lambd, refused before it runs), {EXIT_NOT_JUDGED} (--backward) "
                    "when nothing is wrong but something could not be judged (a vanishing gradient, symmetric weights, keys one layer off, --m 1). Sizes whose central "
                    f"differences would take more than an estimated {MAX_CHECK_SECONDS // 60} minutes are refused "
                    "before they start.",
        epilog="example: autograd-mini check --backward my_backprop.py:backward_propagation "
               "--layers 4,5,3,1 --activations relu,relu,sigmoid. " + memory)
    check.add_argument("--backward", metavar="FILE:FUNCTION",
                       help="your gradient function, loaded from FILE (your own code is run)")
    check.add_argument("--logistic", action="store_true",
                       help="logistic regression (--layers n_x,1): FUNCTION(w, b, X, Y) returns (grads, cost)")
    check.add_argument("--layers", type=_int_list, default=[2, 4, 3, 1], metavar="N,N,...",
                       help="layer_dims = n_x,n[1],...,n[L] (default: 2,4,3,1)")
    check.add_argument("--activations", type=_name_list, metavar="G,G,...",
                       help="one per layer, of sigmoid, tanh, relu, leaky_relu (default: relu hidden, sigmoid output)")
    check.add_argument("--m", type=int, default=32, help="number of examples (default: 32)")
    check.add_argument("--lambd", type=float, default=0.0, help="L2 strength λ (default: 0)")
    check.add_argument("--init", default="he", choices=list(INITIALIZATIONS),
                       help=f"initialisation, one of {', '.join(INITIALIZATIONS)} (default: he)")
    check.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    check.add_argument("--keep-prob", type=float, default=1.0, metavar="P",
                       help="inverted dropout on the hidden layers, keeping each unit with probability P in (0, 1]; "
                            "the masks are drawn once and handed to FUNCTION as a fourth argument (default: 1, none)")
    check.add_argument("--zero-bias", action="store_true",
                       help=f"b[l] = 0, as the course initialises it (default: b[l] drawn from N(0, {BIAS_SCALE}²))")
    check.add_argument("--keys", default="notes", choices=["notes", "2017"],
                       help="with --backward: the notes' keys (dA1 is dA[1]) or the 2017 notebook's, where "
                            "grads['dA' + str(l)] holds dA[l-1] (default: notes)")
    check.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                       help="with --backward: the seconds FUNCTION may run; then it is stopped and the check says so, "
                            "exit 1 (default: 60)")
    check.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    check.set_defaults(run=_check)

    train = commands.add_parser(
        "train", help="train an L-layer net on a built-in data set or a CSV file",
        description="Trains DeepNet([n_x, *hidden, n_L]) with (mini-batch) gradient descent or another optimizer "
                    "on standardised features, prints train/test accuracy, and writes params.npz, the test "
                    "predictions, the cost curve and, for 2-D data, the decision boundary (for digits, a picture "
                    "of the misclassified test digits) into --out. n_L = 1 (sigmoid) for a 0/1 label; digits "
                    "has 10 classes and a softmax output, and its own defaults: --hidden 64 --optimizer adam "
                    "--learning-rate 0.001 --batch-size 64 --epochs 30. The files of one run replace those of the "
                    "run before together, when all are written; a run that fails or is stopped leaves them as they "
                    "were, and a second run into the same --out while one runs is refused.",
        epilog=memory)
    source = train.add_mutually_exclusive_group()
    source.add_argument("--dataset", default="moons", choices=list(DATASETS),
                        help="built-in data set (default: moons)")
    source.add_argument("--csv", metavar="FILE", help="a CSV file with a header row (- reads standard input)")
    train.add_argument("--target", metavar="COLUMN", help="with --csv: the 0/1 label column")
    train.add_argument("--hidden", type=_int_list, default=None, metavar="N,N,...",
                       help="hidden layer sizes n[1],...,n[L-1]; empty for logistic regression (default: 8,4)")
    train.add_argument("--activations", type=_name_list, metavar="G,G,...",
                       help="one per layer (default: relu hidden, sigmoid output; softmax for digits)")
    train.add_argument("--learning-rate", "--alpha", dest="learning_rate", type=float, default=None,
                       help="learning rate α (default: 0.1)")
    train.add_argument("--optimizer", default=None, choices=list(OPTIMIZERS),
                       help="gd (W := W − α dW), momentum (β = --beta1), rmsprop (--beta2) or adam "
                            "(--beta1, --beta2, bias-corrected) (default: gd)")
    train.add_argument("--beta1", type=float, default=0.9,
                       help="β₁ of Adam, and momentum's β, in [0, 1) (default: 0.9)")
    train.add_argument("--beta2", type=float, default=0.999,
                       help="β₂ of RMSprop and Adam, in [0, 1) (default: 0.999)")
    train.add_argument("--decay-rate", type=float, default=0.0,
                       help="learning-rate decay: α = α₀ / (1 + decay_rate · epoch) (default: 0, no decay)")
    train.add_argument("--lambd", type=float, default=0.0, help="L2 strength λ (default: 0)")
    train.add_argument("--batch-size", type=int, default=None, help="mini-batch size (default: the whole set)")
    train.add_argument("--epochs", type=int, default=None, help=f"epochs (default: 1000, at most {MAX_EPOCHS:,})")
    train.add_argument("--init", default=None,
                       help="initialisation: small_random, he, xavier, zeros (default: each layer's follows its "
                            "activation, he for relu and leaky_relu, xavier = the course's sqrt(1/n[l-1]) for "
                            "tanh and sigmoid)")
    train.add_argument("--test-fraction", type=_fraction, default=0.2, help="held-out share (default: 0.2)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    train.add_argument("--out", default="out", metavar="DIR", help="output folder (default: ./out)")
    teaching = train.add_argument_group("plots a teacher reaches for (each written to --out)")
    teaching.add_argument("--activation-histograms", action="store_true",
                          help="activation_histograms.png: each layer's A[l] on the training set, at initialisation "
                               "and after training")
    teaching.add_argument("--gradient-norms", action="store_true",
                          help="gradient_norms.png: ‖dW[l]‖_F of every layer at every step, for this net trained from "
                               "small_random, xavier and he side by side (three more runs)")
    teaching.add_argument("--learning-curves", action="store_true",
                          help="learning_curves.png: cost and accuracy on the training set and a dev set after each "
                               "epoch; the dev set is --dev-fraction of the training examples, held out of training, "
                               "so the saved model is trained on the rest")
    teaching.add_argument("--dev-fraction", type=_fraction, default=None,
                          help="with --learning-curves: the share of the training examples held out as the dev set "
                               "(default: 0.2)")
    teaching.add_argument("--lr-sweep", type=_float_list, metavar="A,A,...",
                          help="learning_rate_sweep.png: J after --sweep-epochs epochs for each learning rate α, "
                               "e.g. 0.001,0.01,0.1,1 (one more run each)")
    teaching.add_argument("--sweep-epochs", type=int, default=None,
                          help="with --lr-sweep: epochs of each of its runs (default: 20)")
    progress_flags(train)
    train.set_defaults(run=_train)

    pred = commands.add_parser(
        "predict", help="predict with parameters saved by train",
        description="Loads params.npz written by `train` and prints one prediction (0/1) and probability per "
                    "CSV row. The CSV's columns are matched to the model's features by name (extra columns are "
                    "ignored with a note; a model saved without names matches them by position). If the CSV "
                    "has the --target column, the accuracy is printed too.",
        epilog=memory)
    pred.add_argument("--params", required=True, metavar="FILE", help="the params.npz that train wrote")
    pred.add_argument("--csv", required=True, metavar="FILE",
                      help="the examples, one per row, with a header (- reads standard input)")
    pred.add_argument("--target", metavar="COLUMN", help="a 0/1 label column to leave out and score against")
    pred.add_argument("--output", metavar="FILE", help="write the predictions to FILE instead of stdout")
    pred.set_defaults(run=_predict)

    from .shapes import STACK_SPEC_HELP

    dims = commands.add_parser(
        "dims", help="the notes' per-layer table of a convolutional stack",
        description="Prints each layer's input volume, f, p, s, n_c, output volume, weight and bias shapes and "
                    "parameter count, as the notes' summary of notation lays it out.",
        epilog=STACK_SPEC_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    dims.add_argument("spec", nargs="+", metavar="SPEC",
                      help="the input volume n_H × n_W × n_c (written 32x32x3) and then the layers, "
                           "e.g. 32x32x3 conv:f=5,c=6 pool:f=2 fc:10")
    dims.add_argument("--markdown", action="store_true", help="print a Markdown table")
    dims.set_defaults(run=_dims)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; set AUTOGRAD_MINI_DEBUG=1 to see the traceback behind an error line."""
    args = argparse.Namespace(command=None)  # until parsed: an error then names no subcommand
    try:
        with _terminate_as_interrupt():  # from the start: Ctrl-C while the parser is built is an interrupt too
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help()
                return 0
            return args.run(args)
    except BaseException as exc:
        return _exit_status(exc, args)


def _exit_status(exc: BaseException, args: argparse.Namespace) -> int:
    """Say what stopped the command, in one line, and return its exit status (or re-raise a bug).

    A signal's KeyboardInterrupt can be replaced on its way out: a file being written when it came
    closes in a ``with`` block's exit and raises an error of its own (a closed file, a broken zip).
    The interrupt behind such an error is what stopped the run, and is what is reported."""
    cause = exc
    while cause is not None and not isinstance(cause, KeyboardInterrupt):
        cause = cause.__context__
    if cause is not None:
        exc = cause
    try:
        raise exc
    except SystemExit:
        raise
    except (MemoryError, RecursionError) as exc:
        if os.environ.get("AUTOGRAD_MINI_DEBUG"):
            raise
        what = ("ran out of memory" if isinstance(exc, MemoryError)
                else "the input is nested too deeply for Python's recursion limit")
        print(f"{_who(args)}: error: {what}; try smaller sizes", file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, ValueError, OSError, RuntimeError) as exc:
        # ValueError covers the library's ShapeError, DataError and ExpressionError; RuntimeError
        # viz's GraphvizNotInstalled. Anything else is a bug and keeps its traceback.
        if os.environ.get("AUTOGRAD_MINI_DEBUG"):
            raise
        print(f"{_who(args)}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FloatingPointError as exc:  # training diverged: the run failed, the input was fine
        print(f"{_who(args)}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM: the run's temporary files are gone, its old outputs kept
        terminated = isinstance(exc, _Terminated)
        print(f"{_who(args)}: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return 128 + (signal.SIGTERM if terminated else signal.SIGINT)


def _who(args: argparse.Namespace) -> str:
    """The program and its subcommand, as an error line starts ("autograd-mini train")."""
    return f"autograd-mini {args.command}" if args.command else "autograd-mini"


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised as Ctrl-C raises KeyboardInterrupt, so that a stopped run cleans up as an interrupted one."""


def _raise_terminated(signum, frame):
    raise _Terminated


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM raises _Terminated while a command runs (in the main thread, where Python handles signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
