"""`autograd-mini check --backward FILE:FUNCTION`: the learner's own backprop from the command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_mini import cli

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = Path(__file__).resolve().parent / "learners.py"
COURSE = ["--layers", "4,5,3,1", "--activations", "relu,relu,sigmoid"]


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "autograd_mini", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_the_course_bugs_exit_1_and_name_dW2_and_db1():
    result = run("check", "--backward", f"{LEARNERS}:backward_propagation_with_bugs", *COURSE)
    assert result.returncode == 1, result.stderr
    wrong = [line.split()[0] for line in result.stdout.splitlines() if "WRONG" in line]
    assert wrong == ["dW2", "db1"]
    assert "There is a mistake in the backward propagation!" in result.stdout


def test_a_correct_learner_exits_0(capsys):
    assert cli.main(["check", "--backward", f"{LEARNERS}:backward_propagation", *COURSE]) == 0
    out = capsys.readouterr().out
    assert "works perfectly fine" in out and "WRONG" not in out


def test_json_report_is_written(tmp_path, capsys):
    path = tmp_path / "report.json"
    assert cli.main(["check", "--backward", f"{LEARNERS}:backward_propagation_with_bugs", *COURSE,
                     "--json", str(path)]) == 1
    report = json.loads(path.read_text())
    assert report["wrong"] == ["dW2", "db1"] and report["passed"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary left behind


def test_logistic_propagate(capsys):
    assert cli.main(["check", "--logistic", "--layers", "3,1", "--backward", f"{LEARNERS}:propagate"]) == 0
    assert cli.main(["check", "--logistic", "--layers", "3,1",
                     "--backward", f"{LEARNERS}:propagate_without_1_over_m"]) == 1
    assert "ratio m: the 1/m is missing" in capsys.readouterr().out


def test_an_exception_in_the_learners_code_shows_its_traceback(capsys):
    assert cli.main(["check", "--backward", f"{LEARNERS}:backward_that_fails", *COURSE]) == 1
    out = capsys.readouterr().out
    assert "Traceback" in out and "learners.py" in out and "backward_that_fails" in out
    assert "autograd_mini" not in out.split("Traceback")[1]


@pytest.mark.parametrize("spec, message", [
    ("missing.py:backward_propagation", "no such file: missing.py"),
    (f"{LEARNERS}:nope", "defines no function 'nope' (it defines: L_backward, backward_propagation"),
    (f"{LEARNERS}", "expects FILE:FUNCTION"),
])
def test_bad_input_is_one_line_and_exit_2(spec, message):
    result = run("check", "--backward", spec, *COURSE)
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_a_learner_file_that_does_not_run_is_one_line(tmp_path):
    (tmp_path / "broken.py").write_text("import numpy as np\n\ndef backward(X, Y, p)\n    return {}\n")
    result = run("check", "--backward", "broken.py:backward", *COURSE, cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "broken.py, line 3: SyntaxError" in result.stderr


def test_logistic_needs_one_output_unit(capsys):
    assert cli.main(["check", "--logistic", "--layers", "3,2,1"]) == 2
    assert "--logistic takes --layers n_x,1" in capsys.readouterr().err


def test_check_help_lists_every_init():
    result = run("check", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "one of small_random, he, xavier, zeros" in text and "--backward FILE:FUNCTION" in text
    bad = run("check", "--init", "glorot")
    assert bad.returncode == 2 and "invalid choice: 'glorot'" in bad.stderr
