"""The shipped digits, `train --dataset digits` with its defaults, the optimizer flags, and their pictures."""

import csv
import re

import numpy as np
import pytest

from autograd_mini import DeepNet, from_one_hot, load_model, save_model
from autograd_mini.datasets import DIGIT_SHAPE, digits, load_dataset

from test_cli import listed_files, run


def test_the_shipped_digits_in_the_notes_layout():
    X, labels = digits()
    assert X.shape == (64, 1797) and labels.shape == (1, 1797) and X.flags.c_contiguous
    assert X.min() == 0 and X.max() == 16 and (X == np.round(X)).all()
    counts = np.bincount(labels[0])
    assert counts.size == 10 and counts.min() >= 170  # about 180 of each digit
    X_again, Y = load_dataset("digits")
    np.testing.assert_array_equal(X_again, X)
    assert Y.shape == (10, 1797) and (Y.sum(axis=0) == 1).all()
    np.testing.assert_array_equal(from_one_hot(Y), labels)
    # the first image is a 0: a ring of ink around an empty middle
    zero = X[:, 0].reshape(DIGIT_SHAPE)
    assert labels[0, 0] == 0 and zero[3:5, 3:5].sum() < zero[1:7, 1:7].sum() / 8


def test_train_digits_with_its_defaults_reaches_95_percent(tmp_path):
    out = tmp_path / "digits"
    result = run("train", "--dataset", "digits", "--out", out, "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "activations=['relu', 'softmax']" in result.stdout and "Adam(" in result.stdout
    test_accuracy = float(re.search(r"test accuracy ([\d.]+)%", result.stdout).group(1))
    assert test_accuracy >= 95.0
    names = {p.name for p in listed_files(result.stdout, out)}
    assert {"params.npz", "predictions.csv", "misclassified.png", "cost.png", "history.json"} <= names
    rows = list(csv.DictReader((out / "predictions.csv").open()))
    assert len(rows) == 359  # the 20% held out of 1797
    right = sum(row["label"] == row["prediction"] for row in rows)
    assert right / len(rows) == pytest.approx(test_accuracy / 100, abs=0.0015)
    assert all(0.1 <= float(row["probability"]) <= 1 for row in rows)  # the predicted class's a_k
    assert {int(row["prediction"]) for row in rows} == set(range(10))
    # the model file is a softmax net that predict can load
    net = load_model(out / "params.npz")
    assert net.activations == ["relu", "softmax"] and net.layer_dims == [64, 64, 10]


def test_the_misclassified_picture(tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    from viz import plots

    X, labels = digits()
    predictions = labels.copy()
    predictions[0, [3, 10, 11]] = (labels[0, [3, 10, 11]] + 1) % 10
    fig = plots.plot_misclassified(X[:, :20], labels[:, :20], predictions[:, :20], DIGIT_SHAPE,
                                   tmp_path / "wrong.png")
    assert imread(tmp_path / "wrong.png").var() > 0
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"{labels[0, i]} → {predictions[0, i]}" for i in (3, 10, 11)]
    assert "3 of 20" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="n_x = 64 pixels"):
        plots.plot_misclassified(X[:10], labels, labels, DIGIT_SHAPE)


def test_cost_curves_of_several_optimizers_on_one_plot(tmp_path):
    pytest.importorskip("matplotlib")
    from viz import plots

    curves = {"gd": [2.0, 1.5, 1.2], "momentum": [2.0, 1.0, 0.6], "adam": [2.0, 0.5, 0.1]}
    fig = plots.plot_costs(curves, tmp_path / "optimizers.png", log=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == list(curves)
    for line, costs in zip(ax.lines, curves.values()):
        np.testing.assert_allclose(line.get_data()[1], costs)
    assert ax.get_yscale() == "log" and (tmp_path / "optimizers.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="'adam' must be a non-empty"):
        plots.plot_costs({"adam": []})


def test_train_with_an_optimizer_and_decay(tmp_path):
    result = run("train", "--dataset", "moons", "--hidden", "8", "--optimizer", "momentum", "--beta1", "0.8",
                 "--decay-rate", "0.01", "--epochs", "50", "--learning-rate", "0.5", "--out", tmp_path / "m",
                 "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "with Momentum(learning_rate=0.5, beta=0.8)" in result.stdout
    assert "α = 0.5 / (1 + 0.01 · epoch)" in result.stdout


@pytest.mark.parametrize("flags, message", [
    (["--optimizer", "adam", "--beta1", "1"], r"beta1 β₁ must lie in \[0, 1\); got 1\.0"),
    (["--optimizer", "rmsprop", "--beta2", "-0.5"], r"beta2 β₂ must lie in \[0, 1\); got -0\.5"),
    (["--decay-rate", "-1"], "decay_rate must be ≥ 0"),
    (["--dataset", "digits", "--activations", "relu,sigmoid"], "digits has 10 classes: its output layer needs softmax"),
    (["--activations", "relu,relu,softmax"], "softmax is for an output layer of several classes"),
])
def test_bad_training_flags_are_one_line_exit_2(tmp_path, flags, message):
    result = run("train", *flags, "--out", tmp_path / "never")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and re.search(message, result.stderr), result.stderr
    assert not (tmp_path / "never").exists()


def test_softmax_models_save_load_and_predict(tmp_path):
    rng = np.random.default_rng(0)
    net = DeepNet([3, 4, 3], ["tanh", "softmax"], seed=0)
    save_model(net, tmp_path / "net.npz")
    again = load_model(tmp_path / "net.npz")
    X = rng.standard_normal((3, 5))
    np.testing.assert_array_equal(again.predict_proba(X), net.predict_proba(X))
    csv_file = tmp_path / "x.csv"
    csv_file.write_text("a,b,c\n" + "".join(",".join(map(str, column)) + "\n" for column in X.T))
    predicted = run("predict", "--params", tmp_path / "net.npz", "--csv", csv_file)
    assert predicted.returncode == 0, predicted.stderr
    lines = predicted.stdout.split()
    A = net.predict_proba(X)
    assert lines[0] == "prediction,probability"
    assert lines[1:] == [f"{k},{a:.6f}" for k, a in zip(np.argmax(A, axis=0), A.max(axis=0))]
    with pytest.raises(ValueError, match="cannot save .* batch normalization"):
        save_model(DeepNet([3, 4, 3], ["tanh", "softmax"], batch_norm=True), tmp_path / "bn.npz")


def test_check_builds_one_hot_labels_for_a_softmax_net():
    result = run("check", "--layers", "3,4,3", "--activations", "tanh,softmax", "--m", "12", "--lambd", "0.1")
    assert result.returncode == 0, result.stderr
    assert "gradient comparison passed" in result.stdout and "softmax" in result.stdout
    refused = run("check", "--layers", "3,4,1", "--activations", "tanh,softmax")
    assert refused.returncode == 2 and "softmax output layer needs n[L] ≥ 2" in refused.stderr
