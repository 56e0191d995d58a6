"""Crafted model files and CSVs, huge arguments, endless and wide inputs (issue 23, items 10 to 13):
refused with one line, or stopped within the memory limit, never silently wrong."""

import re
import warnings
import zipfile

import numpy as np
import pytest

from autograd_mini import load_model
from autograd_mini.datasets import DataError, load_csv

from test_safe_files import one_line, run, saved_net, tampered

# ------------------------------------------------------------------------------ 10. model files and CSV rows


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "m.npz"
    saved_net(path, extras={"feature_mean": np.zeros((2, 1)), "feature_std": np.ones((2, 1))},
              feature_names=["a", "b"])
    return path


def test_finite_weights_whose_sum_overflows_are_refused_at_load(model, tmp_path):
    bad = tampered(model, W1=np.array([[1e308, -1e308], [0.5, 0.5], [1.0, 2.0]]))
    with pytest.raises(ValueError, match=r"W1 holds weights as large as 1e\+308 .* Σ\|w\| \+ \|b\| overflows float64"):
        load_model(bad)
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1,2\n")
    result = run("predict", "--params", bad, "--csv", csv)
    assert "overflows float64" in one_line(result) and result.stdout == ""


def test_predictions_that_overflow_make_predict_fail_naming_the_row_and_the_layer(model, tmp_path):
    """One weight of 1e308 per unit passes the load check, yet 1e308 · 5 is inf: relu passes it on and
    W2's mixed signs make inf − inf = NaN. predict fails (exit 1) instead of printing nan."""
    bad = tampered(model, W1=np.array([[1e308, 0.0], [0.0, 1e308], [1e308, 0.0]]), W2=np.array([[1.0, -1.0, 1.0]]))
    load_model(bad)
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1e-300,0\n5,5\n-5,-5\n")
    result = run("predict", "--params", bad, "--csv", csv)
    line = one_line(result, code=1)
    assert "predicts NaN or inf for 1 of the 3 rows, the first at data row 2, where Z1 of the forward pass " \
           "overflows float64" in line, line
    assert "nan" not in result.stdout


def test_a_model_file_with_a_member_twice_is_refused(model, tmp_path):
    doubled = tmp_path / "doubled.npz"
    other = tampered(model, W1=np.full((3, 2), 7.0))
    with zipfile.ZipFile(model) as source, zipfile.ZipFile(other) as second, \
            zipfile.ZipFile(doubled, "w") as target, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name": that is the point
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("W1.npy", second.read("W1.npy"))
    with pytest.raises(ValueError, match=r"doubled.npz holds two arrays named 'W1.npy'"):
        load_model(doubled)
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1,2\n")
    assert "holds two arrays named 'W1.npy'" in one_line(run("predict", "--params", doubled, "--csv", csv))


@pytest.mark.parametrize("row", [",,", " , , ", '"","",""'])
def test_a_csv_row_of_empty_cells_is_an_error_naming_its_line(tmp_path, row, model):
    csv = tmp_path / "d.csv"
    csv.write_text(f"a,b,y\n1,2,0\n\n{row}\n3,4,1\n")
    with pytest.raises(DataError, match=r"d.csv, line 4: every cell of the row is empty"):
        load_csv(csv, target="y")
    assert "line 4: every cell of the row is empty" in one_line(
        run("train", "--csv", csv, "--target", "y", "--out", tmp_path / "o"))
    assert "line 4: every cell" in one_line(run("predict", "--params", model, "--csv", csv))
    csv.write_text("a,b,y\n1,2,0\n\n   \n3,4,1\n")  # blank lines are still skipped
    assert load_csv(csv, target="y").X.shape == (2, 2)


def test_a_model_file_with_names_longer_than_a_feature_name_is_refused_before_reading(model, tmp_path):
    bad = tampered(model, __feature_names__=np.array(["a" * 5000, "b"]))
    with pytest.raises(ValueError, match=r"__feature_names__ holds names of up to 5,000 characters; a feature name "
                                         r"has at most 1,000"):
        load_model(bad)


# ------------------------------------------------------------------------------ 11. integer arguments in range


@pytest.mark.parametrize("command", ["train", "demo"])
@pytest.mark.parametrize("epochs", [2 ** 63, 2 ** 64, 10 ** 40, 1_000_001])
def test_epochs_beyond_the_stated_maximum_are_one_line(tmp_path, command, epochs):
    result = run(command, "--epochs", epochs, "--out", tmp_path / "o")
    line = one_line(result)
    assert "--epochs must be ≤ 1,000,000; got" in line and len(line) < 200
    assert "Traceback" not in result.stderr and not (tmp_path / "o").exists()


def test_the_library_refuses_as_many_epochs_too():
    from autograd_mini import LogisticRegression, train

    X, Y = np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])
    with pytest.raises(ValueError, match="epochs must be ≤ 1,000,000"):
        train(LogisticRegression(1), X, Y, epochs=2 ** 63)


@pytest.mark.parametrize("args, message", [
    (["graph", "x", "--set", "x=1", "--max-nodes", str(10 ** 20)], "expected at most 1,500"),
    (["graph", "x", "--set", "x=1", "--max-steps", "3001"], "expected at most 3,000"),
    (["check", "--m", str(2 ** 63)], "over the memory limit"),
    (["check", "--layers", f"2,{2 ** 63},1"], "over the memory limit"),
])
def test_other_huge_integers_are_refused_in_one_line(tmp_path, args, message):
    assert message in one_line(run(*args, "--out" if args[0] == "graph" else "--seed", tmp_path / "o"
                                   if args[0] == "graph" else 0))


def test_a_batch_larger_than_the_data_is_batch_gradient_descent(tmp_path):
    result = run("train", "--batch-size", 2 ** 63, "--epochs", 2, "--out", tmp_path / "o")
    assert result.returncode == 0, result.stderr
    assert "batch gradient descent (all m = 160 examples per step" in result.stdout


# ------------------------------------------------------------------------------ 12. one memory limit over everything

LIMIT = 200_000_000  # bytes: AUTOGRAD_MINI_MEMORY_LIMIT in the tests below


@pytest.mark.parametrize("command", [[], ["train"], ["predict"], ["check"], ["demo"]])
def test_help_states_the_memory_limit(command, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_MEMORY_LIMIT", str(LIMIT))
    helped = run(*command, "--help")
    assert helped.returncode == 0
    text = " ".join(helped.stdout.split())
    assert "The memory limit is 190.7 MiB here (half the RAM, or $AUTOGRAD_MINI_MEMORY_LIMIT in bytes)" in text
    assert "a CSV (a file or standard input) stops loading with one line" in text


def run_fed(args, feed, limit=LIMIT, timeout=120):
    """``autograd-mini ARGS`` with ``feed()``'s chunks on standard input until it stops reading; its exit code,
    its peak resident memory in bytes (from wait4) and its stderr."""
    import os
    import subprocess
    import sys
    import threading
    from test_safe_files import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUTOGRAD_MINI_MEMORY_LIMIT": str(limit)}
    env.pop("AUTOGRAD_MINI_DEBUG", None)
    child = subprocess.Popen([sys.executable, "-m", "autograd_mini", *map(str, args)], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    def write():
        try:
            for chunk in feed():
                child.stdin.write(chunk)
        except OSError:  # the command stopped reading: a broken pipe
            pass

    threading.Thread(target=write, daemon=True).start()
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss * 1024, child.stderr.read().decode()


def endless(first: bytes, chunk: bytes):
    def feed():
        yield first
        while True:
            yield chunk
    return feed


ENDLESS = {
    "rows": endless(b"a,b,y\n", b"1.5,2.25,0\n" * 50_000),
    "quoted rows": endless(b"a,b,y\n", b'"1.5","2.25","0"\n' * 50_000),
    "CR-only rows": endless(b"a,b,y\r", b"1.5,2.25,0\r" * 50_000),
    "a line": endless(b"a,b,y\n", b"1," * 500_000),
    "a header": endless(b"", b"column," * 100_000),
    "a header cell": endless(b"", b"c" * 1_000_000),
}


@pytest.mark.parametrize("what", list(ENDLESS))
def test_endless_standard_input_stops_with_one_line_under_the_memory_limit(what):
    code, peak, stderr = run_fed(["train", "--csv", "-", "--target", "y", "--out", "never"], ENDLESS[what])
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr[-2000:]
    expected = "rows of 3 columns" if "rows" in what else "longer than 781,250 characters"
    assert expected in stderr and "stopped reading" in stderr and len(stderr) < 400, stderr
    assert peak < LIMIT, (peak, what)


def test_dev_zero_is_one_endless_line(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_MEMORY_LIMIT", str(LIMIT))
    line = one_line(run("train", "--csv", "/dev/zero", "--target", "y", "--out", tmp_path / "o"))
    assert "/dev/zero, line 1: longer than 781,250 characters" in line


def test_cr_only_line_ends_stream_like_lf(tmp_path, monkeypatch):
    import tracemalloc

    from autograd_mini import datasets

    rng = np.random.default_rng(0)
    values = np.column_stack([rng.standard_normal((30_000, 6)).round(6), rng.integers(0, 2, 30_000)])
    text = "a,b,c,d,e,f,y\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in values)
    for ending in ("\r", "\r\n"):
        path = tmp_path / f"d{len(ending)}.csv"
        path.write_bytes(text.replace("\n", ending).encode())
        for block in (1 << 22, 4097, 4096):  # blocks that cut between the CR and the LF of a CRLF, or not
            monkeypatch.setattr(datasets, "CSV_BLOCK_CHARS", block)
            tracemalloc.start()
            data = load_csv(path, target="y")
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            np.testing.assert_array_equal(data.X, values[:, :6].T)
            np.testing.assert_array_equal(data.Y, values[:, 6:].T)
            assert peak <= 3 * (data.X.nbytes + data.Y.nbytes) + 2 * 48 * min(block, 1 << 22), (ending, block, peak)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,y\r1,2,0\r3,x,1\r")
    with pytest.raises(DataError, match="line 3, column 'b': 'x' is not a number"):
        load_csv(bad, target="y")


def deflated_model(path, layer_dims):
    """A model file of zeros whose members are deflated: a few KB on disk, layer_dims' arrays once read."""
    arrays = {"__layer_dims__": np.array(layer_dims), "__activations__": np.array(["relu", "sigmoid"]),
              "__kind__": np.array("DeepNet")}
    for l in range(1, len(layer_dims)):
        arrays[f"W{l}"] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        arrays[f"b{l}"] = np.zeros((layer_dims[l], 1))
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)
    return path


def test_a_model_is_checked_against_the_rows_it_predicts_before_allocating(tmp_path):
    model = deflated_model(tmp_path / "m.npz", [30, 200000, 1])
    assert model.stat().st_size < 200_000
    csv = tmp_path / "X.csv"
    csv.write_text(",".join(f"c{k}" for k in range(30)) + "\n" + ("0," * 29 + "1\n") * 300)
    code, peak, stderr = run_fed(["predict", "--params", model, "--csv", csv], endless(b"", b""), limit=500_000_000)
    assert code == 2 and "layer_dims = [30, 200000, 1] and m = 300 examples (the rows of" in stderr, stderr
    assert "over the memory limit of 476.8 MiB" in stderr and peak < 500_000_000


def test_check_counts_its_examples_against_the_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_MEMORY_LIMIT", str(LIMIT))
    line = one_line(run("check", "--layers", "2,1000,1", "--m", 100_000))
    assert "layer_dims = [2, 1000, 1] and m = 100,000 examples need about 3.0 GiB" in line


def test_the_decision_boundary_grid_is_estimated_before_training(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_MEMORY_LIMIT", str(LIMIT))
    result = run("train", "--hidden", "500", "--epochs", 2, "--out", tmp_path / "o")
    line = one_line(result)
    assert "and m = 40,000 examples (the decision boundary's grid, the largest forward pass)" in line
    assert "training" not in result.stdout and not (tmp_path / "o").exists()
    result = run("train", "--dataset", "breast_cancer", "--hidden", "500", "--epochs", 2, "--out", tmp_path / "o")
    assert result.returncode == 0, result.stderr  # 30 features: no boundary, and the training set fits


def test_a_history_that_would_not_fit_is_refused_before_training(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_MINI_MEMORY_LIMIT", str(LIMIT))
    line = one_line(run("train", "--batch-size", 1, "--epochs", 1_000_000, "--out", tmp_path / "o"))
    assert "--epochs 1,000,000 of 160 steps each need about 4.8 GiB (the 161,000,000 costs that the history" in line


def test_feature_names_have_a_maximum_length(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a" * 10_000 + ",b,y\n1,2,0\n")
    with pytest.raises(DataError, match=r"line 1: column 1's name has 10,000 characters, more than the 1,000 a "
                                        r"feature name may have \('a{40}'…\)"):
        load_csv(csv, target="y")
    code, peak, stderr = run_fed(["train", "--csv", "-", "--target", "y", "--out", "never"],
                                 endless(b"", b"n" * 10_000_000 + b","), limit=LIMIT)
    assert code == 2 and len(stderr) < 400 and peak < LIMIT, stderr


# ------------------------------------------------------------------------------ 13. linear checks, refused sizes


def test_an_80000_column_header_loads_in_under_two_seconds(tmp_path):
    import time

    n = 80_000
    csv = tmp_path / "wide.csv"
    csv.write_text(",".join(f"c{k}" for k in range(n)) + ",y\n" + ("1," * n + "0\n") * 2)
    start = time.perf_counter()
    data = load_csv(csv, target="y")
    assert time.perf_counter() - start < 2 and data.X.shape == (n, 2)
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(",".join(f"c{k % 40_000}" for k in range(n)) + ",y\n" + "1," * n + "0\n")
    start = time.perf_counter()
    with pytest.raises(DataError, match=r"more than once: 'c0', 'c1', .*, 'c9' and 39,990 more$") as error:
        load_csv(repeated, target="y")
    assert time.perf_counter() - start < 2 and len(str(error.value)) < 300
    with pytest.raises(DataError, match=r"no column named 'label'; the columns are 'c0', .* and 79,991 more$"):
        load_csv(csv, target="label")


def test_a_check_that_would_take_too_long_is_refused_before_it_starts(tmp_path):
    import time

    start = time.monotonic()
    line = one_line(run("check", "--layers", "2,1000000,1"))
    assert re.search(r"--layers 2,1000000,1 on --m 32 examples take 12,002 forward passes, an estimated [\d,]+ "
                     r"minutes on the development machine, more than the 5 minutes a check may take", line), line
    assert time.monotonic() - start < 60


def test_graph_refuses_a_step_through_too_long_before_graphviz_and_before_any_file(tmp_path, monkeypatch, capsys):
    import viz

    from autograd_mini import cli

    def never(*args, **kwargs):
        raise AssertionError("Graphviz was asked to lay out a graph that is then refused")

    monkeypatch.setattr(viz, "render_all", never)
    monkeypatch.setattr(viz.html, "svg_text", never)
    expression = "+".join(f"x*{k}" for k in range(1, 140))  # 418 nodes: 699 frames, more than --max-steps 500
    out = tmp_path / "o"
    assert cli.main(["graph", expression, "--set", "x=1", "--max-nodes", "1500", "--out", str(out)]) == 2
    assert re.search(r"frames .*more than (max_steps=|--max-steps )500", capsys.readouterr().err)
    assert not out.exists() and list(tmp_path.iterdir()) == []
