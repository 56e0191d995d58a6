"""The step-through page in headless Chromium: buttons, arrow keys, counter, formula, no injected script."""

from pathlib import Path

import pytest

from autograd_mini import Value
from autograd_mini.notes_graph import logistic_graph
from viz import backprop_steps, step_through_html
from viz._format import fmt_value

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
IMG = '<img src=x onerror="document.title=\'pwned\'">'
SCRIPT = "</script><script>window.pwned=1</script>"


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
                 "--window-size=1600,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_page(browser, root, path: Path):
    step_through_html(root, path, title="Backprop of L")
    browser.get(path.as_uri())
    return browser


def test_next_prev_and_arrow_keys_move_through_the_steps(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    L = logistic_graph()
    L.backward()
    expected = [f"{s.formula} = {fmt_value(s.value)}" for s in backprop_steps(L)]
    page = open_page(browser, L, tmp_path / "steps.html")
    counter = lambda: page.find_element(By.ID, "counter").text  # noqa: E731
    formula = lambda: page.find_element(By.ID, "formula").text  # noqa: E731
    visible = lambda: [f.get_attribute("id") for f in page.find_elements(By.CSS_SELECTOR, ".frame")  # noqa: E731
                       if f.is_displayed()]
    assert counter() == "Step 1 / 12" and formula() == expected[0] and visible() == ["frame-1"]
    assert not page.find_element(By.ID, "next").get_attribute("disabled")
    assert page.find_element(By.ID, "prev").get_attribute("disabled")
    for k in range(1, 4):
        page.find_element(By.ID, "next").click()
        assert counter() == f"Step {k + 1} / 12" and formula() == expected[k]
    assert formula() == "dz = da · a(1 - a) = -0.475" and visible() == ["frame-4"]
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert counter() == "Step 5 / 12" and formula() == expected[4]
    body.send_keys(Keys.ARROW_LEFT)
    body.send_keys(Keys.ARROW_LEFT)
    assert counter() == "Step 3 / 12" and formula() == expected[2]
    page.find_element(By.ID, "prev").click()
    assert counter() == "Step 2 / 12"
    # the frame of step 4 draws dz with its value, later gradients not yet
    svg_text = page.execute_script("return document.getElementById('frame-4').textContent")
    assert "-0.475" in svg_text and svg_text.count("not computed yet") == 8
    page.find_element(By.ID, "next").click()
    page.find_element(By.ID, "next").click()
    page.save_screenshot(str(tmp_path / "page.png"))


def test_labels_cannot_inject_markup_or_script(browser, tmp_path):
    from selenium.webdriver.common.by import By

    a = Value(2.0, label=IMG)
    b = Value(3.0, label=SCRIPT)
    out = a * b
    out.label = "out"
    out.backward()
    page = open_page(browser, out, tmp_path / "hostile.html")
    html = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>window.pwned" not in html
    for _ in range(2):
        page.find_element(By.ID, "next").click()
    assert page.title == "Backprop of L"
    assert page.execute_script("return window.pwned === undefined")
    assert page.find_elements(By.TAG_NAME, "img") == []
    assert page.find_element(By.ID, "formula").text == f"d{IMG} = dout · {SCRIPT} = 3"  # step 3 is a
    assert IMG in page.execute_script("return document.getElementById('frame-3').textContent")


def test_the_page_is_self_contained(tmp_path):
    L = logistic_graph()
    L.backward()
    html = step_through_html(L)
    assert html.count("<svg") == 12 and "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and "<link" not in html and "src=" not in html
    with pytest.raises(RuntimeError, match="backward"):
        step_through_html(logistic_graph())
    with pytest.raises(ValueError, match="12 steps.*max_steps=5"):
        step_through_html(L, max_steps=5)



def test_control_characters_show_as_escapes_in_the_page(browser, tmp_path):
    from selenium.webdriver.common.by import By

    a = Value(2.0, label="nul\x00 bell\x07")
    b = Value(3.0, label="\n")
    out = a * b
    out.label = "out"
    out.backward()
    page = open_page(browser, out, tmp_path / "controls.html")
    page.find_element(By.ID, "next").click()
    formula = page.execute_script("return document.getElementById('formula').textContent")
    # step 2 is b: its label, a line break, breaks the formula's line after the d
    assert formula == "d\n = dout · nul\\x00 bell\\x07 = 2"
    frame = page.execute_script("return document.getElementById('frame-2').textContent")
    assert "nul\\x00 bell\\x07" in frame and "\\n" in frame  # b's node: a label of only a break shows it
