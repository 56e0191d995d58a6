"""The computational graph of one example (the notes' n_x = 2 logistic regression).

Builds z = w1·x1 + w2·x2 + b, a = σ(z), L(a, y) from Values, runs backward, and follows the
chain rule step by step as the notes write it: da, then ∂a/∂z = a(1 − a), dz = da · a(1 − a)
(= a − y), dw_i = x_i · dz and db = dz, each beside the gradient autodiff stored on the node.
The inputs are chosen so that each derivative is its own number (x1 ≠ 1 and w1·x1 + w2·x2 ≠ 0,
so dw1 ≠ dz and z ≠ b), so each formula can be read off the numbers; only db equals dz, since the
notes' db = dz.
Writes the computational graph, the derivative graph and the step-through page.
"""

import viz
from _common import heading, out_dir

from autograd_mini import analytic
from autograd_mini.notes_graph import graph_nodes, logistic_graph

x, w, b, y = (1.5, -2.0), (0.8, 0.3), -0.2, 1.0

out = out_dir(__doc__)
L = logistic_graph(x, w, b, y)
L.backward()
n = graph_nodes(L)
closed = analytic.single_example(x, w, b, y)
a = n["a"].data

heading("forward pass")
print(f"x1 = {x[0]:g}, x2 = {x[1]:g}, w1 = {w[0]:g}, w2 = {w[1]:g}, b = {b:g}, y = {y:g}")
print(f"z = w1·x1 + w2·x2 + b = {w[0]:g}·{x[0]:g} + {w[1]:g}·({x[1]:g}) + ({b:g}) = {n['z'].data:.6f}")
print(f"a = σ(z) = {a:.6f}")
print(f"L = -(y log a + (1 - y) log(1 - a)) = {n['L'].data:.6f}")

heading("backward pass, one link of the chain at a time: the notes' formula = its value | autodiff's grad")
def num(v):
    """A factor as written in a product: negative numbers in parentheses."""
    return f"({v:.6f})" if v < 0 else f"{v:.6f}"


da = -y / a + (1 - y) / (1 - a)
a_prime = a * (1 - a)
dz = da * a_prime
rows = [("da", "-y/a + (1 - y)/(1 - a)", da, n["a"].grad),
        ("∂a/∂z", "a(1 - a)", a_prime, None),
        ("dz", f"da · a(1 - a) = {num(da)} · {num(a_prime)}", dz, n["z"].grad),
        ("dz", "a - y (the notes' shortcut)", a - y, n["z"].grad),
        ("dw1", f"x1 · dz = {x[0]:g} · {num(dz)}", x[0] * dz, n["w1"].grad),
        ("dw2", f"x2 · dz = ({x[1]:g}) · {num(dz)}", x[1] * dz, n["w2"].grad),
        ("db", "dz (so db equals dz)", dz, n["b"].grad)]
for name, formula, value, autodiff in rows:
    print(f"{name:<6} = {formula:<40} = {value: .6f}" + ("" if autodiff is None else f" | {autodiff: .6f}"))
heading("the same from analytic.single_example (the notes' closed form in numpy)")
print(f"da {closed['da']:.6f}, dz {closed['dz']:.6f}, dw1 {closed['dw'][0]:.6f}, dw2 {closed['dw'][1]:.6f}, "
      f"db {closed['db']:.6f}")

viz.render(viz.draw_graph(L, edge_derivatives=True), out / "computational_graph.svg")
viz.render(viz.draw_derivative_graph(L), out / "derivative_graph.svg")
viz.step_through_html(L, out / "backprop_steps.html")
print(f"\nwrote computational_graph.svg, derivative_graph.svg and backprop_steps.html into {out}/")
