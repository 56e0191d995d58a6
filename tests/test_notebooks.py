"""Every notebook in examples/notebooks runs top to bottom in a Jupyter kernel (nbclient): a failing cell
(an exception, or one of the notebooks' own asserts) fails the suite.

The kernel is "python3", which jupyter_client starts with this interpreter (ipykernel is installed in
the same environment); a first cell checks that, so the notebooks run against the package under test.
"""

import html
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))


def execute(path: Path, folder: Path, monkeypatch):
    """The notebook executed in ``folder`` (files it writes land there), with its outputs."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(path, as_version=4)
    check = nbformat.v4.new_code_cell("import sys, autograd_mini\nprint(sys.executable)\nprint(autograd_mini.__file__)")
    notebook.cells.insert(0, check)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    executable, package = check.outputs[0]["text"].split()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    assert Path(package).resolve() == (ROOT / "autograd_mini" / "__init__.py").resolve()
    return notebook


def test_the_notebooks_follow_the_notes_and_the_toolbox():
    names = [path.stem for path in NOTEBOOKS]
    assert names == ["01_computational_graph", "02_m_examples", "03_L_layer_network", "04_activations",
                     "05_l2_regularization", "06_minibatches", "07_conv_arithmetic", "08_toolbox"]
    for path in NOTEBOOKS:  # committed with their outputs (make notebooks), every code cell run, in order
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not run top to bottom: {counts}"
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"examples/notebooks/{path.name}" in readme


def assert_step_through_inline(notebook):
    """The step-through page shows inline: text/html holding an <iframe srcdoc=…> with the whole page."""
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    frames = [output["data"]["text/html"] for output in outputs
              if output.get("data", {}).get("text/html", "").startswith("<iframe srcdoc=")]
    assert len(frames) == 1
    page = html.unescape(re.match(r'<iframe srcdoc="([^"]*)"', frames[0]).group(1))
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" in page
    assert "Backprop, step by step" in page
    assert any("image/svg+xml" in output.get("data", {}) for output in outputs)  # and the graph drew as SVG


def what_a_reader_sees(notebook) -> list:
    """Each code cell's outputs as a reader sees them, less what differs from run to run or from machine to
    machine without being stale: the text exactly (memory addresses masked, and every digit in a cell tagged
    "varies", such as a timing), the pictures by their kinds (PNG bytes change with matplotlib's version,
    SVG with Graphviz's). Consecutive pieces of one stream are joined, as the kernel may cut them anywhere."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        varies = "varies" in cell.metadata.get("tags", [])

        def text(value: str) -> str:
            value = re.sub(r"0x[0-9a-f]+", "0x…", value)
            return re.sub(r"\d+", "#", value) if varies else value

        seen = []
        for output in cell.outputs:
            if output.output_type == "stream":
                if seen and seen[-1][:2] == ("stream", output.name):
                    seen[-1] = ("stream", output.name, seen[-1][2] + text(output.text))
                else:
                    seen.append(("stream", output.name, text(output.text)))
            elif output.output_type in ("display_data", "execute_result"):
                seen.append(("picture or value", tuple(sorted(output.data)), text(output.data.get("text/plain", ""))))
            else:
                seen.append((output.output_type, output.get("ename", "")))
        cells.append(seen)
    return cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_committed_outputs_are_current(path, tmp_path, monkeypatch):
    notebook = execute(path, tmp_path, monkeypatch)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert not [output for output in outputs if "Warning" in output.get("text", "")]  # e.g. tqdm's "IProgress not found"
    if path.stem in ("02_m_examples", "04_activations", "05_l2_regularization", "06_minibatches", "08_toolbox"):
        assert any("image/png" in output.get("data", {}) for output in outputs)  # the plots show inline
    if path.stem == "01_computational_graph":
        assert_step_through_inline(notebook)
    # a picture in SVG also comes as PNG, which GitHub and an untrusted Jupyter show
    assert all("image/png" in output.get("data", {}) for output in outputs if "image/svg+xml" in output.get("data", {}))
    notebook.cells.pop(0)  # the check cell that execute() put first
    committed = nbformat.read(path, as_version=4)
    for k, (now, then) in enumerate(zip(what_a_reader_sees(notebook), what_a_reader_sees(committed))):
        assert now == then, (f"{path.name}: the committed outputs of code cell {k + 1} are stale; run `make notebooks` "
                             f"and commit the notebook")
    assert len(what_a_reader_sees(notebook)) == len(what_a_reader_sees(committed))


def test_the_staleness_check_sees_a_changed_number_and_forgives_a_timing_and_an_address():
    notebook = nbformat.read(ROOT / "examples" / "notebooks" / "02_m_examples.ipynb", as_version=4)
    before = what_a_reader_sees(notebook)
    timing = next(cell for cell in notebook.cells if "varies" in cell.metadata.get("tags", []))
    timing.outputs[0].text = re.sub(r"\d", "7", timing.outputs[0].text)
    assert what_a_reader_sees(notebook) == before
    printed = next(cell for cell in notebook.cells if cell.cell_type == "code" and cell.outputs
                   and cell.outputs[0].output_type == "stream" and "varies" not in cell.metadata.get("tags", []))
    printed.outputs[0].text = printed.outputs[0].text.replace("J = 0.", "J = 1.", 1)
    assert what_a_reader_sees(notebook) != before


def test_notebook_08_compares_the_optimizers_at_one_alpha_and_each_at_its_best():
    notebook = nbformat.read(ROOT / "examples" / "notebooks" / "08_toolbox.ipynb", as_version=4)
    cell = next(cell for cell in notebook.cells if cell.cell_type == "code" and "learning_rate_sweep(" in cell.source)
    printed = "".join(output.text for output in cell.outputs if output.output_type == "stream")
    rows = re.findall(r"^  (\w+)\s+at α = ([\d.]+): J [\d.]+;   at its best α = ([\d.]+): J [\d.]+$", printed, re.M)
    assert [name for name, _, _ in rows] == ["gd", "momentum", "rmsprop", "adam"]
    assert len({alpha for _, alpha, _ in rows}) == 1  # the left panel: one α for all four
    assert "every curve names its α" in cell.source and any("image/png" in o.get("data", {}) for o in cell.outputs)
