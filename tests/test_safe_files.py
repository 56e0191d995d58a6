"""Nothing lost: atomic writes, outputs never over inputs, model files that carry their feature
names and are checked before anything is allocated (issue 11, items 1 to 4)."""

import io
import os
import re
import resource
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograd_mini import DeepNet, LogisticRegression, load_model, save_model
from autograd_mini import io as model_io
from autograd_mini.datasets import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=None, input=None, limit_file_size=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("AUTOGRAD_MINI_DEBUG", None)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-m", "autograd_mini", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, input=input, timeout=600,
                          preexec_fn=limit if limit_file_size else None)


def one_line(result, code=2) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def saved_net(path, layer_dims=(2, 3, 1), seed=0, **kwargs):
    save_model(DeepNet(list(layer_dims), seed=seed), path, **kwargs)
    return path.read_bytes()


# ------------------------------------------------------------------------------ 1. atomic writes


def test_a_train_that_cannot_write_leaves_the_old_model_whole(tmp_path):
    """ulimit -f 20: the new params.npz (over 200 KB) cannot be written; the old one stays."""
    keep = tmp_path / "keep"
    keep.mkdir()
    old = saved_net(keep / "params.npz")
    result = run("train", "--dataset", "breast_cancer", "--hidden", "200,100", "--epochs", 2, "--out", keep,
                 cwd=tmp_path, limit_file_size=20 * 1024)
    line = one_line(result)
    assert str(keep / "params.npz") in line and "File too large" in line
    assert (keep / "params.npz").read_bytes() == old
    assert sorted(p.name for p in keep.iterdir()) == ["params.npz"]  # no temporary file left behind
    load_model(keep / "params.npz")


def test_a_write_that_fails_halfway_leaves_the_old_file_byte_for_byte(tmp_path, monkeypatch):
    path = tmp_path / "params.npz"
    old = saved_net(path)
    real_savez = np.savez

    def savez_then_fail(f, **arrays):
        buffer = io.BytesIO()
        real_savez(buffer, **arrays)
        f.write(buffer.getvalue()[:1000])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_io.np, "savez", savez_then_fail)
    with pytest.raises(OSError, match=re.escape(str(path))):
        save_model(DeepNet([2, 50, 1], seed=1), path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["params.npz"]


_REWRITER = """
import sys
from autograd_mini import DeepNet, save_model
path, rounds = sys.argv[1], int(sys.argv[2])
nets = [DeepNet([30, 200, 1], seed=0), DeepNet([30, 200, 1], seed=1)]
print("ready", flush=True)
for k in range(rounds):
    save_model(nets[k % 2], path)
"""


def test_a_reader_never_sees_a_partial_model_while_another_process_rewrites_it(tmp_path):
    path = tmp_path / "params.npz"
    expected = [DeepNet([30, 200, 1], seed=seed).parameters["W1"].data for seed in (0, 1)]
    save_model(DeepNet([30, 200, 1], seed=0), path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", _REWRITER, str(path), "400"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        seen = set()
        for _ in range(2000):
            W1 = load_model(path).parameters["W1"].data  # raises on a partial or corrupt file
            seen.add(next(k for k, e in enumerate(expected) if np.array_equal(W1, e)))
            if writer.poll() is not None:
                break
        assert writer.wait(timeout=120) == 0
    finally:
        writer.kill()
    assert seen == {0, 1}  # the reader did overlap the rewrites
    assert [p.name for p in tmp_path.iterdir()] == ["params.npz"]


def test_pictures_reports_and_histories_are_written_atomically(tmp_path, monkeypatch):
    """Each of train's outputs goes through atomic_open: a failure mid-write keeps the old file."""
    from autograd_mini import atomic, cli

    out = tmp_path / "out"
    assert cli.main(["train", "--epochs", "5", "--out", str(out), "--no-progress"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["boundary.png", "cost.png", "history.json", "params.npz", "predictions.csv"]
    real_fsync = os.fsync
    for epochs, victim in enumerate(names, start=6):
        before = (out / victim).read_bytes()

        def fail_for_victim(fd, victim=victim):
            if os.readlink(f"/proc/self/fd/{fd}").split("/")[-1].startswith(f".{victim}."):
                raise OSError(5, "Input/output error")
            real_fsync(fd)

        monkeypatch.setattr(atomic.os, "fsync", fail_for_victim)
        assert cli.main(["train", "--epochs", str(epochs), "--out", str(out), "--no-progress"]) == 2
        assert (out / victim).read_bytes() == before
        assert sorted(p.name for p in out.iterdir()) == names


# ------------------------------------------------------------------------------ 2. never over an input


@pytest.fixture
def model_and_csv(tmp_path):
    params = tmp_path / "m.npz"
    saved_net(params, feature_names=["a", "b"])
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1,2\n3,4\n")
    link = tmp_path / "link.csv"
    link.symlink_to(csv)
    return params, csv, link


@pytest.mark.parametrize("output", ["X.csv", "m.npz", "link.csv", "./sub/../X.csv"])
def test_predict_refuses_to_write_over_its_inputs(model_and_csv, tmp_path, output):
    params, csv, _ = model_and_csv
    (tmp_path / "sub").mkdir()
    before = params.read_bytes(), csv.read_bytes()
    line = one_line(run("predict", "--params", params, "--csv", csv, "--output", tmp_path / output, cwd=tmp_path))
    assert "never overwrites an input" in line
    assert (params.read_bytes(), csv.read_bytes()) == before


def test_predict_refuses_a_hard_link_to_its_input(model_and_csv, tmp_path):
    params, csv, _ = model_and_csv
    os.link(csv, tmp_path / "hard.csv")
    line = one_line(run("predict", "--params", params, "--csv", csv, "--output", tmp_path / "hard.csv"))
    assert "is the input" in line and csv.read_text() == "a,b\n1,2\n3,4\n"


def test_train_refuses_an_out_folder_that_would_overwrite_its_csv(tmp_path):
    csv = tmp_path / "history.json"
    csv.write_text("a,b,y\n" + "".join(f"{k},{-k},{k % 2}\n" for k in range(20)))
    result = run("train", "--csv", csv, "--target", "y", "--out", tmp_path, "--epochs", 3)
    assert "is the input" in one_line(result) and "training" not in result.stdout
    assert csv.read_text().startswith("a,b,y")


def test_a_link_inside_out_is_replaced_never_written_through(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.json").symlink_to("../precious.txt")
    result = run("train", "--epochs", 5, "--out", out)
    assert result.returncode == 0, result.stderr
    assert precious.read_text() == "keep me"
    assert not (out / "history.json").is_symlink() and '"costs"' in (out / "history.json").read_text()


# ------------------------------------------------------------------------------ 3. feature names


@pytest.fixture(scope="module")
def cancer_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("cancer")
    result = run("train", "--dataset", "breast_cancer", "--epochs", 300, "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "params.npz"


def _accuracy(result) -> float:
    assert result.returncode == 0, result.stderr
    return float(re.search(r"accuracy against benign: ([\d.]+)%", result.stderr).group(1))


def test_predict_matches_columns_by_name_whatever_their_order(cancer_model, tmp_path):
    rows = [line.split(",") for line in (DATA_DIR / "breast_cancer.csv").read_text().splitlines() if line]
    reversed_csv = tmp_path / "reversed.csv"
    reversed_csv.write_text("".join(",".join(row[::-1]) + "\n" for row in rows))
    in_order = _accuracy(run("predict", "--params", cancer_model, "--csv", DATA_DIR / "breast_cancer.csv",
                             "--target", "benign"))
    result = run("predict", "--params", cancer_model, "--csv", reversed_csv, "--target", "benign")
    assert _accuracy(result) == in_order > 95
    assert "note" not in result.stderr


def test_predict_ignores_extra_columns_with_a_note_and_names_missing_ones(cancer_model, tmp_path):
    rows = [line.split(",") for line in (DATA_DIR / "breast_cancer.csv").read_text().splitlines() if line]
    extra = tmp_path / "extra.csv"
    extra.write_text("".join(",".join(["id" if k == 0 else str(k), *row]) + "\n" for k, row in enumerate(rows)))
    result = run("predict", "--params", cancer_model, "--csv", extra, "--target", "benign")
    assert _accuracy(result) > 95
    assert re.search(r"note: ignoring the column\(s\) 'id'", result.stderr)
    missing = tmp_path / "missing.csv"
    missing.write_text("".join(",".join(row[1:]) + "\n" for row in rows))
    line = one_line(run("predict", "--params", cancer_model, "--csv", missing, "--target", "benign"))
    assert f"lacks the column(s) {rows[0][0]!r}" in line


def test_a_model_without_names_matches_by_position_and_says_so(tmp_path):
    params = tmp_path / "m.npz"
    saved_net(params)
    csv = tmp_path / "X.csv"
    csv.write_text("p,q\n1,2\n")
    result = run("predict", "--params", params, "--csv", csv)
    assert result.returncode == 0, result.stderr
    assert "no feature names" in result.stderr and "by position" in result.stderr
    assert result.stdout.splitlines()[0] == "prediction,probability" and len(result.stdout.splitlines()) == 2


def test_the_model_file_keeps_names_and_standardisation(tmp_path):
    out = tmp_path / "out"
    csv = tmp_path / "d.csv"
    csv.write_text("height,weight,y\n" + "".join(f"{k},{2 * k + 1},{k % 2}\n" for k in range(30)))
    assert run("train", "--csv", csv, "--target", "y", "--epochs", 3, "--out", out).returncode == 0
    _, extras = load_model(out / "params.npz", with_extras=True)
    assert extras["feature_names"] == ["height", "weight"]
    assert extras["feature_mean"].shape == extras["feature_std"].shape == (2, 1)


# ------------------------------------------------------------------------------ 4. model files checked first


def tampered(path, **changes):
    """A copy of the model at ``path`` with some arrays replaced (None removes one)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    for name, value in changes.items():
        if value is None:
            arrays.pop(name)
        else:
            arrays[name] = value
    out = path.with_name("tampered.npz")
    with open(out, "wb") as f:
        np.savez(f, **arrays)
    return out


@pytest.mark.parametrize("size", [15000, 200000])
def test_a_model_file_that_lies_about_its_sizes_is_refused_before_allocating(tmp_path, size):
    model = tmp_path / "m.npz"
    saved_net(model, (30, 15, 15, 1))
    bad = tampered(model, __layer_dims__=np.array([30, size, size, 1]))
    assert bad.stat().st_size < 10_000
    tracemalloc.start()
    with pytest.raises(ValueError, match=rf"W1 has shape \(15, 30\), but layer_dims = \[30, {size}, {size}, 1\]"):
        load_model(bad)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000
    csv = tmp_path / "X.csv"
    csv.write_text(",".join(f"c{k}" for k in range(30)) + "\n" + ",".join("0" * 30) + "\n")
    assert "layer_dims" in one_line(run("predict", "--params", bad, "--csv", csv))


def test_an_array_header_that_claims_gigabytes_is_refused_before_reading(tmp_path):
    model = tmp_path / "m.npz"
    saved_net(model, (2, 3, 1))
    bad = tmp_path / "huge.npz"
    with zipfile.ZipFile(model) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "W1.npy":  # claim (300000, 200000) in the header, keep 48 bytes of data
                header = {"descr": "<f8", "fortran_order": False, "shape": (300000, 200000)}
                buffer = io.BytesIO()
                np.lib.format.write_array_header_1_0(buffer, header)
                data = buffer.getvalue() + data[-48:]
            target.writestr(info, data)
    with pytest.raises(ValueError, match=r"W1 has shape \(300000, 200000\)"):
        load_model(bad)


CASES = {
    "2-D layer_dims": (dict(__layer_dims__=np.array([[2, 3, 1]])), "__layer_dims__ must be a 1-D array"),
    "0-d layer_dims": (dict(__layer_dims__=np.array(3)), "__layer_dims__ must be a 1-D array"),
    "float layer_dims": (dict(__layer_dims__=np.array([2.0, 3.0, 1.0])), "__layer_dims__ must be a 1-D array"),
    "negative layer_dims": (dict(__layer_dims__=np.array([2, -3, 1])), "positive layer sizes"),
    "string std": (dict(__extra__feature_std=np.array(["a", "b"])), "feature_std must hold floating-point"),
    "NaN W1": (dict(W1=np.full((3, 2), np.nan)), "W1 contains NaN or inf"),
    "int W1": (dict(W1=np.zeros((3, 2), dtype=np.int64)), "W1 must hold floating-point"),
    "missing b2": (dict(b2=None), r"expected the parameters"),
    "unknown kind": (dict(__kind__=np.array("Transformer")), "unknown kind"),
    "bad activation": (dict(__activations__=np.array(["relu", "magic"])), "__activations__ must name"),
    "zero std": (dict(__extra__feature_std=np.zeros((2, 1))), "feature_std must be > 0"),
    "names of the wrong length": (dict(__feature_names__=np.array(["a"])), "__feature_names__ must be n_x = 2"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_tampered_model_file_is_one_line_and_exit_2(tmp_path, case):
    changes, message = CASES[case]
    model = tmp_path / "m.npz"
    saved_net(model, extras={"feature_mean": np.zeros((2, 1)), "feature_std": np.ones((2, 1))},
              feature_names=["a", "b"])
    bad = tampered(model, **changes)
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1,2\n")
    line = one_line(run("predict", "--params", bad, "--csv", csv))
    assert re.search(message, line), line
    assert "nan" not in run("predict", "--params", bad, "--csv", csv).stdout


def test_truncated_foreign_and_pickled_files_are_refused(tmp_path):
    model = tmp_path / "m.npz"
    data = saved_net(model)
    csv = tmp_path / "X.csv"
    csv.write_text("a,b\n1,2\n")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(data[: len(data) - 200])
    foreign = tmp_path / "foreign.npz"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("readme.txt", "hello")
    pickled = tmp_path / "pickled.npz"
    with open(pickled, "wb") as f:
        np.savez(f, W1=np.array([{"a": 1}], dtype=object))
    for path, message in ((truncated, "not a valid .npz"), (foreign, "not a .npy array"),
                          (pickled, "pickled objects")):
        assert message in one_line(run("predict", "--params", path, "--csv", csv))


def test_a_logistic_regression_round_trips_with_names(tmp_path):
    path = tmp_path / "lr.npz"
    model = LogisticRegression(3, initialization="small_random", seed=0)
    save_model(model, path, feature_names=["x", "y", "z"])
    again, extras = load_model(path, with_extras=True)
    assert isinstance(again, LogisticRegression) and extras == {"feature_names": ["x", "y", "z"]}
    np.testing.assert_array_equal(again.parameters["w"].data, model.parameters["w"].data)
    with pytest.raises(ValueError, match="n_x = 3 distinct names"):
        save_model(model, path, feature_names=["x", "x", "z"])
