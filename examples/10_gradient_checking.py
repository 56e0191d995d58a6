"""Gradient checking: your own backward_propagation, judged against autodiff and central differences.

The course's exercise (examples/course_gradient_check.py, a learner's file): a LINEAR -> RELU -> LINEAR ->
RELU -> LINEAR -> SIGMOID net on the course's own test case, whose backward pass has two deliberate bugs
(dW2 multiplied by 2, db1 computed with 4/m). The course's gradient_check_n prints its single number;
`compare(..., backward=fn)` names the two wrong gradients, the first one going back from the output,
the mistake it recognises and the line that computes it, with the same number (autodiff for the
course's central differences); the fixed function passes. Both reports are written as JSON.
The same from the command line:
    autograd-mini check --backward examples/course_gradient_check.py:backward_propagation_n \
        --layers 4,5,3,1 --activations relu,relu,sigmoid
"""

from _common import heading, out_dir
from course_gradient_check import (backward_propagation_n, backward_propagation_n_fixed, gradient_check_n,
                                   gradient_check_n_test_case)

from autograd_mini import DeepNet, compare
from autograd_mini.atomic import atomic_write

out = out_dir(__doc__)
X, Y, parameters = gradient_check_n_test_case()
Y = Y.reshape(1, -1)  # the course's y is (m,): one row of labels, (n_L, m) = (1, 3)
net = DeepNet([4, 5, 3, 1], ["relu", "relu", "sigmoid"])
net.set_parameters(parameters)

heading("the course's gradient_check_n (central differences of the learner's own cost, ε = 1e-7)")
for name, backward in (("buggy", backward_propagation_n), ("fixed", backward_propagation_n_fixed)):
    print(f"{name}: difference = {float(gradient_check_n(parameters, backward(X, Y, parameters), X, Y))!r}")
heading("the course's backward_propagation_n with its two bugs")
buggy = compare(net, X, Y, backward=backward_propagation_n)
print(buggy)
heading("fixed")
fixed = compare(net, X, Y, backward=backward_propagation_n_fixed)
print(fixed)

atomic_write(out / "gradient_check_buggy.json", buggy.to_json(indent=2))
atomic_write(out / "gradient_check_fixed.json", fixed.to_json(indent=2))
print(f"\nwrote gradient_check_buggy.json and gradient_check_fixed.json into {out}/")
