"""Value: every op against numerical gradients, graph re-use, micrograd compatibility, numerics."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Tensor, Value, gradcheck, no_grad, numerical_grad, topo_order, zero_grad

reals = st.floats(min_value=-3, max_value=3, allow_nan=False)
positives = st.floats(min_value=0.1, max_value=3)
away_from_zero = st.floats(min_value=0.1, max_value=3) | st.floats(min_value=-3, max_value=-0.1)

UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "sigmoid": lambda a: a.sigmoid(),
    "tanh": lambda a: a.tanh(),
    "relu": lambda a: a.relu(),
    "leaky_relu": lambda a: a.leaky_relu(),
    "leaky_relu(0.2)": lambda a: a.leaky_relu(0.2),
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "reciprocal": lambda a: a**-1,
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "radd": lambda a, b: 2.5 + a * b,
    "rsub": lambda a, b: 2.5 - a * b,
    "rmul": lambda a, b: 2.5 * a + b,
    "rdiv": lambda a, b: 2.5 / b + a,
}


@pytest.mark.parametrize("name", UNARY)
@given(x=away_from_zero)
def test_unary_ops_match_numerical_gradient(name, x):
    result = gradcheck(UNARY[name], [Value(x)])
    assert result.passed, (name, x, result)


@pytest.mark.parametrize("name", BINARY)
@given(x=reals, y=away_from_zero)
def test_binary_ops_match_numerical_gradient(name, x, y):
    result = gradcheck(BINARY[name], [Value(x), Value(y)])
    assert result.passed, (name, x, y, result)


@given(x=positives)
def test_log_matches_numerical_gradient(x):
    assert gradcheck(lambda a: a.log(), [Value(x)]).passed


@given(base=positives, exponent=reals)
def test_value_exponent_uses_the_log_rule(base, exponent):
    a, b = Value(base), Value(exponent)
    (a**b).backward()
    assert b.grad == pytest.approx(base**exponent * math.log(base), rel=1e-12, abs=1e-12)
    assert gradcheck(lambda a, b: a**b, [Value(base), Value(exponent)]).passed


@given(exponent=reals)
def test_number_to_the_power_of_a_value(exponent):
    b = Value(exponent)
    (2.0**b).backward()
    assert b.grad == pytest.approx(2.0**exponent * math.log(2.0))


@given(a=st.floats(0.05, 0.95), y=st.sampled_from([0.0, 1.0]))
def test_cross_entropy_gives_the_notes_da(a, y):
    node = Value(a)
    node.cross_entropy(y).backward()
    assert node.grad == pytest.approx(-y / a + (1 - y) / (1 - a))


def test_derivative_conventions_at_zero():
    for op, expected in [(lambda v: v.relu(), 1.0), (lambda v: v.leaky_relu(), 1.0)]:
        z = Value(0.0)
        op(z).backward()
        assert z.grad == expected  # the notes: g'(z) = 1 where z ≥ 0
    z = Value(-2.0)
    z.leaky_relu().backward()
    assert z.grad == 0.01
    z = Value(-2.0)
    z.relu().backward()
    assert z.grad == 0.0


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_micrograd_style_code_matches_micrograd():
    from micrograd import engine as micrograd  # the reference implementation, from the test extra

    def expression(V):
        x = [V(0.5), V(-1.5), V(2.0)]
        w = [V(-0.3), V(0.8), V(0.1)]
        act = sum((wi * xi for wi, xi in zip(w, x)), V(0.2))
        out = (act.relu() * 2 - 1) ** 2 + act / 3.0 + 1 / (act * act + 1)
        out.backward()
        return out.data, [p.grad for p in x + w]

    ours, theirs = expression(Value), expression(micrograd.Value)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-12)


def test_node_reused_several_times_receives_the_sum():
    a = Value(1.5)
    y = a * a * a + a  # dy/da = 3a² + 1
    y.backward()
    assert a.grad == pytest.approx(3 * 1.5**2 + 1)


def test_a_times_a_records_both_edges():
    a = Value(3.0)
    b = a * a
    assert b.parents == (a, a)
    b.backward()
    assert a.grad == 6.0


def test_diamond():
    a = Value(2.0)
    left, right = a * 3, a.exp()
    d = left * right  # d = 3a e^a, dd/da = 3e^a + 3a e^a
    d.backward()
    assert a.grad == pytest.approx(3 * math.exp(2) * (1 + 2))
    assert topo_order([d]).count(a) == 1


def test_reuse_a_plus_a_then_b_plus_b():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (b.grad, a.grad) == (2.0, 4.0)


def test_second_backward_accumulates_leaves_and_resets_intermediates():
    a, w = Value(2.0), Value(-1.0)
    z = a * w
    out = (z * z).tanh()
    out.backward()
    first_a, first_z = a.grad, z.grad
    out.backward()
    assert z.grad == pytest.approx(first_z)  # intermediate: recomputed, not doubled
    assert a.grad == pytest.approx(2 * first_a)  # leaf: accumulates exactly once more
    zero_grad([a, w])
    out.backward()
    assert a.grad == pytest.approx(first_a)


def test_a_leaf_root_accumulates_too():
    a = Value(2.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


@pytest.mark.slow
def test_one_million_node_chain_backpropagates_without_recursion_error():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert x.grad == 1.0
    assert x.has_grad


def test_topological_order_is_stable_and_parents_first():
    def build():
        a, b = Value(1.0, label="a"), Value(2.0, label="b")
        c = a * b
        d = c + a
        return (d * c).tanh()

    first, second = topo_order([build()]), topo_order([build()])
    assert [n.label or n.op.name for n in first] == [n.label or n.op.name for n in second]
    position = {node: i for i, node in enumerate(first)}
    assert all(position[p] < position[n] for n in first for p in n.parents)


def test_no_grad_records_nothing():
    a = Value(2.0)
    with no_grad():
        b = a * 3 + 1
    assert b.parents == () and b.op is None and b.data == 7.0
    c = a * 3
    assert c.parents[0] is a


def test_has_grad_is_false_until_backward_reaches_the_node():
    a = Value(2.0)
    b = a.tanh()
    assert not a.has_grad and not b.has_grad
    b.backward()
    assert a.has_grad and b.has_grad


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1 + 2j, True, np.array([1.0, 2.0])])
def test_value_rejects_non_numbers_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_numpy_scalars_and_ints_are_accepted():
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0
    assert type(Value(2).data) is float


def test_arithmetic_with_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "2"
    with pytest.raises(TypeError):
        "2" * Value(1.0)


def test_sigmoid_is_stable_and_saturates_exactly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Value(1000.0).sigmoid().data == 1.0
        assert Value(-1000.0).sigmoid().data == 0.0
        z = Value(-1000.0)
        z.sigmoid().backward()
        assert z.grad == 0.0


def test_log_of_zero_is_minus_inf_with_a_warning():
    with pytest.warns(RuntimeWarning, match="log"):
        y = Value(0.0).log()
    assert y.data == -math.inf
    with pytest.warns(RuntimeWarning, match="negative"):
        assert math.isnan(Value(-1.0).log().data)


@pytest.mark.parametrize("build, data, grads", [
    (lambda x: x.exp(), math.inf, [math.inf]),                   # overflow
    (lambda x: (x * 0.0) ** -1.0, math.inf, [math.nan]),          # 0 ** -1, and 0 · inf in backward
    (lambda x: 1.0 / (x * 0.0), math.inf, [math.nan]),            # division by zero
    (lambda x: (x * 0.0) ** 0.5, 0.0, [math.inf * 0.0]),          # d/da √a at 0: 0 · inf
    (lambda x: (-x) ** 0.5, math.nan, [math.nan]),                # negative base, fractional exponent
])
def test_value_edge_cases_follow_numpy_never_raise(build, data, grads):
    x = Value(1000.0)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        out = build(x)
        out.backward()
        t = Tensor([1000.0])
        t_out = build(t)
        t_out.sum().backward()
    np.testing.assert_equal(out.data, data)
    np.testing.assert_equal([x.grad], grads)
    np.testing.assert_equal(out.data, t_out.data[0])  # a Value agrees with a one-entry Tensor
    np.testing.assert_equal(x.grad, t.grad[0])


def test_zero_to_a_positive_value_power_has_a_zero_exponent_gradient():
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert b.grad == 0.0 and a.grad == 0.0


def test_numerical_grad_restores_the_inputs():
    a = Value(0.7)
    grads = numerical_grad(lambda v: v.tanh(), [a])
    assert a.data == 0.7
    assert grads[0] == pytest.approx(1 - math.tanh(0.7) ** 2, rel=1e-8)


def test_no_grad_is_per_thread():
    import threading

    recorded = {}

    def worker():
        recorded["other"] = Value(2.0) * 3

    with no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        recorded["here"] = Value(2.0) * 3
    assert recorded["other"].parents and not recorded["here"].parents
