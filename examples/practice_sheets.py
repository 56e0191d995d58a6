"""Writes the ready practice sheets in examples/sheets: the graph, a blank box for every value and gradient, then the
answers (viz.practice_sheet), each as HTML and as PDF (A4; the PDF needs Chromium).

1. the notes' one-example graph: z = w1·x1 + w2·x2 + b, a = σ(z), L(a, y), with the notes' numbers;
2. logistic regression on m = 4 examples, w and b the notes' numbers;
3. DeepNet([2, 4, 3, 1]) (relu, relu, sigmoid) on m = 4 examples, its He-initialised weights rounded to 2 decimals
   so that a learner can work the sheet by hand.

tests/test_viz_sheet.py fails when a committed sheet is not what this script writes; run it again after a change:
``python examples/practice_sheets.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import viz  # noqa: E402
from autograd_mini import DeepNet, LogisticRegression  # noqa: E402
from autograd_mini.notes_graph import NOTES_EXAMPLE, logistic_graph  # noqa: E402

SHEETS = Path(__file__).resolve().parent / "sheets"
#: m = 4 examples, the notes' x = (1, 2) first, as columns of X (n_x, m)
X = np.array([[1.0, -1.0, 2.0, 0.5],
              [2.0, 0.5, -1.0, 1.5]])
Y = np.array([[1.0, 0.0, 1.0, 0.0]])


def notes_graph():
    L = logistic_graph()
    L.backward()
    return L


def logistic_regression():
    model = LogisticRegression(2)
    model.set_parameters({"w": np.array(NOTES_EXAMPLE["w"]).reshape(2, 1), "b": np.array([[NOTES_EXAMPLE["b"]]])})
    J = model.cost(X, Y)
    J.backward()
    return J


def deep_net():
    net = DeepNet([2, 4, 3, 1], ["relu", "relu", "sigmoid"], initialization="he", seed=0)
    net.set_parameters({name: np.round(p.data, 2) for name, p in net.parameters.items()})
    J = net.cost(X, Y)
    J.backward()
    return J


#: file stem, title, the graph's loss
SHEET_GRAPHS = {
    "notes_graph": ("Backprop by hand: the notes' graph for one example", notes_graph),
    "logistic_regression": ("Backprop by hand: logistic regression on m = 4 examples", logistic_regression),
    "deepnet_2_4_3_1": ("Backprop by hand: DeepNet([2, 4, 3, 1]) on m = 4 examples", deep_net),
}


def main(folder: Path = SHEETS) -> list[Path]:
    written = []
    for stem, (title, build) in SHEET_GRAPHS.items():
        root = build()
        for suffix in (".html", ".pdf"):
            viz.practice_sheet(root, folder / f"{stem}{suffix}", title=title)
            written.append(folder / f"{stem}{suffix}")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=SHEETS, type=Path, metavar="DIR", help="folder (default: examples/sheets)")
    for path in main(parser.parse_args().out):
        print(f"wrote {path}")
