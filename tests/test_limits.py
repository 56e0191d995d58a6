"""Nothing hangs: limits instead of crashes, safe standardisation, divergence, streaming CSVs,
checks before work, and the small points of issue 11 (items 5 to 10)."""

import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from autograd_mini import DeepNet, LogisticRegression, cli, datasets, save_model, train
from autograd_mini.datasets import DataError, load_csv, standardization, standardize
from autograd_mini.expr import ExpressionError, build_expression
from autograd_mini.validate import MEMORY_LIMIT_VARIABLE, MemoryLimitError, check_memory, net_bytes

from test_safe_files import one_line, run

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------ 5. limits


@pytest.mark.parametrize("args", [["train", "--hidden", "100000,100000"],
                                  ["check", "--layers", "2,100000,100000,1"]])
def test_sizes_over_the_memory_limit_are_refused_with_the_estimate(args, tmp_path):
    result = run(*args, "--out" if args[0] == "train" else "--m", tmp_path / "out" if args[0] == "train" else 4)
    line = one_line(result)
    assert re.search(r"need about [\d,.]+ GiB .* over the memory limit of [\d,.]+ [GMK]iB", line), line
    assert not (tmp_path / "out").exists()


def test_the_memory_estimate_counts_parameters_gradients_and_activations(monkeypatch):
    # W1 (3, 2), b1 (3, 1), W2 (1, 3), b2 (1, 1): 13 numbers, twice (gradients); 4 arrays per unit per example
    assert net_bytes([2, 3, 1]) == 8 * 2 * 13
    assert net_bytes([2, 3, 1], m=10) == 8 * (2 * 13 + 4 * 6 * 10)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "1000")
    check_memory([2, 3, 1])
    with pytest.raises(MemoryLimitError, match=r"and m = 10 examples need about 2\.1 KiB .* limit of 1000 bytes"):
        check_memory([2, 3, 1], m=10)
    with pytest.raises(MemoryLimitError):
        DeepNet([2, 30, 1])
    with pytest.raises(MemoryLimitError):
        LogisticRegression(100)


@pytest.mark.parametrize("error", [MemoryError, RecursionError])
def test_memory_and_recursion_errors_that_reach_the_cli_are_one_line(monkeypatch, capsys, error):
    import autograd_mini.shapes

    def explode(*args, **kwargs):
        raise error()

    monkeypatch.setattr(autograd_mini.shapes, "dims_table", explode)
    assert cli.main(["dims", "8x8x3", "fc:2"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("autograd-mini dims: error:")


@pytest.mark.parametrize("minus_signs", [1_000, 10_000])
def test_graph_refuses_deep_nesting_in_one_line(minus_signs, tmp_path):
    line = one_line(run("graph", "--set", "x=1", "--out", tmp_path, "--", "-" * minus_signs + "x"))
    assert "nested" in line and "recursion" not in line
    assert len(line) < 300  # the expression is quoted by its first 80 characters only
    assert list(tmp_path.iterdir()) == []


def test_expression_limits_and_quoting():
    deep = "-" * 199 + "x"
    assert build_expression(deep, {"x": 2.0})[0].data == -2.0
    with pytest.raises(ExpressionError, match="nested more than 200 levels"):
        build_expression("-" + deep, {"x": 2.0})
    wide = "+".join(["(x*x+x*x)"] * 1500)  # 1,500 deep; quoted by its first 80 characters
    with pytest.raises(ExpressionError, match=r"^'\(x\*x\+x\*x\)\+.{70}'\.\.\. \(14,999 characters\) is nested"):
        build_expression(wide, {"x": 1.0})
    many = "+".join(["(" + "+".join(["x"] * 100) + ")"] * 101)  # 10,201 names, about 200 deep
    with pytest.raises(ExpressionError, match="more than 10,000 parts"):
        build_expression(many, {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"floor division \(//\) is not supported"):
        build_expression("x // 2", {"x": 1.0})


# ------------------------------------------------------------------------------ 6. numerics of the data


@pytest.mark.parametrize("scale", [1e200, 1e-300, 1e308, 1.0])
def test_standardisation_is_safe_for_any_finite_data(scale):
    rng = np.random.default_rng(0)
    Y = (rng.random((1, 200)) > 0.5).astype(float)
    X = np.vstack([np.where(Y[0] == 1, 1.0, -1.0) * scale * rng.uniform(0.5, 1.0, 200), np.full(200, 3.0)])
    mean, std = standardization(X)
    assert np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()
    Z = standardize(X, mean, std)
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(Z[0].mean(), 0, atol=1e-12)
    np.testing.assert_allclose(Z[0].std(), 1, rtol=1e-12)
    np.testing.assert_array_equal(Z[1], 0)  # a constant feature: centred, σ = 1
    assert std[1, 0] == 1.0
    net = LogisticRegression(2)
    train(net, Z, Y, learning_rate=1.0, epochs=50)
    assert np.mean((net.predict_proba(Z) > 0.5) == Y) == 1.0


@pytest.mark.parametrize("scale", ["1e200", "1e-300", "1e308"])
def test_train_on_a_feature_of_any_finite_size(scale, tmp_path):
    rng = np.random.default_rng(1)
    csv = tmp_path / "d.csv"
    rows = [f"{'' if y else '-'}{rng.uniform(1, 1.7):.3f}{scale[1:]},"
            f"{rng.standard_normal():.3f},{y}" for y in rng.integers(0, 2, 200)]
    csv.write_text("big,noise,y\n" + "\n".join(rows) + "\n")
    result = run("train", "--csv", csv, "--target", "y", "--hidden", "", "--epochs", 100, "--learning-rate", 1,
                 "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert re.search(r"train accuracy 100\.0%, test accuracy 100\.0%", result.stdout)


# ------------------------------------------------------------------------------ 7. divergence


def test_divergence_is_reported_and_the_old_model_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    save_model(DeepNet([2, 8, 4, 1], seed=3), out / "params.npz")
    before = (out / "params.npz").read_bytes()
    result = run("train", "--learning-rate", "1e6", "--epochs", 50, "--out", out)
    line = one_line(result, code=1)
    assert re.search(r"diverged at epoch \d+: J = .*more than 10 × its first value.*smaller learning rate α", line)
    assert (out / "params.npz").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["params.npz"]


def test_divergence_stops_both_training_loops():
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    for batch_size in (None, 2):
        net = DeepNet([1, 8, 1], initialization="he", seed=0)
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match=r"diverged at epoch \d+"):
            train(net, X * 100, Y, learning_rate=1e4, epochs=200, batch_size=batch_size, seed=0)
    net = DeepNet([1, 8, 1], initialization="he", seed=0)
    assert len(train(net, X, Y, learning_rate=0.1, epochs=200)) == 200  # a sound α trains to the end


# ------------------------------------------------------------------------------ 8. large CSVs


def _write_numbers(path, m, n, seed=0):
    rng = np.random.default_rng(seed)
    values = np.column_stack([rng.standard_normal((m, n - 1)).round(6), rng.integers(0, 2, m)])
    path.write_text(",".join(f"c{j}" for j in range(n - 1)) + ",y\n" +
                    "\n".join(",".join(repr(float(v)) for v in row) for row in values) + "\n")
    return values


def test_a_csv_read_in_many_blocks_equals_the_reference(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CSV_BLOCK_CHARS", 4096)
    path = tmp_path / "d.csv"
    values = _write_numbers(path, 3000, 5)
    data = load_csv(path, target="y")
    np.testing.assert_array_equal(data.X, values[:, :4].T)
    np.testing.assert_array_equal(data.Y, values[:, 4:].T)
    assert data.X.flags.c_contiguous and data.feature_names == ["c0", "c1", "c2", "c3"]
    lines = path.read_text().splitlines()
    lines[2500] = lines[2500].replace(",", ",oops,", 1)[: len(lines[2500]) + 5]
    lines[2700] = ""
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="line 2501: 6 fields, but the header has 5"):
        load_csv(path, target="y")
    lines[2500] = "1,2,3,4,7"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="line 2501: target 'y' must be 0 or 1; got 7"):
        load_csv(path, target="y")
    lines[2500] = '"1",2,3,4,1'  # quoted numbers and a blank line are read as before
    path.write_text("\n".join(lines) + "\n")
    assert load_csv(path, target="y").X.shape == (4, 2999)


def test_loading_a_csv_peaks_within_three_times_the_final_arrays(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CSV_BLOCK_CHARS", 1 << 16)
    path = tmp_path / "d.csv"
    _write_numbers(path, 40_000, 21)
    tracemalloc.start()
    data = load_csv(path, target="y")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    final = data.X.nbytes + data.Y.nbytes
    assert peak <= 3 * final, (peak, final)


def test_a_csv_can_come_from_stdin_a_pipe_or_dev_null(tmp_path):
    text = "a,b,y\n" + "".join(f"{k},{-k},{k % 2}\n" for k in range(40))
    csv = tmp_path / "d.csv"
    csv.write_text(text)
    for args, stdin in (([csv], None), (["-"], text), (["/dev/stdin"], text)):
        result = run("train", "--csv", *args, "--target", "y", "--epochs", 3, "--out", tmp_path / "o", input=stdin)
        assert result.returncode == 0, (args, result.stderr)
        assert "training DeepNet(layer_dims=[2, 8, 4, 1]" in result.stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    substituted = subprocess.run(["bash", "-c", f'"{sys.executable}" -m autograd_mini train --csv <(cat "{csv}") '
                                  f'--target y --epochs 3 --out "{tmp_path / "p"}"'],
                                 capture_output=True, text=True, env=env, timeout=300)
    assert substituted.returncode == 0, substituted.stderr
    assert "needs a header row" in one_line(run("train", "--csv", "/dev/null", "--target", "y",
                                                "--out", tmp_path / "q"))
    predicted = run("predict", "--params", tmp_path / "o" / "params.npz", "--csv", "-", input=text)
    assert predicted.returncode == 0 and len(predicted.stdout.splitlines()) == 41
    assert "ignoring the column(s) 'y'" in predicted.stderr


def test_a_folder_is_not_a_csv(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        load_csv(tmp_path)


# ------------------------------------------------------------------------------ 9. checks before work


@pytest.mark.parametrize("args, message", [
    (["demo", "--epochs", "0"], "--epochs must be ≥ 1"),
    (["demo", "--seed", "-2"], "--seed"),
    (["train", "--epochs", "0"], "--epochs must be ≥ 1"),
    (["train", "--seed", "-1"], "--seed must be ≥ 0"),
    (["train", "--hidden", "4,0"], "layer_dims[2] = 0"),
    (["train", "--activations", "relu,sigmoid"], "got 2 activations for L = 3"),
    (["train", "--init", "magic"], "initialization"),
    (["train", "--lambd", "-1"], "lambd"),
])
def test_bad_arguments_are_refused_before_any_file_is_written(args, message, tmp_path):
    out = tmp_path / "out"
    result = run(*args, "--out", out)
    assert message in one_line(result)
    assert not out.exists() and "training" not in result.stdout


def test_an_unwritable_out_is_refused_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for out, message in ((blocker, "is a file, not a folder"), (blocker / "sub", "is not a folder")):
        result = run("train", "--epochs", 3, "--out", out)
        assert message in one_line(result) and "training" not in result.stdout
    result = run("predict", "--params", "missing.npz", "--csv", "x.csv", "--output", blocker / "p.csv", cwd=tmp_path)
    assert "is a file, not a folder" in one_line(result)


# ------------------------------------------------------------------------------ 10. small points


def test_a_csv_with_only_the_target_column_says_there_are_no_features(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("y\n0\n1\n")
    assert "no feature columns" in one_line(run("train", "--csv", csv, "--target", "y", "--out", tmp_path / "o"))


def test_dims_help_spells_the_volume_as_the_notes_do():
    helped = run("dims", "--help")
    assert helped.returncode == 0
    assert "n_H × n_W × n_c" in helped.stdout and "N_W" not in helped.stdout


def test_readme_third_snippet_runs_on_its_own(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", blocks[2]], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {"graph.svg", "derivatives.png", "steps.html"} <= {p.name for p in tmp_path.iterdir()}
