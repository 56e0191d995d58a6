"""Every example runs end to end in a temporary folder and writes the files it says it wrote."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))


def run_example(path: Path, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, str(path), "--out", str(out)], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_there_is_an_example_per_section_of_the_notes():
    assert len(EXAMPLES) == 8  # 01-07 follow the notes; 08 is the course's gradient-checking exercise


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_writes_its_files(path, tmp_path):
    stdout = run_example(path, tmp_path)
    wrote = re.search(r"wrote (.+) into ", stdout)
    assert wrote, stdout
    names = re.split(r", | and ", wrote.group(1))
    for name in names:
        assert (tmp_path / name).stat().st_size > 0, name


@pytest.mark.slow
def test_l2_example_shrinks_the_weights_and_narrows_the_gap(tmp_path):
    stdout = run_example(ROOT / "examples" / "05_l2_regularization.py", tmp_path)
    rows = [line.split() for line in stdout.splitlines() if re.match(r"\s+\d+\.\d+\s+\d", line)]
    (_, norm0, _, _, gap0), (_, norm1, _, _, gap1) = rows
    assert float(norm1) < float(norm0)
    assert float(gap1.rstrip("%")) < float(gap0.rstrip("%"))


def test_logistic_example_loop_vectorized_and_autodiff_agree(tmp_path):
    stdout = run_example(ROOT / "examples" / "02_logistic_regression_m_examples.py", tmp_path)
    rows = {m.group(1): m.group(2).split() for m in
            re.finditer(r"^(for-loop|vectorized|autodiff)\s+((?:\s*-?\d+\.\d{10}){3})$", stdout, flags=re.M)}
    assert len(rows) == 3, stdout
    assert rows["for-loop"] == rows["vectorized"] == rows["autodiff"]


def test_gradient_checking_example_names_the_course_bugs(tmp_path):
    stdout = run_example(ROOT / "examples" / "08_gradient_checking.py", tmp_path)
    buggy, fixed = stdout.split("== fixed")
    assert [line.split()[0] for line in buggy.splitlines() if "WRONG" in line] == ["dW2", "db1"]
    assert "There is a mistake in the backward propagation!" in buggy
    assert "WRONG" not in fixed and "works perfectly fine" in fixed
