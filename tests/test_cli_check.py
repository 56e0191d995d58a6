"""`autograd-mini check --backward FILE:FUNCTION`: the learner's own backprop from the command line."""

import json
import os
import subprocess
import time
import sys
from pathlib import Path

import pytest

from autograd_mini import cli

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = Path(__file__).resolve().parent / "learners.py"
COURSE_FILE = ROOT / "examples" / "course_gradient_check.py"
COURSE = ["--layers", "4,5,3,1", "--activations", "relu,relu,sigmoid"]


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "autograd_mini", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_the_course_bugs_exit_1_and_name_dW2_and_db1():
    result = run("check", "--backward", f"{COURSE_FILE}:backward_propagation_n", *COURSE)
    assert result.returncode == 1, result.stderr
    wrong = [line.split()[0] for line in result.stdout.splitlines() if "WRONG" in line]
    assert wrong == ["dW2", "db1"]
    assert "There is a mistake in the backward propagation!" in result.stdout
    assert "line 57: dW2 = 1.0 / m * np.dot(dZ2, A1.T) * dW2_factor" in result.stdout


def test_a_correct_learner_exits_0(capsys):
    assert cli.main(["check", "--backward", f"{COURSE_FILE}:backward_propagation_n_fixed", *COURSE]) == 0
    out = capsys.readouterr().out
    assert "works perfectly fine" in out and "WRONG" not in out


def test_json_report_is_written(tmp_path, capsys):
    path = tmp_path / "report.json"
    assert cli.main(["check", "--backward", f"{COURSE_FILE}:backward_propagation_n", *COURSE,
                     "--json", str(path)]) == 1
    report = json.loads(path.read_text())
    assert report["wrong"] == ["dW2", "db1"] and report["passed"] is False and report["verdict"] == "WRONG"
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
    (f"{LEARNERS}:nope", "defines no function 'nope' (it defines: L_model_backward, L_model_backward_2017"),
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


def test_check_help_lists_every_init_and_the_new_options():
    result = run("check", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "one of small_random, he, xavier, zeros" in text and "--backward FILE:FUNCTION" in text
    assert "--keep-prob P" in text and "--zero-bias" in text and "--keys {notes,2017}" in text
    assert "3 (--backward) when nothing is wrong but something could not be judged" in text
    assert "1 when a gradient is wrong or your function did not return gradients" in text
    assert "2 for bad input (also a FUNCTION whose parameters do not take what the check passes" in text
    bad = run("check", "--init", "glorot")
    assert bad.returncode == 2 and "invalid choice: 'glorot'" in bad.stderr


# ---------------------------------------------------------------- the cases, with their exit codes


def test_dropout_from_the_command_line(capsys):
    args = ["check", *COURSE, "--keep-prob", "0.8", "--m", "16"]
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_propagation_with_dropout"]) == 0
    out = capsys.readouterr().out
    assert "dA1, dA2 are taken after dropout, as the course returns them" in out
    assert "keep_prob=[0.8, 0.8]" in out
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_dropout_without_keep_prob"]) == 1
    assert "ratio keep_prob: the division by keep_prob is missing" in capsys.readouterr().out
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_dropout_without_masks"]) == 2
    assert "take them as a fourth argument" in capsys.readouterr().err
    assert cli.main(["check", "--logistic", "--layers", "3,1", "--keep-prob", "0.8"]) == 2


def test_zero_weights_exit_3_and_never_0_or_1(capsys):
    # the issue: --init zeros with balanced labels said "There is a mistake", exit 1, for a correct learner;
    # and a dW without 1/m passed with no warning
    args = ["check", *COURSE, "--init", "zeros"]
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_propagation"]) == 3
    out = capsys.readouterr().out
    assert "symmetric weights hide bugs" in out and "--init he" in out and "There is a mistake" not in out
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_without_1_over_m"]) != 0


def test_a_vanishing_gradient_with_a_bug_exits_1_and_without_it_3(capsys):
    # the issue: --layers 3,4,4,4,4,4,4,1 with small_random: a dW1 without 1/m was "works perfectly fine!", exit 0
    args = ["check", "--layers", "3,4,4,4,4,4,4,1", "--init", "small_random", "--zero-bias", "--m", "16"]
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_without_1_over_m"]) == 1
    out = capsys.readouterr().out
    assert "dW1" in out.split("Wrong: ")[1] and "works perfectly fine" not in out
    assert cli.main([*args, "--backward", f"{LEARNERS}:backward_propagation"]) == 3
    assert "vanishing gradient at layer 1" in capsys.readouterr().out


def test_biases_are_drawn_unless_zero_bias(capsys):
    args = ["check", *COURSE, "--lambd", "0.7", "--backward", f"{LEARNERS}:backward_l2_on_b"]
    assert cli.main(args) == 1
    assert "an L2 term (λ/m)·b in db" in capsys.readouterr().out
    assert cli.main([*args, "--zero-bias"]) == 0  # b = 0 hides it: why the biases are drawn


def test_softmax_and_2017_keys_from_the_command_line(capsys):
    assert cli.main(["check", "--layers", "4,5,3", "--activations", "relu,softmax",
                     "--backward", f"{LEARNERS}:backward_softmax"]) == 0
    assert cli.main(["check", *COURSE, "--backward", f"{LEARNERS}:L_model_backward_2017"]) == 3
    assert "your dA3 is dA[2]: keys one layer off" in capsys.readouterr().out
    assert cli.main(["check", *COURSE, "--keys", "2017", "--backward", f"{LEARNERS}:L_model_backward_2017"]) == 0


def test_a_signature_mismatch_is_bad_input_in_one_line():
    # a call the check could not make is no backprop mistake: exit 2, one line, no checker frame
    for args, said in [
        (["--lambd", "0.7", "--backward", f"{LEARNERS}:backward_with_lam"], "rename 'lam' to 'lambd'"),
        (["--logistic", "--layers", "4,1", "--backward", f"{LEARNERS}:backward_propagation"],
         "It looks like a backprop for DeepNet: leave out --logistic."),
        (["--backward", f"{LEARNERS}:backward_with_dropout"], "check it on a net with dropout, --keep-prob P"),
        (["--keep-prob", "0.8", "--backward", f"{LEARNERS}:backward_propagation"], "leave out --keep-prob"),
        (["--lambd", "0.3", "--backward", f"{LEARNERS}:backward_propagation"],
         "backward_propagation(X, Y, parameters) has no parameter lambd, so the check cannot give it λ = 0.3"),
        (["--logistic", "--layers", "4,1", "--lambd", "0.5", "--backward", f"{LEARNERS}:propagate"],
         "propagate(w, b, X, Y) has no parameter lambd, so the check cannot give it λ = 0.5"),
    ]:
        result = run("check", *(COURSE if "--logistic" not in args else []), *args)
        assert result.returncode == 2, (args, result)
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, (args, result)
        assert said in result.stderr and "Traceback" not in result.stderr and "There is a mistake" not in result.stderr


# ---------------------------------------------------------------- a learner that ends the program (issue 23, item 5)

EXITS = '''import os, sys
import numpy as np

def exits(X, Y, parameters):
    sys.exit(0)

def hard_exit(X, Y, parameters):
    os._exit(0)

def raises_system_exit(X, Y, parameters):
    raise SystemExit

def raises_keyboard_interrupt(X, Y, parameters):
    raise KeyboardInterrupt
'''


@pytest.mark.parametrize("function, said", [
    ("exits", "Your function called sys.exit(0) at line 5 of learner.py instead of returning gradients"),
    ("hard_exit", "The process running your code ended (exit status 0) before the comparison finished"),
    ("raises_system_exit", "Your function called sys.exit(None) at line 11 of learner.py"),
    ("raises_keyboard_interrupt", "Your function was interrupted (KeyboardInterrupt) at line 14 of learner.py"),
])
def test_a_learner_that_exits_inside_its_function_never_exits_0(tmp_path, function, said):
    (tmp_path / "learner.py").write_text(EXITS)
    result = run("check", "--backward", f"learner.py:{function}", *COURSE, cwd=tmp_path)
    assert result.returncode == 1, result
    assert said in result.stdout and "nothing was checked" in result.stdout
    assert "There is a mistake in the backward propagation!" not in result.stdout


@pytest.mark.parametrize("top, said, code", [
    ("import sys\nsys.exit(0)\n", "learner.py, line 2: the file calls sys.exit(0) while being imported", 2),
    ("import os\nos._exit(0)\n", "The process running your code ended (exit status 0)", 1),
])
def test_a_learner_file_that_exits_at_import_never_exits_0(tmp_path, top, said, code):
    (tmp_path / "learner.py").write_text(top + EXITS)
    result = run("check", "--backward", "learner.py:exits", *COURSE, cwd=tmp_path)
    assert result.returncode == code, result
    assert said in result.stdout + result.stderr


@pytest.mark.parametrize("learner, extra, code, said", [
    ("backward_tanh", ["--activations", "tanh,tanh,sigmoid"], 0, "works perfectly fine"),
    ("backward_tanh_prime_from_Z", ["--activations", "tanh,tanh,sigmoid"], 1,
     "WRONG: tanh′ computed from Z, 1 − Z², where the notes have 1 − A²"),
    ("backward_leaky_relu", ["--activations", "leaky_relu,leaky_relu,sigmoid"], 0, "works perfectly fine"),
    ("backward_dJdZ", [], 0, "Your dZ and dA are ∂J/∂Z and ∂J/∂A, with the 1/m in them"),
    ("backward_relu_prime_half", ["--init", "small_random", "--zero-bias"], 0,
     "differs only at Z = 0 exactly (3 entries): a subgradient choice, not a bug; your ReLU'(0) = 0.5"),
    ("backward_db_axis_0", [], 1, "summed over the wrong axis: np.sum(dZ, axis=1, keepdims=True)"),
    ("backward_W_not_transposed", ["--layers", "4,4,4,1"], 1, "W[l] dZ[l] where the notes have W[l]ᵀ dZ[l]"),
    ("backward_returning_none", [], 1, "Your function returned None"),
    ("backward_returning_caches", [], 1, "which looks like (grads, caches)"),
    ("backward_returning_object", [], 1, "Your function returned a Gradients"),
    ("backward_with_wrong_cost", [], 1, "Wrong: your cost ("),
    ("backward_softmax_sigmoid_dA", ["--layers", "4,5,3", "--activations", "relu,softmax"], 1, "Wrong: dA2."),
])
def test_the_verdict_is_the_exit_status(capsys, learner, extra, code, said):
    args = ["check", *COURSE, *extra, "--backward", f"{LEARNERS}:{learner}"]
    assert cli.main(args) == code
    out = capsys.readouterr().out
    assert said in out, out


# ---------------------------------------------------------------- issue 20, the reviewer's second round


@pytest.mark.parametrize("args", [
    ["--layers", "3,4,1", "--backward", f"{LEARNERS}:backward_without_1_over_m"],
    ["--logistic", "--layers", "3,1", "--backward", f"{LEARNERS}:propagate_without_1_over_m"],
])
def test_one_example_is_not_judged_exit_3(capsys, args):
    assert cli.main(["check", *args, "--m", "1"]) == 3
    out = capsys.readouterr().out
    assert "a missing or extra factor 1/m cannot show" in out and "works perfectly fine" not in out
    assert cli.main(["check", *args, "--m", "2"]) == 1


def test_the_learners_file_imports_the_helper_files_beside_it(tmp_path):
    # the course's files begin `from dnn_utils import ...`, with dnn_utils.py beside them
    folder = tmp_path / "week4"
    folder.mkdir()
    (folder / "helpers.py").write_text(LEARNERS.read_text())
    (folder / "mine.py").write_text("from helpers import backward_propagation\n")
    result = run("check", "--backward", f"{folder / 'mine.py'}:backward_propagation", *COURSE, cwd=tmp_path)
    assert result.returncode == 0, result
    assert "works perfectly fine" in result.stdout
    help_text = " ".join(run("check", "--help").stdout.split())
    assert "FILE's folder comes first on sys.path there, as with `python FILE`" in help_text


def test_a_learner_that_never_returns_is_stopped_after_timeout(tmp_path):
    (tmp_path / "learner.py").write_text("def loop(X, Y, parameters):\n    while True:\n        pass\n")
    result = run("check", "--backward", "learner.py:loop", *COURSE, "--timeout", "1", cwd=tmp_path)
    assert result.returncode == 1, result
    said = "Your function ran for more than 1 s without returning and was stopped at line "
    assert said in result.stdout and result.stdout.split(said)[1][1:].startswith(" of learner.py"), result.stdout
    assert run("check", "--backward", "learner.py:loop", "--timeout", "0", cwd=tmp_path).returncode == 2
    assert "--timeout SECONDS" in run("check", "--help").stdout


def test_a_child_that_gives_no_answer_in_time_is_killed():
    from autograd_mini.child_process import ChildTimedOut, run_in_child

    with pytest.raises(ChildTimedOut, match="gave no answer in 1 s and was killed"):
        run_in_child(time.sleep, 600, timeout=1)


def test_a_complex_gradient_is_wrong_from_the_command_line(tmp_path):
    (tmp_path / "learner.py").write_text("from helpers import backward_propagation\n\n"
                                         "def cplx(X, Y, parameters):\n"
                                         "    grads, cost = backward_propagation(X, Y, parameters)\n"
                                         "    grads['dW1'] = grads['dW1'] + 5j\n"
                                         "    return grads\n")
    (tmp_path / "helpers.py").write_text(LEARNERS.read_text())
    result = run("check", "--backward", "learner.py:cplx", *COURSE, cwd=tmp_path)
    assert result.returncode == 1, result
    assert "WRONG: is complex (dtype complex128): a gradient is real" in result.stdout
    assert "ComplexWarning" not in result.stdout + result.stderr and "Wrong: dW1." in result.stdout
