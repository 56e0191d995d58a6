"""The four activations and their derivatives, by autodiff and by the notes' formulas.

sigmoid: g' = a(1 − a); tanh: g' = 1 − a²; relu: g' = 1 where z ≥ 0 else 0;
leaky relu: g' = 1 where z ≥ 0 else 0.01. Prints a few points and plots all four.
"""

import numpy as np
import viz.plots
from _common import heading, out_dir

from autograd_mini import Tensor, analytic

out = out_dir(__doc__)
z_points = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
    Z = Tensor(z_points)
    A = getattr(Z, name)()
    A.sum().backward()
    notes = analytic.g_prime(name, z_points, analytic.g(name, z_points))
    heading(name)
    print("z        " + "".join(f"{z:9.2f}" for z in z_points))
    print("g(z)     " + "".join(f"{a:9.4f}" for a in A.data))
    print("autodiff " + "".join(f"{d:9.4f}" for d in Z.grad))
    print("notes    " + "".join(f"{d:9.4f}" for d in notes))
viz.plots.plot_activations(out / "activations.png")
print(f"\nwrote activations.png into {out}/")
