"""Crafted model files and CSVs, huge arguments, endless and wide inputs (issue 23, items 10 to 13):
refused with one line, or stopped within the memory limit, never silently wrong."""

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
