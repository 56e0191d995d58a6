"""A learner's own code, as the backprop check meets it: loaded from its file, called the way the checker
calls it, its result read, and the line that computes a gradient found.

Whatever goes wrong on the learner's side becomes a :class:`LearnerError` with one plain sentence (and
the learner's own traceback where their code raised), never a traceback of the checker.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

import numpy as np

__all__ = ["LearnerError", "LearnerFileError", "LearnerCallError", "load_function", "function_name", "call_learner", "read_result",
           "as_gradient", "find_lines"]

#: Names a learner may give λ; the checker passes it as ``lambd``, the notes' name.
_LAMBDA_LIKE = re.compile(r"^(lam|lamb|lamda|lambda_?|lmbda|reg|l2|alpha_l2|lambda_reg)$", re.IGNORECASE)
#: Names of parameters that take dropout's masks or keep_prob.
_DROPOUT_LIKE = re.compile(r"^(masks?|D|D_?list|dropout_masks|keep_prob|kp)$", re.IGNORECASE)


class LearnerError(Exception):
    """The learner's function could not be checked: what it did, in the learner's terms."""


class LearnerFileError(ValueError):
    """The ``--backward FILE:FUNCTION`` cannot be used (no file, no function, the file does not run)."""


class LearnerCallError(ValueError):
    """The check cannot call the learner's function as it is defined (its parameters do not take what the
    check passes, or it cannot be given λ): bad input, found before the function runs."""


def _file_line(exc: BaseException, path: Path):
    line = getattr(exc, "lineno", None)
    if line is None and exc.__traceback__ is not None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if os.path.abspath(f.filename) == os.path.abspath(path)]
        line = frames[-1].lineno if frames else None
    return f"{path}, line {line}" if line else str(path)


def load_function(spec: str):
    """FILE.py:FUNCTION, the learner's own code, imported from its file (running it is the point).

    The file's folder goes first on ``sys.path``, as ``python FILE.py`` puts it, so that the file imports
    the helper files beside it (the course's dnn_utils, testCases, gc_utils); the check runs this in a
    child process, whose path nothing else uses. A file that fails to import, or that ends the program
    while being imported (``sys.exit``), is a :class:`LearnerFileError` naming the line.
    """
    path_text, _, name = spec.rpartition(":")
    if not path_text or not name:
        raise LearnerFileError(f"--backward expects FILE:FUNCTION such as my_backprop.py:backward_propagation; "
                               f"got {spec!r}")
    path = Path(path_text)
    if not path.is_file():
        raise LearnerFileError(f"--backward: no such file: {path}")
    module_spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
    if module_spec is None:
        raise LearnerFileError(f"--backward: {path} is not a Python file")
    module = importlib.util.module_from_spec(module_spec)
    folder = str(path.resolve().parent)
    if sys.path[:1] != [folder]:
        sys.path.insert(0, folder)
    try:
        module_spec.loader.exec_module(module)
    except SystemExit as exc:
        raise LearnerFileError(f"--backward: {_file_line(exc, path)}: the file calls sys.exit({exc.code!r}) while "
                               "being imported, so its function is never reached: keep the call under "
                               "`if __name__ == \"__main__\":`") from None
    except Exception as exc:  # the learner's file: name the line, in one line
        raise LearnerFileError(f"--backward: {_file_line(exc, path)}: {type(exc).__name__}: {exc}") from None
    fn = getattr(module, name, None)
    if not callable(fn):
        defined = sorted(n for n, v in vars(module).items()
                         if inspect.isfunction(v) and v.__module__ == module.__name__ and not n.startswith("_"))
        raise LearnerFileError(f"--backward: {path} defines no function {name!r}"
                               + (f" (it defines: {', '.join(defined)})" if defined else ""))
    return fn


def function_name(fn) -> str:
    name = getattr(fn, "__name__", type(fn).__name__)
    code = getattr(fn, "__code__", None)
    return f"{name} ({os.path.basename(code.co_filename)})" if code is not None else name


def _learner_frames(exc: BaseException, fn) -> list:
    """The traceback's frames in the learner's own file (all below the checker's call when none is)."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]
    code = getattr(fn, "__code__", None)
    own = [f for f in frames if code is not None and f.filename == code.co_filename]
    return own or frames


def _where(exc: BaseException, fn) -> str:
    frames = _learner_frames(exc, fn)
    return f" at line {frames[-1].lineno} of {os.path.basename(frames[-1].filename)}" if frames else ""


def _plan(fn, logistic: bool, lambd: float, masks: dict, keep_prob: dict):
    """What the checker passes: (positional names, positional values, keyword values)."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        parameters = {}
    keywords = {}
    if "lambd" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        keywords["lambd"] = lambd
    if masks and "keep_prob" in parameters:
        keywords["keep_prob"] = dict(keep_prob) if len(set(keep_prob.values())) > 1 else next(iter(keep_prob.values()))
    if logistic:
        return ["w", "b", "X", "Y"], keywords
    names = ["X", "Y", "parameters"]
    positional = [p for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_more = len(positional) > 3 and positional[3].name not in keywords or \
        any(p.kind == p.VAR_POSITIONAL for p in parameters.values())
    if masks and takes_more:
        names.append("masks")
    return names, keywords


def _signature_problem(fn, names: list, keywords: dict, logistic: bool, masks: dict, exc: TypeError | None) -> str:
    """One sentence: how the checker calls the function, how it is defined, and what to change."""
    name = getattr(fn, "__name__", "your function")
    try:
        defined = f"{name}{inspect.signature(fn)}"
    except (TypeError, ValueError):
        defined = name
    if masks and "masks" not in names:
        names = names + ["masks"]
    passed = ", ".join(names + [f"{k}=…" for k in keywords])
    text = f"the check calls {name}({passed}), but your function is {defined}" + (f": {exc}." if exc else ".")
    params = list(inspect.signature(fn).parameters) if defined != name else []
    if logistic and params[:3] == ["X", "Y", "parameters"]:
        text += " It looks like a backprop for DeepNet: leave out --logistic."
    elif not logistic and params[:4] == ["w", "b", "X", "Y"]:
        text += " It looks like logistic regression's propagate: check it with --logistic."
    text += _rename_hint(params)
    if masks and exc is None:
        text += (" This net drops units (keep_prob < 1), and the check hands your function the masks it holds for "
                 "autodiff and central differences: take them as a fourth argument, a dict D1, D2, … of 0/1 arrays "
                 "of the shapes of A1, A2, …, and apply them as your forward pass would; or check it without "
                 "dropout (leave out --keep-prob).")
    elif not masks and not logistic and any(_DROPOUT_LIKE.match(p) for p in params[3:]):
        text += (" It takes dropout's masks: check it on a net with dropout, --keep-prob P "
                 "(DeepNet(..., keep_prob=P)), and the check hands it the masks D1, D2, … as a fourth argument.")
    return text


def _rename_hint(params: list) -> str:
    """The hint for a parameter that looks like λ under another name ("" when none does)."""
    lambda_like = [p for p in params if _LAMBDA_LIKE.match(p)]
    return f" λ is passed by the notes' name lambd: rename {lambda_like[0]!r} to 'lambd'." if lambda_like else ""


def _lambd_problem(fn, lambd: float) -> str:
    """Why the function cannot be given λ ("" when it can: λ = 0, or it takes lambd or **kwargs)."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return ""
    if not lambd or "lambd" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
        return ""
    name = getattr(fn, "__name__", "your function")
    rename = _rename_hint(list(parameters))
    return (f"{name}{inspect.signature(fn)} has no parameter lambd, so the check cannot give it λ = {lambd:g}."
            + (rename or " Add a parameter lambd (the notes' name for λ) and the L2 term, or check it with λ = 0 "
                         "(leave out --lambd)."))


class _TimedOut(BaseException):
    """The learner's call ran past its time limit, at the line of its file given (a BaseException, so that
    the learner's ``except Exception`` lets it through)."""


def _traced(fn, args, keywords, timeout: float) -> tuple:
    """fn(*args, **keywords) and the line numbers of fn's file that ran (for :func:`find_lines`), stopped
    with :class:`_TimedOut` after ``timeout`` seconds: by a timer signal where this is the main thread (it
    stops a sleep or a loop in any file), else at the next line of fn's file that runs."""
    code = getattr(fn, "__code__", None)
    executed = set()
    deadline = time.monotonic() + timeout

    running = [0]  # the line of fn's file that ran last (a signal may come inside the tracer, out of fn's stack)

    def stop(frame):
        """Raise _TimedOut with the line of fn's file that was running."""
        while frame is not None and (code is None or frame.f_code.co_filename != code.co_filename):
            frame = frame.f_back
        raise _TimedOut(frame.f_lineno if frame is not None else running[0])

    def lines(frame, event, arg):
        if event == "line":
            executed.add(frame.f_lineno)
            running[0] = frame.f_lineno
            if time.monotonic() > deadline:
                stop(frame)
        return lines

    def calls(frame, event, arg):
        return lines if code is not None and frame.f_code.co_filename == code.co_filename else None

    def alarm(signum, frame):
        stop(frame)

    timer = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = sys.gettrace()
    if timer:
        handler = signal.signal(signal.SIGALRM, alarm)
        caller_timer = signal.setitimer(signal.ITIMER_REAL, timeout)
    started = time.monotonic()
    sys.settrace(calls)
    try:
        return fn(*args, **keywords), executed
    finally:
        sys.settrace(previous)
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, handler)
            if caller_timer[0]:  # the caller's own timer goes on, less the time the call took
                signal.setitimer(signal.ITIMER_REAL, max(caller_timer[0] - (time.monotonic() - started), 1e-6),
                                 caller_timer[1])


def call_learner(fn, model_parameters: dict, X: np.ndarray, Y: np.ndarray, *, logistic: bool, lambd: float,
                 masks: dict, keep_prob: dict, timeout: float = 60.0):
    """Run the learner's function on copies, as the course calls it: ``fn(w, b, X, Y)`` for logistic
    regression, ``fn(X, Y, parameters)`` for a net, ``fn(X, Y, parameters, masks)`` for a net with
    dropout; ``lambd`` and ``keep_prob`` by name to a function that has parameters of those names.
    Returns what it returned and the line numbers of its file that ran; a :class:`LearnerError` says why
    there is nothing to check. A function that cannot be called so, or that has no parameter ``lambd``
    while λ ≠ 0, is a :class:`LearnerCallError` before it runs. A call that runs for more than ``timeout``
    seconds is stopped, a :class:`LearnerError` that says so."""
    names, keywords = _plan(fn, logistic, lambd, masks, keep_prob)
    parameters = {name: value.copy() for name, value in model_parameters.items()}
    if logistic:
        args = [parameters["w"], float(parameters["b"].reshape(())), X.copy(), Y.copy()]
    else:
        args = [X.copy(), Y.copy(), parameters]
        if "masks" in names:
            args.append({name: mask.copy() for name, mask in masks.items()})
    try:
        inspect.signature(fn).bind(*args, **keywords)
    except TypeError as exc:
        raise LearnerCallError("Your function cannot be called as the check calls it: "
                               + _signature_problem(fn, names, keywords, logistic, masks, exc)) from None
    except ValueError:  # a builtin without a signature: let the call say
        pass
    if masks and "masks" not in names:
        raise LearnerCallError("Your function cannot be called as the check calls it: "
                               + _signature_problem(fn, names, keywords, logistic, masks, None))
    problem = _lambd_problem(fn, lambd)
    if problem:
        raise LearnerCallError(problem)
    try:
        return _traced(fn, args, keywords, timeout)
    except _TimedOut as exc:
        line = exc.args[0]
        where = f" at line {line} of {os.path.basename(fn.__code__.co_filename)}" if line else ""
        raise LearnerError(f"Your function ran for more than {timeout:g} s without returning and was stopped"
                           f"{where}, so nothing was checked: an endless loop? If it is only slow, give it "
                           "more time with --timeout SECONDS (compare(..., timeout=SECONDS)).") from None
    except SystemExit as exc:
        raise LearnerError(f"Your function called sys.exit({exc.code!r}){_where(exc, fn)} instead of returning "
                           "gradients, so nothing was checked.") from None
    except KeyboardInterrupt as exc:
        raise LearnerError(f"Your function was interrupted (KeyboardInterrupt){_where(exc, fn)} before it returned "
                           "gradients, so nothing was checked.") from None
    except Exception as exc:  # the learner's code: show its own traceback
        frames = _learner_frames(exc, fn)
        raise LearnerError("Your function raised an exception:\nTraceback (most recent call last):\n"
                           + "".join(traceback.format_list(frames))
                           + "".join(traceback.format_exception_only(type(exc), exc))) from None


def _what(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return "a dict"
    return f"a {type(value).__name__}"


def read_result(result, logistic: bool) -> tuple:
    """(grads dict, cost or None) from what the learner's function returned; a :class:`LearnerError`
    names what it returned and what was expected, in one sentence."""
    expected = ("(grads, cost) with grads['dw'] and grads['db'], as the course's propagate returns" if logistic
                else "a dict of gradients dW1, db1, … (or (grads, cost))")
    if result is None:
        raise LearnerError(f"Your function returned None; expected {expected}: is `return grads` missing?")
    if isinstance(result, tuple):
        parts = ", ".join(_what(part) for part in result)
        if len(result) == 2 and isinstance(result[0], dict) and isinstance(result[1], (dict, list, tuple)):
            raise LearnerError(f"Your function returned a tuple of a dict and {_what(result[1])}, which looks like "
                               f"(grads, caches); expected {expected}.")
        if len(result) == 2 and isinstance(result[0], dict):
            if _not_real(result[1]):
                raise LearnerError(f"Your function returned (grads, cost) with a cost that {_not_real(result[1])}: "
                                   "the cost is a real number.")
            try:
                if result[1] is None:  # float64 would make it nan
                    raise TypeError
                cost = float(np.asarray(result[1], dtype=np.float64).reshape(()))
            except (TypeError, ValueError):
                raise LearnerError(f"Your function returned (grads, {_what(result[1])}); the second item should be "
                                   "the cost, a number.") from None
            return result[0], cost
        raise LearnerError(f"Your function returned a tuple of {len(result)} items ({parts}); expected {expected}.")
    if not isinstance(result, dict):
        raise LearnerError(f"Your function returned {_what(result)}; expected {expected}.")
    return result, None


def _not_real(value) -> str:
    """What an array whose entries are not real numbers is ("is complex (dtype complex128)"), "" for one whose are (or for a value
    that is no array, which :func:`as_gradient` names): converting it to float64 would drop an imaginary
    part, or turn True/False, text or objects into numbers the learner never computed."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return ""
    kind, dtype = array.dtype.kind, array.dtype
    if kind in "iuf" or kind in "OUS" and array.ndim == 0:
        return ""
    if kind == "c":
        return f"is complex (dtype {dtype})"
    what = {"b": "True/False values", "O": "Python objects", "U": "text", "S": "bytes"}.get(kind, "values")
    return f"is an array of {what} (dtype {dtype})"


def as_gradient(value, shape: tuple) -> tuple:
    """(array, problem): the learner's value as a float64 array, or None and what is wrong with it."""
    if value is None:
        return None, f"is None (nothing was stored under this key); expected an array of shape {shape}"
    problem = _not_real(value)
    if problem:
        return None, f"{problem}: a gradient is real"
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"is {_what(value)}; expected an array of shape {shape}"
    if shape == (1, 1) and array.size == 1 and array.ndim <= 2:
        array = array.reshape(1, 1)  # a one-unit db is a number in the course
    if array.shape != shape:
        return array, None
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return None, f"contains NaN or inf ({int(bad.sum())} entries, the first at {first})"
    return array, None


# ---------------------------------------------------------------- where the learner computes a gradient


def _functions(fn) -> list:
    """The learner's function's AST and, in the order it calls them, the functions of its file it calls,
    with the file's lines."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    try:
        lines = Path(code.co_filename).read_text().splitlines()
        tree = ast.parse("\n".join(lines))
    except (OSError, SyntaxError, ValueError):
        return []
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    first = next((node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.Lambda))
                  and node.lineno == code.co_firstlineno), None)
    found, queue = [], [first] if first is not None else []
    while queue:
        node = queue.pop(0)
        if node in found:
            continue
        found.append(node)
        queue += [defined[call.func.id] for call in ast.walk(node)
                  if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in defined]
    return [(node, lines) for node in found]


def _number(node, step: int, L: int):
    """A layer index written as l, L, l - 1, L + 1, … with l the step and L the number of layers; None
    for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        return L if node.id == "L" else step
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left, right = _number(node.left, step, L), _number(node.right, step, L)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left - right
    return None


def _key_of(target, step: int, L: int):
    """A subscript's key: "dW2" for grads["dW2"]; for grads["dW" + str(l)] or grads[f"dW{l}"] the key with
    the index worked out (l the step), or ("dW", None) when it cannot be; None for anything else."""
    if not isinstance(target, ast.Subscript):
        return None
    key = target.slice
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    index = None
    if isinstance(key, ast.BinOp) and isinstance(key.op, ast.Add) and isinstance(key.left, ast.Constant) \
            and isinstance(key.left.value, str):
        prefix = key.left.value
        if isinstance(key.right, ast.Call) and getattr(key.right.func, "id", "") == "str" and len(key.right.args) == 1:
            index = _number(key.right.args[0], step, L)
    elif isinstance(key, ast.JoinedStr) and len(key.values) == 2 and isinstance(key.values[0], ast.Constant) \
            and isinstance(key.values[1], ast.FormattedValue):
        prefix = key.values[0].value
        index = _number(key.values[1].value, step, L)
    else:
        return None
    return f"{prefix}{index}" if index is not None else (prefix, None)


def _targets(node) -> list:
    out = []
    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
        out += target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
    return out


def _stores(fn, executed, step: int, L: int) -> list:
    """Every place the learner's code stores a value, that ran (all when ``executed`` is None):
    (the statement, the variable's name or None, the key or None, the value, its function, the file's
    lines). A key is a string (grads["dW2"], {"dW2": …}, grads["dW" + str(l)] worked out with l = ``step``)
    or (prefix, None) where the index cannot be worked out; ``written`` keys are literal strings."""
    out = []
    for function, lines in _functions(fn):
        for node in ast.walk(function):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                if executed is None or node.lineno in executed:
                    for target in _targets(node):
                        name = target.id if isinstance(target, ast.Name) else None
                        written = isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                        out.append((node, name, _key_of(target, step, L), written, node.value, function, lines))
            elif isinstance(node, ast.Dict):  # return {"dW2": dW2, …}
                out += [(value, None, key.value, True, value, function, lines) for key, value in zip(node.keys, node.values)
                        if isinstance(key, ast.Constant) and isinstance(key.value, str)
                        and (executed is None or value.lineno in executed)]
    return out


def _shown(node, lines) -> str:
    text = lines[node.lineno - 1].strip()
    return text + " …" if getattr(node, "end_lineno", node.lineno) > node.lineno else text


def find_lines(fn, key: str, step: int, L: int, executed=None) -> list:
    """The lines of the learner's code that compute the gradient it returned under ``key`` (``"dA1"``),
    as (line number, file name, the line), at most three in the order of the file: those that store it
    in a variable of that name or under the key "dA1"; else under grads["dA" + str(l - 1)] with
    l = ``step``; else, where the index cannot be worked out, under any grads["dA" + …]. Where such a line
    stores a variable (``dA_prev``, or a dA… in the expression it stores), the lines that compute that
    variable are shown instead. ``executed``: the line numbers that ran (see :func:`call_learner`); only
    those are shown."""
    prefix = key.rstrip("0123456789")
    stores = _stores(fn, executed, step, L)
    exact, evaluated, looped = [], [], []
    for store in stores:
        _, name, found, written, _, _, _ = store
        if name == key or found == key and written:
            exact.append(store)
        elif found == key:
            evaluated.append(store)
        elif found == (prefix, None) or isinstance(found, str) and found.rstrip("0123456789") == prefix:
            looped.append(store)
    shown = {}
    for node, _, _, _, value, function, lines in exact or evaluated or looped:
        # the variable it stores: grads["dA1"] = dA_prev, or the dA… in grads["dA1"] = dA_prev / scale
        names = {value.id} if isinstance(value, ast.Name) else {
            n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id.startswith(prefix)}
        computed = [(other, where_lines) for other, name, _, _, _, where, where_lines in stores
                    if where is function and other is not node and name in names]
        for statement, statement_lines in computed or [(node, lines)]:
            shown[statement.lineno] = _shown(statement, statement_lines)
    file = os.path.basename(fn.__code__.co_filename) if shown else ""
    return [(number, file, shown[number]) for number in sorted(shown)][:3]
