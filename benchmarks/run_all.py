"""Run every benchmark on every Python 3.10-3.13 found, and print one table of ratios per Python.

Pythons are looked for under pyenv (``$PYENV_ROOT/versions``, default ``~/.pyenv/versions``)
and on the PATH (``python3.10`` … ``python3.13``); the newest patch release of each minor
version is used. Each gets its own virtual environment in ``.bench-venvs/`` (ignored by git)
with numpy, tqdm, graphviz and micrograd; PyTorch is used where it is already installed in
that environment or where ``--torch SPEC`` (a requirement or a wheel file) installs it, and
its ratios are left out, with a note, where it is not. The package itself is imported from
this checkout (PYTHONPATH), never installed. BLAS (numpy's and PyTorch's) runs on one thread.

    python benchmarks/run_all.py            # the full run (several minutes per Python)
    python benchmarks/run_all.py --quick    # about 130 s for four Pythons: fewer repeats, smaller sizes
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".bench-venvs"
MINORS = ("3.10", "3.11", "3.12", "3.13")
REQUIREMENTS = ("numpy", "tqdm", "graphviz", "micrograd")
# (script, extra arguments for --quick)
BENCHMARKS = (
    ("bench_value_mlp.py", ["--quick"]),
    ("bench_microgpt.py", ["--quick"]),
    ("bench_train.py", ["--quick"]),
    ("bench_models.py", ["--repeats", "4"]),
    ("bench_conv.py", ["--quick"]),
    ("bench_chain.py", ["--n", "200000"]),
    ("bench_viz.py", ["--quick"]),
    ("bench_csv.py", ["--quick"]),
)


def _version_key(path: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", Path(path).parts[-3])[:3])


def find_pythons() -> dict:
    """{minor version: interpreter path}, the newest patch release of each."""
    found: dict = {}
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    for minor in MINORS:
        candidates = sorted(glob.glob(f"{pyenv}/versions/{minor}.*/bin/python"), key=_version_key)
        if candidates:
            found[minor] = candidates[-1]
        elif shutil.which(f"python{minor}"):
            found[minor] = shutil.which(f"python{minor}")
    return found


def venv_python(minor: str, interpreter: str, torch_spec: str | None) -> Path:
    """The benchmark environment of one Python, created and filled on first use."""
    venv = VENVS / f"py{minor}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    missing = [r for r in REQUIREMENTS if subprocess.run([python, "-c", f"import {r}"], capture_output=True).returncode]
    if missing:
        print(f"[{minor}] installing {' '.join(missing)} into {venv.relative_to(ROOT)}", flush=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *missing], check=True)
    if torch_spec and subprocess.run([python, "-c", "import torch"], capture_output=True).returncode:
        print(f"[{minor}] installing PyTorch from {torch_spec}", flush=True)
        if subprocess.run([python, "-m", "pip", "install", "-q", torch_spec]).returncode:
            print(f"[{minor}] PyTorch could not be installed for this Python: its ratios are left out", flush=True)
    return python


def run_benchmarks(minor: str, python: Path, quick: bool) -> list:
    # one BLAS thread: the same work for numpy and PyTorch, and steadier times on a shared machine
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    rows = []
    for script, quick_args in BENCHMARKS:
        command = [str(python), str(ROOT / "benchmarks" / script)] + (quick_args if quick else [])
        print(f"== Python {minor}: {script}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("@ratio "):
                rows.append(dict(json.loads(line[len("@ratio "):]), script=script))
            else:
                print("   " + line)
        if proc.returncode:
            print(proc.stderr)
            rows.append({"script": script, "name": f"FAILED with exit status {proc.returncode}", "ratio": None,
                         "target": None, "higher_is_better": True, "met": False, "detail": ""})
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    return rows


def print_table(minor: str, version: str, rows: list) -> None:
    print(f"\nPython {version}")
    print(f"| {'benchmark':<16} | {'ratio':<62} | {'value':>8} | {'target':>8} | met |")
    print(f"|{'-' * 18}|{'-' * 64}|{'-' * 10}|{'-' * 10}|-----|")
    for row in rows:
        value = "–" if row["ratio"] is None else f"{row['ratio']:.2f}"
        sign = "≥" if row["higher_is_better"] else "≤"
        target = "" if row["target"] is None else f"{sign} {row['target']:g}"
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        name = row["name"] + (f" ({row['detail']})" if row["detail"] else "")
        print(f"| {row['script'][6:-3]:<16} | {name:<62} | {value:>8} | {target:>8} | {met:<3} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a pass of about two minutes: fewer repeats, smaller sizes")
    parser.add_argument("--python", action="append", choices=MINORS, help="only this Python (repeatable)")
    parser.add_argument("--torch", metavar="SPEC", help="install PyTorch from this requirement or wheel where missing")
    args = parser.parse_args()
    pythons = find_pythons()
    if args.python:
        pythons = {m: p for m, p in pythons.items() if m in args.python}
    if not pythons:
        sys.exit("no Python 3.10-3.13 found (looked under pyenv and on the PATH)")
    print("Pythons: " + ", ".join(f"{m} ({p})" for m, p in pythons.items()), flush=True)
    tables = []
    for minor, interpreter in pythons.items():
        python = venv_python(minor, interpreter, args.torch)
        version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        tables.append((minor, version, run_benchmarks(minor, python, args.quick)))
    for minor, version, rows in tables:
        print_table(minor, version, rows)


if __name__ == "__main__":
    main()
