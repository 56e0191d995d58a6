"""The `autograd-mini` command through its real entry point."""

import subprocess
import sys

import autograd_mini


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograd_mini", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"autograd-mini {autograd_mini.__version__}"
    helped = run("--help")
    assert helped.returncode == 0 and "demo" in helped.stdout
