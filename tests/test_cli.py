"""The `autograd-mini` command end to end, through `python -m autograd_mini` in a subprocess."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_mini
from autograd_mini import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("AUTOGRAD_MINI_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "autograd_mini", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def listed_files(stdout: str, out: Path) -> list[Path]:
    block = stdout[stdout.index(f"into {out}/:"):]
    return [out / line.split()[0] for line in block.splitlines()[1:] if line.startswith("  ")]


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"autograd-mini {autograd_mini.__version__}"
    helped = run("--help")
    assert helped.returncode == 0
    for command in ("demo", "graph", "check", "train", "predict", "dims"):
        assert command in helped.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and "usage: autograd-mini " + command in sub.stdout


def test_demo_writes_every_file_it_lists(tmp_path):
    out = tmp_path / "out"
    result = run("demo", "--out", out, "--epochs", 150)
    assert result.returncode == 0, result.stderr
    for name in ("da ", "dz ", "dw1", "dw2", "db "):
        assert name in result.stdout
    files = listed_files(result.stdout, out)
    assert len(files) >= 14
    assert sorted(files) == sorted(out.iterdir())
    for path in files:
        assert path.stat().st_size > 0, path
    report = json.loads((out / "gradient_report.json").read_text())
    assert report["passed"] is True
    # the Markdown report is one table: as many cells in every row (a | inside a cell is escaped)
    rows = [re.split(r"(?<!\\)\|", line)[1:-1] for line in (out / "gradient_report.md").read_text().splitlines()
            if line.startswith("|")]
    assert len(rows) == 2 + len(report["rows"]) and {len(row) for row in rows} == {10}
    assert "<svg" in (out / "notes_graph.svg").read_text()
    assert (out / "notes_graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import viz
    from autograd_mini.notes_graph import logistic_graph

    L = logistic_graph()
    L.backward()
    page = (out / "notes_steps.html").read_text()
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]
    assert len(frames) == len(viz.all_steps(L)) == 9 and page.count("<svg") == 1


def test_graph_prints_the_right_gradients_and_renders(tmp_path):
    result = run("graph", "tanh(x1*w1 + x2*w2 + b)", "--set", "x1=2", "--set", "w1=-3", "--set", "x2=0",
                 "--set", "w2=1", "--set", "b=6.8813735870195432", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    grads = dict(re.findall(r"d(\w+)\s*=\s*(-?[\d.e+-]+)", result.stdout))
    assert float(grads["x1"]) == pytest.approx(-1.5, abs=1e-6)
    assert float(grads["w1"]) == pytest.approx(1.0, abs=1e-6)
    assert float(grads["x2"]) == pytest.approx(0.5, abs=1e-6)
    assert float(grads["w2"]) == pytest.approx(0.0, abs=1e-6)
    for path in listed_files(result.stdout, tmp_path):
        assert path.stat().st_size > 0
    assert "w1" in (tmp_path / "expression_graph.svg").read_text()


@pytest.mark.parametrize("expression", ["__import__('os')", "x.__class__", "x + secret", "open('/etc/passwd')",
                                        "(lambda: x)()"])
def test_graph_refuses_anything_outside_the_whitelist(expression, tmp_path):
    result = run("graph", expression, "--set", "x=1", "--out", tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_graph_takes_an_expression_that_starts_with_a_minus_after_double_dash(tmp_path):
    result = run("graph", "--set", "x=2", "--out", tmp_path, "--", "-x**2")
    assert result.returncode == 0, result.stderr
    assert re.search(r"dx\s*=\s*-4\b", result.stdout)


def test_check_exits_0_on_a_sound_net(tmp_path):
    report_path = tmp_path / "report.json"
    result = run("check", "--layers", "2,4,3,1", "--activations", "relu,relu,sigmoid", "--m", 32, "--lambd", 0.1,
                 "--seed", 0, "--json", report_path)
    assert result.returncode == 0, result.stderr
    assert "dW1" in result.stdout and "pass" in result.stdout
    report = json.loads(report_path.read_text())
    assert report["passed"] and [row["name"] for row in report["rows"]] == ["W1", "b1", "W2", "b2", "W3", "b3"]


def test_check_exits_1_when_a_parameter_fails(monkeypatch, capsys):
    compare_module = autograd_mini.comparison
    real = compare_module.compare

    def failing(*args, **kwargs):
        report = real(*args, **kwargs)
        report.rows[0].passed = False
        return report

    monkeypatch.setattr(compare_module, "compare", failing)
    assert cli.main(["check", "--layers", "2,3,1", "--m", "4"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_train_then_predict_round_trips(tmp_path):
    out = tmp_path / "model"
    trained = run("train", "--dataset", "moons", "--hidden", "16,8", "--epochs", 500, "--learning-rate", 0.5,
                  "--out", out)
    assert trained.returncode == 0, trained.stderr
    test_accuracy = float(re.search(r"test accuracy ([\d.]+)%", trained.stdout).group(1))
    assert test_accuracy > 90
    assert {"params.npz", "cost.png", "boundary.png", "history.json"} <= {p.name for p in out.iterdir()}

    X, Y = autograd_mini.datasets.make_moons(m=60, seed=5)
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{a},{b},{int(y)}\n" for a, b, y in zip(X[0], X[1], Y[0])))
    predictions = tmp_path / "predictions.csv"
    predicted = run("predict", "--params", out / "params.npz", "--csv", csv, "--target", "label",
                    "--output", predictions)
    assert predicted.returncode == 0, predicted.stderr
    rows = predictions.read_text().splitlines()
    assert rows[0] == "prediction,probability" and len(rows) == 61
    labels = np.array([float(r.split(",")[0]) for r in rows[1:]])
    assert np.mean(labels == Y[0]) > 0.9
    assert "accuracy against label" in predicted.stderr


def test_train_writes_the_plots_a_teacher_reaches_for(tmp_path):
    out = tmp_path / "out"
    result = run("train", "--dataset", "moons", "--epochs", 30, "--batch-size", 32, "--activation-histograms",
                 "--gradient-norms", "--learning-curves", "--dev-fraction", 0.25, "--lr-sweep", "0.01,0.1,1e4",
                 "--sweep-epochs", 5, "--out", out, "--no-progress")
    assert result.returncode == 0, result.stderr
    # the dev set comes out of the training examples; the test set is as without --learning-curves
    assert "on moons: 120 training, 40 dev and 40 test examples" in result.stdout
    # and the saved model is trained on the 120 only, as the listing of the files says
    assert "params.npz" in result.stdout and "trained without the 40 dev examples" in result.stdout
    files = {path.name: path for path in listed_files(result.stdout, out)}
    for name in ("activation_histograms.png", "gradient_norms.png", "learning_curves.png", "learning_rate_sweep.png"):
        assert files[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    plain = run("train", "--dataset", "moons", "--epochs", 3, "--out", tmp_path / "plain", "--no-progress")
    assert "on moons: 160 training and 40 test examples" in plain.stdout
    assert not {"gradient_norms.png", "learning_curves.png"} & {p.name for p in (tmp_path / "plain").iterdir()}


def test_train_from_csv_and_the_shipped_dataset(tmp_path):
    result = run("train", "--dataset", "breast_cancer", "--epochs", 100, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert float(re.search(r"test accuracy ([\d.]+)%", result.stdout).group(1)) > 90
    assert not (tmp_path / "boundary.png").exists()  # 30 features: no 2-D picture


def test_dims_prints_the_table():
    result = run("dims", "32x32x3", "conv:f=5,c=6", "pool:f=2", "fc:10")
    assert result.returncode == 0, result.stderr
    assert "28x28x6" in result.stdout and "total parameters: 12,226" in result.stdout


@pytest.fixture
def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,y\n1,2,0\n3,oops,1\n")
    return path


@pytest.mark.parametrize("args, message", [
    (["train", "--dataset", "nope"], "invalid choice: 'nope'"),
    (["train", "--csv", "missing.csv", "--target", "y"], "no such CSV file"),
    (["train", "--csv", "{bad}", "--target", "y"], "line 3"),
    (["train", "--csv", "{bad}", "--target", "nope"], "no column named 'nope'"),
    (["train", "--csv", "{bad}"], "--target"),
    (["train", "--epochs", "many"], "invalid int value"),
    (["train", "--learning-rate", "-1", "--epochs", "3"], "learning_rate"),
    (["train", "--batch-size", "0", "--epochs", "3"], "batch_size"),
    (["train", "--activations", "relu,magic,sigmoid", "--epochs", "3"], "magic"),
    (["train", "--test-fraction", "1.5"], "between 0 and 1"),
    (["train", "--lr-sweep", "0.1,-1", "--epochs", "3"], "learning_rate α must be > 0; got -1.0"),
    (["train", "--lr-sweep", "0.1,fast", "--epochs", "3"], "comma-separated numbers"),
    (["train", "--learning-curves", "--dev-fraction", "1", "--epochs", "3"], "between 0 and 1"),
    (["train", "--lr-sweep", "0.1", "--sweep-epochs", "0", "--epochs", "3"], "--sweep-epochs"),
    (["train", "--lr-sweep", ",", "--epochs", "3"], "comma-separated numbers"),  # not an empty sweep, silently
    (["train", "--dev-fraction", "0.3", "--epochs", "3"], "--dev-fraction is used only with --learning-curves"),
    (["train", "--sweep-epochs", "5", "--epochs", "3"], "--sweep-epochs is used only with --lr-sweep"),
    (["train", "--learning-curves", "--dev-fraction", "0.999", "--epochs", "3"],
     "--dev-fraction 0.999 leaves no example on one side of the m = 160 training examples (those left by "
     "--test-fraction)"),
    (["train", "--test-fraction", "0.999", "--epochs", "3"], "--test-fraction 0.999 leaves no example"),
    (["check", "--layers", "2"], "at least two sizes"),
    (["check", "--layers", "2,x,1"], "comma-separated integers"),
    (["check", "--activations", "relu"], "activations"),
    (["predict", "--params", "missing.npz", "--csv", "{bad}"], "no parameter file"),
    (["predict", "--params", "{bad}", "--csv", "{bad}"], "not a valid .npz"),
    (["dims", "32x32", "conv:f=3,c=2"], "input volume"),
    (["dims", "8x8x3", "conv:f=9,c=2"], "f = 9"),
    (["train", "--dataset", "moons", "--target", "y"], "--target names a column of --csv"),
    (["graph", "x", "--set", "x=1", "--set", "x=2"], "twice"),
    (["graph", "x + 1", "--set", "x=abc"], "not a number"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_give_one_line_and_exit_code_2(args, message, bad_csv, tmp_path):
    args = [str(bad_csv) if a == "{bad}" else a for a in args]
    if args[0] in ("train", "graph"):
        args += ["--out", str(tmp_path / "out")]
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and "Traceback" not in result.stderr


def words(page: str) -> str:
    """A page's text without its tags, a title wrapped over several lines read as one."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def balanced_sum(n: int) -> str:
    """x + x + … (n times) written as a balanced tree, shallow enough for the expression limits."""
    return "x" if n == 1 else f"({balanced_sum(n // 2)}+{balanced_sum(n - n // 2)})"


def test_graph_refuses_a_graph_over_max_nodes_and_each_piece_of_advice_works(tmp_path):
    expression = balanced_sum(400)  # x and 399 sums
    result = run("graph", expression, "--set", "x=2", "--out", tmp_path / "big")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "400 nodes" in result.stderr and "--collapse" in result.stderr
    assert not (tmp_path / "big").exists()
    raised = re.search(r"raise --max-nodes to (\d+) and --max-steps to (\d+)", result.stderr)
    result = run("graph", expression, "--set", "x=2", "--max-nodes", raised.group(1), "--max-steps", raised.group(2),
                 "--out", tmp_path / "raised")  # the advice followed as told: no second error
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "raised" / "expression_steps.html").stat().st_size > 0
    result = run("graph", expression, "--set", "x=2", "--collapse", "--out", tmp_path / "collapsed")
    assert result.returncode == 0, result.stderr
    told = "400 nodes, collapsed as --collapse asks: drawn per stretch"
    advice = "the same command without --collapse, with --max-nodes 400 --max-steps 799, draws every node"
    for name in ("expression_graph.dot", "expression_steps.html"):  # in the command's words, as followed above
        text = (tmp_path / "collapsed" / name).read_text()
        text = words(text) if name.endswith(".html") else text
        assert told in text and advice in text and "max_nodes" not in text and "step_through(" not in text, name
    assert raised.groups() == ("400", "799")

    result = run("graph", "+".join(["x"] * 40), "--set", "x=2", "--max-steps", "20", "--out", tmp_path / "steps")
    assert result.returncode == 2 and "79 frames (39 forward, 40 backward), more than --max-steps 20" in result.stderr
    assert not (tmp_path / "steps").exists()  # refused before any picture is written
    steps = re.search(r"raise --max-steps to (\d+)", result.stderr).group(1)
    result = run("graph", "+".join(["x"] * 40), "--set", "x=2", "--max-steps", steps, "--out", tmp_path / "steps")
    assert result.returncode == 0, result.stderr
    assert run("graph", "x", "--set", "x=2", "--max-nodes", "0").returncode == 2


def test_graph_of_a_60_term_sum_leaves_out_pngs_too_large_to_read_and_offers_the_collapsed_view(tmp_path):
    result = run("graph", "+".join(["x"] * 60), "--set", "x=2", "--out", tmp_path / "sum")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "sum").iterdir())
    assert written == ["expression_derivatives.svg", "expression_graph.dot", "expression_graph.svg",
                       "expression_steps.html"]
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2 and all("too large to read as a whole at any zoom" in n for n in notes)
    graph_note, derivatives_note = notes
    assert "expression_graph.png" in graph_note and "--collapse draws a collapsed picture" in graph_note
    # --collapse does not collapse the derivative graph, and its note says so rather than offer it
    assert "expression_derivatives.png" in derivatives_note and "collapsed picture" not in derivatives_note
    assert "the derivative graph has no collapsed form (--collapse draws the computational graph and the " \
           "step-through page collapsed, each box with its gradients)" in derivatives_note
    assert "expression_graph.png" not in result.stdout  # not listed as written
    result = run("graph", "+".join(["x"] * 60), "--set", "x=2", "--collapse", "--out", tmp_path / "collapsed")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "collapsed" / "expression_graph.png").stat().st_size > 0  # the collapsed picture fits
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "expression_derivatives.png not written" in notes[0]  # as its note said
    assert notes[0].endswith("the derivative graph has no collapsed form")
    page = words((tmp_path / "collapsed" / "expression_steps.html").read_text())
    assert "60 nodes, collapsed as --collapse asks" in page and "max_nodes=24" not in page
    # its advice, followed from the command line: every node, on the page and in the graph
    assert "(the same command without --collapse draws every node)" in page
    assert len(re.findall(r'<g id="n\d+" class="node">', (tmp_path / "sum" / "expression_steps.html").read_text())) == 60


def test_check_names_a_negative_seed():
    result = run("check", "--seed", "-1")
    assert result.returncode == 2 and "--seed must be ≥ 0" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_graph_practice_writes_the_practice_page_and_its_solutions_and_a_refused_run_keeps_them(tmp_path):
    result = run("graph", "x*x + x", "--set", "x=3", "--practice", "--practice-scope", "backward", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {path.name for path in listed_files(result.stdout, tmp_path)}
    assert {"expression_practice.html", "expression_steps.html"} <= listed
    assert "expression_steps.html       step-through page with every value and gradient: the practice page's " \
           "solutions" in result.stdout
    practice = (tmp_path / "expression_practice.html").read_text(encoding="utf-8")
    solutions = (tmp_path / "expression_steps.html").read_text(encoding="utf-8")
    asked = [f for f in json.loads(re.search(r'id="frames">(.*?)</script>', practice).group(1))["frames"]
             if "practice" in f]
    assert [f["practice"]["ask"] for f in asked] == ["df", "d(x·x)", "dx"]  # the backward pass only
    assert 'id="practice"' in practice and 'id="practice"' not in solutions
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', solutions).group(1))["frames"]
    results = [[line.strip() for line in f["text"].split("\n") if line.strip().startswith("= ")][-1:] for f in frames]
    assert results == [["= 9"], ["= 12"], [], ["= 1"], ["= 7"]] and frames[2]["text"] == "df = 1 (the seed)"
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    refused = run("graph", "x*x + x", "--set", "x=4", "--practice", "--practice-nodes", "y", "--out", tmp_path)
    assert refused.returncode == 2 and "--practice-nodes names no node y" in refused.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written, nothing left half-done
    refused = run("graph", "x*x", "--set", "x=4", "--practice-scope", "backward", "--out", tmp_path / "other")
    assert refused.returncode == 2 and "add --practice" in refused.stderr and not (tmp_path / "other").exists()
    refused = run("graph", "x*x", "--set", "x=4", "--practice", "--collapse", "--out", tmp_path / "other")
    assert refused.returncode == 2 and "--collapse" in refused.stderr and not (tmp_path / "other").exists()


def test_demo_practice_writes_the_notes_graph_as_a_practice_page(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path), "--epochs", "5", "--no-progress", "--practice"]) == 0
    page = (tmp_path / "notes_practice.html").read_text(encoding="utf-8")
    frames = json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]
    assert [f["practice"]["ask"] for f in frames] == ["z", "a", "L", "dL", "da", "dz", "dw1", "dw2", "db"]
    assert "notes_practice.html" in capsys.readouterr().out and (tmp_path / "notes_steps.html").exists()
