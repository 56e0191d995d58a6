"""Draw the README's pictures in docs/img from the current code: `make pictures` (or
`python docs/make_pictures.py [FOLDER]`).

* notes_graph.png, notes_derivatives.png: the notes' one-example graph after backward (as
  `make demo` draws it: each edge with its local derivative) and its derivative graph;
* deepnet_derivatives.png: the derivative graph of DeepNet([2, 4, 3, 1]) on m = 4;
* gpt_step.png: one training step of microgpt's GPT on Values, one box per part (the README's snippet);
  each with its DOT source beside it (NAME.gv), which the tests compare with what the code draws now;
* step_through_notes.png, step_through_deepnet.png: the step-through pages in headless Chromium at
  1400 × 900 after "fit" (the notes' graph at dz, DeepNet on m = 4 at dW2);
* practice_notes_hint.png: the notes' graph in practice mode at dz, the frames before it answered right,
  dz answered with the local derivative alone: the slip named, the first hint given;
  these need Chromium and ChromeDriver (`make system-deps`) and selenium (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests")]

from autograd_mini import Value  # noqa: E402
from autograd_mini.atomic import atomic_write  # noqa: E402
from autograd_mini.gpt import GPT, Adam, CharTokenizer, make_names, part  # noqa: E402
from autograd_mini.notes_graph import logistic_graph  # noqa: E402
from test_viz_html import CHROMEDRIVER, CHROMIUM  # noqa: E402
from viz import all_steps, draw_derivative_graph, draw_graph, render, step_through_html  # noqa: E402
from viz._format import fmt_number  # noqa: E402
from viz_nets import deep_net_cost as net_cost  # noqa: E402  (the tests' DeepNet([2, 4, 3, 1]), He, seed 0)


def deep_net_cost():
    """J of DeepNet([2, 4, 3, 1]) on m = 4 random examples."""
    return net_cost(m=4)[0]


def gpt_step_cost():
    """J of the README's GPT snippet: the tenth step of training on generated names (J.backward() done)."""
    docs = make_names(300, seed=0)
    tokenizer = CharTokenizer(docs)
    model = GPT(Value, tokenizer.vocab_size, labels=True)
    trainer = Adam(model.parameters(), num_steps=100)
    for doc in docs[:10]:
        J = model.loss(tokenizer.encode(doc))
        trainer.step(J)
    return J


def sources() -> dict:
    """The DOT source of each Graphviz picture, by the picture's file name."""
    L = logistic_graph()
    L.backward()
    J = deep_net_cost()
    J.backward()
    return {"notes_graph.png": draw_graph(L, edge_derivatives=True),
            "notes_derivatives.png": draw_derivative_graph(L),
            "deepnet_derivatives.png": draw_derivative_graph(J),
            "gpt_step.png": draw_graph(gpt_step_cost(), cluster=part, rankdir="TB")}


def graphs(folder: Path) -> list[Path]:
    """The three Graphviz pictures, each with the DOT source it is drawn from beside it (NAME.gv): the
    source says what the picture shows whatever Graphviz and fonts draw it, so the test compares that."""
    written = []
    for name, g in sources().items():
        written.append(render(g, folder / name))
        atomic_write(folder / name.replace(".png", ".gv"), g.source.encode("utf-8"))
    return written


def pages(folder: Path) -> list[Path]:
    """The two step-through pages, screenshot at 1400 × 900 after "fit"."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_window_size(1400, 900)
    L = logistic_graph()
    L.backward()
    J = deep_net_cost()
    J.backward()
    written = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for name, root, shown in (("notes", L, "dz"), ("deepnet", J, "dW2")):
                page = Path(scratch) / f"{name}.html"
                frames = json.loads(re.search(r'id="frames">(.*?)</script>',
                                              step_through_html(root, page)).group(1))["frames"]
                k = next(k for k, f in enumerate(frames) if f["pass"] == "backward" and f["gradient"] == shown)
                browser.get(page.as_uri())
                browser.find_element("id", "fit").click()
                browser.execute_script("var s = document.getElementById('slider'); s.value = arguments[0]; "
                                       "s.dispatchEvent(new Event('input'));", k + 1)
                written.append(atomic_write(folder / f"step_through_{name}.png", browser.get_screenshot_as_png()))
            written.append(practice_hint(browser, L, Path(scratch) / "practice.html", folder))
    finally:
        browser.quit()
    return written


def practice_hint(browser, L, page: Path, folder: Path) -> Path:
    """The README's practice frame: dz = ? answered with ∂a/∂z alone (0.2494, not da · ∂a/∂z)."""
    from selenium.webdriver.common.keys import Keys

    step_through_html(L, page, practice=True)
    browser.get(page.as_uri())
    browser.find_element("id", "fit").click()
    for step in all_steps(L):
        field = browser.find_element("css selector", "input.answer")
        if step.kind == "backward" and step.node.label == "z":
            a = next(p for p in L.topo_order() if p.label == "a").data
            field.send_keys(fmt_number(a * (1 - a), 4), Keys.ENTER)
            break
        field.send_keys(fmt_number(step.node.data if step.kind == "forward" else step.node.grad, 6), Keys.ENTER)
        browser.switch_to.active_element.send_keys(Keys.ENTER)  # Enter once revealed: the next frame
    return atomic_write(folder / "practice_notes_hint.png", browser.get_screenshot_as_png())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "img"
    for path in graphs(target) + pages(target):
        print(path)
