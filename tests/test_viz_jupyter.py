"""The pictures in a notebook: executed with nbclient, the step-through page and the graph show inline."""

import html
import re

import nbformat
from nbclient import NotebookClient

CELLS = [
    "import viz\nfrom autograd_mini.notes_graph import logistic_graph\nL = logistic_graph()\nL.backward()",
    "viz.step_through(L, title='<b>not bold</b>')",
    "viz.draw_graph(L)",
]


def test_a_notebook_shows_the_step_through_page_and_the_graph_inline(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    bundle = notebook.cells[1].outputs[0]["data"]
    # a viewer that drops the iframe (an untrusted notebook, GitHub, nbviewer) shows the graph with every gradient
    assert "<svg" in bundle["image/svg+xml"] and "0.475<" in bundle["image/svg+xml"]  # dz = a - y = -0.475, drawn
    page_output = bundle["text/html"]
    assert page_output.startswith("<iframe srcdoc=\"") and "background:#ffffff" in page_output
    page = html.unescape(re.search(r'srcdoc="(.*?)"', page_output, re.S).group(1))
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    assert "<noscript>" in page and 'aria-live="polite"' in page and 'name="viewport"' in page
    assert "prefers-color-scheme: dark" in page
    assert "Content-Security-Policy" in page and "&lt;b&gt;not bold&lt;/b&gt;" in page  # escaped as in a file
    assert '"pass": "backward"' in page and "dz = da · a(1 - a)" in page
    assert "<svg" in notebook.cells[2].outputs[0]["data"]["image/svg+xml"]
