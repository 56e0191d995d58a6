"""Safe arithmetic expressions over named scalars, built into a Value graph.

The expression is parsed with Python's ``ast`` and only a whitelist of node types is
accepted: numbers, the variable names given, ``+ - * / **``, unary ``-``/``+``, and calls
of the engine's functions. Nothing is ever passed to ``eval``.

>>> root, variables = build_expression("sigmoid(w1*x1 + w2*x2 + b)",
...                                    {"x1": 1.0, "w1": 0.5, "x2": 2.0, "w2": -0.25, "b": 0.1})
>>> root.backward()
>>> round(variables["w1"].grad, 6)        # da/dw1 = x1 · a(1 - a)
0.249376
"""

from __future__ import annotations

import ast
import math
import operator

from .value import Value

__all__ = ["FUNCTIONS", "ExpressionError", "build_expression", "parse_assignments"]

#: The functions an expression may call, each one of the engine's ops.
FUNCTIONS = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "exp": Value.exp,
    "log": Value.log,
}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class ExpressionError(ValueError):
    """An expression outside the whitelist, or a variable without a value."""


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["x1=1.0", "w1=-3"]`` → ``{"x1": 1.0, "w1": -3.0}``, with clear errors."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ExpressionError(f"--set expects NAME=NUMBER (e.g. x1=1.0); got {item!r}")
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function name and cannot be a variable")
        if name in values:
            raise ExpressionError(f"--set gives {name} twice")
        try:
            value = float(text)
        except ValueError:
            raise ExpressionError(f"--set {name}: {text.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"--set {name}: {text.strip()} is not a finite number")
        values[name] = value
    return values


def build_expression(source: str, values: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``source``; return its root and the variables as labelled Values."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {source!r}: {exc.msg}") from None
    variables = {name: Value(value, label=name) for name, value in values.items()}
    used: set[str] = set()

    def build(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return float(node.value)  # floats, so 9**9**9 overflows at once instead of growing a huge int
        if isinstance(node, ast.Name):
            if node.id in variables:
                used.add(node.id)
                return variables[node.id]
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(z)")
            raise ExpressionError(f"unknown name {node.id!r}: give it a value with --set {node.id}=NUMBER "
                                  f"(functions: {', '.join(FUNCTIONS)})")
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](build(node.operand))
        if isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
                shown = ast.unparse(func)
                raise ExpressionError(f"cannot call {shown!r}; the functions are {', '.join(FUNCTIONS)}")
            if node.keywords or len(node.args) != 1:
                raise ExpressionError(f"{func.id}() takes exactly one argument")
            argument = build(node.args[0])
            if not isinstance(argument, Value):
                argument = Value(argument)
            return FUNCTIONS[func.id](argument)
        if isinstance(node, ast.Attribute):
            raise ExpressionError("attribute access (a.b) is not allowed in an expression")
        raise ExpressionError(f"{type(node).__name__} is not allowed: use numbers, variables, + - * / ** "
                              f"and {', '.join(FUNCTIONS)}")

    try:
        root = build(tree.body)
    except (OverflowError, ZeroDivisionError) as exc:
        raise ExpressionError(f"cannot evaluate {source!r}: {exc}") from None
    if not isinstance(root, Value):
        raise ExpressionError(f"{source!r} uses no variable: there is nothing to differentiate")
    unused = sorted(set(variables) - used)
    if unused:
        raise ExpressionError(f"--set gives {', '.join(unused)}, which the expression does not use")
    if root.label is None:
        root.label = "f"
    return root, variables
