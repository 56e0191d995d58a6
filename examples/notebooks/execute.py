"""Run the notebooks and write them back with their outputs (`make notebooks`), so that they read with
their numbers and plots on GitHub and in a Jupyter that has not run them.

    python examples/notebooks/execute.py [NOTEBOOK.ipynb ...]     (default: every notebook here)

Each runs top to bottom in a fresh "python3" kernel of this interpreter (ipykernel), in a temporary
folder (whatever a notebook writes lands there), against the package of this working tree; no timings
are recorded, so a notebook that computes the same writes the same file. A notebook whose cell fails is
not written, and the command exits 1 naming it. tests/test_notebooks.py runs them again and fails when a
committed output is stale.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from autograd_mini.atomic import atomic_write  # noqa: E402  (the working tree's package, by the path above)


def execute(notebook, folder: Path, timeout: int = 300):
    """``notebook`` (a NotebookNode) run in place in ``folder``; its outputs replace the old ones."""
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted(HERE.glob("*.ipynb"))
    failed = []
    for path in notebooks:
        start = time.perf_counter()
        notebook = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as folder:
            try:
                execute(notebook, Path(folder))
            except CellExecutionError as exc:
                failed.append(path.name)
                print(f"{path.name}: a cell failed, the notebook is left as it was:\n{exc}", file=sys.stderr)
                continue
        atomic_write(path, nbformat.writes(notebook) + "\n")
        print(f"{path.name}: {time.perf_counter() - start:.1f} s")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
