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
    for path in NOTEBOOKS:  # committed without outputs: what a learner sees comes from running it
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    notebook = execute(path, tmp_path, monkeypatch)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert not [output for output in outputs if "Warning" in output.get("text", "")]  # e.g. tqdm's "IProgress not found"
    if path.stem in ("02_m_examples", "04_activations", "06_minibatches", "08_toolbox"):
        assert any("image/png" in output.get("data", {}) for output in outputs)  # the plots show inline
    if path.stem == "01_computational_graph":
        assert_step_through_inline(notebook)
