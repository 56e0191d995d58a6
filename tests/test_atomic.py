"""Atomic writes: the old file survives a failed write byte for byte; links are replaced, not followed."""

import os
import subprocess
import sys

import pytest

from autograd_mini.atomic import atomic_open, atomic_write


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "params.npz"
    target.write_bytes(b"old content")
    with pytest.raises(RuntimeError, match="halfway"):
        with atomic_open(target) as f:
            f.write(b"new, partial")
            raise RuntimeError("halfway")
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.npz"]


def test_a_file_size_limit_in_a_subprocess_leaves_the_old_file(tmp_path):
    target = tmp_path / "big.bin"
    target.write_bytes(b"x" * 100)
    code = ("import resource, sys; from autograd_mini.atomic import atomic_write\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))\n"
            "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"atomic_write({str(target)!r}, b'y' * 200_000)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and str(target) in result.stderr
    assert target.read_bytes() == b"x" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin"]


def test_a_link_is_replaced_never_written_through(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "history.json"
    link.symlink_to(precious)
    atomic_write(link, "{}")
    assert precious.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() == "{}"


def test_the_new_file_has_a_normal_mode(tmp_path):
    target = atomic_write(tmp_path / "a.txt", "text")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(OSError, match="missing"):
        atomic_write(tmp_path / "missing" / "a.txt", "text")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
