"""Run a function in a child process, so that whatever it runs cannot end the caller or speak for it.

``autograd-mini check --backward`` runs the learner's code this way: a learner's ``sys.exit(0)`` or
``os._exit(0)`` (at import or inside the function) ends the child at most, and only an answer that the
child sent back (a completed comparison, or the exception that stopped it) reaches the caller; a
child that ends without answering is :class:`ChildEnded`, never a pass.
"""

from __future__ import annotations

import multiprocessing
import pickle

__all__ = ["run_in_child", "ChildEnded", "ChildTimedOut"]


class ChildTimedOut(RuntimeError):
    """The child gave no answer within the time it was given, and was killed."""

    def __init__(self, seconds):
        super().__init__(f"the child process gave no answer in {seconds:g} s and was killed")
        self.seconds = seconds


class ChildEnded(RuntimeError):
    """The child process ended before it answered: ``exitcode`` as multiprocessing gives it (−N for signal N)."""

    def __init__(self, exitcode):
        super().__init__(f"the child process ended (exit status {exitcode}) before it answered")
        self.exitcode = exitcode


def _answer(send, function, args) -> None:
    try:
        answer = ("returned", function(*args))
    except BaseException as exc:  # whatever stopped it, the caller decides what it means
        answer = ("raised", exc)
    try:
        pickle.loads(pickle.dumps(answer))
    except Exception:  # an exception the caller could not rebuild: keep its words
        answer = ("raised", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}"))
    send.send(answer)
    send.close()


def run_in_child(function, *args, timeout: float | None = None):
    """``function(*args)`` in a fresh Python process (``spawn``: nothing of this one is shared); its
    return value, or the exception it raised, raised here. ``function`` and ``args`` must pickle. A child
    that has not answered after ``timeout`` seconds (None: no limit) is killed: :class:`ChildTimedOut`."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(send, function, args), daemon=True)
    child.start()
    send.close()  # the child holds the only sending end: its end of the pipe closes when it ends
    try:
        if timeout is not None and not receive.poll(timeout):
            child.kill()
            child.join()
            raise ChildTimedOut(timeout)
        kind, value = receive.recv()
    except EOFError:
        child.join()
        raise ChildEnded(child.exitcode) from None
    except BaseException:  # interrupted while waiting: the child goes too
        child.terminate()
        child.join()
        raise
    finally:
        receive.close()
    child.join(timeout=5)  # it has answered; threads the learner left running do not hold the caller
    if child.is_alive():
        child.terminate()
        child.join()
    if kind == "raised":
        raise value
    return value
