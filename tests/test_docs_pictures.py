"""The README's Graphviz pictures in docs/img are what the code draws now (`make pictures` redraws them)."""

import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def make_pictures():
    sys.path.insert(0, str(DOCS))
    try:
        import make_pictures
    finally:
        sys.path.remove(str(DOCS))
    return make_pictures


def test_the_readme_graph_pictures_are_drawn_by_the_current_code(make_pictures):
    # the DOT source, not the PNG's bytes: those change with Graphviz's version and the fonts installed
    drawn = make_pictures.sources()
    assert list(drawn) == ["notes_graph.png", "notes_derivatives.png", "deepnet_derivatives.png", "gpt_step.png"]
    stale = [name for name, g in drawn.items()
             if g.source != (DOCS / "img" / name.replace(".png", ".gv")).read_text(encoding="utf-8")]
    assert not stale, f"docs/img/{stale} differ from what the code draws now: run `make pictures` and commit them"
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for name in ("notes_graph", "notes_derivatives", "deepnet_derivatives", "gpt_step", "step_through_notes",
                 "step_through_deepnet"):
        assert f"docs/img/{name}.png" in readme and (DOCS / "img" / f"{name}.png").exists()
