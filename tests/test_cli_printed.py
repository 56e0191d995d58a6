"""What `demo` and `train` print: how they trained (batch size, epochs, α, λ) and which J each number is."""

import json
import math
import re

import numpy as np
import pytest

from autograd_mini import cli
from autograd_mini.datasets import load_dataset, train_test_split
from autograd_mini.io import load_model


def test_demo_names_the_batch_size_and_labels_J_before_and_after(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "40", "--no-progress"]) == 0
    out = capsys.readouterr().out
    runs = re.findall(r"mini-batch gradient descent, batch size 64 \(5 steps per epoch, m = 300\), 40 epochs, "
                      r"α = ([\d.]+), λ = 0\n\s+J before training ([\d.]+), J after 40 epochs ([\d.]+) "
                      r"\(on the whole training set\)", out)
    assert [alpha for alpha, _, _ in runs] == ["1", "0.5"], out
    # logistic regression starts at w = 0, b = 0: a = 1/2 for every example, so J before training is ln 2
    assert float(runs[0][1]) == pytest.approx(math.log(2), abs=5e-5)
    training = json.loads((tmp_path / "training.json").read_text())
    for (_, before, after), model in zip(runs, ("logistic_regression", "deep_net")):
        assert float(before) == pytest.approx(training[model]["initial_cost"], abs=5e-5)
        assert float(after) == pytest.approx(training[model]["final_cost"], abs=5e-5)
        assert float(after) < float(before)
    assert "J 0." not in out and "->" not in out


@pytest.mark.parametrize("batch", [None, 64])
def test_train_prints_what_ran_and_J_before_and_after(tmp_path, capsys, batch):
    args = ["train", "--dataset", "moons", "--epochs", "30", "--learning-rate", "0.3", "--lambd", "0.2",
            "--out", str(tmp_path), "--no-progress"] + ([] if batch is None else ["--batch-size", str(batch)])
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    how = (r"batch gradient descent \(all m = 160 examples per step, 1 step per epoch\)" if batch is None else
           r"mini-batch gradient descent, batch size 64 \(3 steps per epoch, m = 160\)")
    assert re.search(how + r", 30 epochs, α = 0.3, λ = 0.2\n", out), out
    before, after = map(float, re.search(r"J before training ([\d.]+), J after 30 epochs ([\d.]+) "
                                         r"\(on the whole training set\)", out).groups())
    # J after is the saved net's cost, λ term included, on the (standardised) training set
    X, Y = load_dataset("moons", seed=0)
    X_train, Y_train, _, _ = train_test_split(X, Y, 0.2, seed=0)
    net, extras = load_model(tmp_path / "params.npz", with_extras=True)
    X_std = (X_train - extras["feature_mean"]) / extras["feature_std"]
    assert after == pytest.approx(float(net.cost(X_std, Y_train, 0.2).data), abs=5e-5)
    assert np.isfinite(before) and after < before
