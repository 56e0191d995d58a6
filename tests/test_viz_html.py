"""The step-through page in headless Chromium: one layout, every control, zoom, readable text, no injected script."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograd_mini import Value
from autograd_mini.notes_graph import logistic_graph
from viz import all_steps, step_through, step_through_html
from viz_nets import deep_net_cost, micrograd_demo, scalar_mlp

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
IMG = '<img src=x onerror="document.title=\'pwned\'">'
SCRIPT = "</script><script>window.pwned=1</script>"
# every node's box, as the page lays it out: [id, x, y, width, height] in CSS pixels (a net's "layer l"
# headings are nodes too, with ids of their own)
BOXES = """return Array.from(document.querySelectorAll('#stage .node:not([id^="layer_"])')).map(function (n) {
  var r = n.querySelector('polygon, path, ellipse').getBoundingClientRect();
  return [n.id, r.x, r.y, r.width, r.height]; });"""
SMALLEST_TEXT = """var t = document.querySelectorAll('#stage text'), m = 1e9;
for (var i = 0; i < t.length; i++) { m = Math.min(m, parseFloat(t[i].getAttribute('font-size')) * t[i].getScreenCTM().a); }
return m;"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"no browser: {CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1400, 900)
    yield driver
    driver.quit()


def open_page(browser, root, path: Path, **options):
    step_through_html(root, path, title="Backprop of L", **options)
    browser.get(path.as_uri())
    return browser


def frames_of(page: str) -> list:
    return json.loads(re.search(r'id="frames">(.*?)</script>', page).group(1))["frames"]


def text(page, element_id):
    return page.execute_script(f"return document.getElementById('{element_id}').textContent")


def press(page, key):
    from selenium.webdriver.common.keys import Keys

    page.find_element("tag name", "body").send_keys(getattr(Keys, key))


@pytest.mark.parametrize("which", ["notes", "deepnet"])
def test_every_frame_keeps_every_node_where_it_is(browser, tmp_path, which):
    root = logistic_graph() if which == "notes" else deep_net_cost()[0]
    root.backward()
    page = open_page(browser, root, tmp_path / f"{which}.html")
    n = len(all_steps(root))
    first = page.execute_script(BOXES)
    assert len(first) == len(root.topo_order())
    seen_counters = set()
    for k in range(n):
        if k:
            page.find_element("id", "next").click()
        assert page.execute_script(BOXES) == first, f"a node moved in frame {k + 1}"
        seen_counters.add(text(page, "counter"))
    assert len(seen_counters) == n
    assert page.find_element("id", "next").get_attribute("disabled")


def test_notes_page_frames_controls_and_text(browser, tmp_path):
    L = logistic_graph()
    L.backward()
    page = open_page(browser, L, tmp_path / "notes.html")
    frames = frames_of((tmp_path / "notes.html").read_text(encoding="utf-8"))
    assert [f["pass"] for f in frames] == ["forward"] * 3 + ["backward"] * 6
    backward = [f["text"].split(" = ")[0] for f in frames[3:]]
    assert backward == ["dL", "da", "dz", "dw1", "dw2", "db"]  # the notes' derivatives, in the teacher's order
    assert text(page, "counter").startswith("forward pass 1 / 3")
    assert text(page, "text").startswith("z = w1·x1 + w2·x2 + b\n  = 0.5·1 + (-0.25)·2 + 0.1")
    # in the first frame only z's value is computed: a and L are dashed and their data hidden
    assert page.execute_script("return document.getElementById('n6').classList.contains('pending')")
    assert not page.execute_script("return document.getElementById('n5').classList.contains('pending')")
    assert page.execute_script("return getComputedStyle(document.getElementById('a_v6')).visibility") == "hidden"
    press(page, "END")
    assert text(page, "counter").startswith("backward pass 6 / 6")
    press(page, "HOME")
    assert text(page, "counter").startswith("forward pass 1 / 3")
    for _ in range(5):
        press(page, "ARROW_RIGHT")
    assert text(page, "counter").startswith("backward pass 3 / 6")
    dz = text(page, "text")
    assert dz == ("dz = da · a(1 - a)\n   = (-1.905) · 0.525 · (1 - 0.525)\n   = -0.475\n"
                  "the notes: dz = a - y = 0.525 - 1 = -0.475")
    # z is outlined, its incoming term (from a) is red, dz's grad shows, dw1's not yet
    assert page.execute_script("return document.getElementById('n5').classList.contains('current')")
    assert page.execute_script("return document.getElementById('e5_6_0').classList.contains('term')")
    assert page.execute_script("return getComputedStyle(document.getElementById('a_g5')).visibility") == "visible"
    assert page.execute_script("return getComputedStyle(document.getElementById('a_g0')).visibility") == "hidden"
    press(page, "ARROW_LEFT")
    assert text(page, "counter").startswith("backward pass 2 / 6")
    # the slider jumps to any frame
    page.execute_script("var s = document.getElementById('slider'); s.value = 9;"
                        "s.dispatchEvent(new Event('input'))")
    assert text(page, "text").startswith("db = dz")
    # play runs to the end by itself at the chosen speed, and pauses
    page.find_element("id", "first").click()
    page.execute_script("document.getElementById('speed').value = '400';"
                        "document.getElementById('speed').dispatchEvent(new Event('change'))")
    page.find_element("id", "play").click()
    assert "Pause" in text(page, "play")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(page, 20).until(lambda p: text(p, "counter").startswith("backward pass 6 / 6"))
    assert "Play" in text(page, "play")  # stopped at the last frame
    page.find_element("id", "first").click()
    page.find_element("id", "play").click()
    page.find_element("id", "play").click()  # pause at once
    paused_at = text(page, "counter")
    page.execute_script("return new Promise(function (r) { setTimeout(r, 900); })")
    assert text(page, "counter") == paused_at


def test_zoom_pan_and_fit(browser, tmp_path):
    L = logistic_graph()
    L.backward()
    page = open_page(browser, L, tmp_path / "zoom.html")
    scale = "return new DOMMatrix(getComputedStyle(document.getElementById('stage')).transform).a"
    fitted = page.execute_script(scale)
    page.find_element("id", "zoomin").click()
    assert page.execute_script(scale) == pytest.approx(fitted * 1.25, rel=1e-4)
    page.find_element("id", "zoomout").click()
    page.find_element("id", "zoomout").click()
    assert page.execute_script(scale) == pytest.approx(fitted * 0.8, rel=1e-4)
    view = page.find_element("id", "view")
    page.execute_script("arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: 300, "
                        "clientY: 400, bubbles: true, cancelable: true}))", view)
    assert page.execute_script(scale) == pytest.approx(fitted * 0.8 * 1.15, rel=1e-4)
    from selenium.webdriver.common.action_chains import ActionChains

    before = page.execute_script("return document.getElementById('stage').getBoundingClientRect().x")
    ActionChains(page).move_to_element(view).click_and_hold().move_by_offset(120, 30).release().perform()
    after = page.execute_script("return document.getElementById('stage').getBoundingClientRect().x")
    assert after == pytest.approx(before + 120, abs=2)
    page.find_element("id", "fit").click()
    assert page.execute_script(scale) == pytest.approx(fitted, rel=1e-4)


def test_deep_net_text_is_readable_after_fit_at_1400_by_900(browser, tmp_path):
    J, net = deep_net_cost()
    J.backward()
    page = open_page(browser, J, tmp_path / "deepnet.html")
    page.find_element("id", "fit").click()
    # every entry of each (4, 8) matrix on its node, and still 12 px (12.6 px measured)
    assert page.execute_script(SMALLEST_TEXT) >= 12
    # A1 (4, 8) shows its 32 entries on its node, each as the frames print it; hovering shows them too
    A1 = net.cache["A1"]
    at = J.topo_order().index(A1)
    cell = page.execute_script(f"return Array.from(document.querySelectorAll('#a_v{at} text'))"
                               ".map(function (t) { return t.textContent.trim(); })")
    assert len(cell) == 32 and [float(v) for v in cell] == pytest.approx(A1.data.ravel(), abs=5e-3)
    press(page, "END")  # a cell hidden in a frame has no tooltip; in the last frame every value shows
    title = page.execute_script(f"return document.querySelector('#a_v{at} a').getAttribute('xlink:title')")
    assert title.startswith("A1 = ")
    entries = [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", title.split(" = ", 1)[1])]
    assert len(entries) == A1.data.size == 32
    np.testing.assert_allclose(entries, A1.data.ravel(), atol=1e-3)
    html = (tmp_path / "deepnet.html").read_text(encoding="utf-8")
    frames = frames_of(html)
    texts = "\n".join(f["text"] for f in frames)
    assert "Σ_columns ∂J/∂Z1" in texts and "A0ᵀ" in texts and "W2ᵀ" in texts and "(4, 8)" in texts
    assert "the notes: dZ3 = A3 - Y, one column per example (no 1/m): ∂J/∂Z3 = dZ3/m" in texts
    assert not re.search(r"\bd?v\d+\b", re.sub(r"<[^>]+>", " ", html.split('id="frames"')[0]) + texts)
    page.save_screenshot(str(tmp_path / "deepnet.png"))


def test_labels_cannot_inject_markup_or_script(browser, tmp_path):
    a = Value(2.0, label=IMG)
    b = Value(3.0, label=SCRIPT)
    out = a * b
    out.label = "out"
    out.backward()
    page = open_page(browser, out, tmp_path / "hostile.html")
    html = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>window.pwned" not in html
    for _ in range(3):
        page.find_element("id", "next").click()
    assert page.title == "Backprop of L"
    assert page.execute_script("return window.pwned === undefined")
    assert page.find_elements("tag name", "img") == []
    assert text(page, "text").startswith(f"d({SCRIPT}) = dout · {IMG}\n")  # backward step 3 is b
    assert IMG in text(page, "stage")


def test_bidirectional_and_control_characters_show_as_escapes(browser, tmp_path):
    a = Value(2.0, label="w\u202eb")
    b = Value(3.0, label="nul\x00 bell\x07 zw\u200b iso\u2066")
    out = a * b
    out.label = "out"
    out.backward()
    page = open_page(browser, out, tmp_path / "controls.html")
    page.find_element("id", "next").click()
    shown = text(page, "text") + text(page, "stage")
    assert "w\\u202eb" in shown and "\u202e" not in shown
    assert "nul\\x00 bell\\x07 zw\\u200b iso\\u2066" in shown and "\u2066" not in shown


def test_the_page_is_self_contained_and_grows_with_the_graph(tmp_path):
    L = logistic_graph()
    L.backward()
    html = step_through_html(L)
    assert html.count("<svg") == 1 and "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and "<link" not in html and "src=" not in html
    with pytest.raises(RuntimeError, match="backward"):
        step_through_html(logistic_graph())
    with pytest.raises(ValueError, match="9 frames.*max_steps=5"):
        step_through_html(L, max_steps=5)
    mlp = scalar_mlp((2, 4, 4, 1), m=1)
    mlp.backward()
    size = len(step_through_html(mlp))
    assert size < 40 * len(html) * len(mlp.topo_order()) / len(L.topo_order())  # not graph × steps


def test_a_graph_too_large_is_refused_before_graphviz_runs():
    from viz import GraphTooLarge

    mlp = scalar_mlp((2, 16, 16, 1), m=2)
    mlp.backward()
    with pytest.raises(GraphTooLarge, match=r"has [\d,]+ nodes .* more than the 300 .*max_nodes"):
        step_through_html(mlp)


def test_step_through_object_shows_inline_in_jupyter():
    L = logistic_graph()
    L.backward()
    shown = step_through(L)
    inline = shown._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "&lt;svg" in inline and "<script" not in inline
    assert shown.frames == 9 and shown.html.count("<svg") == 1


def test_pages_for_the_micrograd_demo_net_and_a_60_term_expression(browser, tmp_path):
    from autograd_mini.expr import build_expression
    from viz import GraphTooLarge

    loss = micrograd_demo(m=10)
    loss.backward()
    nodes = len(loss.topo_order())
    assert nodes > 5000
    with pytest.raises(GraphTooLarge, match="collapse=True"):
        step_through(loss)
    page = open_page(browser, loss, tmp_path / "mlp.html", collapse=True)
    frames = frames_of((tmp_path / "mlp.html").read_text(encoding="utf-8"))
    assert frames[0]["pass"] == "forward" and frames[-1]["pass"] == "backward"
    heads = [(f["pass"], f["text"].split(":")[0]) for f in frames]
    neurons = [[f"layer {l}, neuron {j}" for j in range(1, n + 1)] for l, n in ((1, 16), (2, 16), (3, 1))]
    # a frame per neuron shared by the 10 examples, the regulariser and the loss; backward from the loss back,
    # each box as soon as every box using it is done (the L2 term before the neurons whose parameters it reads),
    # a layer's neurons 1 to 16 as a teacher goes through them
    assert heads == ([("forward", h) for h in sum(neurons, [])] + [("forward", "the regulariser"), ("forward", "the loss")]
                     + [("backward", "the loss"), ("backward", "the regulariser")]
                     + [("backward", h) for layer in reversed(neurons) for h in layer])
    press(page, "END")
    assert text(page, "counter").startswith(f"backward pass {sum(f['pass'] == 'backward' for f in frames)}")
    assert f"{nodes:,} nodes exceed max_nodes=300: drawn per neuron" in text(page, "stage")

    root, _ = build_expression("+".join(["x"] * 60), {"x": 2.0})
    root.backward()
    page = open_page(browser, root, tmp_path / "sum60.html")
    frames = frames_of((tmp_path / "sum60.html").read_text(encoding="utf-8"))
    assert len(frames) == 59 + 60  # 59 sums computed; 59 sums and x differentiated
    assert frames[-1]["text"].startswith("dx = ") and frames[-1]["text"].count("· 1") == 0
    press(page, "END")
    assert text(page, "text").split("\n")[-1].strip() == "= 60"  # d(x + … + x)/dx = 60


def test_hover_titles_are_in_a_learners_words(browser, tmp_path):  # noqa: F811
    """No Graphviz internal name is a tooltip: not the graph's name, not cluster_<n>, not tail:port->head:port."""
    from test_viz_teaching import GRAPHS

    J = GRAPHS["deepnet"]()
    J.backward()
    demo = micrograd_demo(m=2)
    demo.backward()
    internal = re.compile(r"computational_graph|derivative_graph|^cluster|->|:[nsewc]{1,2}$|:[nsewc]{1,2} to ")
    for root, options, edge in ((J, {}, "from A2 to Z3"),
                                (demo, {"collapse": True, "max_nodes": 100},
                                 "from layer 1, neuron 1: a = relu(w·x + b) to layer 2, neuron 1: a = relu(w·a[1] + b)")):
        page = open_page(browser, root, tmp_path / "titles.html", **options)
        titles = page.execute_script("return Array.from(document.querySelectorAll('#stage title'))"
                                     ".map(function (t) { return t.textContent; })")
        assert titles and not [t for t in titles if internal.search(t)], [t for t in titles if internal.search(t)][:5]
        assert edge in titles
        clusters = page.execute_script("return Array.from(document.querySelectorAll('#stage .cluster > title'))"
                                       ".map(function (t) { return t.textContent; })")
        assert all(t.startswith("layer ") for t in clusters), clusters  # a layer's box says its layer, or nothing
        if options:
            assert "layer 1" in clusters
