"""The graph core shared by :class:`~autograd_mini.Value` and :class:`~autograd_mini.Tensor`.

Every node records the :class:`Op` that made it and its parents, in order (``parents``).
One iterative topological sort (:func:`topo_order`) serves ``backward()``, ``viz`` and
the step-through frames, so every picture shows exactly the order that ran.

Second ``backward()`` on the same graph
---------------------------------------
Each ``backward()`` first resets the gradient of every *intermediate* node of the graph
to zero, then seeds the root and accumulates (``+=``) into every parent. Leaves
(parameters and inputs) keep accumulating, as in PyTorch: a second ``backward()``
without ``zero_grad`` gives every leaf exactly twice its gradient. (micrograd leaves
stale intermediate gradients in place, so its second pass compounds them.)

>>> from autograd_mini import Value
>>> a = Value(3.0)
>>> b = a + a          # both edges recorded: b's parents are (a, a)
>>> c = b + b
>>> c.backward()
>>> b.grad, a.grad     # dc/db = 2, dc/da = 2 * 2
(2.0, 4.0)
>>> c.backward()       # leaves accumulate, intermediates are recomputed
>>> b.grad, a.grad
(2.0, 8.0)
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator

__all__ = [
    "Node",
    "Op",
    "topo_order",
    "backward",
    "no_grad",
    "is_grad_enabled",
    "collector_paused",
    "zero_grad",
]


class Op:
    """One differentiable operation.

    Subclasses define, side by side:

    * ``name``: the symbol shown in pictures (``"*"``, ``"sigmoid"``, ...);
    * the forward rule, in the node class that builds the result;
    * ``vjp(out, g)``: the backward rule. Given the node ``out`` that the op produced and
      ``g = dL/d(out)``, return one contribution ``dL/d(parent)`` per parent, in parent
      order, or ``None`` for a parent that needs no gradient;
    * ``formula``: how the output is computed, ``{0}``, ``{1}`` standing for the parents
      (``"σ({0})"``), shown in the pictures' forward pass; optional beside it:
      ``numbers_formula``, the same written to take numbers where ``formula`` would misread
      with them (``1 · log(0.525)``, where ``y log a`` would give ``1 log 0.525``);
    * ``dformula``: per parent, the local derivative d(out)/d(parent) as the notes write
      it, with ``{out}``, ``{0}``, ``{1}`` standing for the names of the output and the
      parents and ``{k}`` for the op's constant. ``viz`` draws the derivative graph
      from these. Optional beside it: ``nformula``, the same derivative written to take
      numbers (``a · (1 - a)`` where ``a(1 - a)`` would read as a product with a number);
      ``dterm``, the whole chain-rule term with ``{g}`` for the output's gradient, where
      the gradient is not simply multiplied by the local derivative (``{g} {1}ᵀ`` for a
      matrix product).
    """

    __slots__ = ()
    name = "?"
    formula = ""
    numbers_formula = ""
    dformula: tuple[str, ...] = ()
    nformula: tuple[str, ...] = ()
    dterm: tuple[str, ...] = ()

    def vjp(self, out, g):  # pragma: no cover - every concrete op overrides it
        raise NotImplementedError(f"op {self.name!r} has no backward rule")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


class Node:
    """Common state of a graph node.

    ``data`` and ``grad`` hold the value and dL/d(value); ``label`` is an optional name
    (the notes' symbols: ``"w1"``, ``"z"``, ...); ``op`` and ``parents`` record how the
    node was made; ``has_grad`` turns True once a ``backward()`` pass has reached it;
    ``requires_grad`` is False for data (X, Y, x1, constants): no gradient flows into it.
    """

    # A GPT step makes about 140,000 scalar nodes, so a node stores only what every node needs and
    # its creation sets only that: the value, the gradient, the op, the parents, whether a gradient
    # flows into it, and the mark of the last topo_order() walk that reached it (``_seen_by``: a slot
    # read is cheaper than a lookup in a set of visited nodes). The parents sit in three slots (the
    # first, the second, a tuple of any others) rather than in a tuple of their own, so that a scalar
    # node is one object for Python's cycle collector to track, not two. ``_label`` and ``_has_grad``
    # stay empty (nothing to store when the node is made, nothing for the collector to visit) until a
    # name is given or backward() reaches the node; ``label`` and ``has_grad`` read them with a default.
    __slots__ = ("data", "grad", "_op", "_a", "_b", "_rest", "requires_grad", "_seen_by", "_label", "_has_grad")

    #: The zero gradient that every node of the class may share, when it is immutable (a float);
    #: None where gradients are arrays: ``backward()`` then takes an intermediate node's first
    #: contribution as its gradient (``_first_grad()``), and ``_reset_grad()`` makes zeros for a
    #: node that an op passes nothing back to.
    _zero_grad = None
    #: None, or a function that refuses a backward pass over a graph whose data changed after it was
    #: recorded (Tensor's version check); called once per pass, never per node, so Value pays nothing.
    _check_unchanged = None

    @property
    def label(self) -> str | None:
        """The node's name, or None."""
        return getattr(self, "_label", None)

    @label.setter
    def label(self, name: str | None) -> None:
        self._label = name

    @property
    def has_grad(self) -> bool:
        """True once a ``backward()`` pass has given this node its gradient (False again after ``zero_grad()``)."""
        return getattr(self, "_has_grad", False)

    @property
    def op(self) -> Op | None:
        """The :class:`Op` that produced this node, or ``None`` for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from, in argument order (``a * a`` gives ``(a, a)``)."""
        return self._parents

    @property
    def _parents(self) -> tuple:
        a = self._a
        if a is None:
            return ()
        if self._b is None:
            return (a,)
        return (a, self._b, *self._rest)

    @property
    def ctx(self):
        """The op's constant, if it has one (an exponent, a slope, an axis, an index)."""
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    def backward(self, grad=None) -> None:
        """Back-propagate from this node; see :func:`backward`."""
        backward(self, grad)

    def topo_order(self) -> list:
        """The nodes of this graph, every node after its parents (see :func:`topo_order`)."""
        return topo_order([self])


class _GradMode(threading.local):
    """Whether ops record the graph; per thread, so ``no_grad()`` in one thread leaves the others alone."""

    enabled = True


grad_mode = _GradMode()


class _Recording:
    """``everywhere`` is True while no thread is inside ``no_grad()``: then every thread records,
    and the scalar ops skip the per-thread lookup (a thread-local attribute costs several times
    a plain one, on every node)."""

    __slots__ = ("everywhere", "_threads_without_grad", "_lock")

    def __init__(self):
        self.everywhere = True
        self._threads_without_grad = 0
        self._lock = threading.Lock()

    def enter_no_grad(self) -> None:
        with self._lock:
            self._threads_without_grad += 1
            self.everywhere = False

    def leave_no_grad(self) -> None:
        with self._lock:
            self._threads_without_grad -= 1
            self.everywhere = self._threads_without_grad == 0


recording = _Recording()


def is_grad_enabled() -> bool:
    """False inside :func:`no_grad`."""
    return grad_mode.enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Record nothing: results made inside are leaves with no parents.

    >>> from autograd_mini import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """
    previous = grad_mode.enabled
    recording.enter_no_grad()  # before this thread stops recording, so its ops never see "everywhere"
    grad_mode.enabled = False
    try:
        yield
    finally:
        grad_mode.enabled = previous
        recording.leave_no_grad()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building a large graph (opt-in).

    Graph nodes hold no reference cycles, so the collector has nothing to free in them,
    yet it re-scans every live node each time enough objects have been allocated. Wrap
    the construction of a large graph in this context to skip that work; the collector's
    previous state is restored on exit. ``backward()`` does the same for its own walk.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Threads may share a graph: one topo_order() walk marks nodes at a time, and one backward() pass runs
# at a time (each resets its graph's intermediate gradients, then accumulates into the leaves, so two
# passes over one graph at once would mix their sums). k passes from any threads then give every leaf
# exactly k times one pass's gradient. Taken once per walk or pass, never per node.
_graph_lock = threading.RLock()


def topo_order(roots: Iterable) -> list:
    """Every node reachable from ``roots``, each after all of its parents.

    Iterative depth-first post-order (no recursion, so a 1,000,000-node chain is fine);
    parents are visited in their order and roots in the order given, so the same graph
    always yields the same list. ``backward()`` walks it in reverse.
    """
    roots = [roots] if isinstance(roots, Node) else list(roots)
    for root in roots:
        if not isinstance(root, Node):
            raise TypeError(f"topo_order expects Value or Tensor nodes, got {type(root).__name__}")
    return _walk(roots, None)


def _walk(roots: list, zero) -> list:
    """topo_order()'s walk. ``backward()`` passes the zero gradient of scalar nodes as ``zero``: each
    intermediate node's gradient is reset to it as the node is placed, while the node is at hand
    (a pass of its own over a large graph costs as much again)."""
    order: list = []
    append = order.append
    walk = object()  # this walk's mark: a node whose _seen_by is walk has been visited
    others_left: dict = {}  # a node with more than two parents -> an iterator over its others
    with _graph_lock:
        for root in roots:
            if root._seen_by is walk:
                continue
            root._seen_by = walk
            if root._a is None:  # a leaf
                append(root)
                continue
            below: list = []  # the path under ``node``, each node on it a child of the one above it
            push, pop = below.append, below.pop
            # node: the op node being expanded (only op nodes go on the path); fresh: just reached, so
            # its first parents are still to visit (a node back on top after a pop has its first parent placed)
            node, fresh = root, True
            while True:
                if fresh:
                    # descend along first parents not visited yet, as deep as they go; a leaf is placed at once
                    a = node._a
                    while a._seen_by is not walk:
                        a._seen_by = walk
                        if a._a is None:
                            append(a)
                            break
                        push(node)
                        node, a = a, a._a
                # node's first parent is placed: on to its second, then any others
                b = node._b
                if b is not None and b._seen_by is not walk:
                    b._seen_by = walk
                    ba = b._a
                    if ba is None:  # a leaf
                        append(b)
                    else:
                        # an op node whose own parents are leaves or placed (the w·x of a sum) is placed here,
                        # after them, without a trip through the path
                        if ba._seen_by is not walk:
                            if ba._a is not None:
                                push(node)
                                node, fresh = b, True
                                continue
                            ba._seen_by = walk
                            append(ba)
                        bb = b._b
                        if bb is not None and bb._seen_by is not walk:
                            if bb._a is not None or b._rest:
                                push(node)
                                node, fresh = b, False
                                continue
                            bb._seen_by = walk
                            append(bb)
                        elif b._rest:
                            push(node)
                            node, fresh = b, False
                            continue
                        if zero is not None:
                            b.grad = zero
                        append(b)
                if node._rest:
                    others = others_left.get(node) or others_left.setdefault(node, iter(node._rest))
                    fresh = False
                    for parent in others:
                        if parent._seen_by is not walk:
                            parent._seen_by = walk
                            if parent._a is not None:
                                push(node)
                                node, fresh = parent, True
                                break
                            append(parent)
                    if fresh:
                        continue
                if zero is not None:
                    node.grad = zero
                append(node)
                if not below:
                    break
                node, fresh = pop(), False
    return order


def backward(root: Node, grad=None) -> None:
    """Fill ``grad`` of every node that ``root`` depends on with dL/d(node), L = ``root``.

    A scalar root (a ``Value``, or a ``Tensor`` holding one number) is seeded with 1;
    any other ``Tensor`` root needs ``grad`` of its own shape. Intermediate gradients are
    reset first and leaves accumulate (see the module docstring).
    """
    seed = root._seed(grad)
    _graph_lock.acquire()  # one pass at a time (see _graph_lock); before the collector's state is read
    # the walk allocates, yet frees all it made: nothing for the collector (paused here without
    # collector_paused(), whose context manager costs as much as the walk of a small graph)
    collecting = gc.isenabled()
    gc.disable()
    order: list = []
    try:
        zero = root._zero_grad  # one graph holds nodes of one class
        order = _walk([root], zero)  # float gradients of intermediate nodes are reset by the walk
        if root._check_unchanged is not None:
            root._check_unchanged(order)
        if zero is None:
            for node in order:
                if node._op is not None:
                    node.grad = _NoContributionYet(node)
        if root._op is None:
            root.grad += seed  # a leaf root accumulates like every other leaf
        else:
            root.grad = seed
        for node in reversed(order):
            node._has_grad = node.requires_grad
            op = node._op
            if op is None:
                continue
            # one contribution dL/d(parent) per parent, in the order of node.parents; all of a node's
            # consumers come before it, so its gradient is complete when its own rule runs
            contributions = op.vjp(node, node.grad)
            a = node._a
            if a.requires_grad:
                da = contributions[0]
                if da is not None:
                    a.grad += da
                elif type(a.grad) is _NoContributionYet:  # an op that passes nothing back: zeros, then
                    a._reset_grad()
            b = node._b
            if b is None:
                continue
            if b.requires_grad:
                db = contributions[1]
                if db is not None:
                    b.grad += db
                elif type(b.grad) is _NoContributionYet:
                    b._reset_grad()
            if node._rest:
                for parent, contribution in zip(node._rest, contributions[2:]):
                    if parent.requires_grad:
                        if contribution is not None:
                            parent.grad += contribution
                        elif type(parent.grad) is _NoContributionYet:
                            parent._reset_grad()
    except BaseException:
        for node in order:  # a pass cut short leaves no gradient waiting for a contribution
            if type(node.grad) is _NoContributionYet:
                node._reset_grad()
        raise
    finally:
        if collecting:
            gc.enable()
        _graph_lock.release()


class _NoContributionYet:
    """The gradient of an intermediate array node before its first contribution in a ``backward()``
    pass. ``grad += contribution`` then gives the node a new array holding that contribution: one
    pass over the numbers, where resetting to zeros and adding to them takes two (and a fresh block
    of zeros)."""

    __slots__ = ("node",)

    def __init__(self, node: Node):
        self.node = node

    def __iadd__(self, contribution):
        return self.node._first_grad(contribution)


def zero_grad(nodes: Iterable) -> None:
    """Set the gradient of each given node (usually the parameters) back to zero."""
    if isinstance(nodes, Node):
        nodes = [nodes]
    for node in nodes:
        if not isinstance(node, Node):
            raise TypeError(f"zero_grad expects Value or Tensor nodes, got {type(node).__name__}")
        node.zero_grad()
