"""docs/notation.md, the glossary: every name it gives is one the library really uses, and every label one
the pictures and frames really show.

In the "in autograd_mini" column, a backticked name is checked by its form: `--flag` is an option of the
`train` command, `name=` an argument of a public function, a call `f(a, b)` must name f's arguments as f
does, and anything else (`net.cache["Z1"]`, `history.initial_cost`) is evaluated on a small trained net.
In the "in pictures and frames" column, a label must be a node's label in the graphs, the start of a
step-through frame ("dZ1 = …"), or a word the plots and reports print.
"""

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import autograd_mini
import viz
import viz.plots
from autograd_mini import analytic, cli, monitor, shapes
from autograd_mini.graph import topo_order
from autograd_mini.notes_graph import graph_nodes, logistic_graph

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "notation.md"


def sections() -> dict:
    """{section title: [(the notes, library cell, pictures cell)]}."""
    found = {}
    for part in re.split(r"^## ", GLOSSARY.read_text(encoding="utf-8"), flags=re.M)[1:]:
        rows = [[cell.strip() for cell in line.strip()[1:-1].split("|")]
                for line in part.splitlines() if line.startswith("| ")]
        rows = [row for row in rows if row[0] not in ("the notes", "the course")]  # the header
        assert all(len(row) == 4 for row in rows), [row for row in rows if len(row) != 4]
        found[part.splitlines()[0]] = [(row[0], row[2], row[3]) for row in rows]
    return found


def names(cell: str) -> list:
    return re.findall(r"`([^`]+)`", cell)


def namespaces() -> dict:
    """What the names of each section are evaluated against."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 6)), (rng.random((1, 6)) > 0.5) * 1.0
    net = model = autograd_mini.DeepNet([2, 3, 1], seed=0)
    model.cost(X, Y, 0.1).backward()
    history = autograd_mini.train(autograd_mini.DeepNet([2, 3, 1], seed=0), X, Y, learning_rate=0.1, epochs=2,
                                  batch_size=4, seed=0)
    report = autograd_mini.compare(net, X, Y, lambd=0.1)
    L = logistic_graph()
    L.backward()
    common = {**{name: getattr(autograd_mini, name) for name in autograd_mini.__all__}, "analytic": analytic,
              "monitor": monitor, "np": np, "net": net, "model": model, "history": history, "report": report,
              "X": X, "Y": Y, "m": 6, "lambd": 0.1, "learning_rate": 0.1, "batch_size": 4, "layer_dims": [2, 3, 1],
              "n_x": 2, "i": 0, "l": 1, "graph_nodes": graph_nodes, "logistic_graph": logistic_graph,
              "autograd_mini": autograd_mini}
    conv = {"A_prev": np.ones((2, 5, 5, 3)), "W": np.ones((3, 3, 3, 4)), "b": np.zeros((1, 1, 1, 4)),
            "n": 5, "f": 3, "p": 0, "s": 1, "n_H": 5, "n_W": 5, "n_c": 3, "n_h": 10, **vars(shapes)}
    return {"one": {**common, "L": L, "x": (1.0, 2.0), "w": (0.5, -0.25), "b": 0.1, "y": 1.0},
            "conv": {**common, **conv},
            "any": {**common, "weights": net.weights(), "labels": [0, 2, 1], "n_classes": 3,
                    "g": np.ones(3), "g_approx": np.ones(3)}}


def public_parameters() -> set:
    """Every argument name of the public functions and classes of autograd_mini and viz.plots."""
    found = set()
    modules = [autograd_mini, analytic, monitor, shapes, autograd_mini.optim, autograd_mini.nn, viz.plots]
    for module in modules:
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name, None)
            if callable(obj):
                try:
                    found |= set(inspect.signature(obj).parameters)
                except (TypeError, ValueError):
                    pass
    return found


def train_options() -> set:
    parser = cli.build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]
    return {option for action in train._actions for option in action.option_strings}


def check_library_name(token: str, namespace: dict, parameters: set, options: set) -> None:
    if token.startswith("--"):
        assert token in options, f"{token} is not an option of train"
        return
    if token.endswith("="):
        assert token[:-1] in parameters, f"no public function takes {token}"
        return
    tree = ast.parse(token, mode="eval").body
    if isinstance(tree, ast.Constant):  # a key the closed form returns, such as "dZ1"
        AL, caches = analytic.L_model_forward(namespace["X"], namespace["net"].get_parameters(), ["relu", "sigmoid"])
        grads = analytic.L_model_backward(AL, namespace["Y"], caches, namespace["net"].get_parameters(),
                                          ["relu", "sigmoid"])
        assert tree.value in grads, token
        return
    if isinstance(tree, ast.Call):  # a call: its function exists and its arguments are named as the library names them
        function = eval(compile(ast.Expression(tree.func), "<glossary>", "eval"), namespace)
        signature = list(inspect.signature(function).parameters)
        for position, argument in enumerate(tree.args):
            if isinstance(argument, ast.Name):
                assert signature[position] == argument.id, f"{token}: argument {position} is {signature[position]}"
        for keyword in tree.keywords:
            assert keyword.arg in signature, f"{token}: no argument {keyword.arg}"
        return
    eval(compile(ast.Expression(tree), "<glossary>", "eval"), namespace)


def shown_labels() -> set:
    """Node labels of the graphs, the names the frames start with, and the words the plots and reports print."""
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((2, 5)), (rng.random((1, 5)) > 0.5) * 1.0
    labels = set()
    roots = []
    for net in (autograd_mini.DeepNet([2, 3, 1], seed=0), autograd_mini.DeepNet([2, 3, 1], seed=0, keep_prob=0.8,
                                                                                 batch_norm=True)):
        J = net.cost(X, Y, 0.1)
        J.backward()
        roots.append(J)
    logistic = autograd_mini.LogisticRegression(2)
    roots.append(logistic.cost(X, Y, 0.1))
    L = logistic_graph()
    L.backward()
    roots.append(L)
    for root in roots:
        labels |= {node.label for node in topo_order([root]) if getattr(node, "label", None)}
    frames = [line for root in (roots[0], L) for step in viz.backprop_steps(root) for line in step.lines()]
    labels |= {line.split(" = ")[0] for line in frames if " = " in line}
    words = set(viz.plots.X_UNITS)
    for name in ("dZ1", "dA1"):  # the notes' per-example derivatives, named only in the frames' notes lines
        if any(line.startswith(f"the notes: {name} = ") for line in frames):
            words.add(name)
    if any(re.search(r"\bm = \d", line) for line in frames):
        words.add("m")
    if "closed = " in str(autograd_mini.compare(autograd_mini.DeepNet([2, 3, 1], seed=0), X, Y, lambd=0.1)):
        words |= {"closed", "λ"}
    if "α = 0.1" in viz.plots.plot_cost([1.0, 0.5], learning_rate=0.1).axes[0].get_title():
        words.add("α")
    words |= set(shapes.dims_table("8x8x3 conv:f=3,c=2").splitlines()[0].split())
    return labels | words


def test_the_glossary_is_linked_from_the_readme_and_the_report():
    assert "docs/notation.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/notation.md" in autograd_mini.comparison.LEGEND


def test_every_section_of_the_glossary_has_its_rows():
    found = sections()
    assert len(found) == 6 and all(len(rows) >= 4 for rows in found.values()), {k: len(v) for k, v in found.items()}
    notes_column = " ".join(row[0] for rows in found.values() for row in rows)
    for symbol in ("X ∈", "W[l]", "dZ[l]", "α", "λ", "\"batch gradient descent\"", "n_c, n_c′", "keep_prob"):
        assert symbol in notes_column, symbol


def test_every_library_name_in_the_glossary_is_the_librarys():
    spaces, parameters, options = namespaces(), public_parameters(), train_options()
    checked = 0
    for title, rows in sections().items():
        space = spaces["one" if title.startswith("One example") else "conv" if title.startswith("Convolutions")
                       else "any"]
        for notes, library, _ in rows:
            for token in names(library):
                check_library_name(token, space, parameters, options)
                checked += 1
    assert checked > 60


def test_every_label_in_the_glossary_is_shown_by_the_pictures_or_frames():
    shown = shown_labels()
    missing = [(notes, token) for rows in sections().values() for notes, _, pictures in rows
               for token in names(pictures) if token not in shown]
    assert not missing, missing


@pytest.mark.parametrize("token, why", [("parameters[\"W1\"]", "not evaluable alone"), ("lambda=", "not an argument"),
                                        ("compare(net, Y, X)", "arguments swapped"), ("--lambda", "not an option")])
def test_the_checks_refuse_a_wrong_name(token, why):
    with pytest.raises((AssertionError, NameError, SyntaxError)):
        check_library_name(token, namespaces()["any"], public_parameters(), train_options())
