"""The computational graph of one example (the notes' n_x = 2 logistic regression).

Builds z = w1·x1 + w2·x2 + b, a = σ(z), L(a, y) from Values, runs backward, and sets every
gradient beside the notes' formula (da, dz = a − y, dw_i = x_i·dz, db = dz). Writes the
computational graph, the derivative graph and the step-through page.
"""

import viz
from _common import heading, out_dir

from autograd_mini import analytic
from autograd_mini.notes_graph import NOTES_EXAMPLE, graph_nodes, logistic_graph

out = out_dir(__doc__)
L = logistic_graph()
L.backward()
n = graph_nodes(L)
closed = analytic.single_example(NOTES_EXAMPLE["x"], NOTES_EXAMPLE["w"], NOTES_EXAMPLE["b"], NOTES_EXAMPLE["y"])

heading("forward pass")
print(f"z = w1·x1 + w2·x2 + b = {n['z'].data:.6f};  a = σ(z) = {n['a'].data:.6f};  L = {n['L'].data:.6f}")
heading("backward pass: autodiff | the notes' closed form")
for name, autodiff, notes in [("da", n["a"].grad, closed["da"]), ("dz", n["z"].grad, closed["dz"]),
                              ("dw1", n["w1"].grad, closed["dw"][0]), ("dw2", n["w2"].grad, closed["dw"][1]),
                              ("db", n["b"].grad, closed["db"])]:
    print(f"{name:<4} {autodiff: .10f} | {notes: .10f}")

viz.render(viz.draw_graph(L, edge_derivatives=True), out / "computational_graph.svg")
viz.render(viz.draw_derivative_graph(L), out / "derivative_graph.svg")
viz.step_through_html(L, out / "backprop_steps.html")
print(f"\nwrote computational_graph.svg, derivative_graph.svg and backprop_steps.html into {out}/")
