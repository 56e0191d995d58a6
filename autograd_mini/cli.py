"""The ``autograd-mini`` command."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def _demo(args: argparse.Namespace) -> int:
    from .notes_graph import graph_nodes, logistic_graph

    L = logistic_graph()
    L.backward()
    nodes = graph_nodes(L)
    print("The notes' computational graph for one example (n_x = 2):")
    print("  z = w1·x1 + w2·x2 + b,  a = σ(z),  L = -(y log a + (1 - y) log(1 - a))")
    for name in ("x1", "x2", "w1", "w2", "b", "y", "z", "a", "L"):
        print(f"  {name:>2} = {nodes[name].data: .6f}")
    print("After L.backward():")
    derivatives = [("a", "da = -y/a + (1-y)/(1-a)"), ("z", "dz = a - y"), ("w1", "dw1 = x1·dz"),
                   ("w2", "dw2 = x2·dz"), ("b", "db = dz")]
    for name, formula in derivatives:
        print(f"  d{name:<3}= {nodes[name].grad: .6f}    ({formula})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-mini",
        description="Autodiff for learning, teaching and checking backpropagation, in the course notes' notation.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-mini {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="the notes' n_x = 2 logistic-regression graph and its gradients")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
