"""docs/notes-errata.md: every entry quotes the notes exactly, shows the library's line of code,
and names tests (and examples) that exist and pass."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ERRATA = ROOT / "docs" / "notes-errata.md"
NOTES_NAME = "deep-learning-notes.md"


def entries() -> list[tuple[str, str]]:
    text = ERRATA.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return [(part.splitlines()[0], part) for part in parts]


def shown_by(body: str) -> str:
    line = re.search(r"^\*\*Shown by:\*\* (.+)$", body, flags=re.M)
    assert line, "an entry without **Shown by:**"
    return line.group(1)


def test_every_entry_quotes_the_notes_names_code_and_tests():
    found = entries()
    assert len(found) >= 31
    for title, body in found:
        assert re.findall(r"^> `(.+)`$", body, flags=re.M), f"{title}: no quote of the notes"
        assert "**They mean**" in body, title
        code = re.findall(r"`(autograd_mini/[\w/]+\.py)`: `([^`]+)`", body)
        assert code, f"{title}: no line of library code"
        for path, snippet in code:
            assert snippet in (ROOT / path).read_text(encoding="utf-8"), f"{title}: {snippet!r} is not in {path}"
        assert re.findall(r"`(tests/[\w/]+\.py::\w+)`", shown_by(body)), f"{title}: no test named"
        for example in re.findall(r"`(examples/\w+\.py)`", shown_by(body)):
            assert (ROOT / example).is_file(), f"{title}: {example} does not exist"


def test_every_named_test_exists_and_passes():
    ids = sorted({test for _, body in entries() for test in re.findall(r"`(tests/[\w/]+\.py::\w+)`", shown_by(body))})
    for test_id in ids:
        path, name = test_id.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        assert name in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}, test_id
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ids], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(rf"\b{len(ids)} passed\b", result.stdout), result.stdout[-3000:]


def test_the_readme_links_the_errata():
    assert "docs/notes-errata.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def notes_path():
    """The course notes, beside the project (they are not part of it); AUTOGRAD_MINI_NOTES names another copy."""
    candidates = [os.environ.get("AUTOGRAD_MINI_NOTES", ""), ROOT.parent / "shared" / "notes" / NOTES_NAME,
                  ROOT.parent.parent / "shared" / "notes" / NOTES_NAME]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.mark.skipif(notes_path() is None, reason=f"the course notes ({NOTES_NAME}) are not beside the project; "
                                                  "set AUTOGRAD_MINI_NOTES to check the quotes")
def test_every_quote_is_in_the_notes_exactly():
    notes = notes_path().read_text(encoding="utf-8")
    for title, body in entries():
        for quote in re.findall(r"^> `(.+)`$", body, flags=re.M):
            assert quote in notes, f"{title}: not in the notes: {quote}"


@pytest.mark.skipif(notes_path() is None, reason=f"the course notes ({NOTES_NAME}) are not beside the project")
def test_the_entries_are_numbered_in_the_order_of_the_notes():
    notes = notes_path().read_text(encoding="utf-8")
    found = entries()
    assert [int(title.split(".")[0]) for title, _ in found] == list(range(1, len(found) + 1))
    first = [notes.index(re.search(r"^> `(.+)`$", body, flags=re.M).group(1)) for _, body in found]
    assert first == sorted(first)


def test_the_slips_the_notes_were_read_for_are_all_listed():
    # the notes read line by line: 31 slips (spelling aside), each with its own entry
    titles = " ".join(title for title, _ in entries())
    assert len(entries()) == 31
    for slip in ["z = wᵀx + i", "da", "A[L]", "round brackets", "(w^(l))ᵀ X", "1/m in the middle", "n_h[l] × n_h[l]",
                 "b_j[l] as a vector", "1 × n_h[l−1] × 1", "layer 1's biases", "without A[l−1]", "g(Z[1])", "σ′(z)",
                 "np.sum", "b[1] labelled", "row of Y", "dZ[L] = A[L] A[L−1]ᵀ", "db[L]", "dZ[L] dZ[L]", "denominators",
                 "h[l]", 'np.square("W" + str(l))', "Z[1] labelled n_h[1] × m", "‖W[2]‖", "J{t}", "chunksize",
                 "the floor", "number of filters", "depth n_c", "with f filters"]:
        assert slip in titles, slip
