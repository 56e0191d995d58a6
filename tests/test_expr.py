"""Safe expressions: the right gradients, and nothing outside the whitelist."""

import math

import pytest

from autograd_mini.expr import ExpressionError, build_expression, parse_assignments


def test_known_expression_gives_the_right_gradients():
    values = parse_assignments(["x1=2", "w1=-3", "x2=0", "w2=1", "b=6.8813735870195432"])
    root, v = build_expression("tanh(x1*w1 + x2*w2 + b)", values)
    root.backward()
    assert root.data == pytest.approx(math.sqrt(0.5))
    assert v["x1"].grad == pytest.approx(-1.5)  # micrograd lecture's neuron: dx1 = w1 (1 - a²)
    assert v["w1"].grad == pytest.approx(1.0)
    assert v["x2"].grad == pytest.approx(0.5)
    assert v["w2"].grad == pytest.approx(0.0)


def test_every_function_and_operator():
    root, v = build_expression("sigmoid(x) + relu(-x) + leaky_relu(x) * exp(x) / log(x + 2) - +x ** 2",
                               {"x": 0.5})
    root.backward()
    x = 0.5
    s = 1 / (1 + math.exp(-x))
    f = x * math.exp(x) / math.log(x + 2)
    df = (math.exp(x) + x * math.exp(x)) / math.log(x + 2) - x * math.exp(x) / (math.log(x + 2) ** 2 * (x + 2))
    assert v["x"].grad == pytest.approx(s * (1 - s) + df - 2 * x)
    assert root.data == pytest.approx(s + 0 + f - x**2)


@pytest.mark.parametrize("source, message", [
    ("__import__('os')", "cannot call"),
    ("x.__class__", "attribute access"),
    ("open('f')", "cannot call"),
    ("x + y", "unknown name 'y'"),
    ("sigmoid", "is a function"),
    ("sigmoid(x, x)", "exactly one argument"),
    ("[x]", "List is not allowed"),
    ("'a' + x", "Constant is not allowed"),
    ("x if x else 1", "IfExp is not allowed"),
    ("(lambda: x)()", "cannot call"),
    ("x +", "cannot parse"),
    ("2 + 3", "nothing to differentiate"),
    ("9 ** 9 ** 9 ** 9 * x", "cannot evaluate"),
])
def test_refused_expressions(source, message):
    with pytest.raises(ExpressionError, match=message):
        build_expression(source, {"x": 1.0})


@pytest.mark.parametrize("item, message", [("x1", "NAME=NUMBER"), ("1x=2", "NAME=NUMBER"),
                                           ("x=abc", "not a number"), ("exp=1", "function name"),
                                           ("x=nan", "finite"), ("x=1e400", "finite")])
def test_bad_assignments(item, message):
    with pytest.raises(ExpressionError, match=message):
        parse_assignments([item])


def test_a_variable_set_twice_is_an_error():
    with pytest.raises(ExpressionError, match="twice"):
        parse_assignments(["x=1", "x=2"])


def test_unused_variable_is_reported():
    with pytest.raises(ExpressionError, match="does not use"):
        build_expression("x * 2", {"x": 1.0, "z": 2.0})
