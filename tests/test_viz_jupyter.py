"""The pictures in a notebook: executed with nbclient, the step-through page and the graph show inline."""

import base64
import html
import re

import nbformat
import pytest
from nbclient import NotebookClient

from autograd_mini.notes_graph import logistic_graph
from test_viz_html import SMALLEST_TEXT, browser  # noqa: F401  (the browser fixture)

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
    # and as PNG, the one picture an untrusted notebook shows (it hides SVG and HTML)
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    page_output = bundle["text/html"]
    assert page_output.startswith("<iframe srcdoc=\"") and "background:#ffffff" in page_output
    page = html.unescape(re.search(r'srcdoc="(.*?)"', page_output, re.S).group(1))
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    assert "<noscript>" in page and 'aria-live="polite"' in page and 'name="viewport"' in page
    assert "prefers-color-scheme: dark" in page
    assert "Content-Security-Policy" in page and "&lt;b&gt;not bold&lt;/b&gt;" in page  # escaped as in a file
    assert '"pass": "backward"' in page and "dz = da · a(1 - a)" in page
    assert "<svg" in notebook.cells[2].outputs[0]["data"]["image/svg+xml"]


HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0;background:#111827;color:#f3f4f6"><div style="width:1000px">{output}</div></body></html>"""
# the contrast ratio of two CSS colours (WCAG 2), to say text is readable on its background
CONTRAST = """
function lum(c) { var v = c.match(/[\\d.]+/g).slice(0, 3).map(function (x) {
  x = x / 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
var d = arguments[0].contentDocument, bg = getComputedStyle(d.body).backgroundColor;
return [ratio(getComputedStyle(d.querySelector('h1')).color, bg), ratio(getComputedStyle(d.getElementById('counter')).color, bg),
        getComputedStyle(arguments[0]).backgroundColor];"""


def _open_output(browser, tmp_path, shown, name):
    import time

    host = tmp_path / f"{name}.html"
    host.write_text(HOST.format(output=shown._repr_mimebundle_()["text/html"]), encoding="utf-8")
    browser.get(host.as_uri())
    frame = browser.find_element("tag name", "iframe")
    for _ in range(100):  # once loaded, the frame takes the page's measured height and the page fills it
        if browser.execute_script("var d = arguments[0].contentDocument; d = d && d.documentElement; return !!d && "
                                  "arguments[0].clientHeight === Number(d.getAttribute('data-height')) && "
                                  "d.scrollHeight <= arguments[0].clientHeight + 1;", frame):
            break
        time.sleep(0.05)
    return frame


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notebook_output_is_as_tall_as_its_page_and_readable_on_a_dark_host(browser, tmp_path, scheme):  # noqa: F811
    from viz import step_through

    L = logistic_graph()
    L.backward()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        frame = _open_output(browser, tmp_path, step_through(L), "notes")
        measured = browser.execute_script("var d = arguments[0].contentDocument.documentElement; return ["
                                          "arguments[0].clientHeight, Number(d.getAttribute('data-height')), "
                                          "d.scrollHeight, arguments[0].clientWidth, d.scrollWidth]", frame)
        height, wanted, content, width, content_width = measured
        assert height == wanted, measured  # the frame is as tall as the page measured itself
        assert content <= height + 1 and content_width <= width + 1, measured  # nothing clipped, no scrollbar
        title, counter, frame_background = browser.execute_script(CONTRAST, frame)
        assert title >= 7 and counter >= 7, (title, counter)  # the page's own colours, not the dark host's
        assert frame_background == "rgb(255, 255, 255)"  # the host's background never shows through
        # in a 1000 × 720 frame (a notebook's fixed output height) the page still fits, and reads at ≥ 10 px
        browser.execute_script("arguments[0].style.height = '720px';", frame)
        browser.switch_to.frame(frame)
        try:
            browser.find_element("id", "fit").click()
            inner = browser.execute_script("return [document.documentElement.scrollHeight, window.innerHeight]")
            assert inner[0] <= inner[1] + 1, inner
            assert browser.execute_script(SMALLEST_TEXT) >= 10
        finally:
            browser.switch_to.default_content()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


@pytest.mark.parametrize("which", ["notes", "deepnet"])
def test_in_a_1000_px_notebook_output_the_page_reads_at_10_px_after_fit(browser, tmp_path, which):  # noqa: F811
    from viz import step_through
    from viz_nets import deep_net_cost

    root = logistic_graph() if which == "notes" else deep_net_cost()[0]
    root.backward()
    shown = step_through(root)
    frame = _open_output(browser, tmp_path, shown, which)
    assert browser.execute_script("return arguments[0].clientWidth", frame) == 1000
    browser.switch_to.frame(frame)
    try:
        browser.find_element("id", "fit").click()
        smallest = browser.execute_script(SMALLEST_TEXT)
        assert smallest >= 10, smallest
        inner = browser.execute_script("return [document.documentElement.scrollHeight, window.innerHeight]")
        assert inner[0] <= inner[1] + 1, inner  # the frame is as tall as the page: nothing clipped
    finally:
        browser.switch_to.default_content()


def test_a_notebook_shows_a_practice_page_inline_that_judges_answers_in_the_page(browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    cells = ["import viz\nfrom autograd_mini.notes_graph import logistic_graph\nL = logistic_graph()\nL.backward()",
             "viz.step_through(L, practice=True, practice_scope='backward')"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    bundle = notebook.cells[1].outputs[0]["data"]
    assert bundle["text/plain"].startswith("<StepThrough: practice page, 9 frames")
    # the fallback a viewer without scripts shows: the graph, each practised gradient's cell hidden
    assert re.search(r"<style>#a_g\d+(, #a_g\d+){5} \{ visibility: hidden; \}</style>", bundle["image/svg+xml"])
    output = bundle["text/html"]
    assert output.startswith('<iframe srcdoc="') and 'title="practice backprop, 9 frames"' in output
    page = html.unescape(re.search(r'srcdoc="(.*?)"', output, re.S).group(1))
    assert 'id="practice"' in page and "Content-Security-Policy" in page and "connect-src" not in page
    host = tmp_path / "host.html"
    host.write_text(HOST.format(output=output), encoding="utf-8")
    browser.get(host.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        browser.find_element("id", "last").click()  # dL, dz, … : the last frame is db
        field = browser.find_element("id", "answer0")
        assert browser.execute_script("return document.getElementById('text').textContent").startswith(
            "Your turn: db = ∂L/∂b = ?")
        field.send_keys("-0.475", Keys.ENTER)
        assert browser.execute_script("return document.getElementById('feedback').textContent").startswith("Right")
        assert browser.execute_script("return document.getElementById('text').textContent").startswith("db = dz")
    finally:
        browser.switch_to.default_content()
