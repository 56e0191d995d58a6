"""autograd_mini: a computational-graph autodiff engine for learning, teaching and checking backprop.

The scalar :class:`Value` and the numpy-backed :class:`Tensor` record every operation;
``backward()`` walks the graph in reverse topological order and fills every ``grad``.
Names follow the course notes: X is (n_x, m), W1 is (n[1], n[0]), dZ = A − Y, ...
"""

from .conv import avg_pool, conv2d, max_pool
from .errors import ShapeError
from .graph import backward, collector_paused, is_grad_enabled, no_grad, topo_order, zero_grad
from .gradcheck import GradcheckResult, gradcheck, numerical_grad, relative_difference
from .tensor import Tensor
from .value import Value, weighted_sum
from . import analytic
from .comparison import ComparisonReport, ParameterComparison, compare
from .functional import cross_entropy, l2_cost, sigmoid_cross_entropy, softmax, softmax_cross_entropy
from .io import load_model, load_parameters, save_model, save_parameters
from .nn import DeepNet, LogisticRegression, from_one_hot, initialize_parameters, one_hot
from .optim import (Adam, GradientDescent, History, Momentum, RMSprop, accuracy, batch_gradient_descent,
                    gradient_descent_step, minibatch_gradient_descent, predict, random_mini_batches, train)

__version__ = "0.1.0"

__all__ = [
    "Value",
    "weighted_sum",
    "Tensor",
    "ShapeError",
    "backward",
    "topo_order",
    "no_grad",
    "is_grad_enabled",
    "collector_paused",
    "zero_grad",
    "gradcheck",
    "numerical_grad",
    "relative_difference",
    "GradcheckResult",
    "conv2d",
    "max_pool",
    "avg_pool",
    "analytic",
    "compare",
    "ComparisonReport",
    "ParameterComparison",
    "sigmoid_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
    "cross_entropy",
    "l2_cost",
    "DeepNet",
    "LogisticRegression",
    "initialize_parameters",
    "one_hot",
    "from_one_hot",
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "History",
    "gradient_descent_step",
    "random_mini_batches",
    "batch_gradient_descent",
    "minibatch_gradient_descent",
    "train",
    "predict",
    "accuracy",
    "save_parameters",
    "load_parameters",
    "save_model",
    "load_model",
    "__version__",
]
