"""Atomic file writes: a write that fails or is interrupted leaves the previous file as it was.

Everything the project writes goes through here: the content goes to a temporary file in the
same folder, is flushed to disk, and only then ``os.replace``s the target, so a reader sees
either the old file or the new one, never a part. A symbolic link at the target is replaced
by the new file, never written through.

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
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write", "atomic_open"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb", encoding: str = "utf-8") -> Iterator:
    """Open a temporary file beside ``path`` for writing; on a clean exit it replaces ``path``.

    ``mode`` is ``"wb"`` or ``"w"`` (text, ``encoding``). If the body raises, the temporary
    file is removed and ``path`` is left untouched; an ``OSError`` names ``path``.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes a whole file: mode must be 'w' or 'wb'; got {mode!r}")
    path = Path(path)
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
