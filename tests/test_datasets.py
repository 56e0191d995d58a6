"""Built-in data: seeded generators in the (n_x, m) layout, the split, CSV loading, the shipped set."""

import numpy as np
import pytest

from autograd_mini.datasets import (DATASETS, GENERATORS, DataError, load_csv, load_dataset, make_circles, make_moons,
                                    make_xor, train_test_split)


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_are_seeded_and_in_the_notes_layout(name):
    X, Y = GENERATORS[name](m=51, seed=3)
    assert X.shape == (2, 51) and Y.shape == (1, 51)
    assert set(np.unique(Y)) == {0.0, 1.0}
    X2, Y2 = GENERATORS[name](m=51, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(X, GENERATORS[name](m=51, seed=4)[0])


def test_generators_draw_the_shapes_they_name():
    X, Y = make_circles(m=200, factor=0.5, noise=0.0)
    radius = np.linalg.norm(X, axis=0)
    np.testing.assert_allclose(radius[Y[0] == 0], 1.0)
    np.testing.assert_allclose(radius[Y[0] == 1], 0.5)
    X, Y = make_xor(m=100)
    np.testing.assert_array_equal(Y[0], (np.sign(X[0]) == np.sign(X[1])).astype(float))
    X, Y = make_moons(m=100, noise=0.0)
    assert X[1, Y[0] == 0].min() >= -1e-12 and X[1, Y[0] == 1].max() <= 0.5 + 1e-12


@pytest.mark.parametrize("kwargs, error, message", [
    ({"m": 1}, ValueError, "m .* ≥ 2"),
    ({"m": 2.5}, TypeError, "whole number"),
    ({"noise": -1.0}, ValueError, "noise"),
])
def test_generator_arguments_are_checked(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_moons(**kwargs)


def test_train_test_split_keeps_columns_together():
    X = np.arange(20.0).reshape(2, 10)
    Y = (np.arange(10) % 2).reshape(1, 10).astype(float)
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, 0.3, seed=1)
    assert X_train.shape == (2, 7) and X_test.shape == (2, 3)
    np.testing.assert_array_equal(X_test[0] % 2, Y_test[0])
    assert sorted(np.concatenate([X_train[0], X_test[0]])) == list(X[0])
    with pytest.raises(ValueError, match=r"\(2, 10\).*\(1, 9\)"):
        train_test_split(X, Y[:, :9])


def test_shipped_breast_cancer():
    X, Y = load_dataset("breast_cancer")
    assert X.shape == (30, 569) and Y.shape == (1, 569)
    assert int(Y.sum()) == 357  # benign cases in the Wisconsin diagnostic data
    with pytest.raises(DataError, match="fixed"):
        load_dataset("breast_cancer", m=10)
    with pytest.raises(DataError, match="unknown dataset 'iris'.*breast_cancer"):
        load_dataset("iris")
    assert set(DATASETS) == set(GENERATORS) | {"breast_cancer", "digits"}


def write(tmp_path, text, name="data.csv", **kwargs):
    path = tmp_path / name
    path.write_text(text, **kwargs)
    return path


def test_load_csv_in_the_notes_layout(tmp_path):
    data = load_csv(write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n\n5,6,1\n"), target="y")
    np.testing.assert_array_equal(data.X, [[1, 3, 5], [2, 4, 6]])
    np.testing.assert_array_equal(data.Y, [[0, 1, 1]])
    assert data.feature_names == ["a", "b"]
    features_only = load_csv(write(tmp_path, "a,b\n1,2\n"))
    assert features_only.Y is None and features_only.X.shape == (2, 1)


def test_load_csv_reads_a_byte_order_mark(tmp_path):
    data = load_csv(write(tmp_path, "a,y\n1,0\n", encoding="utf-8-sig"), target="y")
    assert data.feature_names == ["a"]


@pytest.mark.parametrize("text, target, message", [
    ("a,y\n1,0\n2,x\n", "y", r"line 3, column 'y': 'x' is not a number"),
    ("a,y\n1,0\n2\n", "y", "line 3: 1 fields, but the header has 2"),
    ("a,y\n1,0\n2,3\n", "y", "line 3: target 'y' must be 0 or 1; got 3"),
    ("a,y\n1,0\nnan,1\n", "y", "line 3: NaN or infinite"),
    ("a,y\n1,0\n", "z", "no column named 'z'"),
    ("a,a,y\n1,2,0\n", "y", "line 1: the header names these columns more than once: 'a'"),
    ("a,y\n", "y", "header row and at least one data row"),
])
def test_load_csv_errors_name_the_line(tmp_path, text, target, message):
    with pytest.raises(DataError, match=message):
        load_csv(write(tmp_path, text), target=target)


def test_load_csv_missing_and_binary_files(tmp_path):
    with pytest.raises(DataError, match="no such CSV file"):
        load_csv(tmp_path / "none.csv")
    path = tmp_path / "blob.csv"
    path.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DataError, match="not a readable CSV"):
        load_csv(path)
