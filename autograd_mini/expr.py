"""Safe arithmetic expressions over named scalars, built into a Value graph.

The expression is parsed with Python's ``ast`` and only a whitelist of node types is
accepted: numbers, the variable names given, ``+ - * / **``, unary ``-``/``+``, and calls
of the engine's functions. Nothing is ever passed to ``eval``. An expression may hold at most
:data:`MAX_NODES` syntax nodes nested at most :data:`MAX_DEPTH` deep, so neither the parser
nor the graph can exhaust memory or the stack; messages quote at most its first 80 characters.

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

__all__ = ["FUNCTIONS", "MAX_NODES", "MAX_DEPTH", "ExpressionError", "build_expression", "parse_assignments"]

#: The most terms (numbers, names, operations, calls) an expression may hold.
MAX_NODES = 10_000
#: The deepest nesting of operations and calls (a + b + c nests two deep).
MAX_DEPTH = 200
#: Characters of an expression quoted in a message.
QUOTE_CHARS = 80

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


def _quote(source: str) -> str:
    """``source`` in quotes, cut to its first QUOTE_CHARS characters when longer."""
    if len(source) <= QUOTE_CHARS:
        return repr(source)
    return f"{source[:QUOTE_CHARS]!r}... ({len(source):,} characters)"


def _check_size(tree: ast.AST, source: str) -> None:
    """At most MAX_NODES terms and MAX_DEPTH levels, counted without recursion."""
    stack, count = [(tree.body, 1)], 0
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, ast.expr):  # operators and contexts are part of their term
            continue
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"{_quote(source)} has more than {MAX_NODES:,} parts; the limit keeps the graph "
                                  "drawable")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"{_quote(source)} is nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def build_expression(source: str, values: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``source``; return its root and the variables as labelled Values."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {_quote(source)}: {exc.msg}") from None
    except (MemoryError, RecursionError):  # Python's parser gives up on very deep nesting
        raise ExpressionError(f"{_quote(source)} is nested too deeply to parse (the limit is {MAX_DEPTH} "
                              "levels)") from None
    _check_size(tree, source)
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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
            raise ExpressionError("floor division (//) is not supported: it has no derivative; use /")
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
        raise ExpressionError(f"cannot evaluate {_quote(source)}: {exc}") from None
    if not isinstance(root, Value):
        raise ExpressionError(f"{_quote(source)} uses no variable: there is nothing to differentiate")
    unused = sorted(set(variables) - used)
    if unused:
        raise ExpressionError(f"--set gives {', '.join(unused)}, which the expression does not use")
    if root.label is None:
        root.label = "f"
    return root, variables
