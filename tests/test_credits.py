"""Credits are exact: nothing the project says credits the course notes with what is not in them.

The notes (deep-learning-notes.md) have logistic regression, the L-layer net, the four activations,
L2, mini-batches and the conv arithmetic. They have no initialisation, no softmax, no pooling, no
optimizer but gradient descent, no dropout, no batch normalization, no gradient check and no
``conv_single_step``; they write λ, not ``lambd``; they call a mini-batch a batch; they say f is
"usually" odd; and their dZ[L] = A[L] − Y and dA[l−1] = W[l]ᵀ dZ[l] are garbled (docs/notes-errata.md).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: (what a line must not say, why): each pattern is a credit to the notes of something not in them
FALSE_CREDITS = [
    (r"notes'?\W+(own\W+)?randn\s*[×x*]\s*0\.01|small_random (is|=) the notes'|notes' small_random",
     "small_random (randn × 0.01) is the course's; the notes have no initialisation"),
    (r"notes'\W+conv_single_step", "conv_single_step is the course's function"),
    (r"notes'(\s+own)?\s+dZ\s*=\s*\(A\s*[−-]\s*Y\)\s*/\s*m", "(A − Y)/m is autodiff's ∂J/∂Z; the notes' dZ is A − Y"),
    (r"notes'\W+(softmax|pooling|max.pool|avg.pool|dropout|batch.norm|adam|momentum|rmsprop|initiali[sz]ation)",
     "not in the notes: the course's"),
    (r"(softmax|pooling|dropout|batch.norm\w*|adam|momentum|rmsprop)\W[^.\n]{0,30}\bas the notes (write|say|have|give)",
     "not in the notes: the course's"),
    (r"f must be odd,? as the notes", "the notes say f is usually odd"),
    (r"notes' notation[^.\n]{0,80}lambd", "lambd is the course's spelling of λ, not the notes'"),
    (r"only two things|two things the library needs are", "far more than two things are not in the notes"),
]


def texts():
    """(where, line) for every line of the README, the docs, the code's docstrings and comments, the examples
    and the notebooks' cells."""
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "autograd_mini").glob("*.py")),
             *sorted((ROOT / "viz").glob("*.py")), *sorted((ROOT / "examples").glob("*.py"))]
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield f"{path.relative_to(ROOT)}:{number}", line
    for path in sorted((ROOT / "examples" / "notebooks").glob("*.ipynb")):
        for k, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            for line in "".join(cell["source"]).splitlines():
                yield f"{path.relative_to(ROOT)} cell {k}", line


@pytest.mark.parametrize("pattern, why", FALSE_CREDITS, ids=[why[:40] for _, why in FALSE_CREDITS])
def test_nothing_credits_the_notes_with_what_is_not_in_them(pattern, why):
    found = [f"{where}: {line.strip()}" for where, line in texts() if re.search(pattern, line, flags=re.I)]
    assert not found, f"{why}:\n" + "\n".join(found)


def test_the_patterns_catch_the_old_wording():
    old = ["#: small_random is the notes' randn × 0.01; He scales by sqrt(2 / n[l-1])",
           "Σ (A_slice ⊙ W[:, :, :, c]) + b[c], as the notes' conv_single_step",
           "and their backward rule is the notes' own dZ = (A − Y) / m.",
           "f must be odd, as the notes say: for an even f",
           "Everything is written in the notes' notation: X is (n_x, m), W1 is (n[1], n[0]), `lambd` is λ.",
           "formula. Two things the library needs are **not in the notes**, and are credited where they come",
           "the notes' softmax output"]
    for line in old:
        assert any(re.search(pattern, line, flags=re.I) for pattern, _ in FALSE_CREDITS), line


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_says_the_notes_garble_dZ_L_and_dA_and_links_the_errata():
    row = next(line for line in readme().splitlines() if line.startswith("| dZ[L] = A[L] − Y"))
    assert "garble" in row and "docs/notes-errata.md" in row


def test_the_readme_names_everything_that_is_not_in_the_notes_with_its_source():
    section = readme().split("**not in the notes**", 1)[1].split("\n## ", 1)[0]
    for what, source in [("initialisation", "He et al."), ("xavier", "Glorot"), ("relative difference", "course"),
                         ("softmax", "course"), ("Adam", "Kingma"), ("RMSprop", "course"), ("momentum", "course"),
                         ("decay", "course"), ("dropout", "Srivastava"), ("batch normalization", "Ioffe"),
                         ("pooling", "course"), ("conv_single_step", "course"), ("shuffl", "course")]:
        assert what.lower() in section.lower() and source in section, what
    assert "batch" in section and "mini-batch" in section  # the notes' "batch" is a mini-batch
