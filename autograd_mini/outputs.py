"""Where the command line writes: outputs checked against inputs, and one run's files committed together.

* An output never overwrites an input: :func:`check_output` compares an output path with every
  input (the files read, the learner's ``--backward`` file, and standard input's file when it is a
  regular file, for ``-``), after links and by inode, and refuses a folder, a device or any other
  file that is not a regular one (:func:`~autograd_mini.atomic.check_replaceable`).
* One run's files are committed together (:class:`RunFolder`): they are written into a temporary
  folder beside ``--out``, which takes the place of ``--out`` in one rename (Linux's ``renameat2``
  with ``RENAME_EXCHANGE``) once the run has written everything. A run that fails, is interrupted
  or killed, or runs out of space leaves the previous outputs exactly as they were. A lock file
  beside ``--out`` refuses a second run into the same folder while one runs. Files in ``--out`` that
  the command does not write are kept (hard-linked into the new folder); a subfolder is refused
  before any work, as it cannot be carried over in the same step.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import stat
import sys
import tempfile
from pathlib import Path

from .atomic import _umask, atomic_write, check_replaceable

__all__ = ["OutputError", "check_output", "check_folder", "RunFolder"]


class OutputError(ValueError):
    """An output that would overwrite an input, or a folder that cannot take a run's files."""


def _identity(path) -> tuple | None:
    """(device, inode) of the file ``path`` names after links, or None when there is none; ``-`` is
    standard input, which has one only when it is a regular file (``< file``), not a pipe or a terminal."""
    try:
        info = os.fstat(sys.stdin.fileno()) if str(path) == "-" else os.stat(path)
    except (OSError, ValueError, AttributeError):  # no such file; no standard input at all
        return None
    if str(path) == "-" and not stat.S_ISREG(info.st_mode):
        return None
    return info.st_dev, info.st_ino


def _same_file(output, source) -> bool:
    """Whether ``output`` and the input ``source`` name one file: the same path after links, or the same inode."""
    if str(source) != "-" and os.path.realpath(output) == os.path.realpath(source):
        return True
    identity = _identity(source)
    return identity is not None and identity == _identity(output)


def _shown(source) -> str:
    return "standard input" if str(source) == "-" else str(source)


def check_output(path, inputs=(), flag: str = "the output") -> None:
    """Refuse the output ``path`` (given as ``flag``) when it is a folder, a device or another special
    file, when its folder cannot be written, or when it is one of ``inputs``: all before any work."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{flag} {path} is a folder; give a file name")
    check_replaceable(path)
    check_folder(path.parent, f"{flag}'s folder")
    _refuse_inputs(path, inputs)


def _refuse_inputs(path: Path, inputs) -> None:
    for source in inputs:
        if source is not None and _same_file(path, source):
            raise OutputError(f"the output {path} is the input {_shown(source)}; an output never overwrites an "
                              "input, so choose another name")


def check_folder(out: Path, flag: str = "--out") -> None:
    """Refuse an output folder that cannot be made or written, before any work is done."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{flag} {out} is a file, not a folder")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"cannot create the output folder {out}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {existing}: permission denied")


# ------------------------------------------------------------------------------ swapping two folders in one step

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _renameat2():
    """glibc's renameat2 (Linux 3.15+, glibc 2.28+), or None where there is none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one step; False where the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, f"cannot put the new outputs in place of {b}: {os.strerror(code)}")


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------ a run's output folder


class RunFolder:
    """The output folder of one run: ``with RunFolder(out, names, inputs) as run:`` … ``run.path(name, what)``.

    Made before any work, it checks that ``out`` can take the run's files: a folder (or a name for
    one) whose parent can be written, holding no subfolder, with no input among the files the run
    writes (``names``, every file the command may write), and not the current folder (replacing it
    would leave the shell in the old one). Entering it takes the lock (another run into ``out``
    is refused) and makes the temporary folder; leaving it without an error puts the new folder in
    place of ``out`` in one step, with the files of ``out`` that this run does not write carried
    over. Files of ``names`` that this run did not write are gone: every output is from one run.
    """

    def __init__(self, out, names=(), inputs=(), flag: str = "--out"):
        self.out = Path(out)
        self.flag = flag
        self.names = set(names)
        self.inputs = list(inputs)
        self.written: list[tuple[str, str]] = []
        self._staging: Path | None = None
        self._lock_fd: int | None = None
        self._lock_path: Path | None = None
        self._made: list[Path] = []
        check_folder(self.out, flag)
        self.target = Path(os.path.realpath(self.out))  # a link to a folder: the folder it names is replaced
        self.parent = self.target.parent
        if self.target.exists():
            if not os.access(self.target, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write into {self.out}: permission denied")
            if not os.access(self.parent, os.W_OK | os.X_OK):
                raise OutputError(f"cannot replace {self.out}: its folder {self.parent} cannot be written (a run "
                                  "writes its files beside it first, then puts them in its place)")
            cwd = os.path.realpath(os.getcwd())
            if cwd == str(self.target) or cwd.startswith(str(self.target) + os.sep):
                raise OutputError(f"{flag} {self.out} is the current folder (or holds it); a run replaces its output "
                                  "folder as a whole, so name a folder of its own, such as out")
            self._check_contents()
        for name in sorted(self.names):  # a link at one of them is dropped, never written through
            _refuse_inputs(self.out / name, self.inputs)

    def _check_contents(self) -> None:
        for entry in os.scandir(self.target):
            if entry.is_symlink() or entry.is_file(follow_symlinks=False):
                continue
            what = "a folder" if entry.is_dir(follow_symlinks=False) else "a special file"
            if entry.name in self.names:
                raise OutputError(f"{self.out / entry.name} is {what}, where the run writes its file "
                                  f"{entry.name}; move it, or choose another {self.flag}")
            raise OutputError(f"{self.out / entry.name} is {what}; a run replaces {self.out} as a whole and cannot "
                              "carry it over, so move it, or give the run a folder of its own")

    # ---------------------------------------------------------------------------- lock and temporary folder

    def _lock(self) -> None:
        lock = self.parent / f".{self.target.name}.lock"
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip()
                os.close(fd)
                who = f" (process {holder})" if holder.isdigit() else ""
                raise OutputError(f"another autograd-mini run{who} is writing into {self.out}; wait for it to "
                                  f"finish, or choose another {self.flag}") from None
            with contextlib.suppress(FileNotFoundError):
                if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                    break
            os.close(fd)  # the run before removed the file while this one opened it: lock the new one
        self._lock_fd, self._lock_path = fd, lock
        with contextlib.suppress(OSError):  # the process id is for the message of a refused run; a full disk may keep it out
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._lock_path)  # while still held, so no other run locks a file about to go
            os.close(self._lock_fd)
            self._lock_fd = None

    def _clean_up_after_killed_runs(self) -> None:
        """Under the lock: a run killed between the two renames of the fallback left ``out`` missing and
        the previous outputs in ``.NAME.old-*``, which go back; temporary folders of killed runs go."""
        stem = f".{self.target.name}."
        leftovers = sorted((p for p in self.parent.iterdir() if p.name.startswith(stem) and p.is_dir()
                            and p.name[len(stem):].startswith(("new-", "old-"))), key=lambda p: p.stat().st_mtime)
        if not self.target.exists():
            old = [p for p in leftovers if p.name[len(stem):].startswith("old-")]
            if old:
                os.rename(old[-1], self.target)
                leftovers.remove(old[-1])
        for folder in leftovers:
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> RunFolder:
        try:
            with _signals_held():  # a signal meanwhile is raised at the end, and undoes all of it
                missing = []
                folder = self.parent
                while not folder.exists():
                    missing.append(folder)
                    folder = folder.parent
                for folder in reversed(missing):
                    folder.mkdir()
                    self._made.append(folder)
                self._lock()
                self._clean_up_after_killed_runs()
                if self.target.exists():
                    self._check_contents()
                self._staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-", dir=self.parent))
        except BaseException:
            self._discard()
            raise
        return self

    # ---------------------------------------------------------------------------- writing

    def path(self, name: str, what: str) -> Path:
        """Where to write the file ``name`` (described by ``what`` in the closing list)."""
        if name not in self.names:
            _refuse_inputs(self.out / name, self.inputs)
        self.written.append((name, what))
        return self._staging / name

    def text(self, name: str, what: str, content: str) -> Path:
        return atomic_write(self.path(name, what), content)

    def unlist(self, path) -> None:
        """Take the file at ``path`` off the closing list: a picture left out (too large to read) is not
        written, and the run's result holds no such file, not even an earlier run's."""
        self.written = [(name, what) for name, what in self.written if name != Path(path).name]

    def report(self) -> None:
        print(f"\nwrote {len(self.written)} files into {self.out}/:")
        width = max(len(name) for name, _ in self.written)
        for name, what in self.written:
            print(f"  {name:<{width}}  {what}")

    # ---------------------------------------------------------------------------- committing or discarding

    def __exit__(self, kind, error, trace) -> bool:
        with _signals_held():  # no signal cuts the commit or the clean-up short; one meanwhile is raised after it
            if error is None:
                try:
                    self._commit()
                except BaseException:
                    self._discard()
                    raise
                return False
            if self._staging is not None and isinstance(error, (OSError, ValueError)):
                _rename_in_message(error, str(self._staging), str(self.out))  # the output's name, not the temporary one
            self._discard()
            return False

    def _discard(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        self._unlock()
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # the folders this run made, when still empty

    def _commit(self) -> None:
        staging = self._staging
        ours = self.names | {name for name, _ in self.written}
        if self.target.exists():
            self._check_contents()
            for entry in os.scandir(self.target):
                if entry.name not in ours:
                    _carry(Path(entry.path), staging / entry.name)
        # mkdtemp's folder is private: give it the mode of the folder it replaces, or of a new folder
        mode = stat.S_IMODE(self.target.stat().st_mode) if self.target.exists() else 0o777 & ~_umask()
        os.chmod(staging, mode)
        _fsync_folder(staging)
        if not self.target.exists():
            os.rename(staging, self.target)
        elif exchange(staging, self.target):
            shutil.rmtree(staging, ignore_errors=True)  # the previous outputs, now at the temporary name
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.parent))
            os.rename(self.target, old)  # until the next rename --out is missing; a run killed here is
            os.rename(staging, self.target)  # repaired by the next run into it (_clean_up_after_killed_runs)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_folder(self.parent)
        self._staging = None
        self._unlock()


@contextlib.contextmanager
def _signals_held():
    """SIGINT and SIGTERM wait until the block is done (then their handlers run, raising as usual)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _carry(source: Path, destination: Path) -> None:
    """A file of --out that the run does not write, into the new folder: the same file (a hard link), a
    copy where links cannot be made, or the same symbolic link."""
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _rename_in_message(error: BaseException, old: str, new: str) -> None:
    if isinstance(error, OSError) and (error.strerror or error.filename):
        if error.strerror:
            error.strerror = error.strerror.replace(old, new)
        if isinstance(error.filename, str):
            error.filename = error.filename.replace(old, new)
    else:
        error.args = tuple(a.replace(old, new) if isinstance(a, str) else a for a in error.args)
