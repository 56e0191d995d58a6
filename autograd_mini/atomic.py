"""Atomic file writes: a write that fails or is interrupted leaves the previous file as it was.

Everything the project writes goes through here: the content goes to a temporary file in the
same folder, is flushed to disk, and only then ``os.replace``s the target, so a reader sees
either the old file or the new one, never a part. A symbolic link at the target is replaced
by the new file, never written through. Only a regular file (or a link to one) is ever
replaced: a folder, a device (``/dev/null``), a FIFO, a socket, or a name that stands for an
open file descriptor (``/dev/stdout``, ``/proc/self/fd/1``, a link to one) is refused
(:class:`NotARegularFile`) before anything is written.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "first").read_text()
'first'
>>> with atomic_open(folder / "a.txt", "w") as f:
...     _ = f.write("second")
>>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
('second', ['a.txt'])
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write", "atomic_open", "check_replaceable", "NotARegularFile"]

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))
#: Folders whose entries stand for devices or open file descriptors, never for files of their own.
_DEVICE_FOLDER = re.compile(r"^/dev$|^/dev/fd$|^/proc/[^/]+/fd$")


class NotARegularFile(OSError):
    """An output path that an atomic write would replace although it is not a regular file."""


def check_replaceable(path) -> None:
    """Refuse ``path`` as the target of an atomic write unless it is missing, a regular file, or a
    symbolic link (which is replaced) whose target is one of those; a name in /dev or /proc/…/fd, or a
    link through one, is refused whatever it points to, as it stands for a device or an open file."""
    hop = os.path.abspath(path)
    for _ in range(40):  # the links from path to its file, as the kernel follows them
        folder = os.path.realpath(os.path.dirname(hop))
        if _DEVICE_FOLDER.match(folder):
            raise NotARegularFile(f"cannot write {path}: it names a device or an open file descriptor ({hop}), which "
                                  "an atomic write would replace; give the name of a file")
        if not os.path.islink(hop):
            break
        hop = os.path.join(folder, os.readlink(hop))
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing, or a dangling link: there is nothing to replace but the link
        return
    for test, kind in _KINDS:
        if test(mode):
            raise NotARegularFile(f"cannot write {path}: it is {kind}, not a regular file, and an atomic write "
                                  "would replace it; give the name of a file")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb", encoding: str = "utf-8") -> Iterator:
    """Open a temporary file beside ``path`` for writing; on a clean exit it replaces ``path``.

    ``mode`` is ``"wb"`` or ``"w"`` (text, ``encoding``). If the body raises, the temporary
    file is removed and ``path`` is left untouched; an ``OSError`` names ``path``. A ``path``
    that is not a regular file is refused first (:func:`check_replaceable`).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes a whole file: mode must be 'w' or 'wb'; got {mode!r}")
    path = Path(path)
    check_replaceable(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, mode, **({"encoding": encoding} if mode == "w" else {})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; give it a normal file's mode
        check_replaceable(path)  # again: the path may have become a device or a folder meanwhile
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and str(path) not in str(exc):
            raise OSError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def atomic_write(path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically; return the path."""
    with atomic_open(path, "w" if isinstance(data, str) else "wb", encoding) as f:
        f.write(data)
    return Path(path)
